"""Nothing leaves the machine: no mode-bar button that links outside, no request to another host.

A scripted tour opens every page in both languages, works its controls and
presses every mode-bar button of every chart; the Chrome performance log
(CDP ``Network.requestWillBeSent``) must name only this machine, and no
window may end on another site.
"""

from __future__ import annotations

from tests.browser.chrome import foreign, paths, pick, requested_urls, wait

#: mode-bar buttons that send the chart or the user to another server
EXTERNAL = {"sendDataToCloud", "sendChartToCloud", "editInChartStudio"}

_BUTTONS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
    id: gd.parentElement.id,
    names: gd._fullLayout && gd._fullLayout._modeBar
        ? gd._fullLayout._modeBar.buttons.flat().map(b => b.name) : [],
    links: Array.from(gd.querySelectorAll('.modebar a[href]')).map(a => a.href),
}));
"""
_PRESS_ALL = """
document.querySelectorAll('.js-plotly-plot .modebar-btn').forEach(b => b.click());
const dialogs = Array.from(document.querySelectorAll('.plotly-cloud-dialog'));
dialogs.forEach(d => d.remove());  // recorded, then out of the way of the rest of the tour
return dialogs.map(d => d.textContent.slice(0, 80));
"""


def _tour_page(driver, url: str, graphs: tuple[str, ...]) -> list[dict]:
    driver.get(url)
    for graph_id in graphs:
        wait(
            driver,
            lambda d, g=graph_id: d.execute_script(
                "const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
                "return gd && gd._fullLayout && gd._fullLayout._modeBar;",
                g,
            ),
        )
    buttons = driver.execute_script(_BUTTONS)
    return buttons + [{"id": url, "dialogs": driver.execute_script(_PRESS_ALL)}]


def test_no_button_links_outside_and_no_request_leaves_the_machine(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    requested_urls(browser)  # forget earlier tests' requests
    seen = []
    for lang in ("uk", "en"):
        seen += _tour_page(browser, f"{server}{lang}/", ("overview-map", "overview-ranking"))
        seen += _tour_page(browser, f"{server}{lang}/map?level=oblast", ("map-graph",))
    # the map's controls: metric, level, a click on a unit, the search box, the table download
    pick(browser, "map-metric", "Gap to the norm")
    browser.find_element(By.CSS_SELECTOR, "#map-level input[value='hromada']").click()
    wait(browser, lambda d: paths(d, "map-graph") > 1400, timeout=60)
    browser.execute_script(
        "document.querySelector('#map-graph .js-plotly-plot').emit('plotly_click',"
        "{points: [{curveNumber: 1, pointNumber: 0, location: arguments[0]}]});",
        "UA18080150000022496",
    )
    wait(browser, lambda d: "Zviahelska" in d.find_element(By.ID, "map-profile").text)
    browser.find_element(By.ID, "map-download-button").click()
    seen.append({"id": "map tour", "dialogs": browser.execute_script(_PRESS_ALL)})
    seen += _tour_page(browser, f"{server}uk/profile?code=UA18080150000022496", ())
    seen += _tour_page(browser, f"{server}uk/scenarios", ("scenario-map",))
    browser.find_element(By.ID, "scenario-apply").click()
    wait(browser, lambda d: d.find_element(By.ID, "scenario-status").text)
    seen += _tour_page(browser, f"{server}uk/funding", ("funding-map",))
    browser.find_element(By.ID, "funding-run").click()
    wait(browser, lambda d: paths(d, "funding-map") > 1400, timeout=180)
    seen.append({"id": "funding run", "dialogs": browser.execute_script(_PRESS_ALL)})
    seen += _tour_page(browser, f"{server}uk/data", ())
    seen += _tour_page(browser, f"{server}uk/method", ())

    dialogs = [p for p in seen if p.get("dialogs")]
    assert not dialogs, f"a mode-bar button opened a dialog to send the chart out: {dialogs}"
    graphs = [g for g in seen if "names" in g]
    assert len(graphs) >= 6
    for graph in graphs:
        assert "toImage" in graph["names"], graph  # PNG download stays
        assert not EXTERNAL & set(graph["names"]), graph
        assert not foreign(graph["links"]), graph
    left = foreign(requested_urls(browser))
    windows = []
    for handle in browser.window_handles:
        browser.switch_to.window(handle)
        windows.append(browser.current_url)
    browser.switch_to.window(browser.window_handles[0])
    for handle in browser.window_handles[1:]:
        browser.switch_to.window(handle)
        browser.close()
    browser.switch_to.window(browser.window_handles[0])
    assert not left, f"requests left the machine: {left}"
    assert not foreign(windows), f"a window opened another site: {windows}"
