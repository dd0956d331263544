"""Session state in a real Redis (``ATLAS_TEST_REDIS_URL``, started by ``.ci/run``): no pickle, quotas, faults."""

from __future__ import annotations

import base64
import os
import socket

import flask
import pytest

from layouts.session_store import StorageError
from layouts.state import AtlasState

URL = os.environ.get("ATLAS_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not URL, reason="ATLAS_TEST_REDIS_URL is not set (.ci/run starts Redis and sets it)")
STAFF = (
    "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    "UA05020030000031457;Фахівець із соціальної роботи;40;35\n"
)


def _state(demo, monkeypatch, url=URL):
    from loaders import read_assumptions

    monkeypatch.setenv("ATLAS_REDIS_URL", url)
    server = flask.Flask("t")
    server.secret_key = "k" * 40
    return server, AtlasState(server, demo, read_assumptions(), lambda d, a: None)


def _dataset(demo):
    from layouts.pages.data import process_upload

    url = "data:text/csv;base64," + base64.b64encode(STAFF.encode()).decode()
    return process_upload(demo, url, "staff.csv", "staffing", None, 2**20, "en")[1]


def test_state_round_trips_through_redis_as_json_and_parquet(demo, monkeypatch):
    import redis

    server, state = _state(demo, monkeypatch)
    with server.test_request_context():
        key = state.set_dataset(_dataset(demo))
        state.set_value("note", {"a": (1, 2)})
        assert state.dataset_key() == key
        assert state.get_value("note") == {"a": (1, 2)}
        assert (
            state.dataset().hromadas.set_index("code").loc["UA05020030000031457", "social_work_specialist_filled"] == 35
        )
        sid = state.session_id()
    client = redis.Redis.from_url(URL)
    assert client.get(f"atlas:datasets:{key}").startswith(b"PK")
    assert client.get(f"atlas:small:{sid}:value:note").startswith(b"{")
    assert 0 < client.ttl(f"atlas:datasets:{key}") <= 24 * 3600


def test_redis_quota_refuses_new_uploads_without_evicting(demo, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_QUOTA_MB", "0.0001")
    server, state = _state(demo, monkeypatch)
    with server.test_request_context():
        with pytest.raises(StorageError, match="storage for datasets is full"):
            state.set_dataset(_dataset(demo))
        assert state.dataset_key() == "demo"


def test_redis_down_is_a_503_and_health_says_so(demo, monkeypatch, tmp_path):
    from layouts import create_app
    from loaders import read_assumptions

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there
    monkeypatch.setenv("ATLAS_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setenv("ATLAS_SECRET_KEY", "s" * 40)
    app = create_app(demo, read_assumptions())
    client = app.server.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and "unreachable" in health.get_json()["problem"]
    payload = {
        "output": "..app-page.children...app-nav-holder.children...app-title.children...app-lang.data..",
        "outputs": [
            {"id": i, "property": p}
            for i, p in (
                ("app-page", "children"),
                ("app-nav-holder", "children"),
                ("app-title", "children"),
                ("app-lang", "data"),
            )
        ],
        "inputs": [{"id": "app-url", "property": "pathname", "value": "/en/data"}],
        "state": [{"id": "app-url", "property": "search", "value": ""}],
        "changedPropIds": ["app-url.pathname"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 503
    assert "session storage is unavailable" in response.get_json()["problem"]
