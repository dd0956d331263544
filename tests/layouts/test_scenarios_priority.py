"""Scenarios page: the priority weights and the minimum of components are the planner's to change."""

from __future__ import annotations

import pytest

from layouts.pages.scenarios import FIELDS, build_scenario, check_fields, input_values
from metrics import Assumptions

ROLES = ("social_work_specialist", "social_worker", "psychologist")


def _scenario(weights: dict, minimum: int | None):
    defaults = Assumptions()
    return build_scenario(
        defaults,
        {r: defaults.role_norm(r).workers_per_10k for r in ROLES},
        1.0,
        260,
        8,
        {r: defaults.cost(r) for r in ROLES},
        0,
        "UA",
        weights,
        minimum,
    )


def test_weights_and_minimum_reach_the_assumptions():
    chosen = _scenario({"gap_per_10k": 0.1, "idp_share": 0.6, "no_psychologist": 0.1, "caseload_per_worker": 0.2}, 2)
    assert chosen.assumptions.weights["idp_share"] == 0.6 and chosen.assumptions.priority_min_components == 2
    shown = input_values(chosen.assumptions, chosen)
    assert shown["scenario-weight-idp_share"] == 0.6 and shown["scenario-min-components"] == 2
    assert list(shown)[:-1] == list(FIELDS)  # the reset callback writes them back in this order
    with pytest.raises(ValueError, match="priority.min_components"):
        _scenario({}, 9)


def test_bad_weights_are_named_on_the_page():
    values = input_values(Assumptions(), None)
    values.pop("scenario-area")
    values["scenario-weight-idp_share"] = -1
    values["scenario-min-components"] = 7
    problems = check_fields(values, "en")
    assert len(problems) == 2
    assert any("IDP share" in p for p in problems) and any("Fewest components" in p for p in problems)
