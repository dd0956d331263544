"""Which map renderer holds at 30,000 polygons: plotly SVG ``choropleth`` (geo) against WebGL ``choroplethmap``.

    python benchmarks/renderer_bench.py [--units 1470 30000] [--repeats 3]

For each size, a local page (plotly.js from the installed package, the
geometry of :mod:`benchmarks.synthetic` or the demo inline; nothing from the
internet: ``choroplethmap`` gets a blank MapLibre style with no tiles, no
sources and no glyphs) draws one value trace of every unit in headless
Chromium, then restyles its values as a metric switch does. Prints the
median seconds to the first full draw (``Plotly.newPlot`` to
``plotly_afterplot``) and to the repaint after a switch (``Plotly.restyle``
of ``z`` to ``plotly_afterplot``), per renderer.
"""

from __future__ import annotations

import argparse
import http.server
import json
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import synthetic_dataset  # noqa: E402
from loaders import load_demo  # noqa: E402

#: A MapLibre style with nothing to fetch: no tiles, no sources, no glyphs, a white background.
BLANK_STYLE = {
    "version": 8,
    "sources": {},
    "layers": [{"id": "bg", "type": "background", "paint": {"background-color": "#ffffff"}}],
}

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="plotly.min.js"></script></head>
<body><div id="g" style="width:1200px;height:800px"></div><script>
window.run = async function(kind) {
  const geo = await (await fetch('geo.json')).json();
  const codes = geo.features.map(f => f.properties.code);
  const z = codes.map((_, i) => (i * 7919) % 1000);
  const z2 = codes.map((_, i) => (i * 104729) % 977);
  const trace = {type: kind, geojson: geo, featureidkey: 'properties.code', locations: codes, z: z,
                 marker: {line: {width: 0.3, color: 'white'}}, colorscale: 'Cividis'};
  const layout = {margin: {l: 0, r: 0, t: 0, b: 0}};
  if (kind === 'choropleth') layout.geo = {fitbounds: 'locations', visible: false, projection: {type: 'mercator'}};
  else layout.map = {style: STYLE, center: {lon: 31.2, lat: 48.4}, zoom: 4.6};
  const gd = document.getElementById('g');
  const drawn = () => new Promise(resolve => gd.once('plotly_afterplot', resolve));
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  let t0 = performance.now();
  await Plotly.newPlot(gd, [trace], layout, {topojsonURL: './'});
  await frame();
  const idle = () => new Promise(r => {
    gd._fullLayout.map._subplot.map.once('idle', r); setTimeout(r, 5000);
  });
  if (kind === 'choroplethmap' && !gd._fullLayout.map._subplot.map.loaded()) await idle();
  const first = performance.now() - t0;
  t0 = performance.now();
  const done = drawn();
  await Plotly.restyle(gd, {z: [z2]});
  await done;
  await frame();
  if (kind === 'choroplethmap') await idle();
  const switched = performance.now() - t0;
  Plotly.purge(gd);
  return [first / 1e3, switched / 1e3];
};
</script></body></html>"""


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = lambda *a, **k: Quiet(*a, directory=str(folder), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/index.html"


def _driver():
    """Chromium as the tests start it (``tests.browser.chrome``), with WebGL in software (no GPU here)."""
    from tests.browser.chrome import new_chrome

    driver = new_chrome(1400, 1000, extra=("--use-angle=swiftshader", "--enable-unsafe-swiftshader"))
    driver.set_script_timeout(600)
    return driver


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[1_470, 30_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    import plotly

    demo = load_demo()
    print(f"first draw / repaint after a switch, seconds, median of {args.repeats} (headless Chromium, no GPU)")
    for n in args.units:
        dataset = synthetic_dataset(demo, n)
        gdf = dataset.boundaries["hromada"][["code", "geometry"]]
        folder = Path(tempfile.mkdtemp(prefix="renderer-bench-"))
        try:
            shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", folder)
            shutil.copy(ROOT / "assets" / "topojson" / "world_110m.json", folder)
            (folder / "geo.json").write_text(gdf.to_json(drop_id=True))
            (folder / "index.html").write_text(_PAGE.replace("STYLE", json.dumps(BLANK_STYLE)))
            server, url = _serve(folder)
            driver = _driver()
            try:
                results: dict[str, list] = {"choropleth": [], "choroplethmap": []}
                for _ in range(args.repeats):
                    for kind in results:
                        driver.get(url)
                        results[kind].append(
                            driver.execute_async_script(
                                "const done = arguments[arguments.length - 1];"
                                "window.run(arguments[0]).then(done, e => done([NaN, String(e)]));",
                                kind,
                            )
                        )
            finally:
                driver.quit()
                server.shutdown()
            line = []
            for kind, values in results.items():
                ok = [v for v in values if isinstance(v[1], float)]
                if not ok:
                    line.append(f"{kind}: failed ({values[0][1]})")
                    continue
                first = statistics.median(v[0] for v in ok)
                switch = statistics.median(v[1] for v in ok)
                line.append(f"{kind} {first:6.2f} / {switch:6.2f}")
            print(f"  {len(gdf):6,} polygons: " + "; ".join(line))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
