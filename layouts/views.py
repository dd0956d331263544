"""What the pages show, as plain tables: computed once per dataset and assumptions.

Pure functions of a :class:`~loaders.Dataset` and the assumptions: no Dash
callbacks here, so everything can be tested as plain functions.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.schema import ROLES, UNIT_LEVELS
from core.text import METRIC_LABELS, coverage_note, metric_label, t
from exports import table_workbook
from loaders import Dataset
from metrics import Assumptions, AtlasTables, compute_tables
from metrics.change import CHANGE_MEASURES, change_between, no_change
from metrics.planning import coverage, coverage_notes

__all__ = [
    "AtlasData",
    "apply_table_query",
    "shown_table",
    "download_bytes",
    "hromada_options",
    "unit_options",
    "coverage_notes",
    "key_figure_notes",
    "key_figures",
    "prepare",
    "similar_hromadas",
    "view_table",
    "with_change",
]


@dataclass(frozen=True)
class AtlasData:
    """What the pages show: the producer's tables with names, the hromada detail table and notes for exports.

    ``computed`` is the :class:`metrics.AtlasTables` every figure comes from
    (the workbook and the command line read the same object); ``tables``
    are its measures per level with names, limited to the units the map
    can show.
    """

    tables: dict[str, pd.DataFrame]
    detail: pd.DataFrame
    country: pd.Series
    title: str
    approximate_boundaries: bool
    idp_estimated: bool
    notes: tuple[tuple[str, str], ...]
    computed: AtlasTables | None = None
    #: (earlier period, this period) when the change metrics compare two periods, else None
    change: tuple[str, str] | None = None


def gap_per_10k(table: pd.DataFrame) -> pd.Series:
    """The gap to the norm per 10,000 residents of each unit: the gap map without the big cities' weight.

    Notes
    -----
    gap_per_10k = 10,000 x gap_fte / population, both summed over the unit's
    hromadas; an unknown or zero population gives NaN ("no data").
    """
    population = table["population"].astype(float)
    return 10_000 * table["gap_fte"].astype(float) / population.where(population > 0)


def _isin(values, pool) -> np.ndarray:
    """``values.isin(pool)`` by a Python set: linear in both sizes, and fast for any string dtype.

    pandas' ``isin`` of Arrow-backed (and object) strings took 1.5 s for
    30,000 codes here, against 0.07 s for a set.
    """
    members = set(np.asarray(pool, dtype=object).tolist())
    return np.fromiter((v in members for v in np.asarray(values, dtype=object).tolist()), bool, len(values))


def prepare(dataset: Dataset, assumptions: Assumptions, computed: AtlasTables | None = None) -> AtlasData:
    """Measures of every level, with names, and what the profile page needs, from the one producer.

    ``computed`` is :func:`metrics.compute_tables` of the dataset and
    assumptions when the caller already has it (it is computed otherwise).
    """
    if computed is None:
        computed = compute_tables(dataset.hromadas, dataset.units, assumptions)
    units = dataset.units
    names = units.drop_duplicates("code").set_index("code")[["name_uk", "name_en", "oblast_code"]]
    tables = {}
    for level in UNIT_LEVELS:
        table = computed.level(level).join(names, on="code")
        # Units with no polygon and no figure at all (the hromadas of occupied
        # Crimea in the codifier) are left out; units with a polygon and no
        # data (Crimea and Sevastopol as wholes) are shown as "no data".
        shown = dataset.boundaries[level]["code"] if level in dataset.boundaries else pd.Series(dtype=str)
        has_figure = table[["population", "workers"]].notna().any(axis=1)
        table = table[has_figure | _isin(table["code"], shown)]
        extra = shown[~_isin(shown, table["code"]) & _isin(shown, names.index)].drop_duplicates().sort_values()
        if len(extra):
            table = pd.concat(
                [table, pd.DataFrame({"code": extra.to_numpy()}).join(names, on="code")], ignore_index=True
            )
        table["idp_estimated"] = table["idp_estimated"].astype("boolean").fillna(False).astype(bool)
        table["gap_per_10k"] = gap_per_10k(table)
        tables[level] = no_change(table).reset_index(drop=True)
    detail = _detail(dataset, tables["hromada"])
    ranking = computed.priority("hromada")[["code", "rank", "priority_index", "reasons"]]
    detail = detail.merge(ranking.rename(columns={"rank": "priority_rank"}), on="code", how="left")
    notes = [("Dataset", dataset.title)]
    notes += [(f"Source: {k}", v) for k, v in dataset.sources.items()]
    notes += [(f"Reference date: {k}", v) for k, v in dataset.reference_dates.items()]
    notes.append(
        (
            "Norm",
            f"{assumptions.workers_per_10k:g} community social workers per 10,000 residents; "
            f"IDP weight {assumptions.idp_weight:g}",
        )
    )
    if dataset.approximate_boundaries:
        notes.append(("Boundaries", t("approximate", "en")))
    if bool(dataset.hromadas["idp_estimated"].any()):
        notes.append(("Estimated", t("estimated", "en").lstrip("* ")))
    return AtlasData(
        tables=tables,
        detail=detail,
        country=computed.country,
        title=dataset.title,
        approximate_boundaries=dataset.approximate_boundaries,
        idp_estimated=bool(dataset.hromadas["idp_estimated"].any()),
        notes=tuple(notes),
        computed=computed,
    )


def with_change(data: AtlasData, before: AtlasData, periods: tuple[str, str]) -> AtlasData:
    """``data`` whose change metrics (Δ workers, Δ per 10,000, Δ gap, Δ IDPs) compare it with ``before``.

    ``periods`` is (``before``'s period, ``data``'s period). Each level's
    change comes from :func:`metrics.change.change_between` of the two
    periods' producer tables (ratios from each period's sums, then the
    difference; NaN where either period lacks the figure).
    """
    tables = {}
    for level, table in data.tables.items():
        change = change_between(before.computed.level(level), data.computed.level(level)).set_index("code")
        table = table.drop(columns=list(CHANGE_MEASURES))
        tables[level] = table.join(change, on="code")
    notes = (*data.notes, ("Change compared with", f"{periods[0]} -> {periods[1]}"))
    return dataclasses.replace(data, tables=tables, change=periods, notes=notes)


def with_change_note(caption, data: AtlasData, metric: str, lang: str):
    """A map caption, with the two periods a change metric compares (or how to choose them) below it."""
    if metric not in CHANGE_MEASURES:
        return caption
    from dash import html

    if data.change is None:
        note = t("period_change_none", lang)
    else:
        note = t("period_change_caption", lang, before=data.change[0], after=data.change[1])
    return html.Div([caption, html.P(note, className="change-note")])


def _detail(dataset: Dataset, hromada_table: pd.DataFrame) -> pd.DataFrame:
    units = dataset.units
    hromadas = units[units["level"] == "hromada"].drop_duplicates("code")
    parents = units.drop_duplicates("code").set_index("code")
    raw = dataset.hromadas[[c for c in dataset.hromadas.columns if c == "code" or c not in hromada_table.columns]]
    detail = hromadas[["code", "pcode", "hromada_type", "oblast_code", "raion_code"]].merge(raw, on="code", how="left")
    detail = detail.merge(hromada_table.drop(columns=["oblast_code"]), on="code", how="inner")
    for level in ("oblast", "raion"):
        for lang in ("uk", "en"):
            detail[f"{level}_name_{lang}"] = detail[f"{level}_code"].map(parents[f"name_{lang}"])
    return detail.reset_index(drop=True)


def view_table(data: AtlasData, level: str, metric: str, oblast: str | None) -> pd.DataFrame:
    """The rows shown for a level, metric and optional oblast, ranked by the metric."""
    if metric not in METRIC_LABELS:
        raise ValueError(f"metric must be one of {', '.join(METRIC_LABELS)}, got {metric!r}")
    if level not in data.tables:
        raise ValueError(f"level must be one of {', '.join(data.tables)}, got {level!r}")
    table = data.tables[level]
    if oblast and level != "oblast":
        table = table[table["oblast_code"] == oblast]
    ascending = METRIC_LABELS[metric]["scale"] == "sequential_reversed"
    return table.sort_values([metric, "code"], ascending=[ascending, True], na_position="last").reset_index(drop=True)


#: Key figure -> the measure of the national row it shows.
KEY_FIGURES = {
    "population": "population",
    "idp": "idp",
    "workers": "workers",
    "psychologists": "psychologists",
    "positions": "approved_positions",
    "gap": "gap_fte",
    "hromadas_no_worker": "hromadas_no_social_worker",
    "hromadas_no_psychologist": "hromadas_no_psychologist",
}


def key_figures(data: AtlasData) -> dict[str, float]:
    """National totals for the overview: residents, IDPs, workers, positions, gap, hromadas lacking staff.

    Notes
    -----
    Each is the national row of the producer's measures (:data:`KEY_FIGURES`):
    sums over the hromadas whose figure is known, so "hromadas without a
    social worker" counts only hromadas whose staffing is known, and is "no
    data" (NaN), never 0, when no hromada's is.
    """
    return {key: float(data.country.get(measure, np.nan)) for key, measure in KEY_FIGURES.items()}


def key_figure_notes(data: AtlasData, lang: str = "uk") -> dict[str, str]:
    """Per key figure, "partial: 57 of 1,470 hromadas" when its inputs cover part of the country ("" if all)."""
    country = data.computed.level("country") if data.computed is not None else data.country.to_frame().T
    out = {}
    for key, measure in KEY_FIGURES.items():
        share = coverage(country, measure).iloc[0]
        out[key] = coverage_note(share["reporting"], share["expected"], lang)
    return out


def _fold(text: str) -> str:
    """Case- and apostrophe-insensitive form of a name, for search."""
    for mark in ("’", "ʼ", "`", "'"):
        text = text.replace(mark, "")
    return text.casefold().replace("ё", "е")


def hromada_options(
    data: AtlasData, query: str | None, lang: str = "uk", limit: int = 20, selected: str | None = None
) -> list[dict]:
    """Search hits for ``query`` among hromada names only (the profile page): see :func:`unit_options`."""
    return unit_options(data, query, lang, limit, selected, levels=("hromada",))


#: search hits: exact name first, then names that start with the query, then names that contain it
_MATCH_ORDER = ("exact", "starts", "contains")


def unit_options(
    data: AtlasData,
    query: str | None,
    lang: str = "uk",
    limit: int = 20,
    selected: str | None = None,
    levels: tuple[str, ...] = ("oblast", "raion", "hromada"),
) -> list[dict]:
    """Search hits for ``query`` among oblast, raion and hromada names in Ukrainian and English.

    A name equal to the query comes first (at each level, oblasts before
    raions before hromadas), then names that start with it, then names that
    contain it; at most ``limit`` options labelled "Name (Name in English),
    level, oblast". The ``selected`` unit is always included so that its
    label shows.
    """
    frames = []
    for order, level in enumerate(levels):
        table = data.detail if level == "hromada" else data.tables[level]
        table = table[table["name_uk"].notna()]
        frames.append(table[["code", "name_uk", "name_en", "oblast_code"]].assign(level=level, _level=order))
    units = pd.concat(frames, ignore_index=True).drop_duplicates("code")
    options = []
    if query and len(query.strip()) >= 2:
        needle = _fold(query.strip())
        uk = units["name_uk"].map(_fold)
        en = units["name_en"].fillna("").map(_fold)
        match = pd.Series(len(_MATCH_ORDER), index=units.index)
        for rank, test in reversed(list(enumerate(_MATCH_ORDER))):
            if test == "exact":
                hit = (uk == needle) | (en == needle)
            elif test == "starts":
                hit = uk.str.startswith(needle) | en.str.startswith(needle)
            else:
                hit = uk.str.contains(needle, regex=False) | en.str.contains(needle, regex=False)
            match[hit] = rank
        hits = units[match < len(_MATCH_ORDER)].assign(_match=match)
        hits = hits.sort_values(["_match", "_level", "name_uk"], kind="stable").head(limit)
        options = [_option(r, data, lang) for r in hits.itertuples()]
    if selected and selected not in {o["value"] for o in options}:
        options += [_option(r, data, lang) for r in units[units["code"] == selected].itertuples()]
    return options


_LEVEL_WORD = {"uk": {"oblast": "область", "raion": "район"}, "en": {"oblast": "oblast", "raion": "raion"}}


def _option(row, data: AtlasData, lang: str) -> dict:
    oblasts = data.tables["oblast"].set_index("code")[f"name_{lang if lang == 'en' else 'uk'}"]
    label = f"{row.name_uk} ({row.name_en})"
    if row.level == "oblast":
        label += f", {_LEVEL_WORD[lang]['oblast']}"
    else:
        if row.level == "raion":
            label += f", {_LEVEL_WORD[lang]['raion']}"
        oblast = oblasts.get(row.oblast_code)
        if isinstance(oblast, str):
            label += f", {oblast}"
    return {"label": label, "value": row.code}


def similar_hromadas(data: AtlasData, code: str) -> pd.DataFrame:
    """Hromadas of the same type with 0.5 to 2 times the residents of ``code`` (itself excluded)."""
    detail = data.detail.set_index("code")
    if code not in detail.index:
        raise KeyError(f"no hromada with code {code}")
    row = detail.loc[code]
    same = detail[(detail["hromada_type"] == row["hromada_type"]) & (detail.index != code)]
    if pd.notna(row["population"]):
        same = same[same["population"].between(0.5 * row["population"], 2 * row["population"])]
    return same.reset_index()


def role_table(data: AtlasData, code: str) -> pd.DataFrame:
    """Approved and filled positions by role of one hromada."""
    row = data.detail.set_index("code").loc[code]
    return pd.DataFrame(
        {
            "role": list(ROLES),
            "approved": [row.get(f"{r}_approved", np.nan) for r in ROLES],
            "filled": [row.get(f"{r}_filled", np.nan) for r in ROLES],
        }
    )


#: Columns of a table download, in order (headers, kinds and formats: ``exports.COLUMNS``);
#: the metric shown is added when it is not one of them.
_EXPORT_COLUMNS = (
    "code",
    "name_uk",
    "name_en",
    "population",
    "idp",
    "workers",
    "psychologists",
    "approved_positions",
    "required_fte",
    "gap_fte",
    "workers_per_10k",
    "workers_per_10k_incl_idp",
    "residents_per_worker",
    "idp_estimated",
)


def shown_table(
    data: AtlasData,
    level: str,
    metric: str,
    oblast: str | None,
    lang: str = "uk",
    filter_query: str | None = None,
    sort_by: list[dict] | None = None,
) -> pd.DataFrame:
    """The rows the map page's table shows: ranked, filtered and sorted as on screen.

    Adds ``name`` (in ``lang``) and ``metric`` (the value of the chosen
    metric), the column ids of the on-screen table.
    """
    table = view_table(data, level, metric, oblast)
    table = table.assign(
        name=table["name_uk" if lang == "uk" else "name_en"], metric=table[metric], coverage=coverage_notes(table, lang)
    )
    return apply_table_query(table, filter_query, sort_by)


def download_bytes(
    data: AtlasData,
    level: str,
    metric: str,
    oblast: str | None,
    lang: str = "uk",
    filter_query: str | None = None,
    sort_by: list[dict] | None = None,
) -> bytes:
    """The table shown (with its filters and sorting) as an .xlsx workbook, and a ``Notes`` cover.

    Formatted by :mod:`exports` like the full export: header frozen, filters
    on, codes as text, numbers as numbers; text never becomes a formula. The
    cover says what is shown (level, metric, oblast, filter, sorting).
    """
    table = shown_table(data, level, metric, oblast, lang, filter_query, sort_by)
    columns = [*_EXPORT_COLUMNS, *([metric] if metric not in _EXPORT_COLUMNS else [])]
    if table["coverage"].astype(bool).any():  # some figure is from part of its hromadas: say which, per row
        columns.append("coverage")
    sorting = ", ".join(f"{s.get('column_id')} {s.get('direction', 'asc')}" for s in sort_by or [])
    shown = (
        ("Level", t(level, "en"), "Рівень", t(level, "uk")),
        ("Metric", metric_label(metric, "en"), "Показник", metric_label(metric, "uk")),
        ("Oblast", oblast or "all Ukraine", "Область", oblast or "уся Україна"),
        ("Filter", filter_query or "none", "Фільтр", filter_query or "немає"),
        ("Sorted by", sorting or metric, "Сортування", sorting or metric),
        ("Rows", len(table), "Рядків", len(table)),
    )
    return table_workbook(
        table,
        columns,
        lang,
        t("sheet", lang),
        data.notes,
        approximate_boundaries=data.approximate_boundaries,
        shown=shown,
    )


_FILTER_PART = re.compile(r"\{(?P<column>[^}]+)\}\s*(?P<op>s?i?contains|[<>!=]=?|eq|ne|lt|le|gt|ge)\s*(?P<value>.+)")
_OPERATORS = {"=": "eq", "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


def apply_table_query(table: pd.DataFrame, filter_query: str | None, sort_by: list[dict] | None) -> pd.DataFrame:
    """Rows of ``table`` that pass a DataTable ``filter_query``, sorted by ``sort_by``.

    Supports the expressions the DataTable's filter row writes: ``{col}
    contains text`` (case-insensitive) for text, and ``=``, ``!=``, ``<``,
    ``<=``, ``>``, ``>=`` (or ``eq``, ``ne``, ``lt``...) for numbers, joined
    by ``&&``. Unknown columns and unparsable parts are ignored. Missing
    values sort last.
    """
    out = table
    for part in (filter_query or "").split(" && "):
        match = _FILTER_PART.match(part.strip())
        if not match or match["column"] not in out:
            continue
        column, op, value = match["column"], match["op"], match["value"].strip().strip("\"'")
        op = _OPERATORS.get(op, op)
        series = out[column]
        if op.endswith("contains"):
            out = out[series.astype(str).str.casefold().str.contains(value.casefold(), regex=False, na=False)]
            continue
        try:
            number = float(value.replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except ValueError:
            out = out[series.astype(str).str.casefold() == value.casefold()] if op == "eq" else out
            continue
        numeric = pd.to_numeric(series, errors="coerce")
        out = out[
            {
                "eq": numeric == number,
                "ne": numeric != number,
                "lt": numeric < number,
                "le": numeric <= number,
                "gt": numeric > number,
                "ge": numeric >= number,
            }[op]
        ]
    for sort in reversed(sort_by or []):
        if sort.get("column_id") in out:
            out = out.sort_values(
                sort["column_id"], ascending=sort.get("direction") != "desc", na_position="last", kind="stable"
            )
    return out
