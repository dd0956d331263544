"""Property-based tests: aggregates are sums of their parts and ratios are recomputed from sums.

Example counts come from hypothesis settings profiles: ``ci`` (default,
modest) or ``dev`` (more); choose with ``HYPOTHESIS_PROFILE=dev``.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import ROLES, Assumptions, aggregate_planning, hromada_planning_base, planning_measures
from metrics.planning import _RATIOS, _SUMS

settings.register_profile(
    "ci", max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=500, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

OBLASTS = ("UA05000000000010236", "UA07000000000024379")
RAIONS = {OBLASTS[0]: ("UA05020000000026686", "UA05040000000050292"), OBLASTS[1]: ("UA07020000000036559",)}
LEVELS = ("raion", "oblast", "country")


def _maybe(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(values, st.just(float("nan")))


counts = st.integers(0, 12).map(float)
people = st.integers(0, 200_000).map(float)


@st.composite
def atlases(draw) -> tuple[pd.DataFrame, pd.DataFrame, Assumptions]:
    n = draw(st.integers(1, 12))
    rows, units = [], []
    for i in range(n):
        oblast = draw(st.sampled_from(OBLASTS))
        raion = draw(st.sampled_from(RAIONS[oblast]))
        code = f"UA{oblast[2:4]}0000{i:05d}000000000"
        units.append({"code": code, "level": "hromada", "oblast_code": oblast, "raion_code": raion})
        row = {"code": code, "population": draw(_maybe(people)), "idp": draw(_maybe(people))}
        row["population_children"] = draw(_maybe(people))
        for role in ROLES:
            row[f"{role}_approved"] = draw(_maybe(counts))
            row[f"{role}_filled"] = draw(_maybe(counts))
        row["families_sjo"] = draw(_maybe(st.integers(0, 500).map(float)))
        row["low_income_families"] = draw(_maybe(st.integers(0, 500).map(float)))
        row["idp_estimated"] = draw(st.booleans())
        rows.append(row)
    assumptions = Assumptions().updated(
        {
            "norm.idp_weight": draw(st.sampled_from([0.0, 0.5, 1.0])),
            "norm.psychologist.workers_per_10k_children": draw(st.sampled_from([0.0, 3.0, 20.0])),
        }
    )
    return pd.DataFrame(rows), pd.DataFrame(units), assumptions


def _close(a: float, b: float) -> bool:
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return bool(np.isclose(a, b, rtol=1e-9, atol=1e-9))


def _members(units: pd.DataFrame, level: str) -> pd.Series:
    if level == "country":
        return pd.Series("UA", index=units["code"])
    return units.set_index("code")[f"{level}_code"]


@given(atlases())
def test_aggregated_counts_are_sums_of_the_parts(atlas):
    hromadas, units, assumptions = atlas
    base = hromada_planning_base(hromadas, assumptions)  # what planning_measures computes first, once here
    parts = planning_measures(hromadas, units, "hromada", assumptions).set_index("code")
    for level in LEVELS:
        whole = aggregate_planning(base, units, level, assumptions).set_index("code")
        key = parts.index.map(_members(units, level))
        assert whole["hromadas"].sum() == len(hromadas)
        expected = parts[_SUMS].groupby(key).sum(min_count=1).reindex(whole.index)
        got = whole[_SUMS].astype(float)
        same = np.isclose(got, expected, rtol=1e-9, atol=1e-9) | (got.isna() & expected.isna()).to_numpy()
        assert same.all(), (level, got.columns[~same.all(axis=0)].tolist())
        estimated = hromadas.assign(k=key.to_numpy()).groupby("k")["idp_estimated"].any()
        assert (whole["idp_estimated"] == estimated.reindex(whole.index)).all()


@given(atlases())
def test_ratios_are_recomputed_from_sums_at_every_level(atlas):
    hromadas, units, assumptions = atlas
    computed = hromada_planning_base(hromadas, assumptions)
    base = computed.set_index("code")
    both = {name: base[num].notna() & base[den].notna() for name, num, den, _ in _RATIOS}
    nums = pd.DataFrame({name: base[num].where(both[name]) for name, num, _, _ in _RATIOS})
    dens = pd.DataFrame({name: base[den].where(both[name]) for name, _, den, _ in _RATIOS})
    scales = pd.Series({name: scale for name, _, _, scale in _RATIOS})
    for level in ("hromada", *LEVELS):
        whole = aggregate_planning(computed, units, level, assumptions).set_index("code")
        key = base.index.to_series() if level == "hromada" else base.index.map(_members(units, level))
        n, d = nums.groupby(key).sum(), dens.groupby(key).sum()
        expected = (scales * n / d.where(d > 0)).reindex(whole.index)
        for name in expected.columns:
            if name.endswith("vacancy_rate"):
                expected[name] = 1 - expected[name]
        got = whole[expected.columns].astype(float)
        same = np.isclose(got, expected, rtol=1e-9, atol=1e-9) | (got.isna() & expected.isna()).to_numpy()
        assert same.all(), (level, got.columns[~same.all(axis=0)].tolist())


@given(atlases())
def test_country_is_the_sum_of_its_oblasts(atlas):
    hromadas, units, assumptions = atlas
    base = hromada_planning_base(hromadas, assumptions)
    oblasts = aggregate_planning(base, units, "oblast", assumptions)
    country = aggregate_planning(base, units, "country", assumptions).iloc[0]
    for column in ("population", "workers", "required_fte", "gap_fte", "shortfall_fte", "wisn_required"):
        assert _close(country[column], oblasts[column].sum(min_count=1)), column
