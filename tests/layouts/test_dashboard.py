"""Dashboard views, figure builders and callbacks as plain functions, on five boxes."""

from __future__ import annotations

import base64
import io
import json

import dash
import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from shapely.geometry import box

from layouts import (
    choropleth,
    create_app,
    download_bytes,
    format_number,
    ids,
    key_figures,
    map_change,
    parse_path,
    prepare,
    similar_hromadas,
    view_table,
)
from layouts.components import profile_card
from layouts.pages.map import drill_down, map_state, render_map, table_columns, table_rows
from layouts.views import apply_filter_model, describe_filter, hromada_options, sort_model, unit_options
from loaders import Dataset
from metrics import Assumptions
from tests.fixtures import H1, H2, H4, H5, O1, O2, R1, R3


@pytest.fixture
def dataset(units, hromadas) -> Dataset:
    h = units[units["level"] == "hromada"].reset_index(drop=True)
    boxes = gpd.GeoDataFrame(
        {"code": h["code"]}, geometry=[box(30 + i, 50, 31 + i, 51) for i in range(len(h))], crs=4326
    )
    oblasts = boxes.assign(code=h["oblast_code"]).dissolve("code").reset_index()
    raions = boxes.assign(code=h["raion_code"]).dissolve("code").reset_index()
    return Dataset(
        title="test",
        units=units,
        boundaries={"hromada": boxes, "raion": raions, "oblast": oblasts},
        hromadas=hromadas,
        approximate_boundaries=True,
        sources={"population": "test"},
    )


@pytest.fixture
def data(dataset):
    # residents + IDPs: H4 (no IDP figure) has no figure per 10,000 people incl. IDPs; under the default
    # present-population base it falls back to residents (see tests/metrics/test_population.py)
    return prepare(dataset, Assumptions(population_base="residents_plus_idp", children_shares=()))


def test_view_table_ranks_and_filters(data):
    table = view_table(data, "hromada", "workers_per_10k", O2)
    assert table["code"].tolist() == [H4, H5]
    ranked = view_table(data, "hromada", "residents_per_worker", None)
    assert ranked["code"].iloc[0] != H5 and ranked["code"].iloc[-1] == H5  # no data last
    with pytest.raises(ValueError, match="metric must be one of"):
        view_table(data, "hromada", "nonsense", None)


def test_key_figures(data):
    figures = key_figures(data)
    assert figures["workers"] == 16
    assert figures["population"] == 105_000
    assert figures["hromadas_no_worker"] == 1  # H5
    assert figures["hromadas_no_psychologist"] == 3


def test_choropleth_draws_no_data_as_a_small_layer(data):
    table = view_table(data, "hromada", "workers_per_10k_incl_idp", None).sort_values("code")
    fig = choropleth("/geo/demo/hromada.json", table, "workers_per_10k_incl_idp")
    layer, no_data, outline = fig.data
    assert layer.geojson == no_data.geojson == "/geo/demo/hromada.json"  # geometry by URL, fetched once
    assert list(layer.locations) == table["code"].tolist()
    assert list(no_data.locations) == [H4] and no_data.name == "немає даних"  # only the units without a value
    z = dict(zip(layer.locations, layer.z))
    assert np.isnan(z[H4]) and z[H1] == pytest.approx(2.0)  # sent to the browser as null: not drawn by the layer
    assert "немає даних" in no_data.hovertemplate
    assert "%{z:,.2f}" in layer.hovertemplate and layer.customdata is None  # a number, formatted in the browser
    assert list(outline.locations) == [] and outline.hoverinfo == "skip"
    assert fig.layout.separators == ", "


def test_hover_names_are_escaped(dataset):
    dataset.units.loc[dataset.units["code"] == H1, "name_uk"] = "<script>alert(1)</script>"
    data = prepare(dataset, Assumptions())
    fig = choropleth("/x", view_table(data, "hromada", "workers", None), "workers")
    assert any("&lt;script&gt;" in s for s in fig.data[0].text)
    assert not any("<script>" in s for s in fig.data[0].text)


def test_metric_switch_is_a_small_change_without_geometry(data):
    table = view_table(data, "hromada", "gap_fte", None).sort_values("code")
    change = map_change(table, "gap_fte", "en")
    text = json.dumps(change, default=str)
    assert "geojson" not in text
    assert "Gap to the norm" in text
    layer, no_data = change["traces"]
    assert all(v is None or isinstance(v, float) for v in layer["z"])  # numbers, not strings
    assert no_data["locations"] == [H4]  # the no-data layer: only the unit without a value
    assert "customdata" not in layer and "text" not in layer and "locations" not in layer


def _plain(value):
    """A figure's JSON as the browser reads it: typed arrays (``bdata``) as lists, NaN as None."""
    if isinstance(value, dict) and set(value) >= {"bdata", "dtype"}:
        return _plain(np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def test_a_metric_change_gives_the_figure_a_direct_load_draws(data):
    """The change applied to the figure drawn (as assets/map_repaint.js applies it, None deleting the key)
    gives the first two traces of the figure loaded directly for the new metric."""
    table = view_table(data, "hromada", "workers", None).sort_values("code").reset_index(drop=True)
    drawn = _plain(json.loads(choropleth("/g", table, "workers", "uk").to_json()))
    direct = _plain(json.loads(choropleth("/g", table, "gap_fte", "uk").to_json()))
    change = _plain(json.loads(json.dumps(map_change(table, "gap_fte", "uk"))))
    for i, part in enumerate(change["traces"]):
        trace = drawn["data"][i]
        for key, value in part.items():
            if value is None:
                trace.pop(key, None)
            else:
                trace[key] = value
        assert trace == direct["data"][i], i


def test_gap_uses_a_diverging_scale_centred_on_zero(data):
    fig = choropleth("/x", view_table(data, "oblast", "gap_fte", None), "gap_fte", "en")
    layer = fig.data[0]
    assert layer.zmid == 0 and layer.zmin == -layer.zmax


def test_render_map_patches_only_on_metric_switch(data):
    full, change, crumb, search, drawn = render_map(data, "/g", "hromada", "workers", O1, None, "uk", ids.LEVEL, None)
    assert len(full.data) == 3 and len(full.data[0].locations) == 3 and change is dash.no_update
    fig, change, crumb, search, key = render_map(data, "/g", "hromada", "gap_fte", O1, None, "uk", ids.METRIC, drawn)
    assert fig is dash.no_update and set(change) == {"traces"} and key == drawn  # repainted in the browser
    assert crumb == "Україна › Вінницька"
    assert search == f"?level=hromada&metric=gap_fte&oblast={O1}"
    fig, change, *_ = render_map(data, "/g", "hromada", "gap_fte", O2, None, "uk", ids.METRIC, drawn)
    assert isinstance(fig, go.Figure) and change is dash.no_update  # another oblast is drawn: a full figure


def test_drill_down(data):
    click = {"points": [{"location": O1}]}
    assert drill_down(ids.MAP, click, None, "oblast", None, data) == (O1, "hromada", None)
    assert drill_down(ids.RESET, None, None, "hromada", O1, data) == (None, "oblast", None)
    assert drill_down(ids.MAP, {"points": [{"location": H2}]}, None, "hromada", O1, data)[2] == H2
    assert drill_down(ids.SEARCH, None, H4, "oblast", None, data) == (O2, "hromada", H4)
    assert drill_down(ids.SEARCH, None, O2, "oblast", None, data) == (O2, "hromada", None)
    assert drill_down(ids.SEARCH, None, R3, "oblast", None, data) == (O2, "raion", R3)
    # a table click: on an oblast it drills in, on a hromada it selects
    assert drill_down(ids.TABLE, None, None, "oblast", None, data, {"rowId": O1, "colId": "name"}) == (
        O1,
        "hromada",
        None,
    )
    assert drill_down(ids.TABLE, None, None, "hromada", O1, data, {"rowId": H2, "colId": "metric"})[2] == H2


def test_map_state_from_url_is_validated():
    assert map_state({"level": "hromada", "metric": "gap_fte", "oblast": O1}) == ("hromada", "gap_fte", O1, None)
    assert map_state({"level": "<x>", "metric": "evil"}) == ("oblast", "workers_per_10k", None, None)


def test_parse_path():
    assert parse_path("/en/map") == ("en", "map")
    assert parse_path("/map") == ("uk", "map")
    assert parse_path("/") == ("uk", "")


def test_profile_compares_with_oblast_and_similar(data):
    similar = similar_hromadas(data, H2)
    assert H2 not in set(similar["code"])
    card = json.dumps(profile_card(data, H2, "en").to_plotly_json(), default=str)
    assert "Vinnytska" in card and "Social work specialist" in card and "Similar hromadas" in card


def test_download_reads_back_with_types(data):
    content = download_bytes(data, "hromada", "workers_per_10k", O1)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:N4"
    assert ws["A1"].value == "Код КАТОТТГ"
    codes = [ws.cell(row=r, column=1).value for r in range(2, 5)]
    assert set(codes) == {H1, H2, "UA05040010000012345"}
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 5))
    population = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=4).value for r in range(2, 5)}
    assert population[H2] == 40_000 and isinstance(population[H2], (int, float))
    assert ws.cell(row=2, column=4).number_format == "#,##0"
    notes = dict((r[0].value, r[1].value) for r in wb["Notes"].iter_rows())
    assert "approximate" in notes["Boundaries"]


def test_download_never_writes_formulas(dataset):
    dataset.units.loc[dataset.units["code"] == H1, "name_uk"] = '=HYPERLINK("http://x","y")'
    content = download_bytes(prepare(dataset, Assumptions()), "hromada", "workers_per_10k", O1)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [ws.cell(row=r, column=2) for r in range(2, 5)]
    evil = [c for c in cells if str(c.value).startswith("=")]
    assert len(evil) == 1 and evil[0].data_type == "s"


def test_geometry_route_serves_clockwise_rings_and_hides_unknown_datasets(dataset, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    client = create_app(dataset, Assumptions()).server.test_client()
    response = client.get("/geo/demo/hromada.json")
    assert response.status_code == 200
    ring = json.loads(response.data)["features"][0]["geometry"]["coordinates"][0]
    signed_area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    assert signed_area < 0  # clockwise, as d3-geo wants
    assert client.get("/geo/someone-elses/hromada.json").status_code == 404
    assert client.get("/healthz").json == {"status": "ok"}


def test_format_number():
    assert format_number(12345.678, 1, "uk") == "12\u00a0345,7"
    assert format_number(12345.678, 1, "en") == "12,345.7"
    assert format_number(np.nan) == "немає даних"


def test_table_rows_carry_codes_and_a_count_metric_is_not_a_second_column(data):
    rows = table_rows(data, "hromada", "workers_per_10k", None, "uk")
    assert {r["code"] for r in rows} == set(data.tables["hromada"]["code"])  # a row click reports its code
    ids_of = [[c["id"] for c in table_columns(metric, "uk")] for metric in ("workers", "population", "gap_fte")]
    assert ids_of[0] == ids_of[1] == ["name", "population", "idp", "workers", "coverage"]
    assert ids_of[2] == ["name", "population", "idp", "workers", "gap_fte", "coverage"]
    # every map metric travels with the rows once, so that a metric switch sends no rows
    assert {"workers_per_10k", "gap_fte", "residents_per_worker"} <= set(rows[0])
    sorts = {c["id"]: c.get("sort") for c in table_columns("residents_per_worker", "uk")}
    assert sorts["residents_per_worker"] == "asc" and table_columns("gap_fte", "uk")[4]["sort"] == "desc"


def test_filter_model_filters_numbers_and_texts_as_the_grid_does(data):
    table = data.tables["hromada"].assign(name=data.tables["hromada"]["name_en"])
    over = {"population": {"filterType": "number", "type": "greaterThan", "filter": 15000}}
    assert set(apply_filter_model(table, over)["code"]) == {H2, "UA05040010000012345", H4}
    assert set(apply_filter_model(table, {"name": {"filterType": "text", "type": "contains", "filter": "VINN"}})[
        "code"
    ]) == {H2}  # fmt: skip
    either = {
        "population": {
            "filterType": "number",
            "operator": "OR",
            "conditions": [{"type": "lessThan", "filter": 1}, {"type": "equals", "filter": 40000}],
        }
    }
    assert set(apply_filter_model(table, either)["code"]) == set(table.loc[table["population"].eq(40000), "code"])
    # a blank value meets no condition but "blank" (AG Grid's default), "not equal" included
    with_blank = table.assign(population=table["population"].where(table["code"] != H1))
    not_equal = {"population": {"filterType": "number", "type": "notEqual", "filter": 40000}}
    assert H1 not in set(apply_filter_model(with_blank, not_equal)["code"])
    blank = {"population": {"filterType": "number", "type": "blank"}}
    assert list(apply_filter_model(with_blank, blank)["code"]) == [H1]
    # unknown columns and unfinished conditions filter nothing; sorting follows the column state
    assert len(apply_filter_model(table, {"nope": over["population"]})) == len(table)
    assert len(apply_filter_model(table, {"population": {"filterType": "number", "type": "equals"}})) == len(table)
    state = [{"colId": "name", "sort": None}, {"colId": "population", "sort": "asc", "sortIndex": 0}]
    assert sort_model(state) == [("population", "asc")]
    ordered = apply_filter_model(table, None, sort_model(state))
    assert list(ordered["population"].dropna()) == sorted(table["population"].dropna())
    names = {"population": "Населення"}
    assert describe_filter(over, "uk", names) == "Населення > 15\u00a0000"


def test_download_holds_the_filtered_rows(data):
    over = {"population": {"filterType": "number", "type": "greaterThan", "filter": 15000}}
    content = download_bytes(data, "hromada", "workers", None, "uk", over, [("population", "desc")])
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    codes = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    expected = data.tables["hromada"].query("population > 15000").sort_values("population", ascending=False)
    assert codes == list(expected["code"])
    notes = {r[0].value: r[1].value for r in book["Notes"].iter_rows() if r[0].value}
    assert any("> 15" in str(v) for v in notes.values()), notes


def test_search_matches_either_language_and_apostrophes(data):
    assert [o["value"] for o in hromada_options(data, "vinn", "en")] == [H2]
    assert [o["value"] for o in hromada_options(data, "ВІНН", "uk")] == [H2]
    assert hromada_options(data, "x", "uk") == []  # too short to search
    assert [o["value"] for o in hromada_options(data, None, "uk", selected=H4)] == [H4]


def test_search_ranks_exact_names_first_and_offers_oblasts_and_raions(data):
    # "Вінницька" is an oblast and a hromada: both exact, the oblast first; "Вінницький" raion starts with "вінниц"
    hits = [o["value"] for o in unit_options(data, "Вінницька", "uk")]
    assert hits == [O1, H2]
    hits = [o["value"] for o in unit_options(data, "вінниц", "uk")]
    assert hits[:3] == [O1, R1, H2]
    assert "район" in unit_options(data, "Vinnytskyi", "uk")[0]["label"]
    # exact beats "starts with": "Володимирська" hromada before "Володимирський" raion for its exact name
    assert [o["value"] for o in unit_options(data, "Володимирська", "uk")][0] == H5
