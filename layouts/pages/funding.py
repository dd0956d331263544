"""Funding planner: a budget, position costs, an objective and constraints -> whole positions by hromada.

The allocator (``metrics.allocate``) solves the plan exactly as a mixed-integer
program and also greedily; both objective values are shown. The plan of the
session can be downloaded as .xlsx.

A run is a background job (:mod:`layouts.jobs`): a click checks the choices
and issues a ticket, the job solves the plan with a progress bar (the time
used of the solver's :data:`PLAN_SECONDS`) and a cancel button, and the page
takes the result back into the session and draws it.
"""

from __future__ import annotations

import dataclasses

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from core.text import format_count, format_number, role_label, solver_text, t
from exports import COLUMNS, plan_workbook
from exports.brief import plan_brief_pdf
from exports.planning import PLAN_COLUMNS, plan_facts, plan_rows
from metrics import ROLES, Allocation, allocate

from .. import ids
from ..components import (
    data_table,
    facts_table,
    field,
    graph_config,
    grid_columns,
    map_caption,
    parse_amount,
    read_number,
    records,
)
from ..figures import choropleth, prompt_figure, zoom_to
from ..jobs import (
    brief_button,
    issue_ticket,
    job_controls,
    register_background,
    register_brief,
    run_with_clock,
    take_result,
)
from ..state import AtlasState

_OPTIONS = ("min_one", "include_occupied", "exclude_hostilities", "no_vacancies", "served_children")
#: wall-clock seconds the allocator may take (the job's progress bar counts them)
PLAN_SECONDS = 20.0


def _x(key: str, lang: str) -> str:
    """The page's text ``funding_<key>`` from the catalogue (``core.text``)."""
    return t(f"funding_{key}", lang)


def _oblast_caps(text: str | None, units: pd.DataFrame) -> dict[str, float]:
    """``"UA23=10000000"`` lines (KATOTTG code or P-code) -> caps; a bad line raises ``ValueError`` naming it."""
    oblasts = units[units["level"] == "oblast"]
    by_pcode = dict(zip(oblasts["pcode"].str.upper(), oblasts["code"]))
    codes = set(oblasts["code"])
    out: dict[str, float] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip().upper()
        code = key if key in codes else by_pcode.get(key)
        try:
            amount = float(value.replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except ValueError:
            amount = None
        if not sep or code is None or amount is None:
            raise ValueError(f"line {number} {line.strip()!r}: expected CODE=UAH with an oblast code such as UA23")
        out[code] = amount
    return out


def make_plan(
    dataset,
    assumptions,
    budget: float,
    objective: str,
    measure: str,
    options: list[str],
    roles: list[str],
    years: int | None = None,
    hromada_share: float | None = None,
    psychologist_share: float | None = None,
    oblast_caps: str | None = None,
):
    """Run the allocator with the page's choices (a thin wrapper: all logic is in ``metrics.allocate``).

    Shares are in per cent; ``oblast_caps`` is text of ``code=UAH`` lines.
    Raises ``ValueError`` naming the choice that is not valid.
    """
    options = options or []
    changes = {}
    if years:
        changes["funding.years"] = int(years)
    if hromada_share is not None:
        changes["funding.max_hromada_share"] = float(hromada_share) / 100
    if psychologist_share is not None:
        changes["funding.max_role_share.psychologist"] = float(psychologist_share) / 100
    if "no_vacancies" in options:
        changes["funding.fill_vacancies"] = False
    if changes:
        assumptions = assumptions.updated(changes)
    statuses = () if "include_occupied" in options else ("occupied",)
    if "exclude_hostilities" in options:
        statuses = (*statuses, "hostilities")
    return allocate(
        dataset.hromadas,
        dataset.units,
        assumptions,
        float(budget or 0),
        objective,
        equity_measure=measure or "norm",
        roles=tuple(roles) or None,
        min_one_worker="min_one" in options,
        served="children" if "served_children" in options else "people",
        oblast_budget_caps=_oblast_caps(oblast_caps, dataset.units),
        exclude_statuses=statuses,
        time_limit=PLAN_SECONDS,
    )


def plan_options(options: list[str] | None, roles: list[str] | None) -> dict:
    """The page's constraints as ``metrics.allocate`` keywords (what a plan brief prints)."""
    options = options or []
    statuses = () if "include_occupied" in options else ("occupied",)
    if "exclude_hostilities" in options:
        statuses = (*statuses, "hostilities")
    return {
        "roles": tuple(roles or ()) or None,
        "min_one_worker": "min_one" in options,
        "exclude_statuses": statuses,
        "served": "children" if "served_children" in options else "people",
    }


#: Allocation fields a plan brief does not read and session state cannot keep (tuples of reason codes).
_UNKEPT_COLUMNS = ("reasons",)


def keep_plan(plan, options: dict) -> dict:
    """The plan and its options as session state (JSON-able: the allocation's public fields)."""
    fields = {}
    for f in dataclasses.fields(plan):
        value = getattr(plan, f.name)
        if isinstance(value, pd.DataFrame):
            value = value.drop(columns=[c for c in _UNKEPT_COLUMNS if c in value])
        fields[f.name] = value
    return {"plan": fields, "options": options}


def kept_plan(value: dict | None):
    """(Allocation, options) back from :func:`keep_plan`, or None."""
    if not value:
        return None
    return Allocation(**value["plan"]), value["options"]


def _plan_brief(state: AtlasState):
    def make(source, lang: str):
        made = kept_plan(state.get_value("plan_result"))
        if made is None:
            return None
        plan, options = made
        return plan_brief_pdf(source, plan, lang, options=options), f"funding_plan_{lang}.pdf"

    return make


def plan_parameters(
    measure: str,
    options: list[str] | None,
    roles: list[str] | None,
    lang: str,
    *,
    hromada_share: float | None = None,
    psychologist_share: float | None = None,
    oblast_caps: str | None = None,
    units: pd.DataFrame | None = None,
) -> tuple:
    """The page's choices as (catalogue key, value) rows for the plan's cover (budget, objective and years are
    the plan's own: :func:`exports.planning.plan_facts`): roles, constraints, the share caps and oblast caps."""
    chosen = [_x(o, lang) for o in (options or []) if o in _OPTIONS]
    rows = [
        ("plan_roles", ", ".join(t(f"role_{r}", lang) for r in (roles or ROLES))),
        ("plan_constraints", "; ".join(chosen) or "—"),
    ]
    if hromada_share is not None:
        rows.append(("plan_hromada_share", f"{format_number(float(hromada_share), 0, lang)} %"))
    if psychologist_share is not None:
        rows.append(("plan_psychologist_share", f"{format_number(float(psychologist_share), 0, lang)} %"))
    caps = _oblast_caps(oblast_caps, units) if units is not None and oblast_caps else {}
    if caps:
        names = units.drop_duplicates("code").set_index("code")[f"name_{lang}"]
        shown = [f"{code} ({names.get(code, code)}): {format_number(cap, 0, lang)}" for code, cap in caps.items()]
        rows.append(("plan_oblast_caps", "; ".join(shown)))
    return tuple(rows)


def summary_view(plan, lang: str) -> html.Div:
    def value(v, decimals=0):
        return format_number(v, decimals, lang) if v is not None else "—"

    message, *notes = plan.messages
    return html.Div(
        [
            html.P(solver_text([message], lang), id="funding-message"),
            *([html.Ul([html.Li(solver_text([n], lang)) for n in notes], className="notes")] if notes else []),
            facts_table(
                ["", *(_x(k, lang) for k in ("spent", "positions", "objective_value"))],
                [
                    (_x("exact", lang), value(plan.spent), value(plan.positions), value(plan.objective_value, 1)),
                    (
                        _x("greedy", lang),
                        value(plan.greedy_spent),
                        value(plan.greedy_positions),
                        value(plan.greedy_objective_value, 1),
                    ),
                ],
                id="funding-summary-table",
            ),
            html.P(format_count(plan.hromadas_funded, "hromada", lang), id="funding-hromadas"),
            html.P(
                f"{_x('vacancies', lang)}: {value(plan.vacancies_filled)}; {_x('new_posts', lang)}: "
                f"{value(plan.new_posts)}; {_x('by_year', lang)}: "
                + "; ".join(value(c) for c in plan.cost_by_year)
                + f"; {_x('served', lang)}: {value(plan.people_served)}",
                id="funding-facts",
            ),
        ],
        id="funding-summary",
    )


#: the form's small numbers: choice -> (lowest, highest, whole number only)
SMALL_NUMBERS = {"years": (1, 5, True), "hromada_share": (1, 100, False), "psychologist_share": (0, 100, False)}


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    funding = state.assumptions().funding
    return html.Div(
        [
            html.P(_x("hint", lang)),
            html.Div(
                className="fields",
                children=[
                    field(
                        _x("budget", lang),
                        dcc.Input(
                            id="funding-budget",
                            type="text",
                            inputMode="numeric",
                            value=format_number(60_000_000, 0, lang),
                            debounce=True,
                        ),
                    ),
                    field(
                        _x("objective", lang),
                        dcc.RadioItems(
                            id="funding-objective",
                            options=[{"label": _x(o, lang), "value": o} for o in ("coverage", "equity", "lifted")],
                            value="coverage",
                        ),
                    ),
                    field(
                        _x("measure", lang),
                        dcc.RadioItems(
                            id="funding-measure",
                            options=[{"label": _x(m, lang), "value": m} for m in ("norm", "wisn")],
                            value="norm",
                        ),
                    ),
                    field(
                        _x("options", lang),
                        dcc.Checklist(
                            id="funding-options",
                            options=[{"label": _x(o, lang), "value": o} for o in _OPTIONS],
                            value=[],
                        ),
                    ),
                    *[
                        field(
                            _x(key, lang),
                            dcc.Input(
                                id=f"funding-{key.replace('_', '-')}",
                                type="text",  # typed the user's way; checked by read_number (no browser stepper)
                                inputMode="decimal",
                                value=format_number(value, 0, lang),
                                debounce=True,
                                className="number-field",
                            ),
                        )
                        for key, value in (
                            ("years", funding.years),
                            ("hromada_share", round(100 * funding.max_hromada_share)),
                            ("psychologist_share", round(100 * funding.role_shares().get("psychologist", 1))),
                        )
                    ],
                    field(
                        _x("oblast_caps", lang),
                        dcc.Textarea(id="funding-oblast-caps", value="", placeholder="UA23=10000000"),
                    ),
                    field(
                        _x("roles", lang),
                        dcc.Checklist(
                            id="funding-roles",
                            options=[{"label": role_label(k, lang), "value": k} for k in ROLES],
                            value=["social_work_specialist", "social_worker"],
                        ),
                    ),
                ],
            ),
            html.Div(
                [
                    job_controls("funding-plan", _x("run", lang), lang, start_id="funding-run", download=False),
                    html.Button(_x("download", lang), id="funding-download-button", n_clicks=0),
                    dcc.Download(id="funding-download"),
                    html.Span(id="funding-download-status", className="notice", role="status"),
                    brief_button("funding", lang, "brief_plan_button"),
                ],
                className="controls",
            ),
            dcc.Loading(html.Div(id="funding-result")),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(id="funding-caption"),
                            dcc.Graph(
                                id="funding-map",
                                figure=prompt_figure(t("funding_prompt", lang)),
                                config=graph_config(lang),
                            ),
                        ],
                        className="map",
                    ),
                    html.Div(data_table("funding-table", [], [], page_size=20, lang=lang), className="ranking"),
                ],
                className="main",
            ),
        ]
    )


#: The plan table's columns shown on the page: hromada, oblast, status, role, positions (vacancies
#: filled, new posts), cost, before and after, why (the workbook has every one of ``PLAN_COLUMNS``).
_SHOWN = (*PLAN_COLUMNS[1:9], "filled_before", "filled_after", "reason")


def _columns(lang: str) -> list[dict]:
    out = []
    for c in _SHOWN:
        spec = COLUMNS[c]
        column = {"name": spec.header(lang), "id": c}
        if not spec.is_text:
            column["decimals"] = 1 if spec.kind == "positions" else 0
        out.append(column)
    return grid_columns(out, lang)


def register(app: dash.Dash, state: AtlasState) -> None:
    register_brief(app, state, "funding", _plan_brief(state))

    @app.callback(
        Output("funding-result", "children", allow_duplicate=True),
        Output("funding-plan-ticket", "data"),
        Input("funding-run", "n_clicks"),
        State("funding-budget", "value"),
        State("funding-objective", "value"),
        State("funding-measure", "value"),
        State("funding-options", "value"),
        State("funding-roles", "value"),
        State("funding-years", "value"),
        State("funding-hromada-share", "value"),
        State("funding-psychologist-share", "value"),
        State("funding-oblast-caps", "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def run(_clicks, budget, objective, measure, options, roles, years, hromada_share, psy_share, caps, lang):
        """A click: check the choices, then start the job (a ticket). The plan is drawn by :func:`show`."""
        problems = []

        def checked(read, *args, **kwargs):
            try:
                return read(*args, **kwargs)
            except ValueError as exc:  # every bad field is said at once, each by its name
                problems.append(str(exc))
                return None

        choices = {
            "budget": checked(parse_amount, budget, lang, _x("budget", lang)),
            "objective": objective,
            "measure": measure,
            "options": options,
            "roles": roles,
            **{
                key: checked(read_number, value, lang, _x(key, lang), *SMALL_NUMBERS[key])
                for key, value in zip(SMALL_NUMBERS, (years, hromada_share, psy_share))
            },
            "oblast_caps": caps,
        }
        checked(_oblast_caps, caps, state.dataset().units)  # a bad line is said now, before any job starts
        if problems:
            return html.Div([html.P(p, className="error") for p in problems]), dash.no_update
        choices["years"] = int(choices["years"])
        return dash.no_update, issue_ticket(state, choices=choices)

    @app.callback(
        Output("funding-result", "children"),
        Output("funding-map", "figure"),
        Output("funding-table", "rowData"),
        Output("funding-table", "columnDefs"),
        Output("funding-caption", "children"),
        Input("funding-plan-done", "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def show(job, lang):
        """The job done: keep its plan in the session (for the download and the brief) and draw it."""
        found, value = take_result(state, job)
        if not found or "error" in value:
            message = value["error"] if found else t("job_result_lost", lang)
            return html.P(message, className="error"), dash.no_update, [], _columns(lang), dash.no_update
        state.set_value("plan", value["table"])
        state.set_value("plan_facts", value["facts"])
        state.set_value("plan_result", value["kept"])
        plan, _options = kept_plan(value["kept"])
        table = value["table"]
        return (
            summary_view(plan, lang),
            plan_map(state, plan, lang),
            records(table, list(table.columns)),
            _columns(lang),
            map_caption(state.dataset(), "positions_funded", "hromada", lang),
        )

    def solve(ticket, lang, progress):
        """The job: the allocator on the ticket's dataset and assumptions, the bar counting its seconds."""
        dataset, choices = ticket["dataset"], ticket["choices"]
        plan = run_with_clock(
            lambda: make_plan(dataset, ticket["assumptions"], **choices),
            PLAN_SECONDS,
            progress,
            lambda seconds: t("job_solving", lang, seconds=int(seconds), limit=int(PLAN_SECONDS)),
        )
        progress(PLAN_SECONDS, PLAN_SECONDS, t("job_finishing", lang))
        options, roles = choices["options"], choices["roles"]
        return {
            "table": plan_rows(plan, dataset.units, lang),
            "facts": plan_facts(
                plan,
                plan_parameters(
                    choices["measure"],
                    options,
                    roles,
                    lang,
                    hromada_share=choices["hromada_share"],
                    psychologist_share=choices["psychologist_share"],
                    oblast_caps=choices["oblast_caps"],
                    units=dataset.units,
                ),
            ),
            "kept": keep_plan(plan, plan_options(options, roles)),
        }

    register_background(app, state, "funding-plan", solve, start_id="funding-run")

    @app.callback(
        Output("funding-download", "data"),
        Output("funding-download-status", "children"),
        Input("funding-download-button", "n_clicks"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def download(_clicks, lang):
        table = state.get_value("plan")
        if table is None:  # nothing to download yet: say why, instead of doing nothing
            return dash.no_update, t("brief_no_plan", lang)
        content = plan_workbook(table, tuple(state.get_value("plan_facts", ())), state.dataset(), lang)
        return dcc.send_bytes(content, "funding_plan.xlsx"), ""


def plan_map(state: AtlasState, plan, lang: str):
    """Positions funded per hromada on the hromada map (none: grey)."""
    data = state.tables()
    hromadas = data.tables["hromada"].copy()
    funded = plan.allocations.groupby("code")["positions"].sum() if len(plan.allocations) else pd.Series(dtype=float)
    hromadas["positions_funded"] = hromadas["code"].map(funded)
    figure = choropleth(state.geo_url("hromada"), hromadas.sort_values("code"), "positions_funded", lang)
    shapes = state.dataset().boundaries.get("hromada")
    if len(funded) and shapes is not None:  # the view frames the hromadas that get money, not the whole country
        zoom_to(figure, shapes[shapes["code"].isin(funded.index)].total_bounds)
    return figure
