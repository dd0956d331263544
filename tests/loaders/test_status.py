"""Territorial status tables: by code, by names only, and bad input reported with its row."""

from __future__ import annotations

import pytest

from core.text import source_text
from loaders import load_demo
from loaders.status import read_status
from tests.fixtures import H1, H2, H3, H4, H5, R1, REALDATA


def _write(tmp_path, text: str, name: str = "status.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_codes_with_ukrainian_and_english_statuses(tmp_path, units):
    path = _write(
        tmp_path,
        "Код КАТОТТГ,Статус,Дата\n"
        f"{H1},тимчасово окупована,2023-01-01\n"
        f"{H2},можливі бойові дії,\n"
        f"{H3},deoccupied,2023-01-01\n",
    )
    frame, report = read_status(path, units, reference_date="2022-12-22", source="order 309")
    assert report.ok, report.issues
    got = frame.set_index("code")
    assert got.loc[H1, "status"] == "occupied" and got.loc[H1, "reference_date"] == "2023-01-01"
    assert got.loc[H2, "status"] == "hostilities" and got.loc[H2, "detail"] == "possible"
    assert got.loc[H2, "reference_date"] == "2022-12-22"  # the list's date where the row gives none
    assert got.loc[H3, "status"] == "deoccupied" and set(got["source"]) == {"order 309"}
    assert report.totals == {"occupied": 1.0, "hostilities": 1.0, "deoccupied": 1.0, "none": 0.0}


def test_names_only_with_oblast_and_raion_rows(tmp_path, units):
    # a whole oblast, a raion, then one hromada of that raion overriding it
    path = _write(
        tmp_path,
        "Область,Район,Громада,Статус\n"
        "Волинська,,,occupied\n"
        "Вінницька,Вінницький,,hostilities\n"
        "Вінницька,Вінницький,Агрономічна,none\n",
    )
    frame, report = read_status(path, units, reference_date="2022-12-22")
    assert report.ok, report.issues
    got = frame.set_index("code")["status"].to_dict()
    assert got == {H4: "occupied", H5: "occupied", H2: "hostilities", H1: "none"}
    assert frame.set_index("code").loc[H4, "given_as"] == "oblast"
    assert H3 not in got  # another raion of the oblast: not on the list


@pytest.mark.parametrize(
    ("body", "row", "words"),
    [
        (f"{H1},occupied\n{H2},partly free\n", 3, "unknown status 'partly free'"),
        (f"{H1},occupied\n{H1},deoccupied\n", 3, "second row"),
        (f"{H1},occupied\nUA05020990000099999,occupied\n", 3, "matches no unit"),
        (f"{H1},\n", 2, "no status given"),
    ],
)
def test_bad_rows_are_errors_naming_the_row(tmp_path, units, body, row, words):
    frame, report = read_status(_write(tmp_path, "code,status\n" + body), units)
    assert not report.ok and frame.empty
    error = report.errors[0]
    assert error.row == row and words in error.message, report.errors


def test_missing_status_column_and_undated_list(tmp_path, units):
    _, report = read_status(_write(tmp_path, f"code,name\n{H1},x\n"), units)
    assert not report.ok and "status" in report.errors[0].message
    frame, report = read_status(_write(tmp_path, f"code,status\n{R1},occupied\n"), units)
    assert report.ok and set(frame["code"]) == {H1, H2}
    assert any("reference date" in w.message for w in report.warnings)


def test_demo_status_is_the_dated_official_list():
    demo = load_demo()
    status = demo.hromadas.set_index("code")["territorial_status"]
    assert demo.reference_dates["status"] == "2022-10-10" and "order 309" in source_text(demo.sources["status"], "en")
    assert status["UA80000000000093317"] == "none"  # Kyiv city: not on the list
    assert set(status.unique()) == {"occupied", "hostilities", "deoccupied", "none"}
    crimea = status[status.index.str.startswith("UA01")]
    assert len(crimea) > 0 and (crimea == "occupied").all()  # the oblast row covers every Crimean unit
    assert (demo.hromadas["territorial_status"] == "hostilities").sum() == 113


def test_demo_status_agrees_with_the_shared_list():
    source = REALDATA / "status" / "minregion-war-status.csv"
    if not source.exists():
        pytest.skip(f"realdata not available ({source})")
    demo = load_demo()
    frame, report = read_status(source, demo.units, reference_date="2022-10-10")
    assert report.ok and len(frame) == 1469
    ours = demo.hromadas.set_index("code")["territorial_status"]
    assert (ours[frame["code"]].to_numpy() == frame["status"].to_numpy()).all()
    assert (frame["status"] == "occupied").sum() == 167
