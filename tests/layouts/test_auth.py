"""Every route and every callback needs credentials; only ``/healthz`` is public.

The matrix is built from the server itself (``url_map`` and
``app.callback_map``), so a route or callback added later is covered too.
"""

from __future__ import annotations

import base64
import re

import pytest

RIGHT = "Basic " + base64.b64encode(b"planner:s3cret").decode()
WRONG = "Basic " + base64.b64encode(b"planner:guess").decode()
MALFORMED = (
    "Basic",
    "Basic ",
    "Basic @@@not-base64@@@",
    "Basic " + base64.b64encode(b"no-colon").decode(),
    "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
    "Bearer abc",
    "Basic " + "A" * 10000,
    "\u0436\u0436",
)
CREDENTIALS = {"none": None, "wrong": WRONG, **{f"malformed{i}": h for i, h in enumerate(MALFORMED)}}
SAMPLE = {"filename": "style.css", "path": "uk/map", "key": "demo", "level": "oblast"}


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    import os

    import app

    saved = {k: os.environ.get(k) for k in ("ATLAS_BASIC_AUTH_USER", "ATLAS_BASIC_AUTH_PASSWORD", "ATLAS_CACHE_DIR")}
    os.environ.update(
        ATLAS_BASIC_AUTH_USER="planner",
        ATLAS_BASIC_AUTH_PASSWORD="s3cret",
        ATLAS_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
    )
    try:
        made = app.make_app()
        # the first request sets the server up: Dash then adds the cancel callbacks of background jobs
        made.server.test_client().get("/_dash-layout", headers=_headers(RIGHT))
        yield made
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _url(rule: str) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return SAMPLE.get(name, "x")

    return re.sub(r"<([^>]+)>", fill, rule)


def _routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.server.url_map.iter_rules():
        method = "POST" if "POST" in rule.methods else "GET"
        routes.append((method, _url(rule.rule)))
    return sorted(set(routes))


def _headers(value: str | None) -> dict[str, str]:
    return {} if value is None else {"Authorization": value}


def _callback_body(key: str, spec: dict, pathname: str | None = "/healthz") -> dict:
    """A request of callback ``key``; every ``pathname`` input carries the public-route trick."""

    def values(items):
        return [{**item, "value": pathname if item["property"] == "pathname" else None} for item in items]

    outputs = (
        [{"id": o.component_id, "property": o.component_property} for o in spec["output"]]
        if isinstance(spec["output"], list)
        else [{"id": spec["output"].component_id, "property": spec["output"].component_property}]
    )
    return {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": values(spec["inputs"]),
        "state": values(spec["state"]),
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in spec["inputs"]][:1],
    }


def test_the_matrix_covers_the_server(secured):
    routes = _routes(secured)
    assert ("POST", "/_dash-update-component") in routes
    assert ("GET", "/geo/demo/oblast.json") in routes
    assert ("GET", "/_dash-layout") in routes
    assert len(secured.callback_map) >= 10
    background = [k for k, spec in secured.callback_map.items() if spec.get("background")]
    assert any("funding-plan-done.data" in k for k in background)  # the allocator run
    assert any("overview-briefs-download.data" in k for k in background)  # the batch of briefs
    assert any("overview-workbook-download.data" in k for k in background)  # the full workbook
    assert any(k.endswith("funding-plan-cancel.id") for k in secured.callback_map)  # Dash's cancel callback


def test_every_route_refuses_requests_without_right_credentials(secured):
    client = secured.server.test_client()
    failures = []
    for method, url in _routes(secured):
        for name, header in CREDENTIALS.items():
            kwargs = {"json": {}} if method == "POST" else {}
            response = client.open(url, method=method, headers=_headers(header), **kwargs)
            expected = 200 if url == "/healthz" else 401
            if response.status_code != expected:
                failures.append((method, url, name, response.status_code))
            if expected == 401 and "WWW-Authenticate" not in response.headers:
                failures.append((method, url, name, "no challenge"))
    assert not failures


def test_every_route_answers_the_right_credentials(secured):
    client = secured.server.test_client()
    for method, url in _routes(secured):
        if method == "POST":
            continue
        response = client.open(url, method=method, headers=_headers(RIGHT))
        assert response.status_code != 401, url
    assert client.get("/uk/map", headers=_headers(RIGHT)).status_code == 200
    assert client.get("/geo/demo/oblast.json", headers=_headers(RIGHT)).status_code == 200
    assert client.get("/_dash-layout", headers=_headers(RIGHT)).status_code == 200


@pytest.mark.parametrize("trick", ["/healthz", None])
def test_every_callback_refuses_requests_without_right_credentials(secured, trick):
    """The public-route trick: a callback whose ``pathname`` input is ``/healthz`` (dash-auth let it through)."""
    client = secured.server.test_client()
    failures = []
    for key, spec in secured.callback_map.items():
        body = _callback_body(key, spec, trick)
        for name, header in CREDENTIALS.items():
            response = client.post("/_dash-update-component", json=body, headers=_headers(header))
            if response.status_code != 401:
                failures.append((key[:60], name, response.status_code))
    assert not failures


def test_every_callback_answers_the_right_credentials(secured):
    client = secured.server.test_client()
    for key, spec in secured.callback_map.items():
        response = client.post("/_dash-update-component", json=_callback_body(key, spec), headers=_headers(RIGHT))
        assert response.status_code not in (401, 403), key


def test_the_user_of_a_request_and_their_role(secured):
    import flask

    from layouts import auth

    with secured.server.test_request_context("/uk/map", headers=_headers(RIGHT)):
        assert secured.server.preprocess_request() is None
        assert auth.current_user() == auth.User("planner", "analyst")
        assert auth.current_role() == "analyst"
    with secured.server.test_request_context("/healthz"):
        secured.server.preprocess_request()
        assert auth.current_user() is None
    assert isinstance(flask.g, object)


def test_several_users_with_roles():
    import flask

    from layouts.auth import BasicAuth, User

    check = BasicAuth({"ana": ("pw1", "admin"), "vic": "pw2"})
    app = flask.Flask(__name__)
    token = "Basic " + base64.b64encode(b"ana:pw1").decode()
    with app.test_request_context("/", headers={"Authorization": token}):
        assert check(flask.request) == User("ana", "admin")
        assert check(flask.request).can("viewer")
    token = "Basic " + base64.b64encode(b"vic:pw1").decode()
    with app.test_request_context("/", headers={"Authorization": token}):
        assert check(flask.request) is None
    with pytest.raises(ValueError, match="role must be one of"):
        BasicAuth({"x": ("pw", "root")})


def test_an_open_atlas_serves_everyone_as_anonymous(tmp_path, monkeypatch):
    from layouts import auth, create_app
    from loaders import load_demo, read_assumptions

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    app = create_app(load_demo(), read_assumptions())
    with app.server.test_request_context("/uk/"):
        app.server.preprocess_request()
        assert auth.current_user() is auth.ANONYMOUS


@pytest.mark.parametrize("trick", ["/healthz", None])
def test_background_job_requests_need_credentials(secured, trick):
    """Polling, cancelling and replacing a job (``cacheKey``, ``job``, ``cancelJob``, ``oldJob``) need credentials."""
    client = secured.server.test_client()
    query = "?endId=e&cacheKey=k&job=1&cancelJob=1&oldJob=1"
    jobs = {k: v for k, v in secured.callback_map.items() if v.get("background") or k.endswith("-cancel.id")}
    assert len(jobs) >= 6
    failures = []
    for key, spec in jobs.items():
        body = _callback_body(key, spec, trick)
        for name, header in {**CREDENTIALS, "right": RIGHT}.items():
            response = client.post("/_dash-update-component" + query, json=body, headers=_headers(header))
            refused = response.status_code == 401
            if refused != (name != "right") or response.status_code >= 500:
                failures.append((key[:60], name, response.status_code))
    assert not failures
