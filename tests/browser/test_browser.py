"""End to end in a real headless Chromium: the demo opens, shows the map, switches metric and level.

Every request the page makes must go to the local server: no CDN, tiles or fonts.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from tests.browser.chrome import new_chrome


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


def _units(driver, graph: str = "map-graph") -> int:
    """Units drawn by the value layer (the first trace: every unit; no-data units are drawn again in grey)."""
    return driver.execute_script(
        f"const t = document.querySelector('#{graph} .trace.choropleth');"
        "return t ? t.querySelectorAll('.choroplethlocation').length : 0"
    )


def _severe_console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


CHERNIHIV = "UA74000000000025378"


def test_overview_shows_key_figures_map_and_ranking(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(server)
    _wait(browser, lambda d: _units(d, "overview-map") >= 27)
    assert "Атлас" in browser.find_element(By.TAG_NAME, "h1").text
    workers = browser.find_element(By.ID, "card-workers").text
    assert "3\u00a0260" in workers or "3 260" in workers
    assert "Чернігівська" in browser.find_element(By.ID, "overview-ranking").text
    _wait(browser, lambda d: "Чернігівська" in d.find_element(By.ID, "overview-table").text)
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.find_element(By.ID, "overview-workbook-button").click()
    _wait(browser, lambda d: list(tmp_path.glob("atlas_workbook*.xlsx")), timeout=60)
    from openpyxl import load_workbook

    assert len(load_workbook(next(tmp_path.glob("atlas_workbook*.xlsx")), read_only=True).sheetnames) >= 5
    assert not _severe_console_errors(browser)


def test_map_metric_level_drilldown_search_and_language(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "uk/map")
    _wait(browser, lambda d: _units(d) == 27)  # the value layer: 27 units
    assert "наближені" in browser.find_element(By.ID, "map-caption").text
    # the table is drawn once the map is (its script loads after the map), with its first page of rows
    row = "#map-table .ag-center-cols-container .ag-row"
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, row)) > 10)

    # switch the metric: the colour bar title follows, the URL keeps it
    browser.find_element(By.ID, "map-metric").click()
    option = _wait(browser, lambda d: d.find_element(By.XPATH, "//*[@role='option'][contains(., 'Дефіцит')]"))
    option.click()
    _wait(browser, lambda d: "Дефіцит" in d.find_element(By.ID, "map-graph").text)
    _wait(browser, lambda d: "metric=gap_fte" in d.current_url)

    # switch the level to hromadas
    browser.find_element(By.CSS_SELECTOR, "#map-level input[value='hromada']").click()
    _wait(browser, lambda d: _units(d) > 1400, timeout=60)

    # back to oblasts, then click one: it drills into its hromadas; the breadcrumb names it
    browser.find_element(By.ID, "map-reset").click()
    _wait(browser, lambda d: _units(d) == 27)
    browser.execute_script(
        "const gd = document.getElementById('map-graph').querySelector('.js-plotly-plot');"
        "gd.emit('plotly_click', {points: [{curveNumber: 1, pointNumber: 0, location: arguments[0]}]});",
        CHERNIHIV,
    )
    _wait(browser, lambda d: "Чернігівська" in d.find_element(By.ID, "map-breadcrumb").text)
    _wait(browser, lambda d: 40 < _units(d) < 80)
    assert f"oblast={CHERNIHIV}" in browser.current_url

    # the shared URL restores the state in a fresh page load
    shared = browser.current_url
    browser.get(shared)
    _wait(browser, lambda d: 40 < _units(d) < 80)
    assert "Дефіцит" in browser.find_element(By.ID, "map-graph").text

    # search box: find a hromada by its English name; its profile shows
    browser.find_element(By.ID, "map-search").click()
    search = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#map-search input, input[type=search]"))
    search.send_keys("Zviahelska")
    option = _wait(browser, lambda d: d.find_element(By.XPATH, "//*[@role='option'][contains(., 'Звягельська')]"))
    option.click()
    _wait(browser, lambda d: "Звягельська" in d.find_element(By.ID, "map-profile").text)
    _wait(browser, lambda d: "Житомирська" in d.find_element(By.ID, "map-breadcrumb").text)

    # language switch keeps the page and its state
    browser.find_element(By.ID, "app-lang-link").click()
    _wait(browser, lambda d: "Atlas" in d.find_element(By.TAG_NAME, "h1").text)
    assert "/en/map" in browser.current_url and "metric=gap_fte" in browser.current_url
    _wait(browser, lambda d: "Gap to the norm" in d.find_element(By.ID, "map-graph").text)
    assert not _severe_console_errors(browser)

    hosts = _requested_hosts(browser)
    assert hosts <= {"127.0.0.1", "localhost"}, f"requests left the machine: {hosts}"


def test_the_charts_and_maps_draw_with_the_atlas_plotly_build_loaded_once(server, browser):
    """Issue 17: the graphs load the atlas's plotly.js build (choropleth, bar, scatter), one copy, no other."""
    from plotly.offline import get_plotlyjs_version

    browser.get(server)
    _wait(browser, lambda d: _units(d, "overview-map") >= 27)
    bars = "return document.querySelectorAll('#overview-ranking .trace.bars .point').length"
    _wait(browser, lambda d: d.execute_script(bars) >= 20)  # the demo's oblasts with values
    version, traces, scripts = browser.execute_script(
        "return [Plotly.version, Object.keys(Plotly.PlotSchema.get().traces),"
        " performance.getEntriesByType('resource').map(e => e.name).filter(n => /plotly[^/]*\\.min\\.js/.test(n))]"
    )
    assert version == get_plotlyjs_version()
    assert {"choropleth", "bar", "scatter"} <= set(traces) and "scattergl" not in traces
    assert [urlparse(s).path for s in scripts] == ["/_dash-component-suites/plotly/package_data/plotly.min.js"]
    assert not _severe_console_errors(browser)


def test_profile_and_method_pages(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "en/profile?code=UA18080150000022496")
    _wait(browser, lambda d: "Zviahelska" in d.find_element(By.ID, "profile-body").text)
    assert "Social work specialist" in browser.find_element(By.ID, "profile-body").text
    assert "Priority for donors" in browser.find_element(By.ID, "profile-body").text
    own = browser.find_elements(By.CSS_SELECTOR, "#profile-body a[href*='profile?code=UA18080150000022496']")
    assert not own  # the profile page does not link to itself
    browser.get(server + "en/method")
    _wait(browser, lambda d: "workers per 10,000" in d.find_element(By.ID, "method-body").text.lower())
    assert not _severe_console_errors(browser)


@pytest.fixture(scope="module")
def second_browser():
    """Another browser with its own cookies: another user."""
    driver = new_chrome()
    yield driver
    driver.quit()


def _card(driver, key: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, f"card-{key}").text.replace("\u00a0", " ")


def _upload(driver, kind: str, path) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f"#data-kind input[value='{kind}']").click()
    driver.find_element(By.CSS_SELECTOR, "#data-upload input[type=file]").send_keys(str(path))


def test_uploads_validate_apply_and_stay_in_their_session(server, browser, second_browser, tmp_path):
    from selenium.webdriver.common.by import By

    bad = tmp_path / "bad.csv"
    bad.write_text("Код КАТОТТГ;Населення\nUA0599999;100\n<img src=x onerror=alert(1)>;5\n", encoding="utf-8")
    good = tmp_path / "staff.csv"
    good.write_text(
        "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
        "UA74100390000073425;Фахівець із соціальної роботи;40;35\n",
        encoding="utf-8",
    )
    browser.get(server + "uk/data")
    _wait(browser, lambda d: d.find_element(By.ID, "data-upload"))
    _upload(browser, "population", bad)
    _wait(browser, lambda d: "не прийнято" in d.find_element(By.ID, "data-report").text)
    report = browser.find_element(By.ID, "data-report").text
    assert "<img src=x onerror=alert(1)>" in report  # shown literally, as text
    assert not browser.find_elements(By.CSS_SELECTOR, "#data-report img")
    browser.get(server + "uk/")
    _wait(browser, lambda d: "3 260" in _card(d, "workers"))  # the data in use is kept

    browser.get(server + "uk/data")
    _wait(browser, lambda d: d.find_element(By.ID, "data-upload"))
    # a table for part of the country updates only its units by default; here: replace the whole table
    browser.find_element(By.CSS_SELECTOR, "#data-mode input[value='replace']").click()
    _upload(browser, "staffing", good)
    _wait(browser, lambda d: "прийнято: дані оновлено" in d.find_element(By.ID, "data-report").text)
    assert "тепер звітують 1 з 1 470" in browser.find_element(By.ID, "data-change").text.replace("\u00a0", " ")
    browser.get(server + "uk/")
    _wait(browser, lambda d: _card(d, "workers").startswith("35"))
    _wait(browser, lambda d: _units(d, "overview-map") >= 27)
    geo_url = browser.execute_script("return document.querySelector('#overview-map .js-plotly-plot').data[0].geojson")
    assert geo_url.startswith("/geo/") and "/demo/" not in geo_url

    # another user sees the original data and cannot fetch the first user's dataset
    second_browser.get(server + "uk/")
    _wait(second_browser, lambda d: "3 260" in _card(d, "workers"))
    second_browser.get(server.rstrip("/") + geo_url)
    assert "404" in second_browser.page_source or "Not Found" in second_browser.page_source
    browser.get(server.rstrip("/") + geo_url)
    assert "FeatureCollection" in browser.page_source


def test_scenario_changes_this_session_and_resets(server, second_browser, tmp_path, demo):
    from selenium.webdriver.common.by import By

    from core.text import format_number
    from loaders import read_assumptions
    from metrics import compute_tables

    # the national gap of the served demo under the default assumptions, as the card writes it
    gap = format_number(compute_tables(demo.hromadas, demo.units, read_assumptions()).country["gap_fte"], 0, "uk")
    gap = gap.replace("\u00a0", " ")  # as _card reads it
    driver = second_browser
    driver.get(server + "uk/")
    _wait(driver, lambda d: gap in _card(d, "gap"))
    driver.get(server + "uk/scenarios")
    field = _wait(driver, lambda d: d.find_element(By.ID, "scenario-norm-social_work_specialist"))
    field.clear()
    field.send_keys("3")
    driver.find_element(By.ID, "scenario-apply").click()
    _wait(driver, lambda d: "застосовано" in d.find_element(By.ID, "scenario-status").text)
    rows = "#scenario-table .ag-center-cols-container .ag-row"
    _wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, rows)) > 5)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.find_element(By.ID, "scenario-download-button").click()
    _wait(driver, lambda d: list(tmp_path.glob("scenario_*.xlsx")), timeout=30)
    assert _units(driver, "scenario-map") >= 26
    driver.get(server + "uk/")
    _wait(driver, lambda d: gap not in _card(d, "gap"))  # the norm is higher: a larger gap
    driver.get(server + "uk/scenarios")
    _wait(driver, lambda d: d.find_element(By.ID, "scenario-reset")).click()
    _wait(driver, lambda d: "Типові" in d.find_element(By.ID, "scenario-status").text)
    driver.get(server + "uk/")
    _wait(driver, lambda d: gap in _card(d, "gap"))


def test_funding_plan_runs_and_downloads(server, second_browser, tmp_path):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    driver = second_browser
    driver.get_log("browser")  # forget the 404 this user got earlier for another user's data
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.get(server + "en/funding")
    _wait(driver, lambda d: d.find_element(By.ID, "funding-run")).click()
    _wait(driver, lambda d: "Exact (MILP)" in d.find_element(By.ID, "funding-result").text, timeout=60)
    rows = "#funding-table .ag-center-cols-container .ag-row"  # the table's script loads after the page's maps
    _wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, rows)) > 1)
    positions = driver.find_element(By.ID, "funding-summary-table").text.split("\n")[1].split()[-2]
    _wait(driver, lambda d: _units(d, "funding-map") > 1400, timeout=60)
    driver.find_element(By.ID, "funding-download-button").click()
    _wait(driver, lambda d: list(tmp_path.glob("*.xlsx")), timeout=30)
    workbook = load_workbook(next(tmp_path.glob("*.xlsx")))
    sheet = workbook.worksheets[0] if workbook.worksheets[0].title != "Notes" else workbook.worksheets[1]
    header = [c.value for c in sheet[1]]
    column = next(i for i, h in enumerate(header) if h and "osition" in str(h))
    total = sum(row[column] or 0 for row in sheet.iter_rows(min_row=2, values_only=True) if row[0])
    assert total == int(positions.replace(",", ""))
    assert not _severe_console_errors(driver)
