"""Change between two periods and trends over periods, from the one producer's tables of each period.

Nothing here recomputes a measure: each period's tables come from
:func:`metrics.compute_tables` of that period's data, and a change is the
difference of two periods' measures of the same unit. A ratio (workers per
10,000) is therefore computed from the sums of each period first
(10,000 x workers / population of that period) and only then differenced;
ratios are never averaged over periods or units.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["CHANGE_MEASURES", "TREND_MEASURES", "change_between", "no_change", "trend_table"]

#: Change metric -> the measure whose change it is.
CHANGE_MEASURES: dict[str, str] = {
    "delta_workers": "workers",
    "delta_workers_per_10k": "workers_per_10k",
    "delta_gap_fte": "gap_fte",
    "delta_idp": "idp",
}

#: Measures a trend follows (``gap_per_10k`` is derived from ``gap_fte`` and ``population`` of each period).
TREND_MEASURES = (
    "workers",
    "workers_per_10k",
    "workers_per_10k_incl_idp",
    "residents_per_worker",
    "gap_fte",
    "gap_per_10k",
    "population",
    "idp",
)


def _measure(table: pd.DataFrame, name: str) -> pd.Series:
    if name == "gap_per_10k" and name not in table:
        population = table["population"].astype(float)
        return 10_000 * table["gap_fte"].astype(float) / population.where(population > 0)
    return table[name].astype(float) if name in table else pd.Series(np.nan, index=table.index)


def change_between(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Per unit ``code`` of ``after``: the change of each :data:`CHANGE_MEASURES` measure since ``before``.

    Parameters
    ----------
    before, after
        The measures of one level (``AtlasTables.level(level)``) of the two
        periods, each from its own period's data.

    Returns
    -------
    DataFrame
        ``code`` (in ``after``'s order) and one column per change metric.

    Notes
    -----
    For a unit u and a measure m: Δm(u) = m_after(u) - m_before(u), where

    - Δ workers = workers_after - workers_before (filled positions, summed over the unit's hromadas);
    - Δ workers per 10,000 = 10,000 x workers_after / population_after
      - 10,000 x workers_before / population_before (each ratio from that period's sums);
    - Δ gap = gap_fte_after - gap_fte_before (positions short of the norm, each period's);
    - Δ IDPs = idp_after - idp_before.

    Δm is NaN ("no data") when either period lacks m for the unit (or the
    unit itself), never 0.
    """
    old = before.drop_duplicates("code").set_index("code")
    out = pd.DataFrame({"code": after["code"].to_numpy()})
    for metric, measure in CHANGE_MEASURES.items():
        now = _measure(after, measure).to_numpy()
        was = _measure(old, measure).reindex(after["code"]).to_numpy()
        out[metric] = now - was  # NaN when either is NaN
    return out


def no_change(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every change metric present and unknown (NaN): no second period to compare with."""
    return table.assign(**{metric: np.nan for metric in CHANGE_MEASURES})


def trend_table(levels_by_period: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per period and unit: the :data:`TREND_MEASURES` of each period's own tables.

    Parameters
    ----------
    levels_by_period
        Period label (oldest first) -> the measures of one or more levels
        of that period (rows with ``code``).

    Notes
    -----
    Each value is the period's measure as the producer gave it (ratios
    from that period's sums); gap per 10,000 = 10,000 x gap_fte /
    population of the period (NaN when the population is unknown or 0).
    """
    frames = []
    for order, (period, table) in enumerate(levels_by_period.items()):
        frame = pd.DataFrame({"period": period, "order": order, "code": table["code"].to_numpy()})
        for name in TREND_MEASURES:
            frame[name] = _measure(table, name).to_numpy()
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["period", "order", "code", *TREND_MEASURES])
    return pd.concat(frames, ignore_index=True)
