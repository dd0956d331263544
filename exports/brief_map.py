"""Static maps for printed briefs, drawn offline with geopandas and matplotlib (Agg, PNG bytes).

Three pictures:

- :func:`country_map`: every oblast coloured by a value;
- :func:`oblast_map`: the hromadas of one oblast coloured by a value, the
  neighbouring oblasts in grey around it;
- :func:`hromada_map`: one hromada outlined among the hromadas of its oblast
  (coloured by a value), its neighbours labelled by nothing but their colour.

Units whose value is unknown are light grey ("no data"), never the colour of
0. The scale is cividis (colour-blind safe), as on the screen. Nothing here
reads a file or the network; the boundaries come from the dataset.
"""

from __future__ import annotations

import io
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PathCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.path import Path

__all__ = ["NO_DATA_COLOUR", "country_map", "hromada_map", "oblast_map", "plan_map"]

NO_DATA_COLOUR = "#d9d9d9"
_CONTEXT_COLOUR = "#eeeeee"
_EDGE = "#ffffff"
_OUTLINE = "#444444"
_HIGHLIGHT = "#d62728"
#: Width and height of the picture, inches (it is placed at this size at 200 dpi).
_SIZE = (4.2, 3.2)
_DPI = 200


def _values_frame(gdf: gpd.GeoDataFrame, values: pd.Series) -> gpd.GeoDataFrame:
    out = gdf[["code", "geometry"]].copy()
    out["value"] = out["code"].map(values).astype(float).replace([np.inf, -np.inf], np.nan)
    return out


def _norm(values: pd.Series) -> Normalize:
    known = values.dropna()
    if known.empty:
        return Normalize(0, 1)
    low, high = float(known.min()), float(known.max())
    return Normalize(low, high if high > low else low + 1)


def _path(geometry) -> Path | None:
    """One compound path of every ring of a (multi)polygon; holes wind the other way, so they stay holes."""
    if geometry is None or geometry.is_empty:
        return None
    geometry = shapely.orient_polygons(geometry, exterior_cw=False)
    polygons = getattr(geometry, "geoms", [geometry])
    rings = [ring for polygon in polygons for ring in (polygon.exterior, *polygon.interiors)]
    vertices, codes = [], []
    for ring in rings:
        xy = np.asarray(ring.coords)[:, :2]
        if len(xy) < 3:
            continue
        ring_codes = np.full(len(xy), Path.LINETO, dtype=np.uint8)
        ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
        vertices.append(xy)
        codes.append(ring_codes)
    return Path(np.concatenate(vertices), np.concatenate(codes)) if vertices else None


def _collection(frame: gpd.GeoDataFrame, facecolors, edgecolor: str, linewidth: float) -> PathCollection:
    paths = [_path(g) for g in frame.geometry]
    keep = [i for i, p in enumerate(paths) if p is not None]
    faces = facecolors if isinstance(facecolors, str) else np.asarray(facecolors)[keep]
    return PathCollection(
        [paths[i] for i in keep], facecolors=faces, edgecolors=edgecolor, linewidths=linewidth, transform=None
    )


def _draw(
    layers: list[tuple[gpd.GeoDataFrame, dict]],
    coloured: gpd.GeoDataFrame | None,
    legend: str,
    bounds: tuple[float, float, float, float] | None,
    cmap: str = "cividis",
) -> bytes:
    """Layers (frame, style) in order, the ``coloured`` frame after the first one, and its colour bar."""
    fig = Figure(figsize=_SIZE, dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.17, 0.98, 0.82))
    ax.set_axis_off()
    extent = [frame.total_bounds for frame, _ in layers if len(frame)]
    if coloured is not None and len(coloured):
        extent.append(coloured.total_bounds)

    def add(frame, face, edge, width):
        if len(frame):
            collection = _collection(frame, face, edge, width)
            collection.set_transform(ax.transData)
            ax.add_collection(collection)

    for frame, style in layers[:1]:
        add(frame, style.get("face", _CONTEXT_COLOUR), style.get("edge", _EDGE), style.get("width", 0.2))
    if coloured is not None and len(coloured):
        norm = _norm(coloured["value"])
        colours = colormaps[cmap](norm(coloured["value"].fillna(norm.vmin).to_numpy()))
        colours[coloured["value"].isna().to_numpy()] = to_rgba(NO_DATA_COLOUR)
        add(coloured, colours, _EDGE, 0.2)
        bar_ax = fig.add_axes((0.2, 0.115, 0.6, 0.025))
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=bar_ax, orientation="horizontal")
        bar.ax.tick_params(labelsize=6, length=2)
        bar.set_label(legend, fontsize=6.5, labelpad=1)
    for frame, style in layers[1:]:
        add(frame, style.get("face", "none"), style.get("edge", _OUTLINE), style.get("width", 0.3))
    if bounds is None and extent:
        stacked = np.vstack(extent)
        bounds = (stacked[:, 0].min(), stacked[:, 1].min(), stacked[:, 2].max(), stacked[:, 3].max())
    if bounds is not None:
        x0, y0, x1, y1 = bounds
        dx, dy = (x1 - x0) * 0.04 or 0.05, (y1 - y0) * 0.04 or 0.05
        ax.set_xlim(x0 - dx, x1 + dx)
        ax.set_ylim(y0 - dy, y1 + dy)
    ax.set_aspect(1 / math.cos(math.radians(48.5)), adjustable="box")  # degrees look right at Ukraine's latitude
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def country_map(oblasts: gpd.GeoDataFrame, values: pd.Series, legend: str) -> bytes:
    """Every oblast coloured by ``values`` (indexed by code); unknown: grey."""
    coloured = _values_frame(oblasts, values)
    outline = (oblasts, {"edge": _OUTLINE, "width": 0.3})
    return _draw([(oblasts.iloc[:0], {}), outline], coloured, legend, None)


def oblast_map(
    oblasts: gpd.GeoDataFrame, hromadas: gpd.GeoDataFrame, code: str, values: pd.Series, legend: str
) -> bytes:
    """The hromadas of oblast ``code`` coloured by ``values``, the other oblasts around it in grey.

    ``hromadas`` are the hromada boundaries of that oblast only (empty when
    the dataset has none: the oblast is then filled by its own value).
    """
    unit = oblasts[oblasts["code"] == code]
    if unit.empty:
        raise KeyError(f"no oblast boundary with code {code}")
    context = oblasts[oblasts["code"] != code]
    coloured = _values_frame(hromadas, values) if len(hromadas) else _values_frame(unit, values)
    layers = [
        (context, {"edge": "#bbbbbb", "width": 0.4}),
        (unit, {"edge": _OUTLINE, "width": 0.9}),
    ]
    return _draw(layers, coloured, legend, tuple(unit.total_bounds))


def hromada_map(hromadas: gpd.GeoDataFrame, code: str, values: pd.Series, legend: str) -> bytes:
    """Hromada ``code`` outlined in red among ``hromadas`` (its oblast's), all coloured by ``values``."""
    unit = hromadas[hromadas["code"] == code]
    if unit.empty:
        raise KeyError(f"no hromada boundary with code {code}")
    coloured = _values_frame(hromadas, values)
    layers = [
        (hromadas.iloc[:0], {}),
        (unit, {"edge": _HIGHLIGHT, "width": 1.4}),
    ]
    neighbours = hromadas[hromadas.geometry.intersects(unit.geometry.iloc[0].buffer(0.25))]
    return _draw(layers, coloured, legend, tuple(neighbours.total_bounds))


def plan_map(oblasts: gpd.GeoDataFrame, hromadas: gpd.GeoDataFrame, positions: pd.Series, legend: str) -> bytes:
    """Positions funded per hromada (``positions`` by code; none funded: light grey), oblasts outlined."""
    funded = positions[positions > 0]
    coloured = _values_frame(hromadas[hromadas["code"].isin(funded.index)], funded)
    layers = [
        (hromadas if len(hromadas) else oblasts, {"width": 0.1}),
        (oblasts, {"edge": _OUTLINE, "width": 0.3}),
    ]
    if coloured.empty:
        return _draw(layers, None, legend, None)
    return _draw(layers, coloured, legend, None, cmap="viridis_r")
