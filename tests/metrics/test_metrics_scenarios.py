"""Scenarios (input changes + assumptions, before/after/change) and the donor priority ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import (
    Assumptions,
    IdpChange,
    PositionChange,
    Scenario,
    apply_scenario,
    compare_scenarios,
    priority_ranking,
)
from tests.fixtures import H1, H2, H3, H4, H5, O1, O2

#: These hand-checked cases count residents + IDPs (the upper-bound base); the present base has its own tests.
UPPER = Assumptions(population_base="residents_plus_idp", children_shares=())  # children only where given


def test_idp_percent_change_by_oblast(hromadas, units):
    out = apply_scenario(hromadas, units, Scenario(idp_changes=(IdpChange(O1, percent=20),))).set_index("code")
    assert out.loc[H2, "idp"] == pytest.approx(12_000)
    assert out.loc[H1, "idp"] == 0
    assert out.loc[H5, "idp"] == 5_000  # other oblast unchanged
    assert not out.loc[H1, "idp_estimated"]  # a percent change is not a disaggregation


def test_idp_absolute_change_is_spread_and_flagged(hromadas, units):
    out = apply_scenario(hromadas, units, Scenario(idp_changes=(IdpChange(O1, absolute=3_000),))).set_index("code")
    # spread in proportion to the IDPs there: 10,000 and 5,000 of 15,000
    assert out.loc[H2, "idp"] == pytest.approx(12_000)
    assert out.loc[H3, "idp"] == pytest.approx(6_000)
    assert out.loc[H1, "idp"] == 0
    assert out.loc[H1, "idp_estimated"]  # touched by the disaggregation
    everywhere = apply_scenario(hromadas, units, Scenario(idp_changes=(IdpChange("UA", percent=-100),)))
    assert everywhere["idp"].fillna(0).sum() == 0
    assert np.isnan(everywhere.set_index("code").loc[H4, "idp"])  # unknown stays unknown


def test_position_changes(hromadas, units):
    scenario = Scenario(
        position_changes=(PositionChange(H5, "social_worker", 2), PositionChange(H2, "psychologist", -1, approved=0))
    )
    out = apply_scenario(hromadas, units, scenario).set_index("code")
    assert out.loc[H5, "social_worker_filled"] == 2 and out.loc[H5, "social_worker_approved"] == 2
    assert out.loc[H2, "psychologist_filled"] == 0 and out.loc[H2, "psychologist_approved"] == 2
    pd.testing.assert_frame_equal(hromadas, hromadas.copy())


def test_changes_that_cannot_be_applied_are_named(hromadas, units):
    with pytest.raises(ValueError, match=r"position change 1 \(UA05020010000053508, psychologist\): would leave -1"):
        apply_scenario(hromadas, units, Scenario(position_changes=(PositionChange(H1, "psychologist", -1),)))
    with pytest.raises(ValueError, match="idp change 1 .*cannot remove 99,?999"):
        apply_scenario(hromadas, units, Scenario(idp_changes=(IdpChange(O1, absolute=-99_999),)))
    with pytest.raises(ValueError, match="idp change 1 \\(UA99.*no hromada in this area"):
        apply_scenario(hromadas, units, Scenario(idp_changes=(IdpChange("UA99", percent=5),)))
    with pytest.raises(ValueError, match="percent must be a number >= -100"):
        IdpChange(O1, percent=-150)
    with pytest.raises(ValueError, match="role must be one of"):
        PositionChange(H1, "nurse", 1)


def test_compare_two_scenarios_before_after_change(hromadas, units):
    before = Scenario("today", assumptions=UPPER)
    after = Scenario(
        "more IDPs, a new worker, a higher norm",
        assumptions=UPPER.updated({"norm.social_worker.workers_per_10k": 2.0}),
        idp_changes=(IdpChange(O2, percent=100),),
        position_changes=(PositionChange(H5, "social_worker", 1),),
    )
    table = compare_scenarios(hromadas, units, "oblast", before, after).set_index("code")
    assert table.loc[O2, "idp_before"] == 5_000 and table.loc[O2, "idp_after"] == 10_000
    assert table.loc[O2, "workers_change"] == 1
    # O2 with both figures: H5 only, 5,000 + 10,000 people; norm 3.0 per 10,000
    assert table.loc[O2, "required_fte_after"] == pytest.approx(3.0 * 15_000 / 10_000)
    assert table.loc[O2, "gap_fte_change"] == pytest.approx((4.5 - 1) - (2.0 - 0))
    ratio = table.loc[O1, "workers_per_10k_incl_idp_change"]
    assert ratio == pytest.approx(table.loc[O1, "workers_per_10k_incl_idp_after"] - 14 / 95_000 * 10_000)
    assert {"code", "gap_fte_before", "gap_fte_after", "gap_fte_change"} <= set(table.reset_index().columns)
    with pytest.raises(ValueError, match="unknown measure"):
        compare_scenarios(hromadas, units, "oblast", before, after, measures=["nothing"])


def test_priority_ranking_with_reasons(hromadas, units):
    ranking = priority_ranking(hromadas, units, UPPER)
    # H4 (no IDP figure) is scored on 2 of 4 components: listed apart, not ranked
    assert list(ranking["rank"].iloc[:4]) == [1, 2, 3, 4] and np.isnan(ranking["rank"].iloc[4])
    first = ranking.iloc[0]
    # H5: the largest gap per 10,000 people, the most IDPs, no psychologist, cases and no worker
    assert first["code"] == H5
    assert first["priority_index"] == pytest.approx(100.0)
    assert first["reasons"].startswith("2 community positions missing per 10,000 people (higher than in 100 %")
    assert "cases but no community social worker" in first["reasons"]  # up to three reasons, largest first
    assert first["reason_codes"][0] == ("gap_per_10k", {"value": 2.0, "score": 1.0})
    h4 = ranking.set_index("code").loc[H4]
    assert h4["components_known"] == 2  # no IDP figure: no gap per 10,000 and no IDP share
    assert h4["listed_apart"] == "not_enough_data"
    assert "no data: gap_per_10k, idp_share" in h4["reasons"]
    assert ranking["priority_index"].iloc[:4].is_monotonic_decreasing


def test_missing_data_never_raises_a_rank(hromadas, units):
    # remove H5's IDP figure: the old index re-normalised over the known components and kept it first;
    # now its unknown components score 0, and with min_components 0 it is still ranked, below where it was
    blank = hromadas.copy()
    blank.loc[blank["code"] == H2, ["idp", "families_sjo", "low_income_families"]] = np.nan
    a = UPPER.updated({"priority.min_components": 0})
    full = priority_ranking(hromadas, units, a).set_index("code")
    partial = priority_ranking(blank, units, a).set_index("code")
    assert partial.loc[H2, "components_known"] == 1
    assert partial.loc[H2, "priority_index"] <= full.loc[H2, "priority_index"]
    assert partial.loc[H2, "rank"] >= full.loc[H2, "rank"]
    with pytest.raises(ValueError, match="priority.min_components"):
        UPPER.updated({"priority.min_components": 7})


def test_occupied_hromadas_are_listed_apart(hromadas, units):
    listed = hromadas.assign(territorial_status=["none", "none", "none", "none", "occupied"])
    ranking = priority_ranking(listed, units, UPPER).set_index("code")
    assert ranking.loc[H5, "listed_apart"] == "occupied" and np.isnan(ranking.loc[H5, "rank"])
    assert sorted(ranking["rank"].dropna()) == [1, 2, 3]  # H4: not enough data


def test_priority_weights_change_the_order(hromadas, units):
    only_idp = UPPER.updated(
        {"priority.gap_per_10k": 0, "priority.no_psychologist": 0, "priority.caseload_per_worker": 0}
    )
    ranking = priority_ranking(hromadas, units, only_idp)
    # IDP share: H5 50 %, H2 20 %, H3 14 %, H1 0 %; H4 unknown comes last (listed apart)
    assert list(ranking["code"]) == [H5, H2, H3, H1, H4]
    assert np.isnan(ranking.iloc[-1]["rank"])
    assert ranking.iloc[0]["main_reason"] == "idp_share"
    oblasts = priority_ranking(hromadas, units, UPPER, level="oblast")
    assert list(oblasts["code"]) == [O2, O1]
    assert "of the others" in oblasts.iloc[0]["reasons"]
