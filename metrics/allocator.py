"""Funding allocator: which whole positions of which role to fund in which hromadas for a budget.

Solved exactly as a mixed-integer program (``scipy.optimize.milp``, HiGHS),
with a simple greedy baseline computed alongside. Pure: no file I/O.

The decision is ``x[h, r]``, the number of new full-time positions of role
``r`` funded in hromada ``h`` (a whole number >= 0). Two objectives:

``coverage``
    Maximise the people covered to the norm: sum over hromadas and roles of
    ``v[h, r] x min(x[h, r], gap[h, r])``, where ``gap`` is the positions
    missing to the norm and ``v[h, r] = people[h] / required[h, r]`` is the
    number of people one position of that role serves at the norm (10,000 /
    norm per 10,000 when the need comes from residents). Equivalently:
    minimise the population-weighted shortfall.
``equity``
    Lift the worst-off first. With ``equity_measure="residents_per_worker"``
    (default): minimise the largest number of people per community social
    worker over hromadas; with ``"wisn_shortfall"``: minimise the largest
    WISN shortfall (required - workers, positions).

See :func:`allocate` for the constraints and how ties are broken.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from core.schema import COMMUNITY_ROLES

from .assumptions import ROLES, Assumptions
from .planning import hromada_planning_base

__all__ = ["OBJECTIVES", "EQUITY_MEASURES", "Allocation", "allocate"]

OBJECTIVES = ("coverage", "equity")
EQUITY_MEASURES = ("residents_per_worker", "wisn_shortfall")


@dataclass(frozen=True, eq=False)
class Allocation:
    """The answer of :func:`allocate`.

    Attributes
    ----------
    status
        ``"optimal"``; ``"no_budget"`` (budget 0), ``"no_gap"`` (nothing to
        fund), ``"no_data"`` (no hromada with known need and staffing),
        ``"infeasible"`` (the constraints cannot all be met), or
        ``"time_limit"`` (the best solution found in time).
    message
        What happened, in words, with what to change when nothing was funded.
    objective, equity_measure, objective_sense
        The objective solved and whether it is maximised (``"max"``) or minimised (``"min"``).
    objective_value, greedy_objective_value
        The objective of the exact and the greedy allocation (people covered;
        largest people per worker; or largest WISN shortfall). None when not
        defined (no hromada has a worker).
    budget, spent, positions
        The budget, the cost and number of the positions funded (exact).
    greedy_spent, greedy_positions
        The same for the greedy baseline.
    allocations, greedy_allocations
        One row per hromada and role funded: ``code``, ``oblast_code``,
        ``role``, ``positions``, ``cost``, ``gap_fte`` (the role's gap before).
    hromadas
        One row per hromada considered, before and after the exact allocation.
    without_worker_after
        Hromadas (considered) left with no community social worker.
    excluded, residents_only
        Hromadas left out (population or staffing unknown), and hromadas
        whose need counts residents only because their IDP figure is unknown.
    seconds
        Wall-clock time of the solve (greedy baseline and every exact
        stage, LP relaxations included): at most about ``time_limit``.
    stopped_early
        True when the time limit stopped the solver before it proved the
        answer optimal (status ``"time_limit"``).
    mip_gap
        How far from optimal the exact answer may be: the largest relative
        MIP gap |primal - dual bound| / |primal| of the solver stages (0.0
        when proven optimal; None when not known, e.g. the greedy answer was
        returned because no integer solution was found in time).
    notes
        What the message adds about the data (hromadas left out, need from
        residents only, free roles).
    """

    status: str
    message: str
    objective: str
    equity_measure: str | None
    objective_sense: str
    objective_value: float | None
    greedy_objective_value: float | None
    budget: float
    spent: float
    positions: int
    greedy_spent: float
    greedy_positions: int
    allocations: pd.DataFrame
    greedy_allocations: pd.DataFrame
    hromadas: pd.DataFrame
    without_worker_after: int = 0
    excluded: int = 0
    residents_only: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())
    stopped_early: bool = False
    mip_gap: float | None = None

    @property
    def hromadas_funded(self) -> int:
        """Number of hromadas that get at least one position."""
        return int(self.allocations["code"].nunique()) if len(self.allocations) else 0

    def summary(self, names: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The result as plain JSON-ready data (the shape of ``app.py allocate --json``).

        ``names`` maps hromada codes to names; NaN and infinity become None.
        """
        names = names or {}
        return {
            "budget": _plain(self.budget),
            "spent": _plain(self.spent),
            "positions": int(self.positions),
            "hromadas": self.hromadas_funded,
            "objective": self.objective,
            "objective_sense": self.objective_sense,
            "objective_value": _plain(self.objective_value),
            "greedy_objective_value": _plain(self.greedy_objective_value),
            "stopped_early": bool(self.stopped_early),
            "mip_gap": _plain(self.mip_gap),
            "allocations": [
                {
                    "code": str(row.code),
                    "name": str(names.get(row.code, "")),
                    "role": str(row.role),
                    "positions": int(row.positions),
                    "cost": _plain(row.cost),
                }
                for row in self.allocations.itertuples(index=False)
            ],
        }


def _plain(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return round(value, 6) if math.isfinite(value) else None


# -- the problem ------------------------------------------------------------
@dataclass
class _Problem:
    codes: np.ndarray  # H hromada codes
    oblasts: np.ndarray  # H oblast codes
    people: np.ndarray  # H, residents + idp_weight x IDPs (or residents only)
    workers: np.ndarray  # H, community social workers in post
    wisn_required: np.ndarray  # H, may be NaN
    pair_h: np.ndarray  # K, index of the hromada
    pair_role: np.ndarray  # K
    community: np.ndarray  # K bool
    gap: np.ndarray  # K, positions missing (>= 0)
    upper: np.ndarray  # K, most positions that may be funded
    cost: np.ndarray  # K
    value: np.ndarray  # K, people served per position at the norm
    budget: float
    oblast_budget: dict[str, float]
    oblast_positions: dict[str, float]
    forced: np.ndarray  # H bool: must end with >= 1 community worker
    hromada_cap: dict[int, float] = field(default_factory=dict)  # H index -> most community positions


def _community_sums(p: _Problem, x: np.ndarray) -> np.ndarray:
    return np.bincount(p.pair_h, weights=np.where(p.community, x, 0.0), minlength=len(p.codes))


def _values(p: _Problem, x: np.ndarray) -> dict[str, float]:
    """Objective figures of an allocation ``x`` (coverage, zero-worker count, largest per-worker, WISN)."""
    covered = float(np.sum(p.value * np.minimum(x, p.gap)))
    after = p.workers + _community_sums(p, x)
    scope = p.people > 0
    zero = int(np.sum(scope & (after <= 0)))
    staffed = scope & (after > 0)
    largest = float(np.max(p.people[staffed] / after[staffed])) if staffed.any() else math.nan
    known = ~np.isnan(p.wisn_required)
    shortfall = float(max(0.0, np.max(p.wisn_required[known] - after[known]))) if known.any() else 0.0
    return {"coverage": covered, "zero": zero, "largest": largest, "shortfall": shortfall}


def _key(v: dict[str, float], objective: str, measure: str) -> tuple:
    """Smaller is better: the lexicographic order each objective is solved in."""
    if objective == "coverage":
        return (round(-v["coverage"], 6),)
    if measure == "residents_per_worker":
        largest = v["largest"] if math.isfinite(v["largest"]) else math.inf
        return (v["zero"], round(largest, 6), round(-v["coverage"], 6))
    return (round(v["shortfall"], 9), round(-v["coverage"], 6))


def _headline(v: dict[str, float], objective: str, measure: str) -> float | None:
    if objective == "coverage":
        return v["coverage"]
    if measure == "residents_per_worker":
        return v["largest"] if math.isfinite(v["largest"]) else None
    return v["shortfall"]


# -- exact: mixed-integer programs ---------------------------------------------
class _Model:
    """Rows and columns of a MILP over the positions of each pair, and extra columns.

    The positions x[h, r] of a pair are split in three whole numbers, so that
    the LP relaxation is tight: a (full positions of the gap, each covers v
    people), b (0 or 1: the last, partial position of a fractional gap,
    covers v x its fraction) and e (positions above the gap, cover nobody).
    x = a + b + e; columns: a (K), b (K), e (K), then the extras.
    """

    def __init__(self, p: _Problem, extra: int = 0):
        self.p = p
        self.k = len(p.pair_h)
        self.first_extra = 3 * self.k
        self.n = self.first_extra + extra
        self.rows: list[sparse.csr_matrix] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.add(self._x_row(p.cost), -np.inf, p.budget)
        for oblast, cap in p.oblast_budget.items():
            self.add(self._x_row(np.where(p.oblasts[p.pair_h] == oblast, p.cost, 0.0)), -np.inf, cap)
        for oblast, cap in p.oblast_positions.items():
            self.add(self._x_row((p.oblasts[p.pair_h] == oblast).astype(float)), -np.inf, cap)
        if p.hromada_cap:
            capped = np.array(sorted(p.hromada_cap))
            self.add(self.community_matrix(capped), -np.inf, np.array([p.hromada_cap[h] for h in capped]))

    def _x_row(self, coefficients: np.ndarray) -> sparse.csr_matrix:
        row = np.zeros(self.n)
        row[: self.first_extra] = np.tile(coefficients, 3)
        return sparse.csr_matrix(row)

    def add(self, matrix, lo, hi) -> None:
        matrix = sparse.csr_matrix(matrix)
        self.rows.append(matrix)
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (matrix.shape[0],)).copy())
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (matrix.shape[0],)).copy())

    def community_matrix(self, hromadas: np.ndarray) -> sparse.lil_matrix:
        """Rows = ``hromadas``: 1 in the x columns of the community pairs of that hromada."""
        p = self.p
        position = {h: i for i, h in enumerate(hromadas)}
        ks = [k for k in range(self.k) if p.community[k] and p.pair_h[k] in position]
        rows = [position[p.pair_h[k]] for k in ks] * 3
        columns = [k + block * self.k for block in range(3) for k in ks]
        return sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(hromadas), self.n)).tolil()

    def bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lower and upper bounds and integrality (extras: continuous, unbounded above)."""
        p = self.p
        full = np.minimum(np.floor(p.gap + 1e-9), p.upper)
        partial = ((p.gap - full > 1e-9) & (p.upper > full)).astype(float)
        above = p.upper - full - partial
        extra = self.n - self.first_extra
        lower = np.zeros(self.n)
        upper = np.concatenate([full, partial, above, np.full(extra, np.inf)])
        integrality = np.concatenate([np.ones(self.first_extra), np.zeros(extra)])
        return lower, upper, integrality

    def coverage_objective(self) -> np.ndarray:
        """Minus the people covered (for minimisation)."""
        p = self.p
        fraction = p.gap - np.floor(p.gap + 1e-9)
        extra = self.n - self.first_extra
        return np.concatenate([-p.value, -p.value * np.clip(fraction, 0.0, None), np.zeros(self.k + extra)])

    def positions(self, result) -> np.ndarray | None:
        """x = a + b + e of a solution (None if there is none)."""
        if result.x is None:
            return None
        k = self.k
        return np.round(result.x[:k] + result.x[k : 2 * k] + result.x[2 * k : 3 * k]).astype(float)

    def solve(self, c, lower, upper, integrality, time_limit: float):
        """Solve the LP relaxation first: if its optimum is whole, it is the MILP optimum; else the MILP."""
        if self.rows:
            matrix = sparse.vstack(self.rows, format="csr")
            constraints = [LinearConstraint(matrix, np.concatenate(self.lo), np.concatenate(self.hi))]
        else:
            constraints = []
        return _solve(c, lower, upper, integrality, constraints, time_limit)


def _solve(c, lower, upper, integrality, constraints, time_limit: float):
    """``milp`` within ``time_limit`` seconds of wall clock, relaxation included.

    A shortcut first: an LP relaxation whose optimum is whole is the
    optimum. The relaxation and the MILP share the one limit: the MILP gets
    what the relaxation left. The result carries ``mip_gap`` (0 when proven
    optimal, None when no integer solution is known).
    """
    started = time.perf_counter()
    options = {"time_limit": max(time_limit, 0.05), "disp": False}
    relaxed = milp(
        c, integrality=np.zeros_like(integrality), bounds=Bounds(lower, upper), constraints=constraints, options=options
    )
    if relaxed.status == 0 and relaxed.x is not None:
        whole = integrality > 0
        if np.all(np.abs(relaxed.x[whole] - np.round(relaxed.x[whole])) <= 1e-9):
            relaxed.mip_gap = 0.0
            return relaxed
    elif relaxed.status == 2:
        return relaxed  # the relaxation is infeasible, so is the MILP
    left = time_limit - (time.perf_counter() - started)
    if relaxed.status == 1 or left <= 0.05:
        return OptimizeResult(x=None, status=1, fun=None, mip_gap=None, message="Time limit reached.")
    result = milp(
        c,
        integrality=integrality,
        bounds=Bounds(lower, upper),
        constraints=constraints,
        options={**options, "time_limit": left, "mip_rel_gap": 1e-9},
    )
    if result.status == 0:
        result.mip_gap = 0.0 if getattr(result, "mip_gap", None) is None else float(result.mip_gap)
    elif result.x is None:
        result.mip_gap = None
    return result


def _add_floors(model: _Model, p: _Problem, lower_h: np.ndarray | None) -> None:
    """Community positions of each hromada >= its floor (and >= 1 where a worker is required)."""
    floors = np.zeros(len(p.codes)) if lower_h is None else lower_h.copy()
    floors = np.maximum(floors, np.where(p.forced, 1.0, 0.0))
    need = np.flatnonzero(floors > 0)
    if len(need):
        model.add(model.community_matrix(need), floors[need], np.inf)


def _exact(p: _Problem, objective: str, measure: str, time_limit: float) -> tuple[np.ndarray | None, str, float | None]:
    """Solve exactly within ``time_limit`` seconds in all; returns (x, status, gap).

    status is optimal / infeasible / time_limit; gap is the largest relative
    MIP gap of the stages solved (0 when every stage is proven optimal, None
    when a stage stopped without an integer solution).
    """
    started = time.perf_counter()
    gaps: list[float | None] = []

    def left() -> float:
        return time_limit - (time.perf_counter() - started)

    def status_of(result) -> str:
        if result.status == 0:
            return "optimal"
        if result.status == 2:
            return "infeasible"
        return "time_limit"

    def track(result) -> None:
        gaps.append(getattr(result, "mip_gap", None))

    def gap() -> float | None:
        return None if any(g is None for g in gaps) else max(gaps, default=0.0)

    def finish(x, result, status: str = "optimal") -> tuple[np.ndarray | None, str, float | None]:
        track(result)
        if x is None:
            return None, status_of(result), None
        return x, status if result.status == 0 else "time_limit", gap()

    if objective == "coverage":
        return finish(*_coverage_stage(p, left(), None))

    after0 = p.workers.copy()
    scope = p.people > 0
    if measure == "wisn_shortfall":
        # (1) the smallest s >= required - workers - x over hromadas, found
        # exactly by bisection; (2) most people covered with s held.
        known = np.flatnonzero(~np.isnan(p.wisn_required) & scope)
        s = _min_shortfall(p, known)
        floors = np.zeros(len(p.codes))
        floors[known] = np.maximum(0.0, np.ceil(p.wisn_required[known] - after0[known] - s - 1e-7))
        return finish(*_coverage_stage(p, left(), floors))

    # residents per worker: (1) most hromadas without a worker lifted, (2) the
    # largest people per worker as small as possible, (3) most people covered.
    zero = np.flatnonzero(scope & (after0 <= 0) & ~p.forced)
    status = "optimal"
    k_star = 0
    if len(zero):
        model = _Model(p, extra=len(zero))
        lower, upper, integrality = model.bounds()
        _lift_indicators(model, p, zero, upper, integrality, 0)
        _add_floors(model, p, None)
        c = np.zeros(model.n)
        c[model.first_extra :] = -1.0
        result = model.solve(c, lower, upper, integrality, left())
        track(result)
        x = model.positions(result)
        if x is None:
            return None, status_of(result), None
        status = status_of(result)
        k_star = int(np.sum(_community_sums(p, x)[zero] >= 1))
    if k_star == len(zero):  # every hromada without a worker gets one: plain floors
        floors, zero = np.where(np.isin(np.arange(len(p.codes)), zero), 1.0, 0.0), zero[:0]
    else:
        floors = np.zeros(len(p.codes))
    choose = zero if k_star > 0 else zero[:0]  # of these, k_star must be lifted
    others = np.flatnonzero(scope & ~np.isin(np.arange(len(p.codes)), zero))
    reach = after0 + np.bincount(p.pair_h, weights=np.where(p.community, p.upper, 0.0), minlength=len(p.codes))
    if len(others):
        t_upper = float(np.min(reach[others] / p.people[others] * 10_000))
    elif len(choose):
        t_upper = float(np.max(reach[choose] / p.people[choose] * 10_000))
    else:  # no hromada can have a worker: only coverage is left to decide
        return finish(*_coverage_stage(p, left(), floors), status)

    def model_with(t_fixed: float | None) -> tuple[_Model, np.ndarray, np.ndarray, np.ndarray]:
        """Stage 2 (t a variable, the last column) or stage 3 (t fixed: per-hromada floors)."""
        model = _Model(p, extra=len(choose) + (1 if t_fixed is None else 0))
        lower, upper, integrality = model.bounds()
        h_floors = floors.copy()
        if t_fixed is not None:
            need = np.ceil(t_fixed * p.people / 10_000 - after0 - 1e-7)
            h_floors[others] = np.maximum(h_floors[others], need[others])
        _add_floors(model, p, h_floors)
        z = model.first_extra
        if len(choose):
            _lift_indicators(model, p, choose, upper, integrality, k_star)
            # a lifted hromada must reach t too: sum x[h] >= t x people / 10,000 - M (1 - z[h])
            rows = model.community_matrix(choose)
            if t_fixed is None:
                big = t_upper * p.people[choose] / 10_000
                for i in range(len(choose)):
                    rows[i, z + i] = -big[i]
                rows[:, model.n - 1] = (-p.people[choose] / 10_000).reshape(-1, 1)
                model.add(rows, -big, np.inf)
            else:
                need = np.maximum(1.0, np.ceil(t_fixed * p.people[choose] / 10_000 - 1e-7))
                for i in range(len(choose)):
                    rows[i, z + i] = -need[i]
                model.add(rows, 0.0, np.inf)
        if t_fixed is None:
            if len(others):
                rows = model.community_matrix(others)
                rows[:, model.n - 1] = (-p.people[others] / 10_000).reshape(-1, 1)
                model.add(rows, -after0[others], np.inf)
            upper[-1] = max(t_upper, 0.0)
        return model, lower, upper, integrality

    if len(choose) == 0:
        # No choice of which hromadas to lift is left: t is found exactly by
        # bisection (the cheapest way to reach a level t is separable).
        t = _max_level(p, others, floors, t_upper)
    else:
        model, lower, upper, integrality = model_with(None)
        c = np.zeros(model.n)
        c[-1] = -1.0
        result = model.solve(c, lower, upper, integrality, left())
        track(result)
        x = model.positions(result)
        if x is None:
            return None, status_of(result), None
        if result.status != 0:
            status = "time_limit"
        after = after0 + _community_sums(p, x)
        staffed = scope & (after > 0)
        t = float(np.min(after[staffed] / p.people[staffed] * 10_000)) if staffed.any() else 0.0
    if len(choose) == 0:
        need = np.ceil(t * p.people / 10_000 - after0 - 1e-7)
        stage_floors = floors.copy()
        stage_floors[others] = np.maximum(stage_floors[others], need[others])
        return finish(*_coverage_stage(p, left(), stage_floors), status)
    model, lower, upper, integrality = model_with(t)
    c = model.coverage_objective()
    third = model.solve(c, lower, upper, integrality, left())
    return finish(model.positions(third), third, status)


def _cheapest_fill(p: _Problem, floors: np.ndarray) -> tuple[bool, float, dict, dict]:
    """Least cost of giving each hromada ``floors`` community positions (None if impossible)."""
    need = np.flatnonzero(floors > 0)
    order = np.lexsort((np.arange(len(p.pair_h)), p.cost, p.pair_h))
    pairs: dict[int, list[int]] = {}
    for k in order:
        if p.community[k]:
            pairs.setdefault(int(p.pair_h[k]), []).append(int(k))
    total = 0.0
    by_oblast: dict[str, float] = {}
    count_by_oblast: dict[str, float] = {}
    for h in need:
        left = floors[h]
        for k in pairs.get(int(h), []):
            take = min(left, p.upper[k])
            total += take * p.cost[k]
            oblast = p.oblasts[h]
            by_oblast[oblast] = by_oblast.get(oblast, 0.0) + take * p.cost[k]
            count_by_oblast[oblast] = count_by_oblast.get(oblast, 0.0) + take
            left -= take
            if left <= 0:
                break
        if left > 0:
            return False, total, by_oblast, count_by_oblast
    return True, total, by_oblast, count_by_oblast


def _fits(p: _Problem, floors: np.ndarray) -> bool:
    """Whether every hromada can get ``floors`` community positions within the budget and the caps."""
    if any(floors[h] > cap + 1e-9 for h, cap in p.hromada_cap.items()):
        return False
    ok, total, by_oblast, count_by_oblast = _cheapest_fill(p, floors)
    if not ok or total > p.budget + 1e-6:
        return False
    if any(by_oblast.get(o, 0.0) > cap + 1e-6 for o, cap in p.oblast_budget.items()):
        return False
    return not any(count_by_oblast.get(o, 0.0) > cap + 1e-9 for o, cap in p.oblast_positions.items())


def _max_level(p: _Problem, others: np.ndarray, floors: np.ndarray, t_upper: float) -> float:
    """The largest t (workers per 10,000 people) every hromada of ``others`` can reach within the limits.

    t is one of the levels (workers + n) / people x 10,000, n = 0..most
    positions of the hromada; reaching t costs at least the cheapest fill of
    ceil(t x people / 10,000 - workers) positions in each hromada, and that
    is monotone in t, so bisection over the sorted levels finds the optimum.
    """
    most = np.bincount(p.pair_h, weights=np.where(p.community, p.upper, 0.0), minlength=len(p.codes))
    levels = [np.array([0.0])]
    for h in others:
        n = np.arange(int(most[h]) + 1)
        levels.append((p.workers[h] + n) / p.people[h] * 10_000)
    candidates = np.unique(np.concatenate(levels))
    candidates = candidates[candidates <= t_upper + 1e-12]

    def floors_at(t: float) -> np.ndarray:
        out = floors.copy()
        need = np.ceil(t * p.people[others] / 10_000 - p.workers[others] - 1e-7)
        out[others] = np.maximum(out[others], need)
        return out

    lo, hi = 0, len(candidates) - 1  # candidates[lo] fits (t = 0: only the floors)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _fits(p, floors_at(candidates[mid])):
            lo = mid
        else:
            hi = mid - 1
    return float(candidates[lo])


def _min_shortfall(p: _Problem, known: np.ndarray) -> float:
    """The smallest largest WISN shortfall s that every hromada of ``known`` can be brought to.

    s is 0 or one of required - (workers + n), n = 0..most positions of a
    hromada; bringing every hromada to s costs at least the cheapest fill
    of ceil(required - workers - s) positions each, which falls as s grows,
    so bisection over the sorted candidates finds the optimum.
    """
    if len(known) == 0:
        return 0.0
    most = np.bincount(p.pair_h, weights=np.where(p.community, p.upper, 0.0), minlength=len(p.codes))
    forced = np.where(p.forced, 1.0, 0.0)
    levels = [np.array([0.0])]
    for h in known:
        levels.append(p.wisn_required[h] - p.workers[h] - np.arange(int(most[h]) + 1))
    candidates = np.unique(np.concatenate(levels))
    candidates = candidates[candidates >= 0]

    def fits(s: float) -> bool:
        floors = forced.copy()
        need = np.ceil(p.wisn_required[known] - p.workers[known] - s - 1e-7)
        floors[known] = np.maximum(floors[known], need)
        return _fits(p, floors)

    lo, hi = 0, len(candidates) - 1  # candidates[hi] (the largest shortfall now) always fits
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(candidates[mid]):
            hi = mid
        else:
            lo = mid + 1
    return float(candidates[lo])


def _lift_indicators(model: _Model, p: _Problem, hromadas: np.ndarray, upper, integrality, least: int) -> None:
    """Binary z[i] (the first extra columns) = 1 exactly when hromada i gets a community position.

    z[i] <= sum of x[h_i] <= most[h_i] x z[i]; and sum z >= ``least``.
    """
    first = model.first_extra
    n = len(hromadas)
    upper[first : first + n] = 1.0
    integrality[first : first + n] = 1.0
    most = np.bincount(p.pair_h, weights=np.where(p.community, p.upper, 0.0), minlength=len(p.codes))[hromadas]
    rows = model.community_matrix(hromadas)
    high = rows.copy()
    for i in range(n):
        rows[i, first + i] = -1.0
        high[i, first + i] = -max(most[i], 1.0)
    model.add(rows, 0.0, np.inf)
    model.add(high, -np.inf, 0.0)
    if least > 0:
        row = np.zeros(model.n)
        row[first : first + n] = 1.0
        model.add(sparse.csr_matrix(row), least, np.inf)


# -- greedy baseline ------------------------------------------------------------
class _Purse:
    """Budget and per-oblast caps left, and positions left per pair."""

    def __init__(self, p: _Problem):
        self.p = p
        self.budget = p.budget
        self.oblast_budget = dict(p.oblast_budget)
        self.oblast_positions = dict(p.oblast_positions)
        self.left = p.upper.astype(float).copy()
        self.hromada_left = dict(p.hromada_cap)
        self.x = np.zeros(len(p.pair_h))

    def can(self, k: int) -> bool:
        p = self.p
        oblast = p.oblasts[p.pair_h[k]]
        cost = p.cost[k]
        return (
            self.left[k] >= 1
            and cost <= self.budget + 1e-6
            and cost <= self.oblast_budget.get(oblast, math.inf) + 1e-6
            and self.oblast_positions.get(oblast, math.inf) >= 1
            and (not p.community[k] or self.hromada_left.get(int(p.pair_h[k]), math.inf) >= 1)
        )

    def take(self, k: int) -> None:
        p = self.p
        oblast = p.oblasts[p.pair_h[k]]
        self.budget -= p.cost[k]
        if oblast in self.oblast_budget:
            self.oblast_budget[oblast] -= p.cost[k]
        if oblast in self.oblast_positions:
            self.oblast_positions[oblast] -= 1
        if p.community[k] and int(p.pair_h[k]) in self.hromada_left:
            self.hromada_left[int(p.pair_h[k])] -= 1
        self.left[k] -= 1
        self.x[k] += 1


def _pairs_by_hromada(p: _Problem) -> dict[int, list[int]]:
    """Community pairs of each hromada, cheapest first."""
    out: dict[int, list[int]] = {}
    for k in np.flatnonzero(p.community):
        out.setdefault(int(p.pair_h[k]), []).append(int(k))
    for ks in out.values():
        ks.sort(key=lambda k: (p.cost[k], k))
    return out


def _cheapest(purse: _Purse, ks: list[int]) -> int | None:
    for k in ks:
        if purse.can(k):
            return k
    return None


def _coverage_units(p: _Problem, taken: np.ndarray, left: np.ndarray) -> pd.DataFrame:
    """Single positions that add coverage, in the order they are preferred.

    One row per position: ``pair``, ``step`` (0 = the first position added to
    that pair), ``value`` (people covered: v x min(1, gap left)) and ``cost``.
    Order: most people per UAH, then most people, then first positions of
    every hromada before second ones, then the hromada with most people per
    community social worker (none first), then code.
    """
    counts = np.minimum(left, np.ceil(np.clip(p.gap - taken, 0.0, None) - 1e-9)).clip(min=0).astype(int)
    pair = np.repeat(np.arange(len(p.pair_h)), counts)
    step = np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts)
    value = p.value[pair] * np.minimum(1.0, p.gap[pair] - taken[pair] - step)
    cost = p.cost[pair]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, value / np.where(cost > 0, cost, 1.0), np.inf)
        per_worker = np.where(p.workers > 0, p.people / np.where(p.workers > 0, p.workers, 1.0), np.inf)
    units = pd.DataFrame(
        {
            "pair": pair,
            "step": step,
            "value": value,
            "cost": cost,
            "ratio": ratio,
            "per_worker": per_worker[p.pair_h[pair]],
            "code": p.codes[p.pair_h[pair]],
        }
    )
    units = units[units["value"] > 1e-12]
    return units.sort_values(
        ["ratio", "value", "step", "per_worker", "code", "pair"], ascending=[False, False, True, False, True, True]
    ).reset_index(drop=True)


def _greedy_coverage(purse: _Purse) -> None:
    """Take single positions in the order of :func:`_coverage_units` while they fit."""
    units = _coverage_units(purse.p, purse.x, purse.left)
    for k in units["pair"].to_numpy():
        if purse.can(k):
            purse.take(k)


def _coverage_stage(p: _Problem, time_limit: float, floors: np.ndarray | None):
    """Maximise people covered, with optional minimum community positions per hromada (exact).

    Positions of the same cost in the same capped oblast (or anywhere, if
    the oblast has no cap) differ only in the people they cover, so funding
    n of such a class is best done with its n best positions. The MILP
    therefore decides a whole number n per class, with continuous z per
    position (sum z = n; the LP takes the best ones), and funds the n best
    of each class. Hromadas with a minimum (``floors``, a required worker) or
    a cap on their community positions keep one whole variable per role
    (split as in :class:`_Model`) for their community roles.

    Returns (x, result of ``milp``).
    """
    k_all = len(p.pair_h)
    floors = np.zeros(len(p.codes)) if floors is None else floors.copy()
    floors = np.maximum(floors, np.where(p.forced, 1.0, 0.0))
    special = np.zeros(len(p.codes), dtype=bool)
    special[floors > 0] = True
    special[list(p.hromada_cap)] = True
    own = np.flatnonzero(p.community & special[p.pair_h])  # pairs with their own variables
    rest_left = p.upper.astype(float).copy()
    rest_left[own] = 0.0
    units = _coverage_units(p, np.zeros(k_all), rest_left)
    capped = set(p.oblast_budget) | set(p.oblast_positions)
    unit_oblast = p.oblasts[p.pair_h[units["pair"].to_numpy()]]
    units["group"] = np.where(np.isin(unit_oblast, list(capped)), unit_oblast, "*")
    classes = units.groupby(["group", "cost"], sort=False).ngroup().to_numpy() if len(units) else np.zeros(0, int)
    n_class, n_unit, n_own = (int(classes.max()) + 1 if len(units) else 0), len(units), len(own)
    first = units.groupby(classes).head(1) if len(units) else units
    class_cost = np.zeros(n_class)
    class_cost[classes[first.index]] = first["cost"].to_numpy()
    class_group = np.empty(n_class, dtype=object)
    class_group[classes[first.index]] = first["group"].to_numpy()
    sizes = np.bincount(classes, minlength=n_class).astype(float)

    # columns: a, b, e of the own pairs (3 x n_own), z (n_unit), n (n_class)
    gap, upper, cost = p.gap[own], p.upper[own], p.cost[own]
    full = np.minimum(np.floor(gap + 1e-9), upper)
    partial = ((gap - full > 1e-9) & (upper > full)).astype(float)
    above = upper - full - partial
    fraction = np.clip(gap - np.floor(gap + 1e-9), 0.0, None)
    n_cols = 3 * n_own + n_unit + n_class
    n0 = 3 * n_own + n_unit
    objective = np.concatenate(
        [-p.value[own], -p.value[own] * fraction, np.zeros(n_own), -units["value"].to_numpy(), np.zeros(n_class)]
    )
    lower = np.zeros(n_cols)
    upper_b = np.concatenate([full, partial, above, np.ones(n_unit), sizes])
    integrality = np.concatenate([np.ones(3 * n_own), np.zeros(n_unit), np.ones(n_class)])
    rows, lo, hi = [], [], []

    def add(matrix, low, high) -> None:
        matrix = sparse.csr_matrix(matrix)
        rows.append(matrix)
        lo.append(np.broadcast_to(np.asarray(low, dtype=float), (matrix.shape[0],)))
        hi.append(np.broadcast_to(np.asarray(high, dtype=float), (matrix.shape[0],)))

    def money_row(own_coefficients: np.ndarray, class_coefficients: np.ndarray) -> np.ndarray:
        return np.concatenate([np.tile(own_coefficients, 3), np.zeros(n_unit), class_coefficients])

    if n_class:
        link = sparse.hstack(
            [
                sparse.csr_matrix((n_class, 3 * n_own)),
                sparse.csr_matrix((np.ones(n_unit), (classes, np.arange(n_unit))), shape=(n_class, n_unit)),
                -sparse.identity(n_class, format="csr"),
            ]
        )
        add(link, 0.0, 0.0)
    add(money_row(cost, class_cost)[None, :], -np.inf, p.budget)
    own_oblast = p.oblasts[p.pair_h[own]]
    for o, cap in p.oblast_budget.items():
        add(
            money_row(np.where(own_oblast == o, cost, 0.0), np.where(class_group == o, class_cost, 0.0))[None, :],
            -np.inf,
            cap,
        )
    for o, cap in p.oblast_positions.items():
        add(money_row((own_oblast == o).astype(float), (class_group == o).astype(float))[None, :], -np.inf, cap)
    for limits, low_side in ((floors, True), (p.hromada_cap, False)):
        hs = np.flatnonzero(floors > 0) if low_side else np.array(sorted(p.hromada_cap), dtype=int)
        if len(hs) == 0:
            continue
        position = {h: i for i, h in enumerate(hs)}
        members = [(position[p.pair_h[k]], i) for i, k in enumerate(own) if p.pair_h[k] in position]
        r = [m[0] for m in members] * 3
        c = [m[1] + block * n_own for block in range(3) for m in members]
        matrix = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(hs), n_cols))
        values = np.array([limits[h] for h in hs], dtype=float)
        add(matrix, values, np.inf) if low_side else add(matrix, -np.inf, values)
    if n_cols == 0:  # nothing adds coverage and nothing is required
        return np.zeros(k_all), OptimizeResult(x=np.zeros(0), status=0, fun=0.0)
    result = _solve(
        objective,
        lower,
        upper_b,
        integrality,
        [LinearConstraint(sparse.vstack(rows, format="csr"), np.concatenate(lo), np.concatenate(hi))],
        time_limit,
    )
    if result.x is None:
        return None, result
    x = np.zeros(k_all)
    solution = np.round(result.x)
    x[own] = solution[:n_own] + solution[n_own : 2 * n_own] + solution[2 * n_own : 3 * n_own]
    if n_class:
        n = solution[n0:].astype(int)
        pairs = units["pair"].to_numpy()
        for j in range(n_class):
            if n[j] > 0:
                np.add.at(x, pairs[classes == j][: n[j]], 1.0)
    return x, result


def _greedy(p: _Problem, objective: str, measure: str) -> np.ndarray | None:
    """The greedy baseline (see :func:`allocate`); None if a required worker cannot be funded."""
    purse = _Purse(p)
    community = _pairs_by_hromada(p)
    # A worker where there is none, if required: cheapest first.
    forced = sorted(
        np.flatnonzero(p.forced),
        key=lambda h: (min((p.cost[k] for k in community.get(h, [])), default=math.inf), -p.people[h]),
    )
    for h in forced:
        k = _cheapest(purse, community.get(int(h), []))
        if k is None:
            return None
        purse.take(k)
    if objective == "equity":
        after = p.workers + _community_sums(p, purse.x)
        heap = []
        for h, ks in community.items():
            if p.people[h] <= 0:
                continue
            cheapest = min(p.cost[k] for k in ks)
            heap.append((_badness(p, h, after[h], measure), cheapest, -p.people[h], h))
        heapq.heapify(heap)
        while heap:
            bad, cheapest, minus_people, h = heapq.heappop(heap)
            if measure == "wisn_shortfall" and -bad <= 0:
                break
            k = _cheapest(purse, community[h])
            if k is None:
                continue
            purse.take(k)
            after[h] += 1
            heapq.heappush(heap, (_badness(p, h, after[h], measure), cheapest, minus_people, h))
    _greedy_coverage(purse)
    return purse.x


def _badness(p: _Problem, h: int, after: float, measure: str) -> float:
    """Heap key (smallest first = worst off): minus people per worker, or minus WISN shortfall."""
    if measure == "wisn_shortfall":
        r = p.wisn_required[h]
        return -(r - after) if not np.isnan(r) else math.inf
    return -math.inf if after <= 0 else -(p.people[h] / after)


# -- the public function ---------------------------------------------------------------
def _problem(
    hromadas: pd.DataFrame,
    units: pd.DataFrame,
    assumptions: Assumptions,
    budget: float,
    roles: Sequence[str],
    allow_above_gap: bool,
    min_one_worker: bool,
    oblast_budget_caps: Mapping[str, float],
    oblast_position_caps: Mapping[str, float],
    unknown_idp: str,
    wisn_gap: bool = False,
) -> tuple[_Problem, pd.DataFrame, int, int]:
    table = hromadas.copy()
    idp = pd.to_numeric(table["idp"], errors="coerce")
    residents_only = idp.isna() & pd.to_numeric(table["population"], errors="coerce").notna()
    if unknown_idp == "residents_only":
        table["idp"] = idp.fillna(0.0)
    base = hromada_planning_base(table, assumptions)
    parents = units[units["level"] == "hromada"].drop_duplicates("code").set_index("code")["oblast_code"]
    base["oblast_code"] = base["code"].map(parents)
    base["residents_only"] = residents_only.to_numpy() & (unknown_idp == "residents_only")
    in_scope = base["population_incl_idp"].notna() & base["workers"].notna() & base["oblast_code"].notna()
    excluded = int((~in_scope).sum())
    base = base[in_scope].reset_index(drop=True)
    codes = base["code"].to_numpy(dtype=object)
    oblasts = base["oblast_code"].to_numpy(dtype=object)
    people = base["population_incl_idp"].to_numpy(dtype=float)
    workers = base["workers"].to_numpy(dtype=float)
    cost_of = {(o, r): assumptions.cost(r, o) for o in set(oblasts) for r in roles}

    def gap_of(role: str) -> np.ndarray:
        required = base[f"{role}_required_fte"].to_numpy(dtype=float)
        filled = base[f"{role}_filled"].fillna(0.0).to_numpy(dtype=float)
        return np.clip(np.nan_to_num(required - filled), 0.0, None)

    # With the WISN measure, a hromada whose WISN shortfall exceeds its norm
    # gap may get up to its WISN shortfall of community positions.
    wisn_short = np.ceil(np.nan_to_num(np.clip(base["wisn_required"].to_numpy(dtype=float) - workers, 0, None)) - 1e-9)
    norm_caps = sum(np.ceil(gap_of(r) - 1e-9) for r in roles if r in COMMUNITY_ROLES)
    wisn_dominant = (wisn_short > norm_caps) if wisn_gap and not allow_above_gap else np.zeros(len(codes), bool)
    pair_h, pair_role, gaps, uppers, costs, values = [], [], [], [], [], []
    for role in roles:
        required = base[f"{role}_required_fte"].to_numpy(dtype=float)
        gap = gap_of(role)
        role_cost = np.array([cost_of[(o, role)] for o in oblasts])
        cap = np.ceil(gap - 1e-9)
        if role in COMMUNITY_ROLES:
            cap = np.where(wisn_dominant, wisn_short, cap)
        if allow_above_gap:
            room = np.where(role_cost > 0, np.floor(budget / np.where(role_cost > 0, role_cost, 1.0) + 1e-9), cap)
            cap = np.maximum(cap, room)
        for o, limit in oblast_position_caps.items():
            cap = np.where(oblasts == o, np.minimum(cap, math.floor(limit + 1e-9)), cap)
        for o, limit in oblast_budget_caps.items():
            most = np.floor(limit / np.where(role_cost > 0, role_cost, 1.0) + 1e-9)
            cap = np.where((oblasts == o) & (role_cost > 0), np.minimum(cap, most), cap)
        affordable = np.where(role_cost > 0, np.floor(budget / np.where(role_cost > 0, role_cost, 1.0) + 1e-9), cap)
        cap = np.minimum(cap, affordable)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(required > 0, people / required, 0.0)
        keep = np.flatnonzero(cap >= 1)
        pair_h.append(keep)
        pair_role += [role] * len(keep)
        gaps.append(gap[keep])
        uppers.append(cap[keep])
        costs.append(role_cost[keep])
        values.append(value[keep])
    forced = np.zeros(len(codes), dtype=bool)
    if min_one_worker:
        forced = (workers <= 0) & (people > 0)
    problem = _Problem(
        codes=codes,
        oblasts=oblasts,
        people=people,
        workers=workers,
        wisn_required=base["wisn_required"].to_numpy(dtype=float),
        pair_h=np.concatenate(pair_h).astype(int) if pair_h else np.zeros(0, dtype=int),
        pair_role=np.array(pair_role, dtype=object),
        community=np.isin(np.array(pair_role, dtype=object), COMMUNITY_ROLES),
        gap=np.concatenate(gaps) if gaps else np.zeros(0),
        upper=np.concatenate(uppers) if uppers else np.zeros(0),
        cost=np.concatenate(costs) if costs else np.zeros(0),
        value=np.concatenate(values) if values else np.zeros(0),
        budget=float(budget),
        oblast_budget={str(k): float(v) for k, v in oblast_budget_caps.items()},
        oblast_positions={str(k): float(v) for k, v in oblast_position_caps.items()},
        forced=forced,
        hromada_cap={int(h): float(wisn_short[h]) for h in np.flatnonzero(wisn_dominant)},
    )
    return problem, base, excluded, int(base["residents_only"].sum())


def _tables(p: _Problem, base: pd.DataFrame, x: np.ndarray | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    x = np.zeros(len(p.pair_h)) if x is None else x
    funded = np.flatnonzero(x > 0)
    allocations = pd.DataFrame(
        {
            "code": p.codes[p.pair_h[funded]],
            "oblast_code": p.oblasts[p.pair_h[funded]],
            "role": p.pair_role[funded],
            "positions": x[funded].astype(int),
            "cost": x[funded] * p.cost[funded],
            "gap_fte": p.gap[funded],
        },
        columns=["code", "oblast_code", "role", "positions", "cost", "gap_fte"],
    )
    order = {r: i for i, r in enumerate(ROLES)}
    allocations = allocations.sort_values(["code", "role"], key=lambda s: s.map(order) if s.name == "role" else s)
    allocations = allocations.reset_index(drop=True)
    added = {
        r: np.bincount(p.pair_h, weights=np.where(p.pair_role == r, x, 0.0), minlength=len(p.codes)) for r in ROLES
    }
    spent = np.bincount(p.pair_h, weights=x * p.cost, minlength=len(p.codes))
    community = sum(added[r] for r in COMMUNITY_ROLES)
    everyone = sum(added.values())
    with np.errstate(divide="ignore", invalid="ignore"):
        rpw_before = np.where(p.workers > 0, p.people / p.workers, np.nan)
        rpw_after = np.where(p.workers + community > 0, p.people / (p.workers + community), np.nan)
        wisn_before = np.where(p.wisn_required > 0, p.workers / p.wisn_required, np.nan)
        wisn_after = np.where(p.wisn_required > 0, (p.workers + community) / p.wisn_required, np.nan)
    hromadas = pd.DataFrame(
        {
            "code": p.codes,
            "oblast_code": p.oblasts,
            "people": p.people,
            "residents_only": base["residents_only"].to_numpy(dtype=bool),
            "positions": everyone.astype(int),
            "cost": spent,
            **{f"{r}_positions": added[r].astype(int) for r in ROLES},
            "workers_before": p.workers,
            "workers_after": p.workers + community,
            "psychologists_before": base["psychologists"].to_numpy(dtype=float),
            "psychologists_after": base["psychologists"].to_numpy(dtype=float) + added["psychologist"],
            "people_per_worker_before": rpw_before,
            "people_per_worker_after": rpw_after,
            "gap_fte_before": base["gap_fte"].to_numpy(dtype=float),
            "gap_fte_after": base["gap_fte"].to_numpy(dtype=float) - community,
            "total_gap_fte_before": base["total_gap_fte"].to_numpy(dtype=float),
            "total_gap_fte_after": base["total_gap_fte"].to_numpy(dtype=float) - everyone,
            "wisn_ratio_before": wisn_before,
            "wisn_ratio_after": wisn_after,
        }
    )
    return allocations, hromadas


def allocate(
    hromadas: pd.DataFrame,
    units: pd.DataFrame,
    assumptions: Assumptions,
    budget: float,
    objective: str = "coverage",
    *,
    equity_measure: str = "residents_per_worker",
    roles: Sequence[str] | None = None,
    allow_above_gap: bool = False,
    min_one_worker: bool = False,
    oblast_budget_caps: Mapping[str, float] | None = None,
    oblast_position_caps: Mapping[str, float] | None = None,
    unknown_idp: str = "residents_only",
    time_limit: float = 30.0,
) -> Allocation:
    """Fund whole positions for ``budget`` UAH (a year), exactly (MILP) and greedily.

    Parameters
    ----------
    hromadas, units
        The hromadas table and the admin-unit table of a dataset.
    assumptions
        Norms (the gap), position costs (national and per oblast) and WISN parameters.
    budget
        UAH per year available for new positions (>= 0).
    objective
        ``"coverage"`` or ``"equity"`` (see the module docstring).
    equity_measure
        ``"residents_per_worker"`` or ``"wisn_shortfall"`` (equity only).
    roles
        Roles that may be funded (default: all).
    allow_above_gap
        Allow more positions in a hromada than its gap (rounded up).
    min_one_worker
        Every hromada without a community social worker must get one.
    oblast_budget_caps, oblast_position_caps
        Most UAH, or most positions, per oblast (KATOTTG oblast code).
    unknown_idp
        Where the IDP figure is unknown: ``"residents_only"`` (default: need
        from residents only, a lower bound, counted in ``residents_only``) or
        ``"exclude"`` (leave the hromada out).
    time_limit
        Wall-clock seconds for the whole solve (greedy baseline, LP
        relaxations and MILP stages share it); on time-out the better of the
        best solution found and the greedy one is returned (status
        ``"time_limit"``, ``stopped_early`` True, ``mip_gap`` how far from
        optimal it may be).

    Returns
    -------
    :class:`Allocation`. Trivial or impossible inputs (budget 0, no gap, no
    data, constraints that cannot be met) return an answer with a status and
    a message, not an exception. Invalid arguments raise ``ValueError``
    naming the argument.

    Notes
    -----
    Decision x[h, r] >= 0 whole positions; gap[h, r] = max(0, need - filled)
    by the norm (see ``hromada_planning_base``); people[h] = residents +
    idp_weight x IDPs; cost[h, r] = the role's annual cost in h's oblast.

    Constraints:

    - sum of cost[h, r] x x[h, r] <= budget
    - x[h, r] <= ceil(gap[h, r]) unless ``allow_above_gap`` (a gap of 0.4
      may be filled by one position); with the WISN equity measure, where a
      hromada's WISN shortfall ceil(wisn_required - workers) exceeds its
      community norm gaps, its community positions together may reach the
      WISN shortfall instead
    - per oblast: sum of cost x x <= its budget cap; sum of x <= its position cap
    - ``min_one_worker``: sum over community roles of x[h, r] >= 1 where
      workers[h] = 0

    Objectives:

    - coverage: maximise sum of v[h, r] x min(x[h, r], gap[h, r]), with
      v[h, r] = people[h] / need[h, r] (people served per position at the
      norm); modelled with y[h, r] <= x[h, r], y[h, r] <= gap[h, r]
    - equity, residents_per_worker, solved in lexicographic order:
      (1) most hromadas without a worker get one (binary z[h] <= sum of x);
      (2) maximise t subject to workers[h] + sum over community roles of
      x[h, r] >= t x people[h] / 10,000 for every hromada that has a worker,
      i.e. minimise the largest people per worker = 10,000 / t;
      (3) maximise coverage with (1) and (2) held at their optimum
    - equity, wisn_shortfall: (1) minimise s >= wisn_required[h] -
      workers[h] - sum of x[h, r] (s >= 0); (2) maximise coverage with s held

    Greedy baseline: coverage takes single positions in decreasing people
    covered per UAH while they fit; equity repeatedly adds the cheapest
    community position to the worst-off hromada (most people per worker,
    none first; or largest WISN shortfall) while it fits, then spends what is
    left as coverage does. The exact answer is never worse than greedy: if
    the solver runs out of time, the better of the two is returned.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    if equity_measure not in EQUITY_MEASURES:
        raise ValueError(f"equity_measure must be one of {', '.join(EQUITY_MEASURES)}, got {equity_measure!r}")
    if unknown_idp not in ("residents_only", "exclude"):
        raise ValueError(f"unknown_idp must be 'residents_only' or 'exclude', got {unknown_idp!r}")
    if (
        isinstance(budget, bool)
        or not isinstance(budget, (int, float, np.number))
        or not math.isfinite(budget)
        or budget < 0
    ):
        raise ValueError(f"budget must be a number of UAH >= 0, got {budget!r}")
    roles = tuple(ROLES if roles is None else roles)
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValueError(f"roles must be among {', '.join(ROLES)}, got {list(roles)!r}")
    if objective == "equity" and not set(roles) & set(COMMUNITY_ROLES):
        raise ValueError("roles: the equity objective needs at least one community social worker role")
    caps = {}
    for name, mapping in (("oblast_budget_caps", oblast_budget_caps), ("oblast_position_caps", oblast_position_caps)):
        caps[name] = dict(mapping or {})
        for code, value in caps[name].items():
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value >= 0:
                raise ValueError(f"{name}[{code!r}] must be a number >= 0, got {value!r}")
    measure = equity_measure if objective == "equity" else None
    sense = "max" if objective == "coverage" else "min"
    p, base, excluded, residents_only = _problem(
        hromadas,
        units,
        assumptions,
        float(budget),
        roles,
        allow_above_gap,
        min_one_worker,
        caps["oblast_budget_caps"],
        caps["oblast_position_caps"],
        unknown_idp,
        wisn_gap=measure == "wisn_shortfall",
    )
    notes = []
    if excluded:
        why = "population or staffing" if unknown_idp == "residents_only" else "population, IDPs or staffing"
        notes.append(f"{excluded} hromadas left out: {why} not known.")
    if residents_only:
        notes.append(f"{residents_only} hromadas have no IDP figure: their need counts residents only (a lower bound).")
    free = sorted({r for r, c in zip(p.pair_role, p.cost) if c <= 0})
    if free:
        notes.append(f"Positions of {', '.join(free)} cost 0 UAH: all of their gap is funded at no cost.")
    measure_key = measure or "residents_per_worker"

    def answer(
        status: str, message: str, x=None, gx=None, seconds: float = 0.0, gap: float | None = None
    ) -> Allocation:
        x0 = np.zeros(len(p.pair_h))
        xs = x0 if x is None else x
        gs = x0 if gx is None else gx
        v, gv = _values(p, xs), _values(p, gs)
        allocations, table = _tables(p, base, xs)
        greedy_allocations, _ = _tables(p, base, gs)
        return Allocation(
            status=status,
            message=" ".join([message, *notes]).strip(),
            objective=objective,
            equity_measure=measure,
            objective_sense=sense,
            objective_value=_headline(v, objective, measure_key),
            greedy_objective_value=_headline(gv, objective, measure_key) if gx is not None or x is None else None,
            budget=float(budget),
            spent=float(np.sum(xs * p.cost)),
            positions=int(np.sum(xs)),
            greedy_spent=float(np.sum(gs * p.cost)),
            greedy_positions=int(np.sum(gs)),
            allocations=allocations,
            greedy_allocations=greedy_allocations,
            hromadas=table,
            without_worker_after=v["zero"],
            excluded=excluded,
            residents_only=residents_only,
            seconds=seconds,
            notes=tuple(notes),
            stopped_early=status == "time_limit",
            mip_gap=0.0 if status == "optimal" and x is not None else gap,
        )

    if len(p.codes) == 0:
        return answer("no_data", "No hromada has a known population and staffing: nothing to allocate.")
    needs_worker = int(p.forced.sum())
    if needs_worker:
        forced = np.flatnonzero(p.forced)
        community_roles = [r for r in roles if r in COMMUNITY_ROLES]
        least = sum(min((assumptions.cost(r, p.oblasts[h]) for r in community_roles), default=math.inf) for h in forced)
        if least > budget + 1e-6 and math.isfinite(least):
            return answer(
                "infeasible",
                f"Giving each of the {needs_worker} hromadas without a community social worker one position "
                f"needs at least {least:,.0f} UAH; the budget is {budget:,.0f} UAH.",
            )
        community = _pairs_by_hromada(p)
        unreachable = [h for h in forced if h not in community]
        if unreachable:
            return answer(
                "infeasible",
                f"A minimum of one worker is asked for, but {len(unreachable)} of the {needs_worker} hromadas "
                "without a community social worker cannot get one (no community role may be funded there: "
                "check the roles, the norms and the per-oblast caps).",
            )
    if budget <= 0 and not free:
        return answer("no_budget", "The budget is 0 UAH: nothing can be funded.")
    if len(p.pair_h) == 0:
        return answer(
            "no_gap",
            "No hromada has a gap to the norm that the budget can fund for the roles chosen: nothing to fund"
            + ("." if allow_above_gap else " (allow positions above the gap to fund anyway)."),
        )

    started = time.perf_counter()
    greedy_x = _greedy(p, objective, measure_key)
    exact_x, status, gap = _exact(p, objective, measure_key, time_limit - (time.perf_counter() - started))
    seconds = time.perf_counter() - started
    if exact_x is None and status == "infeasible":
        return answer(
            "infeasible",
            "The constraints cannot all be met: the minimum of one worker per hromada does not fit "
            "within the per-oblast caps.",
            seconds=seconds,
        )
    if exact_x is None or (
        greedy_x is not None
        and _key(_values(p, greedy_x), objective, measure_key) < _key(_values(p, exact_x), objective, measure_key)
    ):
        if greedy_x is None:
            return answer("time_limit", "No solution was found in time; raise the time limit.", seconds=seconds)
        exact_x, status = greedy_x.copy(), "time_limit" if status != "optimal" else status
        gap = None if status != "optimal" else 0.0
    message = {
        "optimal": "Optimal allocation found.",
        "time_limit": "The solver ran out of time: the best allocation found is shown (it may not be optimal).",
    }[status]
    if status == "time_limit" and gap is not None:
        message += f" It is at most {100 * gap:.2g} % from the optimum (MIP gap)."
    return answer(status, message, exact_x, greedy_x, seconds, gap)
