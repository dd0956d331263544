"""Code and name disagree (issue 12): errors that name both units, unless the name is another spelling."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders import default_units, read_figures
from tests.fixtures.ingest import H2, H3, KYIV, atlas_units, write_csv, write_xlsx

KYIV_OBLAST = "UA32000000000030281"


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return atlas_units()


def test_two_units_codes_swapped_is_an_error_naming_both(tmp_path, units):
    path = write_csv(tmp_path / "p.csv", [["Код", "Громада", "Населення"], [H2, "Гайсинська", 2], [H3, "Вінницька", 3]])
    frame, report = read_figures(path, "population", units)
    assert frame.empty
    assert [(e.row, e.message) for e in report.errors][:2] == [
        (
            2,
            f"code {H2} is Вінницька (Vinnytska), hromada in Вінницька oblast, {H2}, but the name 'Гайсинська' is "
            f"Гайсинська (Haisynska), hromada in Вінницька oblast, {H3}; correct the code or the name",
        ),
        (
            3,
            f"code {H3} is Гайсинська (Haisynska), hromada in Вінницька oblast, {H3}, but the name 'Вінницька' is "
            f"Вінницька (Vinnytska), hromada in Вінницька oblast, {H2}; correct the code or the name",
        ),
    ]
    assert report.unmatched[0].suggested("en") == (
        f"Вінницька (Vinnytska), hromada in Вінницька oblast, {H2}",
        f"Гайсинська (Haisynska), hromada in Вінницька oblast, {H3}",
    )


def test_iom_round_with_kyiv_city_and_kyiv_oblast_swapped(tmp_path):
    """The shape of an IOM DTM round: HXL row, oblast names in English, Kyiv city coded Temp03."""
    rows = [
        ["Oblast", "Oblast pcode", "Estimated de facto IDPs present"],
        ["#adm1+name", "#adm1+code", "#affected+idp+ind"],
        ["Kyiv", "UA32", 302_000],  # Kyiv city's figure under Kyiv oblast's code
        ["Kyivska", "Temp03", 370_000],
        ["Cherkaska", "UA71", 123_000],
    ]
    frame, report = read_figures(write_xlsx(tmp_path / "iom.xlsx", rows), "idp", default_units())
    assert frame["code"].tolist() == ["UA71000000000010357"]
    assert [e.row for e in report.errors] == [3, 4]
    assert report.errors[0].message.startswith(f"code UA32 is Київська (Kyivska), oblast, {KYIV_OBLAST}, but the name")
    assert report.errors[0].message.endswith(f"'Kyiv' is Київ (Kyiv), oblast, {KYIV}; correct the code or the name")
    assert f"but the name 'Kyivska' is Київська (Kyivska), oblast, {KYIV_OBLAST}" in report.errors[1].message


def test_another_spelling_of_the_codes_unit_is_no_conflict(tmp_path, units):
    rows = [["Oblast", "Oblast pcode", "IDPs"], ["Kyiv City", "Temp03", 370_000], ["Vinnytsia", "UA05", 1]]
    frame, report = read_figures(write_xlsx(tmp_path / "iom.xlsx", rows), "idp", units)
    assert report.ok and dict(zip(frame["code"], frame["idp"]))[KYIV] == 370_000
