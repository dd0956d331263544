"""The committed demo atlas: complete structure, totals equal to the cited facts, calibration."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders import read_assumptions
from metrics import planning_measures
from tests.fixtures import REALDATA, ROOT

KYIV, SEVASTOPOL, CRIMEA = "UA80000000000093317", "UA85000000000065278", "UA01000000000013043"


@pytest.fixture(scope="module")
def facts():
    return pd.read_csv(ROOT / "data" / "facts.csv", dtype={"pcode": str}).set_index("pcode")


@pytest.fixture(scope="module")
def oblasts(demo):
    table = planning_measures(demo.hromadas, demo.units, "oblast", read_assumptions())
    return table.assign(pcode=table["code"].str[:4]).set_index("pcode")


def test_administrative_structure_is_complete(demo):
    counts = demo.units["level"].value_counts()
    assert counts["oblast"] == 27
    assert counts["raion"] == 136
    hromadas = demo.units[(demo.units["level"] == "hromada") & (demo.units["oblast_code"] != CRIMEA)]
    assert len(hromadas) == 1469 + 1  # plus Kyiv city as its own unit
    assert KYIV in set(hromadas["code"])
    assert hromadas["code"].str.fullmatch(r"UA\d{17}").all()
    assert (hromadas["pcode"] == hromadas["code"].str[:9]).all()  # Kyiv: UA8000000
    assert hromadas["name_en"].str.fullmatch(r"[A-Za-z' -]+").all()
    types = hromadas["hromada_type"].value_counts()
    assert set(types.index) == {"urban", "settlement", "rural"}
    assert 400 <= types["urban"] <= 420  # 409 urban hromadas + Kyiv


def test_every_hromada_has_a_polygon(demo):
    polygons = demo.boundaries["hromada"]
    mainland = demo.units[(demo.units["level"] == "hromada") & (demo.units["oblast_code"] != CRIMEA)]
    assert set(mainland["code"]) <= set(polygons["code"])
    assert {CRIMEA, SEVASTOPOL} <= set(polygons["code"])
    assert polygons.geometry.is_valid.all() and not polygons.geometry.is_empty.any()
    assert len(demo.boundaries["oblast"]) == 27
    assert polygons.crs.to_epsg() == 4326


def test_demo_files_stay_small():
    size = sum(f.stat().st_size for f in (ROOT / "data" / "demo").iterdir())
    assert size < 8_000_000


def test_population_equals_official_oblast_totals(oblasts, facts):
    known = facts["population_2022"].dropna()
    assert oblasts.loc[known.index, "population"].tolist() == known.tolist()
    assert oblasts["population"].sum() == 41_167_335
    assert pd.isna(oblasts.loc["UA01", "population"])  # no official estimate for Crimea: no data


def test_idp_equals_iom_round_20(oblasts, facts):
    known = facts["idp_iom_r20"].dropna()
    assert oblasts.loc[known.index, "idp"].tolist() == known.tolist()
    for pcode in ("UA14", "UA23", "UA44", "UA65"):  # n/a in the IOM table
        assert pd.isna(oblasts.loc[pcode, "idp"])
    assert oblasts.loc[known.index, "idp_estimated"].all()


def test_staffing_is_calibrated_to_the_seeds(demo, oblasts):
    assert oblasts["workers"].sum() == 3260
    assert oblasts.loc["UA74", "residents_per_worker"] == pytest.approx(5423, rel=0.01)
    assert oblasts.loc["UA23", "residents_per_worker"] == pytest.approx(27744, rel=0.01)
    h = planning_measures(demo.hromadas, demo.units, "hromada", read_assumptions()).dropna(subset=["population"])
    assert 2 <= h["workers"].median() <= 3
    rural = h["code"].map(demo.units.drop_duplicates("code").set_index("code")["hromada_type"]) == "rural"
    assert (h.loc[rural, "psychologists"] == 0).mean() > 0.5  # most rural hromadas have no psychologist
    assert (h["approved_positions"] > h["workers"]).any()


def test_caseload_is_of_the_order_of_the_kharkiv_example(demo):
    h = demo.hromadas.dropna(subset=["population"])
    people = h["population"] + h["idp"].fillna(0)
    rate = h["families_sjo"].sum() / people.sum() * 25_000
    assert 80 < rate < 160  # 118 families per ~25,000 people


@pytest.mark.skipif(not (REALDATA / "population").exists(), reason="../shared/realdata is absent")
def test_demo_oblast_totals_match_the_real_population_table(oblasts):
    real = pd.read_csv(REALDATA / "population" / "ua-pop-2022.csv", dtype={"hromada_code": str})
    real_oblast = real.assign(pcode=real["hromada_code"].str[:4]).groupby("pcode")["total_population_2022"].sum()
    real_oblast = real_oblast.drop("NA", errors="ignore")
    assert (oblasts.loc[real_oblast.index, "population"] == real_oblast).all()
