"""Building blocks shared by pages: tables, key-figure cards, the hromada profile."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import dash_ag_grid as dag
import numpy as np
import pandas as pd
from dash import Input, Output, State, dcc, html

from core.text import (
    LANGS,
    METRIC_LABELS,
    format_date,
    format_number,
    grid_locale,
    label,
    metric_label,
    metric_spec,
    name_column,
    parse_number,
    reason_text,
    role_label,
    source_text,
    t,
)

from . import ids
from .views import (
    AtlasData,
    caption_coverage,
    coverage_notes,
    role_table,
    similar_hromadas,
    unit_options,
    with_change_note,
)

__all__ = [
    "parse_amount",
    "data_table",
    "dropdown",
    "facts_table",
    "field",
    "figure_cards",
    "graph_config",
    "grid_columns",
    "map_caption",
    "profile_card",
    "register_search",
    "session_caption",
]

#: Mode-bar buttons that send the chart (or the user) to a server other than
#: this one, or that only make sense on Plotly's cloud. Dash's ``dcc.Graph``
#: turns ``showSendToCloud`` on by default, which adds "Share chart...": it
#: posts the whole figure, data included, to chart-studio.plotly.com.
EXTERNAL_BUTTONS = ["sendDataToCloud", "sendChartToCloud", "editInChartStudio"]
#: Selection tools do nothing on these charts (no callback reads a selection).
UNUSED_BUTTONS = ["select2d", "lasso2d", "toggleSpikelines", "hoverClosestGeo", "hoverClosestCartesian"]


def graph_config(lang: str = "uk", *, geo: bool = True, scroll_zoom: bool = False) -> dict:
    """The one ``dcc.Graph`` config: nothing that links outside, PNG download kept, Plotly in ``lang``.

    Parameters
    ----------
    geo
        The figure is a map: Plotly finds its (unused) world outline under
        ``/assets/topojson/`` instead of its CDN.
    """
    config = {
        "displaylogo": False,
        "showLink": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "plotlyServerURL": "",
        "modeBarButtonsToRemove": EXTERNAL_BUTTONS + UNUSED_BUTTONS,
        "toImageButtonOptions": {"format": "png", "scale": 2},
        "locale": lang if lang in LANGS else LANGS[0],
        "scrollZoom": scroll_zoom,
    }
    if geo:
        config["topojsonURL"] = "/assets/topojson/"
    return config


def parse_amount(text, lang: str, field: str) -> float:
    """A number typed the user's way: ``20 000 000``, ``20 000 000,5`` (uk) or ``20,000,000.5`` (en).

    Raises ``ValueError`` naming ``field`` and what arrived when it is not a number >= 0.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = str(text or "").strip()
        try:
            value = parse_number(raw, lang)
        except ValueError:
            raise ValueError(t("amount_invalid", lang, field=field, value=raw or "—")) from None
    if not np.isfinite(value) or value < 0:
        raise ValueError(t("amount_invalid", lang, field=field, value=str(text)))
    return value


def read_number(
    value, lang: str, field: str, low: float | None = None, high: float | None = None, whole: bool = False
) -> float:
    """A small number of a form field (a share, a count of years) typed the user's way (``0,5`` in uk).

    Raises ``ValueError`` with the catalogue's message naming ``field`` when
    the field is empty, holds no number, holds a fraction where ``whole`` is
    asked, or lies outside ``low`` .. ``high``.
    """
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        raise ValueError(t("field_empty", lang, field=field))
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = parse_number(str(value), lang)
        except ValueError:
            example = format_number(1.5, 1, lang)
            raise ValueError(
                t("field_not_number", lang, field=field, value=str(value).strip(), example=example)
            ) from None
    if whole and np.isfinite(number) and not number.is_integer():
        raise ValueError(t("field_whole", lang, field=field, value=value))
    if not np.isfinite(number) or (low is not None and number < low) or (high is not None and number > high):
        bounds = (
            t("field_between", lang, low=low, high=high) if high is not None else t("field_at_least", lang, low=low)
        )
        raise ValueError(t("field_out_of_range", lang, field=field, bounds=bounds, value=value))
    return number


def metric_dropdown(lang: str, component_id: str, value: str) -> dcc.Dropdown:
    """The choice of a map metric (every one of :data:`core.text.METRIC_LABELS`, by its label)."""
    return dropdown(
        lang,
        id=component_id,
        options=[{"label": metric_label(m, lang), "value": m} for m in METRIC_LABELS],
        value=value,
        clearable=False,
        style={"minWidth": "340px"},
    )


def dropdown(lang: str, **kwargs) -> dcc.Dropdown:
    """A ``dcc.Dropdown`` whose own words (search box, "no options", clear) are in ``lang``."""
    return dcc.Dropdown(labels={key: t(f"dropdown_{key}", lang) for key in _DROPDOWN_LABELS}, **kwargs)


_DROPDOWN_LABELS = ("search", "clear_search", "clear_selection", "no_options_found", "select_all", "deselect_all")


#: the conditions a number column's filter offers (AG Grid's names; :func:`layouts.views.apply_filter_model`
#: applies the same ones to a download)
NUMBER_FILTERS = ["equals", "notEqual", "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual", "inRange",
                  "blank", "notBlank"]  # fmt: skip
#: the conditions a text column's filter offers
TEXT_FILTERS = ["contains", "notContains", "equals", "notEqual", "startsWith", "endsWith", "blank", "notBlank"]


def grid_columns(columns: list[dict], lang: str) -> list[dict]:
    """AG Grid column definitions from ``{"name": header, "id": field[, "decimals": n][, "sort": "asc"|"desc"]}``.

    A column with ``decimals`` holds numbers: right-aligned, shown in the
    language's format (``1 234 567,8`` in Ukrainian, ``1,234,567.8`` in
    English; blanks as "no data"), filtered by number (the filter box takes
    numbers typed either way). Other columns hold text: left-aligned,
    filtered by "contains" and the like.
    """
    no_data = json.dumps(t("no_data", lang))
    out = []
    for column in columns:
        spec = {"field": column["id"], "headerName": column["name"], "headerTooltip": column["name"]}
        if column.get("sort") in ("asc", "desc"):
            spec["sort"] = column["sort"]  # the order the table starts in
        decimals = column.get("decimals")
        if decimals is None:
            spec |= {
                "filter": "agTextColumnFilter",
                "cellClass": "cell-text",
                "valueFormatter": {"function": f"atlasText(params.value, {no_data})"},
                "filterParams": {"filterOptions": TEXT_FILTERS, "maxNumConditions": 2},
            }
        else:
            spec |= {
                "filter": "agNumberColumnFilter",
                "cellClass": "cell-number ag-right-aligned-cell",
                "headerClass": "ag-right-aligned-header",
                "valueFormatter": {"function": f"atlasNumber(params.value, {int(decimals)}, '{lang}', {no_data})"},
                "filterParams": {
                    "filterOptions": NUMBER_FILTERS,
                    "maxNumConditions": 2,
                    "allowedCharPattern": "\\d\\-\\.,\\s",
                    "numberParser": {"function": f"atlasParseNumber(params, '{lang}')"},
                },
            }
        out.append(spec)
    return out


def data_table(
    table_id: str,
    columns: list[dict],
    records: list[dict],
    page_size: int = 25,
    lang: str = "uk",
    row_id: str | None = None,
    select: bool = False,
    selected: dict | None = None,
) -> dag.AgGrid:
    """A sortable, filterable table (Dash AG Grid, community features), its words and numbers in ``lang``.

    ``columns`` as for :func:`grid_columns`. Every column has a filter box
    under its header and sorts on a click; more than ``page_size`` rows are
    paged. ``row_id`` names the field that identifies a row (its unit code):
    a click on a row reports it in ``cellClicked["rowId"]``, and with
    ``select`` the table highlights the rows set in ``selectedRows``
    (``selected``: the first ones, as ``{"ids": [...]}``).
    """
    options = {
        "localeText": grid_locale(lang),
        "pagination": True,
        "paginationPageSize": page_size,
        "paginationPageSizeSelector": False,
        "domLayout": "autoHeight",
        "enableCellTextSelection": True,
        "suppressDragLeaveHidesColumns": True,
        "tooltipShowDelay": 300,
    }
    if select:
        options["rowSelection"] = {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True}
    extra = {"getRowId": f"params.data.{row_id}"} if row_id else {}
    if selected is not None:
        extra["selectedRows"] = selected
    return dag.AgGrid(
        id=table_id,
        columnDefs=grid_columns(columns, lang),
        rowData=records,
        defaultColDef={
            "sortable": True,
            "filter": True,
            "floatingFilter": True,
            "resizable": True,
            "minWidth": 90,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
            "flex": 1,
        },  # fmt: skip
        dashGridOptions=options,
        columnSize=None,
        className="atlas-grid",
        style={"width": "100%"},
        **extra,
    )


#: the input files each map value is computed from (their sources and reference dates are named under the map)
MAP_INPUTS = {
    "population": ("population",),
    "idp": ("idp",),
    "workers": ("staffing",),
    "workers_per_10k": ("staffing", "population"),
    "workers_per_10k_incl_idp": ("staffing", "population", "idp"),
    "residents_per_worker": ("staffing", "population"),
    "workers_per_10k_children": ("staffing", "population", "idp"),
    "children_per_worker": ("staffing", "population", "idp"),
    "children_gap_fte": ("staffing", "population", "idp"),
}
_ALL_INPUTS = ("staffing", "population", "idp")


def _date(value: str, lang: str) -> str:
    """``2022-01-01`` -> ``01.01.2022`` (uk) or ``1 Jan 2022`` (en); other text (``synthetic``) is translated."""
    parts = str(value).split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return format_date(value, lang)
    return t("caption_synthetic", lang) if str(value) == "synthetic" else str(value)


def _reasons(codes, lang: str) -> str:
    """A ranked unit's priority reasons (codes with parameters from the producer) in ``lang``."""
    if not isinstance(codes, (tuple, list)):
        return ""
    return "; ".join(reason_text(code, params, lang) for code, params in codes)


def session_caption(state, metric: str, level: str, lang: str, area: str | None = None, *, data=None, oblast=None):
    """The caption of a map of the session's data (:func:`map_caption`), with the periods a change metric compares."""
    caption = map_caption(state.dataset(), metric, level, lang, area, data=data, oblast=oblast)
    return with_change_note(caption, state.change_periods(), metric, lang, bool(state.periods()))


def map_caption(
    dataset,
    metric: str,
    level: str,
    lang: str,
    area: str | None = None,
    caption_id=None,
    title: str | None = None,
    *,
    data: AtlasData | None = None,
    oblast: str | None = None,
) -> html.Div:
    """What a map shows, next to it: metric and unit (or ``title``), level (and area), data dates, sources, caveats.

    With ``data`` (the page's tables), an input table that covers only part of Ukraine (or of ``oblast``)
    says so among the caveats."""
    spec = metric_spec(metric)
    unit = spec["unit"][lang]
    title = title or metric_label(metric, lang) + (f", {unit}" if unit else "")
    subtitle = t(f"caption_level_{level}", lang) + (f" · {area}" if area else "")
    inputs = MAP_INPUTS.get(metric, _ALL_INPUTS)
    dates = [
        f"{t(f'input_{key}', lang)} — {_date(dataset.reference_dates[key], lang)}"
        for key in inputs
        if key in dataset.reference_dates
    ]
    sources = [
        f"{t(f'input_{key}', lang)}: {source_text(dataset.sources[key], lang)}"
        for key in inputs
        if key in dataset.sources
    ]
    caveats = []
    if dataset.approximate_boundaries:
        caveats.append(t("approximate", lang))
    if any(key == "idp" for key in inputs) and bool(dataset.hromadas["idp_estimated"].any()):
        caveats.append(t("estimated", lang))
    if data is not None:
        caveats += caption_coverage(data, metric, lang, oblast if level != "oblast" else None)
    return html.Div(
        [
            html.H3([title, html.Span(f" — {subtitle}", className="caption-level")], className="caption-title"),
            html.P(t("caption_as_of", lang, items="; ".join(dates)), className="caption-dates") if dates else None,
            html.Details(
                [html.Summary(t("caption_sources", lang)), html.Ul([html.Li(s) for s in sources])],
                className="caption-sources",
            )
            if sources
            else None,
            *[html.P(c, className="caption-caveat") for c in caveats],
        ],
        className="map-caption",
        **({"id": caption_id} if caption_id else {}),
    )


def figure_cards(figures: dict[str, float], lang: str, notes: dict[str, str] | None = None) -> html.Div:
    """Key figures as a row of cards; a figure from part of the hromadas says so under it (``notes``:
    :func:`layouts.views.key_figure_notes`)."""
    notes = notes or {}
    order = [
        ("population", 0),
        ("idp", 0),
        ("workers", 0),
        ("psychologists", 0),
        ("positions", 0),
        ("gap", 0),
        ("hromadas_no_worker", 0),
        ("hromadas_no_psychologist", 0),
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.Div(format_number(figures[key], decimals, lang), className="card-value"),
                    html.Div(t(key, lang)),
                    *([html.Div(notes[key], className="card-note")] if notes.get(key) else []),
                ],
                className="card",
                id=f"card-{key}",
            )
            for key, decimals in order
        ],
        className="cards",
    )


#: shares shown as percentages in the profile (0.25 -> 25,0)
PERCENT = {"vacancy_rate": 100}


def _row(label: str, *values: str) -> html.Tr:
    return html.Tr([html.Th(label, scope="row"), *[html.Td(v) for v in values]])


def field(text: str, control) -> html.Div:
    """One labelled field of a form (Funding, Scenarios): the label names the control it belongs to."""
    return html.Div([html.Label(text, htmlFor=control.id), control], className="field")


def facts_table(header: Sequence, rows: Iterable[Sequence], **props) -> html.Table:
    """A small table of facts: a header row, then rows whose first cell heads the row (``<th scope=row>``).

    The one shape of the profile, plan summary, data-in-use and assumption
    tables (class ``profile-table``: numbers right, row heads left).
    """
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody([_row(*r) for r in rows])],
        className="profile-table",
        **props,
    )


def profile_card(data: AtlasData, code: str | None, lang: str, link: bool = True) -> html.Div:
    """Every figure about one hromada, compared with its oblast and with similar hromadas.

    ``link``: a link to the hromada's own profile page (not on that page itself).
    """
    detail = data.detail.set_index("code")
    if not code or code not in detail.index:
        return html.Div(html.P(t("profile_pick", lang)), className="profile")
    row = detail.loc[code]
    name = row[name_column(lang)]
    oblast = data.tables["oblast"].set_index("code").loc[row["oblast_code"]]
    # the oblast's figures from part of its hromadas say so ("штат: часткові дані: 2 з 3 громад")
    oblast_note = coverage_notes(oblast.to_frame().T, lang)[0]
    similar = similar_hromadas(data, code)

    def fig(value, decimals=0):
        return format_number(value, decimals, lang)

    def med(column):
        return similar[column].median() if len(similar) else float("nan")

    compare = [
        ("population", 0),
        ("idp", 0),
        ("workers", 0),
        ("psychologists", 0),
        ("workers_per_10k", 2),
        ("workers_per_10k_incl_idp", 2),
        ("residents_per_worker", 0),
        ("children", 0),
        ("workers_per_10k_children", 2),
        ("children_per_worker", 0),
        ("required_fte", 1),
        ("children_gap_fte", 1),
        ("gap_fte", 1),
        ("vacancy_rate", 1),
        ("wisn_required", 1),
        ("wisn_ratio", 2),
        ("social_work_specialist_wisn_ratio", 2),
        ("social_worker_wisn_ratio", 2),
        ("wisn_shortfall", 1),
        ("caseload_per_worker", 1),
    ]
    # a share shown as a percentage has its own label (``vacancy_rate_pct``: "…, %")
    labels = {name: label(f"{name}_pct" if name in PERCENT else name, lang) for name, _ in compare}
    comparison = facts_table(
        [
            t("figure", lang),
            t("this_hromada", lang),
            [
                f"{t('compare_oblast', lang)}: {row[f'oblast_name_{lang}']}",
                *([html.Br(), html.Small(oblast_note, className="card-note")] if oblast_note else []),
            ],
            f"{t('compare_similar', lang)}, n={len(similar)}",
        ],
        [
            (
                labels[c],
                fig(row[c] * PERCENT.get(c, 1), d),
                fig(oblast.get(c, float("nan")) * PERCENT.get(c, 1), d),
                fig(med(c) * PERCENT.get(c, 1), d),
            )
            for c, d in compare
            if c in row.index
        ],
    )
    roles = role_table(data, code)
    role_rows = facts_table(
        [t("role", lang), t("approved", lang), t("filled", lang)],
        [(role_label(r.role, lang), fig(r.approved), fig(r.filled)) for r in roles.itertuples()],
    )
    facts = html.Ul(
        [
            html.Li(
                f"{t('type', lang)}: {t(row['hromada_type'], lang) if isinstance(row['hromada_type'], str) else ''}"
            ),
            html.Li(f"{t('caseload_sjo', lang)}: {fig(row.get('families_sjo'))}"),
            html.Li(f"{t('caseload_low_income', lang)}: {fig(row.get('low_income_families'))}"),
            html.Li(f"{label('code', lang)}: {code}; {label('pcode', lang)}: {row['pcode']}"),
        ]
    )
    priority = None
    if "priority_rank" in row.index and pd.notna(row.get("priority_rank")):
        total = int(data.detail["priority_rank"].max())
        rank = t("profile_priority", lang, rank=int(row["priority_rank"]), total=total)
        priority = html.Div(
            [
                html.H3(rank),
                html.P(_reasons(row.get("reason_codes"), lang), id="profile-reasons"),
            ]
        )
    elif isinstance(row.get("listed_apart"), str):  # occupied, or too few components known: not ranked
        occupied = row["listed_apart"] == "occupied"
        apart = t("brief_priority_apart_occupied" if occupied else "profile_not_ranked", lang)
        priority = html.Div([html.H3(t("profile_priority_title", lang)), html.P(apart, id="profile-reasons")])
    return html.Div(
        [
            html.H2(f"{name}", id="profile-name"),
            html.P(f"{row[f'raion_name_{lang}'] or ''}, {row[f'oblast_name_{lang}']}"),
            facts,
            role_rows,
            comparison,
            priority,
            html.P(t("estimated", lang)) if row["idp_estimated"] else None,
            html.P(t("estimated_children", lang)) if row.get("children_estimated", False) else None,
            dcc.Link(t("open_profile", lang), href=f"/{lang}/profile?code={code}", className="profile-link")
            if link
            else None,
        ],
        className="profile",
    )


def records(table: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows for a table: NaN becomes None (shown as "no data")."""
    out = table[columns].astype(object).where(table[columns].notna(), None)
    return out.to_dict("records")


def register_search(
    app, state, dropdown_id: str, levels: tuple[str, ...] = ("hromada",), *, initial: bool = True
) -> None:
    """Fill a search dropdown with the hits for what the user types (not all 1,470 names up front).

    ``initial=False``: not when the page is drawn, for a dropdown that comes
    with no value (nothing to name, no request before the first keystroke).
    """

    @app.callback(
        Output(dropdown_id, "options"),
        Input(dropdown_id, "search_value"),
        State(dropdown_id, "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=not initial,
    )
    def search(text, selected, lang):
        return unit_options(state.tables(), text, lang, selected=selected, levels=levels)
