"""The funding allocator: hand-checked plans, the stated tie rule, status, vacancies, years, caps, the CLI."""

from __future__ import annotations

import argparse
import itertools
import json

import numpy as np
import pandas as pd
import pytest

from core.text import TEXT, solver_text, t
from metrics import ROLES, Assumptions, allocate
from metrics.allocator import MESSAGES, _served_value
from tests.fixtures import english_phrases

OA, OB = "UA05000000000010236", "UA07000000000024379"
SW, SPEC, PSY = "social_worker", "social_work_specialist", "psychologist"
ONE_YEAR = {"funding.years": 1, "funding.recruitment_cost": 0, "funding.one_off.training": 0}
ONE_YEAR |= {"funding.one_off.equipment": 0, "funding.max_hromada_share": 1.0}


def _atlas(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(rows)
    for column in [f"{r}_{w}" for r in ROLES for w in ("approved", "filled")] + ["families_sjo", "low_income_families"]:
        frame[column] = frame[column].fillna(0.0) if column in frame else 0.0
    units = pd.DataFrame(
        {
            "code": frame["code"],
            "level": "hromada",
            "oblast_code": frame.pop("oblast") if "oblast" in frame else OA,
            "raion_code": None,
        }
    )
    return frame, units


def _plain(**changes) -> Assumptions:
    """One year, annual cost only, no share caps: costs and values checkable by hand."""
    return Assumptions().updated({**ONE_YEAR, "funding.max_role_share.psychologist": 1.0, **changes})


def _funded(result) -> dict[tuple[str, str], int]:
    return {(r.code, r.role): int(r.positions) for r in result.allocations.itertuples()}


def test_value_is_concave_and_reaches_the_people_at_the_norm():
    people, required = np.full(5, 30_000.0), np.full(5, 3.0)
    served = _served_value(people, required, np.arange(5.0))
    steps = np.diff(served)
    assert served[0] == 0 and served[3] == pytest.approx(30_000) and served[4] == pytest.approx(30_000)
    assert steps[0] == pytest.approx(30_000 * 5 / 9) and np.all(np.diff(steps) < 0)  # u(1/3) = 5/9


def test_coverage_spreads_by_diminishing_value():
    # A: 30,000 people and no social worker (need 3); B: 30,000 people and 2 workers. Budget for 2.
    h, u = _atlas(
        [
            {"code": "A", "population": 30_000.0, "idp": 0.0},
            {"code": "B", "population": 30_000.0, "idp": 0.0, "social_worker_filled": 2.0},
        ]
    )
    r = allocate(h, u, _plain(), 320_000, "coverage", roles=[SW])
    # the first position in A is worth 30,000 x 5/9 = 16,667; a second in A 30,000 x 3/9 = 10,000; the last
    # missing position in B 30,000 x 1/9 = 3,333: both go to A
    assert _funded(r) == {("A", SW): 2}
    assert r.objective_value == pytest.approx(30_000 * 8 / 9, rel=1e-6)
    assert r.people_served == pytest.approx(20_000)
    assert r.spent == 320_000 and r.status == "optimal"


def test_ties_are_broken_by_need_then_code_and_the_plan_repeats():
    # four identical hromadas but the larger gap: C and D need more; of the equal pair, the smaller code first
    rows = [{"code": c, "population": 20_000.0, "idp": 0.0, "oblast": OA} for c in ("D", "B", "A", "C")]
    rows[0]["population"] = rows[3]["population"] = 20_000.0
    h, u = _atlas(rows)
    h.loc[h["code"].isin(["C", "D"]), "psychologist_filled"] = 0.0
    h.loc[h["code"].isin(["A", "B"]), "psychologist_filled"] = 0.0
    h.loc[h["code"].isin(["A", "B"]), "social_work_specialist_filled"] = 0.0
    a = _plain()
    first = allocate(h, u, a, 160_000 * 2, "coverage", roles=[SW])
    assert sorted(_funded(first)) == [("A", SW), ("B", SW)]
    again = allocate(h.sample(frac=1.0, random_state=3), u.sample(frac=1.0, random_state=5), a, 320_000, roles=[SW])
    pd.testing.assert_frame_equal(first.allocations, again.allocations)


def test_occupied_hromadas_are_left_out_by_default_and_may_be_included():
    h, u = _atlas(
        [
            {"code": "A", "population": 30_000.0, "idp": 0.0},
            {"code": "B", "population": 90_000.0, "idp": 0.0},
            {"code": "C", "population": 10_000.0, "idp": 0.0},
        ]
    )
    h["territorial_status"] = ["none", "occupied", "hostilities"]
    r = allocate(h, u, _plain(), 10 * 160_000, roles=[SW])
    assert "B" not in set(r.allocations["code"]) and r.excluded_status == {"occupied": 1}
    flagged = r.allocations.set_index("code").loc["C", "reasons"]
    assert ("hostilities", {}) in flagged
    assert ("left_out_status", {"count": 1, "status": "occupied"}) in r.notes
    assert "окупована" in solver_text(r.messages, "uk") and "occupied" in solver_text(r.messages, "en")
    included = allocate(h, u, _plain(), 10 * 160_000, roles=[SW], exclude_statuses=())
    assert "B" in set(included.allocations["code"])
    assert ("occupied_included", {}) in included.allocations.set_index("code").loc["B", "reasons"]
    both = allocate(h, u, _plain(), 10 * 160_000, roles=[SW], exclude_statuses=("occupied", "hostilities"))
    assert set(both.allocations["code"]) == {"A"}


def test_vacancies_are_filled_first_at_the_recruitment_cost():
    h, u = _atlas(
        [{"code": "A", "population": 40_000.0, "idp": 0.0, "social_worker_approved": 3.0, "social_worker_filled": 1.0}]
    )
    a = _plain(**{"funding.recruitment_cost": 5_000})
    r = allocate(h, u, a, 2 * 5_000 + 165_000, roles=[SW])  # two vacancies and one new post
    row = r.allocations.iloc[0]
    assert (row.vacancies_filled, row.new_posts, row.positions) == (2, 1, 3)
    assert r.spent == pytest.approx(2 * 5_000 + 165_000)
    assert ("fills_vacancies", {"n": 2}) in row.reasons
    off = allocate(h, u, a.updated({"funding.fill_vacancies": False}), 2 * 5_000 + 165_000, roles=[SW])
    assert off.vacancies_filled == 0 and off.positions == 1


def test_years_hand_over_and_one_off_costs():
    h, u = _atlas([{"code": "A", "population": 50_000.0, "idp": 0.0}])
    a = Assumptions().updated(
        {
            "funding.years": 3,
            "funding.handover_share": 0.5,
            "funding.recruitment_cost": 10_000,
            "funding.one_off.training": 20_000,
            "funding.one_off.equipment": 30_000,
            "funding.max_hromada_share": 1.0,
        }
    )
    # one new social worker: 60,000 once + 160,000 x (1 + 0.5 + 0) = 300,000
    r = allocate(h, u, a, 300_000, roles=[SW])
    assert r.positions == 1 and r.spent == pytest.approx(300_000)
    assert r.cost_by_year == pytest.approx((60_000 + 160_000, 80_000, 0.0))
    assert r.allocations.iloc[0]["cost_year_2"] == pytest.approx(80_000)
    assert allocate(h, u, a, 299_999, roles=[SW]).positions == 0


def test_no_hromada_gets_more_than_its_share_and_psychologists_are_capped():
    rows = [{"code": "BIG", "population": 400_000.0, "idp": 0.0}]
    rows += [{"code": f"S{i}", "population": 20_000.0, "idp": 0.0, "social_worker_filled": 1.0} for i in range(6)]
    h, u = _atlas(rows)
    a = Assumptions().updated({**ONE_YEAR, "funding.max_hromada_share": 0.25})
    r = allocate(h, u, a, 40 * 200_000)
    per_hromada = r.allocations.groupby("code")["positions"].sum()
    assert per_hromada.max() <= 0.25 * r.positions + 1e-9
    by_role = r.allocations.groupby("role")["positions"].sum()
    assert by_role.get(PSY, 0) <= 0.3 * r.positions + 1e-9
    uncapped = allocate(h, u, a.updated({"funding.max_hromada_share": 1.0}), 40 * 200_000)
    assert uncapped.allocations.groupby("code")["positions"].sum()["BIG"] > 0.25 * uncapped.positions


def test_equity_lifts_the_lowest_relative_shortage_first():
    # relative, not absolute: the city lacks most positions but the village has the lowest ratio
    h, u = _atlas(
        [
            {"code": "CITY", "population": 200_000.0, "idp": 0.0, "social_worker_filled": 10.0},
            {"code": "VILLAGE", "population": 20_000.0, "idp": 0.0, "social_worker_filled": 0.0},
            {"code": "TOWN", "population": 40_000.0, "idp": 0.0, "social_worker_filled": 1.0},
        ]
    )
    # ratios 0.25, 0 and 0.125: two positions lift the village and the town to the city's 0.25
    r = allocate(h, u, _plain(), 2 * 160_000, "equity", roles=[SW])
    assert _funded(r) == {("VILLAGE", SW): 1, ("TOWN", SW): 1}
    assert r.objective_value == pytest.approx(0.25)
    # a third position cannot lift all above 0.25, so it goes where it serves most (the city)
    third = allocate(h, u, _plain(), 3 * 160_000, "equity", roles=[SW])
    assert third.objective_value == pytest.approx(0.25) and _funded(third)[("CITY", SW)] == 1
    after = third.hromadas.set_index("code")["ratio_after"]
    assert third.objective_value == pytest.approx(min(after.min(), 1.0))
    assert r.objective_value >= r.greedy_objective_value - 1e-12


def test_lifted_counts_hromadas_given_their_first_worker():
    h, u = _atlas(
        [
            {"code": "A", "population": 3_000.0, "idp": 0.0},
            {"code": "B", "population": 4_000.0, "idp": 0.0},
            {"code": "C", "population": 90_000.0, "idp": 0.0, "social_worker_filled": 1.0},
        ]
    )
    cover = allocate(h, u, _plain(), 2 * 160_000, "coverage", roles=[SW])
    lifted = allocate(h, u, _plain(), 2 * 160_000, "lifted", roles=[SW])
    assert lifted.objective_value == 2 and set(lifted.allocations["code"]) == {"A", "B"}
    assert cover.hromadas.set_index("code").loc[["A", "B"], "workers_after"].eq(0).any()


def test_reasons_are_codes_with_parameters_rendered_in_both_languages():
    from core.text import reason_text

    h, u = _atlas([{"code": "A", "population": 20_000.0, "idp": 0.0}])
    r = allocate(h, u, _plain(), 160_000, roles=[SW])
    reasons = dict(r.allocations.iloc[0]["reasons"])
    assert reasons["below_norm"] == {"before": 0.0, "after": 0.5, "norm": 1.0, "per": "people"}
    assert "lifted_from_none" in reasons
    assert reason_text("below_norm", reasons["below_norm"], "uk") == "0 → 0,50 на 10 000 людей при нормативі 1"
    assert reason_text("below_norm", reasons["below_norm"], "en") == "0 → 0.50 per 10,000 people against a norm of 1"


def test_invalid_arguments_are_named():
    h, u = _atlas([{"code": "A", "population": 20_000.0, "idp": 0.0}])
    for kwargs, word in (
        ({"objective": "votes"}, "objective"),
        ({"equity_measure": "x"}, "equity_measure"),
        ({"served": "dogs"}, "served"),
        ({"exclude_statuses": ("gone",)}, "exclude_statuses"),
        ({"roles": ["mayor"]}, "roles"),
    ):
        with pytest.raises(ValueError, match=word):
            allocate(h, u, _plain(), 1e6, **kwargs)
    with pytest.raises(ValueError, match="funding.years"):
        Assumptions().updated({"funding.years": 6})


def test_exact_equals_brute_force_on_small_instances():
    # every way of funding 0..3 positions in each of three hromadas x two roles, within the budget
    h, u = _atlas(
        [
            {"code": "A", "population": 25_000.0, "idp": 0.0, "social_worker_filled": 1.0},
            {"code": "B", "population": 12_000.0, "idp": 0.0},
            {"code": "C", "population": 31_000.0, "idp": 0.0, "social_work_specialist_filled": 2.0},
        ]
    )
    a = _plain(**{"cost.social_work_specialist": 230_000})
    budget = 900_000
    r = allocate(h, u, a, budget, roles=[SW, SPEC])
    people = {"A": 25_000.0, "B": 12_000.0, "C": 31_000.0}
    filled = {("A", SW): 1, ("C", SPEC): 2}
    cost = {SW: 160_000, SPEC: 230_000}
    pairs = [(c, role) for c in "ABC" for role in (SW, SPEC)]
    best = 0.0
    for counts in itertools.product(range(4), repeat=len(pairs)):
        if sum(n * cost[role] for n, (_, role) in zip(counts, pairs)) > budget:
            continue
        total = 0.0
        for n, (code, role) in zip(counts, pairs):
            need = people[code] / 10_000
            w = filled.get((code, role), 0)
            total += _served_value(np.array([people[code]]), np.array([need]), np.array([min(w + n, need)]))[0]
            total -= _served_value(np.array([people[code]]), np.array([need]), np.array([w]))[0]
        best = max(best, total)
    assert r.objective_value == pytest.approx(best, abs=0.01)
    assert r.objective_value >= r.greedy_objective_value - 1e-6


# -- on the demo and from the command line ----------------------------------------------------
def _occupied(demo) -> set[str]:
    status = demo.hromadas.set_index("code")["territorial_status"]
    return set(status[status == "occupied"].index)


@pytest.mark.parametrize(("objective", "measure"), [("coverage", "norm"), ("equity", "norm"), ("equity", "wisn")])
def test_demo_plan_for_200m_funds_nothing_occupied_repeats_and_caps_each_hromada(demo, objective, measure):
    a = Assumptions()
    r = allocate(demo.hromadas, demo.units, a, 200e6, objective, equity_measure=measure)
    assert r.status == "optimal" and r.spent <= 200e6
    assert not set(r.allocations["code"]) & _occupied(demo)
    per_hromada = r.allocations.groupby("code")["positions"].sum()
    assert per_hromada.max() <= 0.25 * r.positions
    psychologists = r.allocations.loc[r.allocations["role"] == PSY, "positions"].sum()
    assert psychologists <= 0.3 * r.positions
    again = allocate(demo.hromadas, demo.units, a, 200e6, objective, equity_measure=measure)
    pd.testing.assert_frame_equal(r.allocations, again.allocations)
    assert r.objective_value >= r.greedy_objective_value - 1e-9
    assert r.vacancies_filled > 0 and sum(r.cost_by_year) == pytest.approx(r.spent)


def _args(**kw) -> argparse.Namespace:
    from cli.allocate import add_parser

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    argv = ["allocate", "--budget", str(kw.pop("budget"))]
    for key, value in kw.items():
        flag = "--" + key.replace("_", "-")
        argv += [flag] if value is True else [flag, str(value)]
    return parser.parse_args(argv)


def test_every_answer_of_the_solver_has_its_words_in_both_languages():
    """The allocator answers in codes (:data:`MESSAGES`); the catalogue has each as ``solver_<code>`` with the
    same parameters, and no other ``solver_`` text is left over."""
    import re

    said = {k.removeprefix("solver_") for k in TEXT["uk"] if k.startswith("solver_")}
    assert said == set(MESSAGES)
    for code, params in MESSAGES.items():
        assert set(re.findall(r"{(\w+)}", TEXT["en"][f"solver_{code}"])) == set(params), code


def test_allocate_command_says_the_solvers_answer_in_ukrainian(demo, monkeypatch, capsys):
    """``allocate --lang uk`` on the terminal: the message and notes (demo: occupied hromadas left out, no IDP
    figure, hostilities) rendered by the catalogue, no English sentence of the solver's."""
    import loaders
    from cli.allocate import run_allocate

    monkeypatch.setattr(loaders, "load_dataset", lambda manifest: demo)
    assert run_allocate(_args(budget=20_000_000, lang="uk")) == 0
    said = capsys.readouterr().out
    assert t("solver_optimal", "uk") in said and "окупована" in said
    assert not english_phrases(said), english_phrases(said)


def test_allocate_command_json_and_excel(demo, monkeypatch, capsys, tmp_path):
    import loaders
    from cli.allocate import run_allocate

    monkeypatch.setattr(loaders, "load_dataset", lambda manifest: demo)
    out = tmp_path / "allocation.xlsx"
    assert run_allocate(_args(budget=20_000_000, objective="equity", json=True, out=out, lang="en")) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["stopped_early"] is False and result["mip_gap"] == 0.0
    assert result["budget"] == 20_000_000 and result["objective"] == "equity" and result["years"] == 3
    assert result["spent"] <= 20_000_000 and sum(result["cost_by_year"]) == pytest.approx(result["spent"])
    assert result["positions"] == sum(a["positions"] for a in result["allocations"])
    assert result["positions"] == result["vacancies_filled"] + result["new_posts"]
    assert sum(a["cost"] for a in result["allocations"]) == pytest.approx(result["spent"])
    assert result["excluded_status"]["occupied"] > 0
    first = result["allocations"][0]
    assert first["name"] and first["why"] and isinstance(first["reasons"][0][0], str)
    assert any("per 10,000 people" in w for a in result["allocations"] for w in a["why"])
    assert result["message"].startswith(t("solver_optimal", "en")) and ["optimal", {}] == result["messages"][0]
    from openpyxl import load_workbook

    from exports import COVER_SHEET

    book = load_workbook(out)
    assert book.sheetnames[1] == COVER_SHEET  # the one plan writer
    sheet = book.worksheets[0]
    assert sheet.max_row == len(result["allocations"]) + 1
    headers = [c.value for c in sheet[1]]
    assert {"Hromada", "Territorial status", "Vacant posts filled", "Year 3, UAH", "Why chosen"} <= set(headers)
    assert run_allocate(_args(budget=1_000, min_one_worker=True)) == 1
    assert "потрібно щонайменше" in capsys.readouterr().out  # --lang uk is the default
    with pytest.raises(ValueError, match="--oblast-cap 'XX=1'"):
        run_allocate(_args(budget=1_000, oblast_cap="XX=1"))
    assert run_allocate(_args(budget=5_000_000, oblast_cap="UA23=1000000", roles=SW, years=2)) == 0
    assert "Точний розв'язок (MILP)" in capsys.readouterr().out
    with pytest.raises(ValueError, match="funding.years"):
        run_allocate(_args(budget=5_000_000, years=9))
