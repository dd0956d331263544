"""Validation reports of input files, for the ``validate`` command and for uploads in the app.

:func:`validate_file` checks one file and returns a
:class:`~loaders.errors.FileReport`: exactly one entry of the ``files``
list that ``python app.py validate --json`` prints, plus the validated
frame when the file is usable (``None`` otherwise, so a file with errors
never replaces data already loaded). The app calls it on an uploaded file::

    from loaders import default_units, validate_file

    report = validate_file(upload_path, "population", default_units())
    if report.ok:
        use(report.frame)          # code, level, population, ...
    show(report.to_dict())         # or report.summary() as text

:func:`validate_files` checks several files together (the ``validate``
command): tables are also checked against each other (IDPs above three
times the population of the same unit) and, when boundary files are given,
against the units those files draw (a matched row whose unit has no polygon
gets a warning).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .boundaries import DISPLAY_TOLERANCE, read_boundary_file
from .dataset import BoundarySpec, TableSpec, _check_idp_against_population, default_units, read_manifest, read_units
from .errors import FileReport, ValidationReport
from .fields import KINDS
from .inputs import read_figures
from .names import UnitIndex, unit_index
from .safety import limits, suggestion_budget

__all__ = ["FILE_KINDS", "validate_file", "validate_files"]

#: What ``validate_file`` accepts as ``kind``.
FILE_KINDS = (*KINDS, "boundaries")


def validate_file(
    path: Path,
    kind: str,
    units: pd.DataFrame | UnitIndex | None = None,
    sheet: str | int | None = None,
    *,
    level: str | None = None,
    layer: str | None = None,
    columns: Mapping[str, str] | None = None,
    codes: Mapping[str, str] | None = None,
    header_row: int | None = None,
    cells: Mapping[str, str] | None = None,
    simplify: float | None = DISPLAY_TOLERANCE,
) -> FileReport:
    """Check one file of ``kind`` (population, idp, staffing, caseload or boundaries).

    Parameters
    ----------
    path
        The file.
    kind
        One of :data:`FILE_KINDS`.
    units
        The units to match against; by default the official codifier's
        units shipped with the app.
    sheet
        Tables: the sheet to read (name or 0-based position); by default the
        one that holds the data.
    level, layer, simplify
        Boundaries: the level to read (default: detected), the layer of a
        multi-layer file, the display tolerance.
    columns, codes, header_row, cells
        Tables: overrides as in a manifest (see :func:`~loaders.inputs.read_figures`).

    Returns
    -------
    FileReport
        ``kind, path, sheet, level, rows, matched, unmatched, errors,
        warnings, totals`` and ``frame`` (``None`` when the file has errors).
        A missing file gives a report with one error, not an exception.
    """
    if kind not in FILE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(FILE_KINDS)}, got {kind!r}")
    path = Path(path)
    units = default_units() if units is None else units
    if not path.exists():
        report = ValidationReport(f"{kind} file {path.name}", kind=kind, path=str(path))
        report.error("file_not_found", {"path": str(path)})
        return FileReport.from_report(report)
    with suggestion_budget() as budget:
        if kind == "boundaries":
            frame, report = read_boundary_file(path, units, level, layer=layer, simplify=simplify)
        else:
            frame, report = read_figures(
                path,
                kind,
                units,
                sheet,
                columns=dict(columns) if columns else None,
                codes=dict(codes) if codes else None,
                header_row=header_row,
                cells=dict(cells) if cells else None,
            )
    if budget[1]:
        report.warn("suggestions_capped", {"limit": limits().max_suggestions, "count": budget[1]})
    return FileReport.from_report(report, frame)


def _boundary_check(table: FileReport, report: ValidationReport, drawn: dict[str, set[str]]) -> None:
    frame = table.frame
    if frame is None or frame.empty:
        return
    missing = [(int(r.row), r.code) for r in frame.itertuples() if r.level in drawn and r.code not in drawn[r.level]]
    for row, code in missing[:20]:
        report.warn("no_polygon", {"code": code}, row=row, column="code")
    if len(missing) > 20:
        report.warn("no_polygon_more", {"count": len(missing) - 20})


def validate_files(
    *,
    boundaries: Iterable[Path | BoundarySpec] = (),
    tables: Mapping[str, Path | TableSpec] | None = None,
    sheets: Mapping[str, str] | None = None,
    manifest: Path | None = None,
    units: pd.DataFrame | None = None,
    overrides: Mapping[str, Mapping[str, object]] | None = None,
) -> tuple[bool, list[FileReport]]:
    """Check boundary files and tables together; ``(ok, reports)``.

    Files named in ``manifest`` are checked with the manifest's options;
    ``boundaries`` and ``tables`` add to them (a table given here replaces
    the manifest's table of the same kind). ``sheets`` maps a kind to the
    sheet to read; ``overrides`` maps a kind to options that replace the
    manifest's (``header_row``) or add to them (``columns``, ``codes``,
    ``cells``). Without boundary files, rows are matched against the
    official codifier only; with them, matched rows whose unit the boundary
    files do not draw are warned about.
    """
    specs: dict[str, TableSpec] = {}
    bounds: list[BoundarySpec] = []
    if manifest is not None:
        spec = read_manifest(manifest)
        if units is None and spec.units is not None:
            units = read_units(spec.units)
        bounds += list(spec.boundaries)
        specs.update({t.kind: t for t in spec.tables})
    for b in boundaries:
        bounds.append(b if isinstance(b, BoundarySpec) else BoundarySpec("", Path(b)))
    for kind, value in (tables or {}).items():
        if kind not in KINDS:
            raise ValueError(f"table kind must be one of {', '.join(KINDS)}, got {kind!r}")
        specs[kind] = value if isinstance(value, TableSpec) else TableSpec(kind, Path(value))
    for kind, sheet in (sheets or {}).items():
        if kind not in specs:
            raise ValueError(f"--sheet {kind}=...: no {kind} file given")
        old = specs[kind]
        specs[kind] = TableSpec(**{**old.__dict__, "sheet": sheet})
    for kind, options in (overrides or {}).items():
        if kind not in specs:
            raise ValueError(f"options for {kind}: no {kind} file given")
        old = specs[kind].__dict__
        new = {**old}
        for key, value in options.items():
            if key in ("columns", "codes", "cells"):
                new[key] = {**old[key], **dict(value)}
            elif key in ("header_row", "sheet"):
                new[key] = value
            else:
                raise ValueError(f"unknown table option {key!r}")
        specs[kind] = TableSpec(**new)
    index = unit_index(default_units() if units is None else units)
    reports: list[FileReport] = []
    drawn: dict[str, set[str]] = {}
    for b in bounds:
        r = validate_file(b.path, "boundaries", index, level=b.level or None, layer=b.layer, simplify=b.simplify)
        reports.append(r)
        if r.frame is not None:
            drawn.setdefault(r.level, set()).update(r.frame["code"])
    table_reports: dict[str, FileReport] = {}
    for kind in KINDS:
        if kind not in specs:
            continue
        t = specs[kind]
        table_reports[kind] = validate_file(t.path, kind, index, t.sheet, **t.options())
    _cross_checks(table_reports, index, drawn)
    reports += [table_reports[k] for k in KINDS if k in table_reports]
    return all(r.ok for r in reports), reports


def _cross_checks(table_reports: dict[str, FileReport], index: UnitIndex, drawn: dict[str, set[str]]) -> None:
    """Add warnings that need two files; reports are rebuilt (they are frozen)."""
    from .dataset import assemble

    for kind, fr in list(table_reports.items()):
        extra = ValidationReport(fr.path)
        if drawn:
            _boundary_check(fr, extra, drawn)
        if kind == "idp" and "population" in table_reports:
            pop = table_reports["population"].frame
            if pop is not None and fr.frame is not None and not pop.empty:
                hromadas = assemble(index.units, {"population": pop}, {}, {})
                _check_idp_against_population(fr.frame, hromadas[["code", "population"]], index.units, extra)
        if extra.issues:
            table_reports[kind] = FileReport(
                **{**fr.__dict__, "warnings": fr.warnings + tuple(i for i in extra.issues if i.severity == "warning")}
            )
