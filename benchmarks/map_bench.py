"""Map speed: the metric switch at hromada level and the first render, against a naive map.

    python benchmarks/map_bench.py [--runs 7] [--no-browser]

Prints, for the atlas and for a naive version measured in the same run
(a plotly-express choropleth rebuilt with the full geometry on every
switch):

1. the response to a metric switch at hromada level: bytes sent and server
   time (median of ``--runs``), through the app's own callback endpoint;
2. the first full render of the hromada map in headless Chromium, from
   navigation to every hromada drawn (median of 3), when chromium is
   installed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

METRICS = ("workers_per_10k", "gap_fte", "residents_per_worker", "workers_per_10k_incl_idp")


def _switch_request(metric: str) -> dict:
    outputs = [("map-graph", "figure"), ("map-breadcrumb", "children"), ("app-url", "search")]
    return {
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": "map-level", "property": "value", "value": "hromada"},
            {"id": "map-metric", "property": "value", "value": metric},
            {"id": "map-oblast", "property": "data", "value": None},
            {"id": "map-selected", "property": "data", "value": None},
        ],
        "changedPropIds": ["map-metric.value"],
        "state": [
            {"id": "app-lang", "property": "data", "value": "uk"},
            {"id": "map-graph", "property": "figure", "value": {"data": []}},
        ],
    }


def _table_request(metric: str) -> dict:
    outputs = [("map-table", "data"), ("map-table", "page_count"), ("map-table", "columns")]
    return {
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": "map-level", "property": "value", "value": "hromada"},
            {"id": "map-metric", "property": "value", "value": metric},
            {"id": "map-oblast", "property": "data", "value": None},
            {"id": "map-table", "property": "page_current", "value": 0},
            {"id": "map-table", "property": "filter_query", "value": ""},
            {"id": "map-table", "property": "sort_by", "value": []},
        ],
        "changedPropIds": ["map-metric.value"],
        "state": [{"id": "app-lang", "property": "data", "value": "uk"}],
    }


def atlas_switch(runs: int) -> tuple[float, int]:
    """Median server time (s) and bytes of the atlas's metric-switch response."""
    import app as atlas_app

    client = atlas_app.make_app().server.test_client()
    client.get("/")
    dependencies = json.loads(client.get("/_dash-dependencies").data)
    output = next(d["output"] for d in dependencies if d["output"].startswith("..map-graph.figure"))
    table_output = next(d["output"] for d in dependencies if d["output"].startswith("..map-table.data"))
    times, sizes = [], []
    for i in range(runs):
        metric = METRICS[i % len(METRICS)]
        started = time.perf_counter()
        response = client.post("/_dash-update-component", json=_switch_request(metric) | {"output": output})
        table = client.post("/_dash-update-component", json=_table_request(metric) | {"output": table_output})
        times.append(time.perf_counter() - started)
        for r in (response, table):
            if r.status_code != 200:
                raise RuntimeError(f"callback failed: {r.status_code} {r.data[:300]!r}")
        sizes.append(len(response.data) + len(table.data))
    return statistics.median(times), int(statistics.median(sizes))


def naive_figure(metric: str):
    """The naive map: plotly express with the full GeoJSON in the figure, rebuilt each time."""
    import plotly.express as px

    from layouts.views import prepare
    from loaders import load_demo, read_assumptions

    dataset = load_demo()
    table = prepare(dataset, read_assumptions()).tables["hromada"]
    geojson = json.loads(dataset.boundaries["hromada"].to_json())
    return px.choropleth(
        table,
        geojson=geojson,
        featureidkey="properties.code",
        locations="code",
        color=metric,
        hover_name="name_uk",
        hover_data=["population", "idp", "workers"],
    ).update_geos(fitbounds="locations", visible=False)


def naive_switch(runs: int) -> tuple[float, int]:
    """Median time (s) and bytes of rebuilding and serialising the naive figure."""
    from layouts.views import prepare
    from loaders import load_demo, read_assumptions

    dataset = load_demo()
    data = prepare(dataset, read_assumptions())
    times, sizes = [], []
    for i in range(runs):
        import plotly.express as px

        metric = METRICS[i % len(METRICS)]
        started = time.perf_counter()
        geojson = json.loads(dataset.boundaries["hromada"].to_json())
        fig = px.choropleth(
            data.tables["hromada"],
            geojson=geojson,
            featureidkey="properties.code",
            locations="code",
            color=metric,
            hover_name="name_uk",
            hover_data=["population", "idp", "workers"],
        ).update_geos(fitbounds="locations", visible=False)
        body = json.dumps({"response": {"map-graph": {"figure": fig.to_plotly_json()}}}, default=str)
        times.append(time.perf_counter() - started)
        sizes.append(len(body.encode()))
    return statistics.median(times), int(statistics.median(sizes))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def _render_time(driver, url: str, selector: str, count: int) -> float:
    started = time.perf_counter()
    driver.get(url)
    script = f"return document.querySelectorAll('{selector}').length"
    while driver.execute_script(script) < count:
        if time.perf_counter() - started > 120:
            raise RuntimeError(f"{url}: map not drawn within 120 s")
        time.sleep(0.02)
    return time.perf_counter() - started


def browser_render() -> tuple[float, float] | None:
    """Median seconds to the full hromada map: the atlas, and the naive figure as a local HTML page."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return None
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    folder = Path(tempfile.mkdtemp())
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        import plotly

        plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        shutil.copy(plotly_js, folder / "plotly.min.js")
        naive = naive_figure("workers_per_10k")
        naive.write_html(folder / "naive.html", include_plotlyjs="plotly.min.js", config={"topojsonURL": "./"})
        shutil.copy(ROOT / "assets" / "topojson" / "world_110m.json", folder / "world_110m.json")
        static_port = _free_port()
        static = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(static_port), "--bind", "127.0.0.1"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)
        driver = _driver()
        try:
            atlas = [
                _render_time(
                    driver, f"http://127.0.0.1:{port}/uk/map?level=hromada", "#map-graph .choroplethlocation", 2 * 1470
                )
                for _ in range(3)
            ]
            naive_times = [
                _render_time(driver, f"http://127.0.0.1:{static_port}/naive.html", ".choroplethlocation", 1400)
                for _ in range(3)
            ]
        finally:
            driver.quit()
            static.terminate()
        return statistics.median(atlas), statistics.median(naive_times)
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    a_time, a_size = atlas_switch(args.runs)
    n_time, n_size = naive_switch(args.runs)
    print(f"metric switch, hromada level (median of {args.runs}):")
    print(f"  atlas (Patch + one table page): {a_size / 1e3:8.1f} KB, server {a_time * 1e3:7.1f} ms")
    print(f"  naive (px.choropleth rebuilt):  {n_size / 1e3:8.1f} KB, server {n_time * 1e3:7.1f} ms")
    print(f"  ratio naive/atlas: {n_size / a_size:.0f}x bytes, {n_time / a_time:.1f}x time")
    if not args.no_browser:
        render = browser_render()
        if render is None:
            print("first render: chromium/chromedriver not installed, skipped")
        else:
            print(
                f"first full render of the hromada map in headless Chromium (median of 3): "
                f"atlas {render[0]:.2f} s, naive static page {render[1]:.2f} s"
            )


if __name__ == "__main__":
    main()
