"""Session state lives server-side and is shared by workers, never between sessions."""

from __future__ import annotations

import base64
import json

import pytest

from layouts import create_app
from loaders import load_demo, read_assumptions
from tests.fixtures import upload_request

STAFF = (
    "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    "UA74100390000073425;Фахівець із соціальної роботи;40;35\n"
)


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    """Two app instances (two gunicorn workers) sharing one cache folder and secret."""
    import os

    folder = tmp_path_factory.mktemp("cache")
    old = {k: os.environ.get(k) for k in ("ATLAS_CACHE_DIR", "ATLAS_SECRET_KEY")}
    os.environ["ATLAS_CACHE_DIR"] = str(folder)
    os.environ["ATLAS_SECRET_KEY"] = "test-secret"
    dataset, assumptions = load_demo(), read_assumptions()
    apps = [create_app(dataset, assumptions), create_app(dataset, assumptions)]
    yield apps
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _output(client, prefix: str) -> str:
    dependencies = json.loads(client.get("/_dash-dependencies").data)
    return next(d["output"] for d in dependencies if d["output"].startswith(prefix))


def _upload(client) -> None:
    contents = "data:text/csv;base64," + base64.b64encode(STAFF.encode()).decode()
    payload = upload_request(contents, "staff.csv", "staffing", _output(client, "..data-report.children"))
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    assert "File accepted" in response.get_data(as_text=True)


def _workers_card(client) -> str:
    payload = {
        "output": _output(client, "..app-page.children"),
        "outputs": [
            {"id": i, "property": p}
            for i, p in (
                ("app-page", "children"),
                ("app-nav-holder", "children"),
                ("app-title", "children"),
                ("app-lang", "data"),
            )
        ],
        "inputs": [{"id": "app-url", "property": "pathname", "value": "/en/"}],
        "state": [{"id": "app-url", "property": "search", "value": ""}],
        "changedPropIds": ["app-url.pathname"],
    }
    body = client.post("/_dash-update-component", json=payload).get_data(as_text=True)
    marker = body.index('"id": "card-workers"') if '"id": "card-workers"' in body else body.index('"card-workers"')
    return body[max(0, marker - 200) : marker]


def test_an_upload_in_one_worker_is_seen_by_another_worker_of_the_same_session(workers):
    first, second = (app.server.test_client() for app in workers)
    _upload(first)
    cookie = first.get_cookie("session")
    assert cookie is not None
    second.set_cookie("session", cookie.value)
    # the upload updates only its hromada (issue 12): the file gives its specialists only, so that
    # hromada's community workers are unknown and the national count is the other hromadas' 3,248
    assert '"3,248"' in _workers_card(second)


def test_another_session_still_sees_the_original_data(workers):
    stranger = workers[1].server.test_client()
    assert "3,260" in _workers_card(stranger)


def test_a_forged_session_cookie_is_ignored(workers):
    forged = workers[0].server.test_client()
    forged.set_cookie("session", "eyJzaWQiOiJndWVzcyJ9.forged.signature")
    assert "3,260" in _workers_card(forged)
