"""Writers of files for reports (Excel)."""

from .xlsx import table_to_xlsx

__all__ = ["table_to_xlsx"]
