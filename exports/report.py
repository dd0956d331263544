"""The full export: every table of a dataset under a set of assumptions, ready to write.

:func:`build_export` turns a :class:`~loaders.Dataset` and the planning
assumptions into an :class:`Export`: a cover, the Ukraine and oblasts
summary, the gap table of the chosen level (hromadas by default), the
funding plan when one was made, the assumptions and the data quality of
every input file. ``Export.xlsx()`` is the workbook, ``Export.csv()`` the
table of the chosen level alone.

Nothing here reads the dataset's files: tables come from ``loaders`` (the
dataset, its validation reports) and ``metrics`` (every measure, through
:mod:`exports.planning`). The only file read is the assumptions file, for
the units and sources its comments document.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.periods import parse_period
from core.schema import HROMADA_TYPES, KINDS, ROLES, UNIT_LEVELS
from core.text import TEXT, column_text, coverage_note, format_number, source_text, t
from core.text import label as column_label
from loaders import ALL_ROLES, DEFAULT_ASSUMPTIONS, DEFAULT_UNITS, Dataset, documented_parameters, read_manifest
from metrics import Assumptions, AtlasTables, compute_tables
from metrics.planning import coverage, coverage_notes

from . import planning
from .columns import COLUMNS, ColumnSpec
from .csv_writer import table_csv
from .xlsx import Cover, Sheet, write_workbook

__all__ = [
    "EXPORT_LEVELS",
    "Export",
    "assumptions_table",
    "build_export",
    "cover_from_notes",
    "cover_row",
    "dataset_rows",
    "full_workbook",
    "plan_workbook",
    "gap_table",
    "period_of",
    "quality_tables",
    "summary_table",
    "table_workbook",
]

#: Levels a gap table can be exported at.
EXPORT_LEVELS = UNIT_LEVELS  # the levels a gap table can be of

_ROLE_COLUMNS = [f"{r}_{w}" for r in ALL_ROLES for w in ("approved", "filled")]
#: Columns of ``Dataset.hromadas`` that tell whether a hromada has a figure of each kind.
_KIND_COLUMNS = {
    "population": ["population"],
    "idp": ["idp"],
    "staffing": _ROLE_COLUMNS,
    "caseload": ["families_sjo", "low_income_families"],
}
_ESTIMATED = ("population_estimated", "staffing_estimated", "caseload_estimated")

#: Per aggregate row: how many member hromadas are expected to report and how many each table covers.
_COVERAGE = ["hromadas", "hromadas_expected", *[f"{kind}_reporting" for kind in KINDS], "coverage"]
_LEAD = {
    "hromada": ["code", "pcode", "name_uk", "name_en", "oblast_name", "raion_name", "hromada_type"],
    "raion": ["code", "pcode", "name_uk", "name_en", "oblast_name", *_COVERAGE],
    "oblast": ["code", "pcode", "name_uk", "name_en", *_COVERAGE],
}
_PEOPLE = [
    "population",
    "population_estimated",
    "idp",
    "idp_estimated",
    "population_incl_idp",
    "idp_share",
    "children",
    "children_estimated",
]
_CASES = ["families_sjo", "low_income_families", "home_care_recipients", "cases", "caseload_per_worker"]
_STAFF = ["workers", "approved_positions", "vacancies", "vacancy_rate", "psychologists", "staffing_estimated"]
_COUNTS = ["hromadas_no_social_worker", "hromadas_no_psychologist", "hromadas_caseload_above"]
_RATIOS = [
    "workers_per_10k",
    "workers_per_10k_incl_idp",
    "workers_per_100k_children",
    "workers_per_10k_children",
    "children_per_worker",
    "residents_per_worker",
    "psychologists_per_100k",
]
_NEED = [
    "required_fte",
    "gap_fte",
    "shortfall_fte",
    "psychologist_required_fte",
    "psychologist_gap_fte",
    "children_required_fte",
    "children_gap_fte",
    "wisn_required",
    "wisn_difference",
    "wisn_ratio",
    "wisn_shortfall",
    *[f"{role}_wisn_{m}" for role in ROLES for m in ("required", "ratio", "shortfall")],
]
_FLAGS = [f"flag_{name}" for name in planning.FLAG_COLUMNS]
_PRIORITY = ["priority_rank", "priority_index", "priority_reasons"]


def _names(units: pd.DataFrame) -> pd.DataFrame:
    return units.drop_duplicates("code").set_index("code")


def _localise(table: pd.DataFrame, units: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = _names(units)[f"name_{lang}"]
    out = table.copy()
    for level in ("oblast", "raion"):
        if f"{level}_code" in out:
            out[f"{level}_name"] = out[f"{level}_code"].map(names)
    if "hromada_type" in out:
        out["hromada_type"] = out["hromada_type"].map(lambda v: t(v, lang) if v in HROMADA_TYPES else v)
    return out


def _figure_columns(frame: pd.DataFrame) -> list[str]:
    return [c for cols in _KIND_COLUMNS.values() for c in cols if c in frame]


def _hromada_parents(units: pd.DataFrame) -> pd.DataFrame:
    return units.loc[units["level"] == "hromada", ["code", "oblast_code", "raion_code"]].drop_duplicates("code")


def gap_table(
    dataset: Dataset,
    assumptions: Assumptions,
    level: str = "hromada",
    lang: str = "uk",
    *,
    tables: AtlasTables | None = None,
) -> pd.DataFrame:
    """The gap table of ``level``: names, staff by role, ratios, norm and WISN need and gap, flags, priority.

    Hromada rows are the hromada-level units with at least one figure
    (occupied units the dataset knows nothing about are left out; the data
    quality sheet counts them). Raion and oblast rows are every unit of the
    level, aggregated from sums by ``metrics``; a blank cell is "no data",
    never 0.

    Notes
    -----
    - every other measure: see ``metrics.planning_measures``

    ``tables`` is :func:`metrics.compute_tables` of the dataset and
    assumptions when the caller has it (the screen, the workbook and the
    command line share one); by default it is computed here.
    """
    if level not in EXPORT_LEVELS:
        raise ValueError(f"level must be one of {', '.join(EXPORT_LEVELS)}, got {level!r}")
    units = dataset.units
    tables = tables if tables is not None else compute_tables(dataset.hromadas, units, assumptions)
    measures = tables.level(level)
    names = _names(units)
    if level == "hromada":
        lead = units.loc[units["level"] == "hromada", ["code", "pcode", "name_uk", "name_en", "hromada_type"]]
        lead = _hromada_parents(units).merge(lead.drop_duplicates("code"), on="code")
        raw = dataset.hromadas
        extra = [c for c in raw.columns if c not in measures.columns and c != "code"]
        table = lead.merge(raw[["code", *extra]], on="code").merge(measures, on="code", how="left")
        table = table[raw.set_index("code").loc[table["code"], _figure_columns(raw)].notna().any(axis=1).to_numpy()]
        table = table.merge(planning.flag_columns(tables), on="code", how="left")
    else:
        table = measures.join(names[["pcode", "name_uk", "name_en", "oblast_code"]], on="code")
        # Every unit of the level, those without any figure too (shown as "no data").
        missing = names.index[(names["level"] == level) & ~names.index.isin(table["code"])]
        if len(missing):
            blank = pd.DataFrame({"code": missing}).join(
                names[["pcode", "name_uk", "name_en", "oblast_code"]], on="code"
            )
            table = pd.concat([table, blank], ignore_index=True)
    table = table.merge(planning.priority_columns(tables, level, lang), on="code", how="left")
    if level != "hromada":
        table["coverage"] = _blank_when_full(coverage_notes(table, lang, _loaded_kinds(tables)))
    table = _localise(table, units, lang)
    return table.sort_values("code").reset_index(drop=True)


def _loaded_kinds(tables: AtlasTables) -> tuple[str, ...]:
    """The kinds of table that cover at least one hromada (a kind with none is said once, on the cover)."""
    country = tables.country
    return tuple(k for k in KINDS if country.get(f"{k}_reporting", 0) > 0)


def _coverage_rows(tables: AtlasTables) -> list[tuple]:
    """Cover rows for the kinds of table that cover part of the country, or none of it."""
    country = tables.level("country")
    rows = []
    for kind in KINDS:
        if f"{kind}_reporting" not in country:
            continue
        share = coverage(country, kinds=(kind,)).iloc[0]
        uk, en = _kind(kind)
        if share["reporting"] == 0:
            texts = {lang: t("coverage_none", lang) for lang in ("uk", "en")}
        elif share["partial"]:
            texts = {
                lang: t("coverage_cover", lang, note=coverage_note(share["reporting"], share["expected"], lang))
                for lang in ("uk", "en")
            }
        else:
            continue
        rows.append((t("coverage_label", "en", kind=en), texts["en"], t("coverage_label", "uk", kind=uk), texts["uk"]))
    return rows


def _present(table: pd.DataFrame, names: list[str]) -> list[str]:
    """Columns of ``names`` that ``table`` has with at least one value (estimated flags: one True)."""
    out = []
    for c in dict.fromkeys(names):
        if c not in table:
            continue
        if c in _ESTIMATED:
            if table[c].fillna(False).astype(bool).any():
                out.append(c)
        elif c == "coverage":
            if table[c].fillna("").astype(bool).any():
                out.append(c)
        elif c in ("code", "name_uk", "name_en", "idp_estimated") or table[c].notna().any():
            out.append(c)
    return out


def gap_columns(table: pd.DataFrame, level: str) -> list[str]:
    """The columns of a gap table of ``level`` to export, in order (those the table fills)."""
    roles = _ROLE_COLUMNS if level == "hromada" else []
    flags = _FLAGS if level == "hromada" else _COUNTS
    cases = _CASES if level == "hromada" else ["cases", "caseload_per_worker"]
    wanted = [*_LEAD[level], *_PEOPLE, *cases, *roles, *_STAFF, *flags, *_RATIOS, *_NEED, *_PRIORITY]
    return _present(table, wanted)


def summary_table(
    dataset: Dataset, assumptions: Assumptions, lang: str = "uk", *, tables: AtlasTables | None = None
) -> pd.DataFrame:
    """Ukraine (code ``UA``) and then every oblast, with the oblast gap-table columns."""
    tables = tables if tables is not None else compute_tables(dataset.hromadas, dataset.units, assumptions)
    oblasts = gap_table(dataset, assumptions, "oblast", lang, tables=tables)
    country = tables.level("country")
    country = country.assign(code="UA", pcode="UA", name_uk="Україна", name_en="Ukraine")
    country = country.assign(coverage=_blank_when_full(coverage_notes(country, lang, _loaded_kinds(tables))))
    return pd.concat([country, oblasts], ignore_index=True)


# --- assumptions -----------------------------------------------------------------------------------------------

_ARRAY_INDEX = re.compile(r"\[\d+\]")


def _flatten(value, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(value, dict):
        rows = []
        for k, v in value.items():
            rows += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return rows
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        rows = []
        for i, item in enumerate(value, start=1):
            rows += _flatten(item, f"{prefix}[{i}]")
        return rows
    if isinstance(value, (list, tuple)):
        return [(prefix, ", ".join(map(str, value)))]
    return [(prefix, value)]


def assumptions_table(assumptions: Assumptions, path: Path | None = None) -> pd.DataFrame:
    """Every planning parameter with its value, unit and source, in the order of the assumptions file.

    Values come from ``assumptions`` (what the export used: its
    ``to_dict()``, the shape of the TOML file); units and sources from the
    comments of the assumptions file ``path`` (default
    ``data/assumptions.toml``).
    """
    if not isinstance(assumptions, Assumptions):
        raise TypeError(f"assumptions: expected metrics.Assumptions, got {type(assumptions).__name__}")
    spec = assumptions.to_dict()
    docs = documented_parameters(Path(path) if path else DEFAULT_ASSUMPTIONS)
    # Keys the user's file leaves out are documented in the default file.
    for key, doc in documented_parameters(DEFAULT_ASSUMPTIONS).items():
        docs.setdefault(key, doc)
    rows = []
    for key, value in _flatten(spec):
        unit, source = docs.get(key) or docs.get(_ARRAY_INDEX.sub("", key), ("", ""))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        rows.append({"parameter": key, "value": value, "unit": unit or None, "source": source or None})
    order = {key: i for i, key in enumerate(docs)}
    table = pd.DataFrame(rows, columns=["parameter", "value", "unit", "source"])
    table["_order"] = [order.get(_ARRAY_INDEX.sub("", k), order.get(k, len(order))) for k in table["parameter"]]
    table = table.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    table["value"] = table["value"].astype(object)
    return table


# --- data quality ----------------------------------------------------------------------------------------------


def _report_kind(report) -> str:
    kind = getattr(report, "kind", None)
    if kind:
        return str(kind).lower()
    return str(report.source).split(" file ", 1)[0].strip().lower()


def _shown_path(path, manifest: Path | None) -> str | None:
    """A file's path relative to the manifest's folder (else its name): no user's home folders in a report."""
    if path is None:
        return None
    path = Path(str(path))
    if manifest is not None:
        try:
            return str(path.resolve().relative_to(Path(manifest).resolve().parent))
        except ValueError:
            pass
    return path.name


def _units_file(manifest: Path | None) -> str | None:
    """The units table a manifest names (None: the codifier units shipped with the app)."""
    if manifest is None:
        return None
    try:
        units = read_manifest(Path(manifest)).units
    except (OSError, ValueError):
        return None
    return _shown_path(units, manifest) if units else DEFAULT_UNITS.name


def _totals_text(totals: dict, lang: str) -> str | None:
    """The totals a loader read from a file (``Населення 41 167 335; ВПО 3 426 000``), for a quick check."""
    parts = []
    for field, value in totals.items():
        if value is None or pd.isna(value):
            continue
        parts.append(f"{column_label(field, lang)} {format_number(value, 0 if float(value).is_integer() else 1, lang)}")
    return "; ".join(parts) or None


def quality_tables(
    dataset: Dataset, lang: str = "uk", manifest: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(files, issues): each input file with its validation summary, and every problem found.

    ``files`` has one row for the units table and one per validation report
    of the dataset (boundary layers and tables): status, rows read and
    matched, unmatched rows, errors, warnings, hromadas with a figure,
    reference date and source. ``issues`` has one row per error, warning or
    unmatched row (with the closest names), and a note on hromada-level
    units left out for having no figure at all.
    """
    ok, bad = t("file_usable", lang), t("file_not_usable", lang)
    hromadas = dataset.hromadas
    units = dataset.units
    hromada_units = int((units["level"] == "hromada").sum())
    files = [
        {
            "kind": t("kind_units", lang),
            "file": _units_file(manifest),
            "status": ok,
            "rows": len(units),
            "source": source_text(dataset.sources.get("units"), lang) or None,
        }
    ]
    issues = []
    for report in dataset.reports:
        kind = _report_kind(report)
        found = list(getattr(report, "issues", []))
        unmatched = list(getattr(report, "unmatched", []) or [])
        errors = [x for x in found if getattr(x, "severity", "error") == "error"]
        columns = [c for c in _KIND_COLUMNS.get(kind, []) if c in hromadas]
        name = _shown_path(getattr(report, "path", None), manifest) or str(report.source)
        rows = getattr(report, "rows", 0) or None
        level = getattr(report, "level", None)
        label = t(f"kind_{kind}", lang) if f"kind_{kind}" in TEXT["uk"] else kind
        files.append(
            {
                "kind": f"{label}: {level}" if kind == "boundaries" and level else label,
                "file": name,
                "sheet": getattr(report, "sheet", None),
                "level": level,
                "status": bad if errors else ok,
                "rows": rows,
                "matched": getattr(report, "matched", None) if rows else None,
                "unmatched": len(unmatched) if rows else None,
                "errors": len(errors),
                "warnings": len(found) - len(errors),
                "hromadas_with_figure": int(hromadas[columns].notna().any(axis=1).sum()) if columns else None,
                "totals": _totals_text(getattr(report, "totals", None) or {}, lang),
                "reference_date": dataset.reference_dates.get(kind),
                "source": source_text(dataset.sources.get(kind), lang) or None,
            }
        )
        for issue in found:
            issues.append(
                {
                    "file": name,
                    "row": issue.row,
                    "column": column_text(issue.column, getattr(issue, "header", None), lang) or None,
                    "severity": t(f"issue_{issue.severity}", lang),
                    "message": issue.text(lang),
                }
            )
        for item in unmatched:
            hint = "; ".join(item.suggested(lang))
            issues.append(
                {
                    "file": name,
                    "row": item.row,
                    "severity": t("issue_unmatched", lang),
                    "message": t("issue_closest", lang, value=item.value, hint=hint) if hint else f"{item.value}",
                }
            )
    left_out = hromada_units - int(hromadas[_figure_columns(hromadas)].notna().any(axis=1).sum())
    if left_out:
        issues.append(
            {
                "severity": t("issue_note", lang),
                "message": t("issue_left_out", lang, count=left_out),
            }
        )
    file_columns = ["kind", "file", "sheet", "level", "status", "rows", "matched", "unmatched", "errors",
                    "warnings", "hromadas_with_figure", "totals", "reference_date", "source"]  # fmt: skip
    files_table = pd.DataFrame(files, columns=file_columns)
    keep = [c for c in file_columns if c in ("kind", "file", "status") or files_table[c].notna().any()]
    return files_table[keep], pd.DataFrame(issues, columns=["file", "row", "column", "severity", "message"])


# --- cover -----------------------------------------------------------------------------------------------------


def cover_row(key: str, value_en, value_uk=None, **params) -> tuple[str, object, str, object]:
    """A cover row ``(label_en, value_en, label_uk, value_uk)`` labelled by the catalogue's ``key``."""
    return (t(key, "en", **params), value_en, t(key, "uk", **params), value_en if value_uk is None else value_uk)


def _text_row(key: str, text_key: str, **params) -> tuple[str, object, str, object]:
    """A cover row whose label and value are both catalogue texts (``key`` and ``text_key``)."""
    return (t(key, "en"), t(text_key, "en", **params), t(key, "uk"), t(text_key, "uk", **params))


def _kind_row(key: str, kind: str, value, value_uk=None) -> tuple[str, object, str, object]:
    """A cover row about one kind of data (``Source: population`` / ``Джерело: населення``).

    ``value`` in both columns, or ``value`` in the English one and ``value_uk`` in the Ukrainian one."""
    uk, en = _kind(kind)
    return (t(key, "en", kind=en), value, t(key, "uk", kind=uk), value if value_uk is None else value_uk)


def _kind(kind: str) -> tuple[str, str]:
    """The Ukrainian and English name of a kind of data (``kind_<kind>`` in the catalogue; the kind itself if none)."""
    key = f"kind_{kind}"
    return (t(key, "uk"), t(key, "en")) if key in TEXT["uk"] else (kind, kind)


def _estimated_rows(dataset: Dataset) -> list[tuple]:
    rows = []
    n = len(dataset.hromadas)
    for kind in ("population", "idp", "staffing", "caseload"):
        column = f"{kind}_estimated"
        if column not in dataset.hromadas:
            continue
        count = int(dataset.hromadas[column].fillna(False).astype(bool).sum())
        if count:
            uk, en = _kind(kind)
            rows.append(
                (
                    t("cover_estimated", "en", kind=en),
                    t("cover_estimated_text", "en", count=count, total=n),
                    t("cover_estimated", "uk", kind=uk),
                    t("cover_estimated_text", "uk", count=count, total=n),
                )
            )
    return rows


def _blank_when_full(notes):
    """Coverage notes for a workbook: a unit covered in full gets an empty cell (None), not an empty text."""
    return [note or None for note in notes]


def dataset_rows(
    dataset: Dataset, assumptions: Assumptions | None = None, period: str | None = None
) -> tuple[tuple[str, object, str, object], ...]:
    """The cover rows that describe a dataset (and the assumptions its figures use), in both languages.

    Title, the period of the figures (``period``, else :func:`period_of` the dataset), reference
    date of each table, the norm and the population base of need, boundaries, estimated figures
    and sources. Every workbook's cover starts with them; the app keeps them
    as ``AtlasData.notes`` for its table downloads.
    """
    rows = [cover_row("cover_dataset", dataset.title)]
    period = period or period_of(dataset)
    if period:
        rows.append(cover_row("cover_period", period))
    rows += [_kind_row("cover_reference_date", kind, str(date)) for kind, date in dataset.reference_dates.items()]
    if assumptions is not None:
        norm, weight = assumptions.workers_per_10k, assumptions.idp_weight
        rows.append(_text_row("cover_norm", "cover_norm_text", norm=norm, weight=weight))
        base = assumptions.population_base
        rows.append(_text_row("cover_population_base", f"base_name_{base}"))
    where_from = dataset.sources.get("boundaries")

    def suffix(lang: str) -> str:
        return f" ({source_text(where_from, lang)})" if where_from else ""

    which = "cover_boundaries_approximate" if dataset.approximate_boundaries else "cover_boundaries_given"
    rows.append(
        (
            t("cover_boundaries", "en"),
            t(which, "en") + suffix("en"),
            t("cover_boundaries", "uk"),
            t(which, "uk") + suffix("uk"),
        )
    )
    rows += _estimated_rows(dataset)
    given = dataset.hromadas.get("population_children")
    if assumptions is not None and assumptions.children_shares and (given is None or given.isna().any()):
        rows.append(
            (
                column_label("children", "en"),
                t("estimated_children", "en").lstrip("* "),
                column_label("children", "uk"),
                t("estimated_children", "uk").lstrip("* "),
            )
        )
    rows += [
        _kind_row("cover_source", kind, source_text(source, "en"), source_text(source, "uk"))
        for kind, source in dataset.sources.items()
    ]
    return tuple(rows)


def _display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder or to the app, when inside them."""
    path = Path(path)
    for base in (Path.cwd(), DEFAULT_ASSUMPTIONS.parent.parent):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def period_of(dataset: Dataset) -> str | None:
    """The reference period of a dataset's figures: its staffing table's period, when that is a period.

    A dataset read from the store (``store.Store.dataset(P)``) carries the
    period of the staffing table in use (a quarter such as ``2025-Q3``);
    files whose staffing is dated "synthetic" have none (None).
    """
    text = dataset.reference_dates.get("staffing")
    try:
        return parse_period(text).label if text else None
    except ValueError:
        return None


def _cover(
    dataset: Dataset,
    assumptions,
    *,
    contents: list[str],
    manifest: Path | None,
    assumptions_path: Path | None,
    scenario: str | None,
    generated_at: dt.datetime,
    extra: tuple = (),
    period: str | None = None,
) -> Cover:
    rows = list(dataset_rows(dataset, assumptions, period))
    if manifest is not None:
        rows.insert(1, cover_row("cover_manifest", _display_path(manifest)))
    if scenario:
        rows.append(cover_row("cover_scenario", scenario))
    else:
        rows.append(_text_row("cover_scenario", "cover_scenario_base"))
    rows.append(cover_row("cover_assumptions_file", _display_path(assumptions_path or DEFAULT_ASSUMPTIONS)))
    rows += list(extra)
    rows.append(cover_row("cover_generated", generated_at.isoformat(timespec="seconds")))
    rows.append(_text_row("cover_no_data", "cover_no_data_text"))
    for key in contents:
        rows.append(
            (
                t("cover_sheet", "en", sheet=t(f"sheet_{key}", "en")),
                t(f"sheet_{key}_about", "en"),
                t("cover_sheet", "uk", sheet=t(f"sheet_{key}", "uk")),
                t(f"sheet_{key}_about", "uk"),
            )
        )
    return Cover(t("cover_title_gaps", "en"), t("cover_title_gaps", "uk"), tuple(rows))


def cover_from_notes(notes=(), *, shown: tuple[tuple[str, object, str, object], ...] = ()) -> Cover:
    """A cover for a table as the app shows it: the dataset's rows (``notes``, :func:`dataset_rows`), then ``shown``.

    ``shown`` rows (``(label_en, value_en, label_uk, value_uk)``) say what is shown: level,
    metric, filter, sorting, or a plan's budget and parameters.
    """
    rows = [*notes, *shown]
    rows.append(cover_row("cover_generated", dt.datetime.now().astimezone().isoformat(timespec="seconds")))
    rows.append(_text_row("cover_no_data", "cover_no_data_text"))
    return Cover(t("cover_title_shown", "en"), t("cover_title_shown", "uk"), tuple(rows))


# --- the export ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A full export: the cover, every sheet and the table of the chosen level.

    ``sheets`` are in workbook order after the cover; ``main`` is the gap
    table of ``level`` (what a CSV export writes); ``summary`` is one line
    for the command line.
    """

    lang: str
    level: str
    cover: Cover
    sheets: tuple[Sheet, ...]
    main: Sheet
    summary: str
    #: the reference period the figures are of (``period_of``), written on the cover and in every CSV row
    period: str | None = None

    def xlsx(self) -> bytes:
        """The workbook: cover first, then every sheet."""
        return write_workbook(self.sheets, self.lang, self.cover)

    def csv(self) -> bytes:
        """The table of the chosen level as CSV (UTF-8 with BOM, so Excel reads Cyrillic).

        With a known period, its first column says it on every row (a CSV has no cover).
        """
        if self.period is None:
            return table_csv(self.main.table, self.main.specs(), self.lang)
        table = self.main.table.assign(period=self.period)
        return table_csv(table, [ColumnSpec("period", "text"), *self.main.specs()], self.lang)


def _funding_table(
    dataset: Dataset, assumptions: Assumptions, budget: float, objective: str, lang: str
) -> tuple[pd.DataFrame, tuple]:
    """The funding plan sheet: :func:`exports.planning.plan_rows` of the plan for ``budget`` and its cover facts."""
    plan = planning.funding_plan(dataset.hromadas, dataset.units, assumptions, budget, objective, lang)
    return plan.table, plan.facts


def _count(x: float, decimals: int = 0) -> str:
    return "no data" if pd.isna(x) else f"{x:,.{decimals}f}"


def _summary_line(summary: pd.DataFrame, rows: int, level: str, assumptions: Assumptions) -> str:
    country = summary.iloc[0]
    what = {"hromada": "hromadas", "raion": "raions", "oblast": "oblasts"}[level]
    line = (
        f"{rows:,} {what}; Ukraine: {_count(country['workers'])} community social workers for "
        f"{_count(country['population'])} residents and {_count(country['idp'])} IDPs, "
        f"gap to the norm ({assumptions.workers_per_10k:g} per 10,000) {_count(country['gap_fte'], 1)} positions"
    )
    if "wisn_required" in summary and pd.notna(country.get("wisn_required")):
        line += f", WISN need {_count(country['wisn_required'], 1)}"
    return line


def _specs(columns: list[str]) -> tuple[ColumnSpec, ...]:
    return tuple(COLUMNS.get(c) or ColumnSpec(c) for c in columns)


def build_export(
    dataset: Dataset,
    assumptions,
    *,
    lang: str = "uk",
    level: str = "hromada",
    manifest: Path | None = None,
    assumptions_path: Path | None = None,
    scenario: str | None = None,
    budget: float | None = None,
    objective: str = "coverage",
    generated_at: dt.datetime | None = None,
    computed: AtlasTables | None = None,
    period: str | None = None,
) -> Export:
    """Every table of the full export of ``dataset`` under ``assumptions``.

    Parameters
    ----------
    dataset, assumptions
        What :func:`loaders.load_dataset` and :func:`loaders.read_assumptions`
        return (a scenario already applied, if any).
    lang
        ``"uk"`` or ``"en"``: headers, sheet names, oblast names and labels.
    level
        The gap table to include after the Ukraine and oblasts summary:
        ``"hromada"`` (default), ``"raion"`` or ``"oblast"`` (the summary only).
    manifest, assumptions_path, scenario
        Shown on the cover; ``manifest`` also names input files relative to it.
    budget, objective
        With a budget (UAH a year), a funding plan sheet: the positions
        ``metrics.allocate`` funds for that budget and objective
        (``"coverage"`` or ``"equity"``), hromadas in priority order.
    generated_at
        Time stamp on the cover (default: now).
    computed
        :func:`metrics.compute_tables` of ``dataset`` and ``assumptions`` when
        the caller has it (the dashboard's session does): the workbook then
        shows exactly the figures of the screen. Computed here otherwise.
    period
        The reference period of the figures (a published period); default
        :func:`period_of` the dataset. Named on the cover and in the CSV.
    """
    period = period or period_of(dataset)
    if lang not in ("uk", "en"):
        raise ValueError(f"lang must be 'uk' or 'en', got {lang!r}")
    if level not in EXPORT_LEVELS:
        raise ValueError(f"level must be one of {', '.join(EXPORT_LEVELS)}, got {level!r}")
    computed = computed if computed is not None else compute_tables(dataset.hromadas, dataset.units, assumptions)
    summary = summary_table(dataset, assumptions, lang, tables=computed)
    tables = [("summary", summary, gap_columns(summary, "oblast"))]
    if level != "oblast":
        table = gap_table(dataset, assumptions, level, lang, tables=computed)
        tables.append((level, table, gap_columns(table, level)))
    facts: tuple = ()
    if budget is not None:
        funding, facts = _funding_table(dataset, assumptions, budget, objective, lang)
        tables.append(("funding", funding, _present(funding, list(planning.PLAN_COLUMNS))))
    tables.append(("assumptions", assumptions_table(assumptions, assumptions_path), None))
    files, issues = quality_tables(dataset, lang, manifest)
    tables += [("quality", files, None), ("issues", issues, None)]
    sheets = {
        key: Sheet(t(f"sheet_{key}", lang), table, _specs(columns) if columns else ()) for key, table, columns in tables
    }
    main = sheets[level if level != "oblast" else "summary"]
    cover = _cover(
        dataset,
        assumptions,
        contents=list(sheets),
        manifest=manifest,
        assumptions_path=assumptions_path,
        scenario=scenario,
        generated_at=generated_at or dt.datetime.now().astimezone(),
        extra=(*_coverage_rows(computed), *facts),
        period=period,
    )
    rows = len(main.table) - (1 if level == "oblast" else 0)
    line = _summary_line(summary, rows, level, assumptions)
    for kind in _loaded_kinds(computed):
        share = coverage(computed.level("country"), kinds=(kind,)).iloc[0]
        if share["partial"]:
            line += f"; {kind} {coverage_note(share['reporting'], share['expected'], 'en')}"
    if scenario:
        line += f"; scenario: {scenario}"
    if "funding" in sheets:
        plan = sheets["funding"].table
        line += f"; funding plan: {int(plan['positions'].sum()):,} positions in {len(plan):,} hromadas"
        line += f" for {plan['cost'].sum():,.0f} of {budget:,.0f} UAH a year"
    return Export(lang, level, cover, tuple(sheets.values()), main, line, period)


def table_workbook(
    table: pd.DataFrame,
    columns=None,
    lang: str = "uk",
    title: str | None = None,
    notes=(),
    *,
    shown: tuple[tuple[str, object, str, object], ...] = (),
) -> bytes:
    """One table of the app as a workbook: the table (formatted like the full export) and a ``Notes`` cover.

    Parameters
    ----------
    table
        The rows shown (already filtered and sorted).
    columns
        Column names to write, in order (default: every column of ``table``
        that :data:`~exports.columns.COLUMNS` knows).
    lang
        ``"uk"`` or ``"en"``.
    title
        Sheet name (default "Таблиця" / "Table").
    notes
        The dataset's cover rows (:func:`dataset_rows`; the app keeps them as ``AtlasData.notes``).
    shown
        What the table shows (see :func:`cover_from_notes`).
    """
    names = [c for c in (columns or [c for c in table.columns if c in COLUMNS]) if c in table.columns]
    sheet = Sheet(title or t("sheet", lang), table, _specs(names))
    cover = cover_from_notes(notes, shown=shown)
    return write_workbook([sheet], lang, cover, cover_first=False)


def plan_workbook(
    table: pd.DataFrame,
    facts: tuple,
    dataset: Dataset,
    lang: str = "uk",
    notes: tuple[tuple[str, object, str, object], ...] = (),
    period: str | None = None,
) -> bytes:
    """A funding plan as a workbook a donor can read: the one plan table and its cover.

    The cover names the period of the figures (``period``, else :func:`period_of` the dataset).

    ``table`` is :func:`exports.planning.plan_rows` (hromada, oblast, role,
    positions, cost, the figures before and after) and ``facts``
    :func:`exports.planning.plan_facts` (budget, objective, every parameter
    the caller set, the solver's answer beside the greedy baseline, the
    caveat). The Funding page's download and ``python app.py allocate
    --out`` both write it.
    """
    return table_workbook(
        table,
        list(planning.PLAN_COLUMNS),
        lang,
        t("plan_sheet", lang),
        notes or dataset_rows(dataset, period=period),
        shown=facts,
    )


def full_workbook(
    dataset: Dataset, assumptions: Assumptions, lang: str = "uk", level: str = "hromada", **options
) -> bytes:
    """The full export of ``dataset`` as .xlsx bytes (``options``: see :func:`build_export`)."""
    return build_export(dataset, assumptions, lang=lang, level=level, **options).xlsx()
