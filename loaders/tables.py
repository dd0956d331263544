"""Read messy spreadsheets: find the header row, map columns, parse numbers.

Planners receive ``.xlsx`` and ``.csv`` files with title rows above the
header, Ukrainian or English headers with units ("Чисельність населення,
осіб"), numbers typed as text with spaces as thousands separators and
markers such as ``–`` or ``н/д`` for missing values. The helpers here turn
such a sheet into a plain DataFrame with canonical column names, and record
every problem in a :class:`~loaders.errors.ValidationReport`.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from .errors import ValidationReport

__all__ = [
    "MISSING_MARKERS",
    "TOTAL_LABELS",
    "normalise_header",
    "parse_number",
    "read_raw",
    "read_table",
]

MISSING_MARKERS = frozenset({"", "…", "...", "–", "—", "-", "н/д", "n/a", "na", "nan", "none", "x", "х"})
TOTAL_LABELS = frozenset({"всього", "разом", "total", "усього", "україна", "ukraine"})
_HEADER_SCAN_ROWS = 30
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+$")


def normalise_header(value: object) -> str:
    """Lower-case header text without units, punctuation variants or extra spaces.

    ``"Чисельність населення, осіб"`` -> ``"чисельність населення"``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).replace("’", "'").replace("ʼ", "'").replace("`", "'")
    text = _SPACES.sub(" ", text).strip().lower()
    text = re.split(r"[,(]", text, maxsplit=1)[0].strip()
    return text


def parse_number(value: object) -> float:
    """Parse a cell as a number; missing markers give NaN.

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
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    text = _SPACES.sub("", str(value)).strip()
    if text.lower() in MISSING_MARKERS:
        return math.nan
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if "," in text and "." in text:
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif _THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {str(value)!r}") from None
    if math.isinf(number):
        raise ValueError(f"expected a finite number, got {str(value)!r}")
    return number / 100 if percent else number


def read_raw(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    """All cells of a spreadsheet or CSV as objects, with no header assumed.

    For workbooks without ``sheet``, the first sheet is read.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"input file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        try:
            return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, header=None, dtype=object)
        except ImportError as exc:
            raise ValueError(f"{path.name}: reading '{suffix}' files needs an extra package ({exc})") from None
    if suffix in {".csv", ".txt", ".tsv"}:
        raw_bytes = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = raw_bytes.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        import csv
        import io

        sample = text[:20000]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        return pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=object, keep_default_na=False)
    raise ValueError(f"{path.name}: unsupported file type '{suffix}' (expected .xlsx, .xls, .ods or .csv)")


def _find_header(
    raw: pd.DataFrame, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> tuple[int, dict[int, str]] | None:
    """The first row (within the first rows) where every required field has a column."""
    lookup = {alias: field for field, names in aliases.items() for alias in names}
    for row in range(min(_HEADER_SCAN_ROWS, len(raw))):
        mapping: dict[int, str] = {}
        for col, cell in enumerate(raw.iloc[row].tolist()):
            field = lookup.get(normalise_header(cell))
            if field and field not in mapping.values():
                mapping[col] = field
        if all(f in mapping.values() for f in required):
            return row, mapping
    return None


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
    raw = read_raw(path, sheet)
    found = _find_header(raw, aliases, required)
    if found is None:
        expected = "; ".join(f"{f} (e.g. '{aliases[f][0]}')" for f in required)
        report.error(
            f"no header row with the required columns found in the first {_HEADER_SCAN_ROWS} rows; expected {expected}"
        )
        return pd.DataFrame(columns=[*aliases, "_row"])
    header_row, mapping = found
    body = raw.iloc[header_row + 1 :, list(mapping)].copy()
    body.columns = [mapping[c] for c in mapping]
    body["_row"] = body.index + 1
    cells = body.drop(columns="_row")
    is_blank = cells.apply(lambda col: col.map(lambda v: normalise_header(v) == "")).all(axis=1)
    body = body[~is_blank]
    is_total = (
        body.drop(columns="_row").apply(lambda col: col.map(lambda v: normalise_header(v) in TOTAL_LABELS)).any(axis=1)
    )
    for row in body.loc[is_total, "_row"]:
        report.warn("totals row skipped (not counted as data)", row=int(row))
    return body[~is_total].reset_index(drop=True)
