"""Funding page: the planner may count the need in children (the norm per 10,000 children)."""

from __future__ import annotations

from core.text import t
from layouts.pages.funding import _OPTIONS, make_plan, plan_options
from metrics import Assumptions


def test_the_children_option_plans_for_children_and_is_named_in_both_languages(demo):
    assert "served_children" in _OPTIONS
    assert "дітей" in t("funding_served_children", "uk") and "children" in t("funding_served_children", "en")
    plan = make_plan(demo, Assumptions(), 5_000_000, "coverage", "norm", ["served_children"], [])
    people = make_plan(demo, Assumptions(), 5_000_000, "coverage", "norm", [], [])
    assert plan.served == "children" and people.served == "people"
    assert 0 < plan.people_served < people.people_served  # children served to the norm, fewer than people
    assert plan_options(["served_children"], [])["served"] == "children"
