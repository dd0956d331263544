"""Pure planning math on DataFrames: no file I/O, no Dash, no plotly."""

from .allocator import EQUITY_MEASURES, OBJECTIVES, Allocation, allocate
from .assumptions import (
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
from .coverage import COMMUNITY_ROLES, MEASURES, StaffingNorm, hromada_base, safe_divide, unit_measures
from .planning import FLAGS, PLANNING_MEASURES, flag_counts, hromada_flags, hromada_planning_base, planning_measures
from .priority import priority_components, priority_ranking
from .scenarios import (
    COMPARED_MEASURES,
    IdpChange,
    PositionChange,
    Scenario,
    apply_scenario,
    compare_scenarios,
    scenario_measures,
)
from .wisn import WisnFactors, wisn_factors, wisn_required_staff

__all__ = [
    "COMMUNITY_ROLES",
    "COMPARED_MEASURES",
    "EQUITY_MEASURES",
    "FLAGS",
    "MEASURES",
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
    "StaffingNorm",
    "WisnFactors",
    "WisnParameters",
    "allocate",
    "apply_scenario",
    "assumptions_from_dict",
    "compare_scenarios",
    "flag_counts",
    "hromada_base",
    "hromada_flags",
    "hromada_planning_base",
    "planning_measures",
    "priority_components",
    "priority_ranking",
    "safe_divide",
    "scenario_measures",
    "unit_measures",
    "wisn_factors",
    "wisn_required_staff",
]
