"""Boundary files of any COD-AB level, vintage, format and CRS, on a few boxes."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from loaders import DataValidationError, read_boundaries, read_boundary_file
from tests.fixtures.ingest import H1, H2, H3, H4, H5, H6, H8, KYIV, O1, O2, R1, R3, atlas_units


@pytest.fixture
def units():
    return atlas_units()


def _adm(n: int, rows: list[tuple], crs=4326, upper: bool = True) -> gpd.GeoDataFrame:
    """COD-AB-like features: (pcode, name_ua, name_en, geometry) at ADM level ``n``."""

    def f(s):
        return s.upper() if upper else s.lower()

    data = {
        f(f"ADM{n}_PCODE"): [r[0] for r in rows],
        f(f"ADM{n}_UA"): [r[1] for r in rows],
        f(f"ADM{n}_EN"): [r[2] for r in rows],
        f("ADM0_PCODE"): ["UA"] * len(rows),
    }
    return gpd.GeoDataFrame(data, geometry=[r[3] for r in rows], crs=4326).to_crs(crs)


OBLASTS = [
    ("UA05", "Вінницька", "Vinnytska", box(28, 48, 30, 50)),
    ("UA07", "Волинська", "Volynska", box(24, 50, 26, 52)),
]
HROMADAS = [
    ("UA0502001", "Агрономічна", "Ahronomichna", box(28, 49, 29, 50)),
    ("UA0502003", "Вінницька", "Vinnytska", box(29, 49, 30, 50)),
    ("UA0504001", "Гайсинська", "Haisynska", box(28, 48, 29, 49)),
    ("UA0504003", "Березівська", "Berezivska", box(29, 48, 30, 49)),
    ("UA0702001", "Березівська", "Berezivska", box(24, 51, 25, 52)),
    ("UA8000000", "Київ", "Kyiv", box(30, 50, 31, 51)),
    ("UA3200000", "Чорнобильська зона відчуження", "Chornobyl Exclusion Zone", box(29, 51, 30, 52)),
    ("UA0199999", "Передреформена", "Peredreformena", box(33, 44, 34, 45)),
]


def test_cod_ab_adm1_geojson(tmp_path, units):
    path = tmp_path / "ukr_admbnda_adm1.geojson"
    _adm(1, OBLASTS).to_file(path)
    frame, report = read_boundary_file(path, units)
    assert frame["code"].tolist() == [O1, O2] and report.level == "oblast"
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == ["code", "pcode", "level", "name", "area_km2", "geometry", "geometry_full"]
    # a 2 x 2 degree box at 48-50 N is about 148 km x 222 km
    assert frame["area_km2"].iloc[0] == pytest.approx(32_900, rel=0.02)
    assert report.totals["units"] == 2 and report.warnings == []


def test_cod_ab_adm3_with_kyiv_chornobyl_and_a_crimean_unit(tmp_path, units):
    path = tmp_path / "adm3.geojson"
    _adm(3, HROMADAS).to_file(path)
    frame, report = read_boundary_file(path, units)
    assert frame["code"].tolist() == [H1, H2, H3, H6, H4, KYIV, "UA3200000", "UA0199999"]
    assert frame.loc[6, "name"] == "Чорнобильська зона відчуження"
    assert report.matched == 6 and report.rows == 8 and report.unmatched == []
    assert [w.message for w in report.warnings] == [
        "UA3200000 is the Chornobyl Exclusion Zone, no unit of the codifier; kept for display with its P-code",
        "UA0199999 (Передреформена) is not in the codifier (a pre-reform Crimean unit); "
        "kept for display with its P-code",
        "features: 8 = 6 matched + 2 kept for display (no unit of the codifier) + 0 dropped + 0 unmatched",
    ]


def test_lower_case_fields_in_a_projected_shapefile(tmp_path, units):
    path = tmp_path / "adm3.shp"
    _adm(3, HROMADAS[:4], crs=3857, upper=False).to_file(path)
    frame = read_boundaries(path, units)
    assert frame["code"].tolist() == [H1, H2, H3, H6]
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].bounds == pytest.approx((28, 49, 29, 50))


def test_zipped_shapefiles_with_several_levels(tmp_path, units):
    folder = tmp_path / "shp"
    folder.mkdir()
    _adm(1, OBLASTS).to_file(folder / "ukr_admbnda_adm1_sspe_20240416.shp")
    _adm(3, HROMADAS[:4]).to_file(folder / "ukr_admbnda_adm3_sspe_20240416.shp")
    path = tmp_path / "ukr_admbnda_sspe_20240416_SHP.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for f in folder.iterdir():
            archive.write(f, f"ukr_shp/{f.name}")
    frame, report = read_boundary_file(path, units)  # the hromada layer by default
    assert report.level == "hromada" and len(frame) == 4
    assert report.sheet == "ukr_shp/ukr_admbnda_adm3_sspe_20240416.shp"
    assert read_boundaries(path, units, "oblast")["code"].tolist() == [O1, O2]
    assert read_boundaries(path, units, layer="ukr_admbnda_adm1_sspe_20240416.shp")["code"].tolist() == [O1, O2]


def test_geopackage_layers_and_an_older_vintage_field_names(tmp_path, units):
    path = tmp_path / "ukr.gpkg"
    old = _adm(2, [("UA0502", "Вінницький", "Vinnytskyi", box(28, 49, 30, 50))])
    old = old.rename(columns={"ADM2_PCODE": "admin2Pcode", "ADM2_UA": "admin2Name_ua", "ADM2_EN": "admin2Name_en"})
    old.to_file(path, layer="ukr_admbnda_adm2", driver="GPKG")
    _adm(1, OBLASTS).to_file(path, layer="ukr_admbnda_adm1", driver="GPKG")
    assert read_boundaries(path, units, "raion")["code"].tolist() == [R1]
    assert read_boundaries(path, units, layer="ukr_admbnda_adm1")["code"].tolist() == [O1, O2]


def test_names_only_matched_within_their_parents(tmp_path, units):
    gdf = gpd.GeoDataFrame(
        {
            "region": ["Вінницька область", "Volyn", "Волинська", "Волинська"],
            "rayon": ["Гайсинський", "Volodymyrskyi", "Володимирський район", "Володимирський"],
            "hromada": ["Березівська", "Berezivska", "Миколаївська сільська ТГ", "Нова"],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1), box(3, 0, 4, 1)],
        crs=4326,
    )
    path = tmp_path / "names.geojson"
    gdf.to_file(path)
    frame, report = read_boundary_file(path, units)
    assert frame["code"].tolist() == [H6, H4, H8]  # the same name in two oblasts; two of a name in one raion
    assert report.level == "hromada"
    assert report.unmatched[0].row == 4 and report.unmatched[0].value == "Нова"
    assert report.warnings[-2].message.startswith("'Нова' 'Нова' matches no hromada in its oblast/raion")
    assert report.warnings[-1].message == (
        "features: 4 = 3 matched + 0 kept for display (no unit of the codifier) + 0 dropped + 1 unmatched"
    )


def test_empty_invalid_and_duplicate_geometries(tmp_path, units):
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    with_tail = shapely.GeometryCollection([box(2, 0, 3, 1), LineString([(3, 1), (4, 2)])])
    gdf = gpd.GeoDataFrame(
        {"ADM3_PCODE": ["UA0502001", "UA0502003", "UA0504001", "UA0702003", "UA0702003"]},
        geometry=[None, bowtie, with_tail, box(5, 0, 6, 1), box(6, 0, 7, 1)],
        crs=4326,
    )
    path = tmp_path / "adm3.geojson"
    gdf.to_file(path)
    frame, report = read_boundary_file(path, units)
    assert frame["code"].tolist() == [H2, H3, H5]
    assert frame.geometry.is_valid.all() and frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert frame.loc[2, "geometry_full"].area == pytest.approx(2.0)  # two features of one unit merged
    assert [(w.row, w.message) for w in report.warnings] == [
        (1, "UA0502001: empty geometry; feature dropped"),
        (None, "features: 5 = 4 matched + 0 kept for display (no unit of the codifier) + 1 dropped + 0 unmatched"),
        (None, "1 invalid geometry repaired (features 2)"),
        (None, f"2 features for {H5} (features 4, 5); merged"),
    ]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_no_crs(tmp_path, units):
    path = tmp_path / "adm1.shp"
    gpd.GeoDataFrame({"ADM1_PCODE": ["UA05"]}, geometry=[box(28, 48, 30, 50)]).to_file(path)
    frame, report = read_boundary_file(path, units)
    assert frame.crs.to_epsg() == 4326
    assert report.warnings[0].message == (
        "the file has no CRS; its coordinates look like degrees and are read as EPSG:4326"
    )
    gpd.GeoDataFrame({"ADM1_PCODE": ["UA05"]}, geometry=[box(3e6, 6e6, 3.1e6, 6.1e6)]).to_file(path)
    with pytest.raises(DataValidationError, match="no CRS and its coordinates are not degrees"):
        read_boundaries(path, units)


def test_settlement_points(tmp_path, units):
    gdf = gpd.GeoDataFrame(
        {"ADM4_PCODE": ["UA0502001001", "UA0702007002"], "ADM4_UA": ["Агрономічне", "Миколаївка"]},
        geometry=[Point(28.5, 49.5), Point(24.5, 51.5)],
        crs=4326,
    )
    path = tmp_path / "adm4.geojson"
    gdf.to_file(path)
    frame, report = read_boundary_file(path, units)
    assert report.level == "settlement"
    assert frame["code"].tolist() == ["UA0502001001", "UA0702007002"]
    assert frame["hromada_code"].tolist() == [H1, H8]
    assert frame["area_km2"].isna().all()


def test_display_geometry_keeps_one_shared_border(tmp_path, units):
    """Two neighbours with a wiggly common border: simplified together, no gap and no overlap appears."""
    xs = np.linspace(0, 1, 201)
    border = [(x, 0.5 + 0.01 * np.sin(40 * x) + 0.002 * np.cos(300 * x)) for x in xs]
    south = Polygon([(0, 0), (1, 0), *border[::-1]])
    north = Polygon([*border, (1, 1), (0, 1)])
    path = tmp_path / "adm3.geojson"
    gpd.GeoDataFrame({"ADM3_PCODE": ["UA0502001", "UA0502003"]}, geometry=[south, north], crs=4326).to_file(path)
    frame = read_boundaries(path, units, simplify=0.005)
    a, b = frame.geometry
    assert shapely.get_num_coordinates(a) < shapely.get_num_coordinates(south) / 2
    assert a.intersection(b).area == pytest.approx(0, abs=1e-12)  # no overlap
    assert a.union(b).area == pytest.approx(1.0, abs=1e-9)  # no gap
    assert a.intersection(b).length >= 1.0  # one shared border line, from x = 0 to x = 1
    # areas come from the full geometry, not the simplified one
    full = frame["geometry_full"].iloc[0]
    assert full.area == pytest.approx(south.area) and shapely.get_num_coordinates(full) == 204


def test_files_without_codes_or_names_are_named(tmp_path, units):
    path = tmp_path / "x.geojson"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_file(path)
    with pytest.raises(ValueError, match="no 'code' column and no COD-AB P-code field.*columns: name, geometry"):
        read_boundaries(path, units)


def test_default_units_are_the_codifier(tmp_path):
    path = tmp_path / "adm1.geojson"
    _adm(1, [("UA80", "Київ", "Kyiv", box(30, 50, 31, 51)), ("UA01", "Крим", "Crimea", box(33, 44, 35, 46))]).to_file(
        path
    )
    frame = read_boundaries(path)
    assert frame["code"].tolist() == [KYIV, "UA01000000000013043"]


def test_unknown_pcodes_are_listed_as_unmatched(tmp_path, units):
    path = tmp_path / "adm3.geojson"
    _adm(
        3, [("UA0502001", "Агрономічна", "Ahronomichna", box(0, 0, 1, 1)), ("UA0599999", "?", "?", box(1, 0, 2, 1))]
    ).to_file(path)
    frame, report = read_boundary_file(path, units)
    assert frame["code"].tolist() == [H1]
    assert report.unmatched[0].row == 2 and report.unmatched[0].value == "UA0599999"
    assert not report.errors


def test_a_file_matching_nothing_is_an_error(tmp_path, units):
    path = tmp_path / "adm3.geojson"
    _adm(3, [("UA0599999", "?", "?", box(1, 0, 2, 1))]).to_file(path)
    with pytest.raises(DataValidationError, match="no feature matched a unit of the codifier"):
        read_boundaries(path, units)


def test_r3_is_reachable_by_name(units):
    """Sanity check of the fixture: raion names resolve."""
    from loaders.names import UnitIndex

    index = UnitIndex(units)
    m = index.match_name("Володимирський район")
    assert index.code[m.units[0]] == R3
