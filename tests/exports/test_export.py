"""The formatted workbook and the CSV, read back with openpyxl, on the five-hromada fixture."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from core.text import label, t
from exports import (
    COLUMNS,
    COVER_SHEET,
    ColumnSpec,
    Sheet,
    assumptions_table,
    build_export,
    is_risky_text,
    quality_tables,
    table_csv,
    write_workbook,
)
from loaders import DEFAULT_ASSUMPTIONS, Dataset, Unmatched, ValidationReport, read_assumptions
from loaders.messages import msg
from metrics import Assumptions
from tests.fixtures import H1, H2, H3, H4, H5, O1

EVIL = ['=HYPERLINK("http://x","y")', "+380 44", "-Петрівка", "@SUM(A1)", "\tтаб", "\rCR"]


#: residents + IDPs: the base the hand-checked figures below were worked out on
UPPER = Assumptions(population_base="residents_plus_idp", children_shares=())  # children only where given


@pytest.fixture
def dataset(units, hromadas) -> Dataset:
    report = ValidationReport("staffing file staffing.xlsx", kind="staffing", path="/home/me/staffing.xlsx", rows=7)
    report.matched = 6
    report.warn("totals_row", row=9, column="role")
    closest = msg("unit", name_uk="Агрономічна", name_en="Ahronomichna", level="hromada", code=H1)
    report.unmatched.append(Unmatched(8, "Агрономічнa", (closest,)))
    return Dataset(
        title="test",
        units=units,
        boundaries={},
        hromadas=hromadas,
        approximate_boundaries=True,
        reference_dates={"population": "2022-01-01"},
        sources={"population": "test source"},
        reports=(report,),
    )


@pytest.fixture
def export(dataset):
    return build_export(dataset, Assumptions(), generated_at=dt.datetime(2025, 1, 2, 3, 4, 5))


def _unescape(text: str) -> str:
    """openpyxl leaves a carriage return as the XML escape Excel and LibreOffice decode."""
    return text.replace("_x000D_", "\r")


def _sheet_rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _by_header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def test_workbook_sheets_frozen_headers_and_filters(export):
    wb = load_workbook(io.BytesIO(export.xlsx()))
    assert wb.sheetnames == [COVER_SHEET, "Україна та області", "Громади", "Припущення", "Якість даних",
                             "Проблеми у файлах"]  # fmt: skip
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=ws.max_column).column_letter}{ws.max_row}"
        assert all(c.font.b for c in ws[1])
    hromadas = wb["Громади"]
    assert hromadas.max_row == 6  # five hromadas and the header
    assert hromadas.column_dimensions["A"].width >= len(H1)


def test_hromada_sheet_types_formats_and_hand_checked_values(dataset):
    # hand-checked against residents + IDPs (the upper-bound base); the default base is checked in metrics
    export = build_export(dataset, UPPER, generated_at=dt.datetime(2025, 1, 2, 3, 4, 5))
    ws = load_workbook(io.BytesIO(export.xlsx()))["Громади"]
    col = _by_header(ws)
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    assert set(rows) == {H1, H2, H3, H4, H5}
    r = rows[H2]

    def cell(header):
        return ws.cell(row=r, column=col[header])

    # codes are text with the text format, never numbers
    for header in ("Код КАТОТТГ", "P-код (COD-AB)"):
        assert cell(header).data_type == "s" and cell(header).number_format == "@"
    assert cell("Назва").value == "Вінницька" and cell("Назва (англ.)").value == "Vinnytska"
    assert cell("Область").value == "Вінницька" and cell("Тип громади").value == "міська"
    # numbers are numbers, with thousands separators, one decimal for ratios, percentages as such
    assert cell("Населення").value == 40_000 and cell("Населення").number_format == "#,##0"
    assert cell("Соціальні працівники").value == 8
    assert cell("Працівників на 10 тис. мешканців").value == pytest.approx(2.0)
    assert cell("Працівників на 10 тис. мешканців").number_format == "#,##0.0"
    assert cell("Частка вакантних посад").value == pytest.approx(1 - 8 / 9)
    assert cell("Частка вакантних посад").number_format == "0.0%"
    assert cell("Вакантні посади").value == 1
    # need: 2.0 per 10,000 x (40,000 + 10,000 IDPs) = 10 positions; 8 in post
    assert cell("Потреба за нормативом, посад").value == pytest.approx(10.0)
    assert cell("Дефіцит посад до нормативу").value == pytest.approx(2.0)
    assert cell("ВПО оцінено").value == "так"
    assert ws.cell(row=rows[H5], column=col["Немає соціального працівника"]).value == "так"
    # no data is a blank cell, never 0
    assert ws.cell(row=rows[H4], column=col["ВПО"]).value is None
    # the WISN (per staff category: this table has no home-care recipients, so the social workers' and the
    # community WISN are no data, and their columns are left out) and priority columns of the planning engine
    specialists = [label(f"social_work_specialist_wisn_{m}", "uk") for m in ("required", "ratio", "shortfall")]
    assert {*specialists, "Місце за пріоритетом"} <= set(col) and "Потреба за WISN, посад" not in col
    ranks = {code: ws.cell(row=i, column=col["Місце за пріоритетом"]).value for code, i in rows.items()}
    assert ranks[H4] is None  # scored on 2 of 4 components: listed apart, not ranked
    assert sorted(r for r in ranks.values() if r is not None) == [1, 2, 3, 4]


def test_gap_columns_have_colour_scales(export):
    ws = load_workbook(io.BytesIO(export.xlsx()))["Громади"]
    col = _by_header(ws)
    letter = ws.cell(row=1, column=col["Дефіцит посад до нормативу"]).column_letter
    ranges = {str(r.sqref): [rule.type for rule in r.rules] for r in ws.conditional_formatting}
    assert ranges[f"{letter}2:{letter}6"] == ["colorScale"]


def test_english_headers_and_labels(dataset):
    wb = load_workbook(io.BytesIO(build_export(dataset, Assumptions(), lang="en").xlsx()))
    assert wb.sheetnames[1:3] == ["Ukraine and oblasts", "Hromadas"]
    ws = wb["Hromadas"]
    col = _by_header(ws)
    assert ws.cell(row=1, column=1).value == "KATOTTG code"
    assert ws.cell(row=3, column=col["Hromada type"]).value == "urban"
    assert ws.cell(row=3, column=col["IDPs estimated"]).value == "yes"


def test_priority_reasons_are_in_the_workbook_language(dataset):
    """The reasons are rendered from the producer's codes in the workbook's language, never English under uk."""
    from exports import gap_table

    uk = gap_table(dataset, Assumptions(), "hromada", "uk").set_index("code")["priority_reasons"]
    en = gap_table(dataset, Assumptions(), "hromada", "en").set_index("code")["priority_reasons"]
    from core.text import reason_text

    assert reason_text("cases_without_worker", {}, "uk") in uk[H5] and "є випадки" in uk[H5]
    assert reason_text("cases_without_worker", {}, "en") in en[H5]
    assert not any("community" in text or "no data" in text for text in uk.dropna())


def test_summary_is_ukraine_then_every_oblast_from_sums(export):
    ws = load_workbook(io.BytesIO(export.xlsx()))["Україна та області"]
    col = _by_header(ws)
    assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == ["UA", O1, "UA07000000000024379"]
    assert ws.cell(row=2, column=col["Назва"]).value == "Україна"
    assert ws.cell(row=2, column=col["Населення"]).value == 105_000
    assert ws.cell(row=3, column=col["Населення"]).value == 80_000
    assert ws.cell(row=2, column=col["Громад без соціального працівника"]).value == 1


def test_cover_names_dataset_dates_boundaries_and_estimates(export):
    cover = load_workbook(io.BytesIO(export.xlsx()))[COVER_SHEET]
    rows = {r[0]: r for r in _sheet_rows(cover) if r[0]}
    assert rows["Dataset"][1] == "test" and rows["Dataset"][2] == "Набір даних"
    assert rows["Reference date: population"][1] == "2022-01-01"
    assert rows["Generated at"][1] == "2025-01-02T03:04:05"
    assert "approximate" in rows["Boundaries"][1] and "наближені" in rows["Boundaries"][3]
    assert rows["Estimated: IDPs"][1].startswith("3 of 5")
    assert "base" in rows["Scenario"][1]
    assert "present population" in rows["Population base of need"][1]  # the default base, named on every cover
    assert rows["Norm"][3].startswith("2 соціальних працівників громади на 10 000 мешканців")
    assert rows["Sheet: Hromadas"][2] == "Аркуш: Громади"


def test_input_text_that_looks_like_a_formula_stays_text(dataset):
    units = dataset.units.copy()
    for code, evil in zip([H1, H2, H3, H4, H5, O1], EVIL):
        units.loc[units["code"] == code, "name_uk"] = evil
    export = build_export(Dataset(title=EVIL[0], units=units, boundaries={}, hromadas=dataset.hromadas), Assumptions())
    wb = load_workbook(io.BytesIO(export.xlsx()))
    ws = wb["Громади"]
    names = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=3) for r in range(2, 7)}
    for code, evil in zip([H1, H2, H3, H4, H5], EVIL):
        cell = names[code]
        assert cell.data_type == "s" and cell.quotePrefix
        assert _unescape(cell.value) == evil
    assert _unescape(wb["Україна та області"]["C3"].value) == EVIL[5]
    assert wb["Україна та області"]["C3"].data_type == "s"
    dataset_cell = [row for row in wb[COVER_SHEET].iter_rows() if row[0].value == "Dataset"][0][1]
    assert dataset_cell.value == EVIL[0] and dataset_cell.data_type == "s"
    assert all(cell.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for cell in row)


def test_codes_are_written_as_text_whatever_they_look_like():
    table = pd.DataFrame({"code": ["00123", "5020030000031457", 5.02003e17], "population": [1.0, 2.0, None]})
    ws = load_workbook(io.BytesIO(write_workbook([Sheet("t", table)], "en")))["t"]
    codes = [ws.cell(row=r, column=1) for r in range(2, 5)]
    assert [c.value for c in codes] == ["00123", "5020030000031457", "502003000000000000"]
    assert all(c.data_type == "s" for c in codes)
    assert ws["B2"].value == 1 and ws["B4"].value is None


def test_unknown_columns_are_written_by_dtype_and_specs_validate():
    table = pd.DataFrame({"x_new_measure": [1.5], "label": ["a"]})
    ws = load_workbook(io.BytesIO(write_workbook([Sheet("t", table)], "uk")))["t"]
    assert ws["A1"].value == "x_new_measure" and ws["A2"].value == 1.5 and ws["B2"].value == "a"
    with pytest.raises(ValueError, match="kind must be one of"):
        ColumnSpec("x", kind="money_bags")
    with pytest.raises(ValueError, match="lang must be 'uk' or 'en', got 'de'"):
        write_workbook([], "de")


def test_every_exported_column_has_a_spec(export):
    for sheet in export.sheets:
        missing = [c.name for c in sheet.specs() if c.name not in COLUMNS]
        assert not missing, f"{sheet.title}: no spec for {missing}"


def test_assumptions_sheet_lists_every_parameter_with_value_unit_and_source():
    assumptions = read_assumptions(DEFAULT_ASSUMPTIONS)
    table = assumptions_table(assumptions)
    by_key = table.set_index("parameter")
    assert by_key.loc["norm.idp_weight", "value"] == 1
    assert by_key.loc["norm.idp_weight", "unit"] == "residents per IDP"
    assert "UNICEF" in by_key.loc["norm.idp_weight", "source"]
    assert by_key.loc["wisn.social_work_specialist.case_types.families_sjo.hours_per_case", "value"] == 24
    assert by_key.loc["wisn.social_work_specialist.case_types.families_sjo.count", "value"] == "stock"
    assert "order 318" in by_key.loc["wisn.social_work_specialist.case_types.families_sjo.duration_months", "source"]
    assert by_key.loc["cost.social_worker", "unit"] == "UAH per position per year"
    assert by_key.loc["norm.social_worker.workers_per_10k", "unit"] == "positions per 10,000 people"
    assert table["value"].notna().all() and table["source"].notna().all()
    assert len(table) == len(set(table["parameter"])) >= 25


def test_assumptions_values_are_numbers_in_the_workbook(export):
    ws = load_workbook(io.BytesIO(export.xlsx()))["Припущення"]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(2, ws.max_row + 1)}
    assert values["wisn.working_days"].value == 260 and values["wisn.working_days"].data_type == "n"
    assert values["wisn.social_work_specialist.additional[1].activity"].data_type == "s"


def test_data_quality_lists_each_file_its_summary_and_its_problems(dataset):
    files, issues = quality_tables(dataset, "en")
    staffing = files.set_index("kind").loc["staffing"]
    assert staffing["file"] == "staffing.xlsx"  # no user's folders in a report
    assert (staffing["rows"], staffing["matched"], staffing["unmatched"]) == (7, 6, 1)
    assert (staffing["errors"], staffing["warnings"], staffing["status"]) == (0, 1, "usable")
    assert staffing["hromadas_with_figure"] == 5
    assert list(issues["row"].dropna()) == [9, 8]
    assert issues["message"].iloc[0] == "totals row skipped (not counted as data)"
    assert f"closest: Агрономічна (Ahronomichna), hromada, {H1}" in issues["message"].iloc[1]


def test_data_quality_names_columns_and_totals_by_label_and_the_files_header(units, hromadas, tmp_path):
    """The workbook's data-quality sheet, as the upload page and ``validate``: a column by its label and
    the user's own header, totals by label, the severity in words; never a field id."""
    from loaders import read_staffing

    path = tmp_path / "s.csv"
    path.write_text(f"Код КАТОТТГ,Соцпрацівники затверджено,Соцпрацівники фактично зайнято\n{H1},3,-1\n", "utf-8")
    _, report = read_staffing(path, units)
    quality = Dataset(title="t", units=units, boundaries={}, hromadas=hromadas, reports=(report,))
    files, issues = quality_tables(quality, "uk")
    (warning,) = issues.to_dict("records")
    filled = label("social_worker_filled", "uk")
    assert warning["column"] == f"{filled} (у файлі: «Соцпрацівники фактично зайнято»)" and warning["row"] == 2
    assert warning["severity"] == "попередження"
    assert files.set_index("file").loc["s.csv", "totals"] == f"{label('social_worker_approved', 'uk')} 3"


def test_data_quality_says_every_kind_of_problem_in_ukrainian(hromadas, tmp_path):
    """The data-quality sheet of a uk workbook, for the return with one of each kind of row problem (the file
    the upload and ``validate`` tests read): every message and closest-unit hint in Ukrainian, no English
    sentence, each with its row; the en workbook says the same in English."""
    from loaders import default_units, validate_file
    from tests.fixtures import EVERY_PROBLEM_STAFFING, english_phrases

    path = tmp_path / "return.csv"
    path.write_text(EVERY_PROBLEM_STAFFING, encoding="utf-8")
    report = validate_file(path, "staffing").report
    quality = Dataset(title="t", units=default_units(), boundaries={}, hromadas=hromadas, reports=(report,))
    sheet = load_workbook(io.BytesIO(build_export(quality, UPPER, lang="uk").xlsx()))[t("sheet_quality", "uk")]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not english_phrases(" | ".join(cells).replace(str(path), "")), english_phrases(" | ".join(cells))
    _, issues = quality_tables(quality, "uk")
    said = dict(zip(issues["row"], issues["message"]))
    assert said[3] == "очікується кількість, отримано відсоток «5%»" and said[12].startswith("рядок підсумків")
    assert said[11].startswith("Небувалівська") and "громада, Вінницька область" in said[11]  # unmatched: hint
    _, english = quality_tables(quality, "en")
    assert dict(zip(english["row"], english["message"]))[3] == "expected a count, got a percentage '5%'"


def test_csv_is_one_table_with_plain_numbers_and_neutralised_formulas(dataset):
    units = dataset.units.copy()
    units.loc[units["code"] == H1, "name_uk"] = EVIL[0]
    export = build_export(Dataset(title="t", units=units, boundaries={}, hromadas=dataset.hromadas), UPPER)
    content = export.csv()
    assert content.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype={"Код КАТОТТГ": str})
    assert len(frame) == 5 and frame.columns[0] == "Код КАТОТТГ"
    row = frame.set_index("Код КАТОТТГ").loc[H2]
    assert row["Населення"] == 40_000 and row["Дефіцит посад до нормативу"] == pytest.approx(2.0)
    assert frame.set_index("Код КАТОТТГ").loc[H1, "Назва"] == "'" + EVIL[0]
    assert pd.isna(frame.set_index("Код КАТОТТГ").loc[H4, "ВПО"])


def test_table_csv_flags_and_languages():
    table = pd.DataFrame({"code": ["UA1"], "idp_estimated": [True], "population": [1234.0]})
    text = table_csv(table, [COLUMNS["code"], COLUMNS["idp_estimated"], COLUMNS["population"]], "en").decode(
        "utf-8-sig"
    )
    assert text.splitlines() == ["KATOTTG code,IDPs estimated,Residents", "UA1,yes,1234"]
    assert is_risky_text("=1") and is_risky_text("\r") and not is_risky_text("1=")


def test_levels_and_summary_line(dataset):
    raions = build_export(dataset, Assumptions(), level="raion", lang="en")
    assert [s.title for s in raions.sheets][:2] == ["Ukraine and oblasts", "Raions"]
    assert raions.summary.startswith("3 raions; Ukraine: 16 community social workers for 105,000 residents")
    oblasts = build_export(dataset, Assumptions(), level="oblast")
    assert oblasts.main.title == "Україна та області" and oblasts.summary.startswith("2 oblasts")
    with pytest.raises(ValueError, match="level must be one of oblast, raion, hromada, got 'settlement'"):
        build_export(dataset, Assumptions(), level="settlement")


def test_funding_plan_sheet_for_a_budget(dataset):
    export = build_export(dataset, Assumptions(), budget=1_000_000, lang="en")
    plan = export.sheets[[s.title for s in export.sheets].index("Funding plan")].table
    assert plan["cost"].sum() <= 1_000_000 and plan["positions"].sum() >= 1
    assert (plan["cumulative_cost"].diff().dropna() > 0).all()
    assert "funding plan:" in export.summary
    assert plan[["hromada_name", "oblast_name", "role"]].notna().all().all()  # a donor can read who gets what
    assert set(plan["role"]) <= {"Social work specialist", "Social worker", "Psychologist"}
    cover = {r[0]: r[1] for r in export.cover.rows}
    assert cover["Budget of the programme, UAH"] == 1_000_000
    with pytest.raises(ValueError, match="budget must be a number of UAH >= 0, got -1"):
        build_export(dataset, Assumptions(), budget=-1.0)


def test_app_table_download_is_the_filtered_table_with_a_cover_saying_what_is_shown(dataset):
    from layouts import download_bytes, prepare

    data = prepare(dataset, Assumptions())
    number_filter = {"population": {"filterType": "number", "type": "greaterThan", "filter": 15000}}
    content = download_bytes(data, "hromada", "gap_fte", None, "en", number_filter, [("code", "asc")])
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Table", COVER_SHEET]
    table = wb["Table"]
    assert [table.cell(row=r, column=1).value for r in range(2, table.max_row + 1)] == [H2, H3, H4]
    assert table.freeze_panes == "A2" and table.auto_filter.ref == f"A1:O{table.max_row}"  # O: data coverage
    assert table["K1"].value == "Workers per 10,000 residents" and table["K2"].number_format == "#,##0.0"
    cover = {r[0]: r for r in _sheet_rows(wb[COVER_SHEET]) if r[0]}
    assert cover["Filter"][1] == "Residents > 15,000" and cover["Rows"][1] == 3
    assert cover["Filter"][3].replace("\u00a0", " ") == "Населення > 15 000"
    assert cover["Level"][1] == "Hromadas" and cover["Level"][3] == "Громади"


def test_the_plan_workbook_writes_a_safe_table(dataset):
    """The one plan writer keeps text from files as text: a hostile hromada name never becomes a formula."""
    from exports import plan_workbook

    table = pd.DataFrame({"code": [H1], "hromada_name": [EVIL[0]], "positions": [3], "cost": [480_000.0]})
    content = plan_workbook(table, (("Budget", 1.0, "Бюджет", 1.0),), dataset, "en")
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Funding plan"]
    assert [c.value for c in ws[1]][:2] == ["KATOTTG code", "Hromada"]
    assert ws["A2"].data_type == "s" and ws["B2"].value == EVIL[0] and ws["B2"].data_type == "s"
    assert ws["C2"].value == 3 and ws.freeze_panes == "A2"
