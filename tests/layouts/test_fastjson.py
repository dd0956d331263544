"""Dash's JSON written by orjson in one pass (layouts.fastjson) is the text plotly's ``to_json`` writes."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import numpy as np
import pandas as pd
import pytest
from dash import dcc, html
from plotly.io._json import to_json_plotly

from layouts import create_app, fastjson
from layouts.app import PAGES
from loaders import read_assumptions


@pytest.fixture(scope="module")
def app(demo, tmp_path_factory):
    import os

    os.environ.setdefault("ATLAS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return create_app(demo, read_assumptions())


def test_every_page_and_map_view_is_written_as_plotly_writes_it(app):
    shown = 0
    for path in [f"/{lang}/{page}" for page in PAGES for lang in ("uk", "en")] + [
        "/uk/map?level=hromada&metric=gap_fte",
        "/en/map?level=raion&metric=residents_per_worker&oblast=UA74000000000025378",
    ]:
        with app.server.test_request_context("/_dash-layout", headers={"Referer": f"http://localhost{path}"}):
            layout = app._layout_value()
        text = fastjson.to_json(layout)
        assert text == to_json_plotly(layout), path
        shown += len(text)
    assert shown > 100_000  # the pages themselves, with their figures


def test_a_callback_answer_is_written_as_plotly_writes_it(app, monkeypatch):
    import dash._callback

    written = []

    answers_value = []

    def both(value):
        answers_value.append(value)
        written.append((fastjson.to_json(value), to_json_plotly(value)))
        return written[-1][0]

    monkeypatch.setattr(dash._callback, "to_json", both)
    client = app.server.test_client()
    client.get("/uk/map")
    answers = 0
    for key, callback in app.callback_map.items():
        if key.startswith("..map-graph.figure") and len(callback["inputs"]) == 4:  # the server's render
            inputs = [
                {"id": "map-level", "property": "value", "value": "hromada"},
                {"id": "map-metric", "property": "value", "value": "gap_fte"},
                {"id": "map-oblast", "property": "data", "value": ""},
                {"id": "map-selected", "property": "data", "value": ""},
            ]
            body = {
                "output": key,
                "outputs": [
                    {"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
                    for o in key.strip(".").split("...")
                ],  # fmt: skip
                "inputs": inputs,
                "state": [
                    {"id": "app-lang", "property": "data", "value": "uk"},
                    {"id": "map-drawn", "property": "data", "value": None},
                ],  # fmt: skip
                "changedPropIds": ["map-level.value"],
            }
            answer = client.post("/_dash-update-component", json=body)
            assert answer.status_code == 200, answer.data[:300]
            assert answer.json["response"]["map-graph"]["figure"]["data"]
            answers += 1
    assert answers == 1 and len(written) == 1
    ours, plotly_s = written[0]
    assert ours == plotly_s and len(ours) > 10_000
    monkeypatch.setattr(fastjson, "to_json_plotly", lambda value: pytest.fail("written plotly's slow way"))
    assert fastjson.to_json(answers_value[0]) == plotly_s


def test_values_orjson_does_not_know_go_plotly_s_way_with_the_same_text():
    values = [
        {"a": [1, 2.5, math.nan, None, "<b>/x</b>\u2028"], 3: True},
        html.Div([dcc.Graph(figure={"data": [{"z": np.array([1.0, np.nan, 3.0])}]}), html.P("Київ")]),
        {"when": dt.datetime(2025, 1, 2, 3, 4, 5), "day": dt.date(2025, 1, 2)},
        {"stamp": pd.Timestamp("2025-01-02"), "series": pd.Series([1, 2]), "money": decimal.Decimal("1.5")},
        {"objects": np.array(["a", None], dtype=object), "float": np.float64(2.5), "int": np.int64(7)},
        {"texts": np.array(["Київ", "<b>"]), "strided": np.arange(10.0)[::2], "nested": np.array([[1, 2], [3, 4]]).T},
        {"mixed": np.array([1.5, "x", None, html.B("b")], dtype=object)},
    ]
    for value in values:
        assert fastjson.to_json(value) == to_json_plotly(value)


def test_dash_writes_with_it_once_installed(app):
    import dash._callback
    import dash.dash

    assert dash.dash.to_json is fastjson.to_json and dash._callback.to_json is fastjson.to_json
