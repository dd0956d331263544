"""Method page: every formula and assumption in plain language, with sources."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import dcc, html

from core.text import TEXT, format_number, t
from metrics.assumptions import Assumptions

from .. import ids
from ..components import facts_table
from ..state import AtlasState

ROOT = Path(__file__).resolve().parents[2]


def method_markdown(lang: str = "en") -> str:
    """``docs/method.uk.md`` in Ukrainian, ``docs/method.md`` in English (else README's method section)."""
    page = ROOT / "docs" / {"uk": "method.uk.md"}.get(lang, "method.md")
    if not page.exists():
        page = ROOT / "docs" / "method.md"
    if page.exists():
        return page.read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Method")
    end = readme.index("\n## ", start + 5)
    return readme[start:end]


def assumption_rows(assumptions: Assumptions, lang: str) -> list[tuple[str, str, str]]:
    """(parameter, value, unit) of every planning assumption in use, in ``lang``'s words and number format."""

    def n(value, decimals=None) -> str:
        value = float(value)
        return format_number(value, decimals if decimals is not None else (0 if value.is_integer() else 2), lang)

    def w(key: str, fallback: str) -> str:  # a role or weight added to the file later still shows, by its key
        return t(key, lang) if key in TEXT["uk"] else fallback

    rows = []
    for norm in assumptions.norms:
        role = w(f"role_{norm.role}", norm.role)
        rows.append((f"{t('assume_norm', lang)}: {role}", n(norm.workers_per_10k), t("unit_per_10k_people", lang)))
        rows.append(
            (
                f"{t('assume_norm_children', lang)}: {role}",
                n(norm.workers_per_10k_children),
                t("unit_per_10k_children", lang),
            )
        )
    rows.append((t("assume_idp_weight", lang), n(assumptions.idp_weight), t("unit_residents_per_idp", lang)))
    wisn = assumptions.wisn
    for key in ("working_days", "public_holidays", "annual_leave_days", "sick_days", "training_days"):
        rows.append((t(f"assume_{key}", lang), n(getattr(wisn, key)), t("unit_days_a_year", lang)))
    rows.append((t("assume_hours_per_day", lang), n(wisn.hours_per_day), t("unit_hours", lang)))
    if not wisn.categories:
        rows.append((t("assume_support_share", lang), n(100 * wisn.support_share, 0), "%"))
        for case in wisn.case_types:
            rows.append((f"{t('assume_hours_per_case', lang)}: {w(f'assume_case_{case.column}', case.column)}",
                         n(case.hours_per_case), t("unit_hours_a_year", lang)))  # fmt: skip
    for category in wisn.categories:
        role = w(f"role_{category.role}", category.role)
        for case in category.case_types:
            period = (
                t("assume_case_flow", lang)
                if case.count == "flow"
                else t("assume_case_stock", lang, months=n(case.duration_months))
            )
            rows.append((f"WISN, {role}: {t('assume_hours_per_case', lang)}: "
                         f"{w(f'assume_case_{case.column}', case.column)} ({period})",
                         n(case.hours_per_case), t("unit_hours_per_case", lang)))  # fmt: skip
        for activity in category.support:
            rows.append((f"WISN, {role}: {t('assume_support_share', lang)}: {activity.activity}",
                         n(100 * activity.share, 0), "%"))  # fmt: skip
        for activity in category.additional:
            staff_hours = f"{n(activity.staff)} × {n(activity.hours_per_year)}"
            rows.append((f"WISN, {role}: {t('assume_additional', lang)}: {activity.activity}",
                         staff_hours, t("unit_hours_a_year_each", lang)))  # fmt: skip
    for cost in assumptions.costs:
        if cost.oblast_code is None:
            rows.append((f"{t('assume_cost', lang)}: {w(f'role_{cost.role}', cost.role)}", n(cost.annual_cost_uah, 0),
                         t("unit_uah_a_year", lang)))  # fmt: skip
    rows.append((t("assume_caseload_max", lang), n(assumptions.caseload_per_worker_max), t("unit_cases", lang)))
    for key, weight in assumptions.priority_weights:
        rows.append((f"{t('assume_priority_weight', lang)}: {w(f'assume_priority_{key}', key)}", n(weight), ""))
    return rows


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    rows = assumption_rows(state.assumptions(), lang)
    header = [t(k, lang) for k in ("assume_parameter", "assume_value", "assume_unit")]
    table = facts_table(header, rows, id="method-assumptions")
    return html.Div(
        [
            dcc.Markdown(method_markdown(lang), id=ids.METHOD_BODY, className="method"),
            html.H2(t("assume_title", lang)),
            html.P(t("assume_intro", lang)),
            table,
        ]
    )


def register(app: dash.Dash, state: AtlasState) -> None:
    """The method page has no callbacks."""
