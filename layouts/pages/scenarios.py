"""Scenarios page: edit planning assumptions and input changes for this session; before / after / change.

"Before" is the dataset with the default assumptions; "after" applies the
session's edits: norms per role, IDP weight, WISN working time, position
costs, and IDPs of one oblast (or all) up or down. The edited assumptions
become this session's assumptions on every page (map, profile, exports);
"Reset" returns to the defaults. Nothing is shared with other sessions.
"""

from __future__ import annotations

import math
from dataclasses import replace

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from core.schema import ROLES
from core.text import format_number, label, name_column, parse_number, t
from exports.scenario import scenario_workbook
from metrics import IdpChange, Scenario, compare_scenarios
from metrics.assumptions import PRIORITY_COMPONENTS, PositionCost, RoleNorm
from metrics.population import BASES

from .. import ids
from ..components import data_table, dropdown, field, graph_config, grid_columns, map_caption, read_number, records
from ..figures import choropleth
from ..state import AtlasState, StorageError

#: Measures compared before and after (labels from the catalogue, ``core.text.label``), with decimals.
COMPARED = {
    name: ({lang: label(name, lang) for lang in ("uk", "en")}, decimals)
    for name, decimals in (
        ("gap_fte", 1),
        ("required_fte", 1),
        ("workers_per_10k_incl_idp", 2),
        ("wisn_required", 1),
        ("idp", 0),
    )
}


#: WISN activity standards edited on the page: field id -> (role, case type, attribute) of ``[wisn.<role>]``.
WISN_STANDARDS = {
    "scenario-wisn-sjo-hours": ("social_work_specialist", "families_sjo", "hours_per_case"),
    "scenario-wisn-sjo-months": ("social_work_specialist", "families_sjo", "duration_months"),
    "scenario-wisn-home-care-hours": ("social_worker", "home_care_recipients", "hours_per_case"),
}


def _wisn_standard(assumptions, field_id: str) -> float | None:
    role, column, attribute = WISN_STANDARDS[field_id]
    category = assumptions.wisn.category(role)
    for case in category.case_types if category else ():
        if case.column == column:
            return getattr(case, attribute)
    return None


def _x(key: str, lang: str) -> str:
    """The page's text ``scenario_<key>`` from the catalogue (``core.text``)."""
    return t(f"scenario_{key}", lang)


def build_scenario(
    defaults,
    norms: dict[str, float],
    idp_weight: float,
    working_days: float,
    hours_per_day: float,
    costs: dict[str, float],
    idp_percent: float,
    area: str | None,
    priority_weights: dict[str, float] | None = None,
    min_components: int | None = None,
    population_base: str | None = None,
    wisn_standards: dict[str, float] | None = None,
) -> Scenario:
    """A scenario from the page's inputs (invalid values raise ``ValueError`` naming the key).

    ``priority_weights`` and ``min_components`` change ``[priority]`` (the priority index);
    ``population_base`` the ``[population] base`` of need (one of ``metrics.population.BASES``);
    ``wisn_standards`` (field id of :data:`WISN_STANDARDS` -> value) the WISN activity standards of the
    roles whose category has the case type (others are left as they are).
    """
    norm_by_role = {n.role: n for n in defaults.norms}
    new_norms = tuple(
        replace(norm_by_role[r], workers_per_10k=float(norms[r])) if r in norm_by_role else RoleNorm(r, float(norms[r]))
        for r in ROLES
    )
    national = tuple(PositionCost(r, float(costs[r])) for r in ROLES)
    per_oblast = tuple(c for c in defaults.costs if c.oblast_code)
    assumptions = replace(
        defaults,
        norms=new_norms,
        idp_weight=float(idp_weight),
        wisn=replace(defaults.wisn, working_days=float(working_days), hours_per_day=float(hours_per_day)),
        costs=national + per_oblast,
    )
    priority = {f"priority.{c}": float(w) for c, w in (priority_weights or {}).items() if w is not None}
    if min_components is not None:
        priority["priority.min_components"] = int(min_components)
    if population_base is not None:
        priority["population.base"] = population_base
    for field_id, value in (wisn_standards or {}).items():
        if value is not None and _wisn_standard(defaults, field_id) is not None:
            role, column, attribute = WISN_STANDARDS[field_id]
            priority[f"wisn.{role}.case_types.{column}.{attribute}"] = float(value)
    if priority:
        assumptions = assumptions.updated(priority)
    changes = (IdpChange(area or "UA", percent=float(idp_percent)),) if idp_percent else ()
    return Scenario(name="session", assumptions=assumptions, idp_changes=changes)


def comparison(dataset, defaults, scenario: Scenario, level: str) -> pd.DataFrame:
    """Before / after / change per unit of ``level``, with names."""
    before = Scenario(name="defaults", assumptions=defaults)
    table = compare_scenarios(dataset.hromadas, dataset.units, level, before, scenario, tuple(COMPARED))
    names = dataset.units.drop_duplicates("code").set_index("code")[["name_uk", "name_en"]]
    return table.join(names, on="code")


#: the page's number fields: id -> (label key, lowest, highest allowed); the browser is not trusted with the bounds
FIELDS = {
    **{f"scenario-norm-{r}": ("norm", 0, None) for r in ROLES},
    "scenario-idp-weight": ("idp_weight", 0, None),
    "scenario-working-days": ("working_days", 1, 366),
    "scenario-hours": ("hours_per_day", 1, 24),
    **{f"scenario-cost-{r}": ("cost", 0, None) for r in ROLES},
    "scenario-idp-percent": ("idp_change", -100, None),
    **{f"scenario-weight-{c}": ("priority_weight", 0, None) for c in PRIORITY_COMPONENTS},
    "scenario-min-components": ("min_components", 0, 4),
    "scenario-wisn-sjo-hours": ("scenario_wisn_sjo_hours", 0.1, 2000),
    "scenario-wisn-sjo-months": ("scenario_wisn_sjo_months", 0.5, 120),
    "scenario-wisn-home-care-hours": ("scenario_wisn_home_care_hours", 0.1, 2000),
}


#: fields that take a whole number
WHOLE = frozenset({"scenario-min-components", "scenario-working-days"})


def field_label(field_id: str, lang: str) -> str:
    key = FIELDS[field_id][0]
    if field_id in WISN_STANDARDS:
        return t(key, lang)
    if key == "priority_weight":
        component = field_id.removeprefix("scenario-weight-")
        return f"{_x(key, lang)}: {t(f'priority_component_{component}', lang)}"
    role = next((r for r in ROLES if field_id.endswith(r)), None)
    return f"{_x(key, lang)}: {t(f'role_plural_{role}', lang)}" if role else _x(key, lang)


#: fields of large amounts (UAH): shown grouped the user's way ("200 000"). Every field is typed as text in the
#: user's format ("0,5" in uk, "0.5" in en): a browser's number field reads only its own locale's decimal
#: mark, drops a "0,5" it cannot read without a word, and groups nothing.
GROUPED = frozenset(f"scenario-cost-{r}" for r in ROLES)


def typed_number(value: object, lang: str) -> float | None:
    """A number from a field: a number as is, a text typed the user's way ("200 000", "2,5" in uk); else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return parse_number(str(value), lang)
    except ValueError:
        return None


def shown_value(field_id: str, value: object, lang: str) -> object:
    """What a field shows: a number as text in the user's format (an amount grouped, ``200 000``; a share
    ``0,05``; as many decimals as it has, up to 4), anything else as is."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return value
    if field_id in GROUPED:
        return format_number(value, 0 if float(value).is_integer() else 2, lang)
    decimals = len(f"{round(float(value), 4):f}".rstrip("0").partition(".")[2])
    return format_number(value, decimals, lang)


def check_fields(values: dict[str, object], lang: str) -> list[str]:
    """Every problem among the page's numbers at once, each naming its field: ``[]`` when all are fine."""
    problems = []
    for field_id, value in values.items():
        _, low, high = FIELDS[field_id]
        try:
            read_number(value, lang, field_label(field_id, lang), low, high, whole=field_id in WHOLE)
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def input_values(current, scenario: Scenario | None) -> dict[str, object]:
    """What the fields show: the session's assumptions and the IDP change applied (or the defaults)."""
    norms = {n.role: n.workers_per_10k for n in current.norms}
    costs = {c.role: c.annual_cost_uah for c in current.costs if not c.oblast_code}
    change = scenario.idp_changes[0] if scenario is not None and scenario.idp_changes else None
    return {
        **{f"scenario-norm-{r}": norms.get(r, 0.0) for r in ROLES},
        "scenario-idp-weight": current.idp_weight,
        "scenario-working-days": current.wisn.working_days,
        "scenario-hours": current.wisn.hours_per_day,
        **{f"scenario-cost-{r}": costs.get(r, 0.0) for r in ROLES},
        "scenario-idp-percent": change.percent if change is not None else 0,
        **{f"scenario-weight-{c}": current.weights[c] for c in PRIORITY_COMPONENTS},
        "scenario-min-components": current.priority_min_components,
        **{f: _wisn_standard(current, f) for f in WISN_STANDARDS},
        "scenario-area": change.area if change is not None else "UA",
        "scenario-base": current.population_base,
    }


def _inputs(values: dict[str, object], lang: str, oblasts: list[dict]) -> html.Div:
    def number(field_id: str) -> html.Div:
        value = shown_value(field_id, values[field_id], lang)
        component = dcc.Input(
            id=field_id, type="text", inputMode="decimal", value=value, debounce=True, className="number-field"
        )
        return field(field_label(field_id, lang), component)

    return html.Div(
        [
            field(
                t("scenario_base", lang),
                dropdown(
                    lang,
                    id="scenario-base",
                    options=[{"label": t(f"base_option_{b}", lang), "value": b} for b in BASES],
                    value=values["scenario-base"],
                    clearable=False,
                    style={"minWidth": "320px"},
                ),
            ),
            *[number(field_id) for field_id in FIELDS],
            field(
                _x("area", lang),
                dropdown(
                    lang,
                    id="scenario-area",
                    options=[{"label": _x("all", lang), "value": "UA"}, *oblasts],
                    value=values["scenario-area"],
                    clearable=False,
                    style={"minWidth": "220px"},
                ),
            ),
        ],
        className="fields",
    )


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    data = state.tables()
    oblasts = [
        {"label": getattr(r, name_column(lang)), "value": r.code}
        for r in data.tables["oblast"].sort_values("name_uk").itertuples()
    ]
    current = state.assumptions()
    return html.Div(
        [
            html.P(_x("intro", lang)),
            _inputs(input_values(current, state.get_value("scenario")), lang, oblasts),
            html.Div(
                [
                    html.Button(_x("apply", lang), id="scenario-apply", n_clicks=0),
                    html.Button(_x("reset", lang), id="scenario-reset", n_clicks=0),
                    html.Button(_x("download", lang), id="scenario-download-button", n_clicks=0),
                    dcc.Download(id="scenario-download"),
                    html.Span(id="scenario-status", **{"aria-live": "polite"}),
                ],
                className="controls",
            ),
            html.Div(
                [
                    html.Label(_x("level", lang), htmlFor="scenario-level"),
                    dcc.RadioItems(
                        id="scenario-level",
                        options=[
                            {"label": t("oblast", lang), "value": "oblast"},
                            {"label": t("hromada", lang), "value": "hromada"},
                        ],
                        value="oblast",
                        inline=True,
                    ),
                    html.Label(_x("measure", lang), htmlFor="scenario-measure"),
                    dropdown(
                        lang,
                        id="scenario-measure",
                        options=[{"label": v[0][lang], "value": k} for k, v in COMPARED.items()],
                        value="gap_fte",
                        clearable=False,
                        style={"minWidth": "280px"},
                    ),
                ],
                className="controls",
            ),
            html.Div(
                [
                    html.Div(
                        [html.Div(id="scenario-caption"), dcc.Graph(id="scenario-map", config=graph_config(lang))],
                        className="map",
                    ),
                    html.Div(data_table("scenario-table", [], [], page_size=20, lang=lang), className="ranking"),
                ],
                className="main",
            ),
        ]
    )


def register(app: dash.Dash, state: AtlasState) -> None:
    inputs = (
        [State(f"scenario-norm-{r}", "value") for r in ROLES]
        + [
            State("scenario-idp-weight", "value"),
            State("scenario-working-days", "value"),
            State("scenario-hours", "value"),
        ]
        + [State(f"scenario-cost-{r}", "value") for r in ROLES]
        + [State("scenario-idp-percent", "value"), State("scenario-area", "value")]
        + [State(f"scenario-weight-{c}", "value") for c in PRIORITY_COMPONENTS]
        + [State("scenario-min-components", "value")]
        + [State(f, "value") for f in WISN_STANDARDS]
        + [State("scenario-base", "value")]
    )

    @app.callback(
        Output("scenario-status", "children"),
        Output("scenario-map", "figure"),
        Output("scenario-table", "rowData"),
        Output("scenario-table", "columnDefs"),
        Output("scenario-caption", "children"),
        Input("scenario-apply", "n_clicks"),
        Input("scenario-reset", "n_clicks"),
        Input("scenario-level", "value"),
        Input("scenario-measure", "value"),
        *inputs,
        State(ids.LANG, "data"),
    )
    def update(_apply, _reset, level, measure, n1, n2, n3, weight, days, hours, c1, c2, c3, percent, area, *rest):
        *priority_weights, min_components, sjo_hours, sjo_months, home_care_hours, base, lang = rest
        standards = dict(zip(WISN_STANDARDS, (sjo_hours, sjo_months, home_care_hours)))
        defaults = state.default_assumptions
        trigger = dash.ctx.triggered_id
        status = ""
        if trigger == "scenario-reset":
            state.reset_assumptions()
            state.set_value("scenario", None)
            status = _x("defaults", lang)
        elif trigger == "scenario-apply":
            given = (n1, n2, n3, weight, days, hours, c1, c2, c3, percent, *priority_weights, min_components)
            given = (*given, *standards.values())
            values = dict(zip(FIELDS, given))
            for field_id in WISN_STANDARDS:  # a standard the assumptions have no category for is not asked
                if _wisn_standard(defaults, field_id) is None:
                    values.pop(field_id)
            problems = check_fields(values, lang)
            if problems:
                status = html.Ul([html.Li(f"⚠ {p}") for p in problems], className="rejected")
                return status, dash.no_update, dash.no_update, dash.no_update, dash.no_update
            n1, n2, n3, weight, days, hours, c1, c2, c3, percent, *numbers = (typed_number(v, lang) for v in given)
            priority_weights = numbers[: len(PRIORITY_COMPONENTS)]
            min_components = numbers[len(PRIORITY_COMPONENTS)]
            standards = dict(zip(WISN_STANDARDS, numbers[len(PRIORITY_COMPONENTS) + 1 :]))
            try:
                scenario = build_scenario(
                    defaults,
                    dict(zip(ROLES, (n1, n2, n3))),
                    weight,
                    days,
                    hours,
                    dict(zip(ROLES, (c1, c2, c3))),
                    percent or 0,
                    area,
                    dict(zip(PRIORITY_COMPONENTS, priority_weights)),
                    min_components,
                    base if base in BASES else None,
                    standards,
                )
            except (TypeError, ValueError) as exc:
                return f"⚠ {exc}", dash.no_update, dash.no_update, dash.no_update, dash.no_update
            try:
                state.set_assumptions(scenario.assumptions)
                state.set_value("scenario", scenario)
            except StorageError as exc:
                message = t("setting_failed", lang).format(reason=exc)
                return f"⚠ {message}", dash.no_update, dash.no_update, dash.no_update, dash.no_update
            status = _x("applied", lang)
        scenario = state.get_value("scenario") or Scenario(name="session", assumptions=state.assumptions())
        title = change_title(measure, lang)
        caption = map_caption(state.dataset(), "change", level, lang, title=title)
        return (status, *scenario_view(state, scenario, level, measure, lang), caption)

    # after a reset the fields show the defaults again (not the edited values that no longer apply)
    @app.callback(
        *[Output(field_id, "value") for field_id in (*FIELDS, "scenario-area", "scenario-base")],
        Input("scenario-reset", "n_clicks"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def reset_fields(_clicks, lang):
        values = input_values(state.default_assumptions, None)
        return tuple(shown_value(field_id, value, lang) for field_id, value in values.items())

    _download(app, state)


def _download(app: dash.Dash, state: AtlasState) -> None:
    @app.callback(
        Output("scenario-download", "data"),
        Input("scenario-download-button", "n_clicks"),
        State("scenario-level", "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def download(_clicks, level, lang):
        scenario = state.get_value("scenario") or Scenario(name="session", assumptions=state.assumptions())
        dataset = state.dataset()
        table = comparison(dataset, state.default_assumptions, scenario, level)
        detail = state.tables().detail
        content = scenario_workbook(
            table,
            dataset.units,
            state.default_assumptions,
            scenario,
            level,
            lang,
            title=dataset.title,
            approximate_boundaries=dataset.approximate_boundaries,
            estimated_idp=bool("idp_estimated" in detail and detail["idp_estimated"].fillna(False).astype(bool).any()),
        )
        return dcc.send_bytes(content, f"scenario_{level}.xlsx")


def change_title(measure: str, lang: str) -> str:
    """``Дефіцит посад: зміна`` — what the change map shows."""
    return f"{COMPARED[measure][0][lang]}: {_x('change', lang).lower()} ({_x('after', lang)} − {_x('before', lang)})"


def scenario_view(state: AtlasState, scenario: Scenario, level: str, measure: str, lang: str):
    """The change map and the before / after / change table."""
    table = comparison(state.dataset(), state.default_assumptions, scenario, level)
    shown = table.assign(
        name=table[name_column(lang)],
        population=float("nan"),
        workers=float("nan"),
        idp_estimated=False,
        change=table[f"{measure}_change"],
    )
    shown["idp"] = table.get("idp_after", float("nan"))
    figure = choropleth(state.geo_url(level), shown.sort_values("code"), "change", lang)
    # the value layer (the first trace) says what changes, not "Зміна ()"
    figure.data[0].colorbar.title.text = f"{_x('change', lang)}:<br>{COMPARED[measure][0][lang]}"
    label, decimals = COMPARED[measure]
    columns = [{"name": _x("name", lang), "id": "name"}] + [
        {
            "name": f"{label[lang]}: {_x(part, lang)}",
            "id": f"{measure}_{part}",
            "decimals": decimals,
        }
        for part in ("before", "after", "change")
    ]
    ordered = shown.sort_values(f"{measure}_change", key=lambda s: -s.abs(), na_position="last")
    rows = records(ordered, ["name", f"{measure}_before", f"{measure}_after", f"{measure}_change"])
    return figure, rows, grid_columns(columns, lang)
