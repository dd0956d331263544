"""A metric switch repaints the map in place when the same units have values, else draws it again.

In place: the paths drawn stay the same DOM nodes, their outlines are not computed again (no ``d``
attribute is written) and their fills, the hover's values and the colour bar are those of the same
view loaded from its URL. When units gain or lose a value (paths to add or remove), Plotly draws the
figure again, and the map still equals a direct load: the units drawn, their fills and "no data".
"""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.chrome import graph, paths, wait

#: every path of the value layer: its unit, fill, and the value the hover reads (gd.calcdata);
#: "no data" units (the second trace), both hover templates and the colour bar's title as Plotly resolved them
_DRAWN = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
if (!gd || !gd.calcdata || gd.classList.contains('dash-graph--pending')) return null;
const layer = gd.querySelector('.choroplethlayer .trace.choropleth');
const units = {};
layer.querySelectorAll('path.choroplethlocation').forEach(p => {
    units[p.__data__.loc] = [p.getAttribute('fill'), p.__data__.z];
});
return {units: units, noData: Array.from(gd._fullData[1].locations).sort(),
        hover: [gd._fullData[0].hovertemplate, gd._fullData[1].hovertemplate],
        title: gd._fullData[0].colorbar.title.text};
"""

#: keeps a path of the value layer and counts every outline (``d``) written from now on
_WATCH = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
const path = Array.from(gd.querySelectorAll('.choroplethlayer .trace.choropleth path.choroplethlocation'))
    .find(p => p.__data__.loc);  // a unit with a value (a path is kept for each unit without one, unfilled)
window.__kept = path;
window.__outlines = 0;
new MutationObserver(records => { window.__outlines += records.length; })
    .observe(gd.querySelector('.choroplethlayer'), {attributes: true, attributeFilter: ['d'], subtree: true});
return path.__data__.loc;
"""

_KEPT = """
const path = window.__kept;
return {connected: path.isConnected, loc: path.__data__.loc, fill: path.getAttribute('fill'),
        outlines: window.__outlines};
"""


def _load(driver, url: str) -> dict:
    driver.get(url)
    wait(driver, lambda d: paths(d, "map-graph") >= 27 and (graph(d, "map-graph") or {}).get("coloured"), 60)
    return wait(driver, lambda d: d.execute_script(_DRAWN))


def _pick_exactly(driver, label: str) -> None:
    """Choose the metric whose option reads ``label`` (and nothing more: "ВПО", not "... з ВПО")."""
    driver.find_element(By.CSS_SELECTOR, "#map-metric").click()
    wait(driver, lambda d: d.find_element(By.XPATH, f"//*[@role='option'][normalize-space(.)='{label}']")).click()


def _switched(driver, metric: str, title: str) -> dict:
    wait(driver, lambda d: f"metric={metric}" in d.current_url)
    return wait(driver, lambda d: (lambda s: s if s and s["title"] == title else None)(d.execute_script(_DRAWN)), 60)


def test_a_switch_with_the_same_units_keeps_each_path_and_gives_it_the_new_fill(server, browser):
    direct = _load(browser, f"{server}uk/map?level=oblast&metric=gap_fte")
    before = _load(browser, f"{server}uk/map?level=oblast&metric=workers_per_10k")
    assert before["noData"] == direct["noData"]  # the same units have a value: a switch in place
    location = browser.execute_script(_WATCH)
    _pick_exactly(browser, "Дефіцит посад до нормативу")
    after = _switched(browser, "gap_fte", direct["title"])
    browser.execute_script("return new Promise(done => setTimeout(done, 500))")  # any later redraw would show
    kept = browser.execute_script(_KEPT)
    assert kept["connected"] and kept["loc"] == location  # the same DOM node, still the same unit's
    assert kept["outlines"] == 0  # no outline computed again: not redrawn
    assert kept["fill"] == direct["units"][location][0] != before["units"][location][0]
    assert after["units"] == direct["units"]  # every fill and hover value as a direct load draws them
    assert after["noData"] == direct["noData"] and after["hover"] == direct["hover"]
    assert graph(browser, "map-graph")["coloured"] == graph_of(browser, f"{server}uk/map?level=oblast&metric=gap_fte")


def graph_of(driver, url: str) -> list:
    """The colour bar and scale of ``url`` loaded directly (the tick labels drawn included)."""
    _load(driver, url)
    return graph(driver, "map-graph")["coloured"]


def test_a_switch_where_units_gain_or_lose_a_value_draws_the_map_as_a_direct_load(server, browser):
    direct = _load(browser, f"{server}uk/map?level=oblast&metric=idp")
    before = _load(browser, f"{server}uk/map?level=oblast&metric=workers_per_10k")
    assert set(before["noData"]) < set(direct["noData"])  # units lose their value: paths to remove
    _pick_exactly(browser, "ВПО")
    after = _switched(browser, "idp", direct["title"])
    assert after["units"] == direct["units"] and after["noData"] == direct["noData"]
    assert after["hover"] == direct["hover"]
