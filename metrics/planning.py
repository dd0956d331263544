"""All planning measures per hromada, raion, oblast and Ukraine: coverage, norm and WISN need, flags.

Pure functions on DataFrames: they never change their inputs, read no files
and import nothing from Dash or plotly.

Aggregation
-----------
Every measure is built from per-hromada *counts* (people, positions, cases,
hours, positions needed). A count at raion, oblast or national level is the
sum over the member hromadas of the known values (NaN when none is known).
A ratio ``a / b`` is recomputed from sums, never averaged: ``sum(a) / sum(b)``
over the member hromadas where *both* ``a`` and ``b`` are known. Division by
zero or by an unknown figure is NaN ("no data"). ``idp_estimated`` stays True
for a unit if any member's IDP figure was estimated by disaggregation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.schema import COMMUNITY_ROLES, KINDS, LEVELS, OCCUPIED_SINCE_2014
from core.text import coverage_note, t

from .assumptions import ROLES, Assumptions
from .coverage import group_key
from .population import children_estimate, population_base
from .wisn import WISN_ROLE_MEASURES, wisn_by_role, wisn_required_staff

__all__ = [
    "PLANNING_MEASURES",
    "FLAGS",
    "MEASURE_INPUTS",
    "aggregate_planning",
    "coverage",
    "coverage_notes",
    "flags_from_base",
    "hromada_planning_base",
    "hromada_flags",
    "planning_measures",
    "flag_counts",
]

#: Hromada flags: name -> what it means.
FLAGS = {
    "no_social_worker": "no community social worker in post (filled positions of both roles = 0)",
    "no_psychologist": "no psychologist in post",
    "caseload_above": "cases of all types > caseload_per_worker_max x community social workers",
}


def _describe() -> dict[str, str]:
    d = {
        "population": "residents, people",
        "idp": "internally displaced persons (IDPs, ВПО), people",
        "population_incl_idp": "the population base of need (default: present population, each IDP once), people",
        "children": "children 0-17, people (given, or the oblast's 0-17 share x the base: estimated; NaN: not known)",
        "children_required_fte": "community positions needed by the children's norm (per 10,000 children)",
        "children_gap_fte": "positions needed by the children's norm - workers (negative: above it)",
        "workers": "community social workers in post (filled positions of social work specialists + social workers)",
        "approved_positions": "approved positions of community social workers",
        "vacancies": "approved - filled community social worker positions (hromadas where both are known)",
        "psychologists": "psychologists in post (filled positions)",
        "staff": "filled positions of all roles",
    }
    for role in ROLES:
        d[f"{role}_filled"] = f"{role}: filled positions"
        d[f"{role}_approved"] = f"{role}: approved positions"
        d[f"{role}_required_fte"] = f"{role}: positions needed by the norm"
        d[f"{role}_gap_fte"] = f"{role}: needed - filled positions (negative: above the norm)"
        d[f"{role}_shortfall_fte"] = f"{role}: sum over hromadas of positions missing (gap where > 0)"
    d |= {
        "required_fte": "community social worker positions needed by the norm",
        "gap_fte": "community social worker positions needed - filled (negative: above the norm)",
        "shortfall_fte": "sum over hromadas of community social worker positions missing (gap where > 0)",
        "total_required_fte": "positions of all roles needed by the norm",
        "total_gap_fte": "positions of all roles needed - filled",
        "total_shortfall_fte": "sum over hromadas and roles of positions missing",
        "cases": "cases of all types per year (families in difficult life circumstances + low-income families)",
        "wisn_workload_hours": "WISN: hours of case work per year",
        "wisn_case_fte": "WISN: case work in full-time positions (before allowances)",
        "wisn_required": "WISN: community social workers required",
        "wisn_difference": "WISN: workers - required (negative: shortage)",
        "wisn_shortfall": "WISN: community positions missing, summed over roles and hromadas (never netted)",
        "hromadas_no_social_worker": "hromadas with no community social worker",
        "hromadas_no_psychologist": "hromadas with no psychologist",
        "hromadas_caseload_above": "hromadas whose caseload per worker is above the threshold",
        "hromadas_occupied": "hromadas on the territorial status list as occupied (NaN without a list)",
        "hromadas_hostilities": "hromadas on the territorial status list as territories of hostilities",
        "workers_per_10k": "community social workers per 10,000 residents",
        "workers_per_100k": "community social workers per 100,000 residents",
        "workers_per_10k_incl_idp": "community social workers per 10,000 people (residents + weighted IDPs)",
        "workers_per_100k_incl_idp": "community social workers per 100,000 people (residents + weighted IDPs)",
        "workers_per_100k_children": "community social workers per 100,000 children",
        "workers_per_10k_children": "community social workers per 10,000 children (the GSSWA ratio)",
        "children_per_worker": "children per community social worker",
        "psychologists_per_100k": "psychologists per 100,000 residents",
        "residents_per_worker": "residents per community social worker",
        "residents_incl_idp_per_worker": "people (residents + weighted IDPs) per community social worker",
        "vacancy_rate": "1 - filled / approved community social worker positions",
        "gap_pct": "community gap in % of the positions needed",
        "total_gap_pct": "gap of all roles in % of the positions needed",
        "shortfall_per_10k": "community positions missing per 10,000 people (residents + weighted IDPs)",
        "idp_share": "IDPs / (residents + IDPs)",
        "caseload_per_worker": "cases per community social worker",
        "wisn_ratio": "WISN ratio: workers / required (below 1: shortage)",
        "share_no_social_worker": "share of hromadas with no community social worker",
        "share_no_psychologist": "share of hromadas with no psychologist",
        "share_caseload_above": "share of hromadas above the caseload threshold",
    }
    for role in ROLES:
        d[f"{role}_wisn_workload_hours"] = f"WISN, {role}: hours of case work per year"
        d[f"{role}_wisn_required"] = f"WISN, {role}: staff required by the category's workload"
        d[f"{role}_wisn_difference"] = f"WISN, {role}: filled - required (negative: shortage)"
        d[f"{role}_wisn_shortfall"] = f"WISN, {role}: positions missing, summed over hromadas"
        d[f"{role}_wisn_ratio"] = f"WISN, {role}: filled / required"
    for role in ROLES:
        d[f"{role}_vacancy_rate"] = f"{role}: 1 - filled / approved"
        d[f"{role}_gap_pct"] = f"{role}: gap in % of the positions needed"
    d["hromadas"] = "hromada-level units in the unit"
    d["hromadas_expected"] = (
        "member hromada-level units expected to report: all but the codifier's units of Crimea and Sevastopol "
        "(occupied since 2014, no figures)"
    )
    for kind in KINDS:
        d[f"{kind}_reporting"] = (
            f"member hromadas that the {kind} table covers (fewer than 'hromadas': a partial figure; 0: no data)"
        )
    d["idp_estimated"] = "True if any IDP figure in the unit was estimated by disaggregation"
    d["children_estimated"] = "True if any children figure in the unit was estimated from the oblast's 0-17 share"
    return d


#: Every column of :func:`planning_measures` (besides ``code`` and the case
#: columns) with its meaning and unit.
PLANNING_MEASURES = _describe()

_ROLE_SUMS = [f"{r}_{w}" for r in ROLES for w in ("filled", "approved", "required_fte", "gap_fte", "shortfall_fte")]
_SUMS = [
    "population",
    "idp",
    "population_incl_idp",
    "children",
    "children_required_fte",
    "children_gap_fte",
    "workers",
    "approved_positions",
    "vacancies",
    "psychologists",
    "staff",
    *_ROLE_SUMS,
    "required_fte",
    "gap_fte",
    "shortfall_fte",
    "total_required_fte",
    "total_gap_fte",
    "total_shortfall_fte",
    "cases",
    "wisn_workload_hours",
    "wisn_case_fte",
    "wisn_required",
    "wisn_difference",
    "wisn_shortfall",
    *[f"{r}_{m}" for r in ROLES for m in ("wisn_workload_hours", "wisn_required", "wisn_difference", "wisn_shortfall")],
    "hromadas_no_social_worker",
    "hromadas_no_psychologist",
    "hromadas_caseload_above",
    "hromadas_occupied",
    "hromadas_hostilities",
]

# (name, numerator, denominator, scale); vacancy rates are 1 - ratio.
_RATIOS = [
    ("workers_per_10k", "workers", "population", 10_000),
    ("workers_per_100k", "workers", "population", 100_000),
    ("workers_per_10k_incl_idp", "workers", "population_incl_idp", 10_000),
    ("workers_per_100k_incl_idp", "workers", "population_incl_idp", 100_000),
    ("workers_per_100k_children", "workers", "children", 100_000),
    ("workers_per_10k_children", "workers", "children", 10_000),
    ("children_per_worker", "children", "workers", 1),
    ("psychologists_per_100k", "psychologists", "population", 100_000),
    ("residents_per_worker", "population", "workers", 1),
    ("residents_incl_idp_per_worker", "population_incl_idp", "workers", 1),
    ("vacancy_rate", "workers", "approved_positions", 1),
    *[(f"{r}_vacancy_rate", f"{r}_filled", f"{r}_approved", 1) for r in ROLES],
    ("gap_pct", "gap_fte", "required_fte", 100),
    *[(f"{r}_gap_pct", f"{r}_gap_fte", f"{r}_required_fte", 100) for r in ROLES],
    ("total_gap_pct", "total_gap_fte", "total_required_fte", 100),
    ("shortfall_per_10k", "shortfall_fte", "population_incl_idp", 10_000),
    ("idp_share", "idp", "_residents_and_idp", 1),
    ("caseload_per_worker", "cases", "workers", 1),
    ("wisn_ratio", "workers", "wisn_required", 1),
    *[(f"{r}_wisn_ratio", f"{r}_filled", f"{r}_wisn_required", 1) for r in ROLES],
    ("share_no_social_worker", "hromadas_no_social_worker", "_one", 1),
    ("share_no_psychologist", "hromadas_no_psychologist", "_one", 1),
    ("share_caseload_above", "hromadas_caseload_above", "_one", 1),
]
_ONE_MINUS = {"vacancy_rate", *[f"{r}_vacancy_rate" for r in ROLES]}


#: The input tables each measure is computed from: a unit's figure is partial when one of them covers only
#: part of the unit's expected hromadas (see :func:`coverage`). Measures not listed: all three.
MEASURE_INPUTS: dict[str, tuple[str, ...]] = {
    "population": ("population",),
    "idp": ("idp",),
    "idp_share": ("population", "idp"),
    "population_incl_idp": ("population", "idp"),
    **{
        name: ("staffing",)
        for name in (
            "workers",
            "approved_positions",
            "vacancies",
            "vacancy_rate",
            "psychologists",
            "staff",
            "hromadas_no_social_worker",
            "hromadas_no_psychologist",
        )
    },
    "workers_per_10k": ("staffing", "population"),
    "workers_per_100k": ("staffing", "population"),
    "residents_per_worker": ("staffing", "population"),
    "psychologists_per_100k": ("staffing", "population"),
    "cases": ("caseload",),
    "caseload_per_worker": ("caseload", "staffing"),
    "hromadas_caseload_above": ("caseload", "staffing"),
}
_DEFAULT_INPUTS = ("population", "idp", "staffing")


def coverage(table: pd.DataFrame, measure: str | None = None, kinds: tuple[str, ...] | None = None) -> pd.DataFrame:
    """How much of each unit of ``table`` (rows of :func:`planning_measures`) a measure is computed from.

    Returns
    -------
    DataFrame aligned with ``table``: ``reporting`` (member hromadas the
    least complete input table of the measure covers), ``expected``
    (``hromadas_expected``) and ``partial`` (0 < reporting < expected).

    Notes
    -----
    reporting = min over the measure's input tables (:data:`MEASURE_INPUTS`,
    or ``kinds``) that cover any member of ``{kind}_reporting`` (0 when none does). A figure with reporting = 0 is
    "no data" itself (its sums are NaN); with 0 < reporting < expected it
    is a partial figure and says so ("partial: 57 of 1,470 hromadas").
    """
    kinds = kinds or MEASURE_INPUTS.get(measure or "", _DEFAULT_INPUTS)
    columns = [f"{k}_reporting" for k in kinds if f"{k}_reporting" in table]
    expected = _floats(table, "hromadas_expected" if "hromadas_expected" in table else "hromadas")
    if columns:
        # a table of none of the unit's hromadas does not hide another one's partial coverage (its figures
        # are either "no data" or computed without it, like the present population without IDP figures)
        counts = np.column_stack([_floats(table, c) for c in columns])
        known = ~np.isnan(counts)
        positive = known & (counts > 0)
        # on arrays (a few µs), not frames: every map, table and caption asks for it on every request
        least = np.where(positive, counts, np.inf).min(axis=1)
        most = np.where(known, counts, -np.inf).max(axis=1)
        reporting = np.where(positive.any(axis=1), least, np.where(known.any(axis=1), most, np.nan))
    else:
        reporting = expected
    with np.errstate(invalid="ignore"):
        partial = (reporting > 0) & (reporting < expected)
    return pd.DataFrame({"reporting": reporting, "expected": expected, "partial": partial}, index=table.index)


def coverage_notes(table: pd.DataFrame, lang: str = "uk", kinds=("population", "idp", "staffing")) -> list[str]:
    """Per unit of ``table``, which input tables cover only part (or none) of its hromadas, in ``lang``.

    ``штат: часткові дані: 2 з 3 громад`` (or ``штат: немає даних``), several
    joined by "; "; "" for a unit every table covers.
    """
    parts = []
    for kind in kinds:
        if f"{kind}_reporting" not in table:
            continue
        share = coverage(table, kinds=(kind,))
        name = t(f"kind_{kind}", lang)
        notes = [
            t("coverage_kind", lang, kind=name, note=coverage_note(r, e, lang) or t("no_data", lang))
            if (p or (r == 0 and e > 0))
            else ""
            for r, e, p in zip(share["reporting"], share["expected"], share["partial"])
        ]
        parts.append(notes)
    return ["; ".join(p for p in row if p) for row in zip(*parts)] if parts else [""] * len(table)


def _floats(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Column ``name`` as floats (NaN for unknown or text; all NaN when there is no such column)."""
    if name not in frame:
        return np.full(len(frame), np.nan)
    column = frame[name]
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def _sum_reported(frame: pd.DataFrame, columns: list[str], strict: bool = True) -> pd.Series:
    """Row sums over the roles the table reports (a column with any figure); unknown when a reported role is
    unknown for the hromada ("н/д" social workers and 1 specialist: unknown, not 1), or none is reported.

    ``strict=False`` (a hand-made table without ``staffing_reported``, where a missing cell means none):
    the sum of the known values, NaN only when all are unknown."""
    if not strict:
        return frame[columns].sum(axis=1, min_count=1)
    reported = [c for c in columns if frame[c].notna().any()]
    if not reported:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return frame[reported].sum(axis=1, skipna=False)


def _check_table(hromadas: pd.DataFrame) -> None:
    required = ["code", "population", "idp", *[f"{r}_{w}" for r in ROLES for w in ("approved", "filled")]]
    missing = [c for c in required if c not in hromadas]
    if missing:
        raise ValueError(f"hromadas table: missing column(s) {', '.join(missing)}")


def _flag(condition: pd.Series, known: pd.Series) -> pd.Series:
    return condition.astype(float).where(known)


def hromada_planning_base(hromadas: pd.DataFrame, assumptions: Assumptions) -> pd.DataFrame:
    """Per-hromada counts that every planning measure is built from.

    Parameters
    ----------
    hromadas
        One row per hromada-level unit: ``code``, ``population``, ``idp``,
        ``{role}_approved``, ``{role}_filled``; optional ``population_children``,
        ``idp_estimated`` and one column per WISN case type.
    assumptions
        The planning assumptions.

    Returns
    -------
    DataFrame aligned with ``hromadas`` with the count columns of
    :func:`planning_measures` (and helpers starting with ``_``).

    Notes
    -----
    - population_incl_idp = the population base of need (``[population] base``,
      :func:`metrics.population.population_base`): by default residents -
      IDPs taken off at their origin + idp_weight x IDPs hosted, occupied
      hromadas without a base; ``residents_plus_idp``: population +
      idp_weight x idp (unknown if either is); ``base_fallback`` says where a
      base is partial (no IDP figure) or missing
    - workers = filled social work specialists + social workers, over the
      roles the table reports (a role column with any figure); unknown when
      a reported role is unknown for the hromada (a sum with an unknown part
      is unknown); approved_positions likewise; staff = all roles
    - {kind}_reported = 1 where the kind's table covers the hromada (from
      ``Dataset.hromadas``); aggregated as ``{kind}_reporting``, the number
      of member hromadas covered, beside ``hromadas_expected``, the members
      outside Crimea and Sevastopol (whose codifier units never have figures)
    - vacancies = approved_positions - workers (unknown if either is)
    - {role}_required_fte = max(norm_per_10k x population_incl_idp / 10,000,
      norm_per_10k_children x children / 10,000); the children term only
      where children are known and the children norm is > 0
    - children = ``population_children`` where given, else the oblast's
      0-17 share x population_incl_idp (``children_estimated``; see
      :func:`metrics.population.children_estimate`)
    - children_required_fte = sum over community roles of
      norm_per_10k_children x children / 10,000 (the children's norm alone);
      children_gap_fte = children_required_fte - workers
    - required_fte = sum over community roles; total_required_fte = all roles
    - gap = required - filled (per role, community, total); shortfall = max(gap, 0)
    - cases = sum over case types (unknown if any is unknown)
    - WISN columns: per staff category (role) and for the community roles
      together, see :func:`metrics.wisn.wisn_by_role` (the earlier
      single-cadre form without categories: :func:`metrics.wisn.wisn_required_staff`);
      wisn_shortfall = sum over the community roles of max(required - filled, 0)
    - flags (1 / 0 / NaN): no_social_worker = workers == 0;
      no_psychologist = psychologists == 0;
      caseload_above = cases > caseload_per_worker_max x workers
    """
    _check_table(hromadas)
    out = _Columns(hromadas.index)
    out["code"] = pd.Series(hromadas["code"].to_numpy(), index=hromadas.index)
    population = _column(hromadas, "population")
    idp = _column(hromadas, "idp")
    out["population"] = population
    out["idp"] = idp
    people = population_base(
        hromadas, assumptions.population_base, assumptions.idp_weight, dict(assumptions.origin_shares)
    ).frame
    out["population_incl_idp"] = people["base"]
    out["base_fallback"] = people["base_fallback"]
    out["_residents_and_idp"] = population + idp
    out["children"], out["children_estimated"] = children_estimate(
        hromadas, out["population_incl_idp"], dict(assumptions.children_shares), out["base_fallback"] == "occupied"
    )
    for role in ROLES:
        out[f"{role}_filled"] = _column(hromadas, f"{role}_filled")
        out[f"{role}_approved"] = _column(hromadas, f"{role}_approved")
    community = list(COMMUNITY_ROLES)
    strict = "staffing_reported" in hromadas  # a loaded dataset: NaN in a reported role is "not available"
    out["workers"] = _sum_reported(out, [f"{r}_filled" for r in community], strict)
    out["approved_positions"] = _sum_reported(out, [f"{r}_approved" for r in community], strict)
    out["vacancies"] = out["approved_positions"] - out["workers"]
    out["psychologists"] = out["psychologist_filled"]
    out["staff"] = _sum_reported(out, [f"{r}_filled" for r in ROLES], strict)
    for kind, known in (
        ("population", out["population"]),
        ("idp", out["idp"]),
        ("staffing", out["staff"]),
        ("caseload", _column(hromadas, "families_sjo")),
    ):
        flag = f"{kind}_reported"
        out[flag] = hromadas[flag].astype(float) if flag in hromadas else known.notna().astype(float)
    for role in ROLES:
        norm = assumptions.role_norm(role)
        required = norm.workers_per_10k * out["population_incl_idp"] / 10_000
        if norm.workers_per_10k_children > 0:
            by_children = norm.workers_per_10k_children * out["children"] / 10_000
            required = required.where(~(by_children > required), by_children)
        out[f"{role}_required_fte"] = required
        out[f"{role}_gap_fte"] = required - out[f"{role}_filled"]
        out[f"{role}_shortfall_fte"] = out[f"{role}_gap_fte"].clip(lower=0)
    out["children_required_fte"] = (
        sum(assumptions.role_norm(r).workers_per_10k_children for r in community) * out["children"] / 10_000
    )
    out["children_gap_fte"] = out["children_required_fte"] - out["workers"]
    out["required_fte"] = out[[f"{r}_required_fte" for r in community]].sum(axis=1, skipna=False)
    out["gap_fte"] = out["required_fte"] - out["workers"]
    out["shortfall_fte"] = out["gap_fte"].clip(lower=0)
    out["total_required_fte"] = out[[f"{r}_required_fte" for r in ROLES]].sum(axis=1, skipna=False)
    out["total_gap_fte"] = out["total_required_fte"] - out["staff"]
    out["total_shortfall_fte"] = out[[f"{r}_shortfall_fte" for r in ROLES]].sum(axis=1, skipna=False)
    case_columns = [c.column for c in assumptions.wisn.case_types]
    for column in case_columns:
        out[column] = _column(hromadas, column)
    out["cases"] = out[case_columns].sum(axis=1, skipna=False)
    params = assumptions.wisn
    if params.categories:
        for column in wisn_case_columns(assumptions):
            if column not in out:
                out[column] = _column(hromadas, column)
        filled = {role: out[f"{role}_filled"] for role in ROLES}
        wisn = wisn_by_role(out, filled, params, out["workers"])
        for role in ROLES:
            for measure in WISN_ROLE_MEASURES:
                if measure != "wisn_ratio":
                    out[f"{role}_{measure}"] = wisn[f"{role}_{measure}"]
    else:
        wisn = wisn_required_staff(out, out["workers"], params)
        wisn["wisn_shortfall"] = (-wisn["wisn_difference"]).clip(lower=0)
        for role in ROLES:
            for measure in WISN_ROLE_MEASURES:
                if measure != "wisn_ratio":
                    out[f"{role}_{measure}"] = np.nan
    for column in ("wisn_workload_hours", "wisn_case_fte", "wisn_required", "wisn_difference", "wisn_shortfall"):
        out[column] = wisn[column]
    workers_known = out["workers"].notna()
    out["hromadas_no_social_worker"] = _flag(out["workers"] == 0, workers_known)
    out["hromadas_no_psychologist"] = _flag(out["psychologists"] == 0, out["psychologists"].notna())
    out["hromadas_caseload_above"] = _flag(
        out["cases"] > assumptions.caseload_per_worker_max * out["workers"], workers_known & out["cases"].notna()
    )
    status = hromadas["territorial_status"] if "territorial_status" in hromadas else pd.Series(None, index=out.index)
    listed = status.notna()
    out["hromadas_occupied"] = _flag(status == "occupied", listed)
    out["hromadas_hostilities"] = _flag(status == "hostilities", listed)
    out["_one"] = 1.0
    codes = pd.Series(hromadas["code"].astype(str).to_numpy(), index=out.index)
    out["_expected"] = (~codes.str.startswith(OCCUPIED_SINCE_2014)).astype(float)
    if "idp_estimated" in hromadas:
        out["idp_estimated"] = hromadas["idp_estimated"].astype("boolean").fillna(False).astype(bool)
    else:
        out["idp_estimated"] = False
    return out.frame()


class _Columns(dict):
    """The columns of a table being built, kept apart and made one ``DataFrame`` at the end.

    Inserting ~130 columns one by one into a ``DataFrame`` re-indexes its
    column labels on each insert (most of the base's time); a dict does not.
    ``columns[name]`` is a column, ``columns[[a, b]]`` a frame of those.
    """

    def __init__(self, index: pd.Index):
        super().__init__()
        self.index = index

    def __getitem__(self, key):
        if isinstance(key, list):
            return self.frame(key)
        return super().__getitem__(key)

    def frame(self, names: list[str] | None = None) -> pd.DataFrame:
        names = list(self) if names is None else names
        return pd.DataFrame({name: super(_Columns, self).__getitem__(name) for name in names}, index=self.index)


def wisn_case_columns(assumptions: Assumptions) -> list[str]:
    """Every case column the WISN standards read (the categories', else the single cadre's), in order."""
    params = assumptions.wisn
    if not params.categories:
        return [c.column for c in params.case_types]
    return list(dict.fromkeys(c.column for category in params.categories for c in category.case_types))


def _group_sums(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Column sums per group of the known values; NaN where a group has none.

    Each row its own group, in order (the hromada level): the values themselves, NaN where unknown (0 + v is
    v), without a pass per column (30,000 rows x 60 columns, several times per request for new tables).
    """
    if n == len(groups) and np.array_equal(groups, np.arange(n)):
        return values.astype(float, copy=True) + 0.0  # + 0.0: -0.0 summed from 0 is 0.0, as below
    known = ~np.isnan(values)
    out = np.empty((n, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(groups, weights=np.where(known[:, j], values[:, j], 0.0), minlength=n)
        counts = np.bincount(groups, weights=known[:, j].astype(float), minlength=n)
        out[counts == 0, j] = np.nan
    return out


def planning_measures(
    hromadas: pd.DataFrame, units: pd.DataFrame, level: str, assumptions: Assumptions
) -> pd.DataFrame:
    """Coverage, norm-based and WISN need, gaps and flag counts per unit of ``level``.

    Parameters
    ----------
    hromadas
        One row per hromada-level unit (see :func:`hromada_planning_base`).
    units
        The admin-unit table (``code``, ``level``, ``oblast_code``, ``raion_code``).
    level
        ``"hromada"``, ``"raion"``, ``"oblast"`` or ``"country"``.
    assumptions
        The planning assumptions.

    Returns
    -------
    DataFrame with ``code``, the columns of :data:`PLANNING_MEASURES` and
    one column per case type, one row per unit with at least one hromada.

    Notes
    -----
    Counts are sums of the known values of the member hromadas. Ratios use
    the members where numerator and denominator are both known:

    - workers_per_10k = 10,000 x workers / population  (per_100k: x 100,000)
    - workers_per_10k_incl_idp = 10,000 x workers / (population + idp_weight x IDPs)
    - workers_per_100k_children = 100,000 x workers / children;
      workers_per_10k_children = 10,000 x workers / children (GSSWA);
      children_per_worker = children / workers
    - children_required_fte = sum over hromadas of the children's norm need;
      children_gap_fte = children_required_fte - workers
    - psychologists_per_100k = 100,000 x psychologists / population
    - residents_per_worker = population / workers;
      residents_incl_idp_per_worker = (population + idp_weight x IDPs) / workers
    - vacancy_rate = 1 - filled / approved (community roles; per role likewise)
    - required_fte = sum over community roles of the role's need (see
      :func:`hromada_planning_base`); gap_fte = required_fte - workers
    - gap_pct = 100 x gap_fte / required_fte (per role and total likewise)
    - shortfall_fte = sum over hromadas of max(gap_fte, 0): positions
      missing, not offset by hromadas above the norm
    - shortfall_per_10k = 10,000 x shortfall_fte / (population + idp_weight x IDPs)
    - idp_share = IDPs / (residents + IDPs)
    - caseload_per_worker = cases / workers
    - WISN per role: {role}_wisn_required = (sum over the role's case types
      of cases a year / standard workload) x CAF + IAF; {role}_wisn_ratio =
      filled / required from sums; community wisn_required = specialists' +
      social workers' required; wisn_difference = workers - wisn_required;
      wisn_ratio = workers / wisn_required
    - wisn_shortfall (and {role}_wisn_shortfall) = sum over hromadas (and
      community roles) of max(required - filled, 0): summed, never netted
    - hromadas_<flag> = number of member hromadas with the flag;
      share_<flag> = that number / member hromadas where the flag is known

    A zero or unknown denominator gives NaN.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    return aggregate_planning(hromada_planning_base(hromadas, assumptions), units, level, assumptions)


def aggregate_planning(base: pd.DataFrame, units: pd.DataFrame, level: str, assumptions: Assumptions) -> pd.DataFrame:
    """:func:`planning_measures` from an already computed :func:`hromada_planning_base` (see there).

    The producer (:func:`metrics.tables.compute_tables`) computes the base
    once and passes it to every level, instead of recomputing it per level.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    key = group_key(base, units, level)
    groups, uniques = pd.factorize(key, sort=False)
    inside = groups >= 0
    groups, base_in = groups[inside], base[inside]
    n = len(uniques)
    case_columns = list(dict.fromkeys([c.column for c in assumptions.wisn.case_types] + wisn_case_columns(assumptions)))
    sums_of = list(dict.fromkeys([*_SUMS, *[c for c in case_columns if c in base_in]]))
    sums = _group_sums(base_in[sums_of].to_numpy(dtype=float), groups, n)
    out = pd.DataFrame(sums, columns=sums_of)

    # Paired sums: numerator and denominator over members where both are known.
    nums, dens = [], []
    for _, num, den, _ in _RATIOS:
        a = base_in[num].to_numpy(dtype=float)
        b = base_in[den].to_numpy(dtype=float)
        both = ~np.isnan(a) & ~np.isnan(b)
        nums.append(np.where(both, a, np.nan))
        dens.append(np.where(both, b, np.nan))
    paired_num = _group_sums(np.column_stack(nums), groups, n)
    paired_den = _group_sums(np.column_stack(dens), groups, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = paired_num / np.where(paired_den > 0, paired_den, np.nan)
    for j, (name, _, _, scale) in enumerate(_RATIOS):
        value = scale * ratio[:, j]
        out[name] = 1 - value if name in _ONE_MINUS else value
    out["hromadas"] = np.bincount(groups, minlength=n).astype(int)
    if "_expected" in base_in:
        out["hromadas_expected"] = np.bincount(groups, weights=base_in["_expected"].to_numpy(float), minlength=n)
        out["hromadas_expected"] = out["hromadas_expected"].astype(int)
    for kind in KINDS:
        reported = base_in[f"{kind}_reported"].to_numpy(dtype=float) if f"{kind}_reported" in base_in else None
        if reported is not None:
            out[f"{kind}_reporting"] = np.bincount(groups, weights=np.nan_to_num(reported), minlength=n).astype(int)
    for flag in ("idp_estimated", "children_estimated"):
        weights = base_in[flag].to_numpy(dtype=float) if flag in base_in else np.zeros(len(base_in))
        out[flag] = np.bincount(groups, weights=weights, minlength=n) > 0
    out.insert(0, "code", np.asarray(uniques))
    return out


def hromada_flags(hromadas: pd.DataFrame, assumptions: Assumptions) -> pd.DataFrame:
    """Per hromada: ``code``, the :data:`FLAGS` as nullable booleans (<NA>: unknown) and the caseload.

    Notes
    -----
    - no_social_worker: workers == 0
    - no_psychologist: psychologists == 0
    - caseload_above: cases > caseload_per_worker_max x workers (so a hromada
      with cases and no worker is above the threshold)
    - caseload_per_worker = cases / workers (NaN for no worker)
    """
    return flags_from_base(hromada_planning_base(hromadas, assumptions))


def flags_from_base(base: pd.DataFrame) -> pd.DataFrame:
    """:func:`hromada_flags` from an already computed :func:`hromada_planning_base`."""
    out = pd.DataFrame({"code": base["code"]})
    for name in FLAGS:
        out[name] = base[f"hromadas_{name}"].map({1.0: True, 0.0: False}).astype("boolean")
    out["caseload_per_worker"] = base["cases"] / base["workers"].where(base["workers"] > 0)
    return out.reset_index(drop=True)


def flag_counts(
    hromadas: pd.DataFrame, units: pd.DataFrame, assumptions: Assumptions, level: str = "oblast"
) -> pd.DataFrame:
    """Number and share of flagged hromadas per unit of ``level`` (default: per oblast).

    Notes
    -----
    hromadas_<flag> = number of member hromadas with the flag; share_<flag> =
    that number / member hromadas where the flag is known (see :data:`FLAGS`).
    """
    table = planning_measures(hromadas, units, level, assumptions)
    columns = ["code", "hromadas", *[f"hromadas_{f}" for f in FLAGS], *[f"share_{f}" for f in FLAGS]]
    return table[columns]
