"""Read messy spreadsheets: pick the sheet, find the header, map columns, parse numbers.

Planners receive ``.xlsx``, ``.xls``, ``.ods`` and ``.csv`` files (UTF-8,
UTF-8 with BOM or Windows-1251; comma, semicolon or tab) with title, note
and source rows above or below the table, headers over one to three rows
(merged cells included), an HXL tag row (``#adm1+code``) under or instead
of the header, Ukrainian and English headers side by side, and several
sheets. The helpers here turn such a file into a :class:`Table`: the cells
of the data rows, each with its row number as a spreadsheet program shows it
(the first row is 1), and which canonical field (:mod:`loaders.fields`) each
column holds.

Numbers may be typed as text with spaces, non-breaking spaces or commas as
thousands separators, decimal commas or a percent sign
(:func:`parse_number`). Cells that hold a sign instead of a number follow
the conventions of the State Statistics Service (:data:`DEFAULT_CELLS`),
which a file may override (``cells`` in a manifest, ``--cells`` in
``validate``):

- ``–``, ``—``, ``-``: none (zero);
- ``…``, ``...``, ``н/д``, ``n/a``, ``na``, ``#n/a``: not available (unknown;
  a sum with an unknown part is unknown);
- ``х``, ``x``: not applicable (the figure cannot exist: counted as zero);
- an empty cell: no figure given (unknown).

A row of column numbers under the header (``1 2 3 … 11``, usual on official
forms) is recognised and skipped (:attr:`Table.numbering_row`).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import ValidationReport
from .fields import HXL_NOT_TOTAL, HXL_TAGS, KEY_FIELDS, ROLE_ALIASES, ROLE_LABELS, STAFFING_MEASURES, VALUE_FIELDS
from .messages import Message, MessageError, msg
from .safety import FileRefused, ParseClock, check_file, load_workbook

__all__ = [
    "MISSING_MARKERS",
    "CELL_MEANINGS",
    "DEFAULT_CELLS",
    "cell_conventions",
    "cell_meaning",
    "TOTAL_LABELS",
    "TABLE_SUFFIXES",
    "Sheet",
    "Table",
    "normalise_header",
    "parse_number",
    "read_raw",
    "read_sheets",
    "find_table",
    "read_table",
    "field_lookup",
]

MISSING_MARKERS = frozenset({"", "…", "...", "–", "—", "-", "н/д", "n/a", "na", "nan", "none", "x", "х", "#n/a"})
#: What a sign in a number cell may mean: its value, and whether it makes a sum unknown.
CELL_MEANINGS = {"zero": 0.0, "unknown": math.nan, "not_applicable": 0.0}
#: The State Statistics Service's conventions (the default of every table): sign -> meaning.
DEFAULT_CELLS: dict[str, str] = {
    "-": "zero",  # also – and —: dashes are read alike
    "…": "unknown",
    "...": "unknown",
    "н/д": "unknown",
    "n/a": "unknown",
    "na": "unknown",
    "#n/a": "unknown",
    "nan": "unknown",
    "none": "unknown",
    "х": "not_applicable",
    "x": "not_applicable",
}
TOTAL_LABELS = frozenset({"всього", "разом", "total", "усього", "україна", "ukraine", "grand total", "итого"})
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
_HEADER_SCAN_ROWS = 30
_MAX_HEADER_ROWS = 3
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+$")
_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3}){2,}$")
_UNIT_SUFFIX = re.compile(
    r"[,;]?\s*\(?(?:осіб|чол\.?|тис\.?\s*осіб|од\.?|одиниць|грн\.?|uah|persons|people|individuals|"
    r"ind\.?|units|%|відсотків|сімей|families|cases|випадків)\)?$"
)
_DATE_QUALIFIER = re.compile(r"^(?:станом на|на|as of|as at|at|in|у|в|за|\d{4}|\d{1,2}[./]\d{1,2}|\(|,)")
_QUALIFIERS = ("міськ", "сільськ", "urban", "rural", "діт", "child", "0-17", "жін", "чол", "female", "male", "women")
_QUALIFIERS += ("%", "відсот", "pct", "percent", "share", "частка", "впо", "idp", "returnee", "поверн")


_TEXT_TABLE = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'", **{d: "-" for d in "‐‑‒–—"}})


def _clean_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return _clean_str(value)
    return _clean_str(str(value))


@lru_cache(maxsize=262144)
def _clean_str(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_TEXT_TABLE)).strip()


def normalise_header(value: object) -> str:
    """Lower-case header text without units, punctuation variants or extra spaces.

    ``"Чисельність населення, осіб"`` -> ``"чисельність населення"``.
    """
    text = _clean_text(value).lower()
    return re.split(r"[,(]", text, maxsplit=1)[0].strip()


def _header_variants(value: object) -> list[str]:
    """Ways to read one header cell, most specific first."""
    return list(_header_variants_of(_clean_text(value)))


@lru_cache(maxsize=65536)
def _header_variants_of(value: str) -> tuple[str, ...]:
    text = _clean_text(value).lower().strip(" :.*¹²³")
    if not text:
        return ()
    out = [text]
    parts = [p.strip() for p in re.split(r"\s*(?:/|\||\n|;)\s*", text) if p.strip()]
    for piece in [text, *parts] if len(parts) > 1 else [text]:
        stripped = _UNIT_SUFFIX.sub("", piece).strip(" ,")
        before = re.split(r"[,(]", piece, maxsplit=1)[0].strip()
        inside = re.findall(r"\(([^)]*)\)", piece)
        out += [piece, stripped, before, *[i.strip() for i in inside]]
    seen: list[str] = []
    for v in out:
        if v and v not in seen:
            seen.append(v)
    return tuple(seen)


def _marker_key(text: str) -> str:
    return re.sub(r"[‐‑‒–—−]", "-", _SPACES.sub("", text)).lower()


def cell_conventions(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """:data:`DEFAULT_CELLS` with ``overrides`` (``{sign: zero|unknown|not_applicable}``) applied.

    Raises
    ------
    ValueError
        If a meaning is not one of :data:`CELL_MEANINGS`.
    """
    cells = dict(DEFAULT_CELLS)
    for sign, meaning in (overrides or {}).items():
        meaning = str(meaning).strip().lower().replace(" ", "_").replace("-", "_")
        if meaning not in CELL_MEANINGS:
            raise MessageError(msg("cell_convention", sign=str(sign), meaning=meaning, known=", ".join(CELL_MEANINGS)))
        cells[_marker_key(str(sign))] = meaning
    return cells


def cell_meaning(value: object, cells: dict[str, str] | None = None) -> str | None:
    """``"zero"``, ``"unknown"`` or ``"not_applicable"`` when the cell is a sign of ``cells`` (default: the
    State Statistics conventions), ``"blank"`` for an empty cell, ``None`` for anything else."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "blank"
    if isinstance(value, (int, float)):
        return None
    key = _marker_key(str(value))
    if not key:
        return "blank"
    return (cells or DEFAULT_CELLS).get(key)


def parse_number(value: object, cells: dict[str, str] | None = None) -> float:
    """Parse a cell as a number; signs follow ``cells`` (:data:`DEFAULT_CELLS` by default: ``–`` is 0,
    ``…`` and ``н/д`` are NaN, ``х`` is 0); an empty cell is NaN.

    Accepts ints and floats, and text with spaces or non-breaking spaces as
    thousands separators, ``1,234,567`` with commas as thousands separators,
    decimal commas (``12,5``) and percentages (``45 %`` -> 0.45).

    Raises
    ------
    ValueError
        If the cell is text that is not a number or a missing marker.
    """
    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise MessageError(msg("not_a_number", value=repr(value)))
    if isinstance(value, (int, float)):
        return float(value)
    meaning = cell_meaning(value, cells)
    if meaning is not None:
        return math.nan if meaning == "blank" else CELL_MEANINGS[meaning]
    text = _SPACES.sub("", str(value)).strip()
    if text.lower() in MISSING_MARKERS:
        return math.nan
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if text.startswith("−"):
        text = "-" + text[1:]
    if "," in text and "." in text:
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif _THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    elif _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise MessageError(msg("not_a_number", value=str(value))) from None
    if math.isinf(number) or math.isnan(number):
        raise MessageError(msg("not_finite", value=str(value)))
    return number / 100 if percent else number


# --------------------------------------------------------------------------- reading cells
@dataclass
class Sheet:
    """The cells of one sheet (or CSV file): ``rows[i]`` is spreadsheet row ``numbers[i]``.

    ``typed`` is True for workbooks, whose cells carry a type (a number typed
    as text is then worth a warning); False for CSV, where every cell is text.
    """

    name: str | None
    rows: list[list[object]]
    numbers: list[int]
    typed: bool


def _parser_errors() -> tuple[type[BaseException], ...]:
    import struct
    import xml.etree.ElementTree as ET

    errors: list[type[BaseException]] = [
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        KeyError,
        IndexError,
        TypeError,
        AttributeError,
        struct.error,
        ET.ParseError,
        UnicodeError,
        AssertionError,
        OverflowError,
        RecursionError,
    ]
    try:
        import xlrd

        errors.append(xlrd.XLRDError)
        from xlrd.compdoc import CompDocError

        errors.append(CompDocError)
    except ImportError:
        pass
    try:
        from lxml import etree

        errors.append(etree.LxmlError)
    except ImportError:
        pass
    return tuple(errors)


_PARSER_ERRORS = _parser_errors()


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t", "|"):
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        score = (counts.count(modal) if modal > 1 else 0, modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path) -> list[Sheet]:
    text = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    clock = ParseClock(path.name)
    rows, numbers, line = [], [], 0
    csv.field_size_limit(1_000_000)
    for record in reader:
        clock.row(len(record))
        rows.append(list(record))
        numbers.append(line + 1)
        line = reader.line_num
    return [Sheet(None, rows, numbers, typed=False)]


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + (ord(ch.upper()) - 64)
    return n


def _merged_ranges(archive: zipfile.ZipFile, member: str | None) -> list[tuple[int, int, int, int]]:
    """``(min_row, min_col, max_row, max_col)`` of every merged range of a sheet (1-based)."""
    if not member:
        return []
    try:
        xml = archive.read(member.lstrip("/"))
    except KeyError:
        return []
    return [(int(r0), _column_number(c0), int(r1), _column_number(c1)) for c0, r0, c1, r1 in _MERGE.findall(xml)]


def _read_xlsx(path: Path, sheet: str | int | None) -> list[Sheet]:
    handle = path.open("rb")  # a file object: openpyxl then judges by content, not by the extension
    clock = ParseClock(path.name)  # opening the workbook counts: openpyxl reads its shared texts then
    try:
        wb = load_workbook(handle, clock)
    except BaseException:
        handle.close()
        raise
    try:
        hidden = [ws.title for ws in wb if getattr(ws, "sheet_state", "visible") != "visible"]
        clock.sheets(len(wb.sheetnames))
        names = _pick_sheets(wb.sheetnames, sheet, path, hidden=hidden)
        out = []
        with zipfile.ZipFile(path) as archive:
            for name in names:
                ws = wb[name]
                ws.reset_dimensions()  # do not trust the size the writing program recorded
                rows = []
                for r in ws.iter_rows(values_only=True):
                    clock.row(len(r))
                    rows.append(list(r))
                # merged cells hold their value in the first cell only: give it to every cell of the range
                for r0, c0, r1, c1 in _merged_ranges(archive, getattr(ws, "_worksheet_path", None)):
                    if r0 > len(rows):
                        continue
                    value = rows[r0 - 1][c0 - 1] if c0 <= len(rows[r0 - 1]) else None
                    for r in range(r0 - 1, min(r1, len(rows))):
                        row = rows[r]
                        row.extend([None] * (c1 - len(row)))
                        for c in range(c0 - 1, c1):
                            row[c] = value
                out.append(Sheet(name, rows, list(range(1, len(rows) + 1)), typed=True))
        return out
    finally:
        wb.close()
        handle.close()


def _read_xls(path: Path, sheet: str | int | None) -> list[Sheet]:
    try:
        import xlrd
    except ImportError:
        raise MessageError(msg("needs_package", name=path.name, suffix=".xls", package="xlrd")) from None
    book = xlrd.open_workbook(str(path), formatting_info=True)
    clock = ParseClock(path.name)
    clock.sheets(book.nsheets)
    names = _pick_sheets(book.sheet_names(), sheet, path)
    out = []
    for name in names:
        ws = book.sheet_by_name(name)
        rows: list[list[object]] = []
        for r in range(ws.nrows):
            clock.row(ws.ncols)
            row: list[object] = []
            for cell in ws.row(r):
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    row.append(None)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    row.append(int(cell.value) if float(cell.value).is_integer() else cell.value)
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                else:
                    row.append(cell.value)
            rows.append(row)
        for r0, r1, c0, c1 in ws.merged_cells:
            for r in range(r0, r1):
                for c in range(c0, c1):
                    rows[r][c] = rows[r0][c0]
        out.append(Sheet(name, rows, list(range(1, len(rows) + 1)), typed=True))
    return out


def _read_ods(path: Path, sheet: str | int | None) -> list[Sheet]:
    try:
        import odf  # noqa: F401
    except ImportError:
        raise MessageError(msg("needs_package", name=path.name, suffix=".ods", package="odfpy")) from None
    frames = pd.read_excel(path, engine="odf", sheet_name=None, header=None, dtype=object)
    clock = ParseClock(path.name)
    clock.sheets(len(frames))
    for frame in frames.values():
        for _ in range(len(frame)):
            clock.row(frame.shape[1])
    names = _pick_sheets(list(frames), sheet, path)
    out = []
    for name in names:
        values = frames[name].astype(object).where(frames[name].notna(), None).values.tolist()
        rows = [[int(v) if isinstance(v, float) and v.is_integer() else v for v in row] for row in values]
        out.append(Sheet(name, rows, list(range(1, len(rows) + 1)), typed=True))
    return out


def _pick_sheets(names: list[str], sheet: str | int | None, path: Path, hidden: list[str] = ()) -> list[str]:
    if sheet is None:
        visible = [n for n in names if n not in hidden]
        return visible or names
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return [names[sheet]]
    else:
        for name in names:
            if name == sheet or name.strip().lower() == str(sheet).strip().lower():
                return [name]
        if str(sheet).isdigit() and 1 <= int(sheet) <= len(names):
            return [names[int(sheet) - 1]]
    raise MessageError(msg("no_sheet", name=path.name, sheet=str(sheet), sheets=", ".join(names)))


def read_sheets(path: Path, sheet: str | int | None = None) -> list[Sheet]:
    """Every sheet of a workbook (or the one named; an int is a 0-based position), or the CSV's cells.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file type is not supported, a reader package is missing, or
        the named sheet does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"input file not found: {path}")
    kind = check_file(path)  # by content, not by extension; refuses macros and zip bombs
    readers = {"xlsx": _read_xlsx, "xls": _read_xls, "ods": _read_ods}
    if kind == "text":
        return _read_csv(path)
    if kind not in readers:
        raise FileRefused("refused_not_a_table", name=path.name, type=kind)
    try:
        return readers[kind](path, sheet)
    except (MessageError, FileNotFoundError):
        raise  # our own message (a refused file, no such sheet)
    except ValueError as exc:
        raise MessageError(msg("unreadable", name=path.name, type=kind, reason=str(exc))) from None
    except _PARSER_ERRORS as exc:
        # a damaged or crafted workbook: the parsers fail in many ways, all of them "cannot read"
        reason = f"{type(exc).__name__}: {exc}"
        raise MessageError(msg("unreadable", name=path.name, type=kind, reason=reason)) from None


def read_raw(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    """All cells of a spreadsheet or CSV as objects, with no header assumed.

    For workbooks without ``sheet``, the first sheet is read.
    """
    sheet_ = read_sheets(path, 0 if sheet is None else sheet)[0]
    width = max((len(r) for r in sheet_.rows), default=0)
    return pd.DataFrame([r + [None] * (width - len(r)) for r in sheet_.rows], dtype=object)


# --------------------------------------------------------------------------- finding the table
def field_lookup(kind: str | None) -> dict[str, str]:
    """Normalised header -> field, for the key fields and the value fields of ``kind``."""
    lookup: dict[str, str] = {}
    groups = [KEY_FIELDS, VALUE_FIELDS.get(kind, {})] if kind else [KEY_FIELDS]
    for group in groups:
        for name, aliases in group.items():
            for alias in (name, *aliases):
                lookup.setdefault(_clean_text(alias).lower(), name)
    return lookup


_ROLE_WORDS = sorted(
    ((_clean_text(a).lower(), role) for role, names in ROLE_ALIASES.items() for a in (*names, *ROLE_LABELS[role])),
    key=lambda x: -len(x[0]),
)
_MEASURE_WORDS = sorted(
    ((_clean_text(a).lower(), m) for m, names in STAFFING_MEASURES.items() for a in names), key=lambda x: -len(x[0])
)


def _staffing_column(label: str) -> str | None:
    """``"Фахівці із соціальної роботи: затверджено"`` -> ``"social_work_specialist_approved"``."""
    role = next((r for word, r in _ROLE_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", label)), None)
    if role is None:
        return None
    measure = next((m for word, m in _MEASURE_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", label)), None)
    return f"{role}_{measure}" if measure else None


def _match_label(
    whole: list[str], parts: list[str], loose: list[str], lookup: dict[str, str], kind: str | None
) -> str | None:
    """The field of a header column.

    In order: an exact alias among the readings of the ``whole`` label, a
    staffing role x measure in it ("Фахівці із соціальної роботи
    затверджено"), an exact alias among the readings of its rows (``parts``),
    then an alias that starts one of the ``loose`` texts ("Чисельність
    населення на 1 січня 2022 року").
    """
    for v in whole:
        if v in lookup:
            return lookup[v]
    if kind == "staffing":
        for v in whole:
            wide = _staffing_column(v)
            if wide:
                return wide
    for v in parts:
        if v in lookup:
            return lookup[v]
    for v in loose:
        best: tuple[int, str] | None = None
        for alias, name in lookup.items():
            if len(alias) < 3 or not v.startswith(alias + " "):
                continue
            rest = v[len(alias) :].strip()
            if any(q in rest for q in _QUALIFIERS):
                continue
            if len(alias) < 8 and not _DATE_QUALIFIER.match(rest):
                continue
            if best is None or len(alias) > best[0]:
                best = (len(alias), name)
        if best:
            return best[1]
    return None


def _hxl_field(tag: str, kind: str | None) -> str | None:
    parts = tag.strip().lower().split("+")
    hashtag, attrs = parts[0].strip(), {a.strip() for a in parts[1:]}
    fields = set(KEY_FIELDS) | set(VALUE_FIELDS.get(kind, {}))
    for rule_tag, required, name in HXL_TAGS:
        if hashtag == rule_tag and required <= attrs and name in fields:
            if name == "population" and attrs & HXL_NOT_TOTAL:
                continue
            if name == "population_children" and "idp" in attrs:
                continue
            return name
    return None


def _is_hxl_row(row: list[object]) -> bool:
    cells = [_clean_text(c) for c in row if _clean_text(c)]
    tags = [c for c in cells if c.startswith("#") and " " not in c]
    others = {c for c in cells if c not in tags}  # a note merged over many cells counts once
    return len(tags) >= 2 and len(tags) >= len(others)


@dataclass
class Table:
    """The data rows of a sheet and the field each mapped column holds.

    ``columns`` maps a column position to its field; key fields (``code``,
    ``oblast``, ``raion``, ``hromada``, ``name``) may have several columns
    (e.g. an oblast name and an oblast P-code), value fields one.
    ``labels`` holds the header text of each mapped column; ``rows`` and
    ``numbers`` the cells and spreadsheet row numbers of the rows below the
    header (blank rows dropped).
    """

    sheet: str | None
    header_row: int
    columns: dict[int, str]
    labels: dict[int, str]
    rows: list[list[object]]
    numbers: list[int]
    typed: bool
    header_keys: frozenset[str] = field(default_factory=frozenset)
    numbering_row: int | None = None  #: the row of column numbers under the header that was skipped
    row_sheets: list[str | None] | None = None  #: the sheet of each row, when several sheets are read together

    def cells(self, name: str) -> list[int]:
        """Positions of the columns holding field ``name``."""
        return [c for c, f in self.columns.items() if f == name]

    def headers(self) -> dict[str, str]:
        """The file's own header text of each field (its first column), for messages; none for a column
        that had no header."""
        out: dict[str, str] = {}
        for c, name in sorted(self.columns.items()):
            text = str(self.labels.get(c) or "").strip()
            if text and name not in out:
                out[name] = text
        return out


def _span_labels(rows: list[list[object]], start: int, k: int, width: int) -> list[list[str]]:
    """Per column, the header cells of rows ``start .. start+k-1`` (upper rows filled right across groups)."""
    block = [[_clean_text(c) for c in rows[r]] + [""] * (width - len(rows[r])) for r in range(start, start + k)]
    for r in range(k - 1):
        upper, lower = block[r], block[r + 1]
        if sum(1 for cell in upper if cell) < 2:
            continue  # a title line, not a row of group labels
        for c in range(1, width):
            if not upper[c] and lower[c] and lower[c - 1] and upper[c - 1]:
                upper[c] = upper[c - 1]
    return [[block[r][c] for r in range(k)] for c in range(width)]


def _label_field(parts: tuple[str, ...], lookup: dict[str, str], kind: str | None, memo: dict) -> str | None:
    """The field of a header column whose cells read ``parts`` (memoised per table search)."""
    if parts in memo:
        return memo[parts]
    combined = " ".join(dict.fromkeys(parts))
    whole = _header_variants(combined) if combined else []
    part_variants: list[str] = []
    loose: list[str] = []
    for p in reversed(parts):
        own = _header_variants(p)
        part_variants += [v for v in own if v not in part_variants]
        loose += own[:1] + [v for v in own[1:3] if v not in loose]
    memo[parts] = name = _match_label(whole, part_variants, loose, lookup, kind) if parts else None
    return name


def _map_columns(
    labels: list[list[str]],
    hxl: list[object] | None,
    lookup: dict[str, str],
    kind: str | None,
    memo: dict | None = None,
) -> tuple[dict[int, str], dict[int, str]]:
    columns: dict[int, str] = {}
    texts: dict[int, str] = {}
    taken: set[str] = set()
    memo = {} if memo is None else memo
    for c, cells in enumerate(labels):
        parts = tuple(p for p in cells if p)
        combined = " ".join(dict.fromkeys(parts))
        name = _label_field(parts, lookup, kind, memo) if parts else None
        if name is None and hxl is not None and c < len(hxl) and isinstance(hxl[c], str):
            name = _hxl_field(hxl[c], kind)
        if name is None:
            continue
        if name in taken and name not in KEY_FIELDS:
            continue
        taken.add(name)
        columns[c] = name
        texts[c] = combined or str(hxl[c] if hxl else name)
    return columns, texts


def _requirement(kind: str | None, required: tuple[str, ...] | None) -> Callable[[set[str]], bool]:
    keys = {"code", "oblast", "raion", "hromada", "name"}
    if required is not None:
        return lambda found: all(f in found for f in required)
    if kind == "staffing":
        return lambda found: (
            bool(found & keys)
            and (
                ("role" in found and bool(found & {"approved", "filled"}))
                or any(f.endswith(("_approved", "_filled")) for f in found)
            )
        )
    from .fields import REQUIRED

    needed = set(REQUIRED.get(kind, ()))
    return lambda found: bool(found & keys) and bool(found & needed)


def _resolve_overrides(
    rows: list[list[object]], overrides: dict[str, str], report: ValidationReport, known: set[str]
) -> tuple[dict[int, str], int | None]:
    """Columns named by the user: ``{field: header text or column letter}`` -> positions and the header row."""
    forced: dict[int, str] = {}
    header_at: int | None = None
    for name, target in overrides.items():
        if name not in known:
            report.error("override_unknown_field", {"name": name, "known": ", ".join(sorted(known))})
            continue
        wanted = _clean_text(target).lower()
        found = None
        for r in range(min(_HEADER_SCAN_ROWS, len(rows))):
            for c, cell in enumerate(rows[r]):
                if _clean_text(cell).lower() == wanted:
                    found = (r, c)
                    break
            if found:
                break
        if found:
            header_at = found[0] if header_at is None else max(header_at, found[0])
            forced[found[1]] = name
        elif re.fullmatch(r"[A-Za-z]{1,2}", str(target).strip()):
            letters = str(target).strip().upper()
            position = 0
            for ch in letters:
                position = position * 26 + (ord(ch) - 64)
            forced[position - 1] = name
        else:
            report.error("override_no_header", {"name": name, "target": str(target), "rows": _HEADER_SCAN_ROWS})
    return forced, header_at


def find_table(
    sheets: list[Sheet],
    kind: str | None,
    report: ValidationReport,
    *,
    lookup: dict[str, str] | None = None,
    required: tuple[str, ...] | None = None,
    columns: dict[str, str] | None = None,
    header_row: int | None = None,
) -> Table | None:
    """The best table among ``sheets``: the sheet and header rows where the most fields are found.

    A header is one to three rows starting anywhere in the first 30 rows;
    an HXL tag row right under it (or alone) also names columns. ``columns``
    forces fields onto columns (by header text or letter), ``header_row``
    (1-based) fixes the header's first row. Reports an error and returns
    ``None`` when no sheet holds the required columns.
    """
    lookup = lookup or field_lookup(kind)
    accept = _requirement(kind, required)
    known = set(lookup.values())
    best: tuple[tuple, Table] | None = None
    per_sheet: dict[int, tuple[tuple, Table, Sheet, int]] = {}
    override_errors: list = []
    memo: dict = {}
    for index, sheet in enumerate(sheets):
        rows = sheet.rows
        width = max((len(r) for r in rows[: _HEADER_SCAN_ROWS + _MAX_HEADER_ROWS + 1]), default=0)
        forced, forced_row = {}, None
        if columns:
            trial = ValidationReport(report.source)
            forced, forced_row = _resolve_overrides(rows, columns, trial, known)
            if trial.errors:
                override_errors = override_errors or trial.errors
                continue
        starts = range(min(_HEADER_SCAN_ROWS, len(rows)))
        if header_row is not None:
            starts = [header_row - 1] if 0 < header_row <= len(rows) else []
        elif forced_row is not None:
            starts = range(max(0, forced_row - _MAX_HEADER_ROWS + 1), forced_row + 1)
        for start in starts:
            if not any(_clean_text(c) for c in rows[start]):
                continue
            for k in range(1, _MAX_HEADER_ROWS + 1):
                end = start + k
                if end > len(rows):
                    break
                if k > 1 and (
                    not any(_clean_text(c) for c in rows[end - 1])
                    or _is_hxl_row(rows[end - 1])
                    or is_numbering_row(rows[end - 1])
                ):
                    break
                hxl = None
                if _is_hxl_row(rows[start]):
                    if k > 1:
                        break
                    hxl, labels = rows[start], [[] for _ in range(width)]
                else:
                    labels = _span_labels(rows, start, k, width)
                    if end < len(rows) and _is_hxl_row(rows[end]):
                        hxl = rows[end]
                mapped, texts = _map_columns(labels, hxl, lookup, kind, memo)
                for c, name in forced.items():
                    mapped = {col: f for col, f in mapped.items() if f != name or name in KEY_FIELDS}
                    mapped[c] = name
                    # the file's own header cells of the column (none when a letter names a column without one)
                    texts[c] = " ".join(dict.fromkeys(p for p in (labels[c] if c < len(labels) else ()) if p))
                found = set(mapped.values())
                data_start = end + (1 if hxl is not None and hxl is not rows[start] else 0)
                if not accept(found) and not found & set(KEY_FIELDS) and kind is not None:
                    unheaded = _unheaded_name_column(rows, data_start, labels, mapped)
                    if unheaded is not None:
                        mapped = {**mapped, unheaded: "name"}
                        texts = {**texts, unheaded: ""}  # the file gives the column no header
                        found = set(mapped.values())
                if not accept(found):
                    continue
                score = (len(found), -index, -k, -start)
                if index not in per_sheet or score > per_sheet[index][0]:
                    header_keys = frozenset(v for cells in labels for v in cells if v)
                    table = Table(sheet.name, start + 1, mapped, texts, [], [], sheet.typed, header_keys)
                    per_sheet[index] = (score, table, sheet, data_start)
    for score, table, _sheet, _start in per_sheet.values():
        if best is None or score > best[0]:
            best = (score, table)
    if best is not None:
        chosen = best[1]
        parts = [
            (table, sheet, data_start)
            for score, table, sheet, data_start in per_sheet.values()
            if table is chosen or (score[0] == best[0][0] and table.columns == chosen.columns)
        ]
        _fill(parts, lookup)
        chosen = _together(parts, chosen)
        best = (best[0], chosen)
    if best is None:
        if override_errors:
            report.issues.extend(override_errors)
        else:
            report.error(_missing_message(kind, required, lookup, sheets))
        return None
    report.headers = best[1].headers()
    return best[1]


def _unheaded_name_column(
    rows: list[list[object]], data_start: int, labels: list[list[str]], mapped: dict[int, str]
) -> int | None:
    """The column of names that an official publication leaves without a header: left of the first
    mapped value column, an empty header, and mostly text (not numbers) in the rows below."""
    if not mapped:
        return None
    for c in range(min(mapped)):
        if any(labels[c]) if c < len(labels) else False:
            continue
        texts = numbers = 0
        for row in rows[data_start : data_start + 40]:
            value = row[c] if c < len(row) else None
            text = _clean_text(value)
            if not text:
                continue
            if isinstance(value, (int, float)) or re.fullmatch(r"[\d\s.,%-]+", text):
                numbers += 1
            else:
                texts += 1
        if texts >= 1 and texts >= 4 * numbers:
            return c
    return None


def _fill(parts: list[tuple[Table, Sheet, int]], lookup: dict[str, str]) -> None:
    for table, sheet, data_start in parts:
        table.rows, table.numbers, table.numbering_row = _body(sheet, data_start, table.columns, lookup)


def _together(parts: list[tuple[Table, Sheet, int]], chosen: Table) -> Table:
    """One table from the sheets of one publication (sheets for groups of oblasts, the same columns):
    read together when the units they list do not repeat (yearly sheets of one table are not)."""
    if len(parts) < 2:
        return chosen
    keys = [c for c, f in chosen.columns.items() if f in KEY_FIELDS]

    def names(table: Table) -> set[str]:
        return {_clean_text(r[c]).lower() for r in table.rows for c in keys if c < len(r) and _clean_text(r[c])}

    seen: set[str] = set()
    for table, _sheet, _start in parts:
        own = names(table)
        if not own or len(own & seen) > 0.5 * len(own):  # names repeat across oblasts, units do not
            return chosen
        seen |= own
    rows, numbers, sheets = [], [], []
    for table, _sheet, _start in parts:
        rows += table.rows
        numbers += table.numbers
        sheets += [table.sheet] * len(table.rows)
    numbering = next((t.numbering_row for t, _, _ in parts if t.numbering_row is not None), None)
    return Table(
        ", ".join(str(t.sheet) for t, _, _ in parts),
        chosen.header_row,
        chosen.columns,
        chosen.labels,
        rows,
        numbers,
        chosen.typed,
        chosen.header_keys,
        numbering,
        sheets,
    )


def _missing_message(
    kind: str | None, required: tuple[str, ...] | None, lookup: dict[str, str], sheets: list[Sheet]
) -> Message:
    from .fields import FIELD_EXAMPLES, REQUIRED

    names = {**{v: k for k, v in reversed(list(lookup.items()))}, **FIELD_EXAMPLES}
    if required is not None:
        expected = msg(
            "expected_fields", fields=[msg("field_example", field=f, example=names.get(f, f)) for f in required]
        )
    elif kind == "staffing":
        expected = msg("expected_staffing")
    else:
        wanted = REQUIRED.get(kind or "", ())
        expected = msg(
            "expected_values", alternatives=[msg("field_example", field=f, example=names.get(f, f)) for f in wanted]
        )
    if len(sheets) > 1:
        return msg("no_header_sheets", rows=_HEADER_SCAN_ROWS, sheets=len(sheets), expected=expected)
    return msg("no_header", rows=_HEADER_SCAN_ROWS, expected=expected)


def is_numbering_row(row: list[object]) -> bool:
    """A row of column numbers under a header (``1 2 3 … 11``, or ``А Б 1 2 3`` with the letters of the
    name columns first): its filled cells are letters, then the whole numbers 1, 2, 3... in order. Three
    numbers at least, or one letter and one number."""
    letters, values = 0, []
    for cell in row:
        text = _clean_text(cell)
        if not text:
            continue
        if isinstance(cell, bool):
            return False
        if isinstance(cell, (int, float)) and float(cell).is_integer():
            values.append(int(cell))
        elif re.fullmatch(r"\d{1,3}", text):
            values.append(int(text))
        elif re.fullmatch(r"[А-ЯA-Z]", text) and not values:
            letters += 1
        else:
            return False
    if not values or values != list(range(values[0], values[0] + len(values))) or values[0] > 2:
        return False
    return len(values) >= 3 or (letters >= 1 and values[0] == 1)


def _body(sheet: Sheet, start: int, columns: dict[int, str], lookup: dict[str, str]) -> tuple[list, list, int | None]:
    rows, numbers = [], []
    mapped = list(columns)
    echo_checked = 0
    numbering = None
    for r in range(start, len(sheet.rows)):
        row = sheet.rows[r]
        cells = [row[c] if c < len(row) else None for c in mapped]
        if not any(_clean_text(v) for v in cells):
            continue
        if echo_checked < 3:
            echo_checked += 1
            if _is_hxl_row(row) or _is_header_echo(cells, lookup):
                continue
            if numbering is None and is_numbering_row(row):
                numbering = sheet.numbers[r]
                continue
        rows.append(row)
        numbers.append(sheet.numbers[r])
    return rows, numbers, numbering


def _is_header_echo(cells: list[object], lookup: dict[str, str]) -> bool:
    """A second header row (e.g. the English line of a bilingual header)."""
    texts = [_clean_text(c) for c in cells if _clean_text(c)]
    if any(isinstance(c, (int, float)) and not isinstance(c, bool) for c in cells):
        return False
    known = sum(1 for t in texts if any(v in lookup for v in _header_variants(t)))
    return known >= 2 and known * 2 >= len(texts)


def read_table(
    path: Path,
    aliases: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    report: ValidationReport,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Read a table whose header row may sit below title rows.

    Returns a DataFrame with the canonical field names of ``aliases`` that
    were found, plus ``_row``: the 1-based row number in the file, for
    messages. Empty rows and totals rows (``Всього``, ``Разом``, ``Total``)
    are dropped; totals rows with a warning. Missing required columns are
    reported as errors and give an empty frame.
    """
    lookup = {}
    for name, names in aliases.items():
        for alias in (name, *names):
            lookup.setdefault(_clean_text(alias).lower(), name)
    table = find_table(read_sheets(path, sheet), None, report, lookup=lookup, required=required)
    if table is None:
        return pd.DataFrame(columns=[*aliases, "_row"])
    records = []
    for row, number in zip(table.rows, table.numbers):
        record = {name: (row[c] if c < len(row) else None) for c, name in table.columns.items()}
        if any(normalise_header(v) in TOTAL_LABELS for v in record.values()):
            report.warn("totals_row", row=number)
            continue
        record["_row"] = number
        records.append(record)
    return pd.DataFrame(records, columns=[*dict.fromkeys(table.columns.values()), "_row"])
