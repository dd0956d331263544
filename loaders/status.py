"""Territorial status of hromadas: occupied, hostilities, deoccupied or none, dated and sourced.

A status table is an input like population or staffing: the official list of
territories of hostilities or temporary occupation (Ministry of
Reintegration, order 309 of 22.12.2022 and its updates) changes, so the
status has a reference date and a source and is never a constant.

:func:`read_status` reads one table (``.csv``, ``.xlsx``, ``.xls``,
``.ods``) with the loaders' table machinery (:func:`loaders.tables.read_table`:
the header may sit below title rows, Ukrainian or English headers) and returns
``(frame, report)``:

- a row names its unit by a KATOTTG code (or COD-AB P-code) of a hromada,
  or by names only: ``oblast``, ``raion``, ``hromada`` (a hromada name is
  matched within the oblast and raion the row gives). A row that names only
  an oblast or a raion gives the status of every hromada in it; a row for a
  hromada overrides its raion's, a raion's overrides its oblast's.
- ``status`` is one of :data:`STATUSES`, in Ukrainian or English (see
  :data:`STATUS_WORDS`; the KSE Loc Data Hub tabulation
  ``Status_war_sept`` reads as is). Hostilities may say ``active`` or
  ``possible`` (column ``detail``).
- ``reference_date`` and ``source`` per row, or for the whole file from
  the arguments (the manifest).

Errors (the file is not used): an unknown status, two rows for one unit,
a code or name that matches no unit, no status column. Warnings: no
reference date.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import DataValidationError, Unmatched, ValidationReport
from .messages import message_of, msg
from .names import UnitIndex, unit_index
from .tables import _clean_text, read_table

__all__ = [
    "STATUSES",
    "STATUS_WORDS",
    "STATUS_COLUMNS",
    "read_status",
    "read_status_table",
    "load_status",
    "hromada_status",
]

#: The statuses, in the order maps and tables show them.
STATUSES = ("occupied", "hostilities", "deoccupied", "none")

#: Words that name each status (after lower-casing and trimming), with the detail they imply.
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "occupied": ("occupied", ""),
    "temporarily occupied": ("occupied", ""),
    "окупована": ("occupied", ""),
    "окупована територія": ("occupied", ""),
    "тимчасово окупована": ("occupied", ""),
    "тимчасово окупована територія": ("occupied", ""),
    "тот": ("occupied", ""),
    "hostilities": ("hostilities", ""),
    "war zone": ("hostilities", ""),
    "in the war zone": ("hostilities", ""),
    "not occupied, in the war zone": ("hostilities", ""),
    "бойові дії": ("hostilities", ""),
    "територія бойових дій": ("hostilities", ""),
    "active hostilities": ("hostilities", "active"),
    "активні бойові дії": ("hostilities", "active"),
    "територія активних бойових дій": ("hostilities", "active"),
    "possible hostilities": ("hostilities", "possible"),
    "можливі бойові дії": ("hostilities", "possible"),
    "територія можливих бойових дій": ("hostilities", "possible"),
    "deoccupied": ("deoccupied", ""),
    "deoccupied_mar_apr": ("deoccupied", ""),
    "deoccupied_sept": ("deoccupied", ""),
    "деокупована": ("deoccupied", ""),
    "деокупована територія": ("deoccupied", ""),
    "none": ("none", ""),
    "not occupied": ("none", ""),
    "не окупована": ("none", ""),
    "немає": ("none", ""),
    "ні": ("none", ""),
}

_ALIASES = {
    "code": ("hromada_code", "код", "код громади", "код катоттг", "katottg", "katottg code", "pcode", "adm3_pcode"),
    "oblast": ("oblast_short_name", "область", "oblast name"),
    "raion": ("raion_short_name", "район", "raion name"),
    "hromada": ("hromada_short_name", "громада", "назва громади", "hromada name", "name"),
    "hromada_type": ("тип громади",),
    "status": ("status_war_sept", "статус", "статус території", "territorial status", "territorial_status"),
    "detail": ("деталі", "hostilities"),
    "reference_date": ("дата", "date", "станом на", "as of"),
    "source": ("джерело",),
}

#: Columns of the frame :func:`read_status` returns.
STATUS_COLUMNS = ("code", "status", "detail", "reference_date", "source", "row", "given_as")
_LEVEL_RANK = {"oblast": 0, "raion": 1, "hromada": 2}


def _text(value: object) -> str:
    return _clean_text(value)


def _status_of(text: str) -> tuple[str, str] | None:
    key = " ".join(text.lower().replace("_", " ").split()) if text else ""
    return STATUS_WORDS.get(key) or STATUS_WORDS.get(text.lower().strip())


def _unit_of(record: dict, index: UnitIndex, report: ValidationReport, row: int) -> tuple[str, int] | None:
    """(level, position in the units table) of the unit a row names; an error in the report when none."""
    code = _text(record.get("code"))
    if code:
        m = index.match_code(code)
        if not m.ok:
            report.error(m.problem or msg("code_not_found", code=code), row=row, column="code")
            report.unmatched.append(Unmatched(row, code, m.suggestions))
            return None
        chosen = index.at_level(m.units, "hromada") if m.level != "oblast" else m.units
        i = chosen[0]
        level = index.level[i]
        if m.level == "settlement":
            report.warn("settlement_code", {"code": code, "hromada": index.code[i]}, row=row, column="code")
        return level, i
    oblast, raion, hromada = (_text(record.get(k)) for k in ("oblast", "raion", "hromada"))
    if not (oblast or raion or hromada):
        report.error("status_no_unit", row=row)
        return None
    oblast_code = raion_code = None
    found: tuple[str, int] | None = None
    for level, text in (("oblast", oblast), ("raion", raion), ("hromada", hromada)):
        if not text:
            continue
        htype = _text(record.get("hromada_type")) or None if level == "hromada" else None
        m = index.match_name(text, (level,), oblast=oblast_code, raion=raion_code, hromada_type=htype)
        if not m.ok:
            report.error(m.problem or msg("no_such_name", name=text, levels=(level,)), row=row, column=level)
            report.unmatched.append(Unmatched(row, text, m.suggestions))
            return None
        if m.note:
            report.warn(m.note, row=row, column=level)
        i = index.at_level(m.units, level)[0]
        found = (level, i)
        if level == "oblast":
            oblast_code = index.code[i]
        elif level == "raion":
            raion_code = index.code[i]
    return found


def read_status_table(spec, units: pd.DataFrame | UnitIndex) -> tuple[pd.DataFrame, ValidationReport]:
    """:func:`read_status` of a manifest's ``[tables.status]`` entry (its path, sheet, date and source)."""
    return read_status(spec.path, units, spec.sheet, reference_date=spec.reference_date, source=spec.source)


def read_status(
    path: Path,
    units: pd.DataFrame | UnitIndex,
    sheet: str | int | None = None,
    *,
    reference_date: str | None = None,
    source: str | None = None,
) -> tuple[pd.DataFrame, ValidationReport]:
    """Read a territorial status table and give the status of each hromada it covers.

    Parameters
    ----------
    path
        The table (see the module docstring for its columns).
    units
        The units table or its :class:`~loaders.names.UnitIndex`.
    sheet
        The sheet of a workbook (default: the one with the columns).
    reference_date, source
        The date and source of the whole list, used where a row gives none.

    Returns
    -------
    ``(frame, report)``: one row per hromada the list covers, with the
    columns of :data:`STATUS_COLUMNS` (``given_as``: the level of the row
    the status came from); empty when the report has errors.

    Notes
    -----
    A hromada takes the status of the most specific row that covers it:
    hromada row, else its raion's row, else its oblast's row.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"status file not found: {path}")
    report = ValidationReport(f"status file {path.name}", kind="status", path=str(path))
    empty = pd.DataFrame(columns=list(STATUS_COLUMNS))
    try:
        table = read_table(path, _ALIASES, ("status",), report, sheet)
    except ValueError as exc:
        report.error(message_of(exc))
        return empty, report
    if report.errors:
        return empty, report
    index = unit_index(units)
    given: dict[tuple[str, int], int] = {}  # (level, unit position) -> row number
    entries: list[tuple[int, int, str, str, str | None, str | None, int]] = []
    for record in table.to_dict("records"):
        row = int(record["_row"])
        word = _text(record.get("status"))
        status = _status_of(word)
        if status is None:
            known = ", ".join(STATUSES)
            if word:
                report.error("status_unknown", {"value": word, "known": known}, row=row, column="status")
            else:
                report.error("status_missing", {"known": known}, row=row, column="status")
            continue
        detail = _text(record.get("detail")).lower() or status[1]
        if detail and detail not in ("active", "possible", "активні", "можливі"):
            detail = ""
        detail = {"активні": "active", "можливі": "possible"}.get(detail, detail)
        unit = _unit_of(record, index, report, row)
        if unit is None:
            continue
        if unit in given:
            report.error("status_again", {"unit": index.label(unit[1]), "first": given[unit]}, row=row)
            continue
        given[unit] = row
        date = _text(record.get("reference_date")) or reference_date
        src = _text(record.get("source")) or source
        entries.append((_LEVEL_RANK[unit[0]], unit[1], status[0], detail, date, src, row))
    report.rows = len(table)
    report.matched = len(entries)
    if report.errors:
        return empty, report
    if not entries:
        report.warn("no_status_rows")
        return empty, report
    chosen: dict[str, tuple] = {}
    for _rank, i, status, detail, date, src, row in sorted(entries, key=lambda e: (e[0], e[6])):
        level = index.level[i]
        targets = [i] if level == "hromada" else index.children(index.code[i], "hromada")
        for j in targets:
            chosen[index.code[j]] = (status, detail, date, src, row, level)
    frame = pd.DataFrame([(code, *values) for code, values in sorted(chosen.items())], columns=list(STATUS_COLUMNS))
    if frame["reference_date"].isna().any():
        report.warn("no_reference_date", {"count": int(frame["reference_date"].isna().sum())})
    report.level = "hromada"
    report.totals = {s: float((frame["status"] == s).sum()) for s in STATUSES}
    return frame, report


def load_status(path: Path, units: pd.DataFrame | UnitIndex, **options) -> pd.DataFrame:
    """:func:`read_status`, raising :class:`~loaders.errors.DataValidationError` when the file has errors."""
    frame, report = read_status(path, units, **options)
    if report.errors:
        raise DataValidationError(report)
    return frame


def hromada_status(hromada_codes: pd.Series, status: pd.DataFrame | None) -> pd.Series:
    """The status of each hromada code: its row in ``status``, ``"none"`` if not listed; None without a list."""
    if status is None:
        return pd.Series([None] * len(hromada_codes), index=hromada_codes.index, dtype=object)
    lookup = dict(zip(status["code"], status["status"]))
    return hromada_codes.map(lambda c: lookup.get(c, "none")).astype(object)
