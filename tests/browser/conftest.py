"""One local server for every browser test, and one headless Chromium per test module.

Starting the app costs seconds, so the whole browser package shares it;
each module gets its own browser (its own cookies: its own user).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.chrome import CHROMEDRIVER, CHROMIUM, new_chrome

ROOT = Path(__file__).resolve().parents[2]


#: Browser tests wait for a real renderer; on a loaded machine a wait can time out. A timed-out
#: browser test is run again (at most twice, reported as "rerun" in the summary) when
#: pytest-rerunfailures is installed; a test that fails three times fails.
_RERUNS = {"reruns": 2, "reruns_delay": 5}


def pytest_collection_modifyitems(config, items):
    browser = [item for item in items if "browser" in item.nodeid.split("/")]
    if not (CHROMIUM and CHROMEDRIVER):
        reason = "Debian's chromium and chromium-driver are not installed (.ci/run installs them)"
        skip = pytest.mark.skip(reason=reason)
        for item in browser:
            item.add_marker(skip)
        return
    if config.pluginmanager.hasplugin("rerunfailures"):
        for item in browser:
            item.add_marker(pytest.mark.flaky(**_RERUNS))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """``python app.py`` on a free local port, one per test module (no state builds up across modules); its base URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited early:\n{proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("app.py did not serve a page within 90 s")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium logging its network (Chrome performance log) and console: one per test module.

    A module of its own keeps one test's session (uploads, scenarios) and a
    renderer that hangs on a slow machine from reaching the other modules.
    """
    driver = new_chrome()
    yield driver
    driver.quit()
