"""The population base of need: each displaced person counted once, occupied territory out, fallbacks named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import Assumptions, planning_measures
from metrics.population import children_estimate, population_base

# oblast UA14 (origin of half the IDPs) and UA05 (hosts them); P-code = the code's first 4 characters
A1, A2, B1, B2 = "UA14000000000000001", "UA14000000000000002", "UA05000000000000001", "UA05000000000000002"


def _table(idp_b2: float = 3_000.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [A1, A2, B1, B2],
            "population": [60_000.0, 40_000.0, 30_000.0, 70_000.0],
            "idp": [0.0, 1_000.0, 0.0, idp_b2],
            "territorial_status": ["occupied", "hostilities", "none", "none"],
        }
    )


def test_present_base_takes_the_displaced_off_at_their_origin_and_counts_them_once():
    base = population_base(_table(), "present", 1.0, {"UA14": 0.5})
    got = base.frame.set_index("code")
    # 4,000 IDPs hosted; half from UA14 (residents 100,000), half from UA05 (the rest, residents 100,000):
    # 2,000 / 100,000 = 0.02 per resident of UA14, 0.02 per resident of UA05
    assert np.isnan(got.loc[A1, "base"]) and got.loc[A1, "base_fallback"] == "occupied"
    assert got.loc[A2, "outflow"] == pytest.approx(40_000 * 0.02)
    assert got.loc[A2, "base"] == pytest.approx(40_000 - 800 + 1_000)
    assert got.loc[B2, "base"] == pytest.approx(70_000 - 1_400 + 3_000)
    r = base.reconciliation
    assert r == pytest.approx(
        {"residents": 200_000, "occupied": 60_000, "outflow": 800 + 600 + 1_400, "hosted": 4_000, "base": 141_200}
    )
    assert r["residents"] - r["occupied"] - r["outflow"] + r["hosted"] == pytest.approx(r["base"])


def test_other_bases_and_the_visible_fallback():
    upper = population_base(_table(), "residents_plus_idp", 1.0).frame.set_index("code")["base"]
    assert upper.tolist() == [60_000, 41_000, 30_000, 73_000]  # occupied counted, IDPs twice: an upper bound
    pre_war = population_base(_table(), "pre_war").frame["base"]
    assert pre_war.sum() == 200_000
    no_idp = population_base(_table(np.nan), "present", 1.0, {"UA14": 0.5})
    fallen = no_idp.frame.set_index("code")
    assert fallen.loc[B2, "base_fallback"] == "no_idp" and no_idp.fallbacks == {"UA05": 1}
    assert fallen.loc[B2, "base"] == pytest.approx(70_000 - 70_000 * 500 / 100_000)  # hosted counts 0: a lower bound
    with pytest.raises(ValueError, match="population.base must be one of"):
        population_base(_table(), "everyone")


def test_need_uses_the_base_and_occupied_hromadas_drop_out_of_totals():
    table = _table()
    for role in ("social_work_specialist", "social_worker", "psychologist"):
        table[f"{role}_approved"] = 1.0
        table[f"{role}_filled"] = 1.0
    units = pd.DataFrame(
        {
            "code": table["code"],
            "level": "hromada",
            "oblast_code": table["code"].str[:4] + "000000000000000",
            "raion_code": None,
        }
    )
    a = Assumptions().updated({"population.origin_shares": {"UA14": 0.5}})
    m = planning_measures(table, units, "hromada", a).set_index("code")
    assert np.isnan(m.loc[A1, "required_fte"])  # occupied: no need counted
    assert m.loc[A2, "population_incl_idp"] == pytest.approx(40_200)
    upper = planning_measures(table, units, "hromada", a.updated({"population.base": "residents_plus_idp"}))
    assert upper.set_index("code").loc[A1, "population_incl_idp"] == 60_000


def test_demo_reconciliation_of_the_default_base(demo):
    a = Assumptions()
    r = population_base(demo.hromadas, a.population_base, a.idp_weight, dict(a.origin_shares))
    rec = r.reconciliation
    assert rec["residents"] == pytest.approx(41_167_335)
    assert rec["residents"] - rec["occupied"] - rec["outflow"] + rec["hosted"] == pytest.approx(rec["base"], rel=1e-9)
    assert 0 < rec["occupied"] < rec["residents"] and 0 < rec["outflow"] < rec["hosted"]
    # IOM gives no figure for four oblasts: their hromadas fall back, and are named by oblast
    assert set(r.fallbacks) == {"UA14", "UA23", "UA44", "UA65"}


def test_children_are_given_or_estimated_from_the_oblast_share_of_the_base():
    table = _table().assign(population_children=[np.nan, 9_000.0, np.nan, np.nan])
    table.loc[3, "code"] = "UA01000000000000001"  # Crimea: no share published
    base = population_base(table, "present", 1.0, {"UA14": 0.5}).frame
    children, estimated = children_estimate(
        table, base["base"], {"UA14": 0.13, "UA05": 0.18}, base["base_fallback"] == "occupied"
    )
    # A1 occupied: none; A2 given 9,000 (not estimated); B1 = 0.18 x its base; Crimea: no data
    b1 = base.loc[2, "base"]
    assert np.isnan(children[0]) and not estimated[0]
    assert children[1] == 9_000 and not estimated[1]
    assert children[2] == pytest.approx(0.18 * b1) and estimated[2]
    assert np.isnan(children[3]) and not estimated[3]


def test_children_measures_are_ratios_of_sums_and_reach_the_need():
    table = pd.DataFrame(
        {
            "code": [B1, B2],
            "population": [10_000.0, 30_000.0],
            "idp": [0.0, 0.0],
            "population_children": [np.nan, 6_000.0],
        }
    )
    for role in ("social_work_specialist", "social_worker", "psychologist"):
        table[f"{role}_approved"] = 1.0
        table[f"{role}_filled"] = [1.0, 2.0]
    units = pd.DataFrame(
        {"code": [B1, B2], "level": "hromada", "oblast_code": "UA05000000000010236", "raion_code": None}
    )
    a = Assumptions().updated({"population.base": "pre_war", "population.children_share": {"UA05": 0.2}})
    m = planning_measures(table, units, "hromada", a).set_index("code")
    # B1: 0.2 x 10,000 = 2,000 children (estimated), 2 workers; B2: 6,000 given, 4 workers
    assert m.loc[B1, "children"] == 2_000 and m.loc[B1, "children_estimated"]
    assert not m.loc[B2, "children_estimated"]
    assert m.loc[B1, "workers_per_10k_children"] == pytest.approx(10.0)
    assert m.loc[B2, "children_per_worker"] == pytest.approx(1_500)
    # children's norm 6 + 6 per 10,000 children: B2 needs 7.2 community positions (people: 2 x 3 = 6)
    assert m.loc[B2, "children_required_fte"] == pytest.approx(7.2)
    assert m.loc[B2, "required_fte"] == pytest.approx(7.2) and m.loc[B2, "children_gap_fte"] == pytest.approx(3.2)
    country = planning_measures(table, units, "country", a).iloc[0]
    # from sums: 6 workers / 8,000 children = 7.5 per 10,000 (not the mean of 10.0 and 6.67)
    assert country["workers_per_10k_children"] == pytest.approx(7.5)
    assert country["children_per_worker"] == pytest.approx(8_000 / 6) and country["children_estimated"]
    none = planning_measures(table, units, "country", a.updated({"population.children_share": {}})).iloc[0]
    assert none["children"] == 6_000 and none["workers_per_10k_children"] == pytest.approx(4 / 6_000 * 10_000)
