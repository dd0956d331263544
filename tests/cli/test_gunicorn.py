"""The documented deployment (``gunicorn app:server`` with ``gunicorn.conf.py``) holds against slow clients."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.fixtures import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(port: int, timeout: float = 3.0) -> tuple[int, float]:
    started = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
        return response.status, time.monotonic() - started


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if subprocess.run([sys.executable, "-m", "gunicorn", "--version"], capture_output=True).returncode:
        pytest.skip("gunicorn is not installed")
    port = _free_port()
    env = {
        **os.environ,
        "ATLAS_BIND": f"127.0.0.1:{port}",
        "ATLAS_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
        "ATLAS_SECRET_KEY": "t" * 40,
        "ATLAS_BODY_TIMEOUT": "8",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            _health(port)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
            time.sleep(1)
    else:
        os.killpg(process.pid, signal.SIGTERM)
        pytest.fail("gunicorn did not answer /healthz within 180 s")
    # both workers up: ask a few times
    for _ in range(4):
        _health(port, 30)
    yield port
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(30)


def _slow_upload(port: int) -> socket.socket:
    """A request that announces a 1 MB body and sends 10 bytes of it."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(
        b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000000\r\n\r\n{"output":'
    )
    return s


def test_eight_unfinished_uploads_leave_healthz_responsive(server):
    """Blocked threads would hold /healthz until the body timeout (8 s here); it answers well before."""
    baseline = sorted(_health(server)[1] for _ in range(5))[2]
    slow = [_slow_upload(server) for _ in range(8)]
    try:
        time.sleep(0.5)
        seconds = [_health(server, 10)[1] for _ in range(5)]
    finally:
        for s in slow:
            s.close()
    assert max(seconds) < 4.0, (baseline, seconds)


def test_an_unfinished_body_is_dropped_after_the_body_timeout(server):
    s = _slow_upload(server)
    s.settimeout(15)
    started = time.monotonic()
    try:
        answer = s.recv(100)  # the server closes it (or answers an error) after ATLAS_BODY_TIMEOUT
    except OSError:
        answer = b""
    finally:
        s.close()
    assert time.monotonic() - started < 15
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4") or answer.startswith(b"HTTP/1.1 5")


def test_the_workers_are_not_renewed_together():
    """Under an even load every worker reaches ``max_requests`` at about the same time; with 2,000 +- 200 both
    workers of the documented deployment were renewed within seconds of each other and for about 50 s no worker
    answered (a 50-user load test: 49 requests timed out). The jitter must spread renewals over a span as long as
    the interval, and the interval must be long enough that a load test of minutes renews no worker."""
    import runpy

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["max_requests"] >= 10_000
    assert conf["max_requests_jitter"] >= conf["max_requests"] // 2
