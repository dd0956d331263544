"""Background jobs on Celery over a real Redis: the app and one worker as a deployment runs them.

Needs ``ATLAS_TEST_REDIS_URL`` (``.ci/run`` starts Redis on loopback); skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.chrome import wait
from tests.browser.conftest import ROOT, _free_port

REDIS = os.environ.get("ATLAS_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS, reason="ATLAS_TEST_REDIS_URL is not set (.ci/run starts Redis)")


@pytest.fixture
def celery_server(tmp_path):
    """``python app.py`` and ``celery -A app:celery_app worker`` sharing Redis; the app's URL."""
    port = _free_port()
    env = {**os.environ, "ATLAS_REDIS_URL": REDIS, "ATLAS_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "app:celery_app", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    web = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if web.poll() is not None or worker.poll() is not None:
                pytest.fail(f"app or worker exited early:\n{(tmp_path / 'worker.log').read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("app.py did not serve a page within 120 s")
        yield url
    finally:
        for proc in (web, worker):
            proc.terminate()
        for proc in (web, worker):
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


def test_full_workbook_runs_on_a_celery_worker(celery_server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(celery_server + "en/")
    wait(browser, lambda d: d.find_element(By.ID, "overview-workbook-button")).click()
    wait(browser, lambda d: list(tmp_path.glob("atlas_workbook*.xlsx")), timeout=180)
    assert "succeeded in" in (tmp_path / "worker.log").read_text()  # the job ran on the worker, not in the app
    from openpyxl import load_workbook

    assert len(load_workbook(next(tmp_path.glob("atlas_workbook*.xlsx")), read_only=True).sheetnames) >= 5
