"""Planning measures checked by hand: the figures of CONTEXT.md, a WISN case, flags and aggregation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from metrics import (
    Assumptions,
    flag_counts,
    hromada_flags,
    planning_measures,
    wisn_factors,
    wisn_required_staff,
)
from metrics.assumptions import WisnParameters
from tests.fixtures import H1, H2, H3, H4, H5, O1, O2, R1

#: These hand-checked cases count residents + IDPs (the upper-bound base); the present base has its own tests.
UPPER = Assumptions(population_base="residents_plus_idp", children_shares=())  # children only where given
#: The WISN cases of CONTEXT.md count the community social workers as one cadre (the single-cadre form);
#: WISN per staff category has its own tests (test_wisn.py).
ONE_CADRE = dataclasses.replace(UPPER, wisn=WisnParameters(categories=()))

OBLAST, RAION = "UA63000000000041885", "UA63020000000011111"


def _table(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hromadas of one oblast and raion; missing role columns are 0."""
    frame = pd.DataFrame(rows)
    for role in ("social_work_specialist", "social_worker", "psychologist"):
        for what in ("approved", "filled"):
            if f"{role}_{what}" not in frame:
                frame[f"{role}_{what}"] = 0.0
    units = pd.DataFrame(
        {"code": frame["code"], "level": "hromada", "oblast_code": OBLAST, "raion_code": RAION, "pcode": frame["code"]}
    )
    return frame, units


@pytest.fixture
def kharkiv():
    """The Kharkiv-oblast community of CONTEXT.md: 10,000 residents, 15,000 IDPs, 2 workers, no psychologist."""
    return _table(
        [
            {
                "code": "H",
                "population": 10_000.0,
                "idp": 15_000.0,
                "social_work_specialist_approved": 2.0,
                "social_work_specialist_filled": 2.0,
                "families_sjo": 118.0,
                "low_income_families": 75.0,
                "idp_estimated": False,
            }
        ]
    )


def _one(table: pd.DataFrame) -> pd.Series:
    assert len(table) == 1
    return table.iloc[0]


def test_kharkiv_community_coverage(kharkiv):
    m = _one(planning_measures(*kharkiv, "hromada", UPPER))
    assert m["workers_per_10k"] == pytest.approx(2.0)
    assert m["workers_per_10k_incl_idp"] == pytest.approx(0.8)  # 10,000 x 2 / 25,000
    assert m["workers_per_100k_incl_idp"] == pytest.approx(8.0)
    assert m["residents_per_worker"] == pytest.approx(5_000)
    assert m["residents_incl_idp_per_worker"] == pytest.approx(12_500)
    assert m["idp_share"] == pytest.approx(0.6)
    assert np.isnan(m["workers_per_100k_children"])  # children not known: no data
    assert m["vacancy_rate"] == pytest.approx(0.0)


def test_kharkiv_community_need_by_the_norm(kharkiv):
    m = _one(planning_measures(*kharkiv, "hromada", UPPER))
    # 1.0 specialist + 1.0 social worker + 0.5 psychologist per 10,000 of 25,000 people
    assert m["social_work_specialist_required_fte"] == pytest.approx(2.5)
    assert m["required_fte"] == pytest.approx(5.0)
    assert m["gap_fte"] == pytest.approx(3.0)
    assert m["gap_pct"] == pytest.approx(60.0)
    assert m["social_work_specialist_gap_fte"] == pytest.approx(0.5)
    assert m["social_worker_gap_fte"] == pytest.approx(2.5)
    assert m["psychologist_gap_fte"] == pytest.approx(1.25)
    assert m["psychologist_gap_pct"] == pytest.approx(100.0)
    assert m["total_required_fte"] == pytest.approx(6.25)
    assert m["total_gap_fte"] == pytest.approx(4.25)
    assert m["shortfall_per_10k"] == pytest.approx(1.2)  # 3 positions per 25,000 people


def test_wisn_by_hand():
    """AWT = (260 - 0 - 17 - 8 - 5) x 8 = 1,840 h; 118 / 46 + 75 / 230 = 2.8913; x 1.25 + 96 / 1,840."""
    f = wisn_factors(UPPER.wisn)
    assert f.available_working_time == 1_840
    assert dict(f.standard_workloads) == {"families_sjo": 46, "low_income_families": 230}
    assert f.category_allowance_factor == pytest.approx(1.25)
    assert f.individual_allowance_factor == pytest.approx(96 / 1_840)
    cases = pd.DataFrame({"families_sjo": [118.0], "low_income_families": [75.0]})
    w = _one(wisn_required_staff(cases, pd.Series([2.0]), UPPER.wisn))
    required = (118 / 46 + 75 / 230) * 1.25 + 96 / 1_840
    assert required == pytest.approx(3.6663, abs=1e-4)
    assert w["wisn_workload_hours"] == pytest.approx(118 * 40 + 75 * 8)
    assert w["wisn_required"] == pytest.approx(required)
    assert w["wisn_difference"] == pytest.approx(2 - required)
    assert w["wisn_ratio"] == pytest.approx(0.5455, abs=1e-4)


def test_wisn_in_the_measures_and_its_parameters(kharkiv):
    m = _one(planning_measures(*kharkiv, "hromada", ONE_CADRE))
    assert m["wisn_ratio"] == pytest.approx(0.5455, abs=1e-4)
    assert m["caseload_per_worker"] == pytest.approx(96.5)
    half_day = ONE_CADRE.updated({"wisn.hours_per_day": 4, "wisn.support_share": 0.0})
    m = _one(planning_measures(*kharkiv, "hromada", half_day))
    assert m["wisn_required"] == pytest.approx((118 * 40 + 75 * 8) / 920 + 96 / 920)


def test_kharkiv_community_flags(kharkiv):
    flags = _one(hromada_flags(*kharkiv[:1], UPPER))
    assert flags["no_psychologist"] and not flags["no_social_worker"]
    assert not flags["caseload_above"]  # 96.5 cases per worker <= 100
    tight = UPPER.updated({"flags.caseload_per_worker_max": 90})
    assert _one(hromada_flags(kharkiv[0], tight))["caseload_above"]


def test_chernihiv_and_zaporizhzhia_per_100k_from_sums():
    """1 worker per 5,423 residents is 18.4 per 100,000; 1 per 27,744 is 3.6 (CONTEXT.md)."""
    for people_per_worker, per_100k in ((5_423, 18.4), (27_744, 3.6)):
        workers = [60.0, 30.0, 10.0]
        population = [w * people_per_worker for w in (50.0, 35.0, 15.0)]  # unequal hromada ratios
        rows = [
            {"code": f"H{i}", "population": p, "idp": 0.0, "social_worker_filled": w, "social_worker_approved": w}
            for i, (p, w) in enumerate(zip(population, workers))
        ]
        m = _one(planning_measures(*_table(rows), "oblast", UPPER))
        assert m["residents_per_worker"] == pytest.approx(people_per_worker)
        assert round(m["workers_per_100k"], 1) == per_100k
        hromada_level = planning_measures(*_table(rows), "hromada", UPPER)
        assert round(hromada_level["workers_per_100k"].mean(), 1) != per_100k  # a mean of ratios would be wrong


def test_children_norm_counts_where_children_are_known():
    rows = [
        {"code": "A", "population": 5_000.0, "idp": 0.0, "population_children": 2_000.0},
        {"code": "B", "population": 5_000.0, "idp": 0.0, "population_children": 500.0},
        {"code": "C", "population": 5_000.0, "idp": 0.0},
    ]
    m = planning_measures(*_table(rows), "hromada", UPPER).set_index("code")
    # specialists: max(1.0 x 5,000 / 10,000, 6.0 x children / 10,000)
    assert m.loc["A", "social_work_specialist_required_fte"] == pytest.approx(1.2)
    assert m.loc["B", "social_work_specialist_required_fte"] == pytest.approx(0.5)
    assert m.loc["C", "social_work_specialist_required_fte"] == pytest.approx(0.5)
    total = _one(planning_measures(*_table(rows), "oblast", UPPER))
    assert total["children"] == 2_500


def test_workers_per_100k_children():
    rows = [
        {"code": "A", "population": 5_000.0, "idp": 0.0, "population_children": 1_000.0, "social_worker_filled": 2.0}
    ]
    assert _one(planning_measures(*_table(rows), "hromada", UPPER))["workers_per_100k_children"] == 200


def test_shortfall_is_not_offset_by_hromadas_above_the_norm(hromadas, units):
    above = hromadas.assign(social_worker_filled=hromadas["social_worker_filled"].where(hromadas["code"] != H1, 5.0))
    m = planning_measures(above, units, "oblast", UPPER).set_index("code")
    # H1 needs 2 and has 6 (-4); H2 needs 10, has 8 (+2); H3 needs 7, has 4 (+3)
    assert m.loc[O1, "gap_fte"] == pytest.approx(1.0)
    assert m.loc[O1, "shortfall_fte"] == pytest.approx(5.0)


def test_flag_counts_per_oblast(hromadas, units):
    counts = flag_counts(hromadas, units, UPPER).set_index("code")
    assert counts.loc[O1, "hromadas_no_social_worker"] == 0
    assert counts.loc[O2, "hromadas_no_social_worker"] == 1  # H5
    assert counts.loc[O1, "hromadas_no_psychologist"] == 1  # H1
    assert counts.loc[O2, "hromadas_no_psychologist"] == 2  # H4, H5
    assert counts.loc[O2, "hromadas_caseload_above"] == 1  # H5: 50 cases and no worker
    assert counts.loc[O2, "share_no_psychologist"] == 1.0
    tight = UPPER.updated({"flags.caseload_per_worker_max": 50})
    counts = flag_counts(hromadas, units, tight, level="country").iloc[0]
    assert counts["hromadas_caseload_above"] == 3  # H3 (60), H4 (80), H5
    flags = hromada_flags(hromadas, UPPER).set_index("code")
    assert flags.loc[H5, "no_social_worker"] and not flags.loc[H2, "no_social_worker"]
    assert np.isnan(flags.loc[H5, "caseload_per_worker"])


def test_unknown_stays_unknown_and_estimates_stay_flagged(hromadas, units):
    blank = hromadas.assign(families_sjo=hromadas["families_sjo"].where(hromadas["code"] != H4))
    m = planning_measures(blank, units, "hromada", UPPER).set_index("code")
    assert np.isnan(m.loc[H4, "wisn_required"]) and np.isnan(m.loc[H4, "cases"])
    assert np.isnan(m.loc[H4, "required_fte"])  # no IDP figure
    flags = hromada_flags(blank, UPPER).set_index("code")
    assert pd.isna(flags.loc[H4, "caseload_above"])
    o = planning_measures(blank, units, "oblast", UPPER).set_index("code")
    assert o.loc[O2, "cases"] == 50  # H5 only
    assert o.loc[O1, "idp_estimated"] and o.loc[O2, "idp_estimated"]
    r = planning_measures(blank, units, "raion", UPPER).set_index("code")
    assert r.loc[R1, "idp_estimated"]  # H2 estimated, H1 not
    assert r.loc[R1, "hromadas"] == 2


def test_ratios_per_100k_and_every_hromada_present(hromadas, units):
    a = UPPER
    assert planning_measures(hromadas, units, "hromada", a).set_index("code").loc[H3, "workers_per_100k"] == (
        pytest.approx(4 / 30_000 * 100_000)
    )
    assert H2 in set(planning_measures(hromadas, units, "hromada", a)["code"])


def test_inputs_are_not_changed_and_errors_are_named(hromadas, units):
    before = hromadas.copy()
    planning_measures(hromadas, units, "oblast", UPPER)
    pd.testing.assert_frame_equal(hromadas, before)
    with pytest.raises(ValueError, match="missing column.*psychologist_filled"):
        planning_measures(hromadas.drop(columns="psychologist_filled"), units, "oblast", UPPER)
    with pytest.raises(ValueError, match="level must be"):
        planning_measures(hromadas, units, "district", UPPER)


def test_group_sums_of_one_row_per_group_are_the_rows_themselves():
    """Issue 17: at the hromada level each row is its own group; the shortcut gives what the group sums give."""
    import numpy as np

    from metrics.planning import _group_sums

    values = np.array([[1.5, np.nan, -0.0], [np.nan, np.nan, 2.0], [3.0, 4.0, 1e12]])
    mine = _group_sums(values, np.arange(3), 3)
    # the same groups with a fourth, empty one: the sums per column (its row is NaN, left out)
    looped = _group_sums(values, np.arange(3), 4)[:3]
    assert np.array_equal(mine, looped, equal_nan=True) and np.array_equal(np.signbit(mine), np.signbit(looped))
    assert mine is not values and np.isnan(mine[1, 0]) and mine[0, 2] == 0.0
