"""Several processes behind one address: real gunicorn, PostgreSQL and Redis on loopback.

Two workers of one gunicorn see a publication at once (published data in
PostgreSQL), and a session's upload survives a restart of the server when
sessions are kept in Redis. Both need ``ATLAS_TEST_DATABASE_URL`` and
``ATLAS_TEST_REDIS_URL`` (``.ci/run`` starts the servers and sets them);
without them the tests are skipped with that reason.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from store import Store
from tests.fixtures import H2, ROOT
from tests.store.store_helpers import PG_URL, card_text, staffing_csv, wipe, write_manifest

REDIS_URL = os.environ.get("ATLAS_TEST_REDIS_URL")

needs_servers = pytest.mark.skipif(
    not (PG_URL and REDIS_URL and shutil.which("gunicorn")),
    reason="ATLAS_TEST_DATABASE_URL / ATLAS_TEST_REDIS_URL not set or gunicorn missing (.ci/run starts them)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn app:server`` on a free loopback port with the given environment."""

    def __init__(self, env: dict[str, str], workers: int, log: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "300",
                "app:server",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {log}")
            try:
                if requests.get(self.base + "/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 240 s; see {log}")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()


def _call(session: requests.Session, base: str, output_prefix: str, values: dict, changed: str) -> dict:
    """Run the Dash callback whose output starts with ``output_prefix``, as the browser would."""
    dependencies = session.get(base + "/_dash-dependencies", timeout=60).json()
    spec = next(d for d in dependencies if d["output"].startswith(output_prefix))

    def fill(items):
        return [{**i, "value": values.get((i["id"], i["property"]))} for i in items]

    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1]} for part in spec["output"].strip(".").split("...")
    ]
    payload = {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": fill(spec["inputs"]),
        "state": fill(spec["state"]),
        "changedPropIds": [changed],
    }
    response = session.post(base + "/_dash-update-component", json=payload, timeout=300)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def workers_card(session: requests.Session, base: str) -> str:
    """The overview's 'workers' figure as the page shows it (e.g. ``"11"``)."""
    body = _call(
        session,
        base,
        "..app-page.children",
        {("app-url", "pathname"): "/en/", ("app-url", "search"): ""},
        "app-url.pathname",
    )
    return card_text(body, "card-workers")


@pytest.fixture
def shared(tmp_path, units):
    """A PostgreSQL store holding a tiny published dataset, and the environment of a shared deployment."""
    wipe(PG_URL)
    store = Store(PG_URL, auto_migrate=True)
    store.publish(store.prepare_manifest(write_manifest(tmp_path / "q2", units=units), period="2025-Q2"), by="olena")
    env = {
        **os.environ,
        "ATLAS_DATABASE_URL": PG_URL,
        "ATLAS_REDIS_URL": REDIS_URL,
        "ATLAS_SECRET_KEY": "shared-test-secret",
        "ATLAS_CACHE_DIR": str(tmp_path / "cache-a"),
    }
    for key in ("ATLAS_DATA", "ATLAS_BASIC_AUTH_USER", "ATLAS_BASIC_AUTH_PASSWORD"):
        env.pop(key, None)
    yield store, env
    store.close()


@needs_servers
def test_two_workers_behind_one_address_see_a_publication_at_once(shared, tmp_path, units):
    store, env = shared
    server = Gunicorn(env, workers=2, log=tmp_path / "gunicorn.log")
    try:

        def ask(_):
            return workers_card(requests.Session(), server.base)

        with ThreadPoolExecutor(2) as pool:  # two at once: both sync workers answer
            assert set(pool.map(ask, range(6))) == {"11"}  # 1 + 5 + 3 + 2 + 0 filled posts
        changed = write_manifest(tmp_path / "q2b", staffing=staffing_csv((9, 9, 9, 9, 9)), units=units)
        store.publish(store.prepare_manifest(changed, period="2025-Q2", kinds=["staffing"]), by="taras")
        with ThreadPoolExecutor(2) as pool:
            assert set(pool.map(ask, range(8))) == {"45"}  # no restart, no wait: every worker shows it
    finally:
        server.stop()


@needs_servers
def test_a_session_survives_a_server_restart_with_redis(shared, tmp_path):
    _, env = shared
    staffing = (
        f"Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n{H2};Фахівець із соціальної роботи;40;35\n"
    )
    session = requests.Session()
    server = Gunicorn(env, workers=1, log=tmp_path / "gunicorn.log")
    try:
        assert workers_card(session, server.base) == "11"
        # a one-hromada table updates only its unit by default (issue 12): replace the whole table here
        _call(session, server.base, "data-mode.className", {("data-mode", "value"): "replace"}, "data-mode.value")
        contents = "data:text/csv;base64," + base64.b64encode(staffing.encode()).decode()
        body = _call(
            session,
            server.base,
            "..data-report.children",
            {
                ("data-upload", "contents"): contents,
                ("data-upload", "filename"): "staff.csv",
                ("data-kind", "value"): "staffing",
                ("app-lang", "data"): "en",
                ("data-reset", "n_clicks"): 0,
            },
            "data-upload.contents",
        )
        assert "File accepted" in json.dumps(body, ensure_ascii=False)
        assert workers_card(session, server.base) == "35"  # the upload replaces the staffing table: H2 alone
    finally:
        server.stop()
    # another machine: a new server with its own empty cache folder; only Redis and the cookie are shared
    env = {**env, "ATLAS_CACHE_DIR": str(tmp_path / "cache-b")}
    server = Gunicorn(env, workers=1, log=tmp_path / "gunicorn-2.log")
    try:
        assert workers_card(session, server.base) == "35"
        assert workers_card(requests.Session(), server.base) == "11"  # a new session sees the published data
    finally:
        server.stop()
