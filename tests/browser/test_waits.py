"""Feedback on waits: an answer of the server that takes over 300 ms shows the busy bar; quick ones do not flicker."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.chrome import paths, wait


def test_a_wait_over_300_ms_shows_progress_and_a_quick_answer_does_not(server, browser, tmp_path):
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(server + "uk/map?level=hromada")
    wait(browser, lambda d: paths(d, "map-graph") > 1400, timeout=180)
    bar = browser.find_element(By.ID, "app-busy")
    assert "Зачекайте" in bar.get_attribute("textContent") and not bar.is_displayed()

    # the whole hromada table as a workbook, over a network that adds 700 ms to every answer (Chrome's own
    # emulation): a slow answer however fast the server is (on an idle machine it writes the workbook in
    # under 450 ms, and the test then had no slow answer to look at)
    browser.execute_cdp_cmd("Network.enable", {})
    slow_network = {"offline": False, "latency": 700, "downloadThroughput": -1, "uploadThroughput": -1}
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", slow_network)
    browser.find_element(By.ID, "map-download-button").click()
    wait(browser, lambda d: bar.is_displayed() or list(tmp_path.glob("*.xlsx")), timeout=60)
    wait(browser, lambda d: list(tmp_path.glob("*.xlsx")), timeout=90)
    wait(browser, lambda d: not bar.is_displayed(), timeout=30)
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {**slow_network, "latency": 0})
    assert "Зачекайте" in browser.execute_script("return document.querySelector('#app-busy .busy-uk').innerText")

    log = browser.execute_script("return window.atlasBusyLog")
    slow = [e for e in log if e["ms"] > 450]
    quick = [e for e in log if e["ms"] < 200 and e["alone"]]  # the bar is up while any answer is awaited
    # a slow answer shows the bar; one may not, when the page's own drawing kept the browser's thread busy past
    # the 300 ms timer (nothing can be painted then): on CI, 2 of 3 answers over 450 ms showed it, the third did not
    assert slow and any(e["shown"] for e in slow), log
    assert all(not e["shown"] for e in quick), log
