"""Write tables to .xlsx so that they open ready to use, and safely.

Each table sheet has its header row frozen, filters on, column widths that
fit, integers with thousands separators, ratios with one decimal,
percentages as percentages and colour scales on gap columns, all driven by
:mod:`exports.columns`.

Safety: every text cell is written as a string (``write_string``), never
as a formula, whatever it starts with; a text that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return also gets Excel's "quote
prefix" so that editing the cell later does not turn it into a formula.
Codes are text with the text number format (``@``), never numbers.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xlsxwriter

from core.text import LANGS, t

from .columns import KINDS, ColumnSpec, columns_for

__all__ = ["COVER_SHEET", "RISKY_PREFIXES", "Cover", "Sheet", "is_risky_text", "write_workbook"]

#: Name of the cover sheet (the same in both languages, so that scripts find it).
COVER_SHEET = "Notes"

#: Leading characters that a spreadsheet may read as the start of a formula.
RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60
_MIN_WIDTH = 6
# Colour-blind safe diverging pair (ColorBrewer PuOr ends): orange = worse, blue = better.
_WORSE, _MID, _BETTER = "#E08214", "#FFFFFF", "#4393C3"


def is_risky_text(text: str) -> bool:
    """True when ``text`` begins with a character a spreadsheet may read as a formula."""
    return text.startswith(RISKY_PREFIXES)


@dataclass(frozen=True)
class Sheet:
    """A table sheet: ``table``'s columns as described by ``columns`` (default: looked up by name)."""

    title: str
    table: pd.DataFrame
    columns: tuple[ColumnSpec, ...] = ()
    note: str | None = None

    def specs(self) -> list[ColumnSpec]:
        if self.columns:
            return [c for c in self.columns if c.name in self.table.columns]
        return columns_for(self.table)


@dataclass(frozen=True)
class Cover:
    """The cover sheet: a title and (label, value) rows in English and in Ukrainian.

    ``rows`` holds ``(label_en, value_en, label_uk, value_uk)``; the sheet
    shows English in columns A and B and Ukrainian in columns C and D, so a
    donor and a ministry planner read the same file.
    """

    title_en: str
    title_uk: str
    rows: tuple[tuple[str, object, str, object], ...] = field(default_factory=tuple)


class _Formats:
    """xlsxwriter formats made once per workbook and reused."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self._workbook = workbook
        self._cache: dict[tuple, object] = {}

    def get(self, num_format: str | None = None, quote: bool = False, **extra):
        key = (num_format, quote, tuple(sorted(extra.items())))
        if key not in self._cache:
            props = dict(extra)
            if num_format:
                props["num_format"] = num_format
            if quote:
                props["quote_prefix"] = True
            self._cache[key] = self._workbook.add_format(props) if props else None
        return self._cache[key]


def _sheet_title(title: str, used: set[str]) -> str:
    base = _BAD_TITLE.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _decimals(num_format: str | None) -> int:
    if not num_format or "." not in num_format:
        return 0
    return len(re.match(r"[0#]*", num_format.split(".", 1)[1]).group(0))


def _text_values(series: pd.Series, spec: ColumnSpec, lang: str) -> list[str | None]:
    if spec.kind == "flag":
        yes, no = t("yes", lang), t("no", lang)
        return [None if pd.isna(v) else (yes if bool(v) else no) for v in series.tolist()]
    out = []
    for v in series.tolist():
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
            out.append(None)
        elif isinstance(v, float) and v.is_integer() and spec.kind == "code":
            out.append(str(int(v)))  # a code read as a number: write its digits, never "5.0e+17"
        else:
            out.append(str(v))
    return out


def _number_values(series: pd.Series) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce")
    return np.asarray(values, dtype=float)


def _width_of_text(values: list[str | None]) -> int:
    lengths = [len(v) for v in values if v]
    return max(lengths, default=0)


def _width_of_numbers(values: np.ndarray, spec: ColumnSpec) -> int:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0
    biggest = float(np.abs(finite).max())
    decimals = _decimals(spec.format)
    if spec.kind == "percent":
        return len(f"{biggest * 100:,.{decimals}f}") + 2
    text = f"{biggest:,.{decimals}f}" if spec.format not in (None, "General") else f"{biggest:.10g}"
    return len(text) + (1 if (finite < 0).any() else 0)


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def _write_mixed(ws, col: int, series: pd.Series, formats: _Formats) -> int:
    """A column of numbers and text (e.g. parameter values): each cell as what it is."""
    width = 0
    for row, value in enumerate(series.tolist(), start=1):
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            continue
        if _is_number(value) and math.isfinite(float(value)):
            ws.write_number(row, col, float(value), formats.get("General", align="left"))
            width = max(width, len(f"{float(value):.10g}"))
        else:
            text = str(value)
            ws.write_string(row, col, text, formats.get(None, quote=True) if is_risky_text(text) else None)
            width = max(width, len(text))
    return width


def _number_format(spec: ColumnSpec, values: np.ndarray) -> str | None:
    """The column's format; staff positions that are all whole numbers are shown without decimals."""
    if spec.kind == "positions" and spec.number_format is None:
        finite = values[np.isfinite(values)]
        if finite.size and np.all(finite == np.round(finite)):
            return KINDS["count"]
    return spec.format


def _colour_scale(ws, col: int, n: int, spec: ColumnSpec, values: np.ndarray) -> None:
    """White at the midpoint, orange towards "worse", blue towards "better" (two colours if one side is empty)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return
    low, high = (_BETTER, _WORSE) if spec.scale == "more_is_worse" else (_WORSE, _BETTER)
    mid = spec.midpoint
    if finite.min() >= mid:
        rule = {"type": "2_color_scale", "min_type": "num", "min_value": mid, "min_color": _MID, "max_color": high}
    elif finite.max() <= mid:
        rule = {"type": "2_color_scale", "min_color": low, "max_type": "num", "max_value": mid, "max_color": _MID}
    else:
        rule = {
            "type": "3_color_scale",
            "min_color": low,
            "mid_type": "num",
            "mid_value": mid,
            "mid_color": _MID,
            "max_color": high,
        }
    ws.conditional_format(1, col, n, col, rule)


def _write_table(ws, sheet: Sheet, lang: str, formats: _Formats) -> None:
    specs = sheet.specs()
    table = sheet.table
    n = len(table)
    header_format = formats.get(None, bold=True, text_wrap=True, valign="top", bottom=1, bg_color="#F2F2F2")
    widths = []
    for col, spec in enumerate(specs):
        header = spec.header(lang)
        ws.write_string(0, col, header, header_format)
        series = table[spec.name]
        if spec.kind == "mixed":
            data_width = _write_mixed(ws, col, series, formats)
        elif spec.is_text:
            values = _text_values(series, spec, lang)
            plain = formats.get(spec.format)
            quoted = formats.get(spec.format, quote=True)
            for row, value in enumerate(values, start=1):
                if value is None:
                    continue
                ws.write_string(row, col, value, quoted if is_risky_text(value) else plain)
            data_width = _width_of_text(values)
        else:
            values = _number_values(series)
            fmt = formats.get(_number_format(spec, values))
            for row, value in enumerate(values.tolist(), start=1):
                if math.isfinite(value):
                    ws.write_number(row, col, value, fmt)
            data_width = _width_of_numbers(values, spec)
            if spec.scale and n:
                _colour_scale(ws, col, n, spec, values)
        # A long header wraps onto up to three lines rather than widening the column.
        longest_word = max((len(w) for w in header.split()), default=0)
        width = max(data_width + 2, longest_word + 2, min(len(header), 16) + 2, _MIN_WIDTH)
        widths.append(min(width, _MAX_WIDTH))
        ws.set_column(col, col, widths[-1])
    lines = max((math.ceil(len(s.header(lang)) / max(w - 1, 1)) for s, w in zip(specs, widths)), default=1)
    ws.set_row(0, 15 * min(max(lines, 1), 4))
    ws.freeze_panes(1, 0)
    if specs:
        ws.autofilter(0, 0, n, len(specs) - 1)
    # Printing: landscape A4, the header on every page.
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0)


def _write_cover(ws, cover: Cover, formats: _Formats) -> None:
    title = formats.get(None, bold=True, font_size=14)
    label = formats.get(None, bold=True, valign="top", text_wrap=True)
    wrap = formats.get(None, valign="top", text_wrap=True)
    number = formats.get("#,##0.##", valign="top", align="left")
    ws.write_string(0, 0, cover.title_en, title)
    ws.write_string(0, 2, cover.title_uk, title)
    widths = (30, 70, 30, 70)
    for row, (label_en, value_en, label_uk, value_uk) in enumerate(cover.rows, start=2):
        cells = ((0, label_en, label), (1, value_en, wrap), (2, label_uk, label), (3, value_uk, wrap))
        lines = max(math.ceil(len(str(v)) / (widths[c] - 4)) if v is not None else 1 for c, v, _ in cells)
        if lines > 1:
            ws.set_row(row, 15 * lines)
        for col, value, fmt in cells:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if _is_number(value):
                ws.write_number(row, col, float(value), number)
            else:
                text = str(value)
                ws.write_string(
                    row,
                    col,
                    text,
                    formats.get(None, quote=True, valign="top", text_wrap=True) if is_risky_text(text) else fmt,
                )
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def write_workbook(
    sheets: Sequence[Sheet], lang: str = "uk", cover: Cover | None = None, cover_first: bool = True
) -> bytes:
    """The .xlsx file (bytes) of ``sheets``, with ``cover`` first (or last when ``cover_first`` is False).

    Parameters
    ----------
    sheets
        Table sheets, in order.
    lang
        ``"uk"`` or ``"en"``: the headers and the yes/no of flag columns.
    cover
        The cover sheet (sheet name :data:`COVER_SHEET`), if any.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'uk' or 'en', got {lang!r}")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    formats = _Formats(workbook)
    used: set[str] = set()
    order: list[Sheet | Cover] = list(sheets)
    if cover is not None:
        order = [cover, *order] if cover_first else [*order, cover]
    for item in order:
        if isinstance(item, Cover):
            ws = workbook.add_worksheet(_sheet_title(COVER_SHEET, used))
            _write_cover(ws, item, formats)
        else:
            ws = workbook.add_worksheet(_sheet_title(item.title, used))
            _write_table(ws, item, lang, formats)
    workbook.close()
    return buffer.getvalue()
