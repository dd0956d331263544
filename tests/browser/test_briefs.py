"""Briefs from the app in a real browser: the Profile, Overview and Funding buttons, and cancelling a batch."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from tests.browser.chrome import wait

pytestmark = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils (pdfinfo) is not installed")

VINNYTSIA = "UA05020030000031457"


def _downloads(browser, folder):
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})


def _pdf_text(path) -> str:
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert "Pages:           1" in pages
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    return " ".join(text.replace("\u00a0", " ").split())


def test_profile_and_overview_brief_buttons(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    _downloads(browser, tmp_path)
    browser.get(server + f"en/profile?code={VINNYTSIA}")
    wait(browser, lambda d: d.find_element(By.ID, "profile-brief-button")).click()
    pdf = wait(browser, lambda d: list(tmp_path.glob("UA0502003_en*.pdf")), timeout=60)[0]
    assert "Vinnytska urban hromada: social service workforce" in _pdf_text(pdf)

    browser.get(server + "uk/")
    wait(browser, lambda d: d.find_element(By.ID, "overview-brief-button")).click()
    pdf = wait(browser, lambda d: list(tmp_path.glob("UA_uk*.pdf")), timeout=60)[0]
    assert "Україна: кадри соціальної сфери" in _pdf_text(pdf)


def test_batch_of_briefs_shows_progress_and_cancels(server, browser, tmp_path):
    """The batch runs in the background: the progress bar shows, cancel stops it and no archive arrives."""
    from selenium.webdriver.common.by import By

    _downloads(browser, tmp_path)
    browser.get(server + "en/")
    start = wait(browser, lambda d: d.find_element(By.ID, "overview-briefs-start"))
    cancel = browser.find_element(By.ID, "overview-briefs-cancel")
    assert cancel.get_attribute("disabled")
    start.click()
    wait(browser, lambda d: d.find_element(By.ID, "overview-briefs-cancel").get_attribute("disabled") is None)
    progress = browser.find_element(By.ID, "overview-briefs-progress")
    assert progress.value_of_css_property("visibility") == "visible"
    wait(browser, lambda d: "of 27 done" in d.find_element(By.ID, "overview-briefs-status").text, timeout=120)
    browser.find_element(By.ID, "overview-briefs-cancel").click()
    wait(browser, lambda d: d.find_element(By.ID, "overview-briefs-start").get_attribute("disabled") is None)
    assert browser.find_element(By.ID, "overview-briefs-progress").value_of_css_property("visibility") == "hidden"
    time.sleep(2)
    assert not list(tmp_path.glob("*.zip"))


def test_funding_plan_brief(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    _downloads(browser, tmp_path)
    browser.get(server + "en/funding")
    wait(browser, lambda d: d.find_element(By.ID, "funding-run")).click()
    wait(browser, lambda d: "positions" in d.find_element(By.ID, "funding-result").text, timeout=90)
    browser.find_element(By.ID, "funding-brief-button").click()
    pdf = wait(browser, lambda d: list(tmp_path.glob("funding_plan_en*.pdf")), timeout=60)[0]
    text = _pdf_text(pdf)
    assert "Funding plan: UAH 60,000,000 over 3 years" in text and "Where the money goes" in text  # the page default


_WATCH_STATUS = """
window.__statuses = [];
new MutationObserver(() => {
    const status = document.getElementById('funding-plan-status');
    const text = status ? status.textContent : '';
    if (text && text !== window.__statuses[window.__statuses.length - 1]) window.__statuses.push(text);
}).observe(document.body, {childList: true, characterData: true, subtree: true});
"""


def test_funding_run_is_a_job_with_a_progress_bar(server, browser):
    """The allocator runs in the background: the bar and the cancel button show while it runs, then the plan."""
    from selenium.webdriver.common.by import By

    browser.get(server + "en/funding")
    run = wait(browser, lambda d: d.find_element(By.ID, "funding-run"))
    assert browser.find_element(By.ID, "funding-plan-cancel").get_attribute("disabled")
    assert browser.find_element(By.ID, "funding-plan-progress").value_of_css_property("visibility") == "hidden"
    browser.execute_script(_WATCH_STATUS)
    run.click()
    wait(browser, lambda d: d.find_element(By.ID, "funding-plan-cancel").get_attribute("disabled") is None)
    assert browser.find_element(By.ID, "funding-plan-progress").value_of_css_property("visibility") == "visible"
    assert browser.find_element(By.ID, "funding-run").get_attribute("disabled")
    wait(browser, lambda d: "Exact (MILP)" in d.find_element(By.ID, "funding-result").text, timeout=120)
    wait(browser, lambda d: d.find_element(By.ID, "funding-run").get_attribute("disabled") is None)
    assert browser.find_element(By.ID, "funding-plan-progress").value_of_css_property("visibility") == "hidden"
    seen = browser.execute_script("return window.__statuses")
    assert any(s.startswith("Making the plan: ") and s.endswith("(at most 20 s)") for s in seen), seen
