"""After every metric switch the map's colours are those of the same view loaded from its URL.

The switch sends a ``Patch``; a colour-scale name that Plotly.js does not
know (``RdBu_r``, ``Cividis_r``) silently falls back to its default scale.
"""

from __future__ import annotations

from tests.browser.chrome import graph, paths, pick, wait

SWITCHES = [
    ("gap_fte", "Дефіцит посад"),
    ("residents_per_worker", "Мешканців на одного"),
    ("workers_per_10k_incl_idp", "з ВПО"),
    ("gap_fte", "Дефіцит посад"),
]


def _drawn(driver, url: str):
    driver.get(url)
    wait(driver, lambda d: paths(d, "map-graph") >= 27 and (graph(d, "map-graph") or {}).get("coloured"))
    return graph(driver, "map-graph")["coloured"]


def test_colour_scale_after_each_metric_switch_equals_a_direct_load(server, browser):
    direct = {m: _drawn(browser, f"{server}uk/map?level=oblast&metric={m}") for m in dict(SWITCHES)}
    _drawn(browser, f"{server}uk/map?level=oblast&metric=workers_per_10k")
    for metric, label in SWITCHES:
        pick(browser, "map-metric", label)
        wait(browser, lambda d, m=metric: f"metric={m}" in d.current_url)
        title = direct[metric][0]["title"]
        wait(browser, lambda d, t=title: graph(d, "map-graph")["coloured"][0]["title"] == t)
        switched = graph(browser, "map-graph")["coloured"]
        assert switched == direct[metric], metric
    # the gap is diverging around zero, residents per worker reversed: not the default scale
    gap, residents = direct["gap_fte"][0]["colorscale"], direct["residents_per_worker"][0]["colorscale"]
    assert gap != residents and gap[0][1] != gap[-1][1]
