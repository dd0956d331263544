"""The schema at the loaders/metrics boundary: one definition, checks that collect every problem."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.schema import (
    ALL_ROLES,
    COMMUNITY_ROLES,
    HROMADA_COLUMNS,
    LEVELS,
    ROLES,
    UNIT_LEVELS,
    check_hromadas,
    check_units,
)


def test_roles_and_levels_are_one_definition_reused_by_every_package():
    import loaders
    import metrics
    from loaders import dataset

    assert loaders.ROLES is ROLES and metrics.ROLES is ROLES and loaders.ALL_ROLES is ALL_ROLES
    assert set(COMMUNITY_ROLES) < set(ROLES) and ALL_ROLES[: len(ROLES)] == ROLES
    assert dataset.LEVELS is UNIT_LEVELS and UNIT_LEVELS == LEVELS[1:] == ("oblast", "raion", "hromada")
    assert dataset.HROMADA_COLUMNS is HROMADA_COLUMNS and len(set(HROMADA_COLUMNS)) == len(HROMADA_COLUMNS)


def test_the_demo_conforms(demo):
    assert check_hromadas(demo.hromadas) == []
    assert check_units(demo.units) == []


def test_every_problem_is_reported_at_once(hromadas):
    bad = hromadas.drop(columns=["families_sjo"]).assign(
        population=[1.0, -5.0, np.inf, 3.0, 4.0], idp_estimated=["yes"] * 5
    )
    bad = pd.concat([bad, bad.iloc[[0]]], ignore_index=True)
    problems = check_hromadas(bad)
    assert any("'families_sjo'" in p and "missing" in p for p in problems)
    assert any("'population' must be >= 0" in p for p in problems)
    assert any("'population' has infinite values" in p for p in problems)
    assert any("'idp_estimated' must be True/False" in p for p in problems)
    assert any("codes appear more than once" in p for p in problems)
    assert len(problems) == 5
