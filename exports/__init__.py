"""Writers of files for reports: formatted Excel workbooks and CSV tables.

Data flows one way: a :class:`~loaders.Dataset` and the assumptions go in,
:mod:`metrics` computes, and this package only lays tables out. Every
column is described once in :data:`COLUMNS` (headers in Ukrainian and
English, kind, number format, colour scale).
"""

from .columns import COLUMNS, KINDS, ColumnSpec, column_spec, columns_for
from .csv_writer import table_csv
from .files import write_atomic
from .report import (
    EXPORT_LEVELS,
    Export,
    assumptions_table,
    build_export,
    cover_from_notes,
    cover_row,
    dataset_rows,
    full_workbook,
    gap_columns,
    gap_table,
    plan_workbook,
    quality_tables,
    summary_table,
    table_workbook,
)
from .xlsx import COVER_SHEET, RISKY_PREFIXES, Cover, Sheet, is_risky_text, write_workbook

__all__ = [
    "COLUMNS",
    "COVER_SHEET",
    "EXPORT_LEVELS",
    "KINDS",
    "RISKY_PREFIXES",
    "ColumnSpec",
    "Cover",
    "Export",
    "Sheet",
    "assumptions_table",
    "build_export",
    "column_spec",
    "columns_for",
    "cover_from_notes",
    "cover_row",
    "dataset_rows",
    "full_workbook",
    "gap_columns",
    "gap_table",
    "is_risky_text",
    "plan_workbook",
    "quality_tables",
    "summary_table",
    "table_csv",
    "table_workbook",
    "write_atomic",
    "write_workbook",
]
