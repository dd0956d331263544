"""A phone 390 px wide: no horizontal scrolling, colour bar and mode bar off the map, compact key figures."""

from __future__ import annotations

import pytest

from tests.browser.chrome import new_chrome, paths, wait

#: the right edge of the widest element outside the scrollable table boxes, and the screen width
_OVERFLOW = """
const rights = Array.from(document.querySelectorAll('.atlas *, header *'))
    .filter(e => !e.closest('.ranking, .dash-spreadsheet-container') && e.getClientRects().length)
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
        if boxes["modebar"]:
            assert not _overlap(boxes["geo"], boxes["modebar"]) or boxes["modebar"][3] <= boxes["geo"][1] + 2, boxes
    # the key figures take at most a screen-third
    height = phone.execute_script("return document.querySelector('.cards').getBoundingClientRect().height")
    assert height < 844 / 3, height
