"""Reference periods of published tables: a quarter (``2025-Q2``) or a date (``2025-04-30``).

Every published table has one. A period is ordered by its last day, so a
table of 2025-04-30 counts as known at the end of 2025-Q2 and a quarter is
compared with a date by the day it ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Period", "parse_period", "quarters"]

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[QqКк]\s*([1-4])\s*$")
_QUARTER_FIRST = re.compile(r"^\s*([1-4])\s*[QqКк]\s*(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Period:
    """A reference period: ``label`` as written in the store, ``start`` and ``end`` its first and last day."""

    end: date
    start: date
    label: str

    @property
    def is_quarter(self) -> bool:
        return "-Q" in self.label

    def __str__(self) -> str:
        return self.label


def _quarter(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(following - timedelta(days=1), start, f"{year}-Q{quarter}")


def parse_period(value: str | date | Period) -> Period:
    """``"2025-Q2"``, ``"2025Q2"``, ``"2 кв 2025"``-like ``"2К2025"`` or an ISO date ``"2025-04-30"``.

    Raises
    ------
    ValueError
        If the text is neither a quarter nor a date; the message says what is expected.
    """
    if isinstance(value, Period):
        return value
    if isinstance(value, date):
        return Period(value, value, value.isoformat())
    text = str(value).strip()
    match = _QUARTER.match(text)
    if match:
        return _quarter(int(match.group(1)), int(match.group(2)))
    match = _QUARTER_FIRST.match(text)
    if match:
        return _quarter(int(match.group(2)), int(match.group(1)))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"period {text!r} is neither a quarter (e.g. 2025-Q2) nor a date (e.g. 2025-04-30)") from None
    return Period(day, day, day.isoformat())


def quarters(first: str, last: str) -> list[Period]:
    """Every quarter from ``first`` to ``last`` inclusive (``quarters("2024-Q1", "2025-Q4")``: eight)."""
    a, b = parse_period(first), parse_period(last)
    if not (a.is_quarter and b.is_quarter):
        raise ValueError(f"quarters() takes two quarters, got {first!r} and {last!r}")
    out, year, q = [], a.start.year, (a.start.month + 2) // 3
    while True:
        p = _quarter(year, q)
        if p.end > b.end:
            return out
        out.append(p)
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
