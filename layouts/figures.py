"""Pure figure builders: tables in, ``go.Figure`` (or a ``Patch`` of one) out.

The map is one value layer over the boundary GeoJSON (given by URL so the
browser fetches the geometry once and caches it), with two small layers on
top: "no data" with only the units whose value is unknown (NaN), and the
outline of the selected unit. Switching the metric sends a
:func:`map_change`: values as numbers (formatted by the hover template in the
browser), the scale, labels and the no-data units; never the geometry or the
names of units with a value (the browser repaints the map in place with it,
``assets/map_repaint.js``). Selecting a unit sends a :func:`selection_patch`.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Patch
from plotly.colors import get_colorscale

from core.text import (
    coverage_note,
    format_number,
    format_numbers,
    metric_label,
    metric_spec,
    name_column,
    plotly_separators,
    t,
)
from metrics.planning import coverage

__all__ = [
    "NO_DATA_COLOUR",
    "bar_ranking",
    "choropleth",
    "prompt_figure",
    "hover_text",
    "map_change",
    "selection_patch",
    "value_strings",
]

#: "No data" is an empty (white) unit with a dark outline: never a colour of
#: a scale, and not a grey next to the near-white zero of the gap scale.
NO_DATA_COLOUR = "#ffffff"
NO_DATA_LINE = "#4d4d4d"
NO_DATA_LINE_WIDTH = 1.2
#: Occupied territory (every hromada of the unit on the status list as occupied): its own class, grey.
OCCUPIED_COLOUR = "#a6a6a6"
OCCUPIED_LINE = "#4d4d4d"
#: Colour-blind safe scales: cividis for ratios and counts, blue-red
#: diverging (ColorBrewer RdBu) centred on zero for gaps. Resolved here to
#: lists of ``[position, colour]``: Plotly.js knows neither ``Cividis_r`` nor
#: ``RdBu_r`` by name, and a ``Patch`` reaches it without plotly.py's
#: validation, so a name it does not know would silently become its default.
_SCALES = {
    kind: [[float(position), colour] for position, colour in get_colorscale(name)]
    for kind, name in {"sequential": "Cividis", "sequential_reversed": "Cividis_r", "diverging": "RdBu_r"}.items()
}


#: Pixels above a map's plot area for Plotly's mode bar (about 25 px tall), so that it never covers the
#: top of the colour bar (the phone layout, assets/phone.js, keeps the same strip).
MODEBAR_STRIP = 34

#: Pixels right of a map's plot area for its colour bar: fixed (``margin.autoexpand`` off), so that a
#: colour bar with labels of another width ("≥ 12 345,6", "0,2") does not move the margin. Plotly lays
#: out and draws the whole map again when its automatic margin moves (4 s at 30,000 units), which
#: would undo a repaint in place (``assets/map_repaint.js``). The widest colour bar measured in
#: headless Chromium at 1,440 px (labels "≤ 1 234 567" / "≥ 9 876 543", a two-line title) needs 110.
#: On a phone the colour bar lies under the map and ``assets/phone.js`` sets this margin to 0.
COLORBAR_MARGIN = 130


def hover_text(table: pd.DataFrame, lang: str = "uk") -> list[str]:
    """The part of each unit's hover that does not depend on the metric.

    Names come from input files: they are escaped, so they show as text and
    never as markup. A figure computed from part of the unit's hromadas says
    so: ``Соціальні працівники: 112 (часткові дані: 57 з 1 470 громад)``.
    """
    name_col = name_column(lang)
    names = table[name_col].fillna(table["code"]).astype(str).tolist()
    population, idps, staff = t("population", lang), t("idp", lang), t("workers", lang)  # once, not per unit
    notes = {kind: _partial_notes(table, kind, lang) for kind in ("population", "idp", "staffing")}
    # Python floats, not numpy scalars, and the "no data" text looked up once: linear and fast at 30,000 units
    counts = [_whole_numbers(table[c], lang) for c in ("population", "idp", "workers")]
    return [
        f"<b>{html.escape(name)}</b><br>"
        f"{population}: {pop}{pop_note}<br>"
        f"{idps}: {idp}{' *' if est else ''}{idp_note}<br>"
        f"{staff}: {workers}{staff_note}"
        for name, pop, idp, est, workers, pop_note, idp_note, staff_note in zip(
            names,
            *counts[:2],
            table["idp_estimated"].fillna(False).astype(bool).tolist(),
            counts[2],
            notes["population"],
            notes["idp"],
            notes["staffing"],
        )
    ]


def _whole_numbers(values: pd.Series, lang: str) -> list[str]:
    """Each value as :func:`~core.text.format_number` writes it with no decimals (NaN: "no data")."""
    return format_numbers(pd.to_numeric(values, errors="coerce").astype(float).tolist(), 0, lang)


def _partial_notes(table: pd.DataFrame, kind: str, lang: str) -> list[str]:
    """`` (partial: 57 of 1,470 hromadas)`` per unit whose ``kind`` table covers part of it, else ""."""
    if f"{kind}_reporting" not in table:
        return [""] * len(table)
    share = coverage(table, kinds=(kind,))
    if not share["partial"].any():  # the usual case: no per-unit work
        return [""] * len(table)
    return [
        f" ({note})" if note else ""
        for note in map(coverage_note, share["reporting"], share["expected"], [lang] * len(table))
    ]


def value_strings(table: pd.DataFrame, metric: str, lang: str = "uk") -> list[str]:
    """The metric of each unit formatted for hover, with its unit."""
    unit = metric_spec(metric)["unit"][lang]
    decimals = metric_spec(metric)["decimals"]
    return [format_number(v, decimals, lang) + ("" if pd.isna(v) else f" {unit}") for v in table[metric].astype(float)]


#: Share of units left out at each end of a robust colour range: the lowest
#: and highest 2 % (5 % of |value| for the diverging gap scale) are drawn in
#: the end colours, and the colour bar labels those ends "≤ a" and "≥ b".
ROBUST_QUANTILE = 0.02
ROBUST_QUANTILE_DIVERGING = 0.95


def robust_range(values: pd.Series, kind: str) -> tuple[float, float, bool, bool]:
    """Colour range of ``values``: ``(low, high, clipped_low, clipped_high)``.

    Notes
    -----
    A single very large unit (Kyiv city's gap of ±646 positions, residents
    per worker of 160,000 where one worker serves a whole town) would
    otherwise set the scale and flatten every other unit to one colour.

    - sequential: low, high = the 2nd and 98th percentiles of the known values
    - diverging (centred on 0): high = -low = the 95th percentile of |value|

    When the percentiles coincide (too few distinct values) the full range
    is used. A ``clipped_*`` flag is True when some value lies beyond that end.
    """
    known = values.dropna().astype(float)
    known = known[np.isfinite(known)]
    if known.empty:
        return 0.0, 1.0, False, False
    if kind == "diverging":
        size = known.abs()
        bound = float(size.quantile(ROBUST_QUANTILE_DIVERGING, interpolation="higher"))
        if bound <= 0:
            bound = float(size.max()) or 1.0
        return -bound, bound, bool((known < -bound).any()), bool((known > bound).any())
    low = float(known.quantile(ROBUST_QUANTILE, interpolation="lower"))
    high = float(known.quantile(1 - ROBUST_QUANTILE, interpolation="higher"))
    if high <= low:
        low, high = float(known.min()), float(known.max())
    if high <= low:
        high = low + 1.0
    return low, high, bool((known < low).any()), bool((known > high).any())


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    magnitude = 10 ** np.floor(np.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def colorbar_ticks(low: float, high: float, clipped_low: bool, clipped_high: bool, lang: str) -> tuple[list, list]:
    """Tick values and labels of a colour bar, in the user's number format; clipped ends read "≤ a" / "≥ b"."""
    step = _nice_step(high - low)
    decimals = max(0, int(-np.floor(np.log10(step)))) if step < 1 else 0
    if step * 10**decimals % 1:
        decimals += 1
    first = np.ceil(low / step) * step
    values = [float(v) for v in np.arange(first, high + step * 1e-9, step)]
    values = [v for v in values if v - low > 0.3 * step and high - v > 0.3 * step]
    values = [low, *values, high]
    text = [format_number(v, decimals, lang) for v in values]
    if clipped_low:
        text[0] = "≤ " + text[0]
    if clipped_high:
        text[-1] = "≥ " + text[-1]
    return values, text


def _scale(values: pd.Series, metric: str, lang: str = "uk") -> dict:
    """Colour scale (resolved), range and colour bar of a value layer: the same for a figure and a patch."""
    kind = metric_spec(metric)["scale"]
    low, high, clipped_low, clipped_high = robust_range(values, kind)
    tickvals, ticktext = colorbar_ticks(low, high, clipped_low, clipped_high, lang)
    return {
        "colorscale": _SCALES[kind],
        "zmin": low,
        "zmax": high,
        "zmid": 0 if kind == "diverging" else None,
        "zauto": False,
        "colorbar": {
            "title": {"text": _colorbar_title(metric, lang), "side": "right"},
            "thickness": 14,
            "tickmode": "array",
            "tickvals": tickvals,
            "ticktext": ticktext,
        },
    }


def _colorbar_title(metric: str, lang: str) -> str:
    unit = metric_spec(metric)["unit"][lang]
    return f"{metric_label(metric, lang)}<br>({unit})" if unit else metric_label(metric, lang)


def _value_template(metric: str, lang: str) -> str:
    """Hover of a unit with a value: its name block (``text``) and the value, formatted in the browser.

    The value travels as a number (``z``); plotly formats it with the
    figure's ``separators`` (a space groups thousands in Ukrainian).
    """
    spec = metric_spec(metric)
    unit = html.escape(spec["unit"][lang])
    label = html.escape(metric_label(metric, lang))
    return f"%{{text}}<br>{label}: %{{z:,.{spec['decimals']}f}} {unit}<extra></extra>"


def _no_data_template(metric: str, lang: str) -> str:
    return f"%{{text}}<br>{html.escape(metric_label(metric, lang))}: {t('no_data', lang)}<extra></extra>"


def _no_data_part(values: pd.Series, codes: list[str], text: list[str]) -> dict:
    """Locations, z and hover text of the units whose value is unknown: only those units."""
    missing = values.isna().to_numpy()
    return {
        "locations": np.array(codes, dtype=str)[missing],
        "z": np.zeros(int(missing.sum())),
        "text": np.array(text, dtype=str)[missing],
    }


def _selection_part(selected: str | None, codes: list[str]) -> dict:
    shown = [selected] if selected and selected in set(codes) else []
    return {"locations": shown, "z": [0] * len(shown)}


def occupied_units(table: pd.DataFrame) -> np.ndarray:
    """True for units all of whose hromadas are on the status list as occupied (``hromadas_occupied``)."""
    if "hromadas_occupied" not in table or "hromadas" not in table:
        return np.zeros(len(table), dtype=bool)
    occupied = pd.to_numeric(table["hromadas_occupied"], errors="coerce").to_numpy(dtype=float)
    members = pd.to_numeric(table["hromadas"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return (occupied > 0) & (occupied >= members)


_CLEAR = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]
SELECTED_LINE = "#000000"
SELECTED_LINE_WIDTH = 2.5


def choropleth(
    geo_url: str | dict, table: pd.DataFrame, metric: str, lang: str = "uk", selected: str | None = None
) -> go.Figure:
    """A choropleth of ``metric`` over the units of ``table``.

    Three traces over the same geometry (given by URL, fetched and cached
    once by the browser): the values of every unit (an unknown value is
    null, so the unit is left unfilled), "no data" (white with a dark
    outline) holding only the units whose value is unknown, and the outline
    of the ``selected`` unit (no fill, no hover). Where the table has
    occupied units (``hromadas_occupied`` = ``hromadas``: every hromada of
    the unit on the status list as occupied) a fourth trace draws them as
    their own grey class ("occupied territory, left out"), out of the value
    layer and its colour range. Hover text is sent once
    per unit; the value is a number formatted by the hover template.

    Parameters
    ----------
    geo_url
        URL of a GeoJSON FeatureCollection whose features carry
        ``properties.code`` (or the FeatureCollection itself).
    table
        ``code``, ``name_uk``, ``name_en``, ``population``, ``idp``,
        ``idp_estimated``, ``workers`` and ``metric``; one row per unit shown.
    selected
        Code of a unit to outline, if any.
    """
    occupied = occupied_units(table)
    # occupied territory is its own class: left out of the value layer, its colour scale and "no data"
    values = table[metric].astype(float).where(~occupied)
    codes = table["code"].tolist()
    text = hover_text(table, lang)
    label = metric_label(metric, lang)
    # numpy arrays of numbers and of fixed-width strings: plotly validates them
    # at once, not element by element (1.2 s of lists against 2 ms at 1,470 units)
    layer = go.Choropleth(
        geojson=geo_url,
        featureidkey="properties.code",
        locations=np.array(codes, dtype=str),
        z=values.to_numpy(dtype=float),
        text=np.array(text, dtype=str),
        hovertemplate=_value_template(metric, lang),
        marker_line_color="white",
        marker_line_width=0.3,
        name=label,
        showlegend=False,
        **{k: v for k, v in _scale(values, metric, lang).items() if v is not None},
    )
    no_data = go.Choropleth(
        geojson=geo_url,
        featureidkey="properties.code",
        **_no_data_part(values.where(~occupied, 0.0), codes, text),
        hovertemplate=_no_data_template(metric, lang),
        colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
        showscale=False,
        marker_line_color=NO_DATA_LINE,
        marker_line_width=NO_DATA_LINE_WIDTH,
        name=t("no_data", lang),
        showlegend=True,
    )
    outline = go.Choropleth(
        geojson=geo_url,
        featureidkey="properties.code",
        **_selection_part(selected, codes),
        colorscale=_CLEAR,
        showscale=False,
        marker_line_color=SELECTED_LINE,
        marker_line_width=SELECTED_LINE_WIDTH,
        hoverinfo="skip",
        showlegend=False,
        name="selected",
    )
    traces = [layer, no_data, outline]  # the outline stays third: selection_patch reaches it as data[2]
    if occupied.any():
        traces.append(
            go.Choropleth(
                geojson=geo_url,
                featureidkey="properties.code",
                locations=np.array(codes, dtype=str)[occupied],
                z=np.zeros(int(occupied.sum())),
                text=np.array(text, dtype=str)[occupied],
                hovertemplate=f"%{{text}}<br>{html.escape(t('map_occupied_hover', lang))}<extra></extra>",
                colorscale=[[0, OCCUPIED_COLOUR], [1, OCCUPIED_COLOUR]],
                showscale=False,
                marker_line_color=OCCUPIED_LINE,
                marker_line_width=0.6,
                name=t("map_occupied", lang),
                showlegend=True,
            )
        )
    fig = go.Figure(traces)
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(
        # the mode bar sits in the strip above the colour bar; the colour bar in a fixed margin (COLORBAR_MARGIN)
        margin=dict(l=0, r=COLORBAR_MARGIN, t=MODEBAR_STRIP, b=0, autoexpand=False),
        height=560,
        legend=dict(orientation="h", yanchor="bottom", y=0.0, x=0.0, bgcolor="rgba(255,255,255,0.7)"),
        separators=plotly_separators(lang),
        uirevision="|".join(codes[:3]) + str(len(codes)),
        font=dict(family="sans-serif"),
    )
    return fig


def zoom_to(fig: go.Figure, bounds, margin: float = 0.1) -> go.Figure:
    """Frame a map on ``bounds`` (min lon, min lat, max lon, max lat) and a ``margin`` share of it each side.

    Instead of fitting every unit drawn (``fitbounds``), the view holds the
    units that matter (the Funding map: the hromadas that get money), at
    least 1 degree wide and tall. Non-finite bounds leave the figure as it is.
    """
    west, south, east, north = (float(b) for b in bounds)
    if not all(np.isfinite([west, south, east, north])):
        return fig
    pad_x = max((east - west) * margin, (1.0 - (east - west)) / 2, 0.0)
    pad_y = max((north - south) * margin, (1.0 - (north - south)) / 2, 0.0)
    fig.update_geos(
        fitbounds=False,
        lonaxis_range=[west - pad_x, east + pad_x],
        lataxis_range=[south - pad_y, north + pad_y],
    )
    return fig


def map_change(table: pd.DataFrame, metric: str, lang: str = "uk") -> dict:
    """Only what changes when the metric changes: values as numbers, the scale, labels, the no-data units.

    ``{"traces": [value layer, no-data layer]}``: for each of the figure's
    first two traces the attributes that change, as JSON (NaN as null).
    ``table`` must hold the same units in the same order as the figure
    drawn. No geometry, no names of units with a value, no formatted
    strings per unit: the hover template formats ``z``. An attribute whose
    value is None (``zmid`` of a sequential scale) is one the figure does
    not have: the browser deletes it (a direct load leaves it out).

    The browser (``assets/map_repaint.js``) gives the paths drawn their new
    fills in place when the same units have a value before and after, and
    otherwise draws the changed figure again; either way the figure equals
    :func:`choropleth` of the same view.
    """
    occupied = occupied_units(table)
    values = table[metric].astype(float).where(~occupied)  # occupied units: their own trace
    layer = {
        "z": values.where(values.notna(), None).tolist(),
        "hovertemplate": _value_template(metric, lang),
        "name": metric_label(metric, lang),
        **_scale(values, metric, lang),
    }
    missing = values.isna().to_numpy() & ~occupied
    no_data = {
        "locations": table["code"].to_numpy()[missing].tolist(),
        "z": [0] * int(missing.sum()),
        "text": hover_text(table[missing], lang),
        "hovertemplate": _no_data_template(metric, lang),
    }
    return {"traces": [layer, no_data]}


def selection_patch(table: pd.DataFrame, selected: str | None) -> Patch:
    """The outline of the selected unit alone (one location, or none)."""
    patch = Patch()
    for key, value in _selection_part(selected, table["code"].tolist()).items():
        patch["data"][2][key] = value
    return patch


def bar_ranking(table: pd.DataFrame, metric: str, lang: str = "uk", top: int = 30) -> go.Figure:
    """A horizontal bar chart of units ranked by ``metric`` (no data left out)."""
    name_col = name_column(lang)
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
        margin=dict(l=10, r=90, t=MODEBAR_STRIP, b=30),  # the mode bar above the first bar, not over it
        yaxis=dict(autorange="reversed"),
        # numbers the user's way on the axis: "50 000", not plotly's SI "50k"
        xaxis=dict(title=metric_label(metric, lang), tickformat=f",.{metric_spec(metric)['decimals']}~f"),
        separators=plotly_separators(lang),
        font=dict(family="sans-serif"),
    )
    return fig


def prompt_figure(text: str) -> go.Figure:
    """An empty chart that says what to do (instead of empty axes before a first run)."""
    fig = go.Figure()
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=16))
    fig.update_layout(
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        height=420,
        margin=dict(l=0, r=0, t=0, b=0),
        plot_bgcolor="white",
        font=dict(family="sans-serif"),
    )
    return fig
