"""Scenarios: planning assumptions plus changes to the inputs, compared side by side.

A :class:`Scenario` is a set of :class:`~metrics.assumptions.Assumptions`
(for a different norm, IDP weight or WISN standard) plus changes to the
hromadas table: IDPs up or down by oblast (in percent or in people) and new
or lost positions in a hromada. Pure functions: the input tables are never
changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .assumptions import ROLES, Assumptions
from .planning import planning_measures

__all__ = [
    "COMPARED_MEASURES",
    "IdpChange",
    "PositionChange",
    "Scenario",
    "apply_scenario",
    "scenario_measures",
    "compare_scenarios",
]

#: Measures :func:`compare_scenarios` shows by default.
COMPARED_MEASURES = (
    "idp",
    "population_incl_idp",
    "workers",
    "psychologists",
    "workers_per_10k_incl_idp",
    "residents_incl_idp_per_worker",
    "required_fte",
    "gap_fte",
    "gap_pct",
    "total_gap_fte",
    "wisn_required",
    "wisn_ratio",
)

COUNTRY = "UA"


@dataclass(frozen=True)
class IdpChange:
    """IDPs of an oblast (or of all of Ukraine, ``area="UA"``) up or down.

    Attributes
    ----------
    area
        KATOTTG code of an oblast, or ``"UA"`` for every oblast.
    percent
        Change in percent of each hromada's IDPs (+20: a fifth more; -100: none).
    absolute
        People added (or removed, if negative) in the area as a whole, spread
        over its hromadas in proportion to their IDPs (to their residents if
        the area has no IDPs yet). Applied after ``percent``.
    """

    area: str
    percent: float = 0.0
    absolute: float = 0.0

    def __post_init__(self) -> None:
        if not (isinstance(self.percent, (int, float)) and math.isfinite(self.percent) and self.percent >= -100):
            raise ValueError(f"idp change {self.area}: percent must be a number >= -100, got {self.percent!r}")
        if not (isinstance(self.absolute, (int, float)) and math.isfinite(self.absolute)):
            raise ValueError(f"idp change {self.area}: absolute must be a number, got {self.absolute!r}")


@dataclass(frozen=True)
class PositionChange:
    """New (positive) or lost (negative) positions of one role in one hromada.

    Attributes
    ----------
    code
        KATOTTG code of the hromada.
    role
        One of ``ROLES``.
    filled
        Change in filled positions (workers in post).
    approved
        Change in approved positions; None: the same as ``filled`` (a new
        post is approved and filled; a lost post is abolished).
    """

    code: str
    role: str
    filled: float
    approved: float | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"position change {self.code}: role must be one of {', '.join(ROLES)}, got {self.role!r}")
        for name in ("filled", "approved"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value)):
                raise ValueError(f"position change {self.code} {self.role}: {name} must be a number, got {value!r}")


@dataclass(frozen=True)
class Scenario:
    """Assumptions plus changes to the inputs; applied in order (IDP changes, then positions)."""

    name: str = "baseline"
    assumptions: Assumptions = field(default_factory=Assumptions)
    idp_changes: tuple[IdpChange, ...] = ()
    position_changes: tuple[PositionChange, ...] = ()


def apply_scenario(hromadas: pd.DataFrame, units: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The hromadas table with the scenario's input changes applied (a new table).

    Notes
    -----
    For each IDP change, in order, for every hromada h of the area with a
    known IDP figure:

    - idp'(h) = idp(h) x (1 + percent / 100)
    - idp''(h) = idp'(h) + absolute x idp'(h) / sum(idp') over the area
      (x residents(h) / sum(residents) if sum(idp') = 0)

    The absolute change is an estimate by disaggregation, so the hromadas it
    touches get ``idp_estimated = True``. Unknown IDP figures stay unknown.
    For each position change: filled' = filled + change, approved' =
    approved + change (or its own change).

    Raises ``ValueError`` naming the change when it cannot be applied: an
    unknown area or hromada, an area without any known IDP figure, a decrease
    larger than the IDPs there, or fewer than 0 positions.
    """
    out = hromadas.copy()
    out["idp"] = pd.to_numeric(out["idp"], errors="coerce").astype(float)
    if "idp_estimated" not in out:
        out["idp_estimated"] = False
    out["idp_estimated"] = out["idp_estimated"].astype("boolean").fillna(False).astype(bool)
    hromada_units = units[units["level"] == "hromada"].drop_duplicates("code").set_index("code")
    oblast_of = out["code"].map(hromada_units["oblast_code"])
    for i, change in enumerate(scenario.idp_changes, start=1):
        label = f"idp change {i} ({change.area})"
        area = pd.Series(True, index=out.index) if change.area == COUNTRY else oblast_of == change.area
        if not area.any():
            raise ValueError(f"{label}: no hromada in this area; expected an oblast code or 'UA'")
        known = area & out["idp"].notna()
        if not known.any():
            raise ValueError(f"{label}: no hromada of this area has a known IDP figure")
        idp = out.loc[known, "idp"] * (1 + change.percent / 100)
        if change.absolute:
            weights = idp if idp.sum() > 0 else pd.to_numeric(out.loc[known, "population"], errors="coerce").fillna(0)
            if weights.sum() <= 0:
                raise ValueError(f"{label}: no IDPs or residents to spread {change.absolute:g} people over")
            if change.absolute < 0 and -change.absolute > idp.sum() + 1e-9:
                raise ValueError(f"{label}: cannot remove {-change.absolute:g} IDPs, the area has {idp.sum():g}")
            idp = (idp + change.absolute * weights / weights.sum()).clip(lower=0)
            out.loc[known, "idp_estimated"] = True
        out.loc[known, "idp"] = idp
    index_of = pd.Series(out.index, index=out["code"])
    for i, change in enumerate(scenario.position_changes, start=1):
        label = f"position change {i} ({change.code}, {change.role})"
        if change.code not in index_of.index:
            raise ValueError(f"{label}: no such hromada in the table")
        row = index_of[change.code]
        if isinstance(row, pd.Series):
            row = row.iloc[0]
        for what, delta in (
            ("filled", change.filled),
            ("approved", change.filled if change.approved is None else change.approved),
        ):
            column = f"{change.role}_{what}"
            current = pd.to_numeric(pd.Series([out.at[row, column]]), errors="coerce").iloc[0]
            if np.isnan(current):
                raise ValueError(f"{label}: the hromada's {what} positions are not known")
            if current + delta < -1e-9:
                raise ValueError(f"{label}: would leave {current + delta:g} {what} positions (< 0)")
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
            out.at[row, column] = max(current + delta, 0.0)
    return out


def scenario_measures(hromadas: pd.DataFrame, units: pd.DataFrame, level: str, scenario: Scenario) -> pd.DataFrame:
    """:func:`~metrics.planning.planning_measures` of the scenario's inputs and assumptions."""
    return planning_measures(apply_scenario(hromadas, units, scenario), units, level, scenario.assumptions)


def compare_scenarios(
    hromadas: pd.DataFrame,
    units: pd.DataFrame,
    level: str,
    before: Scenario,
    after: Scenario,
    measures: tuple[str, ...] | list[str] = COMPARED_MEASURES,
) -> pd.DataFrame:
    """Two scenarios side by side per unit: ``<m>_before``, ``<m>_after``, ``<m>_change``.

    Notes
    -----
    change = after - before (NaN if either is unknown). Each side is computed
    in full from its own inputs and assumptions (ratios from sums), so the
    change of a ratio is the difference of two recomputed ratios.
    """
    a = scenario_measures(hromadas, units, level, before)
    b = scenario_measures(hromadas, units, level, after)
    unknown = [m for m in measures if m not in a]
    if unknown:
        raise ValueError(f"measures: unknown measure(s) {', '.join(unknown)}")
    merged = a[["code", *measures]].merge(
        b[["code", *measures]], on="code", how="outer", suffixes=("_before", "_after")
    )
    out = merged[["code"]].copy()
    for m in measures:
        out[f"{m}_before"] = merged[f"{m}_before"]
        out[f"{m}_after"] = merged[f"{m}_after"]
        out[f"{m}_change"] = merged[f"{m}_after"] - merged[f"{m}_before"]
    return out
