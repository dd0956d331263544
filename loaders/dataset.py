"""A dataset: units, boundaries and the input tables, loaded from a manifest.

A manifest is a small TOML file that names the files of a dataset, relative
to the manifest's folder. The short form names a file per kind::

    title = "Kharkiv oblast, 2025-Q2 returns"
    units = "units.csv"

    [boundaries]
    hromada = "hromadas.gpkg"

    [tables]
    population = "population_2022.xlsx"
    staffing = "staffing_2025q2.xlsx"

    [reference_dates]
    population = "2022-01-01"
    staffing = "2025-06-30"

Each boundary or table entry may instead be a table of options::

    [boundaries.hromada]
    path = "ukr_admbnda_sspe_20240416_SHP.zip"   # zipped shapefiles, GeoJSON or GeoPackage
    layer = "ukr_admbnda_adm3_sspe_20240416.shp" # when the file has several layers
    simplify = 0.001                             # display tolerance in degrees (0: none)

    [tables.idp]
    path = "idp-estimates-r20_publish.xlsx"
    sheet = "Estimated Population"               # a name or a number from 1; default: the sheet with the data
    columns = { idp = "Estimated de facto IDPs present" }   # field = header text or column letter
    codes = { Temp03 = "UA80000000000093317" }   # code in the file = KATOTTG code
    header_row = 1                               # when the header cannot be found
    cells = { "-" = "unknown" }                  # signs that differ from the State Statistics conventions
    disaggregate = "population"                  # oblast/raion figures to hromadas: "population" or "none"
    reference_date = "2025-04-30"
    source = "IOM DTM General Population Survey, round 20"

``units`` is optional: by default the codifier units shipped with the app
(``data/demo/units.csv``: every oblast, raion and hromada of the official
KATOTTG codifier) are used. The embedded demo is ``data/demo/manifest.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from core.schema import ALL_ROLES, HROMADA_COLUMNS, KINDS, OCCUPIED_SINCE_2014, ROLES, UNIT_COLUMNS, UNIT_LEVELS

from .boundaries import DISPLAY_TOLERANCE, read_boundaries, read_boundary_file
from .errors import DataValidationError, ValidationReport, read_toml
from .fields import CANONICAL_FIELDS
from .inputs import read_figures
from .levels import DISAGGREGATION_RULES, codes_in, disaggregate
from .messages import MessageError, msg, source_message, source_value
from .names import unit_index
from .status import hromada_status, read_status_table

__all__ = [
    "DEMO_MANIFEST",
    "DEFAULT_UNITS",
    "LEVELS",
    "BOUNDARY_LEVELS",
    "HROMADA_COLUMNS",
    "BoundarySpec",
    "TableSpec",
    "Manifest",
    "Dataset",
    "default_units",
    "load_dataset",
    "load_demo",
    "read_manifest",
    "read_units",
    "read_boundaries",
    "assemble",
    "with_file",
    "table_change",
    "TableChange",
    "UPLOAD_MODES",
    "covered_hromadas",
    "unit_counts",
]

KYIV_CODE = "UA80000000000093317"
_OCCUPIED_SINCE_2014 = OCCUPIED_SINCE_2014  # Crimea and Sevastopol
DEMO_MANIFEST = Path(__file__).resolve().parent.parent / "data" / "demo" / "manifest.toml"
DEFAULT_UNITS = DEMO_MANIFEST.parent / "units.csv"
LEVELS = UNIT_LEVELS
BOUNDARY_LEVELS = (*UNIT_LEVELS, "settlement")
_UNIT_COLUMNS = UNIT_COLUMNS
_VALUE_COLUMNS = (
    "population",
    "idp",
    *[f"{role}_{what}" for role in ROLES for what in ("approved", "filled")],
    "families_sjo",
    "low_income_families",
)
_EXTRA_COLUMNS = (
    "population_children",
    "population_urban",
    "idp_children",
    *[f"{role}_{what}" for role in ALL_ROLES[len(ROLES) :] for what in ("approved", "filled")],
    *[f"{role}_annual_cost" for role in ALL_ROLES],
    "children_disabilities",
    "open_cases",
    "home_care_recipients",
)
_TABLE_OPTIONS = {
    "path",
    "sheet",
    "columns",
    "codes",
    "header_row",
    "cells",
    "disaggregate",
    "reference_date",
    "source",
}
_BOUNDARY_OPTIONS = {"path", "layer", "simplify", "level"}
_TOP_KEYS = {"title", "approximate_boundaries", "units", "boundaries", "tables", "reference_dates", "sources", "status"}
_STATUS_OPTIONS = {"path", "sheet", "reference_date", "source"}


@dataclass(frozen=True)
class Dataset:
    """Everything the metrics need, keyed by KATOTTG code.

    Attributes
    ----------
    units
        Every oblast, raion and hromada-level unit (``_UNIT_COLUMNS``).
    boundaries
        Level -> GeoDataFrame with ``code``, ``pcode``, ``level``, ``name``,
        ``area_km2``, ``geometry`` (simplified for display, EPSG:4326) and
        ``geometry_full``.
    hromadas
        One row per hromada-level unit (:data:`HROMADA_COLUMNS`): ``code``,
        ``population``, ``idp``, ``idp_estimated``, the staffing and caseload
        columns, the further canonical fields, and ``population_estimated``,
        ``staffing_estimated``, ``caseload_estimated``; NaN where a figure is
        not known. A flag is True where the hromada's figure was split from
        an oblast or raion figure (or, for IDPs, marked estimated in the file).
    figures
        Kind -> the figures as the file gave them: ``code``, ``level``
        (oblast, raion or hromada), the canonical fields and ``row``.
    levels
        Kind -> the level of the file's figures.
    status
        The territorial status list (:func:`loaders.status.read_status`:
        ``code``, ``status``, ``detail``, ``reference_date``, ``source``),
        or None when the dataset has none. ``hromadas["territorial_status"]``
        holds each hromada's status (``"none"`` if not listed; None without a list).
    """

    title: str
    units: pd.DataFrame
    boundaries: dict[str, gpd.GeoDataFrame]
    hromadas: pd.DataFrame
    approximate_boundaries: bool = False
    reference_dates: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    reports: tuple[ValidationReport, ...] = ()
    figures: dict[str, pd.DataFrame] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    status: pd.DataFrame | None = None


@dataclass(frozen=True)
class TableSpec:
    """One table of a manifest (see the module docstring for the options)."""

    kind: str
    path: Path
    sheet: str | int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    header_row: int | None = None
    disaggregate: str = "population"
    reference_date: str | None = None
    source: str | None = None
    cells: dict[str, str] = field(default_factory=dict)

    def options(self) -> dict[str, Any]:
        """Keyword arguments of :func:`~loaders.inputs.read_figures`."""
        return {
            "columns": self.columns or None,
            "codes": self.codes or None,
            "header_row": self.header_row,
            "cells": self.cells or None,
        }


@dataclass(frozen=True)
class BoundarySpec:
    """One boundary file of a manifest."""

    level: str
    path: Path
    layer: str | None = None
    simplify: float | None = DISPLAY_TOLERANCE


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: paths resolved against its folder."""

    path: Path
    title: str
    units: Path | None
    boundaries: tuple[BoundarySpec, ...]
    tables: tuple[TableSpec, ...]
    approximate_boundaries: bool = False
    reference_dates: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    status: TableSpec | None = None


def _entry(name: str, value: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if isinstance(value, str):
        return {"path": value}
    if not isinstance(value, dict):
        raise MessageError(msg("manifest_entry", where=where, name=name, value=repr(value)))
    unknown = set(value) - allowed
    if unknown:
        raise MessageError(
            msg(
                "manifest_options",
                where=where,
                unknown=", ".join(sorted(unknown)),
                name=name,
                known=", ".join(sorted(allowed)),
            )
        )
    if not isinstance(value.get("path"), str):
        raise MessageError(msg("manifest_path", where=where, name=name, value=repr(value.get("path"))))
    return value


def _source(value: Any, where: str, key: str) -> str | None:
    """A manifest's source: text as written, or ``{uk = "...", en = "..."}`` kept as a message said in each language."""
    if value is None or isinstance(value, str):
        return value
    if (
        isinstance(value, dict)
        and value
        and set(value) <= {"uk", "en"}
        and all(isinstance(v, str) for v in value.values())
    ):
        return source_value(msg("stored_text", text=dict(value)))
    raise MessageError(msg("manifest_source", where=where, key=key, value=repr(value)))


def read_manifest(manifest: Path) -> Manifest:
    """Parse and check a dataset manifest (TOML); errors name the key and what was expected."""
    manifest = Path(manifest)
    where = manifest.name
    spec = read_toml(manifest, "dataset manifest", where)
    unknown = set(spec) - _TOP_KEYS
    if unknown:
        raise MessageError(
            msg("manifest_keys", where=where, unknown=", ".join(sorted(unknown)), known=", ".join(sorted(_TOP_KEYS)))
        )
    base = manifest.parent
    boundaries = []
    for level, value in spec.get("boundaries", {}).items():
        if level not in BOUNDARY_LEVELS:
            raise MessageError(msg("manifest_boundary_level", where=where, key=level, known=", ".join(BOUNDARY_LEVELS)))
        entry = _entry(level, value, _BOUNDARY_OPTIONS, where)
        simplify = entry.get("simplify", DISPLAY_TOLERANCE)
        if not isinstance(simplify, (int, float)) or simplify < 0:
            raise MessageError(msg("manifest_simplify", where=where, key=level, value=repr(simplify)))
        boundaries.append(BoundarySpec(level, base / entry["path"], entry.get("layer"), float(simplify)))
    tables = []
    reference_dates = {str(k): str(v) for k, v in spec.get("reference_dates", {}).items()}
    sources = {str(k): _source(v, where, f"sources.{k}") for k, v in spec.get("sources", {}).items()}
    for kind, value in spec.get("tables", {}).items():
        if kind not in KINDS:
            raise MessageError(msg("manifest_kind", where=where, value=kind, known=", ".join(KINDS)))
        entry = _entry(kind, value, _TABLE_OPTIONS, where)
        rule = entry.get("disaggregate", "population")
        if rule not in DISAGGREGATION_RULES:
            known = ", ".join(DISAGGREGATION_RULES)
            raise MessageError(msg("manifest_rule", where=where, key=kind, known=known, value=repr(rule)))
        for option in ("columns", "codes", "cells"):
            if not isinstance(entry.get(option, {}), dict):
                raise MessageError(
                    msg("manifest_table", where=where, key=f"{kind}.{option}", value=repr(entry[option]))
                )
        header_row = entry.get("header_row")
        if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
            raise MessageError(msg("manifest_header_row", where=where, key=kind, value=repr(header_row)))
        tables.append(
            TableSpec(
                kind=kind,
                path=base / entry["path"],
                sheet=None if entry.get("sheet") is None else str(entry["sheet"]),  # a name, or 1 for the first
                columns={str(k): str(v) for k, v in entry.get("columns", {}).items()},
                codes={str(k): str(v) for k, v in entry.get("codes", {}).items()},
                cells={str(k): str(v) for k, v in entry.get("cells", {}).items()},
                header_row=header_row,
                disaggregate=rule,
                reference_date=entry.get("reference_date"),
                source=_source(entry.get("source"), where, f"tables.{kind}.source"),
            )
        )
        if entry.get("reference_date"):
            reference_dates.setdefault(kind, str(entry["reference_date"]))
        if entry.get("source"):
            sources.setdefault(kind, tables[-1].source)
    status = None
    if "status" in spec:
        entry = _entry("status", spec["status"], _STATUS_OPTIONS, where)
        status = TableSpec(
            kind="status",
            path=base / entry["path"],
            sheet=None if entry.get("sheet") is None else str(entry["sheet"]),
            reference_date=entry.get("reference_date") or reference_dates.get("status"),
            source=_source(entry.get("source"), where, "status.source") or sources.get("status"),
        )
        if status.reference_date:
            reference_dates.setdefault("status", str(status.reference_date))
        if status.source:
            sources.setdefault("status", str(status.source))
    units = spec.get("units")
    return Manifest(
        path=manifest,
        title=str(spec.get("title", manifest.stem)),
        units=base / units if units else None,
        boundaries=tuple(boundaries),
        tables=tuple(tables),
        approximate_boundaries=bool(spec.get("approximate_boundaries", False)),
        reference_dates=reference_dates,
        sources=sources,
        status=status,
    )


def read_units(path: Path) -> pd.DataFrame:
    """The admin-unit table (CSV written by the demo build)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"units table not found: {path}")
    units = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in _UNIT_COLUMNS if c not in units]
    if missing:
        raise ValueError(f"units table {path.name}: missing column(s) {', '.join(missing)}")
    bad = ~units["level"].isin(LEVELS)
    if bad.any():
        first = bad.idxmax()
        raise ValueError(
            f"units table {path.name} row {int(first) + 2}: level must be one of {LEVELS}, "
            f"got {units.loc[first, 'level']!r}"
        )
    return units[list(_UNIT_COLUMNS)]


@lru_cache(maxsize=1)
def _default_units() -> pd.DataFrame:
    return read_units(DEFAULT_UNITS)


def default_units() -> pd.DataFrame:
    """The codifier's units shipped with the app (``data/demo/units.csv``); a copy, safe to change."""
    return _default_units().copy()


def _hromada_figures(
    kind: str,
    frame: pd.DataFrame,
    units: pd.DataFrame,
    population: pd.Series | None,
    rule: str,
    report: ValidationReport,
) -> tuple[pd.DataFrame, pd.Series]:
    """Hromada-level figures of one kind, and which were estimated by going down a level."""
    fields = list(CANONICAL_FIELDS[kind])
    # a field the figures do not carry (a period published before the field existed) is not known: NaN
    frame = frame.assign(**{f: np.nan for f in fields if f not in frame})
    hromada_codes = units.loc[units["level"] == "hromada", "code"]
    own = frame[(frame["level"] == "hromada").to_numpy(dtype=bool) & codes_in(frame["code"], hromada_codes)]
    upper = frame[codes_in(frame["level"], ["oblast", "raion"])]
    upper = upper[~codes_in(upper["code"], own["code"])]  # Kyiv city: its own hromada figure wins
    if kind == "population" and rule == "population":
        rule = "none"
    split, notes = disaggregate(upper, units, fields, population, rule)
    for note in notes:
        report.warn(note)
    split = split[~codes_in(split["code"], own["code"])]
    combined = pd.concat([own[["code", *fields]], split[["code", *fields]]], ignore_index=True)
    known = split[fields].notna().any(axis=1) if len(split) else pd.Series(dtype=bool)
    estimated = pd.Series(known.to_numpy(dtype=bool), index=split["code"].tolist(), dtype=bool)
    if kind == "idp" and "idp_estimated" in own:
        estimated = pd.concat([estimated, own.set_index("code")["idp_estimated"].astype(bool)])
    return combined, estimated


def _check_idp_against_population(
    idp: pd.DataFrame, population_hromadas: pd.DataFrame, units: pd.DataFrame, report: ValidationReport
) -> None:
    """Warn where IDPs exceed three times the population of the same unit (one warning per row, in row order).

    The population of an oblast or raion is the sum of its hromadas' (:func:`~loaders.levels.roll_up`).
    """
    from .levels import roll_up

    pops = {"hromada": population_hromadas.set_index("code")["population"]}
    for level in ("oblast", "raion"):
        pops[level] = roll_up(population_hromadas, units, level, ["population"]).set_index("code")["population"]
    pop = np.full(len(idp), np.nan)
    levels = idp["level"].to_numpy(dtype=object)
    for level, by_code in pops.items():
        at = np.flatnonzero(levels == level)
        if len(at):
            by_code = by_code[~by_code.index.duplicated()].astype(float)
            pop[at] = idp["code"].iloc[at].map(by_code).to_numpy(dtype=float, na_value=np.nan)
    values = pd.to_numeric(idp["idp"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        over = np.flatnonzero(~np.isnan(pop) & ~np.isnan(values) & (values > 3 * pop))
    codes, rows = idp["code"].to_numpy(dtype=object), idp["row"].to_numpy()
    for i in over.tolist():
        _warn_idp_over_population(report, values[i], pop[i], codes[i], int(rows[i]))


def _warn_idp_over_population(report: ValidationReport, idp: float, population: float, code: str, row: int) -> None:
    report.warn(
        "idp_over_population",
        {"idp": round(float(idp)), "population": round(float(population)), "code": code},
        row=row,
        column="idp",
    )


def assemble(
    units: pd.DataFrame,
    figures: dict[str, pd.DataFrame],
    reports: dict[str, ValidationReport],
    rules: dict[str, str] | None = None,
    status: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``Dataset.hromadas`` from the figures of each kind (see :mod:`loaders.levels` for going down a level).

    ``status`` (a :func:`loaders.status.read_status` frame) fills ``territorial_status``.
    """
    rules = rules or {}
    hromadas = units.loc[units["level"] == "hromada", ["code"]].drop_duplicates("code").reset_index(drop=True)
    population = None
    flags = {}
    for kind in KINDS:
        if kind not in figures:
            continue
        frame = figures[kind]
        report = reports.get(kind) or ValidationReport(kind)
        combined, estimated = _hromada_figures(kind, frame, units, population, rules.get(kind, "population"), report)
        hromadas = hromadas.merge(combined, on="code", how="left")
        flags[kind] = codes_in(hromadas["code"], estimated.index[estimated.to_numpy(dtype=bool)])
        if kind == "population":
            population = hromadas.set_index("code")["population"]
            if population.notna().any() and "idp" in figures:
                _check_idp_against_population(
                    figures["idp"], hromadas[["code", "population"]], units, reports.get("idp") or report
                )
    for column in (*_VALUE_COLUMNS, *_EXTRA_COLUMNS):
        if column not in hromadas:
            hromadas[column] = np.nan
        hromadas[column] = hromadas[column].astype(float)
    for kind in KINDS:
        hromadas[f"{kind}_estimated"] = flags[kind] if kind in flags else np.zeros(len(hromadas), dtype=bool)
    hromadas["territorial_status"] = hromada_status(hromadas["code"], status)
    for kind in KINDS:
        covered = covered_hromadas(figures[kind], units) if kind in figures else set()
        hromadas[f"{kind}_reported"] = codes_in(hromadas["code"], covered)
    return hromadas[list(HROMADA_COLUMNS)]


def unit_counts(units: pd.DataFrame) -> dict[str, int]:
    """The one count of units: ``hromadas`` (the territorial communities outside Crimea: 1,469 in the
    codifier), ``kyiv`` (Kyiv city, a hromada-level unit of its own: 1), ``crimea`` (the codifier's units of
    the Autonomous Republic of Crimea, occupied since 2014: 303, no figures) and ``oblasts``, ``raions``.

    Every output says "N hromadas and Kyiv" from these, so one dataset is counted one way everywhere.
    """
    h = units[units["level"] == "hromada"].drop_duplicates("code")
    crimea = h["code"].str.startswith(_OCCUPIED_SINCE_2014)
    kyiv = h["code"] == KYIV_CODE
    return {
        "hromadas": int((~crimea & ~kyiv).sum()),
        "kyiv": int(kyiv.sum()),
        "crimea": int(crimea.sum()),
        "oblasts": int((units["level"] == "oblast").sum()),
        "raions": int((units["level"] == "raion").sum()),
    }


def covered_hromadas(frame: pd.DataFrame, units: pd.DataFrame) -> set[str]:
    """Codes of the hromada-level units that the rows of ``frame`` are about: a hromada row its own, a raion
    or oblast row every hromada inside it."""
    if frame is None or frame.empty:
        return set()
    h = units[units["level"] == "hromada"]
    codes = frame["code"].astype(str)
    levels = frame["level"].to_numpy(dtype=object)
    inside = (
        codes_in(h["code"], codes)
        | codes_in(h["raion_code"], codes[levels == "raion"])
        | codes_in(h["oblast_code"], codes[levels == "oblast"])
    )
    return set(h.loc[inside, "code"])


def load_dataset(manifest: Path) -> Dataset:
    """Load every file a manifest names, check them, and join them by hromada code.

    Raises
    ------
    FileNotFoundError
        If the manifest or a file it names does not exist.
    ValueError
        If the manifest is malformed, or :class:`DataValidationError` when a
        file has errors (all of its problems are listed).
    """
    spec = read_manifest(manifest)
    units = read_units(spec.units) if spec.units else default_units()
    index = unit_index(units)
    boundaries: dict[str, gpd.GeoDataFrame] = {}
    reports: list[ValidationReport] = []
    for b in spec.boundaries:
        frame, report = read_boundary_file(b.path, index, b.level, layer=b.layer, simplify=b.simplify)
        reports.append(report)
        if report.errors:
            raise DataValidationError(report)
        boundaries[b.level] = frame
    figures: dict[str, pd.DataFrame] = {}
    kind_reports: dict[str, ValidationReport] = {}
    for t in spec.tables:
        frame, report = read_figures(t.path, t.kind, index, t.sheet, **t.options())
        reports.append(report)
        if report.errors:
            raise DataValidationError(report)
        figures[t.kind] = frame
        kind_reports[t.kind] = report
    status = None
    if spec.status is not None:
        status, report = read_status_table(spec.status, index)
        reports.append(report)
        if report.errors:
            raise DataValidationError(report)
    rules = {t.kind: t.disaggregate for t in spec.tables}
    hromadas = assemble(units, figures, kind_reports, rules, status)
    return Dataset(
        title=spec.title,
        units=units,
        boundaries=boundaries,
        hromadas=hromadas,
        approximate_boundaries=spec.approximate_boundaries,
        reference_dates=spec.reference_dates,
        sources=spec.sources,
        reports=tuple(reports),
        figures=figures,
        levels={kind: r.level for kind, r in kind_reports.items() if r.level},
        status=status,
    )


#: How an uploaded table joins the dataset: update only the units it gives (default), or replace the table.
UPLOAD_MODES = ("update", "replace")


@dataclass(frozen=True)
class TableChange:
    """What an uploaded table changed: ``kind``, ``mode``, the hromada-level ``units`` it gives figures for
    (of ``reporting`` hromadas that now report the kind, of ``total``), the old figures it displaced
    (``displaced``: rows of the previous table whose units it covers) and each field's national total
    ``before`` and ``after`` (NaN: no figure)."""

    kind: str
    mode: str
    units: int
    reporting: int
    total: int
    displaced: int
    before: dict[str, float]
    after: dict[str, float]

    def lines(self) -> list[str]:
        """The change as short English lines (the Data page translates them through its catalogue)."""
        out = [
            f"{self.kind}: {self.mode}; {self.units:,} hromada-level units in the file; "
            f"{self.reporting:,} of {self.total:,} now report"
        ]
        for name in self.after:
            b, a = self.before.get(name, float("nan")), self.after[name]
            if not (np.isnan(a) and np.isnan(b)):
                out.append(f"{name}: {_total(b)} -> {_total(a)}")
        return out


def _total(value: float) -> str:
    return "no data" if value is None or np.isnan(value) else f"{value:,.0f}"


def _merge_figures(old: pd.DataFrame | None, new: pd.DataFrame, units: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The previous figures of a kind with the rows of ``new`` in place of those about the same units.

    A previous row is displaced when its units overlap the new file's: the same hromada, or an oblast or
    raion row that contains (or is contained in) a unit the new file gives.
    """
    if old is None or old.empty:
        return new, 0
    covered = covered_hromadas(new, units)
    h = units[units["level"] == "hromada"].drop_duplicates("code")
    h = h[codes_in(h["code"], covered)]
    # an oblast (raion) row overlaps when a covered hromada is inside it; any other row is about one hromada
    inside = {"oblast": set(h["oblast_code"].dropna()), "raion": set(h["raion_code"].dropna())}
    levels, codes = old["level"].to_numpy(dtype=object), old["code"].to_numpy(dtype=object)
    keep = np.fromiter(
        (
            code not in (covered if level == "hromada" else inside["oblast" if level == "oblast" else "raion"])
            for level, code in zip(levels, codes)
        ),
        dtype=bool,
        count=len(old),
    )
    kept = old[keep]
    merged = pd.concat([kept, new], ignore_index=True) if len(kept) else new
    return merged.reset_index(drop=True), int(len(old) - len(kept))


def with_file(dataset: Dataset, report, mode: str = "update") -> Dataset:
    """A copy of ``dataset`` with the file of ``report`` (a usable ``FileReport``) in it.

    A table in ``mode="update"`` (the default) changes only the units it
    gives figures for: rows of the previous table about the same units
    (the same hromada, or an oblast or raion that overlaps one) are
    displaced, the others kept, so one oblast's return leaves the other
    oblasts' figures as they were. ``mode="replace"`` replaces the whole
    table of the kind. The hromada table is assembled again (splitting to
    hromadas by population where needed) and ``{kind}_reported`` says which
    hromadas the kind covers. A boundary file replaces the polygons of its
    level. The original dataset is not changed; :func:`table_change` says
    what changed.

    Raises
    ------
    ValueError
        If the report has errors (such a file never replaces loaded data), or ``mode`` is unknown.
    """
    if mode not in UPLOAD_MODES:
        raise ValueError(f"mode must be one of {', '.join(UPLOAD_MODES)}, got {mode!r}")
    if not report.ok or report.frame is None:
        raise ValueError(f"{report.kind} file {report.path}: has errors; the loaded data is kept")
    name = Path(str(report.path)).name
    new_report = (report.report,) if getattr(report, "report", None) is not None else ()
    if report.kind == "boundaries":
        reports = tuple(r for r in dataset.reports if getattr(r, "kind", None) != report.kind) + new_report
        boundaries = {**dataset.boundaries, report.level: report.frame}
        approximate = dataset.approximate_boundaries and not {"oblast", "hromada"} <= (
            {report.level} | {k for k, v in dataset.sources.items() if k.startswith("boundaries:")}
        )
        return replace(
            dataset,
            boundaries=boundaries,
            approximate_boundaries=approximate,
            sources={**dataset.sources, f"boundaries:{report.level}": source_value(msg("source_uploaded", name=name))},
            reports=reports,
        )
    kind = report.kind
    old = dataset.figures.get(kind)
    if mode == "update" and old is not None and not old.empty:
        frame, _displaced = _merge_figures(old, report.frame, dataset.units)
        reports = dataset.reports + new_report
        previous = source_message(dataset.sources.get(kind))
        source = source_value(msg("source_updated", previous=previous, name=name))
        level = dataset.levels.get(kind) if dataset.levels.get(kind) == report.level else "mixed"
        dates = dataset.reference_dates
    else:
        frame = report.frame
        reports = tuple(r for r in dataset.reports if getattr(r, "kind", None) != kind) + new_report
        source, level = source_value(msg("source_uploaded", name=name)), report.level
        dates = {k: v for k, v in dataset.reference_dates.items() if k != kind}
    figures = {**dataset.figures, kind: frame}
    hromadas, reports = _assemble_again(dataset, figures, reports)
    return replace(
        dataset,
        hromadas=hromadas,
        figures=figures,
        levels={**dataset.levels, kind: level},
        sources={**dataset.sources, kind: source},
        reference_dates=dates,
        reports=reports,
    )


def _assemble_again(dataset: Dataset, figures: dict[str, pd.DataFrame], reports: tuple) -> tuple[pd.DataFrame, tuple]:
    """:func:`assemble` of ``figures`` for a new dataset, and its reports.

    What assembling says (a split by population, IDPs above three times the
    population) goes to copies of the reports, never to those of ``dataset``
    (another session's dataset may hold them), and a note already in a report
    is not added again (every upload assembles the table again).
    """
    chosen = {r.kind: r for r in reports if getattr(r, "kind", None) in KINDS}
    copies = {kind: replace(r, issues=list(r.issues)) for kind, r in chosen.items()}
    counts = {kind: len(r.issues) for kind, r in copies.items()}
    hromadas = assemble(dataset.units, figures, copies, status=dataset.status)
    for kind, report in copies.items():
        if len(report.issues) == counts[kind]:
            continue  # nothing said (a file of 100,000 rows may bring as many issues: not hashed for nothing)
        seen, added = set(report.issues[: counts[kind]]), []
        for issue in report.issues[counts[kind] :]:
            if issue not in seen:
                seen.add(issue)
                added.append(issue)
        report.issues[counts[kind] :] = added
    swapped = {id(r): copies[kind] for kind, r in chosen.items()}
    return hromadas, tuple(swapped.get(id(r), r) for r in reports)


def table_change(before: Dataset, after: Dataset, kind: str, report=None, mode: str = "update") -> TableChange:
    """What :func:`with_file` changed for ``kind``: units, reporting hromadas, national totals before/after.

    Notes
    -----
    Totals are sums over hromadas of each canonical field, with ``min_count=1``
    (a field no hromada has is "no data"). ``units`` counts the hromada-level
    units the new file covers; ``displaced`` the previous rows it took the
    place of.
    """
    fields = [f for f in CANONICAL_FIELDS[kind] if f in after.hromadas]
    if kind == "staffing":
        fields = [f for f in fields if f.endswith(("_approved", "_filled")) and any(f.startswith(r) for r in ROLES)]
    new = report.frame if report is not None and report.frame is not None else after.figures.get(kind)
    units = len(covered_hromadas(new, after.units)) if new is not None else 0
    old = before.figures.get(kind)
    displaced = 0
    if mode == "update" and old is not None and new is not None:
        displaced = _merge_figures(old, new, before.units)[1]
    flag = f"{kind}_reported"
    counts = unit_counts(after.units)
    return TableChange(
        kind=kind,
        mode=mode,
        units=units,
        reporting=int(after.hromadas[flag].sum()),
        total=counts["hromadas"] + counts["kyiv"],
        displaced=displaced,
        before={f: float(before.hromadas[f].sum(min_count=1)) for f in fields},
        after={f: float(after.hromadas[f].sum(min_count=1)) for f in fields},
    )


def load_demo() -> Dataset:
    """The embedded demo atlas (``data/demo``)."""
    return load_dataset(DEMO_MANIFEST)
