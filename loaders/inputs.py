"""Population, IDP, staffing and caseload tables: every row matched to a unit, every problem named.

:func:`read_figures` reads one table of any kind and returns ``(frame,
report)``: a DataFrame with one row per unit that the file gives a figure
for (``code``, the KATOTTG code; ``level``, the level of the figure:
oblast, raion or hromada; the canonical fields of the kind, see
:data:`~loaders.fields.CANONICAL_FIELDS`; ``row``, the spreadsheet row) and
the :class:`~loaders.errors.ValidationReport` of every problem found.

How rows are read:

- A row names its unit by a code (KATOTTG of any level, COD-AB P-code) or
  by name; names are matched within the oblast and raion given by the
  row's own columns or, in a publication that lists an oblast row, then
  its raions, then their hromadas, by the rows above it
  (:class:`~loaders.names.UnitIndex`).
- Oblast and raion rows whose hromadas (or raions) are listed too are
  subtotals: they are checked against the sum of those rows (a warning when
  they differ) and not counted twice. Urban/rural breakdown rows under a
  unit (``міське населення``) are not units: an urban population row fills
  ``population_urban`` of the unit above it. Totals rows (``Всього``,
  ``Разом``, ``Total``) are skipped and checked against the sum.
- Settlement codes are rolled up to their hromada by sums.
- Errors (the file cannot be used): a cell that is not a number, a row whose
  unit cannot be found, an ambiguous name, missing required columns.
  Warnings (repaired or skipped): negative counts (read as no data),
  filled above approved positions, duplicate units (the first row is
  used), numbers typed as text among numbers, subtotals that do not add
  up, rows whose location is unknown.

The ``read_population`` ... ``read_caseload`` wrappers raise
:class:`~loaders.errors.DataValidationError` when the file has errors, so
nothing half-read is ever used.
"""

from __future__ import annotations

import contextlib
import gc
import math
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from .errors import DataValidationError, Unmatched, ValidationReport
from .fields import (
    ALL_ROLES,
    CANONICAL_FIELDS,
    COUNT_FIELDS,
    KINDS,
    ROLE_ALIASES,
    ROLE_LABELS,
    ROLES,
    VALUE_FIELDS,
)
from .messages import Message, message_of, msg
from .names import (
    LEVEL_ORDER,
    SOURCE_QUIRKS,
    Match,
    UnitIndex,
    looks_like_code,
    parse_name,
    unit_index,
)
from .safety import current_suggestion_budget
from .tables import (
    MISSING_MARKERS,
    TOTAL_LABELS,
    Table,
    _clean_text,
    cell_conventions,
    cell_meaning,
    find_table,
    normalise_header,
    parse_number,
)
from .tables import read_sheets as _read_sheets

__all__ = [
    "ROLES",
    "ALL_ROLES",
    "ROLE_LABELS",
    "KIND_LABELS",
    "read_figures",
    "read_population",
    "read_idp",
    "read_staffing",
    "read_caseload",
]

KIND_LABELS = {"population": "population", "idp": "IDP", "staffing": "staffing", "caseload": "caseload"}
_KEY_GROUPS = ("hromada", "raion", "oblast")
_ROLE_LOOKUP = {
    normalise_header(alias): role
    for role, labels in ROLE_LABELS.items()
    for alias in (*labels, role, *ROLE_ALIASES[role])
}
_BREAKDOWN = {
    "міське населення": "urban",
    "міське": "urban",
    "міські поселення": "urban",
    "міська місцевість": "urban",
    "у міських поселеннях": "urban",
    "urban": "urban",
    "urban population": "urban",
    "urban areas": "urban",
    "сільське населення": "rural",
    "сільське": "rural",
    "сільські поселення": "rural",
    "сільська місцевість": "rural",
    "у сільській місцевості": "rural",
    "rural": "rural",
    "rural population": "rural",
    "rural areas": "rural",
    "у тому числі": "",
    "в тому числі": "",
    "у т.ч.": "",
    "в т.ч.": "",
    "з них": "",
    "of which": "",
    "including": "",
}
_BREAKDOWN_LEAD = re.compile(r"^(?:у тому числі|в тому числі|у т\.\s?ч\.|в т\.\s?ч\.|з них|of which|incl\.?)\s*:?\s*")
_UNLOCATED = ("unknown", "невідом", "не визначен", "не встановлен", "не вказан", "not specified", "location unknown")
_TOTAL_PREFIX = re.compile(r"^(?:всього|разом|усього|total|grand total)\b")
_TRUE = {"так", "yes", "1", "true", "1.0", "y", "т", "+", "оцінка", "estimated", "est", "x", "х"}


def _text(value: object) -> str:
    return _clean_text(value)


def _is_missing_marker(value: object) -> bool:
    return _text(value).lower() in MISSING_MARKERS


class _Row:
    """One data row while it is being matched."""

    __slots__ = (
        "number",
        "cells",
        "texts",
        "units",
        "level",
        "note",
        "code",
        "unit_level",
        "values",
        "role",
        "estimated",
        "alternative",
        "unknown",
        "sheet",
    )

    def __init__(self, number: int, cells: list[object], texts: dict[str, list[str]]):
        self.number = number
        self.cells = cells
        self.texts = texts  # shared by the rows with the same key cells: never changed
        self.units: tuple[int, ...] = ()
        self.level: str | None = None
        self.note: str | None = None
        self.code: str | None = None
        self.unit_level: str | None = None
        self.values: dict[str, float] = {}
        self.role: str | None = None
        self.estimated: bool = False
        self.alternative: Match | None = None
        self.unknown: dict[str, str] = {}  # field -> the sign that says "not available"
        self.sheet: str | None = None


class _Matcher:
    """Matches the rows of one table in order, carrying the oblast/raion context down the rows."""

    def __init__(self, table: Table, index: UnitIndex, report: ValidationReport, codes: dict[str, str]):
        self.table = table
        self.index = index
        self.report = report
        self.codes = {str(k).strip().upper(): str(v).strip() for k, v in (codes or {}).items()}
        header = {h.lower() for h in table.header_keys}
        self.quirks = [q for q in SOURCE_QUIRKS if q[0] <= header]
        self.groups = {g: table.cells(g) for g in ("code", *_KEY_GROUPS, "name", "hromada_type")}
        self.ctx_oblast: str | None = None
        self.ctx_raion: str | None = None
        self.alternative: Match | None = None
        self.name_mismatches: list[tuple[int, str, str, str]] = []
        self.former_names: list[tuple[int, str]] = []

    def texts(self, row: _Row, group: str) -> list[str]:
        return row.texts[group]

    # ------------------------------------------------------------------ codes
    def _code(self, raw: str) -> Match:
        for _signature, cell, target, why in self.quirks:
            if raw.strip() == cell:
                m = self.index.match_code(target)
                if m.ok:
                    return Match(m.units, m.level, note=msg("quirk_code", raw=raw, target=target, why=msg(why)))
        override = self.codes.get(raw.strip().upper())
        if override:
            m = self.index.match_code(override)
            if m.ok:
                return Match(m.units, m.level, note=None)
            return Match(problem=msg("code_override", raw=raw, target=override, problem=m.problem))
        if _is_missing_marker(raw):
            return Match(problem=msg("empty_code"))
        return self.index.match_code(raw)

    def _context(self, row: _Row, below: str) -> tuple[str | None, str | None, Match | None]:
        """Oblast and raion codes given by the row's own columns above level ``below`` (or the rows above).

        The third item is the failure when the row gives an oblast or raion that matches none: the row's
        unit is then not looked for anywhere else (scope is law)."""
        oblast = raion = None
        order = _KEY_GROUPS[::-1]  # oblast, raion, hromada
        unresolved = None
        for group in order[: order.index(below)]:
            failed = None
            for text in self.texts(row, group):
                if _is_missing_marker(text):
                    continue
                m = (
                    self._code(text)
                    if looks_like_code(text)
                    else self.index.match_name(text, (group,), oblast=oblast, near=True)
                )
                if m.ok:
                    i = self.index.at_level(m.units, group)[0]
                    if group == "oblast":
                        oblast = self.index.code[i]
                    else:
                        raion, oblast = self.index.code[i], self.index.oblast[i]
                    failed = None
                    break
                if failed is None:
                    failed, suggestions = (
                        msg("parent_failed", level=group, given=text, problem=m.problem),
                        m.suggestions,
                    )
            if failed and unresolved is None:
                unresolved = Match(problem=failed, suggestions=suggestions)
        if oblast is None and raion is None and not any(self.texts(row, g) for g in order[: order.index(below)]):
            if below == "oblast":
                return None, None, None
            return self.ctx_oblast, self.ctx_raion if below == "hromada" else None, None
        return oblast, raion, unresolved

    def match(self, row: _Row) -> Match:
        m = self._match(row)
        by_code = any(looks_like_code(t) for texts in row.texts.values() for t in texts)
        if m.ok and m.level != "settlement" and by_code:
            conflict = self._check_name(row, m)
            if conflict is not None:
                return conflict
        return m

    def _check_name(self, row: _Row, m: Match) -> Match | None:
        """A row matched by code whose name column names a unit too.

        A former name of the code's unit is noted (one warning for the file).
        A name that is another unit's (at the code's level, in the code's
        oblast first) is a conflict: the row is an error naming both units
        (e.g. an IOM round with the P-codes of Kyiv city and Kyiv oblast
        swapped). A name that is no unit's, nor a spelling of the code's, is
        warned about and the code is used.
        """
        level = self.index.level[m.units[0]]
        groups = [g for g in (level, "name") if g in self.groups]
        names = [t for g in groups for t in self.texts(row, g) if not looks_like_code(t) and not _is_missing_marker(t)]
        if not names:
            return None
        for n in names:
            for i in m.units:
                former = self.index.former_name(i, n)
                if former:
                    if former != m.note:
                        self.former_names.append((row.number, former))
                    return None
        fits = any(self.index.name_fits(i, n) for i in m.units for n in names)
        i = m.units[0]
        for n in names:
            other = self.index.points_to(n, level, self.index.oblast[i])
            if other is not None and other not in m.units:
                if fits and not self.index.claims(n, other):
                    continue
                given = [t for g in ("code", *_KEY_GROUPS) for t in self.texts(row, g) if looks_like_code(t)]
                code = (given or [self.index.code[i]])[0]
                return Match(
                    problem=msg(
                        "code_name_conflict", code=code, unit=self.index.label(i), name=n, other=self.index.label(other)
                    ),
                    suggestions=(self.index.label(i), self.index.label(other)),
                )
        if not fits:
            self.name_mismatches.append((row.number, names[0], self.index.name_uk[i], self.index.code[i]))
        return None

    def _match(self, row: _Row) -> Match:
        code_texts = [t for t in self.texts(row, "code")]
        failed: Match | None = None
        for text in code_texts:
            m = self._code(text)
            if m.ok or m.special:
                return m
            if m.problem[0] != "empty_code":
                failed = failed or m
        # the deepest level column that is filled in names the unit
        htype = next(iter(self.texts(row, "hromada_type")), None)
        htype = parse_name(f"x {htype}").hromada_type if htype else None
        for group in _KEY_GROUPS:
            texts = [t for t in self.texts(row, group) if not _is_missing_marker(t)]
            if not texts:
                continue
            oblast, raion, unresolved = self._context(row, group)
            if unresolved is not None:
                return Match(
                    problem=msg("scope_is_law", problem=unresolved.problem, level=group),
                    suggestions=unresolved.suggestions,
                )
            codes = [t for t in texts if looks_like_code(t)]
            names = [t for t in texts if not looks_like_code(t)]
            for text in codes:
                m = self._code(text)
                if m.ok or m.special:
                    return m
                failed = failed or m
            for text in names:
                m = self._name(text, (group,), oblast, raion, htype)
                if m.ok:
                    return self._with_failed_code(m, failed, text)
                failed = m
            return failed or Match(problem=msg("no_code_or_name"))
        names = [t for t in self.texts(row, "name") if not _is_missing_marker(t)]
        for text in names:
            if looks_like_code(text):
                m = self._code(text)
                if m.ok or m.special:
                    return m
                continue
            m = self._generic_name(text, htype)
            if m.ok:
                return self._with_failed_code(m, failed, text)
            failed = m
        return failed or Match(problem=msg("no_key"))

    def _with_failed_code(self, m: Match, failed: Match | None, text: str) -> Match:
        if failed is None or failed.problem is None or failed.problem[0] == "empty_code":
            return m
        note = msg("by_name_instead", problem=failed.problem, name=text)
        return Match(m.units, m.level, note=msg("with_note", note=note, more=m.note) if m.note else note)

    def _name(self, text: str, levels, oblast, raion, htype) -> Match:
        exact = self.index.match_name(text, levels, oblast, raion, htype, near=False)
        if exact.ok or exact.suggestions and _ambiguous(exact):
            return exact
        return self.index.match_name(text, levels, oblast, raion, htype, near=True)

    def _generic_name(self, text: str, htype: str | None) -> Match:
        """A name of any level, placed by its suffix or by the rows above it."""
        parts = parse_name(text)
        if parts.level:
            oblast = self.ctx_oblast if parts.level in ("raion", "hromada") else None
            raion = self.ctx_raion if parts.level == "hromada" else None
            m = self.index.match_name(parts, (parts.level,), oblast, raion, htype, near=False)
            if not m.ok and not m.suggestions and (oblast or raion):
                m = self.index.match_name(parts, (parts.level,), oblast, raion, htype, near=True)
            if not m.ok and parts.level == "hromada" and raion and not m.suggestions:
                # a hromada row right under an oblast's last raion may open no raion of its own
                m = self.index.match_name(parts, (parts.level,), oblast, None, htype, near=True)
            return m
        if self.ctx_oblast or self.ctx_raion:
            # inside an oblast (and raion) section: its hromadas and raions, or the next oblast; never
            # a hromada or raion of another oblast
            attempts = [
                (("hromada",), self.ctx_oblast, self.ctx_raion),
                (("raion",), self.ctx_oblast, None),
                (("oblast",), None, None),
            ]
        else:
            attempts = [(("oblast",), None, None), (("raion",), None, None), (("hromada",), None, None)]
        first_problem: Match | None = None
        for levels, oblast, raion in attempts:
            m = self.index.match_name(parts, levels, oblast, raion, htype, near=False)
            if m.ok:
                if levels == ("oblast",):
                    # "Вінницька" is an oblast and a hromada: decided once the whole file is read
                    inside = self.index.code[m.units[0]]
                    alt = self.index.match_name(parts, ("hromada",), inside, None, htype, near=False)
                    self.alternative = alt if alt.ok else None
                return m
            if m.suggestions and _ambiguous(m):
                return m
            first_problem = first_problem or m
        for levels, oblast, raion in attempts[:2] if (self.ctx_oblast or self.ctx_raion) else []:
            m = self.index.match_name(parts, levels, oblast, raion, htype, near=True)
            if m.ok:
                return m
        return Match(
            problem=msg("no_such_generic_near" if self.ctx_oblast else "no_such_generic", name=parts.name),
            suggestions=self.index.suggest(parts.name, ("hromada", "raion", "oblast"), self.ctx_oblast, self.ctx_raion),
        )

    def remember(self, i: int, level: str) -> None:
        """Oblast and raion rows open a section: the names below them are looked for inside it."""
        if level == "oblast":
            self.ctx_oblast, self.ctx_raion = self.index.code[i], None
        elif level == "raion":
            self.ctx_oblast, self.ctx_raion = self.index.oblast[i], self.index.code[i]


def _breakdown(text: str) -> str | None:
    low = _text(text).lower().strip(" :")
    low = _BREAKDOWN_LEAD.sub("", low).strip(" :") if _BREAKDOWN_LEAD.match(low) else low
    if low in _BREAKDOWN:
        return _BREAKDOWN[low]
    if not low:
        return ""
    return None


def _ambiguous(m: Match) -> bool:
    """Whether a failed match names several units (its suggestions are the candidates)."""
    return m.problem is not None and m.problem[0] in ("several_units", "several_units_in_scope")


def _shown(value: object) -> object:
    """A cell's value as a message quotes it: a text as typed, a number as a number."""
    return value.strip() if isinstance(value, str) else value


def _fmt(value: float) -> float:
    """A figure as a message says it: whole, or rounded to 2 decimals."""
    return float(value) if float(value).is_integer() else round(float(value), 2)


def read_figures(
    path: Path,
    kind: str,
    units: pd.DataFrame | UnitIndex,
    sheet: str | int | None = None,
    *,
    columns: dict[str, str] | None = None,
    codes: dict[str, str] | None = None,
    header_row: int | None = None,
    cells: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, ValidationReport]:
    """Read a table of ``kind`` (population, idp, staffing, caseload) and match its rows to ``units``.

    Parameters
    ----------
    path
        ``.xlsx``, ``.xls``, ``.ods`` or ``.csv`` file.
    kind
        One of :data:`~loaders.fields.KINDS`.
    units
        The units table (``code, pcode, level, name_uk, name_en, hromada_type,
        oblast_code, raion_code``) or its :class:`~loaders.names.UnitIndex`.
    sheet
        The sheet to read (a name, or a 0-based position); by default the
        sheet where the required columns are found.
    columns
        Column overrides: ``{field: header text or column letter}``, e.g.
        ``{"idp": "Estimated de facto IDPs present", "code": "F"}``.
    codes
        Code overrides: ``{code as in the file: KATOTTG code}``, e.g.
        ``{"NA": "UA80000000000093317"}``.
    header_row
        The (first) header row, 1-based, when it cannot be found.
    cells
        Cell conventions that differ from the State Statistics ones
        (:data:`~loaders.tables.DEFAULT_CELLS`): ``{sign: "zero" | "unknown" |
        "not_applicable"}``, e.g. ``{"-": "unknown"}`` for a file whose dashes
        mean "not known".

    Returns
    -------
    ``(frame, report)``. The frame has ``code``, ``level``, the canonical
    fields of the kind and ``row``; for IDPs also ``idp_estimated``. It is
    empty when the file has no usable table. The report lists every error
    and warning; the caller decides (see :func:`read_population`).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    with _cyclic_gc_paused():
        return _read_figures(Path(path), kind, units, sheet, columns, codes, header_row, cells)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a table is read (restored after, as it was).

    Reading makes millions of small objects (cells, keys, rows) and none of
    them form cycles; the collector would scan them again and again (40 % of
    the time of a 100,000-row file). Reference counting still frees what is
    dropped; only cycles made meanwhile in other threads wait until the end.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_figures(path, kind, units, sheet, columns, codes, header_row, cells) -> tuple[pd.DataFrame, ValidationReport]:
    report = ValidationReport(f"{KIND_LABELS[kind]} file {path.name}", kind=kind, path=str(path))
    empty = _empty_frame(kind)
    try:
        conventions = cell_conventions(cells)
    except ValueError as exc:
        report.error(message_of(exc))
        return empty, report
    try:
        sheets = _read_sheets(path, sheet)
    except FileNotFoundError:
        raise
    except ValueError as exc:
        report.error(message_of(exc))
        return empty, report
    except Exception as exc:  # a corrupt workbook: name it, do not crash
        report.error(msg("cannot_read", reason=f"{type(exc).__name__}: {exc}"))
        return empty, report
    table = find_table(sheets, kind, report, columns=columns, header_row=header_row)
    if table is None:
        return empty, report
    report.sheet = table.sheet
    if table.numbering_row is not None:
        report.warn("numbering_row", row=table.numbering_row)
    index = unit_index(units)
    matcher = _Matcher(table, index, report, codes or {})
    value_cols = {c: f for c, f in table.columns.items() if f in VALUE_FIELDS[kind] or f in CANONICAL_FIELDS[kind]}
    read = _read_rows(table, kind, matcher, report, value_cols, conventions)
    data, totals_rows, unlocated, unscoped = read.data, read.totals_rows, read.unlocated, read.unscoped
    text_numbers, real_numbers = read.text_numbers, read.real_numbers
    report.current_sheet = None
    for name, rows in text_numbers.items():
        if real_numbers[name] and rows:
            shown = ", ".join(map(str, rows[:5])) + (" ..." if len(rows) > 5 else "")
            report.warn("text_numbers", {"count": len(rows), "rows": shown}, column=name)

    if matcher.former_names:
        shown = [msg("former_name_row", row=n, note=note) for n, note in matcher.former_names[:3]]
        more = " ..." if len(matcher.former_names) > 3 else ""
        report.warn("former_names", {"count": len(matcher.former_names), "rows": shown, "more": more})
    if matcher.name_mismatches:
        shown = [
            msg("other_name_row", row=n, name=given, official=name, code=code)
            for n, given, name, code in matcher.name_mismatches[:3]
        ]
        more = " ..." if len(matcher.name_mismatches) > 3 else ""
        report.warn("other_names", {"count": len(matcher.name_mismatches), "rows": shown, "more": more})
    matched = [r for r in data if r.units]
    _suggest_in_the_files_oblast(unscoped, matched, matcher, index, report)
    report.rows = len(data) + unlocated
    report.matched = len(matched)
    if data and not matched:
        report.error("none_matched")
    elif not data and not unlocated:
        report.warn("no_data_rows")
    _resolve_levels(matched, index)
    _oblast_or_hromada(matched, index)
    if kind == "staffing":
        _roles(matched, table, report)
    counted = _drop_duplicates(matched, report, kind)
    counted = _subtotals(counted, index, report, kind)
    frame = _frame(counted, kind, index, report)
    _check_totals(totals_rows, frame, kind, report)
    report.level = _file_level(counted, report)
    report.totals = {c: float(frame[c].sum()) for c in CANONICAL_FIELDS[kind] if c in frame and frame[c].notna().any()}
    return frame, report


def _suggest_in_the_files_oblast(
    unscoped: list[tuple[int, _Row]], matched: list[_Row], matcher: _Matcher, index: UnitIndex, report: ValidationReport
) -> None:
    """Suggestions for unmatched rows that give no oblast of their own, from the oblast of the file: when
    nine in ten matched rows lie in one oblast (one oblast's return), the closest names or codes there,
    not in Crimea or Kyiv oblast (three matched rows at least; an ambiguous name keeps its candidates)."""
    if not unscoped or len(matched) < 3:
        return
    oblasts = Counter(index.oblast[r.units[0]] for r in matched)
    oblast, count = oblasts.most_common(1)[0]
    if not oblast or count < 0.9 * len(matched):
        return
    from dataclasses import replace as _replace

    for position, row in unscoped:
        if any(matcher.texts(row, g) for g in ("oblast", "raion")):
            continue  # the row's own scope decided its suggestions
        names = [t for g in ("hromada", "name") for t in matcher.texts(row, g) if not looks_like_code(t)]
        if names:
            suggestions = index.suggest(names[0], ("hromada", "raion"), oblast, None)
        else:
            codes = [t.strip().upper() for g in ("code", *_KEY_GROUPS) for t in matcher.texts(row, g)]
            code = next((c for c in codes if looks_like_code(c)), "")
            pool = [i for i in index.positions_at.get("hromada", []) if index.oblast[i] == oblast]
            scored = sorted(pool, key=lambda i: -_similar(code, index.pcode[i] if len(code) < 19 else index.code[i]))
            suggestions = tuple(index.label(i) for i in scored[:3]) if code.startswith("UA") else ()
        report.unmatched[position] = _replace(report.unmatched[position], suggestions=tuple(suggestions))


def _similar(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio()


def _empty_frame(kind: str) -> pd.DataFrame:
    extra = ["idp_estimated"] if kind == "idp" else []
    return pd.DataFrame(columns=["code", "level", *CANONICAL_FIELDS[kind], *extra, "row"])


# --------------------------------------------------------------------------- reading the rows
class _Read(NamedTuple):
    data: list[_Row]
    totals_rows: list[_Row]
    unlocated: int
    unscoped: list[tuple[int, _Row]]  # unmatched rows, for suggestions from the file's oblast
    text_numbers: dict[str, list[int]]
    real_numbers: Counter


class _Key:
    """What the key cells of a row (code, oblast, raion, hromada, name, type) say, before matching."""

    __slots__ = ("texts", "text", "what", "breakdown", "has_code", "code_like", "column")

    def __init__(self, texts: dict[str, list[str]]):
        self.texts = texts
        parts: list[str] = []
        for group in ("code", "oblast", "raion", "hromada", "name"):
            parts += [t for t in texts[group] if not _is_missing_marker(t)]
        self.text = key = " / ".join(dict.fromkeys(parts))
        low = key.lower()
        self.has_code = bool(texts["code"])
        self.code_like = any(looks_like_code(t) for t in texts["code"])
        named = [g for g in ("hromada", "raion", "oblast", "name") if texts[g]]
        self.column = "code" if self.has_code or not named else named[0]
        self.breakdown = None
        if key and (normalise_header(key) in TOTAL_LABELS or _TOTAL_PREFIX.match(low)):
            self.what = "total"
        elif key and not self.has_code and (breakdown := _breakdown(key)) is not None:
            self.what, self.breakdown = "breakdown", breakdown
        elif key and any(word in low for word in _UNLOCATED):
            self.what = "unlocated"
        else:
            self.what = "unit"


def _row_texts(cells: list[object], groups: dict[str, list[int]]) -> dict[str, list[str]]:
    width = len(cells)
    return {group: [t for t in (_text(cells[c]) for c in cols if c < width) if t] for group, cols in groups.items()}


class _Cell(NamedTuple):
    """One value cell as read: its number as a unit's figure (``loud``, with the ``issue`` it raises) and as
    a skipped row's (``quiet``: totals, breakdown and unlocated rows, no message)."""

    blank: bool
    loud: float = math.nan
    quiet: float = math.nan
    issue: tuple[str, Message] | None = None  # ("error" | "warning", message)
    unknown: str | None = None  # the sign that says "not available"
    typed: str | None = None  # "text" or "real": a number, for the "typed as text among numbers" warning
    text: str = ""  # role cells
    flag: bool = False  # estimated cells


_PLAIN_NUMBER = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")


def _parse_cell(value: object, name: str, cells: dict[str, str], fast: bool = True) -> _Cell:
    """The figure of field ``name`` in ``value``, the problem it raises and the signs it carries.

    ``fast``: plain digits (``12345``, ``12.5``) are read by ``float``, as
    :func:`~loaders.tables.parse_number` reads them, without its clean-up steps.
    """
    blank = _text(value) == ""
    if name == "role":
        return _Cell(blank, text=_text(value))
    if name == "estimated":
        return _Cell(blank, flag=_text(value).lower() in _TRUE)
    if fast and type(value) is str and _PLAIN_NUMBER.fullmatch(value) and value not in cells:
        number, unknown = float(value), None
    else:
        unknown = str(value).strip() if cell_meaning(value, cells) == "unknown" else None
        try:
            number = parse_number(value, cells)
        except ValueError as exc:
            return _Cell(blank, issue=("error", message_of(exc)), unknown=unknown)
    typed = None if math.isnan(number) else "text" if isinstance(value, str) else "real"
    if name == "urban_share":
        quiet = number / 100 if number > 1 else number
        if not math.isnan(number) and not 0 <= number <= 100:
            problem = ("error", msg("share_out_of_range", value=_shown(value)))
            return _Cell(blank, math.nan, quiet, problem, unknown, typed)
        return _Cell(blank, quiet, quiet, None, unknown, typed)
    issue = None
    if isinstance(value, str) and value.strip().endswith("%") and name in COUNT_FIELDS:
        issue, number = ("error", msg("percentage_for_count", value=value.strip())), math.nan
    if number < 0:
        issue, number = ("warning", msg("negative", value=_shown(value))), math.nan
    return _Cell(blank, number, number, issue, unknown, typed)


def _parse_column(rows: list[list[object]], col: int, name: str, cells: dict[str, str]) -> list[_Cell]:
    """:func:`_parse_cell` of one column, each distinct text or whole number read once."""
    seen: dict[object, _Cell] = {}
    out = []
    empty = _parse_cell(None, name, cells)
    for row in rows:
        value = row[col] if col < len(row) else None
        if value is None:
            out.append(empty)
        elif type(value) is str or type(value) is int:  # not float: -0.0 == 0.0, nan != nan
            key = (type(value), value)
            cell = seen.get(key)
            if cell is None:
                cell = seen[key] = _parse_cell(value, name, cells)
            out.append(cell)
        else:
            out.append(_parse_cell(value, name, cells))
    return out


def _apply_cells(
    row: _Row,
    names: list[str],
    cells: tuple[_Cell, ...],
    report: ValidationReport,
    quiet: bool,
    read: _Read | None = None,
    typed: bool = False,
) -> None:
    """Give ``row`` the figures of its cells; a unit's row (not ``quiet``) reports their problems."""
    for name, cell in zip(names, cells):
        if name == "role":
            row.role = cell.text
            continue
        if name == "estimated":
            row.estimated = cell.flag
            continue
        if cell.unknown is not None:
            row.unknown[name] = cell.unknown
        if quiet:
            row.values[name] = cell.quiet
            continue
        if cell.issue is not None:
            severity, message = cell.issue
            (report.error if severity == "error" else report.warn)(message, row=row.number, column=name)
        if typed and cell.typed is not None:
            if cell.typed == "text":
                read.text_numbers.setdefault(name, []).append(row.number)
            else:
                read.real_numbers[name] += 1
        row.values[name] = cell.loud


class _MatchMemo:
    """:meth:`_Matcher.match` once per distinct key cells and section (the oblast and raion of the rows above).

    A repeat gets the first row's match, with what matching recorded on the
    way (a former name, a name other than the codifier's, an oblast that is
    also a hromada's name) under its own row number, and spends the
    suggestions the first look-up spent; once the file's budget cannot pay
    for them, the row is looked up again (and gets what the budget leaves).
    """

    def __init__(self, matcher: _Matcher):
        self.matcher = matcher
        self.seen: dict[tuple, tuple] = {}
        self.budget = current_suggestion_budget()  # the file's: the same for all its rows

    def match(self, row: _Row, key: tuple) -> Match:
        matcher, budget = self.matcher, self.budget
        memo_key = (key, matcher.ctx_oblast, matcher.ctx_raion)
        hit = self.seen.get(memo_key)
        if hit is not None:
            m, alternative, former, mismatches, spent, refused = hit
            if budget is None or budget[0] >= spent:
                if spent or refused:
                    budget[0] -= spent
                    budget[1] += refused
                if former:
                    matcher.former_names += [(row.number, note) for note in former]
                if mismatches:
                    matcher.name_mismatches += [(row.number, *rest) for rest in mismatches]
                matcher.alternative = alternative
                return m
        left, refused = (budget[0], budget[1]) if budget is not None else (0, 0)
        n_former, n_mismatches = len(matcher.former_names), len(matcher.name_mismatches)
        matcher.alternative = None
        m = matcher.match(row)
        self.seen[memo_key] = (
            m,
            matcher.alternative,
            [note for _, note in matcher.former_names[n_former:]],
            [rest for _, *rest in matcher.name_mismatches[n_mismatches:]],
            left - budget[0] if budget is not None else 0,
            budget[1] - refused if budget is not None else 0,
        )
        return m


def _read_rows(
    table: Table,
    kind: str,
    matcher: _Matcher,
    report: ValidationReport,
    value_cols: dict[int, str],
    conventions: dict[str, str],
    *,
    memo: bool = True,
) -> _Read:
    """Match and read the rows of ``table`` in order; every problem goes to ``report`` under its row.

    With ``memo`` (the default), what depends only on a row's key cells (its
    texts, whether it is a totals, breakdown or unlocated row, its match in
    its section) is worked out once per distinct key, and each value column
    is parsed by distinct cell; without it, every row is read by itself.
    Both give the same rows and the same messages in the same order.
    """
    read = _Read([], [], 0, [], {}, Counter())
    rows, names = table.rows, list(value_cols.values())
    sheets_of = table.row_sheets or [None] * len(rows)
    groups = matcher.groups
    if memo:
        key_cols = sorted({c for cols in groups.values() for c in cols})
        columns = [[_text(r[c]) if c < len(r) else "" for r in rows] for c in key_cols]
        keys = list(zip(*columns)) if columns else [()] * len(rows)
        place = {c: k for k, c in enumerate(key_cols)}
        parsed = [_parse_column(rows, c, name, conventions) for c, name in value_cols.items()]
        row_cells = list(zip(*parsed)) if parsed else [()] * len(rows)
        known: dict[tuple, _Key] = {}
        matches = _MatchMemo(matcher)
    unlocated, last = 0, None
    for i, (cells, number, sheet_name) in enumerate(zip(rows, table.numbers, sheets_of)):
        if memo:
            key_cells = keys[i]
            key = known.get(key_cells)
            if key is None:
                texts = {g: [t for t in (key_cells[place[c]] for c in cols) if t] for g, cols in groups.items()}
                key = known[key_cells] = _Key(texts)
            values = row_cells[i]
        else:
            key = _Key(_row_texts(cells, groups))
            width = len(cells)
            values = tuple(
                _parse_cell(cells[c] if c < width else None, name, conventions, fast=False)
                for c, name in value_cols.items()
            )
        row = _Row(number, cells, key.texts)
        row.sheet = report.current_sheet = sheet_name
        values_blank = all(cell.blank for cell in values)
        if key.what == "total":
            report.warn("totals_row", row=number)
            _apply_cells(row, names, values, report, quiet=True)
            read.totals_rows.append(row)
            continue
        if key.what == "breakdown":
            if key.breakdown == "urban" and kind == "population" and last is not None and not values_blank:
                _apply_cells(row, names, values, report, quiet=True)
                urban = row.values.get("population", math.nan)
                if not math.isnan(urban) and math.isnan(last.values.get("population_urban", math.nan)):
                    last.values["population_urban"] = urban
            continue
        if key.what == "unlocated":
            _apply_cells(row, names, values, report, quiet=True)
            given = [msg("figure", field=f, value=_fmt(v)) for f, v in row.values.items() if not math.isnan(v)]
            if given:
                report.warn("unlocated_figures", {"text": key.text, "figures": given}, row=number)
            else:
                report.warn("unlocated", {"text": key.text}, row=number)
            unlocated += 1
            continue
        if memo:
            m = matches.match(row, key_cells)
        else:
            matcher.alternative = None
            m = matcher.match(row)
        row.alternative = matcher.alternative if m.ok else None
        if not m.ok:
            if values_blank and not key.code_like:
                continue  # a title, note or source line: no figure is lost
            if m.special:
                _apply_cells(row, names, values, report, quiet=True)
                report.warn("special_not_assigned", {"problem": m.problem}, row=number)
                unlocated += 1
                continue
            report.error(m.problem or msg("no_unit_found"), row=number, column=key.column)
            report.unmatched.append(Unmatched(number, key.text, m.suggestions))
            if not _ambiguous(m) or not m.suggestions:  # not an ambiguity: its candidates stay
                read.unscoped.append((len(report.unmatched) - 1, row))
            read.data.append(row)
            continue
        row.units, row.level, row.note = m.units, m.level, m.note
        if m.note:
            report.warn(m.note, row=number, column=key.column)
        matcher.remember(m.units[0], m.level or "")
        _apply_cells(row, names, values, report, quiet=False, read=read, typed=table.typed)
        read.data.append(row)
        last = row
    return read._replace(unlocated=unlocated)


def _resolve_levels(rows: list[_Row], index: UnitIndex) -> None:
    """Give each matched row one unit; a unit known at two levels (Kyiv city) takes the file's level."""
    levels = Counter(index.level[r.units[0]] for r in rows if len(r.units) == 1)
    dominant = levels.most_common(1)[0][0] if levels else None
    for r in rows:
        if len(r.units) == 1:
            i = r.units[0]
        else:
            preferred = r.level if r.level in ("oblast", "raion", "hromada") else dominant
            chosen = [i for i in r.units if index.level[i] == (dominant or preferred)]
            chosen = chosen or [i for i in r.units if index.level[i] == preferred] or list(r.units)
            i = chosen[0]
        r.code = index.code[i]
        r.unit_level = index.level[i]
        if r.level != "settlement":
            r.level = r.unit_level


def _oblast_or_hromada(rows: list[_Row], index: UnitIndex) -> None:
    """A bare name that is both an oblast's and a hromada's ("Вінницька"): an oblast row if it is the
    subtotal of the rows of its oblast that follow, else (a flat list of hromadas) the hromada."""
    others = Counter(r.level for r in rows if r.alternative is None)
    for r in rows:
        if r.alternative is None or r.level != "oblast":
            continue
        members = [m for m in rows if m is not r and m.code != r.code and index.oblast[m.units[0]] == r.code]
        leaves = [m for m in members if m.level == "hromada"] or members
        known = [f for f, v in r.values.items() if not math.isnan(v)]
        adds_up = bool(leaves) and all(
            abs(sum(m.values.get(f, math.nan) for m in leaves) - r.values[f]) <= max(0.5, 0.001 * abs(r.values[f]))
            for f in known
        )
        if (leaves and not adds_up) or (not leaves and others.get("hromada", 0) > others.get("oblast", 0)):
            i = index.at_level(r.alternative.units, "hromada")[0]
            r.units, r.code, r.level, r.unit_level = r.alternative.units, index.code[i], "hromada", "hromada"


def _roles(rows: list[_Row], table: Table, report: ValidationReport) -> None:
    if "role" not in table.columns.values():
        return
    known = [labels[0] for labels in ROLE_LABELS.values()]
    for r in rows:
        role = _ROLE_LOOKUP.get(normalise_header(r.role))
        if role is None:
            report.current_sheet = r.sheet
            report.error("unknown_role", {"value": r.role, "known": known}, row=r.number, column="role")
            report.current_sheet = None
        r.role = role


def _drop_duplicates(rows: list[_Row], report: ValidationReport, kind: str) -> list[_Row]:
    first: dict[tuple, int] = {}
    out = []
    for r in rows:
        if r.level == "settlement":
            out.append(r)
            continue
        key = (r.code, r.level, r.role) if kind == "staffing" else (r.code, r.level)
        if key in first:
            if kind == "staffing" and r.role:
                what = msg("unit_role_again", level=r.level, code=r.code, role=r.role)
            else:
                what = msg("unit_again", level=r.level, code=r.code)
            report.current_sheet = r.sheet
            report.warn("appears_again", {"what": what, "first": first[key]}, row=r.number)
            report.current_sheet = None
            continue
        first[key] = r.number
        out.append(r)
    return out


def _subtotals(rows: list[_Row], index: UnitIndex, report: ValidationReport, kind: str) -> list[_Row]:
    """Drop oblast and raion rows whose member units are listed too, after checking their sums."""
    by_parent: dict[str, list[_Row]] = {}
    for r in rows:
        i = index._by_code[r.code][0] if r.unit_level != "hromada" else _position(index, r.code, "hromada")
        if LEVEL_ORDER.get(r.level or "", 0) >= LEVEL_ORDER["raion"]:
            oblast = index.oblast[i]
            if oblast and oblast != r.code:
                by_parent.setdefault(oblast, []).append(r)
        if LEVEL_ORDER.get(r.level or "", 0) >= LEVEL_ORDER["hromada"]:
            raion = index.raion[i]
            if raion:
                by_parent.setdefault(raion, []).append(r)
    out = []
    for r in rows:
        members = by_parent.get(r.code) if r.level in ("oblast", "raion") else None
        if not members:
            out.append(r)
            continue
        deepest = max(LEVEL_ORDER[m.level] for m in members)
        leaves = [m for m in members if LEVEL_ORDER[m.level] == deepest]
        name = index.name_uk[index._by_code[r.code][0]]
        for field, value in r.values.items():
            if math.isnan(value) or field == "urban_share":
                continue
            parts = [m.values.get(field, math.nan) for m in leaves if kind != "staffing" or m.role == r.role]
            if not parts or any(math.isnan(p) for p in parts):
                continue
            total = float(sum(parts))
            if abs(total - value) > max(0.5, 0.001 * abs(value)):
                unit = {1: "oblast", 2: "raion", 3: "hromada", 4: "settlement"}[deepest]
                report.current_sheet = r.sheet
                report.warn(
                    "subtotal_differs",
                    {
                        "row_level": r.level,
                        "name": name,
                        "field": field,
                        "value": _fmt(value),
                        "count": len(parts),
                        "unit_level": unit,
                        "total": _fmt(total),
                    },
                    row=r.number,
                    column=field,
                )
                report.current_sheet = None
    return [r for r in rows if not (r.level in ("oblast", "raion") and by_parent.get(r.code))]


def _position(index: UnitIndex, code: str, level: str) -> int:
    rows = index._by_code[code]
    return next((i for i in rows if index.level[i] == level), rows[0])


def _frame(rows: list[_Row], kind: str, index: UnitIndex, report: ValidationReport) -> pd.DataFrame:
    fields = CANONICAL_FIELDS[kind]
    if not rows:
        return _empty_frame(kind)
    records = []
    unknown: dict[str, list[tuple[_Row, str]]] = {}
    for r in rows:
        level = "hromada" if r.level == "settlement" else r.level
        record = {"code": r.code, "level": level, "row": r.number, "_settlement": r.level == "settlement"}
        if kind == "staffing":
            for name, value in r.values.items():
                if name in ("approved", "filled", "annual_cost"):
                    if r.role:
                        record[f"{r.role}_{name}"] = value
                        if name in r.unknown:
                            unknown.setdefault(f"{r.role}_{name}", []).append((r, r.unknown[name]))
                else:
                    record[name] = value
                    if name in r.unknown:
                        unknown.setdefault(name, []).append((r, r.unknown[name]))
        else:
            record.update(r.values)
            for name, sign in r.unknown.items():
                unknown.setdefault(name, []).append((r, sign))
        if kind == "idp":
            record["idp_estimated"] = r.estimated
        records.append(record)
    _warn_unknown(unknown, index, report)
    frame = pd.DataFrame.from_records(records)
    for name in fields:
        if name not in frame:
            frame[name] = np.nan
    if kind == "population" and "urban_share" in frame:
        derived = frame["urban_share"] * frame["population"]
        frame["population_urban"] = frame["population_urban"].fillna(derived.round())
    if kind == "staffing":
        for role in ALL_ROLES:
            over = frame[f"{role}_filled"] > frame[f"{role}_approved"]
            for row in frame.loc[over, "row"]:
                report.warn("more_filled", row=int(row))
    extra = ["idp_estimated"] if kind == "idp" else []
    if kind == "staffing" or frame["_settlement"].any():
        grouped = frame.groupby(["code", "level"], sort=False)
        summed = grouped[list(fields)].sum(min_count=1)
        # a sum with an unknown part is unknown: a settlement (or role row) "not available" makes its unit's
        # figure unknown, not the sum of the others
        for name, entries in unknown.items():
            if name in summed:
                for r, _sign in entries:
                    key = (r.code, "hromada" if r.level == "settlement" else r.level)
                    if key in summed.index:
                        summed.loc[key, name] = np.nan
        summed["row"] = grouped["row"].min()
        for e in extra:
            summed[e] = grouped[e].any()
        frame = summed.reset_index()
    return frame[["code", "level", *fields, *extra, "row"]].reset_index(drop=True)


def _warn_unknown(unknown: dict[str, list[tuple[_Row, str]]], index: UnitIndex, report: ValidationReport) -> None:
    """One warning per field given as "not available" ('…', 'н/д', 'n/a'), naming the units."""
    for name, entries in unknown.items():
        signs = ", ".join(f"'{s}'" for s in dict.fromkeys(sign for _, sign in entries))
        shown = [
            msg(
                "unit_row",
                name=index.name_uk[_position(index, r.code, r.unit_level or "hromada")],
                code=r.code,
                row=r.number,
            )  # fmt: skip
            for r, _ in entries[:5]
        ]
        more = msg("and_more", count=len(entries) - 5) if len(entries) > 5 else ""
        report.warn(
            "not_available",
            {"field": name, "signs": signs, "count": len(entries), "units": shown, "more": more},
            column=name,
        )


def _check_totals(totals_rows: list[_Row], frame: pd.DataFrame, kind: str, report: ValidationReport) -> None:
    if len(totals_rows) != 1 or frame.empty:
        return
    row = totals_rows[0]
    for field, value in row.values.items():
        if field not in frame or math.isnan(value):
            continue
        total = float(frame[field].sum())
        if abs(total - value) > max(0.5, 0.001 * abs(value)):
            report.warn(
                "totals_differ",
                {"field": field, "value": _fmt(value), "total": _fmt(total)},
                row=row.number,
                column=field,
            )


def _file_level(rows: list[_Row], report: ValidationReport) -> str | None:
    levels = Counter(r.level for r in rows if r.level)
    if not levels:
        return None
    if len(levels) > 1:
        parts = [
            msg("level_rows", count=n, level=lvl) for lvl, n in sorted(levels.items(), key=lambda x: LEVEL_ORDER[x[0]])
        ]
        report.warn("several_levels", {"parts": parts})
    return max(levels, key=lambda lvl: LEVEL_ORDER[lvl])


# --------------------------------------------------------------------------- the four readers
def _read(kind: str, path, units, sheet, **options) -> tuple[pd.DataFrame, ValidationReport]:
    frame, report = read_figures(path, kind, units, sheet, **options)
    if report.errors:
        raise DataValidationError(report)
    return frame, report


def read_population(
    path: Path, units: pd.DataFrame | UnitIndex, sheet: str | int | None = None, **options
) -> tuple[pd.DataFrame, ValidationReport]:
    """Residents by unit: ``code``, ``level``, ``population``, ``population_children``, ``population_urban``.

    ``options`` are those of :func:`read_figures` (``columns``, ``codes``,
    ``header_row``). Raises :class:`DataValidationError` when the file has errors.
    """
    return _read("population", path, units, sheet, **options)


def read_idp(
    path: Path, units: pd.DataFrame | UnitIndex, sheet: str | int | None = None, **options
) -> tuple[pd.DataFrame, ValidationReport]:
    """Internally displaced persons by unit: ``code``, ``level``, ``idp``, ``idp_children``, ``idp_estimated``.

    ``idp_estimated`` is True where the file says the figure was estimated
    (a column "Оцінка" / "estimated" holding так/yes/1/true).
    """
    return _read("idp", path, units, sheet, **options)


def read_staffing(
    path: Path, units: pd.DataFrame | UnitIndex, sheet: str | int | None = None, **options
) -> tuple[pd.DataFrame, ValidationReport]:
    """Approved and filled positions by unit and role, one row per unit.

    The file is long (one row per unit and role, with a role column
    ``Посада``) or wide (a column per role and measure, e.g. under a merged
    header "Фахівці із соціальної роботи" over "затверджено" / "зайнято").
    Returns ``code``, ``level`` and ``{role}_approved``, ``{role}_filled``,
    ``{role}_annual_cost`` for each role of :data:`~loaders.fields.ALL_ROLES`
    (NaN where the file has no figure).
    """
    return _read("staffing", path, units, sheet, **options)


def read_caseload(
    path: Path, units: pd.DataFrame | UnitIndex, sheet: str | int | None = None, **options
) -> tuple[pd.DataFrame, ValidationReport]:
    """Caseload by unit: ``families_sjo`` (families with children in difficult life
    circumstances, СЖО), ``low_income_families`` (low-income families with
    children), ``children_disabilities``, ``open_cases``."""
    return _read("caseload", path, units, sheet, **options)
