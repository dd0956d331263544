"""The Funding page's allocator run as a Dash background job, through the app's own callback requests.

A click checks the choices and issues a ticket; the background callback
starts a real job (``DiskcacheManager``: a child process), reports progress
while the solver runs, and keeps the plan for the session that asked; the
page takes it once and draws it. Cancelling stops the job: no plan is kept.
"""

from __future__ import annotations

import os
import re
import time
from urllib.parse import urlencode

import pytest

from core.text import solver_text, t
from tests.fixtures import english_phrases
from tests.layouts.test_callback_inputs import _body

CHOICES = {
    ("funding-budget", "value"): "60,000,000",
    ("funding-objective", "value"): "coverage",
    ("funding-measure", "value"): "norm",
    ("funding-options", "value"): [],
    ("funding-roles", "value"): ["social_work_specialist", "social_worker"],
    ("funding-years", "value"): "3",
    ("funding-hromada-share", "value"): "100",
    ("funding-psychologist-share", "value"): "100",
    ("funding-oblast-caps", "value"): "",
    ("app-lang", "data"): "en",
}


@pytest.fixture(scope="module")
def app(demo, tmp_path_factory):
    from dash._get_app import app_context

    from layouts import create_app
    from loaders import read_assumptions

    saved = os.environ.get("ATLAS_CACHE_DIR")
    os.environ["ATLAS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("ATLAS_REDIS_URL", None)
    made = create_app(demo, read_assumptions())
    # Dash signs a job's handle with the secret of its *current* app (a context variable of this thread,
    # left at whichever app the suite used last), and the cancel callback checks it with this app's own:
    # in a process with several apps the cancel was silently refused. One app per process in production.
    current = app_context.set(made)
    try:
        yield made
    finally:
        app_context.reset(current)
        if saved is None:
            os.environ.pop("ATLAS_CACHE_DIR", None)
        else:
            os.environ["ATLAS_CACHE_DIR"] = saved


class Page:
    """One page load of one user: the signed ``endId`` the renderer echoes on every callback request."""

    def __init__(self, app, lang: str = "en"):
        self.app = app
        self.client = app.server.test_client()
        html = self.client.get(f"/{lang}/funding").get_data(as_text=True)
        self.end_id = re.search(r'"end_id":\s*"([^"]+)"', html).group(1)
        self.choices = {**CHOICES, ("app-lang", "data"): lang}
        if lang == "uk":
            self.choices[("funding-budget", "value")] = "60 000 000"

    def post(self, output: str, values: dict, changed: str | None = None, **args):
        key, spec = next((k, v) for k, v in self.app.callback_map.items() if output in k)
        body = _body(key, spec, {**self.choices, **values})
        if changed:
            body["changedPropIds"] = [changed]
        query = urlencode({"endId": self.end_id, **args})
        response = self.client.post(f"/_dash-update-component?{query}", json=body)
        assert response.status_code in (200, 204), (output, response.status_code, response.get_data(as_text=True))
        return response.get_json(silent=True) or {}

    def click_run(self) -> str:
        answer = self.post("funding-plan-ticket.data", {("funding-run", "n_clicks"): 1})
        return answer["response"]["funding-plan-ticket"]["data"]

    def start(self, ticket: str) -> dict:
        handles = self.post("funding-plan-done.data", {("funding-plan-ticket", "data"): ticket})
        assert {"cacheKey", "job"} <= handles.keys()
        return handles

    def poll(self, ticket: str, handles: dict) -> dict:
        values = {("funding-plan-ticket", "data"): ticket}
        return self.post("funding-plan-done.data", values, cacheKey=handles["cacheKey"], job=handles["job"])

    def show(self, ticket: str) -> dict:
        return self.post("funding-map.figure", {("funding-plan-done", "data"): ticket})["response"]


def _texts(tree) -> str:
    """The words of a component tree as the page shows them (its strings, not its ids and props)."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list):
        return " ".join(_texts(t) for t in tree)
    if isinstance(tree, dict):
        return _texts(tree.get("props", {}).get("children", "")) if "props" in tree else ""
    return "" if tree is None else str(tree)


def _run(page: Page) -> dict:
    """Click, let the job run and take the plan: what the page then shows."""
    ticket = page.click_run()
    handles = page.start(ticket)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and "response" not in page.poll(ticket, handles):
        time.sleep(0.3)
    return page.show(ticket)


@pytest.fixture
def slow_plan(monkeypatch):
    """A plan that takes a few seconds on any machine (the job's child process is forked with it), so that
    progress and cancel are seen while it runs, not raced by a quick solver."""
    from layouts.pages import funding

    quick = funding.make_plan

    def slow(*args, **kwargs):
        time.sleep(3)
        return quick(*args, **kwargs)

    monkeypatch.setattr(funding, "make_plan", slow)


def test_the_run_starts_reports_progress_and_gives_the_plan(app, slow_plan):
    page = Page(app)
    ticket = page.click_run()
    handles = page.start(ticket)
    statuses, done, deadline = [], None, time.monotonic() + 180
    while done is None and time.monotonic() < deadline:
        answer = page.poll(ticket, handles)
        status = answer.get("progress", {}).get("funding-plan-status.children")
        if status:
            statuses.append(status)
        done = answer.get("response", {}).get("funding-plan-done", {}).get("data")
        time.sleep(0.2)
    assert done == ticket, "the job did not finish within 180 s"
    assert any(re.fullmatch(r"Making the plan: \d+ s \(at most 20 s\)", s) for s in statuses), statuses

    shown = page.show(done)
    summary = str(shown["funding-result"]["children"])
    assert "Exact (MILP)" in summary and "Greedy" in summary
    assert t("solver_optimal", "en") in _texts(shown["funding-result"]["children"])
    assert len(shown["funding-table"]["rowData"]) > 10
    # the plan is now the session's: its workbook downloads (an ordinary callback reading the session)
    download = page.post("funding-download.data", {("funding-download-button", "n_clicks"): 1})
    assert download["response"]["funding-download"]["data"]["filename"] == "funding_plan.xlsx"
    # taken once; another user with the id gets nothing
    again = page.show(done)
    assert "no longer kept" in str(again["funding-result"]["children"])


def test_another_session_cannot_take_the_plan(app):
    owner, other = Page(app), Page(app)
    ticket = owner.click_run()
    handles = owner.start(ticket)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and "response" not in owner.poll(ticket, handles):
        time.sleep(0.3)
    assert "no longer kept" in str(other.show(ticket)["funding-result"]["children"])
    assert "Exact (MILP)" in str(owner.show(ticket)["funding-result"]["children"])


def test_the_solvers_answer_is_said_in_ukrainian_under_uk(app):
    """The allocator's message and notes (demo: occupied hromadas left out, no IDP figure, hostilities) in the
    user's language: codes rendered by the catalogue, not the solver's English sentences."""
    shown = _texts(_run(Page(app, "uk"))["funding-result"]["children"])
    assert t("solver_optimal", "uk") in shown
    occupied = solver_text([("left_out_status", {"count": 167, "status": "occupied"})], "uk")
    assert occupied in shown and "окупована" in occupied, shown
    assert not english_phrases(shown), english_phrases(shown)


def _jobs() -> set[int]:
    """Running child processes of this process (a DiskcacheManager job is one)."""
    import psutil

    return {c.pid for c in psutil.Process().children(recursive=True) if c.status() != psutil.STATUS_ZOMBIE}


def _wait(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    return condition()


def test_a_cancelled_run_stops_and_keeps_no_plan(app, slow_plan):
    page = Page(app)
    ticket = page.click_run()
    before = _jobs()
    handles = page.start(ticket)
    job = _wait(lambda: _jobs() - before)
    assert job, "no job process started"
    assert not page.poll(ticket, handles).get("response"), "the slowed plan was made before the cancel"
    page.post("funding-plan-cancel.id", {("funding-plan-cancel", "n_clicks"): 1}, cancelJob=handles["job"])
    assert _wait(lambda: not (job & _jobs())), "the job process still runs after cancel"
    answer = page.poll(ticket, handles)
    assert answer.get("response", {}).get("funding-plan-done") is None
    assert "no longer kept" in str(page.show(ticket)["funding-result"]["children"])


def test_bad_choices_are_said_at_once_and_start_no_job(app):
    page = Page(app)
    values = {("funding-run", "n_clicks"): 1, **CHOICES, ("funding-oblast-caps", "value"): "nowhere=5"}
    answer = page.post("funding-plan-ticket.data", values)["response"]
    assert "line 1 'nowhere=5'" in str(answer["funding-result"]["children"])
    assert "funding-plan-ticket" not in answer


def test_years_and_shares_are_read_the_users_way_and_each_bad_one_is_named(app):
    """The form's small numbers are typed text in the user's format (no browser number field): a fraction of a
    year, a word, a share over 100 % are each said by the field's name, and no ticket is issued."""
    page = Page(app, "uk")
    values = {
        ("funding-run", "n_clicks"): 1,
        ("funding-years", "value"): "2,5",
        ("funding-hromada-share", "value"): "багато",
        ("funding-psychologist-share", "value"): "150",
    }
    answer = page.post("funding-plan-ticket.data", values)["response"]
    said = _texts(answer["funding-result"]["children"])
    assert "funding-plan-ticket" not in answer
    assert t("field_whole", "uk", field=t("funding_years", "uk"), value="2,5") in said, said
    assert f"«{t('funding_hromada_share', 'uk')}»: «багато» — не число" in said, said
    assert f"«{t('funding_psychologist_share', 'uk')}»: потрібне число від 0 до 100; введено 150" in said, said
    good = {**values, ("funding-years", "value"): "2", ("funding-hromada-share", "value"): "12,5",
            ("funding-psychologist-share", "value"): "30"}  # fmt: skip
    assert page.post("funding-plan-ticket.data", good)["response"]["funding-plan-ticket"]["data"]


def test_the_callback_graph_has_no_cycle(app):
    """The renderer never fires a callback on a cycle (click -> ticket -> job -> done -> click was one)."""
    edges: dict[str, set[str]] = {}
    for spec in app.callback_map.values():
        outputs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
        targets = {f"{o.component_id}.{o.component_property}" for o in outputs}
        for item in spec["inputs"]:
            source = f"{item['id']}.{item['property']}"
            edges.setdefault(source, set()).update(targets - {source})  # a callback may update its own input
    seen, on_path = set(), []

    def visit(node: str) -> list[str] | None:
        if node in on_path:
            return [*on_path[on_path.index(node) :], node]
        if node in seen:
            return None
        seen.add(node)
        on_path.append(node)
        for nxt in edges.get(node, ()):
            if cycle := visit(nxt):
                return cycle
        on_path.pop()
        return None

    for node in list(edges):
        assert (cycle := visit(node)) is None, " -> ".join(cycle)
