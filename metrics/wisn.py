"""Workload-based staffing need: WHO WISN adapted to the case types of a hromada.

WISN (Workload Indicators of Staffing Need, WHO 2010, revised 2016) turns a
yearly workload into the staff needed to do it, per staff category with its
own activity standards. The categories are the roles (:func:`wisn_by_role`):
social work specialists (families in difficult life circumstances, СЖО, and
low-income families with children), social workers (home-care recipients)
and psychologists; each case type's count is a yearly flow or a stock of
open cases with an average duration; support activities each take their own
share of working time (CAS) and additional activities their hours per person
(IAS). Community figures add the specialists' and social workers' need; the
shortfall is summed over roles and hromadas, never netted.

Without categories (the earlier single-cadre form) the community social
workers are one category (:func:`wisn_required_staff`).

Pure functions: no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.schema import COMMUNITY_ROLES, ROLES

from .assumptions import WisnCategory, WisnParameters
from .coverage import safe_divide

__all__ = [
    "WISN_ROLE_MEASURES",
    "WisnFactors",
    "category_factors",
    "wisn_by_role",
    "wisn_factors",
    "wisn_required_staff",
]

#: Per-role WISN columns (``{role}_{measure}``) of :func:`wisn_by_role`.
WISN_ROLE_MEASURES = ("wisn_workload_hours", "wisn_required", "wisn_difference", "wisn_ratio", "wisn_shortfall")


@dataclass(frozen=True)
class WisnFactors:
    """The constants of a WISN calculation.

    Attributes
    ----------
    available_working_time
        AWT, hours per worker per year.
    standard_workloads
        ``(case column, cases one worker can handle per year)`` per case type.
    category_allowance_factor
        CAF, a multiplier (>= 1).
    individual_allowance_factor
        IAF, full-time positions per hromada.
    """

    available_working_time: float
    standard_workloads: tuple[tuple[str, float], ...]
    category_allowance_factor: float
    individual_allowance_factor: float


def wisn_factors(params: WisnParameters) -> WisnFactors:
    """AWT, standard workloads, CAF and IAF of a set of WISN parameters.

    Notes
    -----
    - AWT = (working days - public holidays - annual leave - sick days -
      training days) x hours per day  [hours per year]
    - standard workload of a case type = AWT / hours per case  [cases per worker per year]
    - CAF = 1 / (1 - support share)  (category allowance factor)
    - IAF = sum over individual allowances of (staff x hours per year) / AWT
      [positions per hromada]  (individual allowance factor)

    Examples
    --------
    The defaults: AWT = (260 - 0 - 17 - 8 - 5) x 8 = 1,840 h; a family in
    difficult life circumstances takes 40 h a year, so one worker can carry
    1,840 / 40 = 46 of them; CAF = 1 / (1 - 0.2) = 1.25; IAF = 1 x 96 / 1,840
    = 0.0522.
    """
    awt = params.available_days * params.hours_per_day
    standard = tuple((c.column, awt / c.hours_per_case) for c in params.case_types)
    caf = 1.0 / (1.0 - params.support_share)
    iaf = sum(a.staff * a.hours_per_year for a in params.individual_allowances) / awt
    return WisnFactors(awt, standard, caf, iaf)


def wisn_required_staff(cases: pd.DataFrame, actual: pd.Series, params: WisnParameters) -> pd.DataFrame:
    """Workload, required staff, WISN difference and ratio per row (hromada).

    Parameters
    ----------
    cases
        One row per hromada with a column of yearly case counts for each
        case type of ``params`` (a missing column is unknown: NaN).
    actual
        Community social workers in post (filled positions), aligned with ``cases``.
    params
        WISN parameters.

    Returns
    -------
    DataFrame aligned with ``cases``: ``wisn_workload_hours``,
    ``wisn_case_fte``, ``wisn_required``, ``wisn_difference``, ``wisn_ratio``.

    Notes
    -----
    - wisn_workload_hours = sum over case types of cases x hours per case
    - wisn_case_fte = sum over case types of cases / standard workload
      (= wisn_workload_hours / AWT)
    - wisn_required = wisn_case_fte x CAF + IAF  (required staff)
    - wisn_difference = actual - wisn_required  (negative: shortage)
    - wisn_ratio = actual / wisn_required  (below 1: shortage)

    A hromada with any case count unknown has an unknown workload (NaN).
    """
    factors = wisn_factors(params)
    hours = pd.Series(0.0, index=cases.index)
    fte = pd.Series(0.0, index=cases.index)
    for case, standard in factors.standard_workloads:
        count = pd.to_numeric(cases[case], errors="coerce") if case in cases else pd.Series(np.nan, index=cases.index)
        hours = hours + count.astype(float) * (factors.available_working_time / standard)
        fte = fte + count.astype(float) / standard
    required = fte * factors.category_allowance_factor + factors.individual_allowance_factor
    actual = pd.to_numeric(actual, errors="coerce").astype(float)
    return pd.DataFrame(
        {
            "wisn_workload_hours": hours,
            "wisn_case_fte": fte,
            "wisn_required": required,
            "wisn_difference": actual - required,
            "wisn_ratio": safe_divide(actual, required),
        },
        index=cases.index,
    )


def category_factors(params: WisnParameters, category: WisnCategory) -> WisnFactors:
    """AWT, standard workloads, CAF and IAF of one staff category.

    Notes
    -----
    - AWT as in :func:`wisn_factors` (common to every category)
    - standard workload of a case type = AWT / hours per case  [cases per worker per year]
    - CAF = 1 / (1 - sum of the category's support shares (CAS))
    - IAF = sum of its additional activities' staff x hours per year / AWT (IAS)

    Examples
    --------
    Default social work specialists: families in difficult life circumstances
    take 24 h per episode, so 1,840 / 24 = 76.7 episodes a worker a year;
    CAF = 1 / (1 - 0.10 - 0.05 - 0.05) = 1.25; IAF = 1 x 96 / 1,840 = 0.052.
    """
    awt = params.available_days * params.hours_per_day
    standard = tuple((c.column, awt / c.hours_per_case) for c in category.case_types)
    caf = 1.0 / (1.0 - category.support_share)
    iaf = sum(a.staff * a.hours_per_year for a in category.additional) / awt
    return WisnFactors(awt, standard, caf, iaf)


def _count(cases: pd.DataFrame, column: str) -> pd.Series:
    if column not in cases:
        return pd.Series(np.nan, index=cases.index, dtype=float)
    return pd.to_numeric(cases[column], errors="coerce").astype(float)


def wisn_by_role(
    cases: pd.DataFrame, filled: dict[str, pd.Series], params: WisnParameters, workers: pd.Series | None = None
) -> pd.DataFrame:
    """WISN per staff category (role) and for the community social workers, per row (hromada).

    Parameters
    ----------
    cases
        One row per hromada with a column for each case type of the categories
        (a missing column is unknown: NaN).
    filled
        Role -> filled positions (staff in post), aligned with ``cases``.
    params
        WISN parameters with ``categories``.
    workers
        Community social workers in post (default: the sum of the two community roles in ``filled``).

    Returns
    -------
    DataFrame aligned with ``cases``: ``{role}_wisn_workload_hours``,
    ``{role}_wisn_required``, ``{role}_wisn_difference``, ``{role}_wisn_ratio``,
    ``{role}_wisn_shortfall`` for each role (NaN for a role without a
    category), and the community columns ``wisn_workload_hours``,
    ``wisn_case_fte``, ``wisn_required``, ``wisn_difference``, ``wisn_ratio``,
    ``wisn_shortfall``.

    Notes
    -----
    Per category c and case type k:

    - cases a year_k = count_k for a flow; count_k x 12 / duration_months_k
      for a stock of open cases (Little's law: a stock of 50 families whose
      support lasts 6 months is 100 episodes a year)
    - workload hours_c = sum_k cases a year_k x hours per case_k
    - case FTE_c = workload hours_c / AWT
      (= sum_k cases a year_k / standard workload_k)
    - required_c = case FTE_c x CAF_c + IAF_c
    - difference_c = filled_c - required_c; ratio_c = filled_c / required_c
    - shortfall_c = max(required_c - filled_c, 0)

    Community (social work specialists + social workers):
    wisn_required = sum of the two categories' required; wisn_difference =
    workers - wisn_required; wisn_ratio = workers / wisn_required;
    wisn_shortfall = sum of the two categories' shortfalls (a surplus of one
    role never offsets a shortage of the other). A category with any case
    count unknown has an unknown workload; a community figure with an
    unknown part is unknown.
    """
    out = pd.DataFrame(index=cases.index)
    awt = params.available_days * params.hours_per_day
    for role in ROLES:
        category = params.category(role)
        staff = pd.to_numeric(filled.get(role, pd.Series(np.nan, index=cases.index)), errors="coerce").astype(float)
        if category is None:
            for measure in WISN_ROLE_MEASURES:
                out[f"{role}_{measure}"] = np.nan
            continue
        f = category_factors(params, category)
        hours = pd.Series(0.0, index=cases.index)
        for case in category.case_types:
            hours = hours + _count(cases, case.column) * case.cases_a_year_per_count * case.hours_per_case
        required = hours / awt * f.category_allowance_factor + f.individual_allowance_factor
        out[f"{role}_wisn_workload_hours"] = hours
        out[f"{role}_wisn_required"] = required
        out[f"{role}_wisn_difference"] = staff - required
        out[f"{role}_wisn_ratio"] = safe_divide(staff, required)
        out[f"{role}_wisn_shortfall"] = (required - staff).clip(lower=0)
    community = list(COMMUNITY_ROLES)
    if workers is None:
        workers = sum(pd.to_numeric(filled.get(r), errors="coerce").astype(float) for r in community)
    workers = pd.to_numeric(workers, errors="coerce").astype(float)
    out["wisn_workload_hours"] = out[[f"{r}_wisn_workload_hours" for r in community]].sum(axis=1, skipna=False)
    out["wisn_case_fte"] = out["wisn_workload_hours"] / awt
    out["wisn_required"] = out[[f"{r}_wisn_required" for r in community]].sum(axis=1, skipna=False)
    out["wisn_difference"] = workers - out["wisn_required"]
    out["wisn_ratio"] = safe_divide(workers, out["wisn_required"])
    out["wisn_shortfall"] = out[[f"{r}_wisn_shortfall" for r in community]].sum(axis=1, skipna=False)
    return out
