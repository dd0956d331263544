"""The Dash UI: pages, figure builders, ids, translations; thin callbacks."""

from .dashboard import AtlasData, create_app, download_bytes, drill_down, prepare, view_table
from .figures import choropleth
from .i18n import METRIC_LABELS, format_number

__all__ = [
    "AtlasData",
    "METRIC_LABELS",
    "choropleth",
    "create_app",
    "download_bytes",
    "drill_down",
    "format_number",
    "prepare",
    "view_table",
]
