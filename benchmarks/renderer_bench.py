"""Which map renderer holds at 30,000 polygons: plotly SVG ``choropleth`` (geo) against WebGL ``choroplethmap``.

    python benchmarks/renderer_bench.py [--units 1470 30000] [--repeats 3]

For each size, a local page (plotly.js from the installed package, the
geometry of :mod:`benchmarks.synthetic` or the demo inline; nothing from the
internet: ``choroplethmap`` gets a blank MapLibre style with no tiles, no
sources and no glyphs) draws one value trace of every unit in headless
Chromium, then switches its values, range, colour scale and colour bar as
a metric switch does. Prints the median seconds to the first full draw
(``Plotly.newPlot`` to ``plotly_afterplot``) and to the repaint after a
switch, per way (``--kinds``):

- ``choropleth``: ``Plotly.restyle`` of those attributes, as the atlas's
  switch does today through ``Plotly.react`` (edit type "calc": Plotly
  computes every path again);
- ``choropleth-fill``: an in-place repaint (``assets/map_repaint.js``, the app's):
  the values written into the trace and ``gd.calcdata``, then a restyle of
  the name and colour bar only (edit types "style", "colorbars"): new fills
  on the paths drawn, hover values and colour bar in step;
- ``+margin``: the same with a fixed right margin (``autoexpand`` off): a
  colour bar whose labels have another width otherwise moves the automatic
  margin, and Plotly then lays out and draws the whole map again;
- ``choroplethmap``: WebGL, MapLibre with a blank style, software GL.

Also checks that every SVG way gives the same fill, and prints the aim of
issue 17 at 30,000 units.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
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

#: ``choropleth-fill``: the SVG choropleth whose switch repaints the fills in place
#: (``assets/map_repaint.js``, the app's); ``+margin``: with a fixed right margin (``margin.autoexpand`` off), so
#: that a colour bar of another width does not make Plotly lay out and draw the whole map again
KINDS = ("choropleth", "choropleth+margin", "choropleth-fill", "choropleth-fill+margin", "choroplethmap")

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="plotly.min.js"></script>
<script src="map_repaint.js"></script></head>
<body><div id="g" style="width:1200px;height:800px"></div><script>
window.run = async function(mode) {
  const kind = mode.startsWith('choropleth-fill') || mode === 'choropleth+margin' ? 'choropleth' : mode;
  const geo = await (await fetch('geo.json')).json();
  const codes = geo.features.map(f => f.properties.code);
  const z = codes.map((_, i) => (i * 7919) % 1000);
  const z2 = codes.map((_, i) => (i * 104729) % 977);
  const trace = {type: kind, geojson: geo, featureidkey: 'properties.code', locations: codes, z: z,
                 marker: {line: {width: 0.3, color: 'white'}}, colorscale: 'Cividis', zmin: 0, zmax: 1000,
                 zauto: false, colorbar: {tickmode: 'array', tickvals: [0, 500, 1000], ticktext: ['0', '500', '1000']}};
  // what a metric switch changes: the values, their range and the colour bar
  const switched = {z: z2, zmin: 0, zmax: 977, colorscale: 'RdBu', hovertemplate: '%{z}',
                    colorbar: {tickmode: 'array', tickvals: [0, 488, 977], ticktext: ['0', '488', '977']}};
  const layout = {margin: {l: 0, r: 0, t: 0, b: 0}};
  if (mode.endsWith('+margin')) layout.margin = {l: 0, r: 120, t: 0, b: 0, autoexpand: false};
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
  if (mode.startsWith('choropleth-fill')) {
    // fill colours, hover values and colour bar in place (assets/map_repaint.js, the app's)
    if (!await window.atlasMap.repaint(gd, switched)) throw new Error('not repainted in place');
    await frame();
  } else {
    const done = drawn();
    await Plotly.restyle(gd, Object.fromEntries(Object.entries(switched).map(([k, v]) => [k, [v]])));
    await done;
    await frame();
    if (kind === 'choroplethmap') await idle();
  }
  const repaint = performance.now() - t0;
  // the check that the fills are the new colours: the path of the unit with the largest new value
  const fills = Array.from(gd.querySelectorAll('.choroplethlocation'), p => p.getAttribute('fill'));
  const top = fills[z2.indexOf(Math.max(...z2))];
  Plotly.purge(gd);
  return [first / 1e3, repaint / 1e3, top];
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
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
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
            shutil.copy(ROOT / "assets" / "map_repaint.js", folder)
            (folder / "geo.json").write_text(gdf.to_json(drop_id=True))
            (folder / "index.html").write_text(_PAGE.replace("STYLE", json.dumps(BLANK_STYLE)))
            server, url = _serve(folder)
            driver = _driver()
            try:
                results: dict[str, list] = {kind: [] for kind in args.kinds}
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
            line, medians, tops = [], {}, {}
            for kind, values in results.items():
                ok = [v for v in values if isinstance(v[1], float)]
                if not ok:
                    line.append(f"{kind}: failed ({values[0][1]})")
                    continue
                first = statistics.median(v[0] for v in ok)
                medians[kind] = statistics.median(v[1] for v in ok)
                tops[kind] = {v[2] for v in ok}
                line.append(f"{kind} {first:6.2f} / {medians[kind]:6.2f}")
            print(f"  {len(gdf):6,} polygons: " + "; ".join(line))
            svg = {
                kind: fills for kind, fills in tops.items() if kind.startswith("choropleth") and kind != "choroplethmap"
            }
            if len(svg) > 1:
                same = len(set().union(*svg.values())) == 1
                verdict = "the same" if same else f"DIFFER {svg}"
                print(f"    fill of the largest value after the switch, every SVG way: {verdict}")
            if n >= 30_000:
                print(f"    aim (issue 17) {n:,} units, repaint < 2 s (the page alone: no Dash, no network):")
                for kind, seconds in medians.items():
                    print(f"      {kind:24} {seconds:6.2f} s {'met' if seconds < 2 else 'NOT met'}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"(load average {os.getloadavg()[0]:.1f} at the end: timings under load are upper bounds)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
