"""Hromada profile page: every figure about one hromada, with a shareable URL."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from core.text import t
from exports.brief import unit_brief_pdf

from .. import ids
from ..components import dropdown, graph_config, profile_card, register_search
from ..jobs import brief_button, register_brief
from ..state import AtlasState
from ..trends import unit_trend_figure
from ..views import hromada_options


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    data = state.tables()
    code = query.get("code")
    return html.Div(
        [
            html.H2(t("profile_title", lang)),
            html.Div(
                className="controls",
                children=[
                    html.Label(t("search", lang), htmlFor=ids.PROFILE_SEARCH),
                    dropdown(
                        lang,
                        id=ids.PROFILE_SEARCH,
                        options=hromada_options(data, None, lang, selected=code),
                        value=code,
                        placeholder=t("search_placeholder", lang),
                        style={"minWidth": "420px"},
                    ),
                    brief_button("profile", lang),
                ],
            ),
            html.Div(profile_card(data, code, lang, link=False), id=ids.PROFILE_BODY),
            dcc.Graph(id=ids.PROFILE_TREND, config=graph_config(lang, geo=False)),
            dcc.Link(t("back_to_map", lang), href=f"/{lang}/map?level=hromada"),
        ]
    )


def _brief(source, lang: str, code: str | None):
    """The selected hromada's brief; nothing while none is selected."""
    if not code or code not in set(source.data.detail["code"]):
        return None
    return unit_brief_pdf(source, code, lang), f"{source.names.at[code, 'pcode']}_{lang}.pdf"


def register(app: dash.Dash, state: AtlasState) -> None:
    register_search(app, state, ids.PROFILE_SEARCH)
    register_brief(app, state, "profile", _brief, [State(ids.PROFILE_SEARCH, "value")])

    @app.callback(Output(ids.PROFILE_TREND, "figure"), Input(ids.PROFILE_SEARCH, "value"), State(ids.LANG, "data"))
    def trend(code, lang):
        """The hromada's workers, workers per 10,000 and gap over the published periods."""
        return unit_trend_figure(state.trend(), code, lang)

    @app.callback(
        Output(ids.PROFILE_BODY, "children"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.PROFILE_SEARCH, "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def show(code, lang):
        return profile_card(state.tables(), code, lang, link=False), (f"?code={code}" if code else "")
