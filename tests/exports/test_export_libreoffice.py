"""The workbook opens where analysts open it: LibreOffice Calc, headless, converts it and the values survive.

Needs ``soffice`` (Debian: ``apt-get install libreoffice-calc``; ``.ci/run``
installs it). Without it the tests are skipped, so a developer machine
without LibreOffice still passes.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports import COVER_SHEET, build_export
from loaders import Dataset
from metrics import Assumptions
from tests.fixtures import H1, H2, H3, O1

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice Calc (soffice) is not installed: apt-get install libreoffice-calc"
)

EVIL = {H1: '=HYPERLINK("http://x","y")', H2: "+380 44 000", H3: "@SUM(A1:A9)", O1: "-1+2"}


def _convert(source: Path, target: str, outdir: Path, profile: Path) -> None:
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
         "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip


@pytest.fixture(scope="module")
def converted(tmp_path_factory, request):
    """The exported workbook, and LibreOffice's own .xlsx and per-sheet .csv of it."""
    units = request.getfixturevalue("units_for_module")
    hromadas = request.getfixturevalue("hromadas_for_module")
    for code, text in EVIL.items():
        units.loc[units["code"] == code, "name_uk"] = text
    dataset = Dataset(title="LibreOffice check", units=units, boundaries={}, hromadas=hromadas)
    folder = tmp_path_factory.mktemp("libreoffice")
    original = folder / "atlas.xlsx"
    original.write_bytes(build_export(dataset, Assumptions(), lang="en", budget=1_000_000).xlsx())
    profile = folder / "profile"
    _convert(original, "xlsx:Calc MS Excel 2007 XML", folder / "xlsx", profile)
    # 44 = comma, 34 = quote, 76 = UTF-8, ... -1 = every sheet to its own file (LibreOffice >= 7.2)
    _convert(original, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", folder / "csv",
             profile)  # fmt: skip
    return original, folder / "xlsx" / "atlas.xlsx", folder / "csv"


@pytest.fixture(scope="module")
def units_for_module():
    from tests.conftest import units as units_fixture

    return units_fixture.__wrapped__()


@pytest.fixture(scope="module")
def hromadas_for_module():
    from tests.conftest import hromadas as hromadas_fixture

    return hromadas_fixture.__wrapped__()


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_every_value_of_every_sheet_survives_a_libreoffice_round_trip(converted):
    original, resaved, _ = converted
    before, after = load_workbook(original), load_workbook(resaved)
    assert after.sheetnames == before.sheetnames
    for name in before.sheetnames:
        old, new = before[name], after[name]
        for row_old, row_new in zip(old.iter_rows(), new.iter_rows(max_col=old.max_column)):
            for a, b in zip(row_old, row_new):
                assert _same(a.value, b.value), f"{name}!{a.coordinate}: {a.value!r} became {b.value!r}"
                if a.value is not None:
                    assert (a.data_type == "s") == (b.data_type == "s"), f"{name}!{a.coordinate} changed type"
        # (Frozen panes are view settings, which a headless conversion does not keep: test_export checks them.)
        if name != COVER_SHEET:
            assert new.auto_filter.ref == old.auto_filter.ref


def test_libreoffice_shows_codes_as_text_and_formula_text_literally(converted):
    _, _, folder = converted
    files = {p.stem.split("-", 1)[-1]: p for p in folder.glob("*.csv")}
    assert {"Hromadas", "Ukraine and oblasts", "Funding plan", "Assumptions", "Data quality"} <= set(files)
    with files["Hromadas"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {r["KATOTTG code"]: r for r in rows}
    assert set(EVIL) - {O1} <= set(by_code)  # 19-character codes, not 5.02E+18
    for code, text in EVIL.items():
        if code in by_code:
            assert by_code[code]["Name (uk)"] == text  # shown as typed, never evaluated
    row = by_code[H2]
    assert row["Residents"].replace("\u00a0", "").replace(",", "").replace(" ", "") == "40000"
    assert row["Residents"] != "40000"  # a thousands separator is shown
    assert row["Vacancy rate"].endswith("%")
    assert row["Workers per 10,000 residents"] in {"2.0", "2,0"}  # one decimal
    with files["Ukraine and oblasts"].open(encoding="utf-8") as handle:
        oblasts = list(csv.DictReader(handle))
    assert oblasts[1]["Name (uk)"] == EVIL[O1]
