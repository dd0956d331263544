"""Periods in the dashboard: the shell's period selector, the URL, change metrics between two periods."""

from __future__ import annotations

import json
import math

import pytest

from store import Store
from tests.fixtures import H2
from tests.layouts.test_published_page import Client, _app
from tests.store.store_helpers import card_text, staffing_csv, write_manifest


@pytest.fixture
def two_quarters(tmp_path, units, monkeypatch):
    """A store with 2025-Q2 (11 workers: Vinnytska 9, Volynska 2) and 2025-Q3 (45: 27 and 18); no IDP table."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    store = Store(f"sqlite:///{tmp_path / 'atlas.sqlite3'}", auto_migrate=True)
    store.publish(store.prepare_manifest(write_manifest(tmp_path / "q2", units=units), period="2025-Q2"), by="olena")
    later = write_manifest(tmp_path / "q3", staffing=staffing_csv((9, 9, 9, 9, 9)), units=units)
    store.publish(store.prepare_manifest(later, period="2025-Q3", kinds=["staffing"]), by="olena")
    yield store
    store.close()


def _page(client: Client, path: str, search: str = "") -> dict:
    """The page's body and nav (the route) and the shell's period selectors, as a browser loads them."""
    values = {("app-url", "pathname"): path, ("app-url", "search"): search}
    shown = json.loads(client.call("..app-page.children", values, "app-url.pathname"))["response"]
    return shown | json.loads(client.call("..app-period.options", values, "app-url.pathname"))["response"]


def _choose(
    client: Client, period: str, compare: str, path: str = "/en/", search: str = "", changed: str = "app-period"
) -> dict:
    values = {
        ("app-period", "value"): period,
        ("app-compare", "value"): compare,
        ("app-url", "pathname"): path,
        ("app-url", "search"): search,
    }
    return json.loads(client.call("..app-page.children", values, f"{changed}.value"))["response"]


def _oblast_rows(client: Client, metric: str) -> dict[str, float]:
    values = {("overview-metric", "value"): metric, ("app-lang", "data"): "en"}
    body = json.loads(client.call("..overview-map.figure", values, "overview-metric.value"))["response"]
    rows = body["overview-table"]["rowData"]  # an AG Grid
    return {r["name"]: (math.nan if r[metric] is None else r[metric]) for r in rows}, body  # a column per metric


def test_the_url_names_the_period_and_every_page_serves_its_tables(two_quarters):
    app = _app(two_quarters)
    mine, other = Client(app), Client(app)
    shown = _page(mine, "/en/", "?period=2025-Q2")
    assert card_text({"props": {"children": shown["app-page"]["children"]}}, "card-workers") == "11"
    assert shown["app-period"]["value"] == "2025-Q2"
    assert [o["value"] for o in shown["app-period"]["options"]] == ["latest", "2025-Q2"]
    assert shown["app-period"]["options"][0]["label"] == "2025-Q3 (latest)"
    # the nav keeps the period; the session keeps it on a link without one; others see the latest
    assert "/en/map?period=2025-Q2" in json.dumps(shown["app-nav-holder"])
    profile = _page(mine, "/en/profile")
    assert profile["app-period"]["value"] == "2025-Q2"
    assert _oblast_rows(mine, "workers")[0] == {"Vinnytska": 9, "Volynska": 2}
    assert _oblast_rows(other, "workers")[0] == {"Vinnytska": 27, "Volynska": 18}
    _page(mine, "/en/", "?period=latest")
    assert _oblast_rows(mine, "workers")[0] == {"Vinnytska": 27, "Volynska": 18}
    # an unknown period is the latest, not an error
    assert _page(other, "/en/", "?period=1999-Q1")["app-period"]["value"] == "latest"


def test_choosing_a_period_redraws_the_page_and_puts_it_in_the_url(two_quarters):
    client = Client(_app(two_quarters))
    _page(client, "/en/map")
    chosen = _choose(client, "2025-Q2", "none", "/en/map", "?level=hromada&metric=workers")
    assert chosen["app-url"]["search"] == "?level=hromada&metric=workers&period=2025-Q2"
    assert chosen["app-compare"]["value"] == "none"  # nothing published before 2025-Q2
    assert _oblast_rows(client, "workers")[0] == {"Vinnytska": 9, "Volynska": 2}
    back = _choose(client, "latest", "none", "/en/map", "?level=hromada&period=2025-Q2")
    assert back["app-url"]["search"] == "?level=hromada"
    assert back["app-compare"]["value"] == "2025-Q2"  # by default the period before the one shown


def test_change_maps_compare_two_periods_from_each_periods_sums(two_quarters):
    """Δ per oblast from the producer's tables of each quarter; a ratio from each period's sums, then the difference."""
    client = Client(_app(two_quarters))
    _page(client, "/en/")
    rows, body = _oblast_rows(client, "delta_workers")
    assert rows == {"Vinnytska": 18, "Volynska": 16}
    assert "Change from 2025-Q2 to 2025-Q3" in json.dumps(body["overview-caption"])
    rows, _ = _oblast_rows(client, "delta_workers_per_10k")  # 10,000 x 27 / 80,000 - 10,000 x 9 / 80,000
    assert rows["Vinnytska"] == pytest.approx(2.25) and rows["Volynska"] == pytest.approx(7.2 - 0.8)
    rows, _ = _oblast_rows(client, "delta_idp")  # neither quarter has IDP figures: no data, not 0
    assert all(math.isnan(v) for v in rows.values())
    coloured = [trace for trace in body["overview-map"]["figure"]["data"] if "zmid" in trace]
    assert coloured and coloured[0]["zmid"] == 0  # diverging, zero neutral
    # no comparison: every change is "no data", and the caption says how to choose one
    assert _choose(client, "latest", "none", changed="app-compare")["app-compare"]["value"] == "none"
    rows, body = _oblast_rows(client, "delta_workers")
    assert all(math.isnan(v) for v in rows.values())
    assert "Choose a period to compare with" in json.dumps(body["overview-caption"])


def test_an_app_serving_files_has_no_period_selector(demo):
    from layouts import create_app
    from loaders import read_assumptions

    client = Client(create_app(demo, read_assumptions()))
    shown = _page(client, "/en/", "?period=2025-Q2")
    assert shown["app-period-holder"]["style"] == {"display": "none"}
    rows, body = _oblast_rows(client, "delta_gap_fte")
    assert all(math.isnan(v) for v in rows.values())
    assert "Changes between periods come from the published store" in json.dumps(body["overview-caption"])


def test_trend_lines_follow_each_periods_own_tables(two_quarters):
    """The profile's lines and the oblast ranking's lines: one point per period, from that period's sums."""
    from loaders import read_assumptions
    from metrics import compute_tables

    client = Client(_app(two_quarters))
    _page(client, "/en/profile")
    values = {("profile-search", "value"): H2, ("app-lang", "data"): "en"}
    body = json.loads(client.call("..profile-trend.figure", values, "profile-search.value"))["response"]
    workers, per_10k, gap = body["profile-trend"]["figure"]["data"]
    assert workers["x"] == ["2025-Q2", "2025-Q3"] and workers["y"] == [5, 9]
    assert per_10k["y"] == pytest.approx([1.25, 2.25])  # 10,000 x 5 / 40,000, then 10,000 x 9 / 40,000
    expected = [
        compute_tables(d.hromadas, d.units, read_assumptions()).level("hromada").set_index("code").at[H2, "gap_fte"]
        for d in (two_quarters.dataset("2025-Q2"), two_quarters.dataset("2025-Q3"))
    ]
    assert gap["y"] == pytest.approx(expected)
    values = {("overview-drawn", "data"): "delta_workers_per_10k", ("app-lang", "data"): "en"}
    body = json.loads(client.call("..overview-trend.figure", values, "overview-drawn.data"))["response"]
    lines = {trace["name"]: trace["y"] for trace in body["overview-trend"]["figure"]["data"]}
    assert lines["Vinnytska"] == pytest.approx([1.125, 3.375])  # a change metric: the trend of its measure
    assert lines["Ukraine"] == pytest.approx([10_000 * 11 / 105_000, 10_000 * 45 / 105_000])  # from sums
    assert "Workers per 10,000" in json.dumps(body["overview-trend"]["figure"]["layout"]["title"])


def test_an_earlier_period_with_the_same_boundaries_shares_their_url(two_quarters):
    app = _app(two_quarters)
    state = app.server.extensions["atlas_state"]
    with app.server.test_request_context():
        latest = state.geo_url("hromada")
    with app.server.test_request_context():
        state.set_period("2025-Q2")
        assert state.dataset_key().endswith("@2025-Q2")
        assert state.geo_url("hromada") == latest  # the same polygons: one download for every period


def test_exports_made_from_a_period_name_it(two_quarters):
    """The map's table download (its notes), the full workbook's cover and the CSV of the same data."""
    from exports import build_export
    from layouts.views import prepare
    from loaders import read_assumptions

    dataset, assumptions = two_quarters.dataset("2025-Q2"), read_assumptions()
    assert ("Period", "2025-Q2", "Період", "2025-Q2") in prepare(dataset, assumptions).notes
    export = build_export(dataset, assumptions, lang="en", level="oblast")
    assert ("Period", "2025-Q2", "Період", "2025-Q2") in export.cover.rows
    assert export.csv().decode("utf-8-sig").splitlines()[1].startswith("2025-Q2,")
