"""What a map switch moves between browser and server: no figure up, values as numbers down.

Reproduces issue 17: the map callback took ``State(map, "figure")``, so every
metric or level switch uploaded the whole figure; the patch carried a
formatted string per unit; the figure drew every unit twice.
"""

from __future__ import annotations

import json

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
    return next(c for key, c in app.callback_map.items() if "map-graph.figure" in key)


def test_no_callback_uploads_a_figure(client):
    app, _ = client
    for callback in app.callback_map.values():
        for dependency in [*callback["inputs"], *callback["state"]]:
            assert dependency["property"] != "figure", (callback["output"], dependency)


def _map_request(app, output_of: str, trigger: str, metric: str, oblast, selected, kept: tuple[str, object]) -> dict:
    """A callback request of the map page: level, metric, oblast and selection in; language and one kept store."""
    output = next(key for key in app.callback_map if output_of in key)
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


def test_metric_switch_sends_a_patch_of_numbers_and_the_figure_never_goes_up(client):
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
    patch = json.loads(switch.data)["response"][ids.MAP]["figure"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    changed = {tuple(op["location"]): op["params"].get("value") for op in patch["operations"]}
    assert all(isinstance(v, (int, float)) or v is None for v in changed[("data", 0, "z")])
    assert not {("data", 0, "geojson"), ("data", 0, "text"), ("data", 0, "customdata"), ("data", 0, "locations")} & set(
        changed
    )
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
    return _map_request(app, f"{ids.TABLE}.rowData", trigger, metric, oblast, None, (ids.TABLE_ROWS, sent))


def test_metric_switch_sends_the_table_no_rows(client):
    """The rows carry every metric once; a switch sends only the columns (issue 17: every row went again)."""
    app, c = client
    first = c.post("/_dash-update-component", json=_table_request(app, f"{ids.LEVEL}.value", "workers_per_10k"))
    response = json.loads(first.data)["response"]
    rows, sent = response[ids.TABLE]["rowData"], response[ids.TABLE_ROWS]["data"]
    assert len(rows) == 3 and {"workers_per_10k", "gap_fte"} <= set(rows[0]) and isinstance(sent, str)
    switch = c.post("/_dash-update-component", json=_table_request(app, f"{ids.METRIC}.value", "gap_fte", sent))
    answer = json.loads(switch.data)["response"]
    assert "rowData" not in answer[ids.TABLE] and ids.TABLE_ROWS not in answer
    shown = [d for d in answer[ids.TABLE]["columnDefs"] if d.get("sort")]
    assert [(d["field"], d["sort"]) for d in shown] == [("gap_fte", "desc")]
    assert len(switch.data) < 4_000
    # another oblast (other rows): the rows go again
    other = c.post("/_dash-update-component", json=_table_request(app, f"{ids.OBLAST}.data", "gap_fte", sent, None))
    assert len(json.loads(other.data)["response"][ids.TABLE]["rowData"]) == 5
