"""Pure figure builders: tables in, ``go.Figure`` out."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .i18n import METRIC_LABELS, format_number, t

__all__ = ["choropleth", "hover_text", "NO_DATA_COLOUR"]

NO_DATA_COLOUR = "#d9d9d9"
#: Colour-blind safe scales: cividis for ratios and counts, a blue-red
#: diverging scale (ColorBrewer RdBu) centred on zero for gaps.
_SCALES = {
    "sequential": "Cividis",
    "sequential_reversed": "Cividis_r",
    "diverging": "RdBu_r",
}


def hover_text(table: pd.DataFrame, metric: str, lang: str = "uk") -> list[str]:
    """One hover label per row: name, residents, IDPs, workers and the metric."""
    label_uk, label_en, unit_uk, unit_en, _, decimals = METRIC_LABELS[metric]
    label, unit = (label_uk, unit_uk) if lang == "uk" else (label_en, unit_en)
    name_col = "name_uk" if lang == "uk" else "name_en"
    lines = []
    for row in table.itertuples(index=False):
        value = getattr(row, metric)
        shown = format_number(value, decimals, lang) + ("" if pd.isna(value) else f" {unit}")
        lines.append(
            f"<b>{html.escape(str(getattr(row, name_col)))}</b><br>"  # names from files are text, never markup
            f"{t('population', lang)}: {format_number(row.population, 0, lang)}<br>"
            f"{t('idp', lang)}: {format_number(row.idp, 0, lang)}<br>"
            f"{t('workers', lang)}: {format_number(row.workers, 0, lang)}<br>"
            f"{label}: {shown}"
        )
    return lines


def choropleth(geojson: dict, table: pd.DataFrame, metric: str, lang: str = "uk") -> go.Figure:
    """A choropleth of ``metric`` over the units of ``table``.

    ``geojson`` is a FeatureCollection whose features carry ``properties.code``;
    ``table`` has ``code``, ``name_uk``, ``name_en``, ``population``, ``idp``,
    ``workers`` and ``metric``. Units whose value is NaN are drawn in grey
    and labelled "no data" in the legend; no basemap, tiles or fonts are
    fetched.
    """
    label_uk, label_en, unit_uk, unit_en, kind, _ = METRIC_LABELS[metric]
    label, unit = (label_uk, unit_uk) if lang == "uk" else (label_en, unit_en)
    values = table[metric].astype(float)
    text = hover_text(table, metric, lang)
    known = values.notna().to_numpy()
    fig = go.Figure()
    if (~known).any():
        fig.add_trace(
            go.Choropleth(
                geojson=geojson,
                featureidkey="properties.code",
                locations=table.loc[~known, "code"],
                z=np.zeros(int((~known).sum())),
                text=[s for s, k in zip(text, known) if not k],
                hovertemplate="%{text}<extra></extra>",
                colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
                showscale=False,
                marker_line_color="white",
                marker_line_width=0.3,
                name=t("no_data", lang),
                showlegend=True,
            )
        )
    scale = dict(colorscale=_SCALES[kind])
    if kind == "diverging" and known.any():
        bound = float(np.nanmax(np.abs(values))) or 1.0
        scale.update(zmid=0, zmin=-bound, zmax=bound)
    fig.add_trace(
        go.Choropleth(
            geojson=geojson,
            featureidkey="properties.code",
            locations=table.loc[known, "code"],
            z=values[known],
            text=[s for s, k in zip(text, known) if k],
            hovertemplate="%{text}<extra></extra>",
            marker_line_color="white",
            marker_line_width=0.3,
            colorbar=dict(title=dict(text=f"{label}<br>({unit})", side="right"), thickness=14),
            name=label,
            **scale,
        )
    )
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(
        margin=dict(l=0, r=0, t=0, b=0),
        height=560,
        legend=dict(orientation="h", yanchor="bottom", y=0.0, x=0.0, bgcolor="rgba(255,255,255,0.7)"),
        uirevision=f"{len(table)}",
        font=dict(family="sans-serif"),
    )
    return fig
