"""The allocator's time limit bounds the whole solve, and the answer says when it stopped early.

No timing here: the solver is wrapped so that each call "uses" a known share
of the seconds it is given on a fake clock, and the test checks that no
call is ever allowed past the deadline of the whole solve.
"""

from __future__ import annotations

import math
import types

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import OptimizeResult

import metrics.allocator as allocator
from core.text import solver_text
from metrics import ROLES, Assumptions, allocate

OA, OB = "UA05000000000010236", "UA07000000000024379"


def _atlas(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(rows)
    for column in [f"{r}_{w}" for r in ROLES for w in ("approved", "filled")] + ["families_sjo", "low_income_families"]:
        frame[column] = frame[column].fillna(0.0) if column in frame else 0.0
    units = pd.DataFrame(
        {"code": frame["code"], "level": "hromada", "oblast_code": frame.pop("oblast"), "raion_code": None}
    )
    return frame, units


@pytest.fixture
def knapsack():
    """Psychologists of two prices in two oblasts: the LP relaxation is fractional, so the MILP runs."""
    h, u = _atlas(
        [
            {"code": "A", "population": 20_000.0, "idp": 0.0, "oblast": OA},
            {"code": "B", "population": 40_000.0, "idp": 0.0, "oblast": OB},
            {"code": "C", "population": 33_000.0, "idp": 0.0, "oblast": OB, "social_worker_filled": 1.0},
        ]
    )
    a = Assumptions().updated({f"cost.oblast.{OA}.psychologist": 150_000, f"cost.oblast.{OB}.psychologist": 200_000})
    return h, u, a


class _Clock:
    """A fake ``time`` module: perf_counter() returns what the fake solver has used."""

    def __init__(self):
        self.now = 1000.0

    def perf_counter(self) -> float:
        return self.now


def _wrap_solver(monkeypatch, share: float, *, setup: float = 0.0, stop_milp_with_gap: float | None = None):
    """Each solver call advances the fake clock by ``share`` x its allowance, plus ``setup`` s per nonzero.

    Records (start, allowance, is_milp) of each call.
    """
    clock, calls, real = _Clock(), [], allocator.milp_within
    fake = types.SimpleNamespace(perf_counter=clock.perf_counter, monotonic=clock.perf_counter)
    monkeypatch.setattr(allocator, "time", fake)

    def milp(c, *, integrality, bounds, constraints, options, deadline):
        is_milp = bool(np.any(np.asarray(integrality) > 0))
        calls.append((clock.now, float(options["time_limit"]), is_milp))
        assert deadline >= clock.now + float(options["time_limit"])  # HiGHS's own limit ends before the kill
        result = real(
            c, integrality=integrality, bounds=bounds, constraints=constraints, options=options, deadline=math.inf
        )
        clock.now += share * float(options["time_limit"]) + setup * sum(k.A.nnz for k in constraints)
        if is_milp and stop_milp_with_gap is not None and result.x is not None:
            result.status, result.mip_gap = 1, stop_milp_with_gap  # HiGHS stopped at its limit with an incumbent
        return result

    monkeypatch.setattr(allocator, "milp_within", milp)
    return clock, calls


@pytest.mark.parametrize(
    ("objective", "measure"),
    [("coverage", "norm"), ("equity", "norm"), ("equity", "wisn")],
)
def test_no_solver_stage_is_allowed_past_the_deadline(monkeypatch, knapsack, objective, measure):
    h, u, a = knapsack
    clock, calls = _wrap_solver(monkeypatch, share=0.45)
    start = clock.now
    allocate(h, u, a, 530_000, objective, equity_measure=measure, time_limit=10.0)
    assert calls, "the solver was never called"
    room = 1.0 + allocator._Clock.OVERSHOOT  # each allowance leaves room for the solver to run past it
    for begun, allowance, _ in calls:
        assert begun + room * allowance <= start + 10.0 + 0.05 + 1e-9, calls  # 0.05 s: the smallest allowance


def test_relaxation_and_milp_share_one_limit(monkeypatch, knapsack):
    h, u, a = knapsack
    _, calls = _wrap_solver(monkeypatch, share=0.6)
    allocate(h, u, a, 530_000, time_limit=10.0)
    kinds = [is_milp for _, _, is_milp in calls]
    assert kinds[:2] == [False, True], calls  # relaxation, then the MILP on what it left
    room = 1.0 + allocator._Clock.OVERSHOOT
    assert calls[0][1] == pytest.approx(10.0 / room, rel=1e-3)  # less the solver's setup, 4 us per nonzero
    assert calls[1][1] == pytest.approx((10.0 - 0.6 * calls[0][1]) / room, rel=1e-3)


def test_the_whole_call_ends_within_the_limit_when_the_solver_overshoots_and_the_tables_take_time(
    monkeypatch, knapsack
):
    """HiGHS runs past its own limit, and the plan's tables come after the solve: both fit in the limit."""
    h, u, a = knapsack
    monkeypatch.setattr(allocator._Clock, "SETUP_PER_NONZERO", 0.01)  # a setup of tenths of a second per call
    # past every allowance: by its share, after taking its model in
    clock, calls = _wrap_solver(monkeypatch, share=1.0 + allocator._Clock.OVERSHOOT, setup=0.01)
    real_tables, made = allocator._tables, []

    def tables(*args):
        made.append(clock.now)
        clock.now += 0.5  # each plan's tables "take" half a second
        return real_tables(*args)

    monkeypatch.setattr(allocator, "_tables", tables)
    r = allocate(h, u, a, 530_000, time_limit=10.0)
    assert calls and len(made) == 2, (calls, made)  # the greedy plan's tables before the solve, the answer's after
    assert r.seconds <= 10.0 + 1e-9, (r.seconds, calls, made)
    assert r.status == "time_limit" and r.stopped_early and r.mip_gap is None
    assert r.spent <= 530_000 and r.positions == r.greedy_positions  # the greedy plan, the solver having run out
    assert r.allocations.equals(r.greedy_allocations)


def test_relaxation_that_uses_the_whole_limit_stops_early_with_the_greedy_answer(monkeypatch, knapsack):
    h, u, a = knapsack
    _, calls = _wrap_solver(monkeypatch, share=1.0 + allocator._Clock.OVERSHOOT)  # all the room it was left
    r = allocate(h, u, a, 530_000, time_limit=10.0)
    assert [is_milp for _, _, is_milp in calls] == [False]  # no MILP started after the time was spent
    assert r.status == "time_limit" and r.stopped_early and r.mip_gap is None
    assert r.spent <= 530_000 and r.positions == r.greedy_positions
    assert r.message == ("time_limit", {})


def test_a_milp_stopped_by_its_limit_reports_the_gap(monkeypatch, knapsack):
    h, u, a = knapsack
    _wrap_solver(monkeypatch, share=0.1, stop_milp_with_gap=0.031)
    r = allocate(h, u, a, 530_000, time_limit=10.0)
    assert r.status == "time_limit" and r.stopped_early
    assert r.mip_gap == pytest.approx(0.031)
    assert r.message == ("time_limit_gap", {"gap": pytest.approx(0.031)})
    assert "3.1 %" in solver_text(r.messages, "en") and "3,1 %" in solver_text(r.messages, "uk")
    summary = r.summary()
    assert summary["stopped_early"] is True and summary["mip_gap"] == pytest.approx(0.031)


def test_an_optimal_answer_says_it_did_not_stop_early(knapsack):
    h, u, a = knapsack
    r = allocate(h, u, a, 530_000, time_limit=10.0)
    assert r.status == "optimal" and not r.stopped_early and r.mip_gap == 0.0
    assert r.summary()["stopped_early"] is False


def test_a_lifted_plan_the_solver_cannot_finish_lifts_the_cheapest_first_and_says_how_far_it_may_be(monkeypatch):
    """The greedy plan lifts in the tie rule's order (A first, dear); out of time, the answer lifts B and C.

    The relaxation is solved (2 + 10,000 / 300,000 hromadas), the MILP finds
    nothing in time (as HiGHS on the lifted model of 30,000 units): the plan
    lifts the cheapest first and its gap to the relaxation's bound is given.
    """
    from tests.metrics.test_allocator import ONE_YEAR, SW

    h, u = _atlas(
        [
            {"code": "A", "population": 50_000.0, "idp": 0.0, "oblast": OB},  # the largest gap: first by the tie rule
            {"code": "B", "population": 10_000.0, "idp": 0.0, "oblast": OA},
            {"code": "C", "population": 10_000.0, "idp": 0.0, "oblast": OA},
        ]
    )
    a = Assumptions().updated({**ONE_YEAR, f"cost.oblast.{OB}.social_worker": 300_000})
    real = allocator.milp_within

    def relaxation_only(c, *, integrality, **kwargs):
        if np.any(np.asarray(integrality) > 0):
            return OptimizeResult(x=None, status=1, fun=None, mip_gap=None, message="Time limit reached.")
        return real(c, integrality=integrality, **kwargs)

    solved = allocate(h, u, a, 330_000, "lifted", roles=[SW])
    assert solved.status == "optimal" and solved.objective_value == 2 and solved.greedy_objective_value == 1
    monkeypatch.setattr(allocator, "milp_within", relaxation_only)
    r = allocate(h, u, a, 330_000, "lifted", roles=[SW])
    assert r.status == "time_limit" and r.stopped_early
    assert r.greedy_objective_value == 1 and set(r.greedy_allocations["code"]) == {"A"}
    assert r.objective_value == 2 and set(r.allocations["code"]) == {"B", "C"}
    bound = 2 + 10_000 / 300_000
    assert r.mip_gap == pytest.approx((bound - 2) / bound, rel=1e-6)
    assert r.message == ("time_limit_gap", {"gap": pytest.approx((bound - 2) / bound, rel=1e-6)})
