"""Funding allocator: which positions of which role to fund in which hromadas for a donor's budget.

Solved exactly as a mixed-integer program (``scipy.optimize.milp``, HiGHS),
with a greedy baseline computed beside it. Pure: no file I/O.

What is funded
--------------
Positions of role ``r`` in hromada ``h``, one at a time. The j-th position
of a pair (h, r) fills a vacant approved post while any is left (cost: the
recruitment only, the salary is in the hromada budget already) and then
creates a new post (cost: recruitment and the one-off items, plus the
donor's share of the annual cost in each year of the programme). The
budget is for the whole programme (``[funding] years``).

Objectives
----------
``coverage``
    People served to the norm, with a diminishing value for each extra
    position in the same hromada and role. With c = filled / required (the
    share of the norm met), the value of a hromada-role is
    people x u(min(c, 1)), u(c) = c x (2 - c): concave, so the value of
    one more position, people x (u(c + 1/required) - u(c)), falls linearly
    from 2 x people / required (no one in post) to 0 (norm met). Where the
    need comes from children (``served="children"``) people are children.
``equity``
    Relative shortage, the worst-off first: maximise the lowest ratio of
    community social workers to those required (``equity_measure="norm"``:
    by the norm per 10,000; ``"wisn"``: the WISN ratio) over the hromadas
    planned for (capped at 1), then the coverage value with that level held.
``lifted``
    Hromadas lifted from no community social worker: most of them get one,
    then the coverage value with that number held.

Ties are broken by a stated rule, never by floating-point noise: values are
compared rounded to a thousandth of a person; among equal choices the
hromada with the larger gap (positions missing) goes first, then the
smaller code. Same inputs, same plan.

Constraints: the budget; per oblast, most UAH and most positions; no
hromada more than ``max_hromada_share`` of all positions; per role, most
``max_role_share`` of all positions (at most 30 % psychologists by
default); optionally at least one community social worker in every hromada
planned for. Hromadas whose territorial status is ``occupied`` are left out
by default (``exclude_statuses``); hostilities are flagged in the reasons.
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
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult

from core.schema import COMMUNITY_ROLES, ROLES

from .assumptions import EQUITY_MEASURES, OBJECTIVES, Assumptions
from .planning import hromada_planning_base
from .solver import milp_within

__all__ = ["OBJECTIVES", "EQUITY_MEASURES", "SERVED", "REASONS", "MESSAGES", "Allocation", "allocate"]

SERVED = ("people", "children")

#: Reason codes of a plan row (rendered in the user's language by the text catalogue) and their parameters.
REASONS = {
    "fills_vacancies": "n: vacant approved posts filled (recruitment only)",
    "new_posts": "n: new posts created",
    "below_norm": "before, after: workers of the role per 10,000 people (or children); norm: the norm",
    "no_worker_before": "the hromada had no community social worker",
    "worst_off": "ratio: the hromada's ratio to the required before; level: the lowest ratio the plan reaches",
    "lifted_from_none": "the hromada gets its first community social worker",
    "hostilities": "on the list of territories of hostilities (flag)",
    "occupied_included": "occupied, included by the planner's choice",
    "deoccupied": "deoccupied territory",
}

#: Codes of the answer's message and notes (rendered in the user's language by ``core.text.solver_text``) and
#: their parameters.
MESSAGES = {
    "optimal": {},
    "time_limit": {},
    "time_limit_gap": {"gap": "how far from the optimum the plan may be (MIP gap, a share)"},
    "no_solution": {},
    "no_data": {},
    "no_budget": {},
    "no_gap": {},
    "infeasible_unreachable": {
        "unreachable": "hromadas without a community worker where no community role may be funded",
        "forced": "hromadas without a community worker (a minimum of one asked for)",
    },
    "infeasible_budget": {
        "forced": "hromadas without a community worker (a minimum of one asked for)",
        "least": "UAH needed to give each one position",
        "budget": "the budget, UAH",
    },
    "infeasible_caps": {},
    "left_out_status": {"count": "hromadas left out", "status": "their territorial status"},
    "left_out_population": {"count": "hromadas left out: population or staffing not known"},
    "left_out_children": {"count": "hromadas left out: children or staffing not known"},
    "residents_only": {"count": "hromadas with no IDP figure whose need counts residents only"},
    "no_idp_base": {
        "count": "hromadas whose population base counts no hosted IDPs (no IDP figure)",
        "oblasts": "their oblasts' codes (first four characters), comma-separated",
    },
    "hostilities": {"count": "hromadas planned for on the list of territories of hostilities"},
}

_QUANTUM = 1e-3  # values are compared to a thousandth of a person
_WINDOW = 24  # pieces added on each side of a class count that lacks them


def _grid(m: int) -> list[int]:
    """The first pieces of a class given as rows: 0, 1, 3, 7, ... and the last."""
    out, i = [], 1
    while i - 1 < m:
        out.append(i - 1)
        i *= 2
    return sorted({*out, m - 1}) if m else []


@dataclass(frozen=True, eq=False)
class Allocation:
    """The answer of :func:`allocate`.

    Attributes
    ----------
    status
        ``"optimal"``; ``"no_budget"``, ``"no_gap"``, ``"no_data"``,
        ``"infeasible"`` or ``"time_limit"``.
    message
        What happened, as a code of :data:`MESSAGES` and its parameters ``(code, params)``, with what to
        change when nothing was funded (``core.text.solver_text`` says it in words).
    objective, equity_measure, objective_sense, served
        The objective solved (``"max"`` always: coverage value, lowest ratio
        reached, hromadas lifted) and whom the need counts.
    objective_value, greedy_objective_value
        The objective of the exact and of the greedy plan.
    people_served, greedy_people_served
        People (or children) served to the norm added by the plan: sum of
        people x (min(1, after / required) - min(1, before / required)).
    budget, spent, positions, vacancies_filled, new_posts
        The programme budget, what the plan costs and how many positions it
        funds (vacant posts filled + new posts).
    greedy_spent, greedy_positions
        The same for the greedy baseline.
    cost_by_year
        The donor's cost of the exact plan in each year of the programme.
    allocations, greedy_allocations
        One row per hromada and role funded: ``code``, ``oblast_code``,
        ``role``, ``status``, ``positions``, ``vacancies_filled``,
        ``new_posts``, ``cost``, ``cost_year_<n>``, ``filled_before``,
        ``filled_after``, ``required``, ``gap_fte``, ``reasons`` (a tuple of
        ``(code, params)`` of :data:`REASONS`).
    hromadas
        One row per hromada planned for, before and after the exact plan.
    without_worker_after
        Hromadas planned for left with no community social worker.
    excluded, residents_only, excluded_status
        Hromadas left out for unknown data; hromadas whose need counts
        residents only (IDP figure unknown); hromadas left out for their
        territorial status, by status.
    seconds, stopped_early, mip_gap
        Wall-clock time of the solve (greedy and every exact stage), True
        when the time limit stopped it before optimality was proven, and how
        far from optimal it may be (0 when proven; None when not known).
    notes
        What the message adds about the data: ``(code, params)`` of :data:`MESSAGES`.
    """

    status: str
    message: tuple[str, dict[str, Any]]
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
    notes: tuple[tuple[str, dict[str, Any]], ...] = field(default=())
    stopped_early: bool = False
    mip_gap: float | None = None
    served: str = "people"
    people_served: float = 0.0
    greedy_people_served: float = 0.0
    vacancies_filled: int = 0
    new_posts: int = 0
    cost_by_year: tuple[float, ...] = ()
    excluded_status: dict[str, int] = field(default_factory=dict)
    years: int = 1

    @property
    def messages(self) -> tuple[tuple[str, dict[str, Any]], ...]:
        """The message, then the notes: ``(code, params)`` pairs of :data:`MESSAGES`."""
        return (tuple(self.message), *(tuple(n) for n in self.notes))

    @property
    def hromadas_funded(self) -> int:
        """Number of hromadas that get at least one position."""
        return int(self.allocations["code"].nunique()) if len(self.allocations) else 0

    def summary(self, names: Mapping[str, str] | None = None, render=None) -> dict[str, Any]:
        """The result as plain JSON-ready data (the shape of ``app.py allocate --json``).

        ``names`` maps hromada codes to names; ``render(code, params)`` turns
        a reason into words (default: the reason codes only). NaN and
        infinity become None.
        """
        names = names or {}
        return {
            "budget": _plain(self.budget),
            "years": int(self.years),
            "spent": _plain(self.spent),
            "cost_by_year": [_plain(c) for c in self.cost_by_year],
            "positions": int(self.positions),
            "vacancies_filled": int(self.vacancies_filled),
            "new_posts": int(self.new_posts),
            "hromadas": self.hromadas_funded,
            "objective": self.objective,
            "equity_measure": self.equity_measure,
            "served": self.served,
            "objective_sense": self.objective_sense,
            "objective_value": _plain(self.objective_value),
            "greedy_objective_value": _plain(self.greedy_objective_value),
            "people_served": _plain(self.people_served),
            "greedy_people_served": _plain(self.greedy_people_served),
            "status": self.status,
            "stopped_early": bool(self.stopped_early),
            "mip_gap": _plain(self.mip_gap),
            "excluded_status": {k: int(v) for k, v in self.excluded_status.items()},
            "messages": [[code, {k: _param(v) for k, v in params.items()}] for code, params in self.messages],
            "allocations": [
                {
                    "code": str(row.code),
                    "name": str(names.get(row.code, "")),
                    "oblast_code": str(row.oblast_code),
                    "role": str(row.role),
                    "status": None if row.status is None else str(row.status),
                    "positions": int(row.positions),
                    "vacancies_filled": int(row.vacancies_filled),
                    "new_posts": int(row.new_posts),
                    "cost": _plain(row.cost),
                    "filled_before": _plain(row.filled_before),
                    "filled_after": _plain(row.filled_after),
                    "reasons": [[code, {k: _param(v) for k, v in params.items()}] for code, params in row.reasons],
                    **({"why": [render(code, params) for code, params in row.reasons]} if render else {}),
                }
                for row in self.allocations.itertuples(index=False)
            ],
        }


def _param(value: Any) -> Any:
    return value if isinstance(value, str) else _plain(value)


def _plain(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return round(value, 6) if math.isfinite(value) else None


# -- the problem ------------------------------------------------------------
@dataclass
class _Problem:
    codes: np.ndarray  # H
    oblasts: np.ndarray  # H
    status: np.ndarray  # H territorial status (or None)
    people: np.ndarray  # H people the need counts (residents + IDPs, or children)
    workers: np.ndarray  # H community workers in post
    community_required: np.ndarray  # H, by the norm (NaN if unknown)
    wisn_required: np.ndarray  # H (NaN if unknown)
    tie_rank: np.ndarray  # H: 0 = first by the tie rule (largest gap, then code)
    # pairs (hromada, role)
    pair_h: np.ndarray
    pair_role: np.ndarray
    community: np.ndarray  # bool
    filled: np.ndarray  # filled positions of the role
    required: np.ndarray  # positions of the role required by the norm
    vacant: np.ndarray  # vacant approved posts that may be filled
    # segments: one position each, in order within a pair
    seg_pair: np.ndarray
    seg_value: np.ndarray  # quantised value
    seg_cost: np.ndarray
    seg_vacancy: np.ndarray  # bool: fills a vacant post
    seg_index: np.ndarray  # j - 1 within the pair
    seg_rank: np.ndarray  # tie-break order (0 first)
    budget: float
    oblast_budget: dict[str, float]
    oblast_positions: dict[str, float]
    max_hromada_share: float
    strict_share: bool  # the hromada share cap holds without the one-position allowance of small plans
    role_shares: dict[str, float]
    forced: np.ndarray  # H bool: must end with >= 1 community worker
    seg_cap: dict[int, float] = field(default_factory=dict)  # hromada -> most positions (the share cap, made static)


def _served_value(people: np.ndarray, required: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """people x u(min(1, filled / required)), u(c) = c (2 - c); 0 where nothing is required."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.clip(np.where(required > 0, filled / required, 1.0), 0.0, 1.0)
    return people * c * (2.0 - c)


def _people_served(people: np.ndarray, required: np.ndarray, filled: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return people * np.clip(np.where(required > 0, filled / required, 1.0), 0.0, 1.0)


def _pair_counts(p: _Problem, y: np.ndarray) -> np.ndarray:
    """Positions per pair of a segment selection (0/1 per segment)."""
    return np.bincount(p.seg_pair, weights=y, minlength=len(p.pair_h))


def _canonical(p: _Problem, y: np.ndarray) -> np.ndarray:
    """The segments a selection stands for: in each pair the first ``count`` (the cheapest and most valuable)."""
    counts = np.round(_pair_counts(p, y)).astype(int)
    return (p.seg_index < counts[p.seg_pair]).astype(float)


def _measures(p: _Problem, y: np.ndarray, measure: str) -> dict[str, float]:
    """Objective figures of a selection: coverage value, people served, lowest ratio, hromadas lifted."""
    counts = _pair_counts(p, y)
    after = p.filled + counts
    value = float(np.sum(_served_value(p.people[p.pair_h], p.required, after)))
    value -= float(np.sum(_served_value(p.people[p.pair_h], p.required, p.filled)))
    served = float(np.sum(_people_served(p.people[p.pair_h], p.required, after)))
    served -= float(np.sum(_people_served(p.people[p.pair_h], p.required, p.filled)))
    workers_after = p.workers + np.bincount(
        p.pair_h, weights=np.where(p.community, counts, 0.0), minlength=len(p.codes)
    )
    ratio = _ratios(p, workers_after, measure)
    known = ~np.isnan(ratio)
    lowest = float(np.min(np.minimum(ratio[known], 1.0))) if known.any() else math.nan
    lifted = int(np.sum((p.workers <= 0) & (workers_after > 0)))
    return {
        "coverage": value,
        "served": served,
        "lowest": lowest,
        "lifted": lifted,
        "zero": int(np.sum(workers_after <= 0)),
    }


def _ratios(p: _Problem, workers: np.ndarray, measure: str) -> np.ndarray:
    required = p.wisn_required if measure == "wisn" else p.community_required
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(required > 0, workers / required, np.nan)


def _key(v: dict[str, float], objective: str) -> tuple:
    """Larger is better: the lexicographic order each objective is solved in (rounded: no noise)."""
    coverage = round(v["coverage"], 3)
    if objective == "coverage":
        return (coverage,)
    if objective == "equity":
        return (round(v["lowest"], 9) if math.isfinite(v["lowest"]) else -1.0, coverage)
    return (v["lifted"], coverage)


def _headline(v: dict[str, float], objective: str) -> float | None:
    if objective == "coverage":
        return v["coverage"]
    if objective == "equity":
        return v["lowest"] if math.isfinite(v["lowest"]) else None
    return float(v["lifted"])


# -- exact --------------------------------------------------------------------
def _solve(c, lower, upper, integrality, constraints, time_limit: float):
    """``milp`` within ``time_limit`` seconds of wall clock, relaxation included.

    A shortcut first: an LP relaxation whose optimum is whole is the
    optimum. The relaxation and the MILP share the one limit: the MILP gets
    what the relaxation left; each is given less than it may use
    (:meth:`_Clock.allowance`), so both end within it; a large model is solved in a child process
    killed at ``time_limit`` if HiGHS runs past its own limit (:func:`metrics.solver.milp_within`).
    The result carries ``mip_gap`` (0 when proven optimal, None when no integer solution is known).
    """
    started = time.perf_counter()
    nonzeros = sum(int(constraint.A.nnz) for constraint in constraints)
    allowance = _Clock.allowance(time_limit, nonzeros)
    if allowance <= 0.05:
        return OptimizeResult(x=None, status=1, fun=None, mip_gap=None, message="Time limit reached.")
    kill_at = time.monotonic() + time_limit - _Clock.AFTER_KILL  # a child still solving then is killed
    options = {"time_limit": allowance, "disp": False}
    relaxed = milp_within(
        c, integrality=np.zeros_like(integrality), bounds=Bounds(lower, upper), constraints=constraints,
        options=options, deadline=max(kill_at, time.monotonic() + allowance),
    )  # fmt: skip
    if relaxed.status == 0 and relaxed.x is not None:
        whole = integrality > 0
        if np.all(np.abs(relaxed.x[whole] - np.round(relaxed.x[whole])) <= 1e-9):
            relaxed.mip_gap = 0.0
            return relaxed
    elif relaxed.status == 2:
        return relaxed  # the relaxation is infeasible, so is the MILP
    # the relaxation's optimum bounds the MILP's: kept as ``bound`` (of the minimised c) for an answer without x
    bound = relaxed.fun if relaxed.status == 0 and relaxed.fun is not None else None
    left = _Clock.allowance(time_limit - (time.perf_counter() - started), nonzeros)
    if relaxed.status == 1 or left <= 0.05:
        return OptimizeResult(x=None, status=1, fun=None, mip_gap=None, bound=bound, message="Time limit reached.")
    result = milp_within(
        c,
        integrality=integrality,
        bounds=Bounds(lower, upper),
        constraints=constraints,
        options={**options, "time_limit": left, "mip_rel_gap": 1e-7},
        deadline=max(kill_at, time.monotonic() + left),
    )
    if result.status == 0:
        result.mip_gap = 0.0 if getattr(result, "mip_gap", None) is None else float(result.mip_gap)
    elif result.x is None:
        result.mip_gap = None
    result.bound = bound
    return result


class _Model:
    """The MILP of a stage, in whole numbers of positions per class.

    A class is the positions that cost the same and enter every constraint
    alike: one role, vacancy or new post, one cost, and the oblast when
    oblasts are capped; a hromada with rows of its own (its share cap, the
    lifting indicator) has classes of its own. Within a class the best n
    positions are its n most valuable (a pair's values fall with each
    position), so the value of a class is a concave piecewise-linear
    function F_c(n) of its count, written exactly as its hypograph:
    f_c <= F_c(i - 1) + v_i x (n_c - (i - 1)) for each position i of the
    class (sorted by value, then by the tie rule). Columns: n_c (whole
    numbers), f_c, then the extra columns of a stage. Segments fixed in
    advance (the floors) are constants.
    """

    def __init__(self, p: _Problem, fixed: np.ndarray, own: np.ndarray | None = None, extra: int = 0):
        self.p = p
        seg_h = p.pair_h[p.seg_pair]
        self.seg_h = seg_h
        seg_oblast = p.oblasts[seg_h]
        roles = p.pair_role[p.seg_pair]
        by_oblast = bool(p.oblast_budget or p.oblast_positions)
        separate = set(p.seg_cap) | (set() if own is None else {int(h) for h in own})
        free = np.flatnonzero(~fixed)
        keys = [
            (
                roles[k],
                bool(p.seg_vacancy[k]),
                round(float(p.seg_cost[k]), 2),
                seg_oblast[k] if by_oblast else "",
                int(seg_h[k]) if int(seg_h[k]) in separate else -1,
            )
            for k in free
        ]
        names = sorted(set(keys))
        index = {key: i for i, key in enumerate(names)}
        self.c = len(names)
        self.keys = names
        cls = np.array([index[k] for k in keys], dtype=int)
        # members of each class, most valuable first (ties: the stated rule)
        order = np.lexsort((p.seg_rank[free], -p.seg_value[free], cls))
        self.members = [[] for _ in range(self.c)]
        for i in order:
            self.members[cls[i]].append(int(free[i]))
        self.fixed = fixed
        self.first_extra = 2 * self.c
        self.n = self.first_extra + extra
        self.rows: list[sparse.csr_matrix] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        cost = np.array([k[2] for k in names])
        role = np.array([k[0] for k in names], dtype=object)
        oblast = np.array([k[3] for k in names], dtype=object)
        hromada = np.array([k[4] for k in names])
        spent = float(np.sum(p.seg_cost[fixed]))
        self.add(self._n_row(cost), -np.inf, p.budget - spent)
        for code, cap in p.oblast_budget.items():
            used = float(np.sum(p.seg_cost[fixed & (seg_oblast == code)]))
            self.add(self._n_row(np.where(oblast == code, cost, 0.0)), -np.inf, cap - used)
        for code, cap in p.oblast_positions.items():
            used = float(np.sum(fixed & (seg_oblast == code)))
            self.add(self._n_row((oblast == code).astype(float)), -np.inf, cap - used)
        for r, share in p.role_shares.items():
            # positions of the role <= share x all positions: (1 - share) x own - share x others <= 0
            const = float(np.sum(np.where(roles[fixed] == r, 1.0 - share, -share)))
            self.add(self._n_row(np.where(role == r, 1.0 - share, -share)), -np.inf, -const)
        for h, cap in sorted(p.seg_cap.items()):
            used = float(np.sum(fixed & (seg_h == h)))
            self.add(self._n_row((hromada == h).astype(float)), -np.inf, cap - used)
        # hypograph rows f_c - v_i n_c <= F(i) - v_i i, piece i of class c (n from i to i + 1); only
        # some pieces are rows at first (an outer approximation), the rest are added where a solution needs them
        self.values = [p.seg_value[m] for m in self.members]
        self.prefix = [np.concatenate([[0.0], np.cumsum(v)]) for v in self.values]
        self.active = [set(_grid(len(v))) for v in self.values]
        self.class_hromada = hromada
        self.class_role = role
        self.valued = True  # the class values f_c are in the model (False: fixed at 0, no hypograph rows)

    def _hypograph(self) -> tuple[sparse.csr_matrix, np.ndarray]:
        rows, cols, data, rhs = [], [], [], []
        r = 0
        for c, active in enumerate(self.active):
            values, prefix = self.values[c], self.prefix[c]
            for i in sorted(active):
                rows += [r, r]
                cols += [self.c + c, c]
                data += [1.0, -float(values[i])]
                rhs.append(prefix[i] - values[i] * i)
                r += 1
            if not len(values):
                rows.append(r)
                cols.append(self.c + c)
                data.append(1.0)
                rhs.append(0.0)
                r += 1
        return sparse.csr_matrix((data, (rows, cols)), shape=(r, self.n)), np.array(rhs)

    def _missing(self, counts: np.ndarray) -> bool:
        """Add the pieces around each class's count where none is a row yet; True if any was added."""
        added = False
        for c, n in enumerate(counts):
            m = len(self.values[c])
            if m == 0 or (n - 1) in self.active[c] or n in self.active[c]:
                continue
            self.active[c].update(range(max(0, n - _WINDOW), min(m, n + _WINDOW + 1)))
            added = True
        return added

    def _n_row(self, coefficients: np.ndarray) -> sparse.csr_matrix:
        nz = np.flatnonzero(coefficients)
        return sparse.csr_matrix((coefficients[nz], (np.zeros(len(nz), dtype=int), nz)), shape=(1, self.n))

    def add(self, matrix, lo, hi) -> None:
        matrix = sparse.csr_matrix(matrix)
        self.rows.append(matrix)
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (matrix.shape[0],)).copy())
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (matrix.shape[0],)).copy())

    def community_classes(self) -> dict[int, list[int]]:
        """Hromada -> columns n_c of its community classes (in column order), for every hromada at once.

        One pass over the classes: asked per hromada, it was a scan of every
        class for each of them (22,440 hromadas with no worker at 30,000 units:
        minutes).
        """
        by_hromada: dict[int, list[int]] = {}
        for c in np.flatnonzero(np.isin(self.class_role, COMMUNITY_ROLES)).tolist():
            by_hromada.setdefault(int(self.class_hromada[c]), []).append(c)
        return by_hromada

    def bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        extra = self.n - self.first_extra
        sizes = np.array([len(m) for m in self.members], dtype=float)
        lower = np.concatenate([np.zeros(self.c), np.full(self.c, -np.inf), np.zeros(extra)])
        upper = np.concatenate([sizes, np.full(self.c, np.inf), np.full(extra, np.inf)])
        integrality = np.concatenate([np.ones(self.c, dtype=int), np.zeros(self.c + extra, dtype=int)])
        return lower, upper, integrality

    def coverage_objective(self) -> np.ndarray:
        """Minus the sum of the class values f_c (for minimisation)."""
        c = np.zeros(self.n)
        c[self.c : 2 * self.c] = -1.0
        return c

    def solve(self, c, lower, upper, integrality, time_limit: float):
        """Solve with the pieces needed: re-solved with more pieces until every f_c is exact at its count.

        With only some pieces, f_c may exceed F_c(n_c) (the model is a
        relaxation); once the pieces at each solution's n_c are rows, f_c =
        F_c(n_c) there, the solution is feasible for the whole model and, as
        the optimum of a relaxation, optimal.
        """
        started = time.perf_counter()
        while True:
            hyp, rhs = self._hypograph() if self.valued else (sparse.csr_matrix((0, self.n)), np.zeros(0))
            matrix = sparse.vstack([*self.rows, hyp], format="csr")
            low = np.concatenate([*self.lo, np.full(len(rhs), -np.inf)])
            high = np.concatenate([*self.hi, rhs])
            result = _solve(
                c, lower, upper, integrality, [LinearConstraint(matrix, low, high)],
                time_limit - (time.perf_counter() - started),
            )  # fmt: skip
            if result.x is None or not self.valued or not self._missing(np.round(result.x[: self.c]).astype(int)):
                return result

    def selection(self, result) -> np.ndarray | None:
        """The plan of a solution: the fixed segments and the n_c most valuable of each class."""
        if result.x is None:
            return None
        y = self.fixed.astype(float)
        counts = np.floor(result.x[: self.c] + 1e-6).astype(int)
        for c, members in enumerate(self.members):
            y[members[: counts[c]]] = 1.0
        return _canonical(self.p, y)


class _Clock:
    """The wall clock of a whole ``allocate`` call: what its solver stages may still be given.

    The limit bounds the whole call, so the solver is given less than what
    is left (:meth:`allowance`): ``reserve`` seconds are kept for the plan's
    tables made after the solve (measured on the greedy plan's tables, made
    before it: the same work), and each solver call leaves room for HiGHS
    to run past its own limit: it takes its model in and hands it back
    whatever the limit (``SETUP_PER_NONZERO``: 1.0 s at 335,000 nonzeros,
    the lifted model of 30,000 units, given 0.05 s, and up to 1.2 s past
    its limit in that model's LP relaxation, load average 7), and it
    checks its clock only between steps (``OVERSHOOT`` of the allowance:
    5 % past 8.2 s in that model's MILP, load average 3). Some steps of a
    large model do not check it for minutes (that model's MILP, given 5.1 s,
    took 108 s): a large model is solved in a child process killed
    ``AFTER_KILL`` s before the time left ends (:mod:`metrics.solver`), and
    the stage has no solution.
    """

    OVERSHOOT = 0.1
    SETUP_PER_NONZERO = 4e-6
    AFTER_KILL = 0.25  # s kept when a solver child is killed: the kill and what follows (0.04 + 0.1 s at 30,000 units)

    def __init__(self, limit: float):
        self.started = time.perf_counter()
        self.limit = limit
        self.reserve = 0.0
        self.building = 0.0  # how long the last model took to build (a stage that cannot afford it is not begun)
        self.gaps: list[float | None] = []

    def left(self) -> float:
        """Seconds left for the solver stages (negative once the time is spent)."""
        return self.limit - self.reserve - (time.perf_counter() - self.started)

    @classmethod
    def allowance(cls, left: float, nonzeros: int) -> float:
        """The time limit to give HiGHS on a model of ``nonzeros`` when ``left`` seconds remain: it ends in them."""
        return (left - cls.SETUP_PER_NONZERO * nonzeros) / (1.0 + cls.OVERSHOOT)

    def track(self, result) -> None:
        self.gaps.append(getattr(result, "mip_gap", None))

    def gap(self) -> float | None:
        return None if any(g is None for g in self.gaps) else max(self.gaps, default=0.0)


def _status_of(result) -> str:
    return {0: "optimal", 2: "infeasible"}.get(result.status, "time_limit")


def _share_violations(p: _Problem, y: np.ndarray) -> dict[int, float]:
    """Hromadas over the share cap in plan ``y``, with the cap that the plan's size gives them."""
    by_h = np.bincount(p.pair_h[p.seg_pair], weights=y, minlength=len(p.codes))
    total = float(by_h.sum())
    slack = 0.0 if p.strict_share else 1.0
    allowed = np.floor(p.max_hromada_share * total + slack + 1e-9)
    allowed = np.where(p.forced, np.maximum(allowed, 1.0), allowed)
    return {int(h): float(allowed[h]) for h in np.flatnonzero(by_h > allowed + 1e-9)}


def _coverage_stage(p: _Problem, clock: _Clock, floors: np.ndarray | None, lifted: tuple[np.ndarray, int] | None):
    """Most coverage value with the floors; the hromada share cap is added where the plan breaks it.

    The cap x_h <= share x all positions is not a row of the model: the plan
    is solved without it, each hromada over it gets the cap its size allows
    (x_h <= floor(share x positions)), and the plan is solved again, until
    no hromada is over (a plan with fewer positions lowers the caps).
    """
    p.seg_cap = {}
    for _ in range(8):
        y, result = _coverage_once(p, clock, floors, lifted)
        if y is None or p.max_hromada_share >= 1:
            return y, result
        over = _share_violations(p, y)
        if not over:
            return y, result
        for h, cap in over.items():
            p.seg_cap[h] = min(cap, p.seg_cap.get(h, math.inf))
        if clock.left() <= 0.05:
            return None, OptimizeResult(x=None, status=1, mip_gap=None)
    return None, OptimizeResult(x=None, status=1, mip_gap=None)


def _coverage_once(p: _Problem, clock: _Clock, floors: np.ndarray | None, lifted: tuple[np.ndarray, int] | None):
    """Most coverage value, with community floors per hromada and optionally k of ``lifted`` hromadas lifted.

    The floors (a worker where one is required; the level of the equity
    objective) are met at the least cost first: each hromada's cheapest
    community positions, vacancies first, are fixed in the plan.
    """
    if clock.left() <= clock.building:  # no time to build the model again and solve it
        return None, OptimizeResult(x=None, status=1, mip_gap=None)
    all_floors = np.where(p.forced, 1.0, 0.0)
    if floors is not None:
        all_floors = np.maximum(all_floors, floors)
    fixed = _commit(p, all_floors)
    if fixed is None:
        return None, OptimizeResult(x=None, status=2, mip_gap=None)
    zero = None if lifted is None else lifted[0]
    started = time.perf_counter()
    model = _Model(p, fixed, zero, 0 if zero is None else len(zero))
    lower, upper, integrality = model.bounds()
    if zero is not None and len(zero):
        _lift_rows(model, zero, upper, integrality, lifted[1])
    clock.building = time.perf_counter() - started
    result = model.solve(model.coverage_objective(), lower, upper, integrality, clock.left())
    clock.track(result)
    return model.selection(result), result


def _commit(p: _Problem, floors: np.ndarray) -> np.ndarray | None:
    """Segments fixed to meet the floors at the least cost (None if a hromada cannot reach its floor)."""
    fixed = np.zeros(len(p.seg_pair), dtype=bool)
    if not np.any(floors > 0):
        return fixed
    by_h = _cheapest_community(p)
    for h in np.flatnonzero(floors > 0):
        segs = by_h.get(int(h), [])
        need = int(floors[h])
        if len(segs) < need:
            return None
        fixed[segs[:need]] = True
    return fixed


def _lift_rows(model: _Model, zero: np.ndarray, upper, integrality, least: int) -> None:
    """Binary z[h] <= community positions of h, for the hromadas ``zero``; sum z >= ``least``."""
    z = model.first_extra
    rows, cols, data = [], [], []
    classes = model.community_classes()
    for i, h in enumerate(zero):
        for c in classes.get(int(h), ()):
            rows.append(i)
            cols.append(int(c))
            data.append(-1.0)
        rows.append(i)
        cols.append(z + i)
        data.append(1.0)
    model.add(sparse.csr_matrix((data, (rows, cols)), shape=(len(zero), model.n)), -np.inf, 0.0)
    if least > 0:
        row = sparse.lil_matrix((1, model.n))
        row[0, z : z + len(zero)] = 1.0
        model.add(row, least, np.inf)
    upper[z : z + len(zero)] = 1.0
    integrality[z : z + len(zero)] = 1


def _exact(p: _Problem, objective: str, measure: str, clock: _Clock) -> tuple[np.ndarray | None, str]:
    if objective == "coverage":
        y, result = _coverage_stage(p, clock, None, None)
        return y, _status_of(result)
    if objective == "lifted":
        zero = np.flatnonzero((p.workers <= 0) & ~p.forced & _has_community(p))
        if len(zero) == 0:
            y, result = _coverage_stage(p, clock, None, None)
            return y, _status_of(result)
        # made first, on the solver's time: the answer when the solver finds no whole solution in time (the
        # greedy plan lifts in the tie rule's order, whatever each costs: at 30,000 units 751 against 2,964)
        made = time.perf_counter()
        fallback = _greedy(p, objective, measure, cheapest_first=True)
        # the model takes about as long to build as a greedy plan (2.1 and 2.0 s at 30,000 units): not begun
        # when that would end past the limit
        if fallback is not None and clock.left() <= time.perf_counter() - made:
            return fallback, "time_limit"
        fixed = _commit(p, np.where(p.forced, 1.0, 0.0))
        started = time.perf_counter()
        model = _Model(p, fixed, zero, len(zero))
        lower, upper, integrality = model.bounds()
        _lift_rows(model, zero, upper, integrality, 0)
        clock.building = time.perf_counter() - started  # the coverage stage builds a model of the same size
        c = np.zeros(model.n)
        c[model.first_extra :] = -1.0
        # the first stage counts hromadas lifted only: the class values f_c and their hypograph rows are not in it
        model.valued = False
        lower[model.c : 2 * model.c] = upper[model.c : 2 * model.c] = 0.0
        result = model.solve(c, lower, upper, integrality, clock.left())
        clock.track(result)
        y = model.selection(result)
        if y is None:
            if result.status == 2 or fallback is None:
                return None, _status_of(result)
            # no whole solution in time: the cheapest lifts first, with its gap to the relaxation's bound
            # when the relaxation was solved (the bound of the first stage's count: the headline)
            bound = getattr(result, "bound", None)
            if bound is not None and -bound > 0:
                lifted = _measures(p, fallback, measure)["lifted"]
                clock.gaps[-1] = max(0.0, (-bound - lifted) / -bound)
            return fallback, "time_limit"
        k_star = _measures(p, y, measure)["lifted"]
        status = _status_of(result)
        if clock.left() <= clock.building:  # no time for the coverage stage: not even its model is built
            return y, "time_limit"
        y2, result2 = _coverage_stage(p, clock, None, (zero, k_star))
        if y2 is None:
            return y, "time_limit"
        return y2, status if result2.status == 0 else "time_limit"
    # equity: the highest level t every planned hromada reaches, then coverage with it held
    t, floors = _max_level(p, measure)
    while True:
        y, result = _coverage_stage(p, clock, floors, None)
        if y is not None or result.status != 2 or t <= 0:
            break
        t, floors = _max_level(p, measure, below=t)  # the caps of the MILP bind before the budget does
    return y, _status_of(result)


def _has_community(p: _Problem) -> np.ndarray:
    return np.bincount(p.pair_h, weights=p.community.astype(float), minlength=len(p.codes)) > 0


def _cheapest_community(p: _Problem) -> np.ndarray:
    """Per hromada, the segments of its community pairs ordered by cost (cheapest first), as lists."""
    out: dict[int, list[int]] = {}
    seg_h = p.pair_h[p.seg_pair]
    order = np.lexsort((p.seg_rank, p.seg_cost))
    for s in order:
        if p.community[p.seg_pair[s]]:
            out.setdefault(int(seg_h[s]), []).append(int(s))
    return out


def _fill_cost(p: _Problem, floors: np.ndarray, by_h: dict[int, list[int]]) -> float | None:
    """Least cost of ``floors`` community positions per hromada (None if some hromada cannot get them)."""
    total = 0.0
    for h in np.flatnonzero(floors > 0):
        segs = by_h.get(int(h), [])
        need = int(floors[h])
        if len(segs) < need:
            return None
        total += float(sum(p.seg_cost[s] for s in segs[:need]))
    return total


def _max_level(p: _Problem, measure: str, below: float | None = None) -> tuple[float, np.ndarray]:
    """The largest level t (ratio to the required, <= 1) all planned hromadas reach within the budget.

    Reaching t needs ceil(t x required - workers) community positions in each
    hromada, and their least cost grows with t, so bisection over the levels
    (workers + n) / required finds the largest t that fits the budget.
    """
    required = p.wisn_required if measure == "wisn" else p.community_required
    by_h = _cheapest_community(p)
    known = np.flatnonzero(required > 0)
    candidates = [np.array([0.0])]
    for h in known:
        n = np.arange(len(by_h.get(int(h), [])) + 1)
        candidates.append(np.minimum((p.workers[h] + n) / required[h], 1.0))
    levels = np.unique(np.concatenate(candidates))
    if below is not None:
        levels = levels[levels < below - 1e-12]
    if len(levels) == 0:
        levels = np.array([0.0])

    def floors_at(t: float) -> np.ndarray:
        out = np.where(p.forced, 1.0, 0.0)
        need = np.zeros(len(p.codes))
        need[known] = np.maximum(0.0, np.ceil(t * required[known] - p.workers[known] - 1e-9))
        return np.maximum(out, need)

    def fits(t: float) -> bool:
        cost = _fill_cost(p, floors_at(t), by_h)
        return cost is not None and cost <= p.budget + 1e-6

    lo, hi = 0, len(levels) - 1
    if not fits(levels[lo]):
        return 0.0, np.where(p.forced, 1.0, 0.0)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(levels[mid]):
            lo = mid
        else:
            hi = mid - 1
    return float(levels[lo]), floors_at(float(levels[lo]))


# -- greedy -----------------------------------------------------------------
class _Purse:
    """What the greedy plan has taken so far, and whether one more segment fits every constraint."""

    def __init__(self, p: _Problem, cap_h: np.ndarray | None = None):
        self.p = p
        self.cap_h = np.full(len(p.codes), np.inf) if cap_h is None else cap_h
        self.y = np.zeros(len(p.seg_pair))
        self.left = p.budget
        self.total = 0
        self.by_h = np.zeros(len(p.codes))
        self.by_role: dict[str, int] = {}
        self.oblast_money = dict.fromkeys(p.oblast_budget, 0.0)
        self.oblast_count = dict.fromkeys(p.oblast_positions, 0.0)
        self.next_j = np.zeros(len(p.pair_h), dtype=int)
        self.first = {}
        for s in range(len(p.seg_pair)):
            self.first.setdefault((int(p.seg_pair[s]), int(p.seg_index[s])), s)

    def segment(self, k: int) -> int | None:
        return self.first.get((k, int(self.next_j[k])))

    def can(self, s: int) -> bool:
        p = self.p
        k = p.seg_pair[s]
        h = p.pair_h[k]
        if p.seg_cost[s] > self.left + 1e-6:
            return False
        o = p.oblasts[h]
        if o in self.oblast_money and self.oblast_money[o] + p.seg_cost[s] > p.oblast_budget[o] + 1e-6:
            return False
        if o in self.oblast_count and self.oblast_count[o] + 1 > p.oblast_positions[o] + 1e-9:
            return False
        role = p.pair_role[k]
        if role in p.role_shares and self.by_role.get(role, 0) + 1 > p.role_shares[role] * (self.total + 1) + 1e-9:
            return False
        return self.by_h[h] + 1 <= self.cap_h[h] + 1e-9

    def take(self, s: int) -> None:
        p = self.p
        k = p.seg_pair[s]
        h = p.pair_h[k]
        self.y[s] = 1.0
        self.left -= p.seg_cost[s]
        self.total += 1
        self.by_h[h] += 1
        self.by_role[p.pair_role[k]] = self.by_role.get(p.pair_role[k], 0) + 1
        o = p.oblasts[h]
        if o in self.oblast_money:
            self.oblast_money[o] += p.seg_cost[s]
        if o in self.oblast_count:
            self.oblast_count[o] += 1
        self.next_j[k] += 1


def _greedy_coverage(purse: _Purse) -> None:
    """Take the next position of the pair with the most value per UAH while it fits (ties: the stated rule)."""
    p = purse.p

    def entry(k: int):
        s = purse.segment(k)
        if s is None or p.seg_value[s] <= 0:
            return None
        ratio = p.seg_value[s] / p.seg_cost[s] if p.seg_cost[s] > 0 else math.inf
        return (-round(ratio, 9), int(p.seg_rank[s]), k, s)

    heap = [e for e in (entry(k) for k in range(len(p.pair_h))) if e is not None]
    heapq.heapify(heap)
    blocked: list = []
    while heap:
        item = heapq.heappop(heap)
        s = item[3]
        if not purse.can(s):
            if p.seg_cost[s] <= purse.left + 1e-6:
                blocked.append(item)  # a share cap: it may fit once the plan is larger
            continue
        purse.take(s)
        following = entry(item[2])
        if following is not None:
            heapq.heappush(heap, following)
        if blocked and purse.total % 4 == 0:
            for again in blocked:
                heapq.heappush(heap, again)
            blocked = []


def _greedy(p: _Problem, objective: str, measure: str, cheapest_first: bool = False) -> np.ndarray | None:
    """The greedy plan; the hromada share cap is met by static caps, tightened until the plan meets it.

    ``cheapest_first`` (lifted only): hromadas are lifted in the order of
    what their cheapest first community position costs (then the tie rule),
    not in the tie rule's order: with the budget the only constraint that
    binds, as many as any plan can lift. It is the exact solve's fallback
    when the solver finds no whole solution in time, not the baseline.
    """
    y = _greedy_run(p, objective, measure, None, cheapest_first)
    if y is None or p.max_hromada_share >= 1:
        return y
    slack = 0.0 if p.strict_share else 1.0
    for _ in range(20):
        by_h = np.bincount(p.pair_h[p.seg_pair], weights=y, minlength=len(p.codes))
        total = float(by_h.sum())
        allowed = np.where(p.forced, np.maximum(1.0, p.max_hromada_share * total), p.max_hromada_share * total + slack)
        if np.all(by_h <= allowed + 1e-9):
            return y
        cap = np.floor(np.maximum(p.max_hromada_share * total + slack, np.where(p.forced, 1.0, 0.0)) + 1e-9)
        y = _greedy_run(p, objective, measure, np.full(len(p.codes), max(cap.min(), 0.0)), cheapest_first)
        if y is None:
            return None
    return y


def _greedy_run(
    p: _Problem, objective: str, measure: str, cap_h: np.ndarray | None, cheapest_first: bool = False
) -> np.ndarray | None:
    purse = _Purse(p, cap_h)
    by_h = _cheapest_community(p)
    for h in np.flatnonzero(p.forced):
        segs = [s for s in by_h.get(int(h), []) if p.seg_index[s] == purse.next_j[p.seg_pair[s]]]
        if not segs or not purse.can(segs[0]):
            return None
        purse.take(segs[0])
    if objective == "lifted":
        zero = [h for h in np.argsort(p.tie_rank, kind="stable") if p.workers[h] <= 0 and purse.by_h[h] == 0]
        if cheapest_first:
            first = {
                h: next((p.seg_cost[s] for s in by_h.get(int(h), []) if p.seg_index[s] == 0), math.inf) for h in zero
            }
            zero.sort(key=lambda h: (first[h], int(p.tie_rank[h])))
        for h in zero:
            for s in by_h.get(int(h), []):
                if p.seg_index[s] == 0 and purse.can(s):
                    purse.take(s)
                    break
    elif objective == "equity":
        required = p.wisn_required if measure == "wisn" else p.community_required
        after = p.workers + np.bincount(
            p.pair_h, weights=np.where(p.community, _pair_counts(p, purse.y), 0.0), minlength=len(p.codes)
        )
        heap = [
            (round(min(after[h] / required[h], 1.0), 9), int(p.tie_rank[h]), int(h))
            for h in np.flatnonzero(required > 0)
            if after[h] < required[h]
        ]
        heapq.heapify(heap)
        while heap:
            _, rank, h = heapq.heappop(heap)
            options = [s for s in by_h.get(h, []) if p.seg_index[s] == purse.next_j[p.seg_pair[s]] and purse.can(s)]
            if not options:
                break  # the worst-off cannot be lifted further: the lowest level is reached
            purse.take(options[0])
            after[h] += 1
            if after[h] < required[h]:
                heapq.heappush(heap, (round(min(after[h] / required[h], 1.0), 9), rank, h))
    _greedy_coverage(purse)
    return _canonical(p, purse.y)


# -- building the problem -----------------------------------------------------------
def _problem(
    hromadas: pd.DataFrame,
    units: pd.DataFrame,
    assumptions: Assumptions,
    budget: float,
    roles: Sequence[str],
    objective: str,
    measure: str,
    served: str,
    min_one_worker: bool,
    oblast_budget_caps: Mapping[str, float],
    oblast_position_caps: Mapping[str, float],
    unknown_idp: str,
    exclude_statuses: Sequence[str],
    fill_vacancies: bool,
) -> tuple[_Problem, pd.DataFrame, int, int, dict[str, int]]:
    table = hromadas.copy()
    status = (
        table["territorial_status"].astype(object).where(table["territorial_status"].notna(), None)
        if "territorial_status" in table
        else pd.Series([None] * len(table), index=table.index, dtype=object)
    )
    if "territorial_status" in table and "occupied" not in exclude_statuses:
        # occupied hromadas planned for by choice get a base like any other (the base leaves them out otherwise)
        table["territorial_status"] = status.where(status != "occupied", None)
    idp = pd.to_numeric(table["idp"], errors="coerce")
    residents_only = idp.isna() & pd.to_numeric(table["population"], errors="coerce").notna()
    if unknown_idp == "residents_only":
        table["idp"] = idp.fillna(0.0)
    base = hromada_planning_base(table, assumptions)
    parents = units[units["level"] == "hromada"].drop_duplicates("code").set_index("code")["oblast_code"]
    base["oblast_code"] = base["code"].map(parents)
    base["residents_only"] = residents_only.to_numpy() & (unknown_idp == "residents_only")
    base["territorial_status"] = status.to_numpy()
    people_column = "children" if served == "children" else "population_incl_idp"
    known = base[people_column].notna() & base["workers"].notna() & base["oblast_code"].notna()
    out_by_status = base["territorial_status"].isin(list(exclude_statuses))
    listed = base["population"].notna() & base["workers"].notna()
    excluded_status = {s: int((listed & (base["territorial_status"] == s)).sum()) for s in exclude_statuses}
    excluded_status = {s: n for s, n in excluded_status.items() if n}
    excluded = int((~known & ~out_by_status).sum())
    base = base[known & ~out_by_status].reset_index(drop=True)

    codes = base["code"].to_numpy(dtype=object)
    oblasts = base["oblast_code"].to_numpy(dtype=object)
    people = base[people_column].to_numpy(dtype=float)
    workers = base["workers"].to_numpy(dtype=float)
    community_required = base["required_fte"].to_numpy(dtype=float)
    wisn_required = base["wisn_required"].to_numpy(dtype=float)
    gap_all = base["total_shortfall_fte"].to_numpy(dtype=float)
    tie_order = np.lexsort((codes.astype(str), -np.nan_to_num(gap_all, nan=-1.0)))
    tie_rank = np.empty(len(codes), dtype=int)
    tie_rank[tie_order] = np.arange(len(codes))

    funding = assumptions.funding
    shares = funding.donor_shares()
    new_cost_factor = float(sum(shares))
    pair_h, pair_role, filled_l, required_l, vacant_l = [], [], [], [], []
    seg_pair, seg_value, seg_cost, seg_vac, seg_index = [], [], [], [], []
    wisn_short = np.maximum(0.0, np.nan_to_num(wisn_required - workers, nan=0.0))
    most_positions = int(budget // max(funding.recruitment_cost, 1.0)) + 1
    for role in roles:
        filled = base[f"{role}_filled"].to_numpy(dtype=float)
        approved = base[f"{role}_approved"].to_numpy(dtype=float)
        if served == "children":
            norm = assumptions.role_norm(role).workers_per_10k_children
            required = norm * people / 10_000
        else:
            required = base[f"{role}_required_fte"].to_numpy(dtype=float)
        vacant = np.floor(np.maximum(0.0, np.nan_to_num(approved - filled, nan=0.0))) if fill_vacancies else None
        gap = np.maximum(0.0, np.nan_to_num(required - filled, nan=0.0))
        count = np.ceil(gap - 1e-9)
        if role in COMMUNITY_ROLES and objective == "equity" and measure == "wisn":
            count = np.maximum(count, np.ceil(wisn_short - 1e-9))
        count = np.minimum(count, most_positions)
        annual = np.array([assumptions.cost(role, o) for o in oblasts], dtype=float)
        new_cost = funding.one_off_cost + annual * new_cost_factor
        # every pair (hromada, role) of this role at once: its positions j = 0 .. n - 1 as segments
        hs = np.flatnonzero((count > 0) & (people > 0))
        n = count[hs].astype(int)
        vacancies = np.zeros(len(hs), dtype=int) if vacant is None else np.minimum(vacant[hs], count[hs]).astype(int)
        k = len(pair_h) + np.arange(len(hs))
        pair_h += hs.tolist()
        pair_role += [role] * len(hs)
        filled_l += filled[hs].tolist()
        required_l += required[hs].tolist()
        vacant_l += vacancies.tolist()
        h_seg = np.repeat(hs, n)
        j = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        before = filled[h_seg] + j
        values = _served_value(people[h_seg], required[h_seg], before + 1) - _served_value(
            people[h_seg], required[h_seg], before
        )
        seg_pair += np.repeat(k, n).tolist()
        seg_value.append(np.round(np.maximum(values, 0.0) / _QUANTUM) * _QUANTUM)
        vacancy = j < np.repeat(vacancies, n)
        seg_cost.append(np.where(vacancy, funding.recruitment_cost, new_cost[h_seg]))
        seg_vac.append(vacancy)
        seg_index.append(j)
    pair_h_a = np.array(pair_h, dtype=int)
    seg_pair_a = np.array(seg_pair, dtype=int)
    seg_index_a = np.concatenate(seg_index) if seg_index else np.zeros(0, dtype=int)
    role_order = {r: i for i, r in enumerate(ROLES)}
    pair_role_a = np.array(pair_role, dtype=object)
    if len(seg_pair_a):
        seg_h = pair_h_a[seg_pair_a]
        order = np.lexsort(
            (
                np.array([role_order[r] for r in pair_role_a[seg_pair_a]]),
                seg_index_a,
                tie_rank[seg_h],
            )
        )
        seg_rank = np.empty(len(seg_pair_a), dtype=float)
        seg_rank[order] = np.arange(len(seg_pair_a))
    else:
        seg_rank = np.zeros(0)
    forced = np.zeros(len(codes), dtype=bool)
    if min_one_worker:
        forced = (workers <= 0) & (people > 0)
    role_shares = {r: s for r, s in funding.role_shares().items() if r in roles and s < 1}
    costs = np.concatenate(seg_cost) if seg_cost else np.zeros(0)
    cheapest = float(np.min(costs[costs > 0])) if np.any(costs > 0) else math.inf
    strict = budget >= 4.0 / funding.max_hromada_share * cheapest
    problem = _Problem(
        codes=codes,
        oblasts=oblasts,
        status=base["territorial_status"].to_numpy(dtype=object),
        people=people,
        workers=workers,
        community_required=community_required,
        wisn_required=wisn_required,
        tie_rank=tie_rank,
        pair_h=pair_h_a,
        pair_role=pair_role_a,
        community=np.isin(pair_role_a, COMMUNITY_ROLES),
        filled=np.array(filled_l, dtype=float),
        required=np.array(required_l, dtype=float),
        vacant=np.array(vacant_l, dtype=int),
        seg_pair=seg_pair_a,
        seg_value=np.concatenate(seg_value) if seg_value else np.zeros(0),
        seg_cost=np.concatenate(seg_cost) if seg_cost else np.zeros(0),
        seg_vacancy=np.concatenate(seg_vac) if seg_vac else np.zeros(0, dtype=bool),
        seg_index=seg_index_a,
        seg_rank=seg_rank,
        budget=float(budget),
        oblast_budget={str(k): float(v) for k, v in oblast_budget_caps.items()},
        oblast_positions={str(k): float(v) for k, v in oblast_position_caps.items()},
        max_hromada_share=float(funding.max_hromada_share),
        strict_share=strict,
        role_shares=role_shares,
        forced=forced,
    )
    return problem, base, excluded, int(base["residents_only"].sum()), excluded_status


def _tables(
    p: _Problem, base: pd.DataFrame, y: np.ndarray, assumptions: Assumptions, served: str, measure: str, level: float
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[float, ...]]:
    counts = _pair_counts(p, y).astype(int)
    vac = np.bincount(p.seg_pair, weights=y * p.seg_vacancy, minlength=len(p.pair_h)).astype(int)
    cost = np.bincount(p.seg_pair, weights=y * p.seg_cost, minlength=len(p.pair_h))
    funding = assumptions.funding
    shares = funding.donor_shares()
    new = counts - vac
    annual = np.array([assumptions.cost(r, p.oblasts[h]) for h, r in zip(p.pair_h, p.pair_role)], dtype=float)
    by_year = [
        vac * funding.recruitment_cost + new * (funding.one_off_cost + annual * shares[0]),
        *[new * annual * share for share in shares[1:]],
    ]
    h_workers_after = p.workers + np.bincount(
        p.pair_h, weights=np.where(p.community, counts, 0.0), minlength=len(p.codes)
    )
    ratio_before = _ratios(p, p.workers, measure)
    ratio_after = _ratios(p, h_workers_after, measure)
    funded = np.flatnonzero(counts > 0)
    unit = "children" if served == "children" else "people"
    reasons = []
    for k in funded:
        h = p.pair_h[k]
        role = p.pair_role[k]
        norm = assumptions.role_norm(role)
        norm_value = norm.workers_per_10k_children if served == "children" else norm.workers_per_10k
        why: list[tuple[str, dict]] = []
        if p.community[k] and p.workers[h] <= 0:
            why.append(("lifted_from_none", {}))
        if vac[k]:
            why.append(("fills_vacancies", {"n": int(vac[k])}))
        if new[k]:
            why.append(("new_posts", {"n": int(new[k])}))
        with np.errstate(divide="ignore", invalid="ignore"):
            before = 10_000 * p.filled[k] / p.people[h] if p.people[h] > 0 else math.nan
            after = 10_000 * (p.filled[k] + counts[k]) / p.people[h] if p.people[h] > 0 else math.nan
        why.append(("below_norm", {"before": before, "after": after, "norm": norm_value, "per": unit}))
        if (
            p.community[k]
            and math.isfinite(level)
            and not math.isnan(ratio_before[h])
            and ratio_before[h] < level - 1e-12
        ):
            why.append(("worst_off", {"ratio": float(ratio_before[h]), "level": float(level)}))
        if p.status[h] == "hostilities":
            why.append(("hostilities", {}))
        elif p.status[h] == "occupied":
            why.append(("occupied_included", {}))
        elif p.status[h] == "deoccupied":
            why.append(("deoccupied", {}))
        reasons.append(tuple(why))
    columns = {
        "code": p.codes[p.pair_h[funded]],
        "oblast_code": p.oblasts[p.pair_h[funded]],
        "role": p.pair_role[funded],
        "status": p.status[p.pair_h[funded]],
        "positions": counts[funded],
        "vacancies_filled": vac[funded],
        "new_posts": new[funded],
        "cost": cost[funded],
        **{f"cost_year_{i + 1}": year[funded] for i, year in enumerate(by_year)},
        "filled_before": p.filled[funded],
        "filled_after": p.filled[funded] + counts[funded],
        "required": p.required[funded],
        "gap_fte": np.maximum(0.0, p.required[funded] - p.filled[funded]),
        "reasons": reasons,
    }
    allocations = pd.DataFrame(columns)
    order = {r: i for i, r in enumerate(ROLES)}
    if len(allocations):
        allocations = allocations.assign(_r=allocations["role"].map(order)).sort_values(["code", "_r"])
        allocations = allocations.drop(columns="_r").reset_index(drop=True)
    added = {
        r: np.bincount(p.pair_h, weights=np.where(p.pair_role == r, counts, 0.0), minlength=len(p.codes)) for r in ROLES
    }
    spent = np.bincount(p.pair_h, weights=cost, minlength=len(p.codes))
    everyone = sum(added.values())
    with np.errstate(divide="ignore", invalid="ignore"):
        rpw_before = np.where(p.workers > 0, p.people / p.workers, np.nan)
        rpw_after = np.where(h_workers_after > 0, p.people / h_workers_after, np.nan)
        per10k_before = np.where(p.people > 0, 10_000 * p.workers / p.people, np.nan)
        per10k_after = np.where(p.people > 0, 10_000 * h_workers_after / p.people, np.nan)
        wisn_before = np.where(p.wisn_required > 0, p.workers / p.wisn_required, np.nan)
        wisn_after = np.where(p.wisn_required > 0, h_workers_after / p.wisn_required, np.nan)
    community = h_workers_after - p.workers
    hromadas = pd.DataFrame(
        {
            "code": p.codes,
            "oblast_code": p.oblasts,
            "status": p.status,
            "people": p.people,
            "residents_only": base["residents_only"].to_numpy(dtype=bool),
            "positions": everyone.astype(int),
            "vacancies_filled": np.bincount(p.pair_h, weights=vac.astype(float), minlength=len(p.codes)).astype(int),
            "cost": spent,
            **{f"{r}_positions": added[r].astype(int) for r in ROLES},
            "workers_before": p.workers,
            "workers_after": h_workers_after,
            "psychologists_before": base["psychologists"].to_numpy(dtype=float),
            "psychologists_after": base["psychologists"].to_numpy(dtype=float) + added["psychologist"],
            "workers_per_10k_before": per10k_before,
            "workers_per_10k_after": per10k_after,
            "people_per_worker_before": rpw_before,
            "people_per_worker_after": rpw_after,
            "ratio_before": ratio_before,
            "ratio_after": ratio_after,
            "gap_fte_before": base["gap_fte"].to_numpy(dtype=float),
            "gap_fte_after": base["gap_fte"].to_numpy(dtype=float) - community,
            "total_gap_fte_before": base["total_gap_fte"].to_numpy(dtype=float),
            "total_gap_fte_after": base["total_gap_fte"].to_numpy(dtype=float) - everyone,
            "wisn_ratio_before": wisn_before,
            "wisn_ratio_after": wisn_after,
        }
    )
    return allocations, hromadas, tuple(float(np.sum(year)) for year in by_year)


# -- the public function ---------------------------------------------------------------
def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float, np.number)) and math.isfinite(value)


def allocate(
    hromadas: pd.DataFrame,
    units: pd.DataFrame,
    assumptions: Assumptions,
    budget: float,
    objective: str = "coverage",
    *,
    equity_measure: str = "norm",
    served: str = "people",
    roles: Sequence[str] | None = None,
    min_one_worker: bool = False,
    oblast_budget_caps: Mapping[str, float] | None = None,
    oblast_position_caps: Mapping[str, float] | None = None,
    unknown_idp: str = "residents_only",
    exclude_statuses: Sequence[str] = ("occupied",),
    time_limit: float = 30.0,
) -> Allocation:
    """Fund positions for a programme budget of ``budget`` UAH, exactly (MILP) and greedily.

    Parameters
    ----------
    hromadas, units
        The hromadas table (with ``territorial_status`` where a status list
        is loaded) and the admin-unit table of a dataset.
    assumptions
        Norms, annual position costs (national and per oblast), WISN and the
        ``[funding]`` parameters (years, hand-over, one-off costs, vacancies,
        share caps).
    budget
        UAH for the whole programme (``assumptions.funding.years`` years), >= 0.
    objective
        ``"coverage"``, ``"equity"`` or ``"lifted"`` (see the module docstring).
    equity_measure
        ``"norm"`` (workers / required by the norm) or ``"wisn"`` (the WISN ratio).
    served
        ``"people"`` (residents + weighted IDPs) or ``"children"`` (the
        children's norm); hromadas without the figure are left out.
    roles
        Roles that may be funded (default: all).
    min_one_worker
        Every hromada planned for without a community social worker gets one.
    oblast_budget_caps, oblast_position_caps
        Most UAH, or most positions, per oblast (KATOTTG oblast code).
    unknown_idp
        ``"residents_only"`` (default: need from residents where IDPs are
        unknown, a lower bound) or ``"exclude"``.
    exclude_statuses
        Territorial statuses left out of the plan (default: occupied; pass
        ``()`` to include occupied hromadas, ``("occupied", "hostilities")``
        to leave out both).
    time_limit
        Wall-clock seconds for the whole solve (greedy baseline, LP
        relaxations and MILP stages share it); on time-out the better of the
        best plan found and the greedy plan is returned (status
        ``"time_limit"``, ``mip_gap`` how far from optimal it may be).

    Returns
    -------
    :class:`Allocation`. Trivial or impossible inputs return an answer with a
    status and a message; invalid arguments raise ``ValueError`` naming the
    argument.

    Notes
    -----
    Per pair (h, r): required R = norm x people / 10,000 (the larger of the
    people and children norms, see ``hromada_planning_base``; with
    ``served="children"`` the children's norm alone), filled w, vacant
    approved posts V = floor(approved - filled).

    - value of the j-th position (j = 1 ... ceil(R - w)): people x
      (u(min(1, (w + j) / R)) - u(min(1, (w + j - 1) / R))), u(c) = c (2 - c),
      rounded to 0.001 person
    - cost of the j-th position: recruitment if j <= V (a vacant post,
      filled first), else recruitment + one-off items + annual cost x sum
      over years y = 1..Y of max(0, 1 - handover_share x (y - 1))
    - cost in year 1 = recruitment x (vacancies + new posts) + one-off items
      x new posts + annual x new posts; year y > 1 = annual x new posts x
      the donor's share of that year
    - constraints: sum of cost <= budget; per oblast sum of cost <= cap and
      positions <= cap; positions of h <= max_hromada_share x all positions
      (one is always allowed where a worker is required); positions of role
      r <= max_role_share[r] x all positions; min_one_worker: community
      positions >= 1 where workers = 0
    - coverage: maximise the sum of values; equity: find the largest level t
      (<= 1) such that ceil(t x required_h - workers_h) community positions
      in every planned hromada fit the budget (bisection over the levels
      (workers + n) / required), then maximise the sum of values with those
      floors; lifted: maximise the number of hromadas with no community
      worker that get one (binary z_h <= community positions of h), then
      the sum of values with that number held
    - ties: a bonus below 0.4 thousandths of a person per position, in the
      order largest total gap first, then code, then position, then role;
      a pair's positions are always its first ones (vacancies first)

    Greedy baseline: coverage takes the next position with the most value
    per UAH while it fits; equity adds the cheapest community position to
    the hromada with the lowest ratio while it fits, then spends the rest as
    coverage does; lifted gives one community position to hromadas with none
    in the order of the tie rule, then as coverage. The exact plan is never
    worse than greedy: if the solver runs out of time, the better is returned.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    if equity_measure not in EQUITY_MEASURES:
        raise ValueError(f"equity_measure must be one of {', '.join(EQUITY_MEASURES)}, got {equity_measure!r}")
    if served not in SERVED:
        raise ValueError(f"served must be one of {', '.join(SERVED)}, got {served!r}")
    if unknown_idp not in ("residents_only", "exclude"):
        raise ValueError(f"unknown_idp must be 'residents_only' or 'exclude', got {unknown_idp!r}")
    if not _number(budget) or budget < 0:
        raise ValueError(f"budget must be a number of UAH >= 0, got {budget!r}")
    if not _number(time_limit) or time_limit <= 0:
        raise ValueError(f"time_limit must be a number of seconds > 0, got {time_limit!r}")
    roles = tuple(ROLES if roles is None else roles)
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValueError(f"roles must be among {', '.join(ROLES)}, got {list(roles)!r}")
    if objective in ("equity", "lifted") and not set(roles) & set(COMMUNITY_ROLES):
        raise ValueError(f"roles: the {objective} objective needs at least one community social worker role")
    statuses = ("occupied", "hostilities", "deoccupied", "none")
    if any(s not in statuses for s in exclude_statuses):
        raise ValueError(f"exclude_statuses must be among {', '.join(statuses)}, got {list(exclude_statuses)!r}")
    caps = {}
    for name, mapping in (("oblast_budget_caps", oblast_budget_caps), ("oblast_position_caps", oblast_position_caps)):
        caps[name] = dict(mapping or {})
        for code, value in caps[name].items():
            if not _number(value) or value < 0:
                raise ValueError(f"{name}[{code!r}] must be a number >= 0, got {value!r}")
    clock = _Clock(float(time_limit))
    measure = equity_measure
    p, base, excluded, residents_only, excluded_status = _problem(
        hromadas,
        units,
        assumptions,
        float(budget),
        roles,
        objective,
        measure,
        served,
        min_one_worker,
        caps["oblast_budget_caps"],
        caps["oblast_position_caps"],
        unknown_idp,
        tuple(exclude_statuses),
        assumptions.funding.fill_vacancies,
    )
    notes = [("left_out_status", {"count": n, "status": s}) for s, n in excluded_status.items()]
    if excluded:
        notes.append((f"left_out_{'children' if served == 'children' else 'population'}", {"count": excluded}))
    if residents_only:
        notes.append(("residents_only", {"count": residents_only}))
    if "base_fallback" in base and served == "people":
        fell = base.loc[base["base_fallback"] == "no_idp", "oblast_code"]
        if len(fell):
            oblasts = ", ".join(sorted({str(o)[:4] for o in fell}))
            notes.append(("no_idp_base", {"count": len(fell), "oblasts": oblasts}))
    hostile = int(np.sum(p.status == "hostilities"))
    if hostile:
        notes.append(("hostilities", {"count": hostile}))

    ready: list = []  # the greedy plan's allocations, when made before the solve

    def answer(status: str, message: tuple[str, dict], y=None, gy=None, gap: float | None = None) -> Allocation:
        y0 = np.zeros(len(p.seg_pair))
        ys = y0 if y is None else y
        gs = y0 if gy is None else gy
        v, gv = _measures(p, ys, measure), _measures(p, gs, measure)
        level = v["lowest"] if objective == "equity" else math.nan
        allocations, table, by_year = _tables(p, base, ys, assumptions, served, measure, level)
        if gy is not None and ready:  # made before the solve (see below)
            greedy_allocations = ready[0]
        else:
            greedy_allocations, _, _ = _tables(p, base, gs, assumptions, served, measure, level)
        return Allocation(
            status=status,
            message=message,
            objective=objective,
            equity_measure=measure if objective == "equity" else None,
            objective_sense="max",
            objective_value=_headline(v, objective),
            greedy_objective_value=_headline(gv, objective) if gy is not None or y is None else None,
            budget=float(budget),
            spent=float(np.sum(ys * p.seg_cost)),
            positions=int(np.sum(ys)),
            greedy_spent=float(np.sum(gs * p.seg_cost)),
            greedy_positions=int(np.sum(gs)),
            allocations=allocations,
            greedy_allocations=greedy_allocations,
            hromadas=table,
            without_worker_after=v["zero"],
            excluded=excluded,
            residents_only=residents_only,
            seconds=time.perf_counter() - clock.started,
            notes=tuple(notes),
            stopped_early=status == "time_limit",
            mip_gap=0.0 if status == "optimal" and y is not None else gap,
            served=served,
            people_served=v["served"],
            greedy_people_served=gv["served"],
            vacancies_filled=int(np.sum(ys * p.seg_vacancy)),
            new_posts=int(np.sum(ys * ~p.seg_vacancy)),
            cost_by_year=by_year,
            excluded_status=excluded_status,
            years=assumptions.funding.years,
        )

    if len(p.codes) == 0:
        return answer("no_data", ("no_data", {}))
    if p.forced.any():
        by_h = _cheapest_community(p)
        unreachable = [h for h in np.flatnonzero(p.forced) if int(h) not in by_h]
        forced = int(p.forced.sum())
        if unreachable:
            return answer("infeasible", ("infeasible_unreachable", {"unreachable": len(unreachable), "forced": forced}))
        least = _fill_cost(p, np.where(p.forced, 1.0, 0.0), by_h) or 0.0
        if least > budget + 1e-6:
            said = {"forced": forced, "least": float(least), "budget": float(budget)}
            return answer("infeasible", ("infeasible_budget", said))
    if budget <= 0:
        return answer("no_budget", ("no_budget", {}))
    if len(p.seg_pair) == 0:
        return answer("no_gap", ("no_gap", {}))

    greedy_y = _greedy(p, objective, measure)
    if greedy_y is not None:
        # the greedy plan's tables now, timed: the exact plan's, made after the solve, take as long, and that
        # time is kept off the solver's (equity's name the level the exact plan reaches: made again after it)
        started = time.perf_counter()
        made = _tables(p, base, greedy_y, assumptions, served, measure, math.nan)[0]
        if objective != "equity":
            ready.append(made)
        clock.reserve = (2.0 if objective == "equity" else 1.0) * (time.perf_counter() - started)
    exact_y, status = _exact(p, objective, measure, clock)
    gap = clock.gap()
    if exact_y is None and status == "infeasible":
        return answer("infeasible", ("infeasible_caps", {}))
    if exact_y is None or (
        greedy_y is not None
        and _key(_measures(p, greedy_y, measure), objective) > _key(_measures(p, exact_y, measure), objective)
    ):
        if greedy_y is None:
            return answer("time_limit", ("no_solution", {}))
        exact_y = greedy_y.copy()
        if status != "optimal":
            gap = None
    if status == "optimal":
        message = ("optimal", {})
    else:
        message = ("time_limit", {}) if gap is None else ("time_limit_gap", {"gap": float(gap)})
    return answer(status, message, exact_y, greedy_y, gap)
