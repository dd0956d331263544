"""Every table layout planners send, on tiny files with hand-checked totals and pinned messages."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from loaders import DataValidationError, read_caseload, read_figures, read_idp, read_population, read_staffing
from tests.fixtures import ROOT
from tests.fixtures.ingest import H1, H2, H3, H4, H5, H6, H7, H8, KYIV, O1, O2, R1, atlas_units, write_csv, write_xlsx


@pytest.fixture
def units() -> pd.DataFrame:
    return atlas_units()


def _by_code(frame: pd.DataFrame, column: str) -> dict:
    return {c: (None if pd.isna(v) else v) for c, v in zip(frame["code"], frame[column])}


def _messages(report, severity: str = "warnings") -> list[str]:
    return [f"{i.row}|{i.column}|{i.message}" for i in getattr(report, severity)]


# --------------------------------------------------------------------------- formats
POP_ROWS = [
    ["Код КАТОТТГ", "Громада", "Чисельність населення"],
    [H1, "Агрономічна", "10 000"],
    [H2, "Вінницька", "40000"],
]


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (";", "utf-8-sig"), ("\t", "cp1251"), (";", "cp1251")],
    ids=["comma-utf8", "semicolon-bom", "tab-cp1251", "semicolon-cp1251"],
)
def test_csv_encodings_and_delimiters(tmp_path, units, delimiter, encoding):
    rows = [[str(c).replace(" ", "\u00a0") for c in row] for row in POP_ROWS] if encoding == "utf-8" else POP_ROWS
    path = write_csv(tmp_path / "pop.csv", rows, delimiter=delimiter, encoding=encoding)
    frame, report = read_population(path, units)
    assert report.totals == {"population": 50_000}
    assert _by_code(frame, "population") == {H1: 10_000, H2: 40_000}


def test_decimal_commas_in_a_semicolon_file(tmp_path, units):
    path = write_csv(
        tmp_path / "c.csv", [["Код КАТОТТГ", "Відкриті випадки"], [H1, "12,0"], [H2, "1 234,0"]], delimiter=";"
    )
    frame, report = read_caseload(path, units)
    assert report.totals == {"open_cases": 1246}


def test_ods_workbook(tmp_path, units):
    path = tmp_path / "pop.ods"
    pd.DataFrame([["Населення за громадами", None, None], [None, None, None], *POP_ROWS]).to_excel(
        path, engine="odf", header=False, index=False
    )
    frame, report = read_population(path, units)
    assert report.totals == {"population": 50_000}
    assert frame["row"].tolist() == [4, 5]  # rows as a spreadsheet program shows them


def test_xls_workbook_finds_the_sheet_with_the_data(units):
    """tests/fixtures/idp_two_sheets.xls: a note sheet first, then a title, a header, a total and a source line."""
    frame, report = read_idp(ROOT / "tests" / "fixtures" / "idp_two_sheets.xls", units)
    assert report.sheet == "ВПО"
    assert _by_code(frame, "idp") == {H1: 120, H2: 1234, H3: None}
    assert report.totals == {"idp": 1354}
    assert _messages(report) == [
        "7|None|totals row skipped (not counted as data)",
        "None|idp|1 number(s) typed as text among numbers were read as numbers (rows 5)",
        f"None|idp|IDPs not available ('н/д') for 1 unit(s): Гайсинська ({H3}, row 6); "
        "any sum that includes them is unknown, never counted as 0",
    ]


def test_named_sheet_and_missing_sheet(tmp_path, units):
    path = write_xlsx(
        tmp_path / "two.xlsx",
        [["Код КАТОТТГ", "Населення"], [H1, 1]],
        sheet="2024",
        extra={"2023": [["Код КАТОТТГ", "Населення"], [H1, 2], [H2, 3]]},
    )
    assert read_population(path, units)[1].sheet == "2023"  # the first sheet that holds the data
    frame, report = read_population(path, units, sheet="2024")
    assert report.sheet == "2024" and frame["population"].tolist() == [1]
    with pytest.raises(DataValidationError, match=r"no sheet '2025' \(sheets: 2023, 2024\)"):
        read_population(path, units, sheet="2025")


def test_unsupported_file_type_is_an_error_not_a_crash(tmp_path, units):
    path = tmp_path / "pop.pdf"
    path.write_bytes(b"%PDF-1.4")
    frame, report = read_figures(path, "population", units)
    assert frame.empty
    assert report.errors[0].message == "pop.pdf: this is a PDF document, not a spreadsheet or boundary file"


# --------------------------------------------------------------------------- layouts
def test_title_note_and_source_rows_around_the_table(tmp_path, units):
    path = write_xlsx(
        tmp_path / "pop.xlsx",
        [
            ["Таблиця 3. Чисельність наявного населення"],
            ["(осіб)"],
            [None],
            ["Код КАТОТТГ", "Назва громади", "Чисельність наявного населення на 1 січня 2022 року, осіб"],
            [H1, "Агрономічна", 10_000],
            [H2, "Вінницька", 40_000],
            [None],
            ["Джерело: Держстат, обчислення автора."],
            ["* Без урахування тимчасово окупованих територій."],
        ],
        merges=("A1:C1",),
    )
    frame, report = read_population(path, units)
    assert report.rows == 2 and report.matched == 2
    assert report.totals == {"population": 50_000}
    assert report.warnings == []


def test_two_row_merged_header_of_a_wide_staffing_sheet(tmp_path, units):
    path = write_xlsx(
        tmp_path / "staff.xlsx",
        [
            ["Штатна чисельність станом на 01.01.2025"],
            ["Код КАТОТТГ", "Громада", "Фахівці із соціальної роботи", None, "Соціальні працівники", None, "Психологи"],
            [None, None, "затверджено", "фактично зайнято", "затверджено", "фактично зайнято", "затверджено"],
            [H1, "Агрономічна", 2, 1, 1, 1, 1],
            [H2, "Вінницька", "6", "5", 3, 3, "0,5"],
        ],
        merges=("A2:A3", "B2:B3", "C2:D2", "E2:F2"),
    )
    frame, report = read_staffing(path, units)
    row = frame.set_index("code").loc[H2]
    assert (row["social_work_specialist_approved"], row["social_work_specialist_filled"]) == (6, 5)
    assert row["psychologist_approved"] == 0.5 and math.isnan(row["psychologist_filled"])
    assert report.totals["social_work_specialist_filled"] == 6
    assert report.totals["social_worker_approved"] == 4
    assert _messages(report) == [
        "None|social_work_specialist_approved|1 number(s) typed as text among numbers were read as numbers (rows 5)",
        "None|social_work_specialist_filled|1 number(s) typed as text among numbers were read as numbers (rows 5)",
        "None|psychologist_approved|1 number(s) typed as text among numbers were read as numbers (rows 5)",
    ]


def test_hxl_row_under_the_header_and_a_footnote_column(tmp_path, units):
    note = "* Estimates in Donetska are likely under-represented."
    path = write_xlsx(
        tmp_path / "idp.xlsx",
        [
            ["Oblast", "Oblast pcode", "Estimated de facto IDPs present", "Estimated returnee pop. Present", None],
            ["#adm1+name", "#adm1+code", "#affected+idp+ind", "#affected+returnees+ind", note],
            ["Vinnytska", "UA05", 135_000, 58_000, None],
            ["Kyiv", "Temp03", 370_000, 942_000, None],
            ["Volynska*", "UA07", None, None, None],
            ["Residence location unknown (in Ukraine)**", None, 10_000, 6_000, None],
        ],
        merges=("E2:H2",),
    )
    frame, report = read_idp(path, units)
    assert report.level == "oblast"
    assert _by_code(frame, "idp") == {O1: 135_000, KYIV: 370_000, O2: None}
    assert report.totals == {"idp": 505_000}
    assert (report.rows, report.matched, report.unmatched) == (4, 3, [])
    assert _messages(report) == [
        "4|oblast|code 'Temp03' is IOM DTM's code for Kyiv city; read as UA80000000000093317",
        "6|None|'Residence location unknown (in Ukraine)**' names no unit (location unknown); "
        "its figures (IDPs 10,000) are not assigned to any unit",
    ]


def test_hxl_tags_alone_name_the_columns(tmp_path, units):
    path = write_csv(tmp_path / "p.csv", [["#adm3+code", "#population+total"], ["UA0502001", 7], ["UA0504001", 8]])
    assert read_population(path, units)[1].totals == {"population": 15}


@pytest.mark.parametrize(
    "header",
    [
        [["Код КАТОТТГ / KATOTTG code", "Кількість ВПО / IDPs"]],
        [["Код КАТОТТГ", "Кількість ВПО"], ["KATOTTG code", "IDPs"]],
        [["KATOTTG (Код КАТОТТГ)", "IDPs (ВПО)"]],
    ],
    ids=["slash", "two-rows", "brackets"],
)
def test_bilingual_headers(tmp_path, units, header):
    path = write_xlsx(tmp_path / "idp.xlsx", [*header, [H1, 5], [H2, 7]])
    frame, report = read_idp(path, units)
    assert report.totals == {"idp": 12} and report.rows == 2


def test_column_overrides_and_header_row(tmp_path, units):
    path = write_xlsx(
        tmp_path / "x.xlsx", [["Ідентифікатор", "Кількість мешканців 2024 (оцінка)", "Усього"], [H1, 1, 9]]
    )
    frame, _ = read_population(path, units, columns={"code": "Ідентифікатор", "population": "C"})
    assert frame["population"].tolist() == [9]
    with pytest.raises(DataValidationError, match="column override 'people': unknown field"):
        read_population(path, units, columns={"people": "C"})


# --------------------------------------------------------------------------- official publications
PUBLICATION = [
    ["Чисельність наявного населення за територіальними громадами"],
    ["Назва", "Чисельність населення, осіб"],
    ["Україна", 150_000],
    ["Вінницька область", 100_000],
    ["Вінницький район", 50_000],
    ["Агрономічна сільська ТГ", 10_000],
    ["Вінницька міська ТГ", 40_000],
    ["у тому числі:", None],
    ["міське населення", 38_000],
    ["сільське населення", 2_000],
    ["Гайсинський район", 50_000],
    ["Гайсинська міська територіальна громада", 30_000],
    ["Березівська сільська ТГ", 20_000],
    ["Волинська обл.", 49_000],
    ["Березівська сільська ТГ", 20_000],
    ["Володимир-Волинська міська ТГ", 5_000],
    ["Миколаївська міська ТГ", 10_000],
    ["Миколаївська сільська ТГ", 15_000],
]


def test_hierarchical_publication_with_subtotals_suffixes_and_breakdowns(tmp_path, units):
    frame, report = read_population(write_xlsx(tmp_path / "pub.xlsx", PUBLICATION), units)
    pop = _by_code(frame, "population")
    assert pop == {H1: 10_000, H2: 40_000, H3: 30_000, H6: 20_000, H4: 20_000, H5: 5_000, H7: 10_000, H8: 15_000}
    assert set(frame["level"]) == {"hromada"} and report.level == "hromada"
    assert report.totals == {"population": 150_000, "population_urban": 38_000}  # subtotals not counted twice
    assert _by_code(frame, "population_urban")[H2] == 38_000
    assert report.rows == 12 and report.matched == 12
    assert _messages(report) == [
        "3|None|totals row skipped (not counted as data)",
        f"16|name|'Володимир-Волинська' is the former name of hromada 'Володимирська' ({H5}); read as today's",
        "14|population|oblast row Волинська gives Residents 49,000, but its 4 hromada rows sum to 50,000; "
        "the hromada rows are used",
    ]


def test_names_in_latin_and_apostrophes(tmp_path, units):
    path = write_xlsx(
        tmp_path / "idp.xlsx",
        [
            ["Oblast", "Hromada", "IDPs"],
            ["Vinnytsia Oblast", "Ahronomichna rural TC", 1],
            ["Vinnytska", "Vinnytsia urban hromada", 2],  # a city's name for its hromada: read by spelling
            ["Volyn", "Volodymyrska", 3],
            ["Волинська", "Березівська", 4],  # repeats in Вінницька oblast too: the oblast column decides
        ],
    )
    frame, report = read_idp(path, units)
    assert _by_code(frame, "idp") == {H1: 1, H2: 2, H5: 3, H4: 4}
    assert [w.message for w in report.warnings] == ["'Vinnytsia' read as 'Вінницька' (closest spelling, 92% alike)"]


def test_repeated_names_need_context_else_an_error_with_candidates(tmp_path, units):
    path = write_xlsx(tmp_path / "c.xlsx", [["Громада", "Сім'ї у СЖО"], ["Березівська", 5], ["Агрономічна", 1]])
    frame, report = read_figures(path, "caseload", units)
    assert report.unmatched[0].row == 2 and report.unmatched[0].value == "Березівська"
    assert report.unmatched[0].suggested("en") == (
        f"Березівська (Berezivska), hromada in Вінницька oblast, {H6}",
        f"Березівська (Berezivska), hromada in Волинська oblast, {H4}",
    )
    assert _messages(report, "errors") == [
        "2|hromada|'Березівська' names 2 units; add a code, oblast or raion",
    ]
    assert report.matched == 1


def test_unknown_name_suggests_the_closest(tmp_path, units):
    path = write_xlsx(tmp_path / "c.xlsx", [["Область", "Громада", "Сім'ї у СЖО"], ["Вінницька", "Гайворонська", 5]])
    _, report = read_figures(path, "caseload", units)
    assert report.unmatched[0].suggested("en")[0].startswith("Гайсинська (Haisynska), hromada")


def test_same_name_within_a_raion_is_told_apart_by_the_hromada_type(tmp_path, units):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["Район", "Громада", "Тип громади", "Посада", "Затверджено", "Зайнято"],
            ["Володимирський", "Миколаївська", "міська", "Психолог", 1, 1],
            ["Володимирський", "Миколаївська", "сільська", "Психолог", 2, 1],
        ],
    )
    frame, _ = read_staffing(path, units)
    assert _by_code(frame, "psychologist_approved") == {H7: 1, H8: 2}


# --------------------------------------------------------------------------- values and warnings
def test_values_missing_markers_text_numbers_and_percent(tmp_path, units):
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["Код", "Населення", "Частка міського населення"],
            [H1, "…", ""],
            [H2, "1,234,567", "50 %"],
            [H3, "12 345,0", "0.5"],
            [H4, "н/д", "n/a"],
            [H5, "–", "-"],
        ],
        delimiter=";",
    )
    frame, report = read_population(path, units)
    # State Statistics conventions: "–" is none, "…" / "н/д" / "n/a" are not available
    assert _by_code(frame, "population") == {H1: None, H2: 1_234_567, H3: 12_345, H4: None, H5: 0}
    assert _by_code(frame, "population_urban") == {H1: None, H2: 617_284, H3: 6_172, H4: None, H5: 0}
    assert report.totals == {"population": 1_246_912, "population_urban": 623_456}
    assert [w.message for w in report.warnings] == [
        f"Residents not available ('…', 'н/д') for 2 unit(s): Агрономічна ({H1}, row 2); Березівська ({H4}, "
        "row 5); any sum that includes them is unknown, never counted as 0",
        f"Urban share not available ('n/a') for 1 unit(s): Березівська ({H4}, row 5); "
        "any sum that includes them is unknown, never counted as 0",
    ]


def test_warnings_negative_duplicate_filled_above_approved(tmp_path, units):
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            ["Код КАТОТТГ", "Посада", "Затверджено штатних одиниць", "Фактично зайнято"],
            [H1, "Фахівець із соціальної роботи", 2, 3],
            [H1, "Соціальний працівник", -1, 1],
            [H1, "Фахівець із соціальної роботи", 5, 5],
        ],
    )
    frame, report = read_staffing(path, units)
    assert report.errors == []
    assert _messages(report) == [
        "3|approved|must be >= 0, got -1; read as no data",
        f"4|None|hromada {H1}, role Social work specialist, appears again (first in row 2); this row is not counted",
        "2|None|more filled positions than approved ones",
    ]
    assert report.totals == {
        "social_work_specialist_approved": 2,
        "social_work_specialist_filled": 3,
        "social_worker_filled": 1,
    }


def test_errors_are_all_reported_with_row_column_and_value(tmp_path, units):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [["Код КАТОТТГ", "Населення"], [H1, "багато"], ["UA0599999", 1], ["1234567890", 2], [None, 3], [H2, "45 %"]],
    )
    with pytest.raises(DataValidationError) as info:
        read_population(path, units)
    assert _messages(info.value.report, "errors") == [
        "2|population|expected a number, got 'багато'",
        "3|code|code UA0599999 matches no unit in the codifier",
        "4|code|'1234567890' looks like a KOATUU code (the codifier replaced in 2020); "
        "a KATOTTG code, COD-AB P-code or name is needed",
        "5|code|empty code; expected a KATOTTG code or COD-AB P-code, or a name",
        "6|population|expected a count, got a percentage '45 %'",
    ]
    assert [u.row for u in info.value.report.unmatched] == [3, 4, 5]


def test_settlement_codes_roll_up_to_their_hromada(tmp_path, units):
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["Код КАТОТТГ населеного пункту", "Населення"],
            ["UA05020010010012345", 600],
            ["UA05020010020023456", 400],
            ["UA05020030010034567", 40_000],
        ],
    )
    frame, report = read_population(path, units)
    assert _by_code(frame, "population") == {H1: 1_000, H2: 40_000}
    assert report.level == "settlement" and report.totals == {"population": 41_000}


def test_code_overrides(tmp_path, units):
    path = write_csv(tmp_path / "p.csv", [["code", "population"], [H1, 1], ["KYIV-CITY", 5]])
    frame, report = read_population(path, units, codes={"KYIV-CITY": KYIV})
    assert _by_code(frame, "population") == {H1: 1, KYIV: 5} and report.warnings == []


def test_mixed_levels_are_kept_each_at_its_own_level(tmp_path, units):
    path = write_csv(tmp_path / "i.csv", [["Код", "ВПО"], ["UA05", 1_000], ["UA0702001", 7], ["UA0702003", 8]])
    frame, report = read_idp(path, units)
    assert sorted(zip(frame["code"], frame["level"])) == [(O1, "oblast"), (H4, "hromada"), (H5, "hromada")]
    assert report.level == "hromada"
    assert _messages(report) == [
        "None|None|figures at several levels: 1 oblast row(s), 2 hromada row(s); each is kept at its own level"
    ]


def test_raion_rows_by_name(tmp_path, units):
    path = write_xlsx(tmp_path / "c.xlsx", [["Район", "Відкриті випадки"], ["Вінницький р-н", 4], ["Гайсинський", 6]])
    frame, report = read_caseload(path, units)
    assert frame["level"].tolist() == ["raion", "raion"] and frame["code"].iloc[0] == R1
    assert report.level == "raion" and report.totals == {"open_cases": 10}


def test_every_canonical_field_of_each_kind(tmp_path, units):
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["Код", "Сім'ї у СЖО", "Малозабезпечені сім'ї з дітьми", "Діти з інвалідністю", "Відкриті випадки"],
            [H1, 1, 2, 3, 4],
        ],
    )
    assert read_caseload(path, units)[1].totals == {
        "families_sjo": 1,
        "low_income_families": 2,
        "children_disabilities": 3,
        "open_cases": 4,
    }
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            ["Код", "Посада", "Затверджено", "Зайнято", "Річна вартість посади, грн"],
            [H1, "Кейс-менеджер", 1, 1, 250_000],
            [H1, "Фахівець служби у справах дітей", 2, 1, None],
            [H1, "Інше", 1, 0, None],
        ],
    )
    totals = read_staffing(path, units)[1].totals
    assert totals == {
        "case_manager_approved": 1,
        "case_manager_filled": 1,
        "case_manager_annual_cost": 250_000,
        "children_services_specialist_approved": 2,
        "children_services_specialist_filled": 1,
        "other_approved": 1,
        "other_filled": 0,
    }


def test_missing_columns_name_what_was_expected(tmp_path, units):
    path = write_xlsx(tmp_path / "x.xlsx", [["Код КАТОТТГ", "Щось інше"], [H1, 1]])
    with pytest.raises(DataValidationError) as info:
        read_idp(path, units)
    assert str(info.value.report.errors[0].message) == (
        "no header row with the required columns found in the first 30 rows; "
        "expected a code or name column and IDPs (e.g. 'Кількість ВПО')"
    )


def test_idp_estimated_flag_and_no_nan_leaks(tmp_path, units):
    path = write_xlsx(tmp_path / "i.xlsx", [["Код", "ВПО", "Оцінка"], [H1, 5, "так"], [H2, 6, "ні"]])
    frame, _ = read_idp(path, units)
    assert frame["idp_estimated"].tolist() == [True, False]
    assert np.isnan(frame["idp_children"]).all()


def test_a_bare_name_that_is_an_oblast_and_a_hromada(tmp_path, units):
    """'Вінницька' alone: the oblast's subtotal in a publication, the hromada in a flat list."""
    flat = write_xlsx(
        tmp_path / "flat.xlsx", [["Назва", "Населення"], ["Агрономічна", 10], ["Вінницька", 45], ["Гайсинська", 30]]
    )
    frame, report = read_population(flat, units)
    assert _by_code(frame, "population") == {H1: 10, H2: 45, H3: 30} and report.warnings == []
    nested = write_xlsx(
        tmp_path / "nested.xlsx",
        [["Назва", "Населення"], ["Вінницька", 85], ["Агрономічна", 10], ["Вінницька", 45], ["Гайсинська", 30]],
    )
    frame, report = read_population(nested, units)
    assert _by_code(frame, "population") == {H1: 10, H2: 45, H3: 30} and report.warnings == []


def test_a_name_that_contradicts_its_code_is_warned_about(tmp_path, units):
    path = write_csv(
        tmp_path / "p.csv",
        [["Код", "Громада", "Населення"], [H1, "Агрономічна сільська ТГ", 1], [H2, "Вінницкая", 2],
         ["UA0702003", "Володимир-Волинська", 3], [H3, "Зоряна", 4]],
    )  # fmt: skip
    frame, report = read_population(path, units)
    # the code wins; a former name or a near spelling is no contradiction, a name that is no unit's is noted
    assert _by_code(frame, "population") == {H1: 1, H2: 2, H5: 3, H3: 4}
    assert _messages(report) == [
        f"None|None|1 row(s) give a former name of the unit of their code (row 4: 'Володимир-Волинська' is the "
        f"former name of hromada 'Володимирська' ({H5}); read as today's); today's names are used "
        "(see data/renames.csv)",
        f"None|None|1 row(s) give a name other than the codifier's for their code (row 5: 'Зоряна', "
        f"the codifier's 'Гайсинська' for {H3}); the codes are used (renamed units, or shifted rows?)",
    ]
