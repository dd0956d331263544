"""HiGHS within a deadline it cannot overrun: large models in a child process killed at the deadline.

The children here are real processes of the atlas's fork server; the
stuck and crashing children stand in for HiGHS inside a step that does not
check its clock (measured: 108 s on a 5 s limit, the lifted model of 30,000
units) and for a solver that dies.
"""

from __future__ import annotations

import multiprocessing
import os
import time

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint

import metrics.allocator as allocator
import metrics.solver as solver
from metrics import allocate
from tests.metrics.test_allocator_time_limit import knapsack  # noqa: F401 (a fixture)


def _stuck(connection) -> None:
    """A child that reads its model and never answers."""
    connection.recv()
    time.sleep(120)


def _dies(connection) -> None:
    """A child that dies before it answers."""
    os._exit(3)


def _short(connection) -> None:
    """A child that answers with a solution of the wrong length."""
    connection.recv()
    connection.send_bytes(b'{"status": 0, "message": "ok", "fun": 0.0, "length": 2}')
    connection.send_bytes(np.zeros(2).tobytes())


def _model():
    """Most value 5a + 4b + 3c with 2a + 3b + c <= 5, whole numbers up to 2: a fractional relaxation."""
    c = -np.array([5.0, 4.0, 3.0])
    matrix = sparse.csr_matrix(np.array([[2.0, 3.0, 1.0]]))
    return {
        "integrality": np.ones(3, dtype=int),
        "bounds": Bounds(np.zeros(3), np.full(3, 2.0)),
        "constraints": [LinearConstraint(matrix, -np.inf, 5.0)],
        "options": {"time_limit": 10.0, "disp": False},
    }, c


def test_a_model_solved_in_a_child_gives_the_answer_of_this_process():
    model, c = _model()
    here = solver.milp_within(c, **model, deadline=time.monotonic() + 60, child_nonzeros=10**9)
    child = solver.milp_within(c, **model, deadline=time.monotonic() + 60, child_nonzeros=0)
    assert here.status == child.status == 0
    assert child.fun == pytest.approx(here.fun) == -13.0  # a = 2, c = 1: 10 + 3
    np.testing.assert_allclose(child.x, here.x)
    assert child.mip_gap == pytest.approx(here.mip_gap)


@pytest.mark.parametrize("target", [_stuck, _dies, _short], ids=["never answers", "dies", "answers malformed"])
def test_a_child_that_does_not_answer_is_killed_at_the_deadline_and_the_answer_is_time_limit(target):
    model, c = _model()
    wait = 2.0 if target is _stuck else 60.0
    started = time.monotonic()
    result = solver.milp_within(c, **model, deadline=started + wait, child_nonzeros=0, target=target)
    waited = time.monotonic() - started
    assert result.status == 1 and result.x is None and result.mip_gap is None
    assert "time limit" in result.message.lower()
    if target is _stuck:
        assert 1.9 <= waited < wait + 10.0, waited  # killed at the deadline, not after the child's 120 s
    else:
        assert waited < wait / 2, waited  # a child that died or answered wrong is noticed then, not at the deadline


def test_allocate_answers_by_its_limit_when_the_solver_never_returns(monkeypatch, knapsack):  # noqa: F811
    """The whole call ends near its limit with the greedy plan, said to have stopped early."""
    h, u, a = knapsack
    monkeypatch.setattr(solver, "CHILD_NONZEROS", 0)
    monkeypatch.setattr(solver, "_child", _stuck)
    r = allocate(h, u, a, 530_000, time_limit=3.0)
    assert r.status == "time_limit" and r.stopped_early and r.mip_gap is None
    assert r.positions == r.greedy_positions and r.allocations.equals(r.greedy_allocations)
    assert r.seconds < 3.0 + 5.0, r.seconds  # the kill at 3 s; before, the call waited on the solver


def test_allocate_with_every_model_in_a_child_makes_the_same_plan(monkeypatch, demo):
    here = allocate(demo.hromadas, demo.units, allocator.Assumptions(), 200e6, "coverage", time_limit=60)
    monkeypatch.setattr(solver, "CHILD_NONZEROS", 0)
    child = allocate(demo.hromadas, demo.units, allocator.Assumptions(), 200e6, "coverage", time_limit=60)
    assert here.status == child.status == "optimal"
    assert child.objective_value == pytest.approx(here.objective_value)
    assert child.allocations.equals(here.allocations)


def _in_a_fork(queue) -> None:
    """In a fork of the test process (as Dash's DiskcacheManager runs a Funding job): a stuck child, 2 s."""
    model, c = _model()
    started = time.monotonic()
    result = solver.milp_within(c, **model, deadline=started + 2.0, child_nonzeros=0, target=_stuck)
    queue.put((result.status, result.x is None, time.monotonic() - started))


def test_a_forked_process_still_solves_in_a_child_it_can_kill():
    """A fork cannot use its parent's fork server (not its child): it starts its solver child by spawn."""
    model, c = _model()
    solver.milp_within(c, **model, deadline=time.monotonic() + 60, child_nonzeros=0)  # this process's fork server
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    job = fork.Process(target=_in_a_fork, args=(queue,))
    job.start()
    status, no_solution, waited = queue.get(timeout=120)
    job.join(10)
    assert status == 1 and no_solution
    assert 1.9 <= waited < 2.0 + 10.0, waited  # killed at its deadline (solved in the fork itself, it would hang)
