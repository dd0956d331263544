"""Tables (Dash AG Grid): a number filter filters, the download holds the rows shown, words and numbers in Ukrainian."""

from __future__ import annotations

import re
import urllib.request

from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.chrome import foreign, requested_urls, wait

#: the rows the grid shows after its filter and sorting: code and population, as the grid holds them
_SHOWN = """
let api;
try { api = dash_ag_grid.getApi(arguments[0]); } catch (e) { return []; }  // not drawn yet
const rows = [];
api.forEachNodeAfterFilterAndSort(n => rows.push([n.data.code, n.data.population]));
return rows;
"""
_ROW_0 = """
const row = ' .ag-center-cols-container .ag-row[row-index="0"] .ag-cell';
return Array.from(document.querySelectorAll('#' + arguments[0] + row))
    .map(c => [c.getAttribute('col-id'), c.innerText, getComputedStyle(c).textAlign]);
"""

_TIMINGS = "return performance.getEntriesByType('resource').map(e => [e.name, e.startTime, e.responseEnd]);"


def _number(text: str) -> float:
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def test_a_number_filter_filters_and_the_download_holds_the_rows_shown(server, browser, tmp_path):
    browser.get(server + "uk/map?level=hromada&metric=workers_per_10k")
    wait(browser, lambda d: len(d.execute_script(_SHOWN, "map-table")) > 1000, timeout=120)
    everything = browser.execute_script(_SHOWN, "map-table")
    # the table's script is not in the page: it is fetched once the map is drawn (after the geometry came)
    page = urllib.request.urlopen(server + "uk/map?level=hromada").read().decode()
    assert "dash_ag_grid.v" in page and not re.search(r"<script[^>]*src=[^>]*dash_ag_grid\.v", page)
    timings = browser.execute_script(_TIMINGS)
    grid = [start for name, start, _ in timings if "/dash_ag_grid/dash_ag_grid." in name]
    geometry = [end for name, _, end in timings if "/geo/" in name]
    assert grid and geometry and min(grid) >= max(geometry), timings
    requested_urls(browser)  # from here on: no request leaves the machine

    # text left, numbers right, in the Ukrainian format; the grid's own words in Ukrainian
    cells = {col: (text, align) for col, text, align in browser.execute_script(_ROW_0, "map-table")}
    assert cells["name"][1] in ("left", "start"), cells
    assert all(cells[c][1] == "right" for c in ("population", "idp", "workers", "workers_per_10k")), cells
    assert "," in cells["workers_per_10k"][0] and "." not in cells["workers_per_10k"][0], cells  # 9,78
    paging = browser.find_element(By.CSS_SELECTOR, "#map-table .ag-paging-panel").get_attribute("textContent")
    assert "Сторінка1з" in paging.replace(" ", "") and f"{len(everything):,}".replace(",", "\u00a0") in paging, paging

    # "Населення" > 1 000 000, typed the Ukrainian way in the column's filter menu
    header = browser.find_elements(By.CSS_SELECTOR, "#map-table .ag-header-cell-text")
    column = [h.text for h in header].index("Населення")
    browser.find_elements(By.CSS_SELECTOR, "#map-table .ag-floating-filter-button-button")[column].click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".ag-filter .ag-picker-field-wrapper")).click()
    option = wait(
        browser,
        lambda d: d.find_element(By.XPATH, "//*[contains(@class, 'ag-list-item')][normalize-space(.)='Більше ніж']"),
    )
    option.click()
    field = browser.find_element(By.CSS_SELECTOR, ".ag-filter .ag-filter-from input")
    field.send_keys("1 000 000")
    wait(browser, lambda d: len(d.execute_script(_SHOWN, "map-table")) < len(everything))
    field.send_keys(Keys.ESCAPE)
    shown = browser.execute_script(_SHOWN, "map-table")
    expected = [code for code, population in everything if population is not None and population > 1_000_000]
    assert shown and sorted(code for code, _ in shown) == sorted(expected)
    cells = "#map-table .ag-center-cols-container .ag-cell[col-id=population]"
    on_screen = wait(  # what the user sees, once the grid has drawn the filtered rows
        browser,
        lambda d: (t := [c.text for c in d.find_elements(By.CSS_SELECTOR, cells)]) and len(t) == len(shown)
        and all(t) and t,
    )  # fmt: skip
    assert all(_number(text) > 1_000_000 for text in on_screen), on_screen

    # sort by population, largest first (two clicks on its header), then download what the table shows
    header[column].click()
    header[column].click()
    wait(browser, lambda d: [p for _, p in d.execute_script(_SHOWN, "map-table")] == sorted(
        (p for _, p in shown), reverse=True))  # fmt: skip
    shown = browser.execute_script(_SHOWN, "map-table")
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.find_element(By.ID, "map-download-button").click()
    path = wait(browser, lambda d: next(iter(tmp_path.glob("atlas_hromada_*.xlsx")), None), timeout=90)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    codes = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    assert codes == [code for code, _ in shown]  # the same rows, in the same order
    notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row if c.value)
    assert "Населення > 1\u00a0000\u00a0000" in notes, notes
    assert not foreign(requested_urls(browser))
