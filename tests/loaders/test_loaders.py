"""Loaders on tiny files written by the tests: headers anywhere, messy numbers, every error named."""

from __future__ import annotations

import math

import numpy as np
import pytest
from openpyxl import Workbook

from loaders import (
    DataValidationError,
    load_dataset,
    parse_number,
    read_assumptions,
    read_caseload,
    read_idp,
    read_population,
    read_staffing,
)
from tests.fixtures import H1, H2, H3, O1, REALDATA


def _xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 345", 12345.0),
        ("12\u00a0345", 12345.0),
        ("1,234,567", 1234567.0),
        ("12,5", 12.5),
        ("1 234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("45 %", 0.45),
        (7, 7.0),
        (2.5, 2.5),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("marker", ["", "…", "...", "н/д", "n/a", None])
def test_missing_markers_are_no_data(marker):
    assert math.isnan(parse_number(marker))


@pytest.mark.parametrize("marker", ["–", "-", "—", "х", "x"])
def test_state_statistics_dash_is_none_and_x_not_applicable(marker):
    assert parse_number(marker) == 0


def test_parse_number_rejects_text():
    with pytest.raises(ValueError, match="expected a number, got 'багато'"):
        parse_number("багато")


def test_population_with_title_rows_totals_and_pcodes(tmp_path, units):
    path = _xlsx(
        tmp_path / "pop.xlsx",
        [
            ["Чисельність населення за громадами"],
            ["Джерело: тест"],
            [],
            ["Код КАТОТТГ", "Громада", "Чисельність населення, осіб"],
            [H1, "Агрономічна", "10 000"],
            ["UA0502003", "Вінницька", 40000],
            [H3, "Гайсинська", "н/д"],
            [None, "Всього", 50000],
        ],
    )
    frame, report = read_population(path, units)
    values = frame.set_index("code")["population"]
    assert values[H1] == 10_000
    assert values[H2] == 40_000  # matched by COD-AB P-code
    assert np.isnan(values[H3])
    assert [(w.row, w.column, w.message) for w in report.warnings] == [
        (8, None, "totals row skipped (not counted as data)"),
        (None, "population", "1 number(s) typed as text among numbers were read as numbers (rows 5)"),
        (
            None,
            "population",
            f"Residents not available ('н/д') for 1 unit(s): Гайсинська ({H3}, row 7); "
            "any sum that includes them is unknown, never counted as 0",
        ),
    ]


def test_population_csv_semicolon_cp1251(tmp_path, units):
    path = tmp_path / "pop.csv"
    path.write_bytes(f"Код КАТОТТГ;Населення\n{H1};10 000\n{H2};40000\n".encode("cp1251"))
    frame, _ = read_population(path, units)
    assert frame["population"].tolist() == [10_000, 40_000]


def test_every_bad_row_is_reported_at_once(tmp_path, units):
    path = _xlsx(
        tmp_path / "pop.xlsx",
        [
            ["code", "population"],
            [H1, -3],
            ["UA0599999", 100],
            [O1, 100],
            ["Vinnytsia", 100],
            [H2, "багато"],
            [H2, 5],
        ],
    )
    with pytest.raises(DataValidationError) as info:
        read_population(path, units)
    message = str(info.value)
    assert "row 3, column 'code': code UA0599999 matches no unit in the codifier" in message
    assert "row 5, column 'code': 'Vinnytsia' is not a KATOTTG code or P-code" in message
    assert "row 6, column 'population': expected a number, got 'багато'" in message
    report = info.value.report
    assert len(report.errors) == 3
    # what can be repaired is a warning: a negative count is read as no data, a repeated unit is not counted
    assert [str(w) for w in report.warnings] == [
        "population file pop.xlsx row 2, column 'population': must be >= 0, got -3; read as no data",
        f"population file pop.xlsx row 7: hromada {H2} appears again (first in row 6); this row is not counted",
    ]
    # the oblast row is a subtotal of its hromadas: checked, never counted twice
    assert report.level == "hromada"


def test_missing_columns_are_named(tmp_path, units):
    path = _xlsx(tmp_path / "x.xlsx", [["Код КАТОТТГ", "Щось інше"], [H1, 1]])
    with pytest.raises(DataValidationError, match="no header row with the required columns.*Residents"):
        read_population(path, units)


def test_missing_file_is_named(tmp_path, units):
    with pytest.raises(FileNotFoundError, match="nope.xlsx"):
        read_population(tmp_path / "nope.xlsx", units)


def test_idp_with_estimated_flag(tmp_path, units):
    path = _xlsx(
        tmp_path / "idp.xlsx", [["Код КАТОТТГ", "Кількість ВПО, осіб", "Оцінка"], [H1, 100, "так"], [H2, "н/д", "ні"]]
    )
    frame, _ = read_idp(path, units)
    assert frame["idp_estimated"].tolist() == [True, False]
    assert np.isnan(frame["idp"].iloc[1])


def test_staffing_long_to_wide(tmp_path, units):
    path = _xlsx(
        tmp_path / "staff.xlsx",
        [
            ["Код КАТОТТГ", "Посада", "Затверджено штатних одиниць", "Фактично зайнято"],
            [H1, "Фахівець із соціальної роботи", 2, 1],
            [H1, "Соціальний працівник", 1, 1],
            [H2, "Психолог", 1, 2],
        ],
    )
    frame, report = read_staffing(path, units)
    row = frame.set_index("code").loc[H1]
    assert row["social_work_specialist_approved"] == 2 and row["social_work_specialist_filled"] == 1
    assert np.isnan(row["psychologist_filled"])
    assert report.warnings[0].row == 4  # filled above approved


def test_staffing_unknown_role(tmp_path, units):
    path = _xlsx(tmp_path / "s.xlsx", [["code", "role", "approved", "filled"], [H1, "Водій", 1, 1]])
    with pytest.raises(DataValidationError, match="row 2, column 'role': unknown role 'Водій'"):
        read_staffing(path, units)


def test_caseload(tmp_path, units):
    path = _xlsx(tmp_path / "c.xlsx", [["Код КАТОТТГ", "Сім'ї у СЖО", "Малозабезпечені сім'ї з дітьми"], [H1, 118, 75]])
    frame, _ = read_caseload(path, units)
    assert frame.iloc[0][["families_sjo", "low_income_families"]].tolist() == [118, 75]


def test_assumptions_errors_name_the_key(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("[norm]\nworkers_per_10k = -1\n")
    with pytest.raises(ValueError, match="norm.workers_per_10k must be a number >= 0"):
        read_assumptions(path)
    path.write_text("[norm]\nworkers_per_10K = 1\n")
    with pytest.raises(ValueError, match="unknown key"):
        read_assumptions(path)
    assert read_assumptions().workers_per_10k == 2.0


def test_manifest_with_a_missing_file_is_named(tmp_path):
    (tmp_path / "m.toml").write_text('units = "units.csv"\n')
    with pytest.raises(FileNotFoundError, match="units table not found"):
        load_dataset(tmp_path / "m.toml")


def test_boundaries_by_cod_ab_pcodes_any_case_and_crs(tmp_path, units):
    import geopandas as gpd
    from shapely.geometry import Polygon, box

    from loaders import read_boundaries

    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])  # self-intersecting: repaired
    gdf = gpd.GeoDataFrame(
        {"adm3_pcode": ["UA0502001", "UA0502003", "UA9999999"]},
        geometry=[box(30, 50, 31, 51), bowtie, box(0, 0, 1, 1)],
        crs=4326,
    ).to_crs(3857)
    path = tmp_path / "adm3.geojson"
    gdf.to_file(path)
    out = read_boundaries(path, units)
    assert out["code"].tolist() == [H1, H2]  # the unknown P-code is left out
    assert out.crs.to_epsg() == 4326
    assert out.geometry.is_valid.all()
    assert out.geometry.iloc[0].bounds == pytest.approx((30, 50, 31, 51))


def test_boundaries_without_codes_are_named(tmp_path, units):
    import geopandas as gpd
    from shapely.geometry import box

    from loaders import read_boundaries

    path = tmp_path / "x.geojson"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_file(path)
    with pytest.raises(ValueError, match="no 'code' column and no COD-AB P-code field"):
        read_boundaries(path, units)


@pytest.mark.skipif(not (REALDATA / "cod-ab").exists(), reason="../shared/realdata is absent")
def test_real_cod_ab_hromadas_load_by_pcode():
    from loaders import default_units, read_boundaries

    units = default_units()
    hromadas = read_boundaries(REALDATA / "cod-ab" / "Hromadas.geojson", units)
    mainland = units[(units["level"] == "hromada") & (units["oblast_code"] != "UA01000000000013043")]
    assert set(mainland["code"]) <= set(hromadas["code"])  # 1,469 hromadas and Kyiv
    oblasts = read_boundaries(REALDATA / "cod-ab" / "Oblasts.geojson", units)
    assert len(oblasts) == 27
