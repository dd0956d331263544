"""Files in, validated (Geo)DataFrames out. No Dash, no plotly."""

from .assumptions import DEFAULT_ASSUMPTIONS, documented_parameters, read_assumptions
from .boundaries import DISPLAY_TOLERANCE, read_boundary_file
from .dataset import (
    DEFAULT_UNITS,
    DEMO_MANIFEST,
    HROMADA_COLUMNS,
    LEVELS,
    UPLOAD_MODES,
    BoundarySpec,
    Dataset,
    Manifest,
    TableChange,
    TableSpec,
    covered_hromadas,
    default_units,
    load_dataset,
    load_demo,
    read_boundaries,
    read_manifest,
    read_units,
    table_change,
    unit_counts,
    with_file,
)
from .errors import DataValidationError, FileReport, Issue, Unmatched, ValidationReport
from .fields import ALL_ROLES, CANONICAL_FIELDS, KINDS, ROLE_LABELS, ROLES
from .inputs import read_caseload, read_figures, read_idp, read_population, read_staffing
from .levels import DISAGGREGATION_RULES, disaggregate, roll_up
from .names import UnitIndex
from .scenario import read_scenario
from .tables import parse_number, read_table
from .validate import FILE_KINDS, validate_file, validate_files

__all__ = [
    "with_file",
    "table_change",
    "unit_counts",
    "covered_hromadas",
    "TableChange",
    "UPLOAD_MODES",
    "ALL_ROLES",
    "CANONICAL_FIELDS",
    "DEFAULT_ASSUMPTIONS",
    "DEFAULT_UNITS",
    "DEMO_MANIFEST",
    "DISAGGREGATION_RULES",
    "DISPLAY_TOLERANCE",
    "FILE_KINDS",
    "HROMADA_COLUMNS",
    "KINDS",
    "LEVELS",
    "ROLES",
    "ROLE_LABELS",
    "BoundarySpec",
    "DataValidationError",
    "Dataset",
    "FileReport",
    "Issue",
    "Manifest",
    "TableSpec",
    "UnitIndex",
    "Unmatched",
    "ValidationReport",
    "default_units",
    "disaggregate",
    "documented_parameters",
    "load_dataset",
    "load_demo",
    "parse_number",
    "read_assumptions",
    "read_boundaries",
    "read_boundary_file",
    "read_caseload",
    "read_figures",
    "read_idp",
    "read_manifest",
    "read_population",
    "read_scenario",
    "read_staffing",
    "read_table",
    "read_units",
    "roll_up",
    "validate_file",
    "validate_files",
]
