"""Reference periods of published tables: see :mod:`core.periods` (pure, shared with the exports)."""

from core.periods import Period, parse_period, quarters

__all__ = ["Period", "parse_period", "quarters"]
