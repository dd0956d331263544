"""Layout at 1440 x 900: the overview's boxes, one button style, the mode bar off the colour bar, typed numbers."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.chrome import paths, wait

#: the boxes of the page's rows (``.main``; a wrapped box starts a row of its own), by the line they sit on:
#: each box's height and the white left under its content
_ROWS = """
const lines = {};
document.querySelectorAll('.atlas .main > *').forEach(box => {
    const r = box.getBoundingClientRect();
    if (!box.getClientRects().length || r.height === 0) return;
    const bottoms = Array.from(box.children).filter(c => c.getClientRects().length)
        .map(c => c.getBoundingClientRect().bottom);
    const key = Math.round(r.top + window.scrollY);
    (lines[key] = lines[key] || []).push({cls: box.className, height: r.height,
                                          white: r.bottom - Math.max(r.top, ...bottoms)});
});
return Object.values(lines);
"""


def test_the_overview_boxes_of_a_row_are_as_tall_as_each_other_and_hold_no_tall_white(server, browser):
    browser.get(server + "uk/")
    wait(browser, lambda d: paths(d, "overview-map") >= 27)
    wait(browser, lambda d: "Чернігівська" in d.find_element(By.ID, "overview-table").text)
    wait(browser, lambda d: d.execute_script("return !!document.querySelector('#overview-trend .scatterlayer')"))
    rows = browser.execute_script(_ROWS)
    assert rows and all(rows), rows
    for row in rows:
        heights = [box["height"] for box in row]
        assert max(heights) - min(heights) <= 2, row  # the boxes of a row are one height
        for box in row:
            # a box is filled: what is left under its content is a margin, not a stretch of white
            assert box["white"] <= max(120, 0.15 * box["height"]), row


#: the app's buttons that can act now and their look (not Plotly's mode bar, AG Grid, dropdowns or Dash's own
#: steppers; a disabled button looks disabled)
_BUTTONS = """
return Array.from(document.querySelectorAll('button'))
    .filter(b => b.getClientRects().length && !b.disabled && !b.closest('.modebar, .ag-root-wrapper, .dash-dropdown')
                 && !b.classList.contains('dash-input-stepper'))
    .map(b => { const c = getComputedStyle(b);
                return [b.id || b.textContent.trim(), [c.backgroundColor, c.color, c.borderTopColor, c.borderTopWidth,
                        c.borderRadius, c.paddingTop, c.paddingLeft, c.fontFamily, c.fontSize].join(' | ')]; });
"""


def test_every_page_has_one_button_style(server, browser):
    looks: dict[str, list[str]] = {}
    for page in ("", "map", "profile", "scenarios", "funding", "data"):
        browser.get(f"{server}uk/{page}")
        found = wait(browser, lambda d: d.execute_script(_BUTTONS))  # the page drawn: every page has a button
        for name, look in found:
            looks.setdefault(look, []).append(f"{page or 'overview'}:{name}")
    assert len(looks) == 1, looks
    assert sum(len(v) for v in looks.values()) >= 10  # the pages' buttons were seen (data, funding, scenarios...)


#: a map's mode bar and colour bar, as drawn
_BARS = """
const graph = document.getElementById(arguments[0]);
const box = e => {
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
};
return {modebar: box(graph.querySelector('.modebar')), bar: box(graph.querySelector('.colorbar'))};
"""


def test_the_mode_bar_sits_above_the_colour_bar_not_over_it(server, browser):
    for page, graph in (("", "overview-map"), ("map", "map-graph"), ("scenarios", "scenario-map")):
        browser.get(f"{server}uk/{page}")
        wait(browser, lambda d, g=graph: paths(d, g) >= 27)
        bars = wait(browser, lambda d, g=graph: (b := d.execute_script(_BARS, g))["modebar"] and b["bar"] and b)
        modebar, bar = bars["modebar"], bars["bar"]
        beside = modebar[2] <= bar[0] or bar[2] <= modebar[0]
        assert beside or modebar[3] <= bar[1] + 1, (page, bars)  # the mode bar ends above the colour bar's top


def _value(driver, field_id: str) -> str:
    return driver.find_element(By.ID, field_id).get_attribute("value")


def _type(driver, field_id: str, text: str) -> None:
    field = driver.find_element(By.ID, field_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(text, Keys.TAB)


def _status(driver) -> str:
    return driver.find_element(By.ID, "scenario-status").text


WEIGHT = "scenario-weight-idp_share"


def test_small_scenario_numbers_are_typed_and_shown_the_users_way(server, browser):
    browser.delete_all_cookies()  # a new user
    browser.get(server + "uk/scenarios")
    wait(browser, lambda d: paths(d, "scenario-map") >= 27)
    from layouts.pages.scenarios import FIELDS

    fields = [browser.find_element(By.ID, field_id) for field_id in FIELDS]
    assert fields and {f.get_attribute("type") for f in fields} == {"text"}  # no browser number field, no stepper
    assert {f.get_attribute("inputmode") for f in fields} == {"decimal"}  # a phone shows its number keys
    assert _value(browser, "scenario-norm-psychologist") == "0,5"  # Ukrainian decimal comma, not "0.5"
    shown = _value(browser, WEIGHT)
    assert "," in shown and "." not in shown, shown
    _type(browser, WEIGHT, "0,35")
    _type(browser, "scenario-hours", "7,5")
    browser.find_element(By.ID, "scenario-apply").click()
    wait(browser, lambda d: "застосовано" in _status(d))
    browser.get(server + "uk/")
    browser.get(server + "uk/scenarios")
    wait(browser, lambda d: _value(d, WEIGHT) == "0,35")  # applied, and shown as typed
    assert _value(browser, "scenario-hours") == "7,5"
    # a word, a fraction where a whole number is needed: each named, not a Python error, nothing applied
    _type(browser, WEIGHT, "багато")
    _type(browser, "scenario-min-components", "2,5")
    browser.find_element(By.ID, "scenario-apply").click()
    wait(browser, lambda d: "не число" in _status(d))
    status = _status(browser)
    assert "«багато» — не число" in status and "ціле число" in status, status
    assert "Error" not in status and "float" not in status, status
    browser.find_element(By.ID, "scenario-reset").click()
    wait(browser, lambda d: "Типові" in _status(d))
    wait(browser, lambda d: _value(d, "scenario-hours") == "8")
