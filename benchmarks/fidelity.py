"""How close are the approximate territories to the real COD-AB boundaries?

Usage::

    python benchmarks/fidelity.py [--demo-dir data/demo] [--realdata-dir ../shared/realdata]
    python benchmarks/fidelity.py --build      # build in memory from the codifier instead

Two figures, both over mainland Ukraine (the 1,469 hromadas + Kyiv city):

1. **Point share**: the share of real hromadas whose interior point
   (``representative_point()`` of the COD-AB polygon) falls inside the demo
   polygon of the same hromada (aim: >= 90 %).
2. **Oblast IoU**: intersection over union of each demo oblast with the real
   one, in an equal-area CRS, over the 24 oblasts + Kyiv (aim: mean >= 0.85);
   the minimum and the three worst are printed too.

The real boundaries are only *read* here, never written anywhere and never
used by the build.  If the real-data folder is absent the script says so and
exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["DEFAULT_REALDATA", "main", "measure"]

DEFAULT_REALDATA = ROOT.parent / "shared" / "realdata"
_EQUAL_AREA = "+proj=laea +lat_0=48.5 +lon_0=31.5 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
_NON_MAINLAND_ADM1 = {"UA01", "UA85"}  # Crimea, Sevastopol
_CHORNOBYL_ZONE = "UA3200000"  # a COD-AB unit that is not a hromada in the codifier


def _pcodes(gdf: gpd.GeoDataFrame, length: int) -> pd.Series:
    """P-codes of ``gdf``: its ``pcode`` column, else the prefix of ``code``."""
    if "pcode" in gdf.columns:
        return gdf["pcode"].astype(str)
    if "code" not in gdf.columns:
        raise KeyError("demo layer needs a 'code' (KATOTTG) or 'pcode' column")
    codes = gdf["code"].astype(str)
    kyiv = codes.str.startswith("UA80")
    return codes.str[:length].where(~kyiv, "UA80" + "0" * (length - 4))


def measure(
    hromadas_gdf: gpd.GeoDataFrame,
    oblasts_gdf: gpd.GeoDataFrame,
    realdata_dir: Path | str,
) -> dict:
    """Fidelity of demo hromada and oblast polygons against COD-AB.

    Returns ``point_share`` (0..1), ``points_inside``, ``points_total``,
    ``missing_hromadas`` (real P-codes with no demo polygon), ``iou_mean``,
    ``iou_min`` and ``iou`` (P-code -> IoU, worst first).
    """
    cod = Path(realdata_dir) / "cod-ab"
    real_h = gpd.read_file(cod / "Hromadas.geojson").to_crs("EPSG:4326")
    real_o = gpd.read_file(cod / "Oblasts.geojson").to_crs("EPSG:4326")

    real_h = real_h[~real_h["ADM1_PCODE"].isin(_NON_MAINLAND_ADM1) & (real_h["ADM3_PCODE"] != _CHORNOBYL_ZONE)]
    real_h = real_h[~real_h.geometry.is_empty]
    demo_h = hromadas_gdf.to_crs("EPSG:4326")
    demo_h = gpd.GeoDataFrame(
        {"pcode": _pcodes(demo_h, 9).to_numpy()},
        geometry=demo_h.geometry.to_numpy(),
        crs="EPSG:4326",
    )
    demo_geom = demo_h.drop_duplicates("pcode").set_index("pcode").geometry

    pts = real_h.geometry.representative_point()
    inside = 0
    missing = []
    for pcode, pt in zip(real_h["ADM3_PCODE"], pts):
        geom = demo_geom.get(pcode)
        if geom is None:
            missing.append(pcode)
        elif geom.covers(pt):
            inside += 1
    total = len(real_h)

    real_o = real_o[~real_o["ADM1_PCODE"].isin(_NON_MAINLAND_ADM1)].to_crs(_EQUAL_AREA)
    demo_o = oblasts_gdf.to_crs(_EQUAL_AREA)
    demo_o = gpd.GeoDataFrame(
        {"pcode": _pcodes(demo_o, 4).to_numpy()},
        geometry=demo_o.geometry.to_numpy(),
        crs=_EQUAL_AREA,
    )
    demo_o = demo_o.dissolve("pcode").geometry
    iou = {}
    for pcode, real in zip(real_o["ADM1_PCODE"], real_o.geometry):
        demo = demo_o.get(pcode)
        if demo is None or demo.is_empty:
            iou[pcode] = 0.0
            continue
        inter = real.intersection(demo).area
        union = real.union(demo).area
        iou[pcode] = inter / union if union else 0.0
    iou = dict(sorted(iou.items(), key=lambda kv: kv[1]))
    values = list(iou.values())
    return {
        "point_share": inside / total if total else 0.0,
        "points_inside": inside,
        "points_total": total,
        "missing_hromadas": missing,
        "iou_mean": sum(values) / len(values) if values else 0.0,
        "iou_min": min(values) if values else 0.0,
        "iou": iou,
    }


def _names(realdata_dir: Path) -> dict[str, str]:
    real_o = gpd.read_file(Path(realdata_dir) / "cod-ab" / "Oblasts.geojson", ignore_geometry=True)
    return dict(zip(real_o["ADM1_PCODE"], real_o["ADM1_EN"]))


def _build_in_memory() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, float]:
    from data import codifier as c
    from data import territories as t

    start = time.perf_counter()
    k = c.read_codifier()
    units = c.admin_units(k)
    places = c.settlements(k)
    hromadas, _ = t.build_territories(units, places)
    elapsed = time.perf_counter() - start
    _, oblasts = t.dissolve_levels(hromadas, units)
    return hromadas, oblasts, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo-dir", type=Path, default=ROOT / "data" / "demo")
    parser.add_argument("--realdata-dir", type=Path, default=DEFAULT_REALDATA)
    parser.add_argument(
        "--build",
        action="store_true",
        help="build the territories in memory instead of reading files",
    )
    args = parser.parse_args(argv)

    if not (args.realdata_dir / "cod-ab" / "Hromadas.geojson").exists():
        print(f"fidelity: real data not found at {args.realdata_dir / 'cod-ab'}; nothing to measure (skipped).")
        return 0
    if args.build:
        hromadas, oblasts, elapsed = _build_in_memory()
        print(f"built in memory in {elapsed:.1f} s")
    else:
        h_path, o_path = (
            args.demo_dir / "hromadas.geojson",
            args.demo_dir / "oblasts.geojson",
        )
        if not h_path.exists() or not o_path.exists():
            print(f"fidelity: {h_path} or {o_path} missing; build the demo first or pass --build.")
            return 1
        hromadas, oblasts = gpd.read_file(h_path), gpd.read_file(o_path)

    res = measure(hromadas, oblasts, args.realdata_dir)
    names = _names(args.realdata_dir)
    share = res["point_share"]
    print(
        f"hromada interior points inside the same demo hromada: {res['points_inside']}/{res['points_total']}"
        f" = {share:.1%}  (aim >= 90%)"
    )
    if res["missing_hromadas"]:
        print(
            f"  real hromadas with no demo polygon: {len(res['missing_hromadas'])} e.g. {res['missing_hromadas'][:5]}"
        )
    print(
        f"oblast IoU (equal-area, 25 mainland units): mean {res['iou_mean']:.3f}, "
        f"min {res['iou_min']:.3f}  (aim mean >= 0.85)"
    )
    worst = list(res["iou"].items())[:3]
    print("  worst: " + ", ".join(f"{p} {names.get(p, '')} {v:.3f}" for p, v in worst))
    population = args.demo_dir / "population.xlsx"
    real_population = args.realdata_dir / "population" / "ua-pop-2022.csv"
    if not args.build and population.exists() and real_population.exists():
        pop = population_fidelity(population, real_population)
        print(
            f"hromada population vs the real 2022 table ({pop['hromadas']:.0f} hromadas): "
            f"Spearman {pop['spearman']:.3f}, "
            f"median |log ratio| {pop['median_abs_log_ratio']:.3f}, within 25 %: {pop['within_25pct']:.1%}"
        )
    return 0


def population_fidelity(demo_population: Path, real_population: Path) -> dict[str, float]:
    """How close the demo's hromada populations are to the real table (never copied)."""
    from scipy.stats import spearmanr

    from loaders import load_demo, read_population

    units = load_demo().units
    demo, _ = read_population(demo_population, units)
    real = pd.read_csv(real_population, dtype={"hromada_code": str}).dropna(subset=["hromada_code"])
    joined = demo.merge(real, left_on="code", right_on="hromada_code")
    ratio = np.log(joined["population"] / joined["total_population_2022"])
    return {
        "hromadas": float(len(joined)),
        "spearman": float(spearmanr(joined["population"], joined["total_population_2022"])[0]),
        "median_abs_log_ratio": float(ratio.abs().median()),
        "within_25pct": float((ratio.abs() < np.log(1.25)).mean()),
    }


if __name__ == "__main__":
    raise SystemExit(main())
