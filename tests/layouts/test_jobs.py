"""Background jobs: tickets keep a session's inputs server-side for one job; the manager follows ATLAS_REDIS_URL."""

from __future__ import annotations

import io
import zipfile

import dash
import flask
import pandas as pd
import pytest

from layouts.jobs import background_manager, issue_ticket, oblast_briefs_zip, take_ticket
from layouts.state import AtlasState
from loaders import Dataset, read_assumptions


@pytest.fixture
def state(tmp_path, monkeypatch, units, hromadas):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("ATLAS_REDIS_URL", raising=False)
    server = flask.Flask(__name__)
    server.secret_key = "test"
    dataset = Dataset(title="tiny", units=units, boundaries={}, hromadas=hromadas)
    state = AtlasState(server, dataset, read_assumptions(None), lambda d, a: None)
    state.server = server  # for the tests' request contexts
    return state


def test_a_ticket_carries_the_sessions_inputs_once(state):
    with state.server.test_request_context("/"):
        state.set_assumptions(state.default_assumptions.updated({"norm.social_work_specialist.workers_per_10k": 3}))
        job = issue_ticket(state, plan="the plan")
    assert len(job) >= 24  # unguessable
    ticket = take_ticket(state, job)  # outside any request: what a background process sees
    assert ticket["dataset"] is state.default_dataset and ticket["dataset_key"] == "demo"
    assert ticket["assumptions"].role_norm("social_work_specialist").workers_per_10k == 3
    assert ticket["plan"] == "the plan"
    assert take_ticket(state, job) is None  # used once
    assert take_ticket(state, "forged") is None and take_ticket(state, None) is None


def test_an_uploaded_dataset_reaches_the_job(state):
    other = Dataset(title="uploaded", units=state.default_dataset.units, boundaries={}, hromadas=pd.DataFrame())
    with state.server.test_request_context("/"):
        state.set_dataset(other)
        job = issue_ticket(state)
    assert take_ticket(state, job)["dataset"].title == "uploaded"


def test_manager_is_diskcache_on_one_machine_and_celery_with_redis(tmp_path, monkeypatch):
    monkeypatch.delenv("ATLAS_REDIS_URL", raising=False)
    assert isinstance(background_manager(tmp_path), dash.DiskcacheManager)
    assert (tmp_path / "jobs").is_dir()
    monkeypatch.setenv("ATLAS_REDIS_URL", "redis://127.0.0.1:6379/3")
    manager = background_manager(tmp_path)
    assert isinstance(manager, dash.CeleryManager)
    assert manager.handle.conf.broker_url == "redis://127.0.0.1:6379/3"


def test_oblast_briefs_zip_reports_progress(demo, monkeypatch):
    """Every oblast's brief in one archive, progress after each (the Overview batch job; two oblasts here)."""
    import exports.brief
    from exports.brief import brief_source

    monkeypatch.setattr(exports.brief, "oblast_codes", lambda source: ["UA05000000000010236", "UA07000000000024379"])
    seen = []
    content = oblast_briefs_zip(brief_source(demo, read_assumptions(None)), "en", lambda d, n: seen.append((d, n)))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["UA05_en.pdf", "UA07_en.pdf"]
        assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())
    assert seen == [(1, 2), (2, 2)]
