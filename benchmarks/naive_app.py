"""The naive map app, for comparison: plotly express with the GeoJSON inside the figure, rebuilt on every switch.

    python benchmarks/naive_app.py [--port 8060] [--units N]

The same renderer as the atlas (Dash, plotly.js, SVG geo), the same data
and metric labels; a metric switch returns a whole new ``px.choropleth``
figure, geometry and all; no compression, no caching.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import dash  # noqa: E402
import plotly.express as px  # noqa: E402
from dash import Input, Output, dcc, html  # noqa: E402

from benchmarks.synthetic import synthetic_dataset  # noqa: E402
from core.text import METRIC_LABELS, metric_label  # noqa: E402
from layouts.views import prepare  # noqa: E402
from loaders import load_demo, read_assumptions  # noqa: E402


def make_app(units: int = 0) -> dash.Dash:
    dataset = load_demo()
    if units:
        dataset = synthetic_dataset(dataset, units)
    table = prepare(dataset, read_assumptions()).tables["hromada"]
    # the boundaries carry a second geometry column (geometry_full): only code and geometry go out
    geojson = json.loads(dataset.boundaries["hromada"][["code", "geometry"]].to_json())
    app = dash.Dash(__name__, serve_locally=True, update_title=None, assets_folder=str(ROOT / "assets"))
    app.layout = html.Div(
        [
            dcc.Dropdown(
                id="map-metric",
                options=[{"label": metric_label(m, "uk"), "value": m} for m in METRIC_LABELS],
                value="workers_per_10k",
                clearable=False,
            ),
            dcc.Graph(id="map-graph", config={"topojsonURL": "/assets/topojson/"}),
        ]
    )

    @app.callback(Output("map-graph", "figure"), Input("map-metric", "value"))
    def figure(metric):
        return px.choropleth(
            table,
            geojson=geojson,
            featureidkey="properties.code",
            locations="code",
            color=metric,
            hover_name="name_uk",
            hover_data=["population", "idp", "workers"],
        ).update_geos(fitbounds="locations", visible=False)

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8060)
    parser.add_argument("--units", type=int, default=0)
    args = parser.parse_args()
    make_app(args.units).run(host="127.0.0.1", port=args.port, debug=False)
