"""The population base of need: each displaced person counted once, occupied territory out, fallbacks named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import Assumptions, planning_measures
from metrics.population import population_base

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
