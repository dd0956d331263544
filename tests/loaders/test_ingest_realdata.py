"""Integration tests on the real public files in ../shared/realdata (read in place, never copied).

They are skipped, with the reason, where that folder is absent (e.g. on a user's machine).
"""

from __future__ import annotations

import json

import pytest

from cli import validate as validate_cli
from loaders import default_units, load_dataset, read_boundaries, validate_file
from tests.fixtures import REALDATA

KYIV = "UA80000000000093317"
CRIMEA = "UA01000000000013043"

pytestmark = pytest.mark.skipif(
    not REALDATA.exists(), reason=f"real data folder {REALDATA} is absent (only on the project's machines)"
)


def _need(path):
    if not path.exists():
        pytest.skip(f"real data file {path} is absent")
    return path


@pytest.fixture(scope="module")
def units():
    return default_units()


def test_cod_ab_oblasts(units):
    frame = read_boundaries(_need(REALDATA / "cod-ab" / "Oblasts.geojson"), units)
    oblasts = units[units["level"] == "oblast"]
    assert sorted(frame["code"]) == sorted(oblasts["code"])  # 24 oblasts, Crimea, Kyiv, Sevastopol
    assert frame.geometry.is_valid.all() and frame.crs.to_epsg() == 4326
    assert 590_000 < frame["area_km2"].sum() < 610_000  # Ukraine: 603,500 km2


def test_cod_ab_hromadas_every_hromada_matched(units):
    report = validate_file(_need(REALDATA / "cod-ab" / "Hromadas.geojson"), "boundaries", units)
    assert report.ok and report.level == "hromada" and report.unmatched == ()
    assert (report.rows, report.matched) == (1769, 1766)  # 2 empty Crimean features, the Chornobyl zone kept apart
    # UA0108039, UA0116047: empty geometry; the Chornobyl zone kept for display; every feature accounted for
    assert [w.row for w in report.warnings] == [105, 241, 826, None]
    assert report.warnings[-1].message == (
        "features: 1,769 = 1,766 matched + 1 kept for display (no unit of the codifier) + 2 dropped + 0 unmatched"
    )
    codes = set(report.frame["code"])
    mainland = units[(units["level"] == "hromada") & (units["oblast_code"] != CRIMEA)]
    assert set(mainland["code"]) <= codes  # 1,469 hromadas and Kyiv city
    assert {"UA3200000", "UA85000000000065278"} <= codes  # Chornobyl zone, Sevastopol
    assert report.frame.geometry.is_valid.all()


def test_population_table_total_with_kyiv_coded_na(units):
    report = validate_file(_need(REALDATA / "population" / "ua-pop-2022.csv"), "population", units)
    assert report.ok and report.unmatched == ()
    assert report.totals["population"] == 41_167_335
    assert (report.rows, report.matched, report.level) == (1470, 1470, "hromada")
    kyiv = report.frame.set_index("code").loc[KYIV]
    assert kyiv["population"] == 2_952_301
    assert report.warnings[0].row == 1471 and "KSE Loc Data Hub" in report.warnings[0].message
    # hromadas renamed after the table was made: every former name is known (data/renames.csv), one warning
    assert report.warnings[1].message.startswith("46 row(s) give a former name of the unit of their code (row ")
    assert len(report.warnings) == 2


def test_iom_workbook_with_kyiv_temp03_and_location_unknown(units):
    report = validate_file(_need(REALDATA / "idp" / "idp-estimates-r20_publish.xlsx"), "idp", units)
    assert report.ok and report.unmatched == ()
    assert report.sheet == "Estimated Population" and report.level == "oblast"
    assert (report.rows, report.matched) == (26, 25)
    assert report.totals == {"idp": 3_426_000}  # the "location unknown" 10,000 are not any unit's
    idp = report.frame.set_index("code")["idp"]
    assert idp[KYIV] == 370_000
    assert idp.isna().sum() == 4  # Donetska, Luhanska, Khersonska, Zaporizka: no estimate
    assert [w.row for w in report.warnings] == [11, 28, None]
    # the four oblasts IOM marks "n/a" are named, so they do not disappear from sums without a word
    assert report.warnings[2].message.startswith(
        "IDPs not available ('n/a') for 4 unit(s): Донецька (UA14000000000091971, row 24); Луганська"
    )


def test_real_dataset_and_validate_command(tmp_path, capsys):
    files = {
        "oblasts": _need(REALDATA / "cod-ab" / "Oblasts.geojson"),
        "hromadas": _need(REALDATA / "cod-ab" / "Hromadas.geojson"),
        "population": _need(REALDATA / "population" / "ua-pop-2022.csv"),
        "idp": _need(REALDATA / "idp" / "idp-estimates-r20_publish.xlsx"),
    }
    manifest = tmp_path / "real.toml"
    manifest.write_text(
        f"""title = "Real files"
[boundaries]
oblast = "{files["oblasts"]}"
hromada = "{files["hromadas"]}"
[tables]
population = "{files["population"]}"
idp = "{files["idp"]}"
""",
        encoding="utf-8",
    )
    ds = load_dataset(manifest)
    h = ds.hromadas.set_index("code")
    assert h["population"].sum() == 41_167_335
    assert h["idp"].sum() == pytest.approx(3_426_000)
    assert h.loc[KYIV, "idp"] == pytest.approx(370_000) and h.loc[KYIV, "idp_estimated"]
    assert ds.levels == {"population": "hromada", "idp": "oblast"}

    status = validate_cli.main(["--data", str(manifest), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert status == 0 and payload["ok"]
    assert [f["unmatched"] for f in payload["files"]] == [[], [], [], []]
