"""Priority index for donors: where new positions are needed most, with the reasons behind each rank.

Pure functions: no file I/O.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.text import reason_text

from .assumptions import PRIORITY_COMPONENTS, Assumptions
from .planning import planning_measures

__all__ = ["priority_components", "priority_ranking", "rank_by_priority"]


def priority_components(measures: pd.DataFrame) -> pd.DataFrame:
    """The raw value of each priority component per unit, from a :func:`planning_measures` table.

    Notes
    -----
    - gap_per_10k = 10,000 x shortfall_fte / (population + idp_weight x IDPs)
      (community positions missing per 10,000 people)
    - idp_share = IDPs / (residents + IDPs)
    - no_psychologist = share of member hromadas with no psychologist (for a
      hromada: 1 or 0)
    - caseload_per_worker = cases / community social workers; +inf where
      there are cases and no worker, so that it ranks highest (the table
      of :func:`priority_ranking` shows it as no data, with
      ``cases_without_worker`` True)
    """
    caseload = measures["caseload_per_worker"].copy()
    no_worker_with_cases = (measures["workers"] == 0) & (measures["cases"] > 0)
    caseload[no_worker_with_cases] = np.inf
    return pd.DataFrame(
        {
            "code": measures["code"],
            "gap_per_10k": measures["shortfall_per_10k"],
            "idp_share": measures["idp_share"],
            "no_psychologist": measures["share_no_psychologist"],
            "caseload_per_worker": caseload,
        }
    )


def _score(values: pd.Series, component: str) -> pd.Series:
    if component == "no_psychologist":
        return values.astype(float)
    known = values.notna()
    n = int(known.sum())
    ranks = values.rank(method="min")
    if n <= 1:
        return pd.Series(np.where(known, 0.0, np.nan), index=values.index)
    return (ranks - 1) / (n - 1)


def priority_ranking(
    hromadas: pd.DataFrame, units: pd.DataFrame, assumptions: Assumptions, level: str = "hromada"
) -> pd.DataFrame:
    """Units of ``level`` ranked by the priority index (see :func:`rank_by_priority`)."""
    return rank_by_priority(planning_measures(hromadas, units, level, assumptions), assumptions, level)


def rank_by_priority(measures: pd.DataFrame, assumptions: Assumptions, level: str = "hromada") -> pd.DataFrame:
    """Units ranked by the priority index, highest need first, with the reasons for each rank.

    Returns
    -------
    DataFrame sorted by ``rank`` (1 = highest priority; units listed apart
    last, with rank NaN): ``code``, ``rank``,
    ``priority_index`` (0 to 100), per component its value and its
    ``<component>_score`` (0 to 1), ``components_known``, ``main_reason``
    (the component that adds most) and ``reasons`` (up to three, in words,
    largest contribution first; unknown components named at the end).

    Notes
    -----
    - score of a component = share of the other ranked units with a strictly
      smaller value: (rank_min - 1) / (n - 1) among the n units where it is
      known (0 if n = 1); ``no_psychologist`` enters as its share (0 or 1 for
      a hromada)
    - priority_index = 100 x sum(w_c x score_c) / sum(w_c) over all
      components, a component with no data scoring 0 (so missing data
      never raises a rank); NaN if none is known
    - contribution of a component = 100 x w_c x score_c / sum(w_c)
    - units scored on fewer than ``priority_min_components`` components, and
      occupied hromadas, are listed apart (``listed_apart``:
      ``"not_enough_data"`` or ``"occupied"``) with rank NaN, after the ranked
    - ties are ranked by code
    - ``reason_codes``: up to three ``(code, params)`` of the components that
      add most, then ``("no_data", {"components": ...})``; ``reasons``: the
      same in English words (``core.text.reason_text``)
    """
    values = priority_components(measures)
    weights = assumptions.weights
    out = values.copy()
    components = list(PRIORITY_COMPONENTS)
    weighted = pd.DataFrame(index=out.index)
    for c in components:
        out[f"{c}_score"] = _score(values[c], c)
        # a component with no data scores 0: it never raises a rank
        weighted[c] = (weights[c] * out[f"{c}_score"]).fillna(0.0)
    total_weight = float(sum(weights[c] for c in components))
    contribution = 100 * weighted / total_weight
    out["components_known"] = [int(n) for n in values[components].notna().sum(axis=1)]
    out["priority_index"] = contribution.sum(axis=1).where(out["components_known"] > 0)
    share = contribution[components].to_numpy()
    raw = values[components].to_numpy(dtype=float)
    scores = out[[f"{c}_score" for c in components]].to_numpy(dtype=float)
    weight = np.array([weights[c] for c in components])
    order = np.argsort(-np.nan_to_num(share, nan=-1.0), axis=1, kind="stable")
    # per unit, the components that add (largest first) and those unknown, as Python lists (no numpy scalars per cell)
    adds = np.take_along_axis((share > 0) & (weight > 0), order, axis=1)
    unknown = (np.isnan(raw) & (weight > 0)).tolist()
    main, codes = [], []
    for order_i, adds_i, raw_i, scores_i, unknown_i in zip(
        order.tolist(), adds.tolist(), raw.tolist(), scores.tolist(), unknown
    ):
        chosen = [j for j, add in zip(order_i, adds_i) if add][:3]
        found = [_reason_code(components[j], raw_i[j], scores_i[j], level) for j in chosen]
        missing = [c for c, gone in zip(components, unknown_i) if gone]
        if missing:
            found.append(("no_data", {"components": ", ".join(missing)}))
        main.append(components[chosen[0]] if chosen else None)
        codes.append(tuple(found))
    out["main_reason"] = main
    out["reason_codes"] = codes
    out["reasons"] = ["; ".join(reason_text(c, p, "en") for c, p in found) for found in codes]
    # +inf only ranks "cases but no worker" first; the table shows no data
    # (cases / 0 is not a number) and says why in ``cases_without_worker``
    out["cases_without_worker"] = np.isinf(out["caseload_per_worker"])
    out["caseload_per_worker"] = out["caseload_per_worker"].where(~out["cases_without_worker"])
    occupied = (
        (measures["hromadas_occupied"] > 0).to_numpy()
        if level == "hromada" and "hromadas_occupied" in measures
        else np.zeros(len(out), dtype=bool)
    )
    enough = out["components_known"] >= assumptions.priority_min_components
    out["listed_apart"] = np.where(occupied, "occupied", np.where(~enough, "not_enough_data", None))
    ranked_rows = out["listed_apart"].isna() & out["priority_index"].notna()
    out["_apart"] = (~ranked_rows).astype(int)
    out = out.sort_values(["_apart", "priority_index", "code"], ascending=[True, False, True], na_position="last")
    ranked = out["_apart"] == 0
    out["rank"] = np.where(ranked, np.cumsum(ranked), np.nan)
    columns = ["code", "rank", "priority_index"]
    columns += [x for c in PRIORITY_COMPONENTS for x in (c, f"{c}_score")]
    columns += ["cases_without_worker", "components_known", "listed_apart", "main_reason", "reasons", "reason_codes"]
    return out[columns].reset_index(drop=True)


def _reason_code(component: str, value: float, score: float, level: str) -> tuple[str, dict]:
    """A component's reason as a code with its parameters (rendered by ``core.text.reason_text``)."""
    if component == "no_psychologist":
        return ("no_psychologist", {}) if level == "hromada" else ("no_psychologist_share", {"value": value})
    if component == "caseload_per_worker" and math.isinf(value):
        return ("cases_without_worker", {})
    return (component, {"value": round(float(value), 4), "score": round(float(score), 4)})
