"""WISN per staff category, checked by hand: own activity standards, flow or stock, CAS list, IAS, shortfall summed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from metrics import Assumptions, planning_measures
from metrics.assumptions import CaseType, IndividualAllowance, SupportActivity, WisnCategory, WisnParameters
from metrics.wisn import category_factors, wisn_by_role

# AWT = (260 - 0 - 17 - 8 - 5) x 8 = 1,840 h: the numbers below are chosen to give whole positions
SPECIALISTS = WisnCategory(
    "social_work_specialist",
    (CaseType("families_sjo", 18.4, "stock", 6.0), CaseType("low_income_families", 8.0, "flow")),
    (SupportActivity("records", 0.15), SupportActivity("meetings", 0.05)),
    (IndividualAllowance("coordination", 1.0, 184.0),),
)
SOCIAL_WORKERS = WisnCategory(
    "social_worker", (CaseType("home_care_recipients", 240.0, "stock", 12.0),), (SupportActivity("travel", 0.25),)
)
PARAMS = WisnParameters(categories=(SPECIALISTS, SOCIAL_WORKERS))
A, B = "UA05000000000000001", "UA05000000000000002"


def _cases() -> pd.DataFrame:
    return pd.DataFrame(
        {"families_sjo": [50.0, 25.0], "low_income_families": [115.0, 0.0], "home_care_recipients": [23.0, 23.0]}
    )


def test_each_category_has_its_own_standards_allowances_and_period():
    f = category_factors(PARAMS, SPECIALISTS)
    assert f.available_working_time == 1_840
    assert dict(f.standard_workloads) == pytest.approx({"families_sjo": 100, "low_income_families": 230})
    assert f.category_allowance_factor == pytest.approx(1.25)  # 1 / (1 - 0.15 - 0.05)
    assert f.individual_allowance_factor == pytest.approx(0.1)  # 1 x 184 / 1,840
    filled = {"social_work_specialist": pd.Series([1.0, 2.0]), "social_worker": pd.Series([5.0, 3.0])}
    w = wisn_by_role(_cases(), filled, PARAMS)
    # A: a stock of 50 families whose support lasts 6 months is 100 episodes a year x 18.4 h = 1,840 h = 1 FTE;
    # 115 low-income families a year x 8 h = 920 h = 0.5 FTE; (1 + 0.5) x 1.25 + 0.1 = 1.975 specialists
    assert w.loc[0, "social_work_specialist_wisn_workload_hours"] == pytest.approx(1_840 + 920)
    assert w.loc[0, "social_work_specialist_wisn_required"] == pytest.approx(1.975)
    assert w.loc[0, "social_work_specialist_wisn_ratio"] == pytest.approx(1 / 1.975)
    assert w.loc[0, "social_work_specialist_wisn_shortfall"] == pytest.approx(0.975)
    # home care, the social workers' case type: 23 recipients all year x 240 h = 5,520 h = 3 FTE; x 4/3 = 4
    assert w.loc[0, "social_worker_wisn_required"] == pytest.approx(4.0)
    assert w.loc[0, "social_worker_wisn_difference"] == pytest.approx(1.0)
    assert w.loc[0, "social_worker_wisn_shortfall"] == 0
    # the community: 1.975 + 4 = 5.975 required of 6 workers, but 0.975 specialists missing all the same
    assert w.loc[0, "wisn_required"] == pytest.approx(5.975)
    assert w.loc[0, "wisn_difference"] == pytest.approx(0.025)
    assert w.loc[0, "wisn_shortfall"] == pytest.approx(0.975)
    assert np.isnan(w.loc[0, "psychologist_wisn_required"])  # no category: no WISN figure
    flow = WisnParameters(categories=(dataclasses.replace(SPECIALISTS, case_types=(CaseType("families_sjo", 18.4),)),))
    assert wisn_by_role(_cases(), filled, flow).loc[0, "social_work_specialist_wisn_workload_hours"] == pytest.approx(
        50 * 18.4
    )


def test_shortfall_above_the_hromada_is_summed_not_netted_and_unknown_stays_unknown():
    table = _cases().assign(
        code=[A, B],
        population=[10_000.0, 10_000.0],
        idp=[0.0, 0.0],
        social_work_specialist_approved=[1.0, 2.0],
        social_work_specialist_filled=[1.0, 2.0],
        social_worker_approved=[5.0, 3.0],
        social_worker_filled=[5.0, 3.0],
        psychologist_approved=[0.0, 0.0],
        psychologist_filled=[0.0, 0.0],
    )
    units = pd.DataFrame({"code": [A, B], "level": "hromada", "oblast_code": "UA05000000000010236", "raion_code": None})
    a = dataclasses.replace(Assumptions(population_base="pre_war", children_shares=()), wisn=PARAMS)
    hromadas = planning_measures(table, units, "hromada", a).set_index("code")
    # B: 25 families x 2 x 18.4 = 920 h -> 0.5 x 1.25 + 0.1 = 0.725 specialists (2 in post); 4 social workers (3)
    assert hromadas.loc[B, "social_work_specialist_wisn_required"] == pytest.approx(0.725)
    assert hromadas.loc[B, "wisn_shortfall"] == pytest.approx(1.0)
    country = planning_measures(table, units, "country", a).iloc[0]
    assert country["wisn_required"] == pytest.approx(5.975 + 4.725)
    assert country["wisn_difference"] == pytest.approx(11 - 10.7)  # netted: a surplus
    assert country["wisn_shortfall"] == pytest.approx(0.975 + 1.0)  # summed: 1.975 positions missing
    assert country["social_worker_wisn_ratio"] == pytest.approx(8 / 8)
    assert country["social_work_specialist_wisn_ratio"] == pytest.approx(3 / 2.7)
    unknown = planning_measures(table.drop(columns="home_care_recipients"), units, "hromada", a).set_index("code")
    assert np.isnan(unknown.loc[A, "social_worker_wisn_required"]) and np.isnan(unknown.loc[A, "wisn_required"])
    assert unknown.loc[A, "social_work_specialist_wisn_required"] == pytest.approx(1.975)


def test_categories_are_read_from_the_file_shape_and_bad_values_are_named():
    a = Assumptions()
    spec = a.to_dict()["wisn"]
    assert spec["social_worker"]["case_types"]["home_care_recipients"]["count"] == "stock"
    assert [s["activity"] for s in spec["social_work_specialist"]["support"]] == [
        "records and reporting",
        "team meetings and supervision",
        "travel between settlements",
    ]
    changed = a.updated({"wisn.social_worker.case_types.home_care_recipients.hours_per_case": 120})
    assert changed.wisn.category("social_worker").case_types[0].hours_per_case == 120
    with pytest.raises(ValueError, match=r"home_care_recipients.count must be 'flow'"):
        a.updated({"wisn.social_worker.case_types.home_care_recipients.count": "yearly"})
    with pytest.raises(ValueError, match=r"wisn.psychologist.support: the shares add up to 1.1"):
        a.updated({"wisn.psychologist.support": [{"activity": "x", "share": 0.6}, {"activity": "y", "share": 0.5}]})
    with pytest.raises(ValueError, match=r"families_sjo.duration_months must be a number > 0"):
        a.updated({"wisn.social_work_specialist.case_types.families_sjo.duration_months": 0})
    # the earlier single-cadre form still reads: one community category with hours per case a year
    legacy = Assumptions().updated({"wisn": {"hours_per_case": {"families_sjo": 40}, "support_share": 0.2}})
    assert legacy.wisn.categories == () and legacy.wisn.case_types == (CaseType("families_sjo", 40.0),)
