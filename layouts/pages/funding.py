"""Funding planner: a budget, position costs, an objective and constraints -> whole positions by hromada.

The allocator (``metrics.allocate``) solves the plan exactly as a mixed-integer
program and also greedily; both objective values are shown. The plan of the
session can be downloaded as .xlsx.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from core.text import format_number, t
from exports import COLUMNS, plan_workbook
from exports.planning import plan_facts, plan_rows
from loaders import ROLE_LABELS
from metrics import ROLES, allocate

from .. import ids
from ..components import data_table, graph_config, number_format, records
from ..figures import choropleth
from ..state import AtlasState

_TEXT = {
    "uk": {
        "budget": "Бюджет на рік, грн",
        "objective": "Мета",
        "coverage": "Охопити якомога більше людей за нормативом",
        "equity": "Спершу найгірше забезпечені громади",
        "measure": "Для «найгірше забезпечених»: показник",
        "residents_per_worker": "мешканців на працівника",
        "wisn_shortfall": "дефіцит за WISN",
        "options": "Обмеження",
        "min_one": "Щонайменше один працівник там, де немає жодного",
        "above_gap": "Дозволити більше посад, ніж дефіцит",
        "roles": "Посади, які можна фінансувати",
        "run": "Розрахувати план",
        "download": "Завантажити план (.xlsx)",
        "spent": "Витрачено",
        "positions": "посад",
        "hromadas": "громад",
        "exact": "Точний розв'язок (MILP)",
        "greedy": "Жадібний алгоритм",
        "objective_value": "значення мети",
        "name": "Громада",
        "oblast": "Область",
        "role": "Посада",
        "cost": "Вартість, грн",
        "gap": "Дефіцит до плану",
        "hint": "Вартість посад — у сценаріях; розрахунок займає до кількох секунд.",
    },
    "en": {
        "budget": "Budget a year, UAH",
        "objective": "Objective",
        "coverage": "Cover as many people as possible to the norm",
        "equity": "Lift the worst-off hromadas first",
        "measure": "For “worst-off”: measure",
        "residents_per_worker": "residents per worker",
        "wisn_shortfall": "WISN shortfall",
        "options": "Constraints",
        "min_one": "At least one worker where there is none",
        "above_gap": "Allow more positions than the gap",
        "roles": "Roles that may be funded",
        "run": "Make the plan",
        "download": "Download the plan (.xlsx)",
        "spent": "Spent",
        "positions": "positions",
        "hromadas": "hromadas",
        "exact": "Exact (MILP)",
        "greedy": "Greedy",
        "objective_value": "objective value",
        "name": "Hromada",
        "oblast": "Oblast",
        "role": "Role",
        "cost": "Cost, UAH",
        "gap": "Gap before the plan",
        "hint": "Position costs are set on the Scenarios page; the plan takes up to a few seconds.",
    },
}
ROLE_NAMES = {lang: {role: ROLE_LABELS[role][i] for role in ROLES} for i, lang in enumerate(("uk", "en"))}


def _x(key: str, lang: str) -> str:
    return _TEXT.get(lang, _TEXT["uk"])[key]


def make_plan(dataset, assumptions, budget: float, objective: str, measure: str, options: list[str], roles: list[str]):
    """Run the allocator with the page's choices (a thin wrapper: all logic is in ``metrics.allocate``)."""
    return allocate(
        dataset.hromadas,
        dataset.units,
        assumptions,
        float(budget or 0),
        objective,
        equity_measure=measure,
        roles=tuple(roles) or None,
        allow_above_gap="above_gap" in (options or []),
        min_one_worker="min_one" in (options or []),
        time_limit=20.0,
    )


def plan_parameters(measure: str, options: list[str] | None, roles: list[str] | None, lang: str) -> tuple:
    """The page's choices as (catalogue key, value) rows for the plan's cover."""
    chosen = [_x(o, lang) for o in (options or []) if o in ("min_one", "above_gap")]
    return (
        ("plan_roles", ", ".join(t(f"role_{r}", lang) for r in (roles or ROLES))),
        ("plan_constraints", "; ".join(chosen) or "—"),
    )


def summary_view(plan, lang: str) -> html.Div:
    def value(v, decimals=0):
        return format_number(v, decimals, lang) if v is not None else "—"

    return html.Div(
        [
            html.P(plan.message),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(""),
                                html.Th(_x("spent", lang)),
                                html.Th(_x("positions", lang)),
                                html.Th(_x("objective_value", lang)),
                            ]
                        )
                    ),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Th(_x("exact", lang), scope="row"),
                                    html.Td(value(plan.spent)),
                                    html.Td(value(plan.positions)),
                                    html.Td(value(plan.objective_value, 1)),
                                ]
                            ),
                            html.Tr(
                                [
                                    html.Th(_x("greedy", lang), scope="row"),
                                    html.Td(value(plan.greedy_spent)),
                                    html.Td(value(plan.greedy_positions)),
                                    html.Td(value(plan.greedy_objective_value, 1)),
                                ]
                            ),
                        ]
                    ),
                ],
                className="profile-table",
                id="funding-summary-table",
            ),
            html.P(f"{plan.hromadas_funded} {_x('hromadas', lang)}"),
        ],
        id="funding-summary",
    )


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    return html.Div(
        [
            html.P(_x("hint", lang)),
            html.Div(
                className="fields",
                children=[
                    html.Div(
                        [
                            html.Label(_x("budget", lang), htmlFor="funding-budget"),
                            dcc.Input(id="funding-budget", type="number", min=0, step=100000, value=20_000_000),
                        ],
                        className="field",
                    ),
                    html.Div(
                        [
                            html.Label(_x("objective", lang), htmlFor="funding-objective"),
                            dcc.RadioItems(
                                id="funding-objective",
                                options=[{"label": _x(o, lang), "value": o} for o in ("coverage", "equity")],
                                value="coverage",
                            ),
                        ],
                        className="field",
                    ),
                    html.Div(
                        [
                            html.Label(_x("measure", lang), htmlFor="funding-measure"),
                            dcc.RadioItems(
                                id="funding-measure",
                                options=[
                                    {"label": _x(m, lang), "value": m}
                                    for m in ("residents_per_worker", "wisn_shortfall")
                                ],
                                value="residents_per_worker",
                            ),
                        ],
                        className="field",
                    ),
                    html.Div(
                        [
                            html.Label(_x("options", lang), htmlFor="funding-options"),
                            dcc.Checklist(
                                id="funding-options",
                                options=[{"label": _x(o, lang), "value": o} for o in ("min_one", "above_gap")],
                                value=[],
                            ),
                        ],
                        className="field",
                    ),
                    html.Div(
                        [
                            html.Label(_x("roles", lang), htmlFor="funding-roles"),
                            dcc.Checklist(
                                id="funding-roles",
                                options=[{"label": v, "value": k} for k, v in ROLE_NAMES[lang].items()],
                                value=["social_work_specialist", "social_worker"],
                            ),
                        ],
                        className="field",
                    ),
                ],
            ),
            html.Div(
                [
                    html.Button(_x("run", lang), id="funding-run", n_clicks=0),
                    html.Button(_x("download", lang), id="funding-download-button", n_clicks=0),
                    dcc.Download(id="funding-download"),
                ],
                className="controls",
            ),
            dcc.Loading(html.Div(id="funding-result")),
            html.Div(
                [
                    html.Div(
                        dcc.Graph(id="funding-map", config=graph_config(lang)),
                        className="map",
                    ),
                    html.Div(data_table("funding-table", [], [], page_size=20), className="ranking"),
                ],
                className="main",
            ),
        ]
    )


_SHOWN = ("hromada_name", "oblast_name", "role", "positions", "cost", "role_gap_fte")


def _columns(lang: str) -> list[dict]:
    out = []
    for c in _SHOWN:
        spec = COLUMNS[c]
        column = {"name": spec.header(lang), "id": c}
        if not spec.is_text:
            column |= {"type": "numeric", "format": number_format(1 if spec.kind == "positions" else 0, lang)}
        out.append(column)
    return out


def register(app: dash.Dash, state: AtlasState) -> None:
    @app.callback(
        Output("funding-result", "children"),
        Output("funding-map", "figure"),
        Output("funding-table", "data"),
        Output("funding-table", "columns"),
        Input("funding-run", "n_clicks"),
        State("funding-budget", "value"),
        State("funding-objective", "value"),
        State("funding-measure", "value"),
        State("funding-options", "value"),
        State("funding-roles", "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def run(_clicks, budget, objective, measure, options, roles, lang):
        dataset = state.dataset()
        plan = make_plan(dataset, state.assumptions(), budget, objective, measure, options, roles)
        table = plan_rows(plan, dataset.units, lang)
        state.set_value("plan", table)
        state.set_value("plan_facts", plan_facts(plan, plan_parameters(measure, options, roles, lang)))
        return (
            summary_view(plan, lang),
            plan_map(state, plan, lang),
            records(table, list(table.columns)),
            _columns(lang),
        )

    @app.callback(
        Output("funding-download", "data"),
        Input("funding-download-button", "n_clicks"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def download(_clicks, lang):
        table = state.get_value("plan")
        if table is None:
            return dash.no_update
        content = plan_workbook(table, tuple(state.get_value("plan_facts", ())), state.dataset(), lang)
        return dcc.send_bytes(content, "funding_plan.xlsx")


def plan_map(state: AtlasState, plan, lang: str):
    """Positions funded per hromada on the hromada map (none: grey)."""
    data = state.tables()
    hromadas = data.tables["hromada"].copy()
    funded = plan.allocations.groupby("code")["positions"].sum() if len(plan.allocations) else pd.Series(dtype=float)
    hromadas["positions_funded"] = hromadas["code"].map(funded)
    return choropleth(state.geo_url("hromada"), hromadas.sort_values("code"), "positions_funded", lang)
