"""Workload-based staffing need: WHO WISN adapted to the case types of a hromada.

WISN (Workload Indicators of Staffing Need, WHO 2010, revised 2016) turns a
yearly workload into the staff needed to do it. Here the staff category is
the community social workers (social work specialists + social workers) and
the workload is the number of cases of each type per year (families in
difficult life circumstances, СЖО; low-income families with children).

Pure functions: no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .assumptions import WisnParameters
from .coverage import safe_divide

__all__ = ["WisnFactors", "wisn_factors", "wisn_required_staff"]


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
