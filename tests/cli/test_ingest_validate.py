"""The validation report, the `validate` command, manifests, levels and going down a level."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from cli import validate as validate_cli
from core.text import issue_text, label
from loaders import (
    FileReport,
    disaggregate,
    load_dataset,
    read_manifest,
    roll_up,
    validate_file,
    validate_files,
)
from tests.fixtures import EVERY_PROBLEM_STAFFING, english_phrases
from tests.fixtures.ingest import (
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    H7,
    H8,
    KYIV,
    O1,
    POPULATION,
    atlas_units,
    write_csv,
    write_xlsx,
)

FILE_KEYS = ["kind", "path", "sheet", "level", "rows", "matched", "unmatched", "errors", "warnings", "totals"]


@pytest.fixture
def units():
    return atlas_units()


@pytest.fixture
def dataset_dir(tmp_path, units):
    """A dataset folder: units, hromada boxes, population by hromada, IDPs by oblast, caseload by raion."""
    units.to_csv(tmp_path / "units.csv", index=False)
    hromadas = units[units["level"] == "hromada"].reset_index(drop=True)
    gpd.GeoDataFrame(
        {"ADM3_PCODE": hromadas["pcode"]}, geometry=[box(i, 0, i + 1, 1) for i in range(len(hromadas))], crs=4326
    ).to_file(tmp_path / "adm3.geojson")
    write_csv(tmp_path / "population.csv", [["Код КАТОТТГ", "Населення"], *[[c, p] for c, p in POPULATION.items()]])
    write_xlsx(
        tmp_path / "idp.xlsx",
        [
            ["Оцінки IOM"],
            ["Область", "ВПО"],
            ["Вінницька область", 1_000],
            ["Волинська область", 600],
            ["м. Київ", 370_000],
        ],
    )
    write_xlsx(tmp_path / "caseload.xlsx", [["Район", "Відкриті випадки"], ["Вінницький", 10], ["Гайсинський", 20]])
    (tmp_path / "dataset.toml").write_text(
        """title = "Тест"
units = "units.csv"

[boundaries.hromada]
path = "adm3.geojson"
simplify = 0

[tables]
population = "population.csv"

[tables.idp]
path = "idp.xlsx"
sheet = "Дані"
reference_date = "2025-04-30"
source = "IOM DTM (test)"

[tables.caseload]
path = "caseload.xlsx"
disaggregate = "none"
""",
        encoding="utf-8",
    )
    return tmp_path


def test_dataset_splits_oblast_figures_pro_rata_and_flags_them(dataset_dir):
    ds = load_dataset(dataset_dir / "dataset.toml")
    h = ds.hromadas.set_index("code")
    idp = h["idp"].round(6).to_dict()
    assert idp == {H1: 100, H2: 400, H3: 300, H6: 200, H4: 240, H5: 60, H7: 120, H8: 180, KYIV: 370_000}
    assert h["idp_estimated"].all() and not h["population_estimated"].any()
    assert h["open_cases"].isna().all() and not h["caseload_estimated"].any()  # rule "none": no data, not 0
    assert ds.levels == {"population": "hromada", "idp": "oblast", "caseload": "raion"}
    assert ds.figures["idp"]["level"].tolist() == ["oblast", "oblast", "oblast"]  # the figures as the file gave them
    assert ds.reference_dates == {"idp": "2025-04-30"} and ds.sources == {"idp": "IOM DTM (test)"}
    idp_report = next(r for r in ds.reports if r.kind == "idp")
    assert (
        idp_report.warnings[-1].message == "3 oblast figure(s) split to 9 hromadas pro rata to population (estimated)"
    )
    caseload = next(r for r in ds.reports if r.kind == "caseload")
    assert caseload.warnings[-1].message == (
        "2 figure(s) above hromada level not split (rule 'none'): those hromadas show no data"
    )
    assert list(ds.boundaries["hromada"]["code"])[-1] == KYIV


def test_roll_up_and_disaggregate_are_pure(units):
    hromadas = pd.DataFrame({"code": list(POPULATION), "population": list(POPULATION.values())})
    before = hromadas.copy()
    up = roll_up(hromadas, units, "oblast", ["population"]).set_index("code")["population"]
    assert up[O1] == 100_000 and up[KYIV] == 3_000_000
    pd.testing.assert_frame_equal(hromadas, before)
    figures = pd.DataFrame({"code": [O1], "level": ["oblast"], "idp": [50.0]})
    split, notes = disaggregate(figures, units, ["idp"], pd.Series({H1: 1.0, H2: 3.0, H3: np.nan}))
    assert split.set_index("code")["idp"].to_dict() == pytest.approx(
        {H1: 12.5, H2: 37.5, H3: np.nan, H6: np.nan}, nan_ok=True
    )
    assert [issue_text(n, "en") for n in notes] == [
        "1 oblast figure(s) split to 4 hromadas pro rata to population (estimated)"
    ]
    with pytest.raises(ValueError, match="rule must be one of population, none, got 'area'"):
        disaggregate(figures, units, ["idp"], None, "area")


def test_validate_file_returns_the_json_entry_and_the_frame(dataset_dir, units):
    report = validate_file(dataset_dir / "idp.xlsx", "idp", units)
    assert isinstance(report, FileReport) and report.ok
    entry = report.to_dict()
    assert list(entry) == FILE_KEYS
    assert entry["sheet"] == "Дані" and entry["level"] == "oblast" and entry["rows"] == 3 and entry["matched"] == 3
    assert entry["totals"] == {"idp": 371_600}
    assert report.frame["code"].tolist() == [O1, "UA07000000000024379", KYIV]
    json.dumps(entry)  # plain JSON types only


def test_a_file_with_errors_gives_no_frame(tmp_path, units):
    path = write_csv(tmp_path / "p.csv", [["Код", "Населення"], [H1, "багато"]])
    report = validate_file(path, "population", units)
    assert not report.ok and report.frame is None
    assert report.to_dict()["errors"] == [
        {
            "row": 2,
            "column": "population",
            "code": "not_a_number",
            "params": {"value": "багато"},
            "message": "expected a number, got 'багато'",
            "header": "Населення",
        }
    ]
    missing = validate_file(tmp_path / "nope.csv", "population", units)
    assert missing.errors[0].message.startswith("file not found")


def test_idps_above_three_times_the_population_and_units_without_polygons(tmp_path, units):
    pop = write_csv(tmp_path / "p.csv", [["Код", "Населення"], [H1, 10_000], [H2, 40_000]])
    idp = write_csv(tmp_path / "i.csv", [["Код", "ВПО"], [H1, 40_000], [H2, 10]])
    bounds = tmp_path / "b.geojson"
    gpd.GeoDataFrame({"ADM3_PCODE": ["UA0502003"]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_file(bounds)
    ok, reports = validate_files(boundaries=[bounds], tables={"population": pop, "idp": idp}, units=units)
    assert ok and [r.kind for r in reports] == ["boundaries", "population", "idp"]
    assert [(w.row, w.message) for w in reports[2].warnings] == [
        (2, f"{H1} has no polygon in the boundary files"),
        (2, f"IDPs 40,000 are more than three times the population 10,000 of {H1}"),
    ]


def _run(capsys, *argv):
    status = validate_cli.main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_cli_json_shape_and_exit_status(capsys, dataset_dir):
    status, out, _ = _run(capsys, "--data", str(dataset_dir / "dataset.toml"), "--json")
    payload = json.loads(out)
    assert status == 0 and payload["ok"] is True and list(payload) == ["ok", "files"]
    assert [f["kind"] for f in payload["files"]] == ["boundaries", "population", "idp", "caseload"]
    assert all(list(f) == FILE_KEYS for f in payload["files"])
    pop = payload["files"][1]
    assert pop["totals"] == {"population": 3_150_000} and pop["level"] == "hromada" and pop["unmatched"] == []


def test_cli_errors_exit_1_with_unmatched_rows_and_suggestions(capsys, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [["Громада", "Область", "Населення"], ["Агрономічнa", "Вінницька", 5], ["Вінницкая", "Житомирська", 7]],
    )
    status, out, _ = _run(capsys, "--population", str(path), "--json", "--lang", "en")
    assert status == 1
    entry = json.loads(out)["files"][0]
    assert entry["matched"] == 1 and entry["totals"] == {"population": 5}  # a Latin 'a' in a Cyrillic name is fine
    (unmatched,) = entry["unmatched"]
    assert unmatched["row"] == 3 and unmatched["value"] == "Житомирська / Вінницкая"
    # not in Житомирська: never matched elsewhere; suggestions from Житомирська, the error says where it is
    assert all("Житомирська oblast" in s for s in unmatched["suggestions"])
    assert entry["errors"][0]["row"] == 3 and entry["errors"][0]["column"] == "hromada"
    assert entry["errors"][0]["message"] == (
        "'Вінницкая' matches no hromada in its oblast/raion (a unit of that name exists elsewhere: "
        "Вінницька (Vinnytska), hromada in Вінницька oblast, UA05020030000031457; not used, the row gives "
        "another oblast/raion)"
    )


def test_cli_text_report(capsys, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Код", "Населення"], [H1, 10], [None, "Всього"], [None, 10]])
    status, out, _ = _run(capsys, "--population", str(path), "--lang", "en")
    assert status == 1
    assert "population " + str(path) + ": NOT USABLE" in out
    assert (
        "  error: row 4, column KATOTTG code (in the file: 'Код'): empty code; expected a KATOTTG code or COD-AB "
        "P-code, or a name"
    ) in out
    assert out.rstrip().endswith("NOT OK: 0 of 1 file(s) usable")


def test_cli_text_report_in_ukrainian_names_each_column_by_its_label_and_the_files_header(capsys, tmp_path):
    """Under uk (the default) the report names a column as the user knows it, never by a field id: the
    label, and the header of the user's own file where it differs; totals by their label too."""
    staff = write_csv(
        tmp_path / "s.csv",
        [["Код КАТОТТГ", "Соціальні працівники затверджено", "Соцпрацівники фактично зайнято"],
         [H1, 3, -1], [H2, 2, "5%"]],
    )  # fmt: skip
    status, out, _ = _run(capsys, "--staffing", str(staff))
    assert status == 1
    filled = label("social_worker_filled", "uk")
    assert f"помилка: рядок 3, стовпець {filled} (у файлі: «Соцпрацівники фактично зайнято»)" in out, out
    assert f"попередження: рядок 2, стовпець {filled} (у файлі: «Соцпрацівники фактично зайнято»)" in out
    assert f"підсумки: {label('social_worker_approved', 'uk')} 5" in out
    assert "штат " + str(staff) + ": НЕПРИДАТНИЙ" in out and "придатних файлів 0 з 1" in out
    assert not re.search(r"\b(social_worker_\w+|population|code)\b", out.replace(str(staff), "")), out
    # the JSON keeps the field id (for programs) beside the file's header
    status, out, _ = _run(capsys, "--staffing", str(staff), "--json")
    (error,) = json.loads(out)["files"][0]["errors"]
    assert error["column"] == "social_worker_filled" and error["header"] == "Соцпрацівники фактично зайнято"


def test_cli_says_every_kind_of_problem_in_ukrainian_and_json_gives_codes_and_params(capsys, tmp_path):
    """``validate --lang uk`` on a return with one of each kind of row problem (the file the upload test
    sends): each line names its row (and column) and says the problem in Ukrainian, no English sentence;
    ``--json`` gives each problem's code and parameters beside the words."""
    path = tmp_path / "return.csv"
    path.write_text(EVERY_PROBLEM_STAFFING, encoding="utf-8")
    status, out, _ = _run(capsys, "--staffing", str(path), "--lang", "uk")
    assert status == 1
    assert not english_phrases(out.replace(str(path), "")), english_phrases(out)
    filled = "Зайнято посад (у файлі: «Фактично зайнято»)"
    assert f"помилка: рядок 3, стовпець {filled}: очікується кількість, отримано відсоток «5%»" in out, out
    assert "помилка: рядок 5, стовпець Код КАТОТТГ: код UA0502099 не відповідає жодній одиниці кодифікатора" in out
    assert "попередження: рядок 12: рядок підсумків пропущено (не враховано як дані)" in out
    assert "не зіставлено рядок 11: 'Небувалівська' (найближчі: " in out
    status, out, _ = _run(capsys, "--staffing", str(path), "--json", "--lang", "uk")
    entry = json.loads(out)["files"][0]
    errors = {e["row"]: e for e in entry["errors"]}
    assert errors[3]["code"] == "percentage_for_count" and errors[3]["params"] == {"value": "5%"}
    assert errors[3]["column"] == "filled" and errors[3]["header"] == "Фактично зайнято"
    assert errors[3]["message"] == "очікується кількість, отримано відсоток «5%»"
    assert errors[8]["code"] == "unknown_role" and errors[8]["params"]["value"] == "Космонавт"
    assert all(", громада, Вінницька область, UA" in s for u in entry["unmatched"] for s in u["suggestions"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "nothing to validate"),
        (["--population", "nope.csv"], "--population: file not found: nope.csv"),
        (["--sheet", "population"], "nothing to validate"),
        (["--data", "nope.toml"], "--data: manifest not found"),
    ],
)
def test_cli_bad_arguments_exit_2(capsys, argv, message):
    status, _, err = _run(capsys, *argv)
    assert status == 2 and message in err


def test_cli_sheet_option(capsys, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [["Код", "Населення"], [H1, 1]], sheet="2024", extra={"2023": [["x"]]})
    status, out, _ = _run(capsys, "--population", str(path), "--sheet", "population=2023", "--json", "--lang", "en")
    assert status == 1 and "no header row" in out
    status, out, _ = _run(capsys, "--population", str(path), "--sheet", "population=2", "--json")
    assert status == 0 and json.loads(out)["files"][0]["sheet"] == "2024"


def test_app_subcommand_wiring():
    """How app.py adds the command: `validate.add_parser(commands)`; argparse errors exit 2."""
    import argparse

    parser = argparse.ArgumentParser(prog="app.py")
    commands = parser.add_subparsers(dest="command")
    validate_cli.add_parser(commands)
    args = parser.parse_args(["validate", "--boundaries", "a.geojson", "b.geojson", "--idp", "i.xlsx", "--json"])
    assert args.func is validate_cli.run_validate
    assert [str(p) for p in args.boundaries] == ["a.geojson", "b.geojson"] and args.json
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["validate", "--bogus"])
    assert info.value.code == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title = "x"\nfiles = 1\n', "unknown key"),
        ('[tables]\npeople = "p.csv"\n', "unknown table kind 'people'"),
        ('[tables.idp]\npath = "i.csv"\ndisaggregate = "area"\n', "tables.idp.disaggregate must be one of"),
        ('[tables.idp]\npath = "i.csv"\nsheeet = "x"\n', r"unknown option\(s\) sheeet for 'idp'"),
        ('[boundaries]\ndistrict = "b.geojson"\n', "must be one of oblast, raion, hromada, settlement"),
        ('[tables.idp]\nsheet = "x"\n', "'idp' needs a 'path'"),
    ],
)
def test_manifest_errors_name_the_key(tmp_path, text, message):
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_manifest(path)


def test_cli_says_a_manifest_error_in_the_users_language(capsys, tmp_path):
    """A manifest's mistake is said by code: in Ukrainian under ``--lang uk`` (the default), in English under en."""
    path = tmp_path / "m.toml"
    path.write_text('[tables.idp]\npath = "i.csv"\ndisaggregate = "area"\n', encoding="utf-8")
    status, _, err = _run(capsys, "--data", str(path))
    assert status == 2 and "m.toml: tables.idp.disaggregate має бути одним із: population, none, отримано 'area'" in err
    status, _, err = _run(capsys, "--data", str(path), "--lang", "en")
    assert status == 2 and "tables.idp.disaggregate must be one of population, none, got 'area'" in err


def test_manifest_defaults_to_the_codifier_units(tmp_path):
    write_csv(tmp_path / "p.csv", [["Код", "Населення"], [H1, 5]])
    (tmp_path / "m.toml").write_text('[tables]\npopulation = "p.csv"\n', encoding="utf-8")
    ds = load_dataset(tmp_path / "m.toml")
    assert len(ds.units) > 1_900  # every oblast, raion and hromada of the codifier
    assert ds.hromadas.set_index("code").loc[H1, "population"] == 5
    assert ds.title == "m"


def test_demo_manifest_keeps_its_shape(demo):
    from loaders import HROMADA_COLUMNS

    ds = demo
    assert tuple(ds.hromadas.columns) == HROMADA_COLUMNS
    assert ds.levels == {"population": "hromada", "idp": "hromada", "staffing": "hromada", "caseload": "hromada"}
    assert all(r.ok for r in ds.reports)


def test_the_readme_manifest_options(tmp_path):
    """Sheet by number, a column by letter and by header text, a header row, a KOATUU code mapped by hand."""
    write_xlsx(
        tmp_path / "staffing-2025.xlsx",
        [
            ["Міністерство соціальної політики"],
            ["Штатна чисельність працівників громад"],
            ["станом на 01.01.2025"],
            [None],
            ["№", "Ідентифікатор", "Посада", "Затверджено", "Фактично працює (осіб)"],
            [1, "8000000000", "Соціальний працівник", 400, 380],
            [2, H1, "Психолог", 1, 1],
        ],
        sheet="Штат 2025",
        extra={"Зміст": [["Аркуш 2: штат"]]},
    )
    (tmp_path / "m.toml").write_text(
        """[tables.staffing]
path = "staffing-2025.xlsx"
sheet = 2
columns = { filled = "Фактично працює (осіб)", code = "B" }
codes = { "8000000000" = "UA80000000000093317" }
header_row = 5
""",
        encoding="utf-8",
    )
    ds = load_dataset(tmp_path / "m.toml")
    h = ds.hromadas.set_index("code")
    assert (h.loc[KYIV, "social_worker_approved"], h.loc[KYIV, "social_worker_filled"]) == (400, 380)
    assert h.loc[H1, "psychologist_filled"] == 1


def test_apostrophes_and_latin_spellings_against_the_codifier():
    from loaders import UnitIndex, default_units

    index = UnitIndex(default_units())
    found = set()
    for name in (
        "Кам’янець-Подільська",
        "Кам'янець-Подільська",
        "Камʼянець-Подільська міська ТГ",
        "Кам`янець Подільська",
        "Kamianets-Podilska urban TC",
        "Kam'yanets-Podilska",
    ):
        m = index.match_name(name, ("hromada",))
        assert m.ok, (name, m.problem)
        found.add(index.code[m.units[0]])
    assert len(found) == 1
