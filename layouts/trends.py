"""Trend lines over the published periods: a unit's profile and the oblast ranking.

Every point is one period's measure from that period's producer tables
(:meth:`layouts.state.AtlasState.trend`, :func:`metrics.change.trend_table`):
ratios from the period's sums, never averaged; a period without the figure
is a gap in the line, never 0.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.text import format_number, metric_label, metric_spec, name_column, plotly_separators, t
from metrics.change import CHANGE_MEASURES, TREND_MEASURES

from .figures import prompt_figure

__all__ = ["PROFILE_TREND", "oblast_trend_figure", "trend_measure", "unit_trend_figure"]

#: Ratios, drawn with Ukraine's line among the oblasts'.
_RATIOS = ("workers_per_10k", "workers_per_10k_incl_idp", "residents_per_worker", "gap_per_10k")
#: What the profile's trend follows, top to bottom.
PROFILE_TREND = ("workers", "workers_per_10k", "gap_fte")


def trend_measure(metric: str) -> str | None:
    """The measure a trend of ``metric`` follows (a change metric: the measure that changes); None if none."""
    metric = CHANGE_MEASURES.get(metric, metric)
    return metric if metric in TREND_MEASURES else None


def _decimals(measure: str) -> int:
    return metric_spec(measure)["decimals"] if measure != "gap_fte" else 1


def _line(rows: pd.DataFrame, measure: str, lang: str, name: str, hover: str, **style) -> go.Scatter:
    """One measure over the periods of ``rows`` as a line, its values in the language's format on hover."""
    values = rows[measure].astype(float)
    return go.Scatter(
        x=rows["period"].tolist(),
        y=values.tolist(),
        name=name,
        text=[format_number(v, _decimals(measure), lang) for v in values],
        hovertemplate=hover,
        **style,
    )


def _framed(fig: go.Figure, height: int, title: str, lang: str) -> go.Figure:
    """The frame every trend figure shares: height, title, the language's number separators, periods as categories."""
    fig.update_layout(
        height=height,
        showlegend=False,
        margin=dict(l=10, r=10, t=30, b=30),
        separators=plotly_separators(lang),
        font=dict(family="sans-serif"),
        title=dict(text=title, x=0, font=dict(size=14)),
    )
    fig.update_xaxes(type="category")
    return fig


def unit_trend_figure(trend: pd.DataFrame | None, code: str | None, lang: str = "uk") -> go.Figure:
    """Workers, workers per 10,000 and the gap of unit ``code`` over the periods, one panel each."""
    rows = None if trend is None or not code else trend[trend["code"] == code].sort_values("order")
    if rows is None or rows["period"].nunique() < 2:
        return prompt_figure(t("trend_none", lang))
    fig = make_subplots(
        rows=len(PROFILE_TREND),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.09,
        subplot_titles=[metric_label(m, lang) for m in PROFILE_TREND],
    )
    for i, measure in enumerate(PROFILE_TREND, start=1):
        style = dict(mode="lines+markers", line=dict(color="#1f4e79", width=2), connectgaps=False)
        hover = "%{x}: %{text}<extra></extra>"
        fig.add_trace(_line(rows, measure, lang, metric_label(measure, lang), hover, **style), row=i, col=1)
    return _framed(fig, 520, t("trend_title", lang), lang)


def oblast_trend_figure(trend: pd.DataFrame | None, oblasts: pd.DataFrame, metric: str, lang: str = "uk") -> go.Figure:
    """The ``metric`` of every oblast over the periods (one thin line each); for a ratio, Ukraine's in bold.

    ``oblasts`` gives the oblast codes and names (the ranking's table); a
    change metric shows the measure whose change it is.
    """
    measure = trend_measure(metric)
    if trend is None or measure is None or trend["period"].nunique() < 2:
        return prompt_figure(t("trend_none", lang))
    name_col = name_column(lang)
    names = oblasts.drop_duplicates("code").set_index("code")[name_col]
    rows = trend[trend["code"].isin(names.index)].sort_values("order")
    fig = go.Figure()
    decimals = _decimals(measure)
    hover = "%{fullData.name}, %{x}: %{text}<extra></extra>"
    for code, line in rows.groupby("code", sort=False):
        style = dict(mode="lines", line=dict(width=1.2, color="#7f9db9"))
        fig.add_trace(_line(line, measure, lang, str(names.get(code, code)), hover, **style))
    country = trend[trend["code"] == "UA"].sort_values("order")
    if measure in _RATIOS and not country.empty:  # a count of all Ukraine would flatten the oblasts' lines
        style = dict(mode="lines+markers", line=dict(width=3, color="#1a1a1a"))
        fig.add_trace(_line(country, measure, lang, t("ukraine", lang), hover, **style))
    fig.update_layout(yaxis=dict(tickformat=f",.{decimals}~f"))
    return _framed(fig, 360, t("trend_oblasts", lang, metric=metric_label(measure, lang)), lang)
