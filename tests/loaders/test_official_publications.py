"""Official tables as they are published (issue 12): hand-made files in the shapes of the real ones.

- the State Statistics hierarchical publication: a title sheet, then sheets for groups of oblasts read
  together, an unheaded name column, a number column headed "Осіб / Persons", a row of column numbers,
  oblast -> raion -> hromada rows by name only with subtotals;
- a form with a merged header and a column-number row (1 2 3 ... 7);
- the State Statistics cell conventions: "–" none, "…" / "н/д" / "n/a" not available, "х" not applicable.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import Workbook

from cli import validate as validate_cli
from loaders import read_figures, validate_file
from tests.fixtures.ingest import H1, H2, H3, H4, H5, H6, H7, H8, atlas_units, write_csv, write_xlsx

TITLE = [
    ["Державна служба статистики України"],
    ["Чисельність наявного населення України на 1 січня 2022 року"],
    ["Number of Present Population of Ukraine as of January 1, 2022"],
]
HEAD = [
    ["Чисельність наявного населення за окремими територіями на 1 січня 2022 року", None],
    ["Number of present population by individual territories as of 1 January 2022", None],
    [None, None],
    [None, "Осіб / Persons"],
    ["А", 1],
]
SHEET_1 = [
    ["Вінницька область", 100_000],
    ["Вінницький район", 50_000],
    ["Агрономічна сільська територіальна громада", 10_000],
    ["Вінницька міська територіальна громада", 40_000],
    ["Гайсинський район", 50_000],
    ["Гайсинська міська територіальна громада", 30_000],
    ["Березівська сільська територіальна громада", 20_000],
]
SHEET_2 = [
    ["Волинська область", 50_000],
    ["Володимирський район", 50_000],
    ["Березівська сільська територіальна громада", 20_000],
    ["Володимир-Волинська міська територіальна громада", 5_000],
    ["Миколаївська міська територіальна громада", 10_000],
    ["Миколаївська сільська територіальна громада", 15_000],
]


def write_publication(path, sheets: dict[str, list[list]]):
    wb = Workbook()
    wb.active.title = "Титул"
    for row in TITLE:
        wb.active.append(row)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in [*HEAD, *rows]:
            ws.append(row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return atlas_units()


def test_the_hierarchical_publication_is_read_with_no_options(tmp_path, units):
    path = write_publication(tmp_path / "pop2022.xlsx", {"1": SHEET_1, "2": SHEET_2})
    frame, report = read_figures(path, "population", units)
    assert report.ok, report.errors
    assert dict(zip(frame["code"], frame["population"])) == {
        H1: 10_000, H2: 40_000, H3: 30_000, H6: 20_000, H4: 20_000, H5: 5_000, H7: 10_000, H8: 15_000,
    }  # fmt: skip
    assert set(frame["level"]) == {"hromada"} and report.totals == {"population": 150_000}
    assert report.sheet == "1, 2" and report.rows == 13 and report.matched == 13
    warnings = [(w.sheet, w.row, w.message) for w in report.warnings]
    assert warnings == [
        (None, 5, "a row of column numbers under the header (1, 2, 3 ...) was skipped"),
        ("2", 9, f"'Володимир-Волинська' is the former name of hromada 'Володимирська' ({H5}); read as today's"),
    ]
    assert report.warnings[1].to_dict()["sheet"] == "2"


def test_subtotals_that_do_not_add_up_are_named_with_their_sheet(tmp_path, units):
    wrong = [list(r) for r in SHEET_2]
    wrong[0][1] = 49_000
    frame, report = read_figures(
        write_publication(tmp_path / "p.xlsx", {"1": SHEET_1, "2": wrong}), "population", units
    )
    assert report.totals == {"population": 150_000}
    (subtotal,) = [w for w in report.warnings if "gives Residents" in w.message]
    assert (subtotal.sheet, subtotal.row) == ("2", 6)
    assert subtotal.message == (
        "oblast row Волинська gives Residents 49,000, but its 4 hromada rows sum to 50,000; the hromada rows are used"
    )


def test_yearly_sheets_of_one_table_are_not_read_together(tmp_path, units):
    path = write_publication(tmp_path / "years.xlsx", {"2021": SHEET_1, "2022": SHEET_1})
    frame, report = read_figures(path, "population", units)
    assert report.sheet == "2021" and report.totals == {"population": 100_000}


def test_validate_command_on_the_publication_and_with_overrides(tmp_path, units, capsys):
    write_publication(tmp_path / "pop2022.xlsx", {"1": SHEET_1, "2": SHEET_2})
    units.to_csv(tmp_path / "units.csv", index=False)
    manifest = tmp_path / "m.toml"
    manifest.write_text('units = "units.csv"\n[tables.population]\npath = "pop2022.xlsx"\n', encoding="utf-8")
    assert validate_cli.main(["--data", str(manifest), "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert entry["sheet"] == "1, 2" and entry["totals"] == {"population": 150_000}
    # the same file told where to look: one sheet, the header row, the columns by letter and by header text
    args = ["--data", str(manifest), "--sheet", "population=3", "--header-row", "population=4"]
    args += ["--columns", "population:name=A", "--columns", "population:population=Осіб / Persons", "--json"]
    assert validate_cli.main(args) == 0
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert entry["sheet"] == "2" and entry["rows"] == 6 and entry["totals"] == {"population": 50_000}


def test_validate_overrides_need_a_kind_with_several_tables(tmp_path, capsys):
    pop = write_csv(tmp_path / "p.csv", [["Код", "Населення"], [H1, 1]])
    idp = write_csv(tmp_path / "i.csv", [["Код", "ВПО"], [H1, 1]])
    status = validate_cli.main(["--population", str(pop), "--idp", str(idp), "--header-row", "1"])
    assert status == 2
    assert "--header-row '1': say which table" in capsys.readouterr().err
    assert validate_cli.main(["--population", str(pop), "--idp", str(idp), "--header-row", "idp=1"]) == 0


# --------------------------------------------------------------------------- column numbers
def test_a_form_with_a_merged_header_and_a_row_of_column_numbers(tmp_path, units):
    rows = [
        ["Штатна чисельність працівників соціальної сфери громад", None, None, None, None, None, None],
        ["Код КАТОТТГ", "Громада", "Фахівці із соціальної роботи", None, "Соціальні працівники", None, "Примітка"],
        [None, None, "затверджено", "зайнято", "затверджено", "зайнято", None],
        [1, 2, 3, 4, 5, 6, 7],
        [H1, "Агрономічна", 2, 1, 1, 1, None],
        [H2, "Вінницька", 6, 5, 3, 3, None],
    ]
    merges = ("C2:D2", "E2:F2", "A2:A3", "B2:B3", "G2:G3")
    frame, report = read_figures(write_xlsx(tmp_path / "form.xlsx", rows, merges=merges), "staffing", units)
    assert report.ok and report.rows == 2
    assert dict(zip(frame["code"], frame["social_work_specialist_filled"])) == {H1: 1, H2: 5}
    assert dict(zip(frame["code"], frame["social_worker_approved"])) == {H1: 1, H2: 3}
    assert [(w.row, w.message) for w in report.warnings] == [
        (4, "a row of column numbers under the header (1, 2, 3 ...) was skipped")
    ]


# --------------------------------------------------------------------------- cell conventions
CONVENTIONS = [
    ["Код", "Громада", "Посада", "Затверджено", "Зайнято"],
    [H1, "Агрономічна", "Фахівець із соціальної роботи", 2, 1],
    [H1, "Агрономічна", "Соціальний працівник", 1, "н/д"],
    [H2, "Вінницька", "Фахівець із соціальної роботи", 6, "–"],
    [H2, "Вінницька", "Соціальний працівник", "х", "х"],
    [H3, "Гайсинська", "Фахівець із соціальної роботи", "…", "n/a"],
]


def test_state_statistics_signs_in_number_cells(tmp_path, units):
    frame, report = read_figures(write_csv(tmp_path / "s.csv", CONVENTIONS), "staffing", units)
    assert report.ok
    got = frame.set_index("code")
    assert got.loc[H1, "social_work_specialist_filled"] == 1
    assert pd.isna(got.loc[H1, "social_worker_filled"])  # н/д: not available, not 0
    assert got.loc[H2, "social_work_specialist_filled"] == 0  # –: none
    assert got.loc[H2, "social_worker_filled"] == 0 and got.loc[H2, "social_worker_approved"] == 0  # х: n/a
    assert pd.isna(got.loc[H3, "social_work_specialist_approved"]) and pd.isna(
        got.loc[H3, "social_work_specialist_filled"]
    )
    assert [w.message for w in report.warnings] == [
        f"Social worker: filled positions not available ('н/д') for 1 unit(s): Агрономічна ({H1}, row 3); "
        "any sum that includes them is unknown, never counted as 0",
        f"Social work specialist: approved positions not available ('…') for 1 unit(s): Гайсинська ({H3}, row 6); "
        "any sum that includes them is unknown, never counted as 0",
        f"Social work specialist: filled positions not available ('n/a') for 1 unit(s): Гайсинська ({H3}, row 6); "
        "any sum that includes them is unknown, never counted as 0",
    ]


def test_conventions_are_overridable_per_file(tmp_path, units):
    path = write_csv(tmp_path / "p.csv", [["Код", "Населення"], [H1, "-"], [H2, "–"], [H3, 7]])
    frame, _ = read_figures(path, "population", units)
    assert dict(zip(frame["code"], frame["population"])) == {H1: 0, H2: 0, H3: 7}
    frame, report = read_figures(path, "population", units, cells={"–": "unknown"})
    assert frame["population"].isna().tolist() == [True, True, False]
    assert report.warnings[0].message.startswith("Residents not available ('-', '–') for 2 unit(s)")
    _, bad = read_figures(path, "population", units, cells={"–": "nothing"})
    assert bad.errors[0].message == (
        "cell convention '–' = 'nothing': the meaning must be one of zero, unknown, not_applicable"
    )
    report = validate_file(path, "population", units, cells={"-": "unknown"})
    assert report.totals == {"population": 7}


def test_a_settlement_sum_with_an_unknown_part_is_unknown(tmp_path, units):
    rows = [["Код", "Населення"], [H1[:12] + "0000001", 100], [H1[:12] + "0000002", "н/д"], [H2, 5]]
    frame, report = read_figures(write_csv(tmp_path / "s.csv", rows), "population", units)
    pop = dict(zip(frame["code"], frame["population"]))
    assert pd.isna(pop[H1]) and pop[H2] == 5
    assert any("not available ('н/д') for 1 unit(s): Агрономічна" in w.message for w in report.warnings)
