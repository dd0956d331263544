"""Map page: oblast / raion / hromada choropleths, drill-down, search, ranking table, profile."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import dash
import flask
import pandas as pd
from dash import ClientsideFunction, Input, Output, State, dcc, html

from core.schema import UNIT_LEVELS as LEVELS
from core.text import METRIC_LABELS, label, metric_label, name_column, t

from .. import ids
from ..components import (
    data_table,
    dropdown,
    graph_config,
    grid_columns,
    metric_dropdown,
    profile_card,
    records,
    register_search,
    session_caption,
)
from ..figures import choropleth, map_change, selection_patch
from ..state import AtlasState
from ..views import AtlasData, download_bytes, shown_table, sort_model

DEFAULT_METRIC = "workers_per_10k"


#: columns of the ranking table besides the chosen metric
_COUNT_COLUMNS = ("population", "idp", "workers")


def table_columns(metric: str, lang: str) -> list[dict]:
    """Ranking-table columns (see :func:`~layouts.components.grid_columns`), ranked by the metric.

    The chosen metric gets its own column (its field is the metric's name:
    every metric travels with the rows, see :func:`table_rows`) unless it is
    one of the counts shown anyway (population, IDPs, workers): no column
    twice. The table starts sorted by the metric, the map's order.
    """
    direction = "asc" if METRIC_LABELS[metric]["scale"] == "sequential_reversed" else "desc"
    columns = [{"name": t("name", lang), "id": "name"}]
    columns += [{"name": t(c, lang), "id": c, "decimals": 0} for c in _COUNT_COLUMNS]
    if metric in _COUNT_COLUMNS:
        columns[1 + _COUNT_COLUMNS.index(metric)]["sort"] = direction
    else:
        decimals = METRIC_LABELS[metric]["decimals"]
        columns.append({"name": metric_label(metric, lang), "id": metric, "decimals": decimals, "sort": direction})
    return [*columns, {"name": label("coverage", lang), "id": "coverage"}]


PAGE_SIZE = 25


def row_metrics(table) -> list[str]:
    """The map metrics a row carries: every one the table has (a metric switch then sends no rows)."""
    return [m for m in METRIC_LABELS if m in table and m not in _COUNT_COLUMNS]


def _row_table(data: AtlasData, level, metric, oblast, lang) -> pd.DataFrame:
    table = shown_table(data, level, metric, oblast, lang).reset_index(drop=True)
    metrics = row_metrics(table)
    # two digits beyond what the table shows (the filter compares those): about half the bytes of full floats
    table = table.assign(**{m: table[m].round(METRIC_LABELS[m]["decimals"] + 2) for m in metrics})
    return table[["code", "name", *_COUNT_COLUMNS, *metrics, "coverage"]]


def table_rows(data: AtlasData, level, metric, oblast, lang) -> list[dict]:
    """Every row of the ranking table, ranked by the metric, with every map metric's value.

    Each row's ``code`` identifies it. The table filters, sorts and pages in
    the browser; a download applies the same filter and sorting
    (:func:`~layouts.views.download_bytes`). Because every metric travels
    with the rows, a metric switch only changes which column is shown.
    """
    table = _row_table(data, level, metric, oblast, lang)
    return records(table, list(table.columns))


def table_rows_json(data: AtlasData, level, metric, oblast, lang) -> str:
    """:func:`table_rows` as JSON text, written by pandas' C writer (NaN as null): linear and fast at 30,000 rows."""
    return _row_table(data, level, metric, oblast, lang).to_json(orient="records", force_ascii=False)


#: where the browser fetches the map table's rows (see :func:`rows_url`, :func:`rows_response`)
ROWS_PATH = "/rows/map/"


def _change(metric: str) -> bool:
    from metrics.change import CHANGE_MEASURES

    return metric in CHANGE_MEASURES


def rows_url(state: AtlasState, level: str, metric: str, oblast: str | None, lang: str) -> str:
    """URL of the map table's rows, versioned by the tables they come from (``?v=``: cached as immutable).

    The rows carry every metric (:func:`table_rows`), so the URL names no
    metric, only whether the change metrics are compared (``change=1``):
    a metric switch fetches nothing, and a later visit to the same view
    finds the rows in the browser's cache.
    """
    query = {"oblast": oblast or "", "lang": lang, "change": int(_change(metric)), "v": state.tables_key(metric)}
    return f"{ROWS_PATH}{level}.json?{urlencode(query)}"


def rows_response(state: AtlasState, level: str) -> flask.Response:
    """The rows :func:`rows_url` names, as JSON: ``immutable`` under the current version, else revalidated.

    The rows come from this session's tables; ``v`` is their
    :meth:`~layouts.state.AtlasState.tables_key`. Under that version the
    content never changes, so the browser keeps it for good (``private``:
    the tables may be of the session's own upload); an old version gets the
    current rows with ``no-cache`` (its ETag answers a revalidation).
    """
    request = flask.request
    lang = request.args.get("lang") if request.args.get("lang") in ("uk", "en") else "uk"
    change = request.args.get("change") == "1"
    oblast = request.args.get("oblast") or None
    if level not in LEVELS or (oblast is not None and len(oblast) > 40):
        flask.abort(404)
    from metrics.change import CHANGE_MEASURES

    metric = next(iter(CHANGE_MEASURES)) if change else DEFAULT_METRIC
    key = state.tables_key(metric)
    etag = hashlib.sha256(f"{key}|{level}|{oblast or ''}|{lang}|{change}".encode()).hexdigest()[:20]
    # flask-compress appends the encoding to the tag it sends (":br", ":gzip")
    if any(tag.split(":")[0] == etag for tag in request.if_none_match):
        response = flask.Response(status=304)
    else:
        data = state.tables(metric=metric)
        if oblast is not None and oblast not in set(data.tables["oblast"]["code"]):
            flask.abort(404)
        # the same for every session on the same tables: written once per version and view (state.figure's memo)
        rows = state.figure(
            ("map-rows", key, change, level, oblast or "", lang),
            lambda: table_rows_json(data, level, metric, oblast, lang),
        )
        response = flask.Response(rows, mimetype="application/json")
    response.set_etag(etag)
    if request.args.get("v") == key:
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


#: the table's rows arrive from :func:`rows_url` (the browser's cache on a later visit), not in a callback
#: The map comes first: the rows are fetched at once, but read and handed to the table once the map is
#: drawn (or after 4 s), so that the table's work does not hold up the map's drawing in the browser.
_FETCH_ROWS = f"""async function(url) {{
    if (!url) {{ return window.dash_clientside.no_update; }}
    const answer = fetch(url, {{credentials: "same-origin"}});
    for (let i = 0; i < 40; i++) {{
        const gd = document.querySelector("#{ids.MAP} .js-plotly-plot");
        if (gd && gd._fullLayout && !gd.classList.contains("dash-graph--pending")) {{ break; }}
        await new Promise(done => setTimeout(done, 100));
    }}
    const rows = await answer;
    if (!rows.ok) {{ return window.dash_clientside.no_update; }}
    return await rows.json();
}}"""


def selected_rows(selected: str | None) -> dict:
    """The table's highlighted row (``selectedRows``): the selected unit's, if any."""
    return {"ids": [selected] if selected else []}


#: the table turns to the page of the selected unit's row (in the table's own sorting and filter),
#: once the rows that hold it have arrived
_GO_TO_SELECTED = f"""async function(selected) {{
    const no = window.dash_clientside.no_update;
    if (!selected || !window.dash_ag_grid) {{ return no; }}
    const api = await window.dash_ag_grid.getApiAsync("{ids.TABLE}");
    for (let i = 0; i < 100 && !api.getRowNode(selected); i++) {{
        await new Promise(done => setTimeout(done, 100));
    }}
    const node = api.getRowNode(selected);
    if (node && node.rowIndex !== null) {{
        api.paginationGoToPage(Math.floor(node.rowIndex / api.paginationGetPageSize()));
        api.ensureNodeVisible(node, "middle");
    }}
    return no;
}}"""


def map_state(query: dict) -> tuple[str, str, str | None, str | None]:
    """(level, metric, oblast, selected hromada) from URL query parameters, validated."""
    level = query.get("level") if query.get("level") in LEVELS else "oblast"
    metric = query.get("metric") if query.get("metric") in METRIC_LABELS else DEFAULT_METRIC
    oblast = query.get("oblast") or None
    code = query.get("code") or None
    return level, metric, oblast, code


def drill_down(trigger, click_data, search_value, level, oblast, data: AtlasData, table_cell: dict | None = None):
    """New (oblast, level, selected unit) after a map click, a table click, a search or the reset button.

    A click on an oblast (on the map or in the table) opens its hromadas; a
    click on a hromada or raion selects it (outlined, its row highlighted,
    a hromada's profile shown); a search hit for a hromada opens its oblast
    at hromada level and selects it, for a raion its oblast's raions, for an
    oblast its hromadas; reset goes back to all oblasts.
    """
    no = dash.no_update
    if trigger == ids.RESET:
        return None, "oblast", None
    if trigger == ids.SEARCH and search_value:
        detail = data.detail.set_index("code")
        if search_value in detail.index:
            return detail.loc[search_value, "oblast_code"], "hromada", search_value
        raions = data.tables["raion"].set_index("code")
        if search_value in raions.index:
            return raions.loc[search_value, "oblast_code"], "raion", search_value
        if search_value in set(data.tables["oblast"]["code"]):
            return search_value, "hromada", None
        return no, no, no
    if trigger == ids.TABLE and table_cell:
        row = table_cell.get("rowId")
        if not row:
            return no, no, no
        if level == "oblast":
            return row, "hromada", None
        return no, no, row
    if trigger == ids.MAP and click_data:
        points = click_data.get("points") or []
        location = points[0].get("location") if points else None
        if not location:
            return no, no, no
        if level == "oblast":
            return location, "hromada", None
        if level == "raion":
            raion = data.tables["raion"].set_index("code")
            return (raion.loc[location, "oblast_code"] if location in raion.index else no), "hromada", None
        return no, no, location
    return no, no, no


def _area(data: AtlasData, level: str, oblast: str | None, lang: str) -> str | None:
    """The oblast a raion or hromada map is limited to, by name."""
    if not oblast or level == "oblast":
        return None
    names = data.tables["oblast"].set_index("code")[name_column(lang)]
    return str(names[oblast]) if oblast in names.index else None


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    """The map page as the URL describes it, drawn as it comes: figure, table columns and rows' URL included.

    No callback runs before the map is drawn (the figure is part of the
    layout); the table's rows are fetched from :func:`rows_url` (the
    browser's cache on a later visit).
    """
    data = state.tables()
    level, metric, oblast, code = map_state(query)
    notes = [t("click_hint", lang), t("table_hint", lang)]
    unknown = None
    if oblast and oblast not in set(data.tables["oblast"]["code"]):  # a mistyped link: say so, show all Ukraine
        unknown, oblast = (
            html.P(t("oblast_unknown", lang, code=str(oblast)[:40]), className="notice", role="alert"),
            None,
        )
    geo_url = state.geo_url(level)
    figure = state.figure(
        ("map", state.tables_key(metric), geo_url, level, oblast, metric, lang, code),
        lambda: choropleth(geo_url, map_units(state.tables(metric=metric), level, oblast), metric, lang, code),
    )
    return html.Div(
        [
            unknown,
            html.Div(
                className="controls",
                children=[
                    html.Label(t("level", lang), htmlFor=ids.LEVEL),
                    dcc.RadioItems(
                        id=ids.LEVEL,
                        options=[{"label": t(lv, lang), "value": lv} for lv in LEVELS],
                        value=level,
                        inline=True,
                    ),
                    html.Label(t("metric", lang), htmlFor=ids.METRIC),
                    metric_dropdown(lang, ids.METRIC, metric),
                    html.Button(t("reset", lang), id=ids.RESET, n_clicks=0),
                    html.Span(
                        breadcrumb(data, level, oblast, lang),
                        id=ids.BREADCRUMB,
                        className="breadcrumb",
                        **{"aria-live": "polite"},
                    ),
                ],
            ),
            html.Div(
                className="controls",
                children=[
                    html.Label(t("search", lang), htmlFor=ids.SEARCH),
                    dropdown(
                        lang,
                        id=ids.SEARCH,
                        options=[],
                        placeholder=t("search_placeholder", lang),
                        style={"minWidth": "420px"},
                    ),
                ],
            ),
            # "" for none: a store made with no data reports a change when it mounts (null -> undefined),
            # which would run every map callback before the first click
            dcc.Store(id=ids.OBLAST, data=oblast or ""),
            dcc.Store(id=ids.SELECTED, data=code or ""),
            dcc.Store(id=ids.DRAWN, data=drawn_key(geo_url, level, oblast, lang)),
            # a metric switch's change to the map drawn (map_change), repainted in the browser ({}: none yet)
            dcc.Store(id=ids.MAP_CHANGE, data={}),
            html.Div(
                className="main",
                children=[
                    html.Div(
                        [
                            html.Div(
                                session_caption(
                                    state,
                                    metric,
                                    level,
                                    lang,
                                    _area(data, level, oblast, lang),
                                    data=data,
                                    oblast=oblast,
                                ),
                                id=ids.MAP_CAPTION,
                            ),
                            dcc.Graph(id=ids.MAP, figure=figure, config=graph_config(lang, scroll_zoom=True)),
                        ],
                        className="map",
                    ),
                    html.Div(
                        className="ranking",
                        children=[
                            html.Button(t("download", lang), id=ids.DOWNLOAD_BUTTON, n_clicks=0),
                            dcc.Download(id=ids.DOWNLOAD),
                            dcc.Store(id=ids.TABLE_ROWS, data=rows_url(state, level, metric, oblast, lang)),
                            data_table(
                                ids.TABLE,
                                table_columns(metric, lang),
                                [],
                                page_size=PAGE_SIZE,
                                lang=lang,
                                row_id="code",
                                select=True,
                                selected=selected_rows(code),
                            ),
                        ],
                    ),
                ],
            ),
            html.Div(profile_card(data, code, lang) if code else None, id=ids.PROFILE),
            html.Ul([html.Li(n) for n in notes], id=ids.NOTE, className="notes"),
        ]
    )


def register(app: dash.Dash, state: AtlasState) -> None:
    @app.callback(
        Output(ids.MAP_CAPTION, "children"),
        Input(ids.LEVEL, "value"),
        Input(ids.METRIC, "value"),
        Input(ids.OBLAST, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def caption(level, metric, oblast, lang):
        data = state.tables()
        return session_caption(state, metric, level, lang, _area(data, level, oblast, lang), data=data, oblast=oblast)

    @app.callback(
        Output(ids.OBLAST, "data"),
        Output(ids.LEVEL, "value"),
        Output(ids.SELECTED, "data"),
        Input(ids.MAP, "clickData"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.SEARCH, "value"),
        Input(ids.TABLE, "cellClicked"),
        State(ids.LEVEL, "value"),
        State(ids.OBLAST, "data"),
        prevent_initial_call=True,
    )
    def drill(click_data, _reset, search_value, cell, level, oblast):
        return drill_down(dash.ctx.triggered_id, click_data, search_value, level, oblast, state.tables(), cell)

    @app.callback(
        Output(ids.TABLE, "columnDefs"),
        Output(ids.TABLE, "selectedRows"),
        Output(ids.TABLE_ROWS, "data"),
        Input(ids.LEVEL, "value"),
        Input(ids.METRIC, "value"),
        Input(ids.OBLAST, "data"),
        Input(ids.SELECTED, "data"),
        State(ids.LANG, "data"),
        State(ids.TABLE_ROWS, "data"),
        prevent_initial_call=True,
    )
    def table(level, metric, oblast, selected, lang, sent):
        chosen = selected_rows(selected)
        if set(dash.ctx.triggered_prop_ids.values()) == {ids.SELECTED}:
            return dash.no_update, chosen, dash.no_update
        columns = grid_columns(table_columns(metric, lang), lang)
        # the rows the browser holds carry every metric: fetched again only when they differ
        url = rows_url(state, level, metric, oblast, lang)
        return columns, chosen, (dash.no_update if url == sent else url)

    app.clientside_callback(_FETCH_ROWS, Output(ids.TABLE, "rowData"), Input(ids.TABLE_ROWS, "data"))
    app.server.add_url_rule(
        f"{ROWS_PATH}<level>.json", "map_rows", lambda level: rows_response(state, level), methods=["GET"]
    )

    app.clientside_callback(_GO_TO_SELECTED, Output(ids.TABLE, "scrollTo"), Input(ids.SELECTED, "data"))

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.MAP_CHANGE, "data"),
        Output(ids.BREADCRUMB, "children"),
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.DRAWN, "data"),
        Input(ids.LEVEL, "value"),
        Input(ids.METRIC, "value"),
        Input(ids.OBLAST, "data"),
        Input(ids.SELECTED, "data"),
        State(ids.LANG, "data"),
        State(ids.DRAWN, "data"),
        prevent_initial_call=True,  # the layout carries the first figure
    )
    def render(level, metric, oblast, selected, lang, drawn):
        geo_url, version = state.geo_url(level), state.tables_key(metric)

        def figures(make, kind, *shown):
            # what the layout's first figure is kept under too (same view, same figure)
            return state.figure((kind, version, geo_url, *shown), make)

        return render_map(
            state.tables(metric=metric),
            geo_url,
            level,
            metric,
            oblast,
            selected,
            lang,
            dash.ctx.triggered_id,
            drawn,
            figures,
        )

    # the map drawn repainted in place with a metric switch's change, or drawn again (assets/map_repaint.js)
    app.clientside_callback(
        ClientsideFunction(namespace="atlas_map", function_name="switch_metric"),
        Output(ids.MAP, "figure", allow_duplicate=True),
        Input(ids.MAP_CHANGE, "data"),
        State(ids.MAP, "figure"),
        prevent_initial_call=True,
    )

    # the search comes empty: no request when the map is drawn (it would also make the guard's start-up work
    # run at once, beside the map's rows and geometry)
    register_search(app, state, ids.SEARCH, levels=("oblast", "raion", "hromada"), initial=False)

    # the profile of a selected hromada comes into view (it sits below the map on narrow screens)
    app.clientside_callback(
        f"""function(children) {{
            const box = document.getElementById("{ids.PROFILE}");
            if (children && box) {{ setTimeout(() => box.scrollIntoView({{block: "nearest"}}), 50); }}
            return window.dash_clientside.no_update;
        }}""",
        Output(ids.PROFILE, "className"),
        Input(ids.PROFILE, "children"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.PROFILE, "children"),
        Input(ids.SELECTED, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,  # the layout carries the first profile
    )
    def profile(code, lang):
        return profile_card(state.tables(), code, lang) if code else None

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.LEVEL, "value"),
        State(ids.METRIC, "value"),
        State(ids.OBLAST, "data"),
        State(ids.LANG, "data"),
        State(ids.TABLE, "filterModel"),
        State(ids.TABLE, "columnState"),
        prevent_initial_call=True,
    )
    def download(_clicks, level, metric, oblast, lang, filter_model, column_state):
        """The table shown as .xlsx: built once per tables version, view, language, filter and sorting."""
        sort = sort_model(column_state)
        shown = json.dumps([level, metric, oblast, lang, filter_model, sort], sort_keys=True, default=str)
        content = state.kept_download(
            ("map-table.xlsx", state.tables_key(metric), shown),
            lambda: download_bytes(state.tables(metric=metric), level, metric, oblast, lang, filter_model, sort),
        )
        return dcc.send_bytes(content, f"atlas_{level}_{metric}.xlsx")


def drawn_key(geo_url: str, level: str, oblast: str | None, lang: str) -> str:
    """What a drawn map shows apart from its metric: geometry, level, oblast and language.

    Kept in a small store beside the map, so that a callback knows what is
    drawn without uploading the figure.
    """
    return "|".join([geo_url, level, (oblast or "") if level != "oblast" else "", lang])


def breadcrumb(data: AtlasData, level: str, oblast: str | None, lang: str) -> str:
    """Where the map is: "Україна", or "Україна › <oblast>" below the oblast level."""
    crumb = t("ukraine", lang)
    if oblast and level != "oblast":
        oblasts = data.tables["oblast"].set_index("code")
        if oblast in oblasts.index:
            crumb += " › " + str(oblasts.loc[oblast, name_column(lang)])
    return crumb


def map_units(data: AtlasData, level: str, oblast: str | None) -> pd.DataFrame:
    """The units of the map in a stable order (by code), so that patches line up with the figure."""
    if level not in data.tables:
        raise ValueError(f"level must be one of {', '.join(data.tables)}, got {level!r}")
    table = data.tables[level]
    if oblast and level != "oblast":
        table = table[table["oblast_code"] == oblast]
    return table.sort_values("code", kind="stable").reset_index(drop=True)


def render_map(
    data: AtlasData,
    geo_url: str,
    level: str,
    metric: str,
    oblast: str | None,
    selected: str | None,
    lang: str,
    trigger: str | None,
    drawn: str | None,
    figures: Callable[..., Any] | None = None,
):
    """Figure (or a patch of it), change to it, breadcrumb, URL query and the key of what is drawn.

    When the figure drawn (``drawn``, see :func:`drawn_key`) shows the same
    units and only the metric changed, the figure output is no update and
    the change output a :func:`~layouts.figures.map_change` (values as
    numbers, scale and labels; no geometry, no names), which the page's
    store hands to the browser: ``assets/map_repaint.js`` repaints the map
    in place, or draws it again when units gain or lose a value. Otherwise
    the change output is no update, and the figure output a
    :func:`~layouts.figures.selection_patch` when only the selection
    changed, else a full :func:`~layouts.figures.choropleth`. ``figures(make, kind, *shown)``
    keeps full figures and metric patches (the app's: :meth:`AtlasState.figure`,
    per tables version, shared with the layout's first figure); without it
    each is made.
    """
    if metric not in METRIC_LABELS:
        raise ValueError(f"metric must be one of {', '.join(METRIC_LABELS)}, got {metric!r}")
    key = drawn_key(geo_url, level, oblast, lang)
    oblast, selected = oblast or None, selected or None  # the page's stores hold "" for none
    figures = figures or (lambda make, *_shown: make())
    figure = change = dash.no_update
    if trigger == ids.METRIC and drawn == key:
        change = figures(
            lambda: map_change(map_units(data, level, oblast), metric, lang),
            "metric-change",
            level,
            oblast,
            metric,
            lang,
        )
    elif trigger == ids.SELECTED and drawn == key:
        figure = selection_patch(map_units(data, level, oblast), selected)
    else:
        figure = figures(
            lambda: choropleth(geo_url, map_units(data, level, oblast), metric, lang, selected),
            "map",
            level,
            oblast,
            metric,
            lang,
            selected,
        )
    crumb = breadcrumb(data, level, oblast, lang)
    query = {"level": level, "metric": metric}
    if oblast and level != "oblast":
        query["oblast"] = oblast
    if selected:
        query["code"] = selected
    return figure, change, crumb, "?" + urlencode(query), key
