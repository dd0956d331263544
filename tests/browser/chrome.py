"""Small helpers for the browser tests: waits, dropdown picks, what the page drew and requested."""

from __future__ import annotations

import json
import shutil
from urllib.parse import urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)


def new_chrome(
    width: int = 1440,
    height: int = 900,
    *,
    extra: tuple[str, ...] = (),
    profile=None,
    network_log: bool = True,
    page_load_timeout: float = 180,
):
    """A fresh headless Chromium with its own profile (its own cookies), logging network and console.

    The one place that starts Chromium for the tests, the benchmarks and the README screenshots:
    ``extra`` flags (e.g. software WebGL), a ``profile`` folder to keep the cache between visits,
    ``network_log`` for the DevTools performance log.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={width},{height}", *extra):
        options.add_argument(flag)
    if profile is not None:
        options.add_argument(f"--user-data-dir={profile}")
    logs = {"performance": "ALL", "browser": "ALL"} if network_log else {"browser": "ALL"}
    options.set_capability("goog:loggingPrefs", logs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(page_load_timeout)  # a busy 2-core CI machine renders the hromada map slowly
    return driver


def wait(driver, condition, timeout: float = 30):
    """Poll ``condition(driver)`` until it is truthy; elements replaced by a re-render meanwhile are retried."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=ignored).until(condition)


def paths(driver, graph: str) -> int:
    """How many map shapes the graph ``graph`` has drawn."""
    return driver.execute_script(f"return document.querySelectorAll('#{graph} .choroplethlocation').length")


def pick(driver, dropdown_id: str, text: str) -> None:
    """Open the dropdown ``dropdown_id`` and click the option containing ``text``."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id}").click()
    option = wait(
        driver, lambda d: d.find_element(By.XPATH, f"//*[@role='option'][contains(normalize-space(.), '{text}')]")
    )
    option.click()


def graph(driver, graph_id: str):
    """Plotly's resolved state of the graph (``_fullData`` / ``_fullLayout``), as JSON-able dicts.

    ``coloured`` is every trace that draws a colour bar: its resolved
    ``colorscale``, ``zmin``, ``zmax``, colour-bar title and tick labels.
    """
    return driver.execute_script(
        """
        const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
        if (!gd || !gd._fullData) return null;
        const coloured = gd._fullData.filter(t => t.showscale).map(t => ({
            colorscale: t.colorscale, zmin: t.zmin, zmax: t.zmax,
            title: t.colorbar && t.colorbar.title && t.colorbar.title.text,
            ticks: Array.from(gd.querySelectorAll('.colorbar .cbaxis text, .colorbar text.ytick, .cbaxis .ytick text'))
                .map(e => e.textContent),
        }));
        return {coloured: coloured, n: gd._fullData.length};
        """,
        graph_id,
    )


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked for since the last call (Chrome performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            params = message["params"]
            url = params["request"]["url"] if "request" in params else params.get("url", "")
            urls.append(url)
    return urls


def foreign(urls: list[str]) -> list[str]:
    """The URLs among ``urls`` that go to a host other than this machine."""
    return [
        u
        for u in urls
        if u.startswith(("http://", "https://", "ws://", "wss://")) and urlparse(u).hostname not in LOCAL_HOSTS
    ]
