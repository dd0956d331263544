"""The demo over time: synthetic staffing quarters and IDPs by IOM round."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.history import IDP_ROUNDS, ROUNDS_CSV, STAFFING_QUARTERS, build_idp_rounds, idp_rounds, staffing_history
from tests.fixtures import REALDATA


@pytest.fixture(scope="module")
def history(demo):
    return staffing_history(demo.figures["staffing"])


def test_the_latest_quarter_is_the_demo(history, demo):
    assert list(history) == list(STAFFING_QUARTERS)
    pd.testing.assert_frame_equal(history["2025-Q4"], demo.figures["staffing"])


def test_every_quarter_is_consistent(history):
    previous = None
    for quarter, frame in history.items():
        for role in ("social_work_specialist", "social_worker", "psychologist"):
            approved, filled = frame[f"{role}_approved"], frame[f"{role}_filled"]
            known = approved.notna() & filled.notna()
            assert (filled[known] >= 0).all() and (filled[known] <= approved[known]).all(), quarter
            if previous is not None:  # positions are only opened going forward
                assert (approved[known] >= previous[f"{role}_approved"][known]).all(), quarter
        previous = frame
    first = history["2024-Q1"]
    assert 0.6 < first["social_worker_filled"].sum() / history["2025-Q4"]["social_worker_filled"].sum() < 1


def test_the_history_is_deterministic(demo, history):
    again = staffing_history(demo.figures["staffing"])
    for quarter in STAFFING_QUARTERS:
        pd.testing.assert_frame_equal(again[quarter], history[quarter])


def test_idp_rounds_sum_to_the_iom_oblast_figures(demo):
    rounds = pd.read_csv(ROUNDS_CSV, dtype={"code": str, "pcode": str})
    oblast_of = demo.units[demo.units["level"] == "hromada"].drop_duplicates("code").set_index("code")["oblast_code"]
    by_date = idp_rounds(demo.figures["idp"], demo.units)
    assert sorted(by_date) == ["2024-10-31", "2024-12-31"]
    for number, date in IDP_ROUNDS.items():
        if date not in by_date:
            continue
        frame = by_date[date]
        sums = frame.groupby(frame["code"].map(oblast_of))["idp"].sum(min_count=1)
        published = rounds[rounds["round"] == number].set_index("code")["idp"].astype(float)
        both = published.index.intersection(sums.index)
        np.testing.assert_allclose(sums[both].fillna(0), published[both].fillna(0), rtol=1e-9)
        assert frame["idp_estimated"].all()


@pytest.mark.skipif(not (REALDATA / "idp").exists(), reason="realdata/idp (IOM workbooks) not present")
def test_the_rounds_table_is_what_the_iom_workbooks_say():
    expected = pd.read_csv(ROUNDS_CSV, dtype={"code": str, "pcode": str})
    built = build_idp_rounds(REALDATA / "idp")
    pd.testing.assert_frame_equal(
        built.astype({"idp": float}).reset_index(drop=True),
        expected.astype({"idp": float}).reset_index(drop=True),
        check_dtype=False,
    )
