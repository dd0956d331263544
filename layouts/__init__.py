"""The Dash UI: pages, figure builders, ids, translations; thin callbacks."""

from core.text import METRIC_LABELS, format_number

from . import ids
from .app import create_app, parse_path
from .figures import choropleth, map_change
from .views import AtlasData, download_bytes, key_figures, prepare, similar_hromadas, view_table

__all__ = [
    "ids",
    "METRIC_LABELS",
    "AtlasData",
    "choropleth",
    "create_app",
    "download_bytes",
    "format_number",
    "key_figures",
    "map_change",
    "parse_path",
    "prepare",
    "similar_hromadas",
    "view_table",
]
