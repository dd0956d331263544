"""Each view's layout kept per everything it depends on (layouts.layout_cache): the text a fresh build gives,
never another session's, new when the session's data or assumptions change, within its memory bound."""

from __future__ import annotations

import base64
import gzip
from dataclasses import replace

import brotli
import flask
import pytest

from layouts import create_app
from layouts.state import ByteCache
from loaders import read_assumptions

VIEWS = [
    "/uk/map?metric=gap_fte",
    "/en/map?level=hromada&metric=workers_per_10k_incl_idp",
    "/uk/",
    "/en/profile",
    "/uk/scenarios",
    "/en/method",
]
HROMADA_MAP = "/uk/map?level=hromada&metric=workers_per_10k_incl_idp"


def _staff(filled: int) -> str:
    return (
        "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
        f"UA05020030000031457;Фахівець із соціальної роботи;40;{filled}\n"
    )


def _uploaded(demo, filled: int):
    from layouts.pages.data import process_upload

    url = "data:text/csv;base64," + base64.b64encode(_staff(filled).encode()).decode()
    report, dataset = process_upload(demo, url, "staff.csv", "staffing", None, 2**20, "en", mode="replace")
    assert report.ok
    return dataset


@pytest.fixture
def app(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_SECRET_KEY", "s" * 40)
    return create_app(demo, read_assumptions())


def _cookie(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def _served(client, view: str, encoding: str = "br") -> bytes:
    answer = client.get("/_dash-layout", headers={"Referer": f"http://localhost{view}", "Accept-Encoding": encoding})
    assert answer.status_code == 200
    body = answer.get_data()
    if answer.headers.get("Content-Encoding") == "br":
        return brotli.decompress(body)
    if answer.headers.get("Content-Encoding") == "gzip":
        return gzip.decompress(body)
    return body


def _fresh(app, view: str, cookie: dict) -> bytes:
    """The layout built anew (Dash's own ``serve_layout``) for a session with ``cookie``."""
    with app.server.test_request_context("/_dash-layout", headers={"Referer": f"http://localhost{view}"}):
        flask.session.update(cookie)
        return app.serve_layout().get_data()


def _in_session(app, cookie: dict, change) -> dict:
    """Run ``change(state)`` in the session of ``cookie``; the session's cookie after it."""
    state = app.server.extensions["atlas_state"]
    with app.server.test_request_context():
        flask.session.update(cookie)
        change(state)
        return dict(flask.session)


def _give(client, cookie: dict) -> None:
    with client.session_transaction() as session:
        session.clear()
        session.update(cookie)


def test_a_kept_layout_is_the_text_a_fresh_build_gives_and_each_view_is_built_once(app):
    kept = app.server.extensions["atlas_layouts"]
    first, second = app.server.test_client(), app.server.test_client()
    for view in VIEWS:
        built = _served(first, view)
        assert built == _fresh(app, view, _cookie(first)), view
        assert _served(second, view) == built, view  # another session with the same settings: kept text
        assert _served(second, view, "gzip") == built and _served(second, view, "identity") == built
    assert len(kept) == len(VIEWS)
    assert len({_served(first, view) for view in VIEWS}) == len(VIEWS)


def test_the_data_page_is_built_each_time(app):
    client = app.server.test_client()
    _served(client, "/uk/data")
    _served(client, "/uk/data")
    _served(client, "/en/funding")
    assert len(app.server.extensions["atlas_layouts"]) == 0


def test_two_sessions_with_different_uploads_get_their_own_layout(app, demo):
    one, other, anyone = (app.server.test_client() for _ in range(3))
    demo_text = _served(anyone, HROMADA_MAP)
    _give(one, _in_session(app, {}, lambda state: state.set_dataset(_uploaded(demo, 35))))
    _give(other, _in_session(app, {}, lambda state: state.set_dataset(_uploaded(demo, 5))))
    texts = {}
    for name, client in (("one", one), ("other", other), ("one again", one), ("other again", other)):
        texts[name] = _served(client, HROMADA_MAP)
        assert texts[name] == _fresh(app, HROMADA_MAP, _cookie(client)), name
    assert len({texts["one"], texts["other"], demo_text}) == 3
    assert texts["one again"] == texts["one"] and texts["other again"] == texts["other"]
    assert _served(anyone, HROMADA_MAP) == demo_text


def test_a_kept_layout_follows_the_session_s_assumptions_and_data(app, demo):
    client = app.server.test_client()
    before = _served(client, HROMADA_MAP)
    cookie = _in_session(
        app, _cookie(client), lambda state: state.set_assumptions(replace(state.assumptions(), idp_weight=0.2))
    )
    _give(client, cookie)
    weighted = _served(client, HROMADA_MAP)
    assert weighted != before and weighted == _fresh(app, HROMADA_MAP, cookie)
    cookie = _in_session(app, cookie, lambda state: state.set_dataset(_uploaded(demo, 35)))
    _give(client, cookie)
    uploaded = _served(client, HROMADA_MAP)
    assert uploaded not in (before, weighted) and uploaded == _fresh(app, HROMADA_MAP, cookie)

    def back(state):
        state.reset_dataset()
        state.reset_assumptions()

    _give(client, _in_session(app, cookie, back))
    assert _served(client, HROMADA_MAP) == before


def test_kept_texts_stay_within_their_bound(monkeypatch, demo, tmp_path):
    cache = ByteCache(100)
    for i in range(50):
        cache.set(i, bytes(30))
        assert cache.size <= 100
    assert len(cache) == 3 and cache.get(49) is not None and cache.get(0) is None
    cache.set("too large", bytes(101))
    assert cache.get("too large") is None
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_LAYOUT_CACHE_MB", "0.02")  # 20 KB: a few oblast maps, no hromada map
    app = create_app(demo, read_assumptions())
    client = app.server.test_client()
    for view in VIEWS:
        assert _served(client, view) == _fresh(app, view, _cookie(client))
    kept = app.server.extensions["atlas_layouts"]
    assert 0 < kept.size <= 0.02 * 2**20
