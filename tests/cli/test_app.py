"""The command line and the production server object."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest

from tests.fixtures import ROOT


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True)
    for command in ("serve", "build-demo", "--host", "--port"):
        assert command in out.stdout


def test_importing_app_builds_nothing():
    code = "import app, sys; assert app._SERVER is None; assert 'layouts' not in sys.modules; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_bad_manifest_is_a_clear_error():
    out = subprocess.run(
        [sys.executable, "app.py", "--data", "nope.toml"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert "dataset manifest not found: nope.toml" in out.stderr


@pytest.fixture
def secured(monkeypatch, tmp_path):
    import app

    monkeypatch.setenv("ATLAS_BASIC_AUTH_USER", "planner")
    monkeypatch.setenv("ATLAS_BASIC_AUTH_PASSWORD", "s3cret")
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    return app.make_app().server.test_client()


def test_basic_authentication_from_the_environment(secured):
    assert secured.get("/uk/map").status_code == 401
    assert secured.get("/healthz").status_code == 200
    token = base64.b64encode(b"planner:s3cret").decode()
    assert secured.get("/uk/map", headers={"Authorization": f"Basic {token}"}).status_code == 200
    wrong = base64.b64encode(b"planner:guess").decode()
    assert secured.get("/uk/map", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
