"""Write one table to CSV for other tools, as safely as a CSV can be.

A CSV has no cell types, so a spreadsheet that opens it guesses: text that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could be
run as a formula. Such text is written with a leading apostrophe (the OWASP
advice for CSV injection), which spreadsheets show as text. Numbers are
written plainly (a dot for decimals, no thousands separator), codes as they
are, "no data" as an empty field. UTF-8 with a byte-order mark, so Excel
reads Cyrillic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.text import LANGS, t

from .columns import ColumnSpec, columns_for
from .xlsx import is_risky_text

__all__ = ["table_csv"]


def _text(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    return "'" + text if is_risky_text(text) else text


def _numbers(series: pd.Series, spec: ColumnSpec) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce").astype(float)
    finite = values[np.isfinite(values)]
    if len(finite) and (finite == finite.round()).all() and finite.abs().max() < 2**53:
        return values.round().astype("Int64")
    return values.round(6)


def table_csv(table: pd.DataFrame, columns: Sequence[ColumnSpec] | None = None, lang: str = "uk") -> bytes:
    """``table`` as CSV bytes, with headers in ``lang`` and the columns of ``columns`` (default: all)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'uk' or 'en', got {lang!r}")
    specs = list(columns) if columns else columns_for(table)
    out = {}
    yes, no = t("yes", lang), t("no", lang)
    for spec in specs:
        series = table[spec.name]
        if spec.kind == "flag":
            out[spec.header(lang)] = series.map(lambda v: None if pd.isna(v) else (yes if bool(v) else no))
        elif spec.is_text or spec.kind == "mixed":
            out[spec.header(lang)] = series.map(_text)
        else:
            out[spec.header(lang)] = _numbers(series, spec)
    frame = pd.DataFrame(out, index=table.index)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")
