"""Pure planning math on DataFrames: no file I/O, no Dash, no plotly."""

from .assumptions import (
    EQUITY_MEASURES,
    OBJECTIVES,
    PRIORITY_COMPONENTS,
    ROLES,
    Assumptions,
    CaseType,
    IndividualAllowance,
    PositionCost,
    RoleNorm,
    WisnParameters,
    assumptions_from_dict,
)
from .coverage import group_key, safe_divide
from .planning import (
    FLAGS,
    PLANNING_MEASURES,
    aggregate_planning,
    flag_counts,
    flags_from_base,
    hromada_flags,
    hromada_planning_base,
    planning_measures,
)
from .priority import priority_components, priority_ranking, rank_by_priority
from .scenarios import (
    COMPARED_MEASURES,
    IdpChange,
    PositionChange,
    Scenario,
    apply_scenario,
    compare_scenarios,
    scenario_measures,
)
from .tables import AtlasTables, TableCache, compute_tables
from .wisn import WisnFactors, wisn_factors, wisn_required_staff

__all__ = [
    "COMPARED_MEASURES",
    "EQUITY_MEASURES",
    "FLAGS",
    "OBJECTIVES",
    "PLANNING_MEASURES",
    "PRIORITY_COMPONENTS",
    "ROLES",
    "Allocation",
    "Assumptions",
    "CaseType",
    "IdpChange",
    "IndividualAllowance",
    "PositionChange",
    "PositionCost",
    "RoleNorm",
    "Scenario",
    "WisnFactors",
    "WisnParameters",
    "aggregate_planning",
    "allocate",
    "AtlasTables",
    "TableCache",
    "compute_tables",
    "flags_from_base",
    "group_key",
    "rank_by_priority",
    "apply_scenario",
    "assumptions_from_dict",
    "compare_scenarios",
    "flag_counts",
    "hromada_flags",
    "hromada_planning_base",
    "planning_measures",
    "priority_components",
    "priority_ranking",
    "safe_divide",
    "scenario_measures",
    "wisn_factors",
    "wisn_required_staff",
]

#: Names of :mod:`metrics.allocator`, imported on first use: it needs ``scipy.optimize`` (0.6 s of CPU at
#: start-up), which ``validate``, the loaders and the dashboard's first page do not.
_ALLOCATOR = ("Allocation", "allocate")


def __getattr__(name: str):
    if name in _ALLOCATOR:
        from . import allocator

        return getattr(allocator, name)
    raise AttributeError(f"module 'metrics' has no attribute {name!r}")
