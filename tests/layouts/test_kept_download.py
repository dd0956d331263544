"""The map table's .xlsx built once per tables version and view (AtlasState.kept_download): the workbook a fresh
build gives, never another session's, new when the data, assumptions, language, filter or sorting change."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from dataclasses import replace

import pytest

from layouts import create_app
from layouts import views as views_module
from layouts.pages import map as map_page
from loaders import read_assumptions
from tests.layouts.test_layout_cache import _cookie, _give, _in_session, _uploaded

O1 = "UA05000000000010236"
FILTER = {"population": {"filterType": "number", "type": "greaterThan", "filter": 10_000}}
SORT = [{"colId": "population", "sort": "desc", "sortIndex": 0}]


@pytest.fixture
def app(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_SECRET_KEY", "s" * 40)
    return create_app(demo, read_assumptions())


@pytest.fixture
def builds(monkeypatch):
    made = []

    def counted(*args, **kwargs):
        made.append(args[1:])
        return views_module.download_bytes(*args, **kwargs)

    monkeypatch.setattr(map_page, "download_bytes", counted)
    return made


def _download(app, client, lang="uk", filter_model=FILTER, column_state=SORT, metric="gap_fte") -> bytes:
    state = [
        ("map-level", "value", "hromada"),
        ("map-metric", "value", metric),
        ("map-oblast", "data", O1),
        ("app-lang", "data", lang),
        ("map-table", "filterModel", filter_model),
        ("map-table", "columnState", column_state),
    ]
    body = {
        "output": "map-download.data",
        "outputs": {"id": "map-download", "property": "data"},
        "inputs": [{"id": "map-download-button", "property": "n_clicks", "value": 1}],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": ["map-download-button.n_clicks"],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.data[:300]
    sent = answer.json["response"]["map-download"]["data"]
    assert sent["base64"] and sent["filename"] == f"atlas_hromada_{metric}.xlsx"
    return base64.b64decode(sent["content"])


def _parts(workbook: bytes) -> dict[str, bytes]:
    """Every part of a workbook but the times it was made (properties, the cover's "Generated at")."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}
    stamp = rb"<t>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d</t>"
    assert len(re.findall(stamp, parts["xl/sharedStrings.xml"])) == 1
    parts["xl/sharedStrings.xml"] = re.sub(stamp, b"<t>generated</t>", parts["xl/sharedStrings.xml"])
    return parts


def _fresh(app, cookie: dict, lang="uk", filter_model=FILTER, metric="gap_fte") -> bytes:
    import flask

    state = app.server.extensions["atlas_state"]
    with app.server.test_request_context():
        flask.session.update(cookie)
        sort = map_page.sort_model(SORT)
        return views_module.download_bytes(state.tables(metric=metric), "hromada", metric, O1, lang, filter_model, sort)


def test_a_kept_workbook_is_what_a_fresh_build_gives_and_is_built_once(app, builds):
    one, other = app.server.test_client(), app.server.test_client()
    first = _download(app, one)
    assert _download(app, other) == first and _download(app, one) == first
    assert len(builds) == 1
    assert _parts(first) == _parts(_fresh(app, _cookie(one)))
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()


def test_two_sessions_with_different_uploads_get_their_own_workbook(app, demo, builds):
    one, other, anyone = (app.server.test_client() for _ in range(3))
    demo_book = _download(app, anyone)
    _give(one, _in_session(app, {}, lambda state: state.set_dataset(_uploaded(demo, 35))))
    _give(other, _in_session(app, {}, lambda state: state.set_dataset(_uploaded(demo, 5))))
    books = {name: _download(app, client) for name, client in (("one", one), ("other", other))}
    for name, client in (("one", one), ("other", other)):
        assert _parts(books[name]) == _parts(_fresh(app, _cookie(client))), name
        assert _download(app, client) == books[name]
    assert len({_parts(b)["xl/worksheets/sheet1.xml"] for b in (*books.values(), demo_book)}) == 3
    assert _download(app, anyone) == demo_book
    assert len(builds) == 3


def test_a_kept_workbook_follows_assumptions_language_filter_and_data(app, demo, builds):
    client = app.server.test_client()
    first = _download(app, client, metric="workers_per_10k_incl_idp")
    english = _download(app, client, lang="en", metric="workers_per_10k_incl_idp")
    unfiltered = _download(app, client, filter_model=None, metric="workers_per_10k_incl_idp")
    assert len(builds) == 3 and len({first, english, unfiltered}) == 3
    assert _parts(english) == _parts(_fresh(app, _cookie(client), "en", metric="workers_per_10k_incl_idp"))
    cookie = _in_session(
        app, _cookie(client), lambda state: state.set_assumptions(replace(state.assumptions(), idp_weight=0.2))
    )
    _give(client, cookie)
    weighted = _download(app, client, metric="workers_per_10k_incl_idp")
    assert len(builds) == 4 and _parts(weighted) != _parts(first)
    assert _parts(weighted) == _parts(_fresh(app, cookie, metric="workers_per_10k_incl_idp"))
    cookie = _in_session(app, cookie, lambda state: state.set_dataset(_uploaded(demo, 35)))
    _give(client, cookie)
    uploaded = _download(app, client, metric="workers_per_10k_incl_idp")
    assert len(builds) == 5 and _parts(uploaded) == _parts(_fresh(app, cookie, metric="workers_per_10k_incl_idp"))


def test_kept_workbooks_stay_within_their_bound(demo, tmp_path, monkeypatch, builds):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_DOWNLOAD_CACHE_MB", "0.001")  # 1 KB: no workbook fits, each is built
    app = create_app(demo, read_assumptions())
    client = app.server.test_client()
    assert _download(app, client) and _download(app, client)
    kept = app.server.extensions["atlas_state"]._downloads
    assert len(builds) == 2 and kept.size == 0 and kept.limit == int(0.001 * 2**20)


def test_a_kept_workbook_is_made_again_after_its_keep_time(app, builds, monkeypatch):
    """The cover's "Generated at" of a kept workbook is never older than ATLAS_DOWNLOAD_KEEP_SECONDS."""
    import layouts.state

    client = app.server.test_client()
    now = [960_000.0]  # the start of a period of 60 s
    monkeypatch.setattr(layouts.state, "_clock", lambda: now[0])
    monkeypatch.setenv("ATLAS_DOWNLOAD_KEEP_SECONDS", "60")
    _download(app, client)
    now[0] += 59
    _download(app, client)
    assert len(builds) == 1
    now[0] += 2
    _download(app, client)
    assert len(builds) == 2
