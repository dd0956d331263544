"""Scenarios page: the priority weights, the minimum of components and the population base are the planner's."""

from __future__ import annotations

import pytest

from core.text import t
from layouts.pages.scenarios import FIELDS, _inputs, build_scenario, check_fields, input_values
from metrics import Assumptions

ROLES = ("social_work_specialist", "social_worker", "psychologist")


def _scenario(weights: dict, minimum: int | None, base: str | None = None, standards: dict | None = None):
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
        base,
        standards,
    )


def test_weights_and_minimum_reach_the_assumptions():
    chosen = _scenario({"gap_per_10k": 0.1, "idp_share": 0.6, "no_psychologist": 0.1, "caseload_per_worker": 0.2}, 2)
    assert chosen.assumptions.weights["idp_share"] == 0.6 and chosen.assumptions.priority_min_components == 2
    shown = input_values(chosen.assumptions, chosen)
    assert shown["scenario-weight-idp_share"] == 0.6 and shown["scenario-min-components"] == 2
    assert list(shown) == [*FIELDS, "scenario-area", "scenario-base"]  # the reset callback writes them back so
    with pytest.raises(ValueError, match="priority.min_components"):
        _scenario({}, 9)


def test_bad_weights_are_named_on_the_page():
    values = input_values(Assumptions(), None)
    values.pop("scenario-area")
    values.pop("scenario-base")
    values["scenario-weight-idp_share"] = -1
    values["scenario-min-components"] = 7
    problems = check_fields(values, "en")
    assert len(problems) == 2
    assert any("IDP share" in p for p in problems) and any("Fewest components" in p for p in problems)


def _find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found = _find(child, component_id)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_population_base_is_chosen_on_the_page_in_the_users_language(lang):
    fields = _inputs(input_values(Assumptions(), None), lang, [])
    control = _find(fields, "scenario-base")
    assert control is not None and control.value == "present"  # the default: each IDP once, occupied out
    labels = {o["value"]: o["label"] for o in control.options}
    assert set(labels) == {"pre_war", "residents_plus_idp", "present"}
    assert labels["residents_plus_idp"] == t("base_option_residents_plus_idp", lang)
    assert ("верхня межа" if lang == "uk" else "upper bound") in labels["residents_plus_idp"]
    upper = _scenario({}, None, "residents_plus_idp")
    assert upper.assumptions.population_base == "residents_plus_idp"
    assert input_values(upper.assumptions, upper)["scenario-base"] == "residents_plus_idp"
    with pytest.raises(ValueError, match="population.base must be one of"):
        _scenario({}, None, "everyone")


def test_wisn_activity_standards_per_role_are_fields_of_the_page():
    shown = input_values(Assumptions(), None)
    assert shown["scenario-wisn-sjo-hours"] == 24 and shown["scenario-wisn-sjo-months"] == 6
    assert shown["scenario-wisn-home-care-hours"] == 240
    changed = _scenario({}, None, None, {"scenario-wisn-sjo-months": 3, "scenario-wisn-home-care-hours": 120})
    wisn = changed.assumptions.wisn
    assert wisn.category("social_worker").case_types[0].hours_per_case == 120
    sjo = wisn.category("social_work_specialist").case_types[0]
    assert (sjo.column, sjo.duration_months, sjo.hours_per_case) == ("families_sjo", 3, 24)
    assert input_values(changed.assumptions, changed)["scenario-wisn-sjo-months"] == 3
    values = {**shown, "scenario-wisn-home-care-hours": 0}
    values.pop("scenario-area"), values.pop("scenario-base")
    problems = check_fields(values, "uk")
    assert len(problems) == 1 and "догляду вдома" in problems[0]
