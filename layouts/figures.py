"""Pure figure builders: tables in, ``go.Figure`` (or a ``Patch`` of one) out.

The map has two layers over the same boundary GeoJSON, given by URL so the
browser fetches the geometry once and caches it: a grey base layer with every
unit ("no data", and the hover of units without a value), and the value
layer, where units whose value is unknown (NaN) are not filled, so the grey
shows through. Switching the metric or the language sends a
:func:`map_patch` with values and labels only, never the geometry.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Patch
from plotly.colors import get_colorscale

from core.text import format_number, metric_label, metric_spec, t

__all__ = ["NO_DATA_COLOUR", "bar_ranking", "choropleth", "hover_text", "map_patch", "value_strings"]

NO_DATA_COLOUR = "#d9d9d9"
#: Colour-blind safe scales: cividis for ratios and counts, blue-red
#: diverging (ColorBrewer RdBu) centred on zero for gaps. Resolved here to
#: lists of ``[position, colour]``: Plotly.js knows neither ``Cividis_r`` nor
#: ``RdBu_r`` by name, and a ``Patch`` reaches it without plotly.py's
#: validation, so a name it does not know would silently become its default.
_SCALES = {
    kind: [[float(position), colour] for position, colour in get_colorscale(name)]
    for kind, name in {"sequential": "Cividis", "sequential_reversed": "Cividis_r", "diverging": "RdBu_r"}.items()
}
_SEPARATORS = {"uk": ", ", "en": ".,"}


def hover_text(table: pd.DataFrame, lang: str = "uk") -> list[str]:
    """The part of each unit's hover that does not depend on the metric.

    Names come from input files: they are escaped, so they show as text and
    never as markup.
    """
    name_col = "name_uk" if lang == "uk" else "name_en"
    names = table[name_col].fillna(table["code"]).astype(str)
    return [
        f"<b>{html.escape(name)}</b><br>"
        f"{t('population', lang)}: {format_number(pop, 0, lang)}<br>"
        f"{t('idp', lang)}: {format_number(idp, 0, lang)}{' *' if est else ''}<br>"
        f"{t('workers', lang)}: {format_number(workers, 0, lang)}"
        for name, pop, idp, est, workers in zip(
            names,
            table["population"],
            table["idp"],
            table["idp_estimated"].fillna(False).astype(bool),
            table["workers"],
        )
    ]


def value_strings(table: pd.DataFrame, metric: str, lang: str = "uk") -> list[str]:
    """The metric of each unit formatted for hover, with its unit."""
    unit = metric_spec(metric)["unit"][lang]
    decimals = metric_spec(metric)["decimals"]
    return [format_number(v, decimals, lang) + ("" if pd.isna(v) else f" {unit}") for v in table[metric].astype(float)]


def _scale(values: pd.Series, metric: str) -> dict:
    kind = metric_spec(metric)["scale"]
    scale: dict = {"colorscale": _SCALES[kind], "zmid": None, "zmin": None, "zmax": None, "zauto": True}
    if kind == "diverging" and values.notna().any():
        bound = float(np.nanmax(np.abs(values))) or 1.0
        scale.update(zmid=0, zmin=-bound, zmax=bound, zauto=False)
    return scale


def _colorbar_title(metric: str, lang: str) -> str:
    return f"{metric_label(metric, lang)}<br>({metric_spec(metric)['unit'][lang]})"


def choropleth(geo_url: str | dict, table: pd.DataFrame, metric: str, lang: str = "uk") -> go.Figure:
    """A choropleth of ``metric`` over the units of ``table``.

    Parameters
    ----------
    geo_url
        URL of a GeoJSON FeatureCollection whose features carry
        ``properties.code`` (or the FeatureCollection itself).
    table
        ``code``, ``name_uk``, ``name_en``, ``population``, ``idp``,
        ``idp_estimated``, ``workers`` and ``metric``; one row per unit shown.
    """
    values = table[metric].astype(float)
    codes = table["code"].tolist()
    text = hover_text(table, lang)
    label = metric_label(metric, lang)
    base = go.Choropleth(
        geojson=geo_url,
        featureidkey="properties.code",
        locations=codes,
        z=np.zeros(len(codes)),
        text=text,
        hovertemplate=f"%{{text}}<br>{label}: {t('no_data', lang)}<extra></extra>",
        colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
        showscale=False,
        marker_line_color="white",
        marker_line_width=0.3,
        name=t("no_data", lang),
        showlegend=True,
    )
    layer = go.Choropleth(
        geojson=geo_url,
        featureidkey="properties.code",
        locations=codes,
        z=values.where(values.notna(), None).tolist(),
        text=text,
        customdata=value_strings(table, metric, lang),
        hovertemplate=f"%{{text}}<br>{label}: %{{customdata}}<extra></extra>",
        marker_line_color="white",
        marker_line_width=0.3,
        colorbar=dict(title=dict(text=_colorbar_title(metric, lang), side="right"), thickness=14),
        name=label,
        showlegend=False,
        **{k: v for k, v in _scale(values, metric).items() if v is not None},
    )
    fig = go.Figure([base, layer])
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(
        margin=dict(l=0, r=0, t=0, b=0),
        height=560,
        legend=dict(orientation="h", yanchor="bottom", y=0.0, x=0.0, bgcolor="rgba(255,255,255,0.7)"),
        separators=_SEPARATORS.get(lang, ".,"),
        uirevision="|".join(codes[:3]) + str(len(codes)),
        font=dict(family="sans-serif"),
    )
    return fig


def map_patch(table: pd.DataFrame, metric: str, lang: str = "uk", *, with_text: bool = False) -> Patch:
    """Only what changes when the metric (or, with ``with_text``, the language) changes.

    ``table`` must hold the same units in the same order as the figure
    being patched.
    """
    values = table[metric].astype(float)
    label = metric_label(metric, lang)
    patch = Patch()
    patch["data"][0]["hovertemplate"] = f"%{{text}}<br>{label}: {t('no_data', lang)}<extra></extra>"
    layer = patch["data"][1]
    layer["z"] = values.where(values.notna(), None).tolist()
    layer["customdata"] = value_strings(table, metric, lang)
    layer["hovertemplate"] = f"%{{text}}<br>{label}: %{{customdata}}<extra></extra>"
    layer["name"] = label
    layer["colorbar"]["title"]["text"] = _colorbar_title(metric, lang)
    for key, value in _scale(values, metric).items():
        layer[key] = value
    if with_text:
        text = hover_text(table, lang)
        patch["data"][0]["text"] = text
        layer["text"] = text
        patch["data"][0]["name"] = t("no_data", lang)
        patch["layout"]["separators"] = _SEPARATORS.get(lang, ".,")
    return patch


def bar_ranking(table: pd.DataFrame, metric: str, lang: str = "uk", top: int = 30) -> go.Figure:
    """A horizontal bar chart of units ranked by ``metric`` (no data left out)."""
    name_col = "name_uk" if lang == "uk" else "name_en"
    shown = table.dropna(subset=[metric]).head(top)
    fig = go.Figure(
        go.Bar(
            x=shown[metric],
            y=shown[name_col],
            orientation="h",
            marker_color="#1f4e79",
            text=value_strings(shown, metric, lang),
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=max(300, 22 * len(shown) + 60),
        margin=dict(l=10, r=90, t=10, b=30),
        yaxis=dict(autorange="reversed"),
        xaxis=dict(title=metric_label(metric, lang)),
        separators=_SEPARATORS.get(lang, ".,"),
        font=dict(family="sans-serif"),
    )
    return fig
