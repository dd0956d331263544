"""Write tables to .xlsx so that they open ready to use, and safely.

Every text cell is stored as a string, never as a formula: a hromada name
such as ``=HYPERLINK(...)`` from an input file stays literal text. Codes are
text; numbers are numbers with a display format.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

__all__ = ["table_to_xlsx"]


def _write_value(cell, value) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)):
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"


def table_to_xlsx(
    table: pd.DataFrame,
    headers: Sequence[str],
    number_formats: dict[str, str],
    sheet_title: str,
    notes: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A workbook with the table (header frozen, filters on) and a notes sheet.

    Parameters
    ----------
    table
        The rows to write; its columns in order.
    headers
        Header text for each column of ``table``.
    number_formats
        Column -> Excel number format (e.g. ``"#,##0"``, ``"0.00"``).
    sheet_title
        Name of the data sheet.
    notes
        (label, text) pairs written to a second sheet: dataset, sources,
        whether boundaries are approximate, what was estimated.
    """
    if len(headers) != table.shape[1]:
        raise ValueError(f"headers: expected {table.shape[1]} labels, got {len(headers)}")
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        _write_value(cell, str(header))
        cell.font = Font(bold=True)
    for r, row in enumerate(table.itertuples(index=False), start=2):
        for c, value in enumerate(row, start=1):
            _write_value(ws.cell(row=r, column=c), value.item() if hasattr(value, "item") else value)
    for c, column in enumerate(table.columns, start=1):
        letter = get_column_letter(c)
        fmt = number_formats.get(column)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                cell.number_format = fmt
        width = max([len(str(headers[c - 1]))] + [len(str(v)) for v in table[column].head(200)])
        ws.column_dimensions[letter].width = min(max(10, width + 2), 50)
    ws.freeze_panes = "A2"
    if len(table):
        ws.auto_filter.ref = f"A1:{get_column_letter(table.shape[1])}{len(table) + 1}"
    if notes:
        info = wb.create_sheet("Notes")
        for r, (label, text) in enumerate(notes, start=1):
            _write_value(info.cell(row=r, column=1), label)
            _write_value(info.cell(row=r, column=2), text)
            info.cell(row=r, column=1).font = Font(bold=True)
        info.column_dimensions["A"].width = 28
        info.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
