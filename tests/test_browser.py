"""End to end in a real headless Chromium: the demo opens, shows the map, switches metric and level.

Every request the page makes must go to the local server: no CDN, tiles or fonts.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
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
        pytest.fail("app.py did not serve a page within 60 s")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _requested_hosts(driver) -> set[str]:
    hosts = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http://", "https://", "ws://", "wss://")):
                hosts.add(urlparse(url).hostname)
    return hosts


def _wait(driver, condition, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _paths(driver) -> int:
    return driver.execute_script("return document.querySelectorAll('#dashboard-map .choroplethlocation').length")


def test_map_metric_and_level_switch_offline(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server)
    _wait(browser, lambda d: _paths(d) >= 27)
    assert _paths(browser) == 27  # 24 oblasts, Kyiv, Crimea, Sevastopol
    assert "Атлас" in browser.find_element(By.TAG_NAME, "h1").text
    assert "наближені" in browser.find_element(By.ID, "dashboard-note").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#dashboard-table tbody tr")
    assert len(rows) > 10

    # switch the metric: the colour bar title follows
    browser.find_element(By.ID, "dashboard-metric").click()
    option = _wait(browser, lambda d: d.find_element(By.XPATH, "//*[@role='option'][contains(., 'Дефіцит')]"))
    option.click()
    _wait(browser, lambda d: "Дефіцит" in d.find_element(By.ID, "dashboard-map").text)

    # switch the level to hromadas
    browser.find_element(By.CSS_SELECTOR, "#dashboard-level input[value='hromada']").click()
    _wait(browser, lambda d: _paths(d) > 1400, timeout=60)
    assert _paths(browser) >= 1470

    # back to oblasts, then click one: it drills into its hromadas
    browser.find_element(By.ID, "dashboard-reset").click()
    _wait(browser, lambda d: _paths(d) == 27)
    browser.execute_script(
        "const gd = document.getElementById('dashboard-map').querySelector('.js-plotly-plot');"
        "const trace = gd.data.length - 1;"
        "const i = gd.data[trace].locations.indexOf('UA74000000000025378');"
        "gd.emit('plotly_click', {points: [{curveNumber: trace, pointNumber: i, location: 'UA74000000000025378'}]});"
    )
    _wait(browser, lambda d: "Чернігівська" in d.find_element(By.ID, "dashboard-breadcrumb").text)
    _wait(browser, lambda d: 40 < _paths(d) < 80)

    hosts = _requested_hosts(browser)
    assert hosts <= {"127.0.0.1", "localhost"}, f"requests left the machine: {hosts}"
