"""Workforce coverage and the gap to a staffing norm, per unit and aggregated.

Pure functions on DataFrames: they never change their inputs, read no files
and import nothing from Dash or plotly.

Missing data and division by zero
---------------------------------
A figure that is not known is NaN ("no data"), never 0. A ratio whose
denominator is 0 or unknown is NaN, never infinity.

Aggregation
-----------
Raion, oblast and national figures are computed from sums, never by
averaging hromada ratios. A ratio ``a / b`` at an aggregate level is
``sum(a) / sum(b)`` over the member units where *both* ``a`` and ``b`` are
known, so a hromada without IDP data does not lower a ratio that counts IDPs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.schema import COMMUNITY_ROLES, LEVELS

__all__ = [
    "COMMUNITY_ROLES",
    "StaffingNorm",
    "safe_divide",
    "hromada_base",
    "unit_measures",
    "MEASURES",
]


#: Measures computed by :func:`unit_measures`: the ratios need numerator and
#: denominator known for the same units.
MEASURES = (
    "population",
    "idp",
    "workers",
    "psychologists",
    "approved_positions",
    "workers_per_10k",
    "workers_per_10k_incl_idp",
    "residents_per_worker",
    "required_fte",
    "gap_fte",
    "vacancy_rate",
)


@dataclass(frozen=True)
class StaffingNorm:
    """A staffing norm: a planning assumption, not a legal standard.

    Attributes
    ----------
    workers_per_10k
        Community social workers (specialists and social workers) needed per
        10,000 residents.
    idp_weight
        How much one IDP counts as a resident when computing need (1.0: the
        same; 0.5: half).
    """

    workers_per_10k: float = 2.0
    idp_weight: float = 1.0

    def __post_init__(self) -> None:
        if not np.isfinite(self.workers_per_10k) or self.workers_per_10k < 0:
            raise ValueError(f"norm 'workers_per_10k' must be a number >= 0, got {self.workers_per_10k!r}")
        if not np.isfinite(self.idp_weight) or self.idp_weight < 0:
            raise ValueError(f"norm 'idp_weight' must be a number >= 0, got {self.idp_weight!r}")


def safe_divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``numerator / denominator``, NaN where the denominator is 0 or unknown."""
    num = pd.to_numeric(numerator, errors="coerce").astype(float)
    den = pd.to_numeric(denominator, errors="coerce").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den.where(den > 0)
    return out.where(np.isfinite(out))


def _sum_known(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Row sum of ``columns``; NaN when all of them are unknown."""
    return frame[columns].sum(axis=1, min_count=1)


def hromada_base(hromadas: pd.DataFrame, norm: StaffingNorm) -> pd.DataFrame:
    """Counts per hromada that the ratios are built from.

    Notes
    -----
    - ``workers`` = filled positions of social work specialists + social workers
    - ``approved_positions`` = approved positions of the same roles
    - ``psychologists`` = filled psychologist positions
    - ``population_incl_idp`` = population + idp_weight x IDPs (unknown if
      either is unknown)
    - ``required_fte`` = workers_per_10k x population_incl_idp / 10,000
    """
    out = hromadas.copy()
    out["workers"] = _sum_known(out, [f"{r}_filled" for r in COMMUNITY_ROLES])
    out["approved_positions"] = _sum_known(out, [f"{r}_approved" for r in COMMUNITY_ROLES])
    out["psychologists"] = out["psychologist_filled"].astype(float)
    out["population_incl_idp"] = out["population"] + norm.idp_weight * out["idp"]
    out["required_fte"] = norm.workers_per_10k * out["population_incl_idp"] / 10_000
    return out


def _group_key(base: pd.DataFrame, units: pd.DataFrame, level: str) -> pd.Series:
    parents = units.loc[units["level"] == "hromada", ["code", "oblast_code", "raion_code"]].drop_duplicates("code")
    joined = base[["code"]].merge(parents, on="code", how="left")
    if level == "hromada":
        key = joined["code"]
    elif level == "raion":
        # Kyiv city has no raion: it stands for itself at the raion level.
        key = joined["raion_code"].fillna(joined["oblast_code"])
    elif level == "oblast":
        key = joined["oblast_code"]
    elif level == "country":
        key = pd.Series("UA", index=joined.index)
    else:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    return pd.Series(key.to_numpy(), index=base.index, name="code")


def _paired_sums(base: pd.DataFrame, key: pd.Series, num: str, den: str) -> tuple[pd.Series, pd.Series]:
    both = base[num].notna() & base[den].notna()
    sums = pd.DataFrame({"num": base[num].where(both), "den": base[den].where(both), "key": key})
    grouped = sums.groupby("key", sort=False)
    return grouped["num"].sum(min_count=1), grouped["den"].sum(min_count=1)


def unit_measures(hromadas: pd.DataFrame, units: pd.DataFrame, level: str, norm) -> pd.DataFrame:
    """Coverage and gap measures per unit of ``level``.

    Parameters
    ----------
    hromadas
        One row per hromada-level unit with ``code``, ``population``, ``idp``,
        ``idp_estimated`` and ``{role}_approved`` / ``{role}_filled``.
    units
        The admin-unit table (for the parents of each hromada).
    level
        ``"hromada"``, ``"raion"``, ``"oblast"`` or ``"country"``.
    norm
        The staffing norm (:class:`StaffingNorm`), or the full planning
        assumptions (:class:`~metrics.assumptions.Assumptions`): then the
        measures are those of :func:`~metrics.planning.planning_measures`
        (the same values when no children figures are given).

    Returns
    -------
    DataFrame indexed by nothing, with ``code`` and :data:`MEASURES`, plus
    ``idp_estimated`` (True if any IDP figure in the unit was estimated by
    disaggregation) and ``hromadas`` (number of hromada-level units).

    Notes
    -----
    Counts are sums over member hromadas of the known values (NaN when none
    is known). For every ratio, numerator and denominator are summed over the
    members where both are known:

    - workers_per_10k = 10,000 x workers / population
    - workers_per_10k_incl_idp = 10,000 x workers / (population + idp_weight x IDPs)
    - residents_per_worker = population / workers
    - required_fte = workers_per_10k_norm x (population + idp_weight x IDPs) / 10,000
    - gap_fte = required_fte - workers (positive: positions missing; negative: above the norm)
    - vacancy_rate = 1 - filled / approved (community social worker positions)

    A zero or unknown denominator gives NaN.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if not isinstance(norm, StaffingNorm):
        from .assumptions import Assumptions
        from .planning import planning_measures

        if not isinstance(norm, Assumptions):
            raise TypeError(f"norm must be a StaffingNorm or Assumptions, got {type(norm).__name__}")
        return planning_measures(hromadas, units, level, norm)[["code", *MEASURES, "hromadas", "idp_estimated"]]
    base = hromada_base(hromadas, norm)
    key = _group_key(base, units, level)
    grouped = base.assign(_key=key).groupby("_key", sort=False)
    out = pd.DataFrame(
        {
            column: grouped[column].sum(min_count=1)
            for column in ("population", "idp", "workers", "psychologists", "approved_positions")
        }
    )
    out["hromadas"] = grouped["code"].count()
    out["idp_estimated"] = grouped["idp_estimated"].any()

    num, den = _paired_sums(base, key, "workers", "population")
    out["workers_per_10k"] = 10_000 * safe_divide(num, den)
    num, den = _paired_sums(base, key, "workers", "population_incl_idp")
    out["workers_per_10k_incl_idp"] = 10_000 * safe_divide(num, den)
    num, den = _paired_sums(base, key, "population", "workers")
    out["residents_per_worker"] = safe_divide(num, den)
    required, workers = _paired_sums(base, key, "required_fte", "workers")
    out["required_fte"] = grouped["required_fte"].sum(min_count=1)
    out["gap_fte"] = required - workers
    filled, approved = _paired_sums(base, key, "workers", "approved_positions")
    out["vacancy_rate"] = 1 - safe_divide(filled, approved)
    out.index.name = "code"
    return out.reset_index()[["code", *MEASURES, "hromadas", "idp_estimated"]]
