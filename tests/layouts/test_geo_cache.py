"""Geometry sent once and cached, every text response compressed, no cookie refreshed on each request.

Reproduces issue 17: ``/geo`` went out with ``max-age`` but also
``Set-Cookie`` and ``Vary: Cookie`` (the permanent session was refreshed on
every request), so browsers fetched it again on every visit; nothing was
compressed; coordinates left at full float precision; the geometry request
started only after Plotly had run.
"""

from __future__ import annotations

import gzip
import json
import re

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon

from layouts import create_app, ids
from loaders import Dataset
from metrics import Assumptions

GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture
def app(units, hromadas, tmp_path, monkeypatch):
    """The atlas over five hromadas whose polygons carry full-precision, counter-clockwise coordinates."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    h = units[units["level"] == "hromada"].reset_index(drop=True)
    shapes = [
        Polygon([(30.123456789 + i, 50.987654321), (31.000001234 + i, 50.0000004), (31.0 + i, 51.11111111)])
        for i in range(len(h))
    ]
    boxes = gpd.GeoDataFrame({"code": h["code"]}, geometry=shapes, crs=4326)
    dataset = Dataset(
        title="test",
        units=units,
        boundaries={
            "hromada": boxes,
            "raion": boxes.assign(code=h["raion_code"]).dissolve("code").reset_index(),
            "oblast": boxes.assign(code=h["oblast_code"]).dissolve("code").reset_index(),
        },
        hromadas=hromadas,
        approximate_boundaries=True,
    )
    return create_app(dataset, Assumptions())


def _geo_url(client) -> str:
    page = client.get("/uk/map?level=hromada")
    links = re.findall(r'<link rel="preload" href="(/geo/[^"]+)" as="fetch" crossorigin="anonymous">', page.text)
    assert len(links) == 1, page.text[:2000]
    return links[0]


def test_the_page_preloads_its_geometry_under_a_versioned_url(app):
    client = app.server.test_client()
    url = _geo_url(client)
    assert re.fullmatch(r"/geo/[\w-]+/hromada\.json\?v=[0-9a-f]{16}", url)
    assert re.search(r'href="/geo/[\w-]+/oblast\.json\?v=', client.get("/uk/").text)  # the overview: oblasts


def test_versioned_geometry_is_immutable_and_carries_no_cookie(app):
    client = app.server.test_client()
    url = _geo_url(client)  # the page made a session: the browser now sends its cookie
    assert client.get_cookie("session") is not None
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert response.headers["Content-Encoding"] == "gzip"
    collection = json.loads(gzip.decompress(response.data))
    assert collection["type"] == "FeatureCollection"
    again = client.get(url, headers=GZIP | {"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    stale = client.get(url.split("?")[0] + "?v=0000000000000000")
    assert "immutable" not in stale.headers["Cache-Control"]  # an old version is revalidated, never kept


def test_coordinates_are_rounded_and_rings_clockwise(app):
    client = app.server.test_client()
    collection = client.get(_geo_url(client)).get_json()
    text = json.dumps(collection)
    assert not re.search(r"\d\.\d{5,}", text), text[:300]  # 4 decimals of a degree: about 11 m
    for feature in collection["features"]:
        ring = shapely.geometry.shape(feature["geometry"]).exterior
        assert not ring.is_ccw  # d3-geo (Plotly) wants exterior rings clockwise


def test_cacheable_responses_never_carry_the_session_cookie(app):
    client = app.server.test_client()
    url = _geo_url(client)
    assert client.get_cookie("session") is not None  # a session exists: Flask would refresh its cookie
    page = client.get("/uk/map")
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page.text)
    for path in (url, url.split("?")[0], scripts[0], "/assets/style.css"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert "Set-Cookie" not in response.headers, path


def test_every_text_response_is_compressed(app):
    client = app.server.test_client()
    page = client.get("/uk/map", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', gzip.decompress(page.data).decode())
    bundle = next(s for s in scripts if "dash_core_components.v" in s)
    first = client.get(bundle, headers=GZIP)
    assert first.headers["Content-Encoding"] == "gzip" and len(gzip.decompress(first.data)) > 3 * len(first.data)
    assert client.get(bundle, headers=GZIP).data == first.data  # compressed once, kept
    output = next(key for key in app.callback_map if "map-graph.figure" in key and "callback" in app.callback_map[key])
    outputs = [part.split(".") for part in output.strip(".").split("...")]
    request = {
        "output": output,
        "outputs": [{"id": i, "property": p.split("@")[0]} for i, p in outputs],
        "inputs": [
            {"id": ids.LEVEL, "property": "value", "value": "hromada"},
            {"id": ids.METRIC, "property": "value", "value": "workers_per_10k"},
            {"id": ids.OBLAST, "property": "data", "value": None},
            {"id": ids.SELECTED, "property": "data", "value": None},
        ],
        "changedPropIds": [f"{ids.LEVEL}.value"],
        "state": [
            {"id": ids.LANG, "property": "data", "value": "uk"},
            {"id": ids.DRAWN, "property": "data", "value": None},
        ],
    }
    callback = client.post("/_dash-update-component", json=request, headers=GZIP)
    assert callback.status_code == 200 and callback.headers["Content-Encoding"] == "gzip"
    assert "map-graph" in json.loads(gzip.decompress(callback.data))["response"]


def test_large_geometry_is_gzipped_fast_and_small_geometry_small():
    """30,000 units: 16 MB of GeoJSON at gzip level 6 was most of the first geometry request; level 1 above 4 MB."""
    from layouts.state import GEO_FAST_GZIP_BYTES, GeoJSON

    feature = (
        b'{"type":"Feature","properties":{"code":"UA%05d"},"geometry":{"type":"Point","coordinates":[30.1,50.2]}},'
    )
    for count, fast in ((100, False), (GEO_FAST_GZIP_BYTES // len(feature) + 1, True)):
        text = b'{"type":"FeatureCollection","features":[' + b"".join(feature % i for i in range(count))[:-1] + b"]}"
        packed = GeoJSON("digest", lambda text=text: text).gzip
        assert gzip.decompress(packed) == text
        assert packed[8] == (4 if fast else 0), count  # the gzip header's XFL: 4 = fastest level, 0 = default
