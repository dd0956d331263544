"""What the pages show, as plain tables: computed once per dataset and assumptions.

Pure functions of a :class:`~loaders.Dataset` and the assumptions: no Dash
callbacks here, so everything can be tested as plain functions.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.schema import ROLES, UNIT_LEVELS
from core.text import METRIC_LABELS, coverage_note, format_number, metric_label, name_column, t
from exports import cover_row, dataset_rows, table_workbook
from loaders import Dataset
from metrics import Assumptions, AtlasTables, compute_tables
from metrics.change import CHANGE_MEASURES, change_between, no_change
from metrics.planning import coverage, coverage_notes
from metrics.tables import TableCache

__all__ = [
    "AtlasData",
    "apply_filter_model",
    "describe_filter",
    "shown_table",
    "download_bytes",
    "hromada_options",
    "unit_options",
    "caption_coverage",
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
    #: makes :attr:`detail` once, on first use (it merges the priority ranking, which the map does not need)
    detail_source: Callable[[], pd.DataFrame]
    country: pd.Series
    title: str
    approximate_boundaries: bool
    idp_estimated: bool
    notes: tuple[tuple[str, object, str, object], ...]
    computed: AtlasTables | None = None
    #: (earlier period, this period) when the change metrics compare two periods, else None
    change: tuple[str, str] | None = None

    @functools.cached_property
    def detail(self) -> pd.DataFrame:
        """Per hromada: its units' codes and names, its input figures, its measures and its priority rank."""
        return self.detail_source()


class _Once:
    """A value made on the first call and kept (one thread makes it; the others wait for it)."""

    def __init__(self, make: Callable[[], Any]):
        self._make = make
        self._lock = threading.Lock()
        self._done = False
        self._value = None

    def __call__(self) -> Any:
        with self._lock:
            if not self._done:
                self._value, self._done = self._make(), True
                self._make = None
            return self._value


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
        for flag in ("idp_estimated", "children_estimated"):
            table[flag] = table[flag].astype("boolean").fillna(False).astype(bool)
        table["gap_per_10k"] = gap_per_10k(table)
        tables[level] = no_change(table).reset_index(drop=True)

    def detail() -> pd.DataFrame:
        ranking = computed.priority("hromada")[["code", "rank", "priority_index", "reason_codes", "listed_apart"]]
        return _detail(dataset, tables["hromada"]).merge(
            ranking.rename(columns={"rank": "priority_rank"}), on="code", how="left"
        )

    notes = dataset_rows(dataset, assumptions)
    return AtlasData(
        tables=tables,
        detail_source=_Once(detail),
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
    change = f"{periods[0]} → {periods[1]}"
    notes = (*data.notes, ("Change between periods", change, "Зміна між періодами", change))
    return dataclasses.replace(data, tables=tables, change=periods, notes=notes)


def caption_coverage(data: AtlasData, metric: str, lang: str, oblast: str | None = None) -> list[str]:
    """For a map caption: each input table of ``metric`` that covers only part of the map's area (Ukraine, or
    ``oblast``), as ``штат: часткові дані: 57 з 1 470 громад``."""
    from metrics.planning import MEASURE_INPUTS

    if data.computed is None:
        return []
    table = data.computed.level("oblast" if oblast else "country")
    table = table[table["code"] == oblast] if oblast else table
    if table.empty:
        return []
    out = []
    for kind in MEASURE_INPUTS.get(metric, ("population", "idp", "staffing")):
        share = coverage(table, kinds=(kind,)).iloc[0]
        note = coverage_note(share["reporting"], share["expected"], lang)
        if note:
            out.append(t("coverage_kind", lang, kind=t(f"kind_{kind}", lang), note=note))
    return out


def with_change_note(caption, change: tuple[str, str] | None, metric: str, lang: str, periods: bool = True):
    """A map caption, with the two periods a change metric compares (``change``, or how to choose them) below it.

    ``periods`` is False when the app has no published periods (it serves
    files): the note then says where changes come from.
    """
    if metric not in CHANGE_MEASURES:
        return caption
    from dash import html

    if not periods:
        note = t("period_change_unavailable", lang)
    elif change is None:
        note = t("period_change_none", lang)
    else:
        note = t("period_change_caption", lang, before=change[0], after=change[1])
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


def _option(row, data: AtlasData, lang: str) -> dict:
    oblasts = data.tables["oblast"].set_index("code")[name_column(lang)]
    label = f"{row.name_uk} ({row.name_en})"
    if row.level == "oblast":
        label += ", " + t("level_word_oblast", lang)
    else:
        if row.level == "raion":
            label += ", " + t("level_word_raion", lang)
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
    filter_model: dict | None = None,
    sort: list[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """The rows the map page's table shows: ranked, filtered and sorted as on screen.

    Adds ``name`` (in ``lang``) and ``metric`` (the value of the chosen
    metric), the column ids of the on-screen table.
    """
    key = (id(data), level, metric, oblast, lang)
    ref, ranked = _RANKED.get(key, lambda: (weakref.ref(data), _ranked(data, level, metric, oblast, lang)))
    if ref() is not data:  # another tables object where a freed one was: not the memo's
        ranked = _ranked(data, level, metric, oblast, lang)
    return apply_filter_model(ranked.copy(), filter_model, sort)


#: ranked rows with names and coverage notes per tables object and view: the map's table asks for them on
#: every level, oblast or language switch of every session (a tables object never changes)
_RANKED = TableCache(32)


def _ranked(data: AtlasData, level: str, metric: str, oblast: str | None, lang: str) -> pd.DataFrame:
    table = view_table(data, level, metric, oblast)
    return table.assign(name=table[name_column(lang)], metric=table[metric], coverage=coverage_notes(table, lang))


def download_bytes(
    data: AtlasData,
    level: str,
    metric: str,
    oblast: str | None,
    lang: str = "uk",
    filter_model: dict | None = None,
    sort: list[tuple[str, str]] | None = None,
) -> bytes:
    """The table shown (with its filters and sorting) as an .xlsx workbook, and a ``Notes`` cover.

    Formatted by :mod:`exports` like the full export: header frozen, filters
    on, codes as text, numbers as numbers; text never becomes a formula. The
    cover says what is shown (level, metric, oblast, filter, sorting).
    """
    table = shown_table(data, level, metric, oblast, lang, filter_model, sort)
    columns = [*_EXPORT_COLUMNS, *([metric] if metric not in _EXPORT_COLUMNS else [])]
    if table["coverage"].astype(bool).any():  # some figure is from part of its hromadas: say which, per row
        columns.append("coverage")

    def names(lang: str) -> dict[str, str]:
        counts = {c: t(c, lang) for c in ("name", "population", "idp", "workers")}
        return counts | {"metric": metric_label(metric, lang)}

    def sorting(lang: str) -> str:
        return ", ".join(f"{names(lang).get(c, c)} {direction}" for c, direction in sort or []) or metric

    shown = (
        cover_row("cover_level", t(level, "en"), t(level, "uk")),
        cover_row("cover_metric", metric_label(metric, "en"), metric_label(metric, "uk")),
        cover_row("cover_oblast", oblast or t("cover_all_ukraine", "en"), oblast or t("cover_all_ukraine", "uk")),
        cover_row(
            "cover_filter",
            describe_filter(filter_model, "en", names("en")) or t("cover_none", "en"),
            describe_filter(filter_model, "uk", names("uk")) or t("cover_none", "uk"),
        ),
        cover_row("cover_sorted", sorting("en"), sorting("uk")),
        cover_row("cover_rows", len(table)),
    )
    return table_workbook(
        table,
        columns,
        lang,
        t("sheet", lang),
        data.notes,
        shown=shown,
    )


_NUMBER_TESTS = {
    "equals": lambda s, a, b: s == a,
    "notEqual": lambda s, a, b: s.notna() & (s != a),
    "greaterThan": lambda s, a, b: s > a,
    "greaterThanOrEqual": lambda s, a, b: s >= a,
    "lessThan": lambda s, a, b: s < a,
    "lessThanOrEqual": lambda s, a, b: s <= a,
    "inRange": lambda s, a, b: (s > min(a, b)) & (s < max(a, b)),
}
_TEXT_TESTS = {
    "contains": lambda s, v: s.str.contains(v, regex=False),
    "notContains": lambda s, v: ~s.str.contains(v, regex=False),
    "equals": lambda s, v: s == v,
    "notEqual": lambda s, v: s != v,
    "startsWith": lambda s, v: s.str.startswith(v),
    "endsWith": lambda s, v: s.str.endswith(v),
}
#: the signs of the conditions, for the cover of a download
_SIGNS = {"equals": "=", "notEqual": "≠", "greaterThan": ">", "greaterThanOrEqual": "≥", "lessThan": "<",
          "lessThanOrEqual": "≤"}  # fmt: skip


def _condition(table: pd.DataFrame, column: str, condition: dict) -> pd.Series:
    """Rows of ``table`` that meet one AG Grid filter condition on ``column`` (see :func:`apply_filter_model`)."""
    kind, test = condition.get("filterType"), condition.get("type")
    series = table[column]
    if test in ("blank", "notBlank"):
        blank = series.isna() | (series.astype(str).str.strip() == "") if kind == "text" else series.isna()
        return blank if test == "blank" else ~blank
    if kind == "number":
        numbers = pd.to_numeric(series, errors="coerce")
        value, upper = condition.get("filter"), condition.get("filterTo")
        if test not in _NUMBER_TESTS or not isinstance(value, int | float):
            return pd.Series(True, index=table.index)  # an empty or unfinished condition filters nothing
        if test == "inRange" and not isinstance(upper, int | float):
            return pd.Series(True, index=table.index)
        return _NUMBER_TESTS[test](numbers, float(value), float(upper) if upper is not None else None).fillna(False)
    value = condition.get("filter")
    if test not in _TEXT_TESTS or value in (None, ""):
        return pd.Series(True, index=table.index)
    text = series.astype("string").str.lower()
    return _TEXT_TESTS[test](text, str(value).lower()).fillna(test in ("notContains", "notEqual")).astype(bool)


def apply_filter_model(
    table: pd.DataFrame, filter_model: dict | None, sort: list[tuple[str, str]] | None = None
) -> pd.DataFrame:
    """Rows of ``table`` that pass an AG Grid ``filterModel``, sorted by ``sort`` ([(column, "asc"|"desc")]).

    Follows AG Grid's own filters, so that a download holds the rows the
    table shows: number conditions ``equals``, ``notEqual``, ``greaterThan``,
    ``greaterThanOrEqual``, ``lessThan``, ``lessThanOrEqual``, ``inRange``
    (both ends excluded), ``blank``, ``notBlank``; blanks meet none but
    ``blank``. Text conditions ``contains``, ``notContains``, ``equals``,
    ``notEqual``, ``startsWith``, ``endsWith`` (case-insensitive),
    ``blank``, ``notBlank``. Two conditions on a column are joined by their
    ``operator`` (AND / OR); columns by AND. Unknown columns are ignored.
    Missing values sort last.
    """
    out = table
    for column, model in (filter_model or {}).items():
        if column not in out or not isinstance(model, dict):
            continue
        conditions = model.get("conditions")
        if isinstance(conditions, list) and conditions:
            masks = [_condition(out, column, {"filterType": model.get("filterType"), **c}) for c in conditions]
            mask = masks[0]
            for other in masks[1:]:
                mask = (mask | other) if model.get("operator") == "OR" else (mask & other)
        else:
            mask = _condition(out, column, model)
        out = out[mask]
    for column, direction in reversed(sort or []):
        if column in out:
            out = out.sort_values(column, ascending=direction != "desc", na_position="last", kind="stable")
    return out


def sort_model(column_state: list[dict] | None) -> list[tuple[str, str]]:
    """[(column, "asc"|"desc")] in sort order, from an AG Grid ``columnState``."""
    sorted_columns = [
        c for c in column_state or [] if isinstance(c, dict) and c.get("sort") in ("asc", "desc") and c.get("colId")
    ]
    sorted_columns.sort(key=lambda c: c.get("sortIndex") if isinstance(c.get("sortIndex"), int) else 0)
    return [(str(c["colId"]), c["sort"]) for c in sorted_columns]


def _shown_number(value, lang: str):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, 0 if float(value).is_integer() else 2, lang)
    return value


def describe_filter(filter_model: dict | None, lang: str, names: dict[str, str] | None = None) -> str:
    """A filter model in words, for the cover of a download: ``Населення > 1 000 000``.

    ``names`` gives the column headers (the column id otherwise).
    """
    parts = []
    for column, model in (filter_model or {}).items():
        if not isinstance(model, dict):
            continue
        name = (names or {}).get(column, column)
        conditions = model.get("conditions") or [model]
        words = []
        for c in conditions:
            test, shown = str(c.get("type") or ""), _shown_number(c.get("filter"), lang)
            if test == "inRange":
                words.append(f"{shown} < {name} < {_shown_number(c.get('filterTo'), lang)}")
            elif test in _SIGNS:
                words.append(f"{name} {_SIGNS[test]} {shown}")
            elif test in (*_TEXT_TESTS, "blank", "notBlank"):
                words.append(f"{name}: {t('grid_' + test, lang).lower()} {'' if shown is None else shown}".strip())
        joiner = f" {t('grid_orCondition' if model.get('operator') == 'OR' else 'grid_andCondition', lang)} "
        parts.append(joiner.join(words))
    return "; ".join(parts)
