"""The dashboard: map, metric and level controls, ranking table, download.

Callbacks are thin: they read their inputs, pick a precomputed table (built
once from ``metrics``), and call a figure builder. Nothing a callback does
changes shared state: the per-level tables and GeoJSON are built once when
the app is created and only read afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import dash
import pandas as pd
from dash import Input, Output, State, dash_table, dcc, html
from dash.dash_table.Format import Format, Group, Scheme

from exports.xlsx import table_to_xlsx
from loaders import Dataset
from metrics import StaffingNorm, unit_measures

from . import ids
from .figures import choropleth
from .i18n import METRIC_LABELS, t

__all__ = ["AtlasData", "prepare", "view_table", "create_app", "TABLE_COLUMNS"]

#: Columns of the ranking table and their number formats.
TABLE_COLUMNS = ("name", "population", "idp", "workers", "metric")
_MAP_LEVELS = ("oblast", "hromada")


@dataclass(frozen=True)
class AtlasData:
    """Everything the callbacks read: per-level measure tables and GeoJSON."""

    tables: dict[str, pd.DataFrame]
    geojson: dict[str, dict]
    title: str
    approximate_boundaries: bool
    idp_estimated: bool
    notes: tuple[tuple[str, str], ...]


def prepare(dataset: Dataset, norm: StaffingNorm) -> AtlasData:
    """Compute the measures of every level and the GeoJSON of every boundary level."""
    names = dataset.units.drop_duplicates("code").set_index("code")[["name_uk", "name_en", "oblast_code"]]
    tables = {}
    for level in ("oblast", "raion", "hromada"):
        table = unit_measures(dataset.hromadas, dataset.units, level, norm)
        table = table.join(names, on="code")
        tables[level] = table
    geojson = {}
    for level, gdf in dataset.boundaries.items():
        geojson[level] = json.loads(gdf[["code", "geometry"]].to_json(drop_id=True))
    # Units with no polygon and no figure at all (the hromadas of occupied
    # Crimea in the codifier) are left out of the views; units with a polygon
    # and no data (Crimea, Sevastopol as wholes) are shown as "no data".
    for level in ("oblast", "raion", "hromada"):
        if level not in geojson:
            continue
        codes = [f["properties"]["code"] for f in geojson[level]["features"]]
        table = tables[level]
        has_figure = table[["population", "workers"]].notna().any(axis=1)
        table = table[has_figure | table["code"].isin(codes)]
        extra = [c for c in codes if c not in set(table["code"]) and c in names.index]
        if extra:
            table = pd.concat([table, pd.DataFrame({"code": extra}).join(names, on="code")], ignore_index=True)
        tables[level] = table.reset_index(drop=True)
    notes = [("Dataset", dataset.title)]
    notes += [(f"Source: {k}", v) for k, v in dataset.sources.items()]
    notes += [(f"Reference date: {k}", v) for k, v in dataset.reference_dates.items()]
    notes.append(
        ("Norm", f"{norm.workers_per_10k} community social workers per 10,000 residents; IDP weight {norm.idp_weight}")
    )
    if dataset.approximate_boundaries:
        notes.append(("Boundaries", t("approximate", "en")))
    return AtlasData(
        tables=tables,
        geojson=geojson,
        title=dataset.title,
        approximate_boundaries=dataset.approximate_boundaries,
        idp_estimated=bool(dataset.hromadas["idp_estimated"].any()),
        notes=tuple(notes),
    )


def view_table(data: AtlasData, level: str, metric: str, oblast: str | None) -> pd.DataFrame:
    """The rows shown for a level, metric and optional oblast, ranked by the metric."""
    if metric not in METRIC_LABELS:
        raise ValueError(f"metric must be one of {', '.join(METRIC_LABELS)}, got {metric!r}")
    table = data.tables[level]
    if oblast and level != "oblast":
        table = table[table["oblast_code"] == oblast]
    ascending = METRIC_LABELS[metric][4] == "sequential_reversed"
    return table.sort_values(metric, ascending=ascending, na_position="last").reset_index(drop=True)


def _table_records(table: pd.DataFrame, metric: str, lang: str) -> list[dict]:
    decimals = METRIC_LABELS[metric][5]
    out = table.assign(name=table["name_uk" if lang == "uk" else "name_en"], metric=table[metric].round(decimals))
    return out[list(TABLE_COLUMNS)].to_dict("records")


def _number_format(decimals: int, lang: str) -> dict:
    fmt = Format(precision=decimals, scheme=Scheme.fixed, group=Group.yes, nully=t("no_data", lang))
    if lang == "uk":
        fmt = fmt.group_delimiter("\u00a0").decimal_delimiter(",")
    return fmt.to_plotly_json()


def _table_columns(metric: str, lang: str) -> list[dict]:
    """Ranking-table columns; numbers grouped by thousands in the language's style."""
    label = METRIC_LABELS[metric][0 if lang == "uk" else 1]
    return [
        {"name": t("name", lang), "id": "name"},
        {"name": t("population", lang), "id": "population", "type": "numeric", "format": _number_format(0, lang)},
        {"name": t("idp", lang), "id": "idp", "type": "numeric", "format": _number_format(0, lang)},
        {"name": t("workers", lang), "id": "workers", "type": "numeric", "format": _number_format(0, lang)},
        {"name": label, "id": "metric", "type": "numeric", "format": _number_format(METRIC_LABELS[metric][5], lang)},
    ]


def _layout(data: AtlasData, lang: str = "uk") -> html.Div:
    metric_options = [{"label": METRIC_LABELS[m][0 if lang == "uk" else 1], "value": m} for m in METRIC_LABELS]
    notes = [t("click_hint", lang)]
    if data.approximate_boundaries:
        notes.append(t("approximate", lang))
    if data.idp_estimated:
        notes.append(t("estimated", lang))
    return html.Div(
        className="atlas",
        children=[
            html.Header([html.H1(t("title", lang)), html.P(t("subtitle", lang), className="subtitle")]),
            html.Div(
                className="controls",
                children=[
                    html.Label([t("level", lang)], htmlFor=ids.LEVEL),
                    dcc.RadioItems(
                        id=ids.LEVEL,
                        options=[{"label": t(level, lang), "value": level} for level in _MAP_LEVELS],
                        value="oblast",
                        inline=True,
                    ),
                    html.Label([t("metric", lang)], htmlFor=ids.METRIC),
                    dcc.Dropdown(
                        id=ids.METRIC,
                        options=metric_options,
                        value="workers_per_10k",
                        clearable=False,
                        style={"minWidth": "340px"},
                    ),
                    html.Button(t("reset", lang), id=ids.RESET, n_clicks=0),
                    html.Span(id=ids.BREADCRUMB, className="breadcrumb"),
                ],
            ),
            dcc.Store(id=ids.OBLAST, data=None),
            html.Div(
                className="main",
                children=[
                    html.Div(
                        dcc.Graph(
                            id=ids.MAP,
                            config={"displaylogo": False, "scrollZoom": True, "topojsonURL": "/assets/topojson/"},
                        ),
                        className="map",
                    ),
                    html.Div(
                        className="ranking",
                        children=[
                            html.Button(t("download", lang), id=ids.DOWNLOAD_BUTTON, n_clicks=0),
                            dcc.Download(id=ids.DOWNLOAD),
                            dash_table.DataTable(
                                id=ids.TABLE,
                                columns=_table_columns("workers_per_10k", lang),
                                sort_action="native",
                                filter_action="native",
                                page_size=25,
                                style_table={"overflowX": "auto"},
                                style_cell={"fontFamily": "sans-serif", "fontSize": "13px", "padding": "4px"},
                                style_cell_conditional=[{"if": {"column_id": "name"}, "textAlign": "left"}],
                                style_header={"whiteSpace": "normal", "height": "auto", "fontWeight": "bold"},
                            ),
                        ],
                    ),
                ],
            ),
            html.Ul([html.Li(n) for n in notes], id=ids.NOTE, className="notes"),
        ],
    )


def register_callbacks(app: dash.Dash, data: AtlasData, lang: str = "uk") -> None:
    """Attach the dashboard's callbacks to ``app``."""

    @app.callback(
        Output(ids.OBLAST, "data"),
        Output(ids.LEVEL, "value"),
        Input(ids.MAP, "clickData"),
        Input(ids.RESET, "n_clicks"),
        State(ids.LEVEL, "value"),
        State(ids.OBLAST, "data"),
        prevent_initial_call=True,
    )
    def drill(click_data, _reset, level, oblast):
        return drill_down(dash.ctx.triggered_id, click_data, level, oblast)

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.TABLE, "data"),
        Output(ids.TABLE, "columns"),
        Output(ids.BREADCRUMB, "children"),
        Input(ids.LEVEL, "value"),
        Input(ids.METRIC, "value"),
        Input(ids.OBLAST, "data"),
        State(ids.TABLE, "columns"),
    )
    def render(level, metric, oblast, columns):
        table = view_table(data, level, metric, oblast)
        fig = choropleth(data.geojson[level], table, metric, lang)
        columns = _table_columns(metric, lang)
        crumb = t("ukraine", lang)
        if oblast and level != "oblast":
            name = data.tables["oblast"].set_index("code").loc[oblast, "name_uk" if lang == "uk" else "name_en"]
            crumb += f" › {name}"
        return fig, _table_records(table, metric, lang), columns, crumb

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.LEVEL, "value"),
        State(ids.METRIC, "value"),
        State(ids.OBLAST, "data"),
        prevent_initial_call=True,
    )
    def download(_clicks, level, metric, oblast):
        content = download_bytes(data, level, metric, oblast, lang)
        return dcc.send_bytes(content, f"atlas_{level}_{metric}.xlsx")


def drill_down(trigger: str | None, click_data: dict | None, level: str, oblast: str | None) -> tuple:
    """New (oblast, level) after a map click or the reset button.

    A click on an oblast at oblast level opens its hromadas; the reset button
    goes back to all of Ukraine at oblast level; other clicks change nothing.
    """
    if trigger == ids.RESET:
        return None, "oblast"
    if trigger == ids.MAP and click_data and level == "oblast":
        points = click_data.get("points") or []
        if points and points[0].get("location"):
            return points[0]["location"], "hromada"
    return dash.no_update, dash.no_update


def download_bytes(data: AtlasData, level: str, metric: str, oblast: str | None, lang: str = "uk") -> bytes:
    """The table shown, as an .xlsx workbook."""
    table = view_table(data, level, metric, oblast)
    columns = [
        "code",
        "name_uk",
        "name_en",
        "population",
        "idp",
        "workers",
        "psychologists",
        "approved_positions",
        "required_fte",
        "gap_fte",
        "workers_per_10k",
        "workers_per_10k_incl_idp",
        "residents_per_worker",
        "idp_estimated",
    ]
    headers_uk = [
        "Код КАТОТТГ",
        "Назва",
        "Назва (англ.)",
        "Населення",
        "ВПО",
        "Соціальні працівники",
        "Психологи",
        "Затверджені посади",
        "Потреба за нормативом, посад",
        "Дефіцит, посад",
        "Працівників на 10 тис.",
        "Працівників на 10 тис. з ВПО",
        "Мешканців на працівника",
        "ВПО оцінено",
    ]
    headers_en = [
        "KATOTTG code",
        "Name (uk)",
        "Name",
        "Residents",
        "IDPs",
        "Social workers",
        "Psychologists",
        "Approved positions",
        "Required by norm, FTE",
        "Gap, FTE",
        "Workers per 10,000",
        "Workers per 10,000 incl. IDPs",
        "Residents per worker",
        "IDPs estimated",
    ]
    formats = {
        "population": "#,##0",
        "idp": "#,##0",
        "workers": "#,##0",
        "psychologists": "#,##0",
        "approved_positions": "#,##0",
        "required_fte": "#,##0.0",
        "gap_fte": "#,##0.0",
        "workers_per_10k": "0.00",
        "workers_per_10k_incl_idp": "0.00",
        "residents_per_worker": "#,##0",
    }
    out = table[columns].copy()
    out["idp_estimated"] = out["idp_estimated"].map(
        {True: "так" if lang == "uk" else "yes", False: "ні" if lang == "uk" else "no"}
    )
    return table_to_xlsx(out, headers_uk if lang == "uk" else headers_en, formats, t("sheet", lang), data.notes)


def create_app(dataset: Dataset, norm: StaffingNorm, lang: str = "uk") -> dash.Dash:
    """The Dash app over ``dataset``: every asset served locally."""
    data = prepare(dataset, norm)
    app = dash.Dash(
        __name__,
        title=t("title", lang),
        serve_locally=True,
        assets_folder=str(_assets_folder()),
        update_title=None,
    )
    app.layout = _layout(data, lang)
    register_callbacks(app, data, lang)
    return app


def _assets_folder():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "assets"
