"""The funding allocator: hand-checked cases, clear answers for trivial inputs, properties, the CLI."""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.schema import COMMUNITY_ROLES, ROLES
from metrics import Assumptions, allocate, hromada_planning_base

settings.register_profile(
    "ci", max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=400, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

OA, OB = "UA05000000000010236", "UA07000000000024379"
SW, SPEC, PSY = "social_worker", "social_work_specialist", "psychologist"


def _atlas(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(rows)
    for role in ROLES:
        for what in ("approved", "filled"):
            if f"{role}_{what}" not in frame:
                frame[f"{role}_{what}"] = 0.0
    for column in ("families_sjo", "low_income_families"):
        if column not in frame:
            frame[column] = 0.0
    units = pd.DataFrame(
        {
            "code": frame["code"],
            "level": "hromada",
            "oblast_code": frame.pop("oblast") if "oblast" in frame else OA,
            "raion_code": None,
        }
    )
    return frame, units


def _funded(result) -> dict[tuple[str, str], int]:
    return {(r.code, r.role): int(r.positions) for r in result.allocations.itertuples()}


# -- hand-checked -----------------------------------------------------------------------
@pytest.fixture
def two_hromadas():
    """A: 30,000 people and no social worker (gap 3.0); B: 15,000 people, none (gap 1.5)."""
    return _atlas(
        [
            {"code": "A", "population": 30_000.0, "idp": 0.0},
            {"code": "B", "population": 10_000.0, "idp": 5_000.0},
        ]
    )


def test_coverage_by_hand(two_hromadas):
    h, u = two_hromadas
    r = allocate(h, u, Assumptions(), 640_000, roles=[SW])
    # four social workers (160,000 UAH each), 10,000 people covered each (norm 1 per 10,000)
    assert r.status == "optimal" and r.positions == 4 and r.spent == 640_000
    assert r.objective_value == pytest.approx(40_000)
    assert r.objective_sense == "max"
    r = allocate(h, u, Assumptions(), 800_000, roles=[SW])
    # the fifth position fills B's half gap: 5,000 more people
    assert _funded(r) == {("A", SW): 3, ("B", SW): 2}
    assert r.objective_value == pytest.approx(45_000)
    assert r.greedy_objective_value == pytest.approx(45_000)
    # never more than the gap rounded up unless allowed
    r = allocate(h, u, Assumptions(), 10_000_000, roles=[SW])
    assert _funded(r) == {("A", SW): 3, ("B", SW): 2} and r.spent == 800_000


def test_equity_lifts_the_worst_off_first():
    h, u = _atlas(
        [
            {"code": "A", "population": 20_000.0, "idp": 0.0, "social_worker_filled": 1.0},
            {"code": "B", "population": 9_000.0, "idp": 0.0, "social_worker_filled": 1.0},
            {"code": "C", "population": 5_000.0, "idp": 0.0},
        ]
    )
    r = allocate(h, u, Assumptions(), 160_000, "equity", roles=[SW])
    assert _funded(r) == {("C", SW): 1}  # the hromada without any worker first
    assert r.objective_value == pytest.approx(20_000) and r.objective_sense == "min"
    r = allocate(h, u, Assumptions(), 320_000, "equity", roles=[SW])
    assert _funded(r) == {("A", SW): 1, ("C", SW): 1}
    assert r.objective_value == pytest.approx(10_000)  # largest people per worker: A 10,000, B 9,000, C 5,000
    assert r.without_worker_after == 0
    coverage = allocate(h, u, Assumptions(), 320_000, roles=[SW])
    assert coverage.objective_value == pytest.approx(15_000)  # A's full position + C's half: more people
    assert _funded(coverage) == {("A", SW): 1, ("C", SW): 1}


def test_equity_by_wisn_shortfall():
    h, u = _atlas(
        [
            {"code": "A", "population": 10_000.0, "idp": 0.0, "social_worker_filled": 1.0, "families_sjo": 230.0},
            {"code": "B", "population": 10_000.0, "idp": 0.0, "social_worker_filled": 1.0, "families_sjo": 46.0},
        ]
    )
    # WISN: A needs 230 / 46 x 1.25 + 0.052 = 6.30 workers, B 1.30; the norm gap is only 1 each
    r = allocate(h, u, Assumptions(), 480_000, "equity", equity_measure="wisn_shortfall", roles=[SW])
    assert _funded(r) == {("A", SW): 3}  # A may go beyond its norm gap up to its WISN shortfall
    assert r.objective_value == pytest.approx(6.3022 - 4, abs=1e-3)


def test_exact_beats_greedy_on_a_knapsack():
    # A's psychologist is cheaper per person; funding it leaves too little for B's two.
    h, u = _atlas(
        [
            {"code": "A", "population": 20_000.0, "idp": 0.0, "oblast": OA},
            {"code": "B", "population": 40_000.0, "idp": 0.0, "oblast": OB},
        ]
    )
    a = Assumptions().updated({f"cost.oblast.{OA}.psychologist": 150_000, f"cost.oblast.{OB}.psychologist": 200_000})
    r = allocate(h, u, a, 400_000, roles=[PSY])
    assert _funded(r) == {("B", PSY): 2} and r.objective_value == pytest.approx(40_000)
    assert r.greedy_objective_value == pytest.approx(40_000)  # A (150,000) + one of B (200,000)
    a = a.updated({f"cost.oblast.{OA}.psychologist": 210_000, "norm.psychologist.workers_per_10k": 0.45})
    r = allocate(h, u, a, 400_000, roles=[PSY])
    assert r.objective_value >= r.greedy_objective_value


def test_caps_per_oblast_and_minimum_one_worker():
    h, u = _atlas(
        [
            {"code": "A", "population": 30_000.0, "idp": 0.0, "oblast": OA, "social_worker_filled": 1.0},
            {"code": "B", "population": 30_000.0, "idp": 0.0, "oblast": OB},
        ]
    )
    r = allocate(h, u, Assumptions(), 10_000_000, roles=[SW], oblast_budget_caps={OA: 320_000})
    assert _funded(r) == {("A", SW): 2, ("B", SW): 3}
    r = allocate(h, u, Assumptions(), 10_000_000, roles=[SW], oblast_position_caps={OB: 1})
    assert _funded(r)[("B", SW)] == 1
    r = allocate(h, u, Assumptions(), 160_000, roles=[SW, PSY], min_one_worker=True)
    assert _funded(r) == {("B", SW): 1}  # without the minimum a psychologist would cover more people
    free = allocate(h, u, Assumptions(), 160_000, roles=[SW, PSY])
    assert free.objective_value >= r.objective_value


# -- clear answers, not exceptions --------------------------------------------------------
def test_trivial_and_impossible_inputs_get_answers(two_hromadas):
    h, u = two_hromadas
    r = allocate(h, u, Assumptions(), 0)
    assert r.status == "no_budget" and r.positions == 0 and "budget is 0" in r.message
    none_needed = Assumptions().updated({f"norm.{role}.workers_per_10k": 0 for role in ROLES})
    r = allocate(h, u, none_needed, 1_000_000)
    assert r.status == "no_gap" and r.positions == 0 and "No hromada has a gap" in r.message
    free = Assumptions().updated({"cost.social_worker": 0})
    r = allocate(h, u, free, 0, roles=[SW])
    assert r.status == "optimal" and r.positions == 5 and r.spent == 0 and "cost 0 UAH" in r.message
    r = allocate(h, u, Assumptions(), 100_000, min_one_worker=True)
    assert r.status == "infeasible" and "needs at least 320,000 UAH" in r.message
    assert r.positions == 0 and r.summary()["allocations"] == []
    r = allocate(h.assign(population=np.nan), u, Assumptions(), 1_000_000)
    assert r.status == "no_data"


def test_unknown_idp_counts_residents_or_is_left_out(two_hromadas):
    h, u = two_hromadas
    h = h.assign(idp=[np.nan, 5_000.0])
    r = allocate(h, u, Assumptions(), 10_000_000, roles=[SW])
    assert r.residents_only == 1 and "residents only" in r.message
    assert _funded(r)[("A", SW)] == 3
    r = allocate(h, u, Assumptions(), 10_000_000, roles=[SW], unknown_idp="exclude")
    assert r.excluded == 1 and ("A", SW) not in _funded(r)


def test_invalid_arguments_are_named(two_hromadas):
    h, u = two_hromadas
    with pytest.raises(ValueError, match="budget must be a number of UAH >= 0, got -1"):
        allocate(h, u, Assumptions(), -1)
    with pytest.raises(ValueError, match="objective must be one of coverage, equity"):
        allocate(h, u, Assumptions(), 1, "fairness")
    with pytest.raises(ValueError, match="roles must be among"):
        allocate(h, u, Assumptions(), 1, roles=["nurse"])
    with pytest.raises(ValueError, match="equity objective needs at least one community"):
        allocate(h, u, Assumptions(), 1, "equity", roles=[PSY])


# -- properties against an independent brute force -----------------------------------------------
def _pairs(h, u, a, budget, roles, allow_above_gap, wisn_caps):
    """Every (hromada, role) with its gap, cap, cost and people per position; plus hromada data."""
    base = hromada_planning_base(h, a).reset_index(drop=True)
    oblast = dict(zip(u["code"], u["oblast_code"]))
    people = base["population_incl_idp"].to_numpy()
    workers = base["workers"].to_numpy()
    wisn = base["wisn_required"].to_numpy()
    rows = []
    for i in range(len(base)):
        norm_caps = sum(math.ceil(max(0.0, base.at[i, f"{r}_required_fte"] - base.at[i, f"{r}_filled"]) - 1e-9)
                        for r in roles if r in COMMUNITY_ROLES)  # fmt: skip
        short = math.ceil(max(0.0, wisn[i] - workers[i]) - 1e-9)
        dominant = wisn_caps and not allow_above_gap and short > norm_caps
        for r in roles:
            need = base.at[i, f"{r}_required_fte"]
            gap = max(0.0, need - base.at[i, f"{r}_filled"])
            cost = a.cost(r, oblast[base.at[i, "code"]])
            cap = math.ceil(gap - 1e-9)
            if dominant and r in COMMUNITY_ROLES:
                cap = short
            if allow_above_gap and cost > 0:
                cap = max(cap, int(budget // cost))
            if cost > 0:
                cap = min(cap, int(budget // cost))
            rows.append((i, r, gap, cap, cost, people[i] / need if need > 0 else 0.0, oblast[base.at[i, "code"]]))
    hcap = None
    return rows, people, workers, wisn, base, hcap


def _keys(x, rows, people, workers, wisn, objective, measure):
    """Lexicographic key (smaller is better) of each allocation in the rows of ``x``."""
    gap = np.array([r[2] for r in rows])
    value = np.array([r[5] for r in rows])
    covered = (value * np.minimum(x, gap)).sum(axis=1)
    comm = np.zeros((x.shape[0], len(people)))
    for k, r in enumerate(rows):
        if r[1] in COMMUNITY_ROLES:
            comm[:, r[0]] += x[:, k]
    after = workers + comm
    if objective == "coverage":
        return np.column_stack([-covered])
    if measure == "residents_per_worker":
        zero = ((after <= 0) & (people > 0)).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            per = np.where(after > 0, people / np.where(after > 0, after, 1), -np.inf)
        return np.column_stack([zero, per.max(axis=1), -covered])
    short = np.where(np.isnan(wisn), -np.inf, wisn - after).max(axis=1).clip(min=0)
    return np.column_stack([short, -covered])


def _brute_force(h, u, a, budget, objective, measure, roles, allow, caps, min_one):
    rows, people, workers, wisn, base, _ = _pairs(
        h, u, a, budget, roles, allow, objective == "equity" and measure == "wisn_shortfall"
    )
    grid = np.array(list(itertools.product(*[range(r[3] + 1) for r in rows])), dtype=float)
    cost = np.array([r[4] for r in rows])
    ok = grid @ cost <= budget + 1e-6
    for o, cap in caps.items():
        ok &= grid @ (cost * np.array([r[6] == o for r in rows])) <= cap + 1e-6
    comm = np.zeros((len(grid), len(people)))
    for k, r in enumerate(rows):
        if r[1] in COMMUNITY_ROLES:
            comm[:, r[0]] += grid[:, k]
    if objective == "equity" and measure == "wisn_shortfall" and not allow:
        for i in range(len(people)):
            norm_caps = sum(math.ceil(r[2] - 1e-9) for r in rows if r[0] == i and r[1] in COMMUNITY_ROLES)
            short = math.ceil(max(0.0, wisn[i] - workers[i]) - 1e-9)
            if short > norm_caps:
                ok &= comm[:, i] <= short
    if min_one:
        ok &= ((workers + comm) >= 1).all(axis=1) | ~(people > 0).any()
        ok &= ((workers + comm)[:, (workers <= 0) & (people > 0)] >= 1).all(axis=1)
    if not ok.any():
        return None, rows, people, workers, wisn
    keys = _keys(grid[ok], rows, people, workers, wisn, objective, measure)
    best = keys[np.lexsort(keys.T[::-1])[0]]
    return best, rows, people, workers, wisn


@st.composite
def instances(draw):
    n = draw(st.integers(1, 3))
    rows = []
    for i in range(n):
        rows.append(
            {
                "code": f"H{i}",
                "oblast": draw(st.sampled_from([OA, OB])),
                "population": float(draw(st.integers(0, 25_000))),
                "idp": float(draw(st.integers(0, 8_000))),
                "social_work_specialist_filled": float(draw(st.integers(0, 2))),
                "social_worker_filled": float(draw(st.integers(0, 2))),
                "psychologist_filled": float(draw(st.integers(0, 1))),
                "families_sjo": float(draw(st.integers(0, 150))),
                "low_income_families": float(draw(st.integers(0, 100))),
            }
        )
    roles = draw(st.sampled_from([(SW,), (SPEC, SW), (SW, PSY), (SPEC,)]))
    objective, measure = draw(
        st.sampled_from(
            [("coverage", "residents_per_worker"), ("equity", "residents_per_worker"), ("equity", "wisn_shortfall")]
        )
    )
    budget = float(draw(st.sampled_from([0, 150_000, 160_000, 360_000, 500_000, 800_000, 1_300_000])))
    caps = draw(st.sampled_from([{}, {OA: 0.0}, {OA: 350_000.0}, {OB: 200_000.0}]))
    allow = draw(st.booleans()) and budget <= 500_000
    min_one = draw(st.booleans())
    cheaper = draw(st.sampled_from([{}, {f"cost.oblast.{OB}.social_worker": 150_000}]))
    return _atlas(rows), Assumptions().updated(cheaper), budget, objective, measure, roles, caps, allow, min_one


@given(instances())
def test_exact_equals_brute_force_and_never_loses_to_greedy(instance):
    (h, u), a, budget, objective, measure, roles, caps, allow, min_one = instance
    rows, *_ = _pairs(h, u, a, budget, roles, allow, objective == "equity" and measure == "wisn_shortfall")
    assume(math.prod(r[3] + 1 for r in rows) <= 20_000)
    r = allocate(
        h, u, a, budget, objective, equity_measure=measure, roles=roles, allow_above_gap=allow,
        min_one_worker=min_one, oblast_budget_caps=caps,
    )  # fmt: skip
    best, rows, people, workers, wisn = _brute_force(h, u, a, budget, objective, measure, roles, allow, caps, min_one)
    # the budget and the caps hold
    assert r.spent <= budget + 1e-6
    assert r.allocations["cost"].sum() == pytest.approx(r.spent)
    for o, cap in caps.items():
        assert r.allocations.loc[r.allocations["oblast_code"] == o, "cost"].sum() <= cap + 1e-6
    if best is None:
        assert r.status in ("infeasible", "no_gap", "no_budget", "no_data") and r.positions == 0
        return
    assert r.status not in ("infeasible",)

    def key_of(allocations: pd.DataFrame) -> np.ndarray:
        x = np.zeros((1, len(rows)))
        funded = {(f"H{i}", role): k for k, (i, role, *_) in enumerate(rows)}
        for row in allocations.itertuples():
            x[0, funded[(row.code, row.role)]] = row.positions
            assert row.positions <= rows[funded[(row.code, row.role)]][3]  # never above the cap
        return _keys(x, rows, people, workers, wisn, objective, measure)[0]

    exact, greedy = key_of(r.allocations), key_of(r.greedy_allocations)
    assert np.allclose(exact, best, rtol=1e-7, atol=1e-6), (exact, best)
    assert tuple(np.round(exact, 6)) <= tuple(np.round(greedy, 6)) or np.allclose(exact, greedy)


# -- on the demo and from the command line ----------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    from loaders import load_demo

    return load_demo()


def test_demo_exact_is_at_least_greedy_and_within_the_budget(demo):
    r = allocate(demo.hromadas, demo.units, Assumptions(), 512.3e6)
    assert r.status == "optimal"
    assert r.spent <= 512.3e6
    assert r.objective_value > r.greedy_objective_value  # the knapsack remainder is used better
    assert r.hromadas["cost"].sum() == pytest.approx(r.spent)
    e = allocate(demo.hromadas, demo.units, Assumptions(), 100e6, "equity")
    assert e.objective_value <= e.greedy_objective_value
    before = e.hromadas["people_per_worker_before"].max()
    assert e.hromadas["people_per_worker_after"].max() < before


def _args(**kw) -> argparse.Namespace:
    from cli.allocate import add_parser

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    argv = ["allocate", "--budget", str(kw.pop("budget"))]
    for key, value in kw.items():
        flag = "--" + key.replace("_", "-")
        argv += [flag] if value is True else [flag, str(value)]
    return parser.parse_args(argv)


def test_allocate_command_json_and_excel(demo, monkeypatch, capsys, tmp_path):
    import loaders
    from cli.allocate import run_allocate

    monkeypatch.setattr(loaders, "load_dataset", lambda manifest: demo)
    out = tmp_path / "allocation.xlsx"
    assert run_allocate(_args(budget=20_000_000, objective="equity", json=True, out=out)) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == [
        "budget",
        "spent",
        "positions",
        "hromadas",
        "objective",
        "objective_sense",
        "objective_value",
        "greedy_objective_value",
        "stopped_early",
        "mip_gap",
        "allocations",
    ]
    assert result["stopped_early"] is False and result["mip_gap"] == 0.0
    assert result["budget"] == 20_000_000 and result["objective"] == "equity" and result["objective_sense"] == "min"
    assert result["spent"] <= 20_000_000
    assert result["positions"] == sum(a["positions"] for a in result["allocations"])
    assert result["hromadas"] == len({a["code"] for a in result["allocations"]})
    assert sum(a["cost"] for a in result["allocations"]) == pytest.approx(result["spent"])
    first = result["allocations"][0]
    assert set(first) == {"code", "name", "role", "positions", "cost"} and first["name"]
    from openpyxl import load_workbook

    book = load_workbook(out)
    from exports import COVER_SHEET

    assert book.sheetnames == ["План фінансування", COVER_SHEET]  # the one plan writer, in Ukrainian by default
    sheet = book["План фінансування"]
    assert sheet.max_row == len(result["allocations"]) + 1
    headers = [c.value for c in sheet[1]]
    assert {"Громада", "Область", "Посада", "Нових посад усього"} <= set(headers)
    assert run_allocate(_args(budget=1_000, min_one_worker=True)) == 1
    assert "needs at least" in capsys.readouterr().out
    with pytest.raises(ValueError, match="--oblast-cap 'XX=1'"):
        run_allocate(_args(budget=1_000, oblast_cap="XX=1"))
    assert run_allocate(_args(budget=5_000_000, oblast_cap="UA23=1000000", roles=SW)) == 0
    assert "Exact (MILP)" in capsys.readouterr().out
