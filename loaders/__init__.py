"""Files in, validated (Geo)DataFrames out. No Dash, no plotly."""

from .assumptions import DEFAULT_ASSUMPTIONS, read_assumptions
from .dataset import DEMO_MANIFEST, LEVELS, Dataset, load_dataset, load_demo, read_boundaries, read_units
from .errors import DataValidationError, Issue, ValidationReport
from .inputs import ROLE_LABELS, ROLES, read_caseload, read_idp, read_population, read_staffing
from .tables import parse_number, read_table

__all__ = [
    "DEFAULT_ASSUMPTIONS",
    "DEMO_MANIFEST",
    "LEVELS",
    "ROLES",
    "ROLE_LABELS",
    "DataValidationError",
    "Dataset",
    "Issue",
    "ValidationReport",
    "load_dataset",
    "load_demo",
    "parse_number",
    "read_assumptions",
    "read_boundaries",
    "read_caseload",
    "read_idp",
    "read_population",
    "read_staffing",
    "read_table",
    "read_units",
]
