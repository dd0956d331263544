"""A synthetic dataset of any number of hromada-level units, for benchmarks at 30,000 units.

Each demo hromada is split into settlements (:func:`benchmarks.metrics_bench.settlements`:
every count shared out as whole numbers, so totals per hromada, raion and
oblast stay those of the demo); each settlement gets a 24-vertex polygon
near its hromada's interior point, a name and the raion and oblast of its
hromada. Oblast and raion boundaries are the demo's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.metrics_bench import settlements  # noqa: E402
from loaders import Dataset  # noqa: E402


def synthetic_dataset(demo: Dataset, n: int, seed: int = 0) -> Dataset:
    """``demo`` with its hromadas replaced by ``n`` synthetic settlement-level units (see the module)."""
    if n <= len(demo.hromadas):
        return demo
    table, settlement_units = settlements(demo.hromadas, demo.units, n, seed)
    rng = np.random.default_rng(seed)
    parent = settlement_units.pop("parent_code").to_numpy()
    shapes = demo.boundaries["hromada"].set_index("code").geometry
    centres = shapely.point_on_surface(shapes.reindex(parent).to_numpy())
    xy = shapely.get_coordinates(centres) + rng.normal(0, 0.05, (len(parent), 2))
    radius = 0.01 + 0.01 * rng.random(len(parent))
    polygons = shapely.buffer(shapely.points(xy), radius, quad_segs=6)
    names = demo.units.drop_duplicates("code").set_index("code")
    units = settlement_units.assign(
        pcode=None,
        name_uk=[f"{names.at[p, 'name_uk']} {i}" for i, p in enumerate(parent)],
        name_en=[f"{names.at[p, 'name_en']} {i}" for i, p in enumerate(parent)],
        hromada_type=names["hromada_type"].reindex(parent).to_numpy(),
    )
    units = pd.concat([demo.units[demo.units["level"] != "hromada"], units], ignore_index=True)
    hromada_boundaries = gpd.GeoDataFrame(
        {
            "code": table["code"],
            "pcode": None,
            "level": "hromada",
            "name": units["name_uk"].iloc[-len(table) :].to_numpy(),
        },
        geometry=polygons,
        crs=4326,
    )
    hromada_boundaries["geometry_full"] = hromada_boundaries.geometry
    boundaries = {**demo.boundaries, "hromada": hromada_boundaries}
    return Dataset(
        title=f"synthetic {n:,} units",
        units=units,
        boundaries=boundaries,
        hromadas=table.reset_index(drop=True),
        approximate_boundaries=True,
    )
