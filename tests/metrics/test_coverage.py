"""Coverage and gap measures on five hand-checkable hromadas (see conftest), through the one producer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import assumptions_from_dict, compute_tables, planning_measures, safe_divide
from tests.fixtures import H1, H2, H3, H4, H5, O1, O2, R1


def _by_code(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("code")


def _norm(workers_per_10k: float = 2.0, idp_weight: float = 1.0):
    """Assumptions with a community-worker norm (split equally between the two community roles)."""
    return assumptions_from_dict(
        {
            "norm": {"workers_per_10k": workers_per_10k, "idp_weight": idp_weight},
            # hand-checked: residents + IDPs, children only where the table gives them
            "population": {"base": "residents_plus_idp", "children_share": {}},
        }
    )


def test_hromada_ratios(hromadas, units):
    m = _by_code(planning_measures(hromadas, units, "hromada", _norm(2.0, 1.0)))
    assert m.loc[H1, "workers"] == 2
    assert m.loc[H3, "workers_per_10k"] == pytest.approx(4 / 30_000 * 10_000)
    assert m.loc[H2, "workers_per_10k_incl_idp"] == pytest.approx(8 / 50_000 * 10_000)
    assert m.loc[H2, "residents_per_worker"] == pytest.approx(5_000)
    assert m.loc[H2, "required_fte"] == pytest.approx(10.0)
    assert m.loc[H2, "gap_fte"] == pytest.approx(2.0)
    assert m.loc[H1, "vacancy_rate"] == pytest.approx(1 / 3)


def test_no_worker_is_zero_coverage_but_no_data_per_worker(hromadas, units):
    m = _by_code(planning_measures(hromadas, units, "hromada", _norm()))
    assert m.loc[H5, "workers_per_10k"] == 0.0
    assert np.isnan(m.loc[H5, "residents_per_worker"])  # 5,000 / 0 is no data, not infinity


def test_unknown_idp_gives_no_data_not_zero(hromadas, units):
    m = _by_code(planning_measures(hromadas, units, "hromada", _norm()))
    assert np.isnan(m.loc[H4, "workers_per_10k_incl_idp"])
    assert np.isnan(m.loc[H4, "required_fte"])
    assert np.isnan(m.loc[H4, "gap_fte"])
    assert m.loc[H4, "workers_per_10k"] == pytest.approx(1.0)


def test_oblast_ratio_is_recomputed_from_sums_not_averaged(hromadas, units):
    m = _by_code(planning_measures(hromadas, units, "oblast", _norm()))
    assert m.loc[O1, "workers"] == 14
    assert m.loc[O1, "population"] == 80_000
    assert m.loc[O1, "workers_per_10k"] == pytest.approx(1.75)  # mean of ratios would be 1.78
    assert m.loc[O1, "workers_per_10k_incl_idp"] == pytest.approx(14 / 95_000 * 10_000)
    assert m.loc[O1, "gap_fte"] == pytest.approx(19 - 14)
    assert m.loc[O1, "vacancy_rate"] == pytest.approx(1 - 14 / 16)
    assert m.loc[O1, "hromadas"] == 3


def test_aggregate_ratio_uses_only_units_with_both_figures(hromadas, units):
    m = _by_code(planning_measures(hromadas, units, "oblast", _norm()))
    # H4 has no IDP figure: the ratio with IDPs counts only H5 (0 workers, 10,000 people)
    assert m.loc[O2, "workers_per_10k_incl_idp"] == 0.0
    assert m.loc[O2, "gap_fte"] == pytest.approx(2.0)
    assert m.loc[O2, "residents_per_worker"] == pytest.approx(12_500)
    assert m.loc[O2, "idp"] == 5_000  # sum of the known figures


def test_raion_and_country_levels(hromadas, units):
    r = _by_code(planning_measures(hromadas, units, "raion", _norm()))
    assert r.loc[R1, "workers"] == 10
    assert r.loc[R1, "workers_per_10k"] == pytest.approx(2.0)
    c = planning_measures(hromadas, units, "country", _norm())
    assert len(c) == 1
    assert c.loc[0, "workers_per_10k"] == pytest.approx(16 / 105_000 * 10_000)
    assert c.loc[0, "idp_estimated"]


def test_idp_weight_and_norm_change_need(hromadas, units):
    m = _by_code(planning_measures(hromadas, units, "hromada", _norm(workers_per_10k=1.0, idp_weight=0.5)))
    assert m.loc[H2, "required_fte"] == pytest.approx(1.0 * (40_000 + 0.5 * 10_000) / 10_000)


def test_inputs_are_not_changed(hromadas, units):
    before = hromadas.copy()
    planning_measures(hromadas, units, "oblast", _norm())
    pd.testing.assert_frame_equal(hromadas, before)


def test_all_unknown_sums_to_no_data(hromadas, units):
    blank = hromadas.assign(population=np.nan)
    m = _by_code(planning_measures(blank, units, "oblast", _norm()))
    assert np.isnan(m.loc[O1, "population"])
    assert np.isnan(m.loc[O1, "workers_per_10k"])


def test_bad_level_and_norm_are_named():
    with pytest.raises(ValueError, match="level must be"):
        planning_measures(
            pd.DataFrame(columns=["code"]),
            pd.DataFrame(columns=["code", "level", "oblast_code", "raion_code"]),
            "district",
            _norm(),
        )
    with pytest.raises(ValueError, match="workers_per_10k"):
        _norm(workers_per_10k=-1)


def test_safe_divide():
    out = safe_divide(pd.Series([1.0, 1.0, np.nan, 0.0]), pd.Series([2.0, 0.0, 1.0, 0.0]))
    assert out.iloc[0] == 0.5
    assert out.iloc[1:].isna().all()


@pytest.mark.parametrize("level", ["hromada", "raion", "oblast", "country"])
def test_the_producer_gives_the_measures_of_every_level(hromadas, units, level):
    tables = compute_tables(hromadas, units, _norm())
    pd.testing.assert_frame_equal(tables.level(level), planning_measures(hromadas, units, level, _norm()))


def test_the_producer_ranks_from_the_measures_it_computed(hromadas, units):
    from metrics import priority_ranking

    tables = compute_tables(hromadas, units, _norm())
    assert tables.priority("oblast") is tables.priority("oblast")  # computed once
    pd.testing.assert_frame_equal(tables.priority("hromada"), priority_ranking(hromadas, units, _norm()))
    with pytest.raises(TypeError, match="metrics.Assumptions"):
        compute_tables(hromadas, units, object())


def test_the_table_cache_is_safe_under_threads():
    """Eight threads hammering a small cache: no lost or mixed-up entry, never more than its size."""
    import threading

    from metrics import TableCache

    cache, errors = TableCache(size=4), []

    def work(seed: int) -> None:
        for i in range(2_000):
            key = (seed * 7 + i) % 11
            if cache.get(key, lambda key=key: ("value", key)) != ("value", key):
                errors.append(key)
            if len(cache) > 4:
                errors.append("size")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(cache) == 4


def test_a_key_being_made_is_made_once_and_a_failure_lets_the_others_make_it():
    """Issue 17: at 30,000 units the server's start-up work and the first visitor each computed the same tables."""
    import threading

    from metrics import TableCache

    cache, calls, started, release = TableCache(size=4), [], threading.Event(), threading.Event()

    def slow() -> str:
        calls.append("made")
        started.set()
        release.wait(10)
        return "tables"

    answers = []
    first = threading.Thread(target=lambda: answers.append(cache.get("k", slow)))
    first.start()
    started.wait(10)
    others = [threading.Thread(target=lambda: answers.append(cache.get("k", slow))) for _ in range(3)]
    for thread in others:
        thread.start()
    threading.Event().wait(0.3)  # the others reach the cache while the first is still making it
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert answers == ["tables"] * 4 and calls == ["made"]

    def broken() -> str:
        raise RuntimeError("no memory")

    with pytest.raises(RuntimeError, match="no memory"):
        cache.get("j", broken)
    assert cache.get("j", lambda: "made after all") == "made after all"
