"""Readable scales: one outlier does not flatten the map, clipped ends are labelled, "no data" is not a value."""

from __future__ import annotations

from tests.browser.chrome import graph, paths, wait

_LAYERS = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
const groups = Array.from(gd.querySelectorAll('.choroplethlayer .trace.choropleth'));
return gd._fullData.map((t, i) => ({
    name: t.name, showscale: !!t.showscale, z: t.showscale ? Array.from(t.z) : null,
    zmin: t.zmin, zmax: t.zmax,
    paths: groups[i] ? Array.from(groups[i].querySelectorAll('path.choroplethlocation')).slice(0, 40).map(p => {
        const c = getComputedStyle(p);
        return {fill: c.fill, stroke: c.stroke, width: parseFloat(c.strokeWidth)};
    }) : [],
}));
"""


def _load(driver, url: str) -> list[dict]:
    driver.get(url)
    wait(driver, lambda d: paths(d, "map-graph") >= 27 and (graph(d, "map-graph") or {}).get("coloured"), 60)
    return driver.execute_script(_LAYERS)


def _spread(layer: dict) -> float:
    """Interquartile range of the units' positions on the colour scale (0 = all one colour)."""
    low, high = layer["zmin"], layer["zmax"]
    positions = sorted(min(1.0, max(0.0, (z - low) / (high - low))) for z in layer["z"] if z is not None)
    n = len(positions)
    return positions[(3 * n) // 4] - positions[n // 4]


def _dark(colour: str) -> bool:
    red, green, blue = (int(c) for c in colour.removeprefix("rgb(").rstrip(")").split(","))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 128


def test_outliers_do_not_flatten_the_scale_and_no_data_is_outlined(server, browser):
    browser.get(server)
    browser.delete_all_cookies()  # a fresh session: the demo data, whatever earlier tests uploaded
    for metric in ("gap_fte", "residents_per_worker", "gap_per_10k"):
        layers = _load(browser, f"{server}uk/map?level=hromada&metric={metric}")
        coloured = next(layer for layer in layers if layer["showscale"])
        # one value per unit spread over the scale; with the full range (gap ±646) it was about 0.003
        assert _spread(coloured) > 0.08, (metric, _spread(coloured))

    # oblasts: Kyiv city's gap lies beyond the range; the colour bar says so
    _load(browser, f"{server}uk/map?level=oblast&metric=gap_fte")
    ticks = graph(browser, "map-graph")["coloured"][0]["ticks"]
    assert ticks[-1].startswith("≥"), ticks
    assert not any(tick.endswith(("k", "M")) for tick in ticks), ticks

    # the gap per 10,000 residents is offered, with its unit on the colour bar
    _load(browser, f"{server}uk/map?level=oblast&metric=gap_per_10k")
    assert "на 10 тис." in graph(browser, "map-graph")["coloured"][0]["title"]

    # "no data" (Crimea, Sevastopol) is white with a dark outline; units with a value have thin white edges
    layers = _load(browser, f"{server}uk/map?level=oblast&metric=workers_per_10k")
    no_data = next(layer for layer in layers if layer["name"] == "немає даних")
    assert no_data["paths"], layers
    for path in no_data["paths"]:
        assert path["fill"] == "rgb(255, 255, 255)" and _dark(path["stroke"]) and path["width"] >= 1, path
    coloured = next(layer for layer in layers if layer["showscale"])
    assert all(not _dark(p["stroke"]) and p["width"] < 1 for p in coloured["paths"]), coloured["paths"][:3]
