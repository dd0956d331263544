"""Scope is law, and every name a unit has had since the 2020 reform matches (issue 12).

Hand-made tables and boundary files: a name that exists only in another
oblast or raion, hromada types that tell units apart, former names of
renamed raions and hromadas in tables and in names-only boundary files.
Against ../shared/realdata: every name of the 2022 population table and of
COD-AB, read by name only, lands on the unit its code says.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from loaders import default_units, read_boundary_file, read_figures
from tests.fixtures import REALDATA
from tests.fixtures.ingest import H1, H3, H6, H7, H8, atlas_units, write_csv, write_xlsx

NOVOMOSKOVSKA = "UA12100070000011492"  # today Самарівська, raion Самарівський (was Новомосковський)
CHERVONOHRADSKA = "UA46120130000026331"  # today Шептицька, raion Шептицький (was Червоноградський)
KRASNOHRADSKA = "UA63060050000033240"  # today Берестинська, raion Берестинський (was Красноградський)


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return atlas_units()


@pytest.fixture(scope="module")
def codifier() -> pd.DataFrame:
    return default_units()


def _errors(report) -> list[str]:
    return [f"{i.row}|{i.message}" for i in report.errors]


def test_a_name_that_exists_only_in_another_oblast_is_an_error_never_a_match(tmp_path, units):
    path = write_csv(
        tmp_path / "p.csv",
        [["Область", "Громада", "Населення"], ["Вінницька", "Агрономічна", 5], ["Волинська", "Гайсинська", 7]],
    )
    frame, report = read_figures(path, "population", units)
    assert frame["code"].tolist() == [H1]
    assert _errors(report) == [
        "3|'Гайсинська' matches no hromada in its oblast/raion (a unit of that name exists elsewhere: "
        f"Гайсинська (Haisynska), hromada in Вінницька oblast, {H3}; not used, the row gives another oblast/raion)"
    ]
    assert report.unmatched[0].suggested("en") == ()  # nothing like it in Волинська: none from elsewhere


def test_suggestions_come_from_the_rows_scope(tmp_path, units):
    path = write_csv(tmp_path / "p.csv", [["Область", "Громада", "Населення"], ["Волинська", "Миколаївка", 5]])
    _, report = read_figures(path, "population", units)
    assert report.unmatched[0].suggested("en") == (
        f"Миколаївська (Mykolaivska), hromada in Волинська oblast, {H7}",
        f"Миколаївська (Mykolaivska), hromada in Волинська oblast, {H8}",
    )


def test_an_oblast_that_matches_none_stops_the_row(tmp_path, units):
    path = write_csv(tmp_path / "p.csv", [["Область", "Громада", "Населення"], ["Атлантида", "Агрономічна", 5]])
    frame, report = read_figures(path, "population", units)
    assert frame.empty
    assert report.errors[0].message.startswith("oblast 'Атлантида': 'Атлантида' matches no oblast")
    assert report.errors[0].message.endswith("the hromada is not looked for outside its oblast and raion")


def test_a_hierarchical_publication_keeps_each_hromada_in_its_raion(tmp_path, units):
    rows = [
        ["Назва", "Населення"],
        ["Вінницька область", 100],
        ["Вінницький район", 50],
        ["Агрономічна", 10],
        ["Гайсинська", 40],  # in Гайсинський raion, not Вінницький: an error, never a match
        ["Гайсинський район", 50],
        ["Гайсинська", 30],
        ["Березівська", 20],
    ]
    frame, report = read_figures(write_xlsx(tmp_path / "pub.xlsx", rows), "population", units)
    assert [(e.row, e.message.split(" (")[0]) for e in report.errors] == [
        (5, "'Гайсинська' matches no hromada, raion or oblast near the rows above it")
    ]
    # suggestions from the raion, then the rest of its oblast
    assert report.unmatched[0].suggested("en")[0] == f"Гайсинська (Haisynska), hromada in Вінницька oblast, {H3}"
    assert dict(zip(frame["code"], frame["population"])).get(H6) == 20


def test_the_type_in_a_name_tells_units_apart_and_never_crosses_urban_and_rural(tmp_path, units):
    rows = [
        ["Область", "Громада", "Населення"],
        ["Волинська", "Миколаївська сільська ТГ", 1],
        ["Волинська", "Миколаївська міська територіальна громада", 2],
        ["Вінницька", "Агрономічна міська ТГ", 3],  # the only Агрономічна is rural
    ]
    frame, report = read_figures(write_csv(tmp_path / "t.csv", rows), "population", units)
    assert dict(zip(frame["code"], frame["population"])) == {H8: 1, H7: 2}
    assert _errors(report) == [
        "4|'Агрономічна' is given as a urban hromada, but no urban hromada of that name exists in its oblast/raion "
        f"(Агрономічна (Ahronomichna), hromada in Вінницька oblast, {H1} is rural)"
    ]


def test_settlement_against_rural_is_a_warning(tmp_path, units):
    rows = [["Область", "Громада", "Населення"], ["Вінницька", "Агрономічна селищна ТГ", 3]]
    frame, report = read_figures(write_csv(tmp_path / "t.csv", rows), "population", units)
    assert frame["code"].tolist() == [H1] and report.ok
    assert [w.message for w in report.warnings] == [
        "'Агрономічна' is given as a settlement hromada; the codifier's Агрономічна is a rural"
    ]


def test_former_names_of_raions_and_hromadas_match_with_todays_name(tmp_path, codifier):
    rows = [
        ["Область", "Район", "Громада", "Населення"],
        ["Дніпропетровська", "Новомосковський", "Новомосковська міська", 70_000],
        ["Львівська", "Червоноградський район", "Червоноградська", 80_000],
        ["Харківська", "Красноградський", "Красноградська", 25_000],
        ["Київська", None, "Новомосковська", 1],  # a former name of another oblast's hromada: an error
    ]
    frame, report = read_figures(write_xlsx(tmp_path / "old.xlsx", rows), "population", codifier)
    assert dict(zip(frame["code"], frame["population"])) == {
        NOVOMOSKOVSKA: 70_000,
        CHERVONOHRADSKA: 80_000,
        KRASNOHRADSKA: 25_000,
    }
    warnings = [f"{w.row}|{w.message}" for w in report.warnings]
    assert f"2|'Новомосковська' is the former name of hromada 'Самарівська' ({NOVOMOSKOVSKA}); read as today's" in (
        warnings
    )
    assert f"4|'Красноградська' is the former name of hromada 'Берестинська' ({KRASNOHRADSKA}); read as today's" in (
        warnings
    )
    assert [e.row for e in report.errors] == [5]
    assert report.errors[0].message.startswith("'Новомосковська' matches no hromada in its oblast/raion")


def test_former_names_in_a_names_only_boundary_file(tmp_path, codifier):
    gdf = gpd.GeoDataFrame(
        {
            "region": ["Дніпропетровська", "Львівська область", "Харківська", "Київська"],
            "rayon": ["Новомосковський", "Червоноградський", "Красноградський район", "Бучанський"],
            "hromada": ["Новомосковська", "Червоноградська", "Красноградська", "Червоноградська"],
        },
        geometry=[box(35, 48, 35.1, 48.1), box(24, 50, 24.1, 50.1), box(35, 49, 35.1, 49.1), box(30, 50, 30.1, 50.1)],
        crs=4326,
    )
    path = tmp_path / "old.geojson"
    gdf.to_file(path)
    frame, report = read_boundary_file(path, codifier, simplify=0)
    assert frame["code"].tolist() == [NOVOMOSKOVSKA, CHERVONOHRADSKA, KRASNOHRADSKA]
    assert [u.row for u in report.unmatched] == [4]  # Червоноградська is no hromada of Бучанський raion
    notes = [w.message for w in report.warnings if "former name" in w.message]
    assert (
        notes[0] == f"'Новомосковська' is the former name of hromada 'Самарівська' ({NOVOMOSKOVSKA}); read as today's"
    )
    assert len(notes) == 3


def test_a_boundary_feature_whose_oblast_matches_none_is_not_placed_elsewhere(tmp_path, units):
    gdf = gpd.GeoDataFrame({"region": ["Атлантида"], "hromada": ["Агрономічна"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    path = tmp_path / "b.geojson"
    gdf.to_file(path)
    frame, report = read_boundary_file(path, units, simplify=0)
    assert frame is None and [u.value for u in report.unmatched] == ["Агрономічна"]
    assert report.warnings[0].message.startswith("'Агрономічна' oblast 'Атлантида': 'Атлантида' matches no oblast")


# --------------------------------------------------------------------------- against real names
def _need(path):
    if not path.exists():
        pytest.skip(f"real data not available: {path} (see ../shared/realdata/README.md)")
    return path


def test_every_name_of_the_2022_population_table_matches_its_code_by_name_only(tmp_path, codifier):
    table = pd.read_csv(_need(REALDATA / "population" / "ua-pop-2022.csv"), dtype=str).dropna(subset=["hromada_code"])
    units = codifier.drop_duplicates("code").set_index("code")
    oblast = table["hromada_code"].map(units["oblast_code"]).map(units["name_uk"])
    raion = table["hromada_code"].map(units["raion_code"]).map(units["name_uk"])
    names = pd.DataFrame(
        {
            "Область": oblast,
            "Район": raion,
            "Громада": table["hromada_name"],
            "Населення": table["total_population_2022"],
        }
    )
    path = tmp_path / "names.csv"
    names.to_csv(path, index=False)
    frame, report = read_figures(path, "population", codifier)
    # names only cannot tell apart two hromadas of one name in one raion (no type given): those are errors
    twins = names[names.duplicated(["Район", "Громада"], keep=False)]
    assert len(twins) == 6 and [e.row for e in report.errors] == [i + 2 for i in twins.index]
    assert all("names 2 units in its oblast/raion" in e.message for e in report.errors)
    assert report.matched == 1469 - 6
    expected = table.loc[~table.index.isin(twins.index), "hromada_code"].tolist()
    assert frame["code"].tolist() == expected
    renamed = [w for w in report.warnings if "former name" in w.message]
    assert len(renamed) == 46


def test_every_cod_ab_hromada_matches_its_p_code_by_names_only(tmp_path, codifier):
    cod = gpd.read_file(_need(REALDATA / "cod-ab" / "Hromadas.geojson"))
    mainland = cod[~cod["ADM1_PCODE"].isin(["UA01", "UA85", "UA80"]) & (cod["ADM3_PCODE"] != "UA3200000")]
    names = mainland[["ADM1_UA", "ADM2_UA", "ADM3_UA", "geometry"]].rename(
        columns={"ADM1_UA": "region", "ADM2_UA": "rayon", "ADM3_UA": "hromada"}
    )
    path = tmp_path / "names.geojson"
    names.to_file(path)
    frame, report = read_boundary_file(path, codifier, simplify=0)
    # names only cannot tell apart two hromadas of one name in one raion (COD-AB gives no type): reported
    twins = mainland[mainland.duplicated(["ADM2_PCODE", "ADM3_UA"], keep=False)]
    assert sorted(u.value for u in report.unmatched) == sorted(twins["ADM3_UA"]) and len(twins) == 6
    ambiguous = [w.message for w in report.warnings if "names 2 units in its oblast/raion" in w.message]
    assert len(ambiguous) == 6
    pcodes = dict(zip(codifier["code"], codifier["pcode"]))
    matched = mainland[~mainland.index.isin(twins.index)]
    assert len(frame) == 1463 and sorted(frame["code"].map(pcodes)) == sorted(matched["ADM3_PCODE"])


def test_an_unknown_row_in_one_oblasts_file_gets_suggestions_from_that_oblast(tmp_path, units):
    rows = [
        ["Код", "Громада", "Населення"],
        [H1, "Агрономічна", 1],
        [H3, "Гайсинська", 2],
        [H6, "Березівська", 3],
        [None, "Агрономна", 4],  # no code, a misspelt name: suggestions from Вінницька oblast only
        ["UA0502999", None, 5],  # an unknown code: the closest codes of Вінницька oblast
    ]
    _, report = read_figures(write_csv(tmp_path / "v.csv", rows), "population", units)
    by_row = {u.row: u.suggested("en") for u in report.unmatched}
    assert by_row[5] and all("in Вінницька oblast" in s for s in by_row[5])
    assert by_row[5][0] == f"Агрономічна (Ahronomichna), hromada in Вінницька oblast, {H1}"
    assert by_row[6] and all("in Вінницька oblast" in s for s in by_row[6])
