"""What a map switch moves between browser and server: no figure up, values as numbers down.

Reproduces issue 17: the map callback took ``State(map, "figure")``, so every
metric or level switch uploaded the whole figure; the patch carried a
formatted string per unit; the figure drew every unit twice.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import box

from layouts import create_app, ids
from loaders import Dataset
from metrics import Assumptions
from tests.fixtures import H1, H4, O1


@pytest.fixture
def client(units, hromadas, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    h = units[units["level"] == "hromada"].reset_index(drop=True)
    boxes = gpd.GeoDataFrame(
        {"code": h["code"]}, geometry=[box(30 + i, 50, 31 + i, 51) for i in range(len(h))], crs=4326
    )
    dataset = Dataset(
        title="test",
        units=units,
        boundaries={
            "hromada": boxes,
            "raion": boxes.assign(code=h["raion_code"]).dissolve("code").reset_index(),
            "oblast": boxes.assign(code=h["oblast_code"]).dissolve("code").reset_index(),
        },
        hromadas=hromadas,
        approximate_boundaries=True,
    )
    app = create_app(dataset, Assumptions())
    client = app.server.test_client()
    client.get("/")
    return app, client


def _map_callback(app):
    """The server's map callback (its outputs: the figure, and the metric switch's change to it)."""
    return next(c for key, c in app.callback_map.items() if f"{ids.MAP_CHANGE}.data" in key)


def test_no_callback_uploads_a_figure(client):
    app, _ = client
    for callback in app.callback_map.values():
        if "callback" not in callback:  # a clientside callback: it reads the figure in the browser, sends nothing
            continue
        for dependency in [*callback["inputs"], *callback["state"]]:
            assert dependency["property"] != "figure", (callback["output"], dependency)
    # the one that reads the figure is the browser's repaint of a metric switch
    readers = [c for c in app.callback_map.values() if any(d["property"] == "figure" for d in c["state"])]
    assert [("callback" in c, c["inputs"][0]["id"]) for c in readers] == [(False, ids.MAP_CHANGE)]


def _map_request(app, output_of: str, trigger: str, metric: str, oblast, selected, kept: tuple[str, object]) -> dict:
    """A callback request of the map page: level, metric, oblast and selection in; language and one kept store."""
    output = next(key for key in app.callback_map if output_of in key and "callback" in app.callback_map[key])
    outputs = [part.split(".") for part in output.strip(".").split("...")]
    return {
        "output": output,
        "outputs": [{"id": i, "property": p.split("@")[0]} for i, p in outputs],
        "inputs": [
            {"id": ids.LEVEL, "property": "value", "value": "hromada"},
            {"id": ids.METRIC, "property": "value", "value": metric},
            {"id": ids.OBLAST, "property": "data", "value": oblast},
            {"id": ids.SELECTED, "property": "data", "value": selected},
        ],
        "changedPropIds": [trigger],
        "state": [
            {"id": ids.LANG, "property": "data", "value": "uk"},
            {"id": kept[0], "property": "data", "value": kept[1]},
        ],
    }


def _request(app, trigger: str, metric: str, drawn, selected=None) -> dict:
    return _map_request(app, "map-graph.figure", trigger, metric, O1, selected, (ids.DRAWN, drawn))


def test_metric_switch_sends_a_change_of_numbers_and_the_figure_never_goes_up(client):
    app, c = client
    assert [s["id"] for s in _map_callback(app)["state"]] == [ids.LANG, ids.DRAWN]  # small stores, no figure
    first = c.post("/_dash-update-component", json=_request(app, f"{ids.LEVEL}.value", "workers_per_10k", None))
    assert first.status_code == 200
    response = json.loads(first.data)["response"]
    figure, drawn = response[ids.MAP]["figure"], response[ids.DRAWN]["data"]
    assert isinstance(drawn, str) and len(drawn) < 200
    assert len(figure["data"]) == 3 and len(figure["data"][0]["locations"]) == 3  # the hromadas of O1
    assert "customdata" not in figure["data"][0]  # hover: the name block once per unit, the value from z
    assert set(figure["data"][1]["locations"]) <= set(figure["data"][0]["locations"])  # no-data: a subset

    switch = c.post("/_dash-update-component", json=_request(app, f"{ids.METRIC}.value", "gap_fte", drawn))
    response = json.loads(switch.data)["response"]
    assert ids.MAP not in response  # the figure is changed in the browser (assets/map_repaint.js)
    layer, no_data = response[ids.MAP_CHANGE]["data"]["traces"]
    assert all(isinstance(v, (int, float)) or v is None for v in layer["z"])
    assert not {"geojson", "text", "customdata", "locations"} & set(layer)
    assert "geojson" not in switch.data.decode()


def test_selection_redraws_only_its_outline(client):
    app, c = client
    first = c.post("/_dash-update-component", json=_request(app, f"{ids.LEVEL}.value", "workers_per_10k", None))
    drawn = json.loads(first.data)["response"][ids.DRAWN]["data"]
    picked = c.post(
        "/_dash-update-component", json=_request(app, f"{ids.SELECTED}.data", "workers_per_10k", drawn, selected=H1)
    )
    patch = json.loads(picked.data)["response"][ids.MAP]["figure"]
    changed = {tuple(op["location"]): op["params"].get("value") for op in patch["operations"]}
    assert changed == {("data", 2, "locations"): [H1], ("data", 2, "z"): [0]}
    outside = c.post(
        "/_dash-update-component", json=_request(app, f"{ids.SELECTED}.data", "workers_per_10k", drawn, selected=H4)
    )
    patch = json.loads(outside.data)["response"][ids.MAP]["figure"]
    assert {tuple(op["location"]): op["params"].get("value") for op in patch["operations"]}[
        ("data", 2, "locations")
    ] == []


def _table_request(app, trigger: str, metric: str, sent=None, oblast=O1) -> dict:
    return _map_request(app, f"{ids.TABLE}.columnDefs", trigger, metric, oblast, None, (ids.TABLE_ROWS, sent))


def test_metric_switch_sends_the_table_no_rows(client):
    """The rows carry every metric, from their own URL; a switch sends only the columns (issue 17: all rows went)."""
    app, c = client
    first = c.post("/_dash-update-component", json=_table_request(app, f"{ids.LEVEL}.value", "workers_per_10k"))
    response = json.loads(first.data)["response"]
    assert "rowData" not in response[ids.TABLE]  # the rows come from their own URL, not in a callback
    url = response[ids.TABLE_ROWS]["data"]
    rows = json.loads(c.get(url).data)
    assert len(rows) == 3 and {"workers_per_10k", "gap_fte"} <= set(rows[0])
    switch = c.post("/_dash-update-component", json=_table_request(app, f"{ids.METRIC}.value", "gap_fte", url))
    answer = json.loads(switch.data)["response"]
    assert ids.TABLE_ROWS not in answer
    shown = [d for d in answer[ids.TABLE]["columnDefs"] if d.get("sort")]
    assert [(d["field"], d["sort"]) for d in shown] == [("gap_fte", "desc")]
    assert len(switch.data) < 4_000
    # another oblast (other rows): another URL, the rows of all five hromadas
    other = c.post("/_dash-update-component", json=_table_request(app, f"{ids.OBLAST}.data", "gap_fte", url, None))
    other_url = json.loads(other.data)["response"][ids.TABLE_ROWS]["data"]
    assert other_url != url and len(json.loads(c.get(other_url).data)) == 5


def _layout(c, page: str) -> dict:
    """The layout the browser gets when it asks from ``page`` (its Referer)."""
    return json.loads(c.get("/_dash-layout", headers={"Referer": f"http://localhost{page}"}).data)


def _component(layout, component_id: str) -> dict | None:
    """The props of the component ``component_id`` in a layout's JSON."""
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == component_id:
                return node["props"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def test_the_first_layout_carries_the_map_and_no_callback_runs_before_it(client):
    """Issue 17: the cold map waited for the page-routing callback, then the figure and table callbacks."""
    app, c = client
    layout = _layout(c, f"/uk/map?level=hromada&oblast={O1}&code={H1}")
    figure = _component(layout, ids.MAP)["figure"]
    assert len(figure["data"][0]["locations"]) == 3  # the hromadas of O1, drawn from the layout
    assert figure["data"][2]["locations"] == [H1]  # the selected one outlined
    assert _component(layout, ids.URL)["pathname"] == "/uk/map"  # the URL component reports no change
    assert _component(layout, ids.DRAWN)["data"].endswith(f"|hromada|{O1}|uk")
    assert _component(layout, ids.TABLE)["selectedRows"] == {"ids": [H1]}
    assert _component(layout, ids.TABLE_ROWS)["data"].startswith("/rows/map/hromada.json?")
    assert _component(layout, ids.PROFILE)["children"]  # the selected hromada's profile
    # nothing the first view needs is left to a callback: every one of the page and the shell waits for a change
    first = {ids.URL, ids.LEVEL, ids.METRIC, ids.OBLAST, ids.SELECTED, ids.SEARCH}
    for callback in json.loads(c.get("/_dash-dependencies").data):  # the callback graph as the browser gets it
        if {d["id"] for d in callback["inputs"]} & first and not callback.get("clientside_function"):
            assert callback["prevent_initial_call"], callback["output"]


def test_without_a_referrer_the_shell_comes_empty_for_the_routing_callback(client):
    """A proxy that drops the Referer: the shell is empty, the URL component reports where it is, the route fills it."""
    _, c = client
    layout = json.loads(c.get("/_dash-layout").data)
    assert _component(layout, ids.PAGE).get("children") is None
    assert "pathname" not in _component(layout, ids.URL)
    elsewhere = json.loads(c.get("/_dash-layout", headers={"Referer": "http://evil.example/uk/map"}).data)
    assert _component(elsewhere, ids.PAGE).get("children") is None  # another server's page: not trusted


def test_table_rows_are_cached_by_the_browser_under_their_version(client):
    """Issue 17: a warm visit sent every row again; versioned rows are immutable, carry no cookie, revalidate to 304."""
    _, c = client
    url = _component(_layout(c, f"/uk/map?level=hromada&oblast={O1}"), ids.TABLE_ROWS)["data"]
    response = c.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()
    again = c.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    stale = c.get(url.split("&v=")[0] + "&v=0000")
    assert stale.headers["Cache-Control"] == "private, no-cache" and len(json.loads(stale.data)) == 3
    assert c.get(url.replace("/hromada.json", "/nowhere.json")).status_code == 404


def test_the_page_names_the_table_script_instead_of_loading_it_before_the_map(client):
    """Issue 17: Dash AG Grid's 1.3 MB script was parsed before the renderer drew the map; it is named, and served."""
    _, c = client
    for page in ("/uk/map?level=hromada", "/en/data", "/uk/"):
        html = c.get(page).get_data(as_text=True)
        named = re.search(r'window\.atlasGridScript = "([^"]+)";', html)
        assert named and "/_dash-component-suites/dash_ag_grid/dash_ag_grid." in named.group(1), page
        scripts = re.findall(r'<script[^>]* src="([^"]+)"', html)
        assert not any("dash_ag_grid" in s for s in scripts), scripts  # not among the page's scripts
        assert any(s.startswith("/assets/lazy_grid.js") for s in scripts)  # what stands in for the table until then
    served = c.get(named.group(1))
    assert served.status_code == 200 and b"AgGrid" in served.data


def test_a_page_whose_table_script_has_another_name_keeps_its_scripts():
    from layouts.app import lazy_grid_script

    scripts = '<script src="/_dash-component-suites/dash/dcc/dcc.v1.js"></script>\n'
    assert lazy_grid_script(scripts) == (scripts, "")
    grid = '<script src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1.min.js"></script>\n'
    kept, named = lazy_grid_script(scripts + grid + scripts)
    assert kept == scripts + scripts
    url = "/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1.min.js"
    assert named == f'<script>window.atlasGridScript = "{url}";</script>'


def test_rows_written_once_per_version_follow_a_new_version(client, monkeypatch):
    """The rows of a view are written once per version of the tables (``tables_key``) and view, and served to
    every session from then on; another version, language or level gets rows of its own."""
    import layouts.pages.map as map_page

    app, c = client
    written = []
    original = map_page.table_rows_json
    monkeypatch.setattr(map_page, "table_rows_json", lambda *a: written.append(a[1:]) or original(*a))
    url = _component(_layout(c, "/uk/map?level=hromada"), ids.TABLE_ROWS)["data"]
    first = c.get(url).data
    assert app.server.test_client().get(url).data == first  # another session, the same version: kept rows
    assert len(written) == 1
    assert c.get(url.replace("lang=uk", "lang=en")).status_code == 200 and len(written) == 2
    assert c.get(url.replace("/hromada.json", "/oblast.json")).status_code == 200 and len(written) == 3
    state = app.server.extensions["atlas_state"]
    monkeypatch.setattr(type(state), "tables_key", lambda self, metric=None: "another version")
    assert c.get(url).data == first and len(written) == 4  # written again for that version


def test_the_graphs_load_a_plotly_js_of_only_the_trace_types_the_atlas_draws(client):
    """Issue 17: the full plotly.js (4.8 MB, every trace type) took most of the cold map's time to evaluate.

    The URL Dash's graph loads plotly.js from (and the map page preloads) serves the atlas's build of
    the same plotly.js version with the trace types the atlas draws; every figure the app makes uses
    only those (a new trace type needs ``deploy/plotly/entry.js`` and a rebuild).
    """
    from pathlib import Path

    import plotly
    from plotly.offline import get_plotlyjs_version

    from layouts.app import PLOTLY_JS

    _, c = client
    html = c.get("/uk/map?level=hromada").get_data(as_text=True)
    assert f'<link rel="preload" href="/{PLOTLY_JS}" as="script">' in html
    served = c.get(f"/{PLOTLY_JS}")
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert served.data.startswith(f"/*! plotly.js v{get_plotlyjs_version()}, atlas build".encode())
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert len(served.data) < 0.4 * full.stat().st_size
    assert c.get(f"/{PLOTLY_JS}", headers={"If-None-Match": served.headers["ETag"]}).status_code == 304

    root = Path(__file__).resolve().parents[2]
    entry = (root / "deploy" / "plotly" / "entry.js").read_text()
    built = {"scatter"} | set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry))
    used = set()
    for source in (root / "layouts").rglob("*.py"):
        used |= {name.lower() for name in re.findall(r"\bgo\.([A-Z]\w+)\(", source.read_text())}
    used -= {"figure"}
    assert used and used <= built, used - built
