"""Selection feedback: search or table click selects; the unit is outlined, its row lit, its profile in view."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.chrome import paths, wait

ZVIAHEL = "UA18080150000022496"
CHERNIHIV = "UA74000000000025378"

_OUTLINED = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
return gd._fullData.filter(t => !t.showscale && t.marker && t.marker.line && t.marker.line.width >= 2)
    .map(t => Array.from(t.locations));
"""


def _search(driver, text: str) -> list[str]:
    """Type ``text`` in the map's search box; the labels offered, best first.

    Read inside :func:`wait`: the dropdown draws its options again as answers arrive, and an option
    read as it is replaced is read again (not a failure)."""
    driver.find_element(By.ID, "map-search").click()
    box = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#map-search input, input[type=search]"))
    box.send_keys(text)
    wait(driver, lambda d: d.find_elements(By.XPATH, f"//*[@role='option'][contains(., '{text}')]"))
    return wait(driver, lambda d: [o.text for o in d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")])


def _click_first_option(driver) -> None:
    """Click the first option offered (found again if the dropdown drew it anew meanwhile)."""
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")[0].click() or True)


def _click_another_row(driver, shown: str) -> str:
    """Click the population cell of a table row that is not ``shown``'s; the name of the row clicked.

    The grid draws its rows again (rows arriving after the map, a selection lighting its row), so a
    row found a moment before may be gone: it is found again then, never clicked twice (the click is
    the last step)."""

    def attempt(d):
        rows = d.find_elements(By.CSS_SELECTOR, "#map-table .ag-center-cols-container .ag-row")
        other = next((r for r in rows if shown not in r.text), None)
        if other is None:
            return None
        name = other.find_element(By.CSS_SELECTOR, ".ag-cell[col-id=name]").text
        if not name:
            return None
        other.find_element(By.CSS_SELECTOR, ".ag-cell[col-id=population]").click()
        return name

    return wait(driver, attempt)


def _highlighted_rows(driver) -> list[str]:
    """The table rows drawn as selected (the grid's selected row, in the atlas's highlight colour)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#map-table .ag-center-cols-container .ag-row-selected'))"
        ".filter(r => { const c = r.querySelector('.ag-cell'); return c && getComputedStyle(c).fontWeight >= 600"
        "  && getComputedStyle(c).backgroundColor === 'rgb(253, 233, 169)'; }).map(r => r.innerText);"
    )


def test_search_and_table_select_with_outline_row_and_profile(server, browser):
    browser.get(server + "uk/map?level=oblast")
    wait(browser, lambda d: paths(d, "map-graph") >= 27)

    # an oblast is offered, and its exact name comes first
    options = _search(browser, "Чернігівська")
    assert options[0].startswith("Чернігівська (Chernihivska), область"), options[:3]
    _click_first_option(browser)
    wait(browser, lambda d: "Чернігівська" in d.find_element(By.ID, "map-breadcrumb").text)
    wait(browser, lambda d: f"oblast={CHERNIHIV}" in d.current_url and "level=hromada" in d.current_url)

    # a hromada by its exact name: outlined on the map, its row highlighted, its profile in view
    options = _search(browser, "Звягельська")
    assert options[0].startswith("Звягельська"), options[:3]
    _click_first_option(browser)
    wait(browser, lambda d: "Звягельська" in d.find_element(By.ID, "map-profile").text)
    wait(browser, lambda d: [ZVIAHEL] in d.execute_script(_OUTLINED))
    wait(browser, lambda d: any("Звягельська" in row for row in _highlighted_rows(d)))
    wait(
        browser,
        lambda d: d.execute_script(
            "const r = document.getElementById('map-profile').getBoundingClientRect();"
            "return r.top < window.innerHeight && r.bottom > 0;"
        ),
    )

    # a click on another row of the table selects that hromada
    name = _click_another_row(browser, "Звягельська")
    wait(browser, lambda d: name in d.find_element(By.ID, "map-profile").text)
    wait(browser, lambda d: any(name in row for row in _highlighted_rows(d)))
    assert "code=" in browser.current_url and ZVIAHEL not in browser.current_url


def test_a_bad_oblast_code_in_the_link_says_so_and_shows_all_ukraine(server, browser):
    browser.get(server + "uk/map?level=hromada&oblast=UA99999999999999999")
    wait(browser, lambda d: paths(d, "map-graph") > 1400, timeout=120)  # every hromada, not a blank map
    notice = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert "UA99999999999999999" in notice and "всю Україну" in notice, notice
