"""Overview page: national key figures, the oblast map and the oblast ranking."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from core.text import METRIC_LABELS, name_column, t
from exports import full_workbook
from exports.brief import unit_brief_pdf

from .. import ids
from ..components import (
    data_table,
    figure_cards,
    graph_config,
    grid_columns,
    metric_dropdown,
    records,
    session_caption,
)
from ..figures import bar_ranking, choropleth
from ..jobs import brief_button, job_controls, oblast_briefs_zip, register_brief, register_job
from ..state import AtlasState
from ..trends import oblast_trend_figure
from ..views import coverage_notes, key_figure_notes, key_figures, view_table


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    data = state.tables()
    metric = query.get("metric") if query.get("metric") in METRIC_LABELS else "workers_per_10k"
    return html.Div(
        [
            html.Div(figure_cards(key_figures(data), lang, key_figure_notes(data, lang)), id=ids.OVERVIEW_FIGURES),
            html.Div(
                className="controls",
                children=[
                    html.Label(t("metric", lang), htmlFor=ids.OVERVIEW_METRIC),
                    job_controls(
                        "overview-workbook",
                        t("full_workbook", lang),
                        lang,
                        start_id="overview-workbook-button",
                    ),
                    brief_button("overview", lang),
                    job_controls("overview-briefs", t("brief_batch_button", lang), lang),
                    metric_dropdown(lang, ids.OVERVIEW_METRIC, metric),
                ],
            ),
            html.Div(
                className="main",
                children=[
                    html.Div(
                        [
                            html.Div(
                                session_caption(state, metric, "oblast", lang, data=data),
                                id="overview-caption",
                            ),
                            dcc.Graph(id=ids.OVERVIEW_MAP, config=graph_config(lang)),
                        ],
                        className="map",
                    ),
                    html.Div(
                        [
                            html.H2(t("oblast_ranking", lang)),
                            dcc.Graph(id=ids.OVERVIEW_RANKING, config=graph_config(lang, geo=False)),
                        ],
                        className="ranking box",
                    ),
                ],
            ),
            # the table and the trend each across the page: beside the map they stretched its box into white
            html.Div(
                [
                    html.Div(data_table("overview-table", [], [], page_size=27, lang=lang), className="ranking wide"),
                    html.Div(
                        [dcc.Graph(id=ids.OVERVIEW_TREND, config=graph_config(lang, geo=False))], className="wide"
                    ),
                    dcc.Store(id=ids.OVERVIEW_DRAWN),
                ],
                className="main",
            ),
        ]
    )


def register(app: dash.Dash, state: AtlasState) -> None:
    @app.callback(
        Output(ids.OVERVIEW_MAP, "figure"),
        Output(ids.OVERVIEW_RANKING, "figure"),
        Output("overview-table", "rowData"),
        Output("overview-table", "columnDefs"),
        Output("overview-caption", "children"),
        Output(ids.OVERVIEW_DRAWN, "data"),
        Input(ids.OVERVIEW_METRIC, "value"),
        State(ids.LANG, "data"),
    )
    def render(metric, lang):
        from .map import row_metrics, table_columns

        data = state.tables(metric=metric)
        table = view_table(data, "oblast", metric, None)
        rows = table.assign(name=table[name_column(lang)], coverage=coverage_notes(table, lang))
        return (
            choropleth(state.geo_url("oblast"), table, metric, lang),
            bar_ranking(table, metric, lang, top=27),
            records(rows, ["name", "population", "idp", "workers", *row_metrics(rows), "coverage"]),  # columns: map
            grid_columns(table_columns(metric, lang), lang),
            session_caption(state, metric, "oblast", lang, data=data),
            metric,  # drawn: the trend follows
        )

    @app.callback(
        Output(ids.OVERVIEW_TREND, "figure"),
        Input(ids.OVERVIEW_DRAWN, "data"),  # after the map and ranking: the first figures never wait for the trend
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def trend(metric, lang):
        """Every oblast's ``metric`` (a change metric: its measure) over the published periods."""
        return oblast_trend_figure(state.trend(), state.tables().tables["oblast"], metric, lang)

    def workbook(ticket, lang, progress):
        """The full export (every sheet) of this session's dataset and assumptions."""
        progress(0, 1)
        return full_workbook(ticket["dataset"], ticket["assumptions"], lang), "atlas_workbook.xlsx"

    def oblast_briefs(ticket, lang, progress):
        from exports.brief import brief_source

        source = brief_source(ticket["dataset"], ticket["assumptions"])
        return oblast_briefs_zip(source, lang, progress), f"oblast_briefs_{lang}.zip"

    register_job(app, state, "overview-workbook", workbook, start_id="overview-workbook-button")
    register_job(app, state, "overview-briefs", oblast_briefs)
    register_brief(app, state, "overview", lambda source, lang: (unit_brief_pdf(source, "UA", lang), f"UA_{lang}.pdf"))
