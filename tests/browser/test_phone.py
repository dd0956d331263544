"""A phone 390 px wide: no horizontal scrolling, colour bar and mode bar off the map, compact key figures."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import TimeoutException

from tests.browser.chrome import new_chrome, paths, wait

#: the right edge of the widest element outside the scrollable table boxes (an SVG chart counts by its own box),
#: and the screen width
_OVERFLOW = """
const rights = Array.from(document.querySelectorAll('.atlas *, header *'))
    .filter(e => !e.closest('.ranking, .dash-spreadsheet-container') && e.getClientRects().length)
    .filter(e => !(e.ownerSVGElement))  // inside an <svg> is clipped by it: the <svg> itself is measured
    .map(e => e.getBoundingClientRect().right);
return [Math.max(document.documentElement.scrollWidth, ...rights), window.innerWidth];
"""
_BOXES = """
const graph = document.getElementById(arguments[0]);
const box = e => {
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
};
return {geo: box(graph.querySelector('.geo .bg rect, .geolayer .bg rect')), bar: box(graph.querySelector('.colorbar')),
        modebar: box(graph.querySelector('.modebar'))};
"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.fixture(scope="module")
def phone():
    driver = new_chrome(390, 844)
    yield driver
    driver.quit()


def test_map_and_overview_fit_a_phone(server, phone):
    for url, graph in ((f"{server}uk/map?level=oblast", "map-graph"), (f"{server}uk/", "overview-map")):
        phone.get(url)
        wait(phone, lambda d, g=graph: paths(d, g) >= 27)
        wait(phone, lambda d, g=graph: (d.execute_script(_BOXES, g) or {}).get("bar"))
        wait(phone, lambda d: (lambda w: w[0] <= w[1] + 1)(d.execute_script(_OVERFLOW)), timeout=10)
        phone.execute_script(
            "document.querySelector('#' + arguments[0] + ' .js-plotly-plot')"
            ".dispatchEvent(new MouseEvent('mousemove', {bubbles: true}))",
            graph,
        )
        boxes = wait(phone, lambda d, g=graph: d.execute_script(_BOXES, g))
        assert boxes["bar"][1] >= boxes["geo"][3] - 1, boxes  # the colour bar lies under the map
        width = phone.execute_script("return window.innerWidth")
        assert boxes["geo"][2] - boxes["geo"][0] > 0.6 * width, (boxes, width)  # the map is not shrunk to a stamp
        if boxes["modebar"]:
            assert not _overlap(boxes["geo"], boxes["modebar"]) or boxes["modebar"][3] <= boxes["geo"][1] + 2, boxes
    # the key figures take at most a screen-third
    height = phone.execute_script("return document.querySelector('.cards').getBoundingClientRect().height")
    assert height < 844 / 3, height


_LABELS = "return document.querySelectorAll('#map-graph .hoverlayer .hovertext').length"
_UNIT = """
const layer = document.querySelector('#map-graph .trace.choropleth');
const paths = Array.from(layer.querySelectorAll('.choroplethlocation'));
const boxes = paths.map(p => p.getBoundingClientRect()).filter(r => r.width > 12 && r.height > 12 && r.top > 0
    && r.bottom < window.innerHeight);
const r = boxes[Math.floor(boxes.length / 2)];
return r ? [r.left + r.width / 2, r.top + r.height / 2] : null;
"""


_FITTED = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
return !!(gd && gd._fullData && gd._fullData[0].colorbar && gd._fullData[0].colorbar.orientation === 'h');
"""


def _tap(driver, x: float, y: float) -> None:
    point = [{"x": x, "y": y}]
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point})
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_no_hover_label_stays_after_a_tap(server, phone):
    phone.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    phone.get(f"{server}uk/map?level=oblast")
    wait(phone, lambda d: paths(d, "map-graph") >= 27)
    phone.execute_script("document.getElementById('map-graph').scrollIntoView({block: 'center'})")
    x, y = wait(phone, lambda d: d.execute_script(_UNIT))
    _tap(phone, x, y)  # an oblast: the map opens its hromadas and draws again
    wait(phone, lambda d: "level=hromada" in d.current_url, timeout=60)
    wait(phone, lambda d: paths(d, "map-graph") > 27, timeout=90)
    wait(phone, lambda d: d.execute_script(_LABELS) == 0, timeout=10)  # no label of the oblast over the hromadas

    wait(phone, lambda d: d.execute_script(_FITTED), timeout=30)  # the phone layout is drawn: units stay put
    for _attempt in range(3):  # a tap between two hromadas selects nothing: try another
        x, y = wait(phone, lambda d: d.execute_script(_UNIT))
        _tap(phone, x, y)  # a hromada: selected, outlined; its label goes with the redraw or soon after
        try:
            wait(phone, lambda d: "code=" in d.current_url, timeout=30)
            break
        except TimeoutException:
            continue
    assert "code=" in phone.current_url
    wait(phone, lambda d: d.execute_script(_LABELS) == 0, timeout=10)
