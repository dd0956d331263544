"""The Data page over the store: publications, publishing an upload, retracting, roles, the audit log."""

from __future__ import annotations

import base64
import json

import pytest

from layouts import create_app
from loaders import read_assumptions
from store import Store
from store.serving import PublishedData
from store.users import StoreUsers, add_user
from tests.fixtures import H2
from tests.store.store_helpers import card_text, write_manifest

STAFF = f"Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n{H2};Фахівець із соціальної роботи;40;35\n"


class Client:
    """A Flask test client that runs Dash callbacks as the browser does."""

    def __init__(self, app, user: tuple[str, str] | None = None):
        self.client = app.server.test_client()
        self.headers = {}
        if user:
            token = base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"

    def call(self, output_prefix: str, values: dict, changed: str):
        dependencies = json.loads(self.client.get("/_dash-dependencies", headers=self.headers).data)
        spec = next(
            d
            for d in dependencies
            if d["output"].strip(".").startswith(output_prefix.strip("."))
            and any(f"{i['id']}.{i['property']}" == changed for i in d["inputs"])
        )
        outputs = [
            {"id": p.split(".")[0], "property": p.split(".")[1].split("@")[0]}
            for p in spec["output"].strip(".").split("...")
        ]
        payload = {
            "output": spec["output"],
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [{**i, "value": values.get((i["id"], i["property"]))} for i in spec["inputs"]],
            "state": [{**i, "value": values.get((i["id"], i["property"]))} for i in spec["state"]],
            "changedPropIds": [changed],
        }
        response = self.client.post("/_dash-update-component", json=payload, headers=self.headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:400]
        return response.get_data(as_text=True)

    def page(self, path: str) -> str:
        values = {("app-url", "pathname"): path, ("app-url", "search"): ""}
        return self.call("..app-page.children", values, "app-url.pathname")

    def upload(self) -> str:
        contents = "data:text/csv;base64," + base64.b64encode(STAFF.encode()).decode()
        values = {
            ("data-upload", "contents"): contents,
            ("data-upload", "filename"): "staff.csv",
            ("data-kind", "value"): "staffing",
            ("app-lang", "data"): "en",
            ("data-reset", "n_clicks"): 0,
        }
        return self.call("..data-report.children", values, "data-upload.contents")

    def publish(self, period: str) -> str:
        values = {("store-publish", "n_clicks"): 1, ("store-period", "value"): period, ("app-lang", "data"): "en"}
        return self.call("..store-message.children", values, "store-publish.n_clicks")


@pytest.fixture
def served(tmp_path, units, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    store = Store(f"sqlite:///{tmp_path / 'atlas.sqlite3'}", auto_migrate=True)
    store.publish(store.prepare_manifest(write_manifest(tmp_path / "q2", units=units), period="2025-Q2"), by="olena")
    yield store
    store.close()


def _app(store, authenticators=()):
    return create_app(None, read_assumptions(), authenticators=authenticators, published=PublishedData(store))


def test_an_analyst_publishes_an_upload_and_every_session_sees_it(served):
    app = _app(served)
    analyst, other = Client(app), Client(app)
    data_page = analyst.page("/en/data")
    assert "store-publications" in data_page and "Published data" in data_page and "olena" in data_page
    assert "File accepted" in analyst.upload()
    message = analyst.publish("2025-Q3")
    assert "Published: #" in message and "staffing 2025-Q3 v1" in message
    assert [p.period for p in served.publications() if p.kind == "staffing"] == ["2025-Q2", "2025-Q3"]
    assert card_text(json.loads(other.page("/en/")), "card-workers") == "35"  # every session sees it
    assert "anonymous" in served.audit_entries()["actor"].tolist()


def test_a_period_that_is_not_one_is_refused(served):
    client = Client(_app(served))
    client.upload()
    assert "neither a quarter" in client.publish("next spring")
    assert len(served.publications()) == 4


def test_the_store_section_answers_in_ukrainian_under_uk(served):
    """Under /uk/ a bad period and a retraction of no publication, or of one retracted already, are said in
    Ukrainian (they were the store's English sentences)."""
    from tests.fixtures import english_phrases

    client = Client(_app(served))
    client.upload()
    period = "наступної весни"
    values = {("store-publish", "n_clicks"): 1, ("store-period", "value"): period, ("app-lang", "data"): "uk"}
    said = json.loads(client.call("..store-message.children", values, "store-publish.n_clicks"))
    message = said["response"]["store-message"]["children"]
    assert message == "період «наступної весни» — не квартал (напр., 2025-Q2) і не дата (напр., 2025-04-30)"
    first = served.publications()[0].id
    served.retract(first, by="olena", reason="test")
    for publication, words in ((999, "у сховищі немає публікації №999"), (first, f"публікацію №{first} (")):
        values = {
            ("store-retract", "n_clicks"): 1,
            ("store-retract-id", "value"): publication,
            ("store-retract-reason", "value"): "",
            ("app-lang", "data"): "uk",
        }
        said = json.loads(client.call("..store-message.children", values, "store-retract.n_clicks"))
        message = said["response"]["store-message"]["children"]
        assert message.startswith(words) and not english_phrases(message), message


def test_a_viewer_cannot_publish_or_retract(served):
    add_user(served, "vira", "viewer-password", "viewer", by="admin")
    add_user(served, "andrii", "analyst-password", "analyst", by="admin")
    app = _app(served, [StoreUsers(served)])
    assert app.server.test_client().get("/en/data").status_code == 401
    viewer = Client(app, ("vira", "viewer-password"))
    page = viewer.page("/en/data")
    assert "store-publications" in page and "store-publish" not in page
    viewer.upload()
    assert "Only analysts and admins may publish" in viewer.publish("2025-Q3")
    assert len(served.publications()) == 4
    analyst = Client(app, ("andrii", "analyst-password"))
    assert "store-publish" in analyst.page("/en/data")
    analyst.upload()
    assert "staffing 2025-Q3 v1" in analyst.publish("2025-Q3")
    assert served.publications()[-1].published_by == "andrii"


def test_the_audit_log_downloads_as_csv(served):
    client = Client(_app(served))
    body = client.call(
        "..store-audit-download.data",
        {("store-audit-download-button", "n_clicks"): 1},
        "store-audit-download-button.n_clicks",
    )
    content = json.loads(body)["response"]["store-audit-download"]["data"]["content"]
    assert content.splitlines()[0] == "id,at,actor,action,target,detail"
    assert "olena,publish,staffing 2025-Q2 v1" in content
