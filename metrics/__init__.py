"""Pure planning math on DataFrames: no file I/O, no Dash, no plotly."""

from .coverage import COMMUNITY_WORKER_ROLES, MEASURES, StaffingNorm, hromada_base, safe_divide, unit_measures

__all__ = ["COMMUNITY_WORKER_ROLES", "MEASURES", "StaffingNorm", "hromada_base", "safe_divide", "unit_measures"]
