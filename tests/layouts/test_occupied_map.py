"""Occupied territory is its own map class: out of the value layer, its colour range and "no data"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.text import t
from layouts.figures import choropleth, map_change, occupied_units, selection_patch


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["A", "B", "C", "D"],
            "name_uk": ["А", "Б", "В", "Г"],
            "name_en": ["A", "B", "C", "D"],
            "population": [1.0, 2.0, 3.0, np.nan],
            "idp": [0.0, 0.0, 0.0, np.nan],
            "idp_estimated": False,
            "workers": [1.0, 2.0, 9.0, np.nan],
            "workers_per_10k": [1.0, 2.0, 90.0, np.nan],
            # C: its one hromada occupied; D: no data; an oblast of 3 hromadas with 1 occupied is not occupied
            "hromadas": [1, 3, 1, 1],
            "hromadas_occupied": [0.0, 1.0, 1.0, np.nan],
        }
    )


def test_occupied_units_are_drawn_as_their_own_class_in_both_languages():
    table = _table()
    assert occupied_units(table).tolist() == [False, False, True, False]
    for lang in ("uk", "en"):
        fig = choropleth("/geo/x.json", table, "workers_per_10k", lang, selected="A")
        layer, no_data, outline, occupied = fig.data
        assert list(occupied.locations) == ["C"] and occupied.name == t("map_occupied", lang)
        assert t("map_occupied_hover", lang) in occupied.hovertemplate
        z = dict(zip(layer.locations, layer.z))
        assert np.isnan(z["C"]) and z["B"] == 2.0  # the occupied value is not drawn nor in the colour range
        assert layer.zmax < 90
        assert list(no_data.locations) == ["D"]  # occupied is not "no data"
        assert list(outline.locations) == ["A"]
    layer, no_data = map_change(table, "workers_per_10k")["traces"]
    occupied_z = layer["z"][2]
    assert occupied_z is None or np.isnan(occupied_z)  # null in the browser
    assert no_data["locations"] == ["D"]
    assert selection_patch(table, "B").to_plotly_json()["operations"][0]["location"][:2] == ["data", 2]


def test_without_occupied_units_the_map_keeps_three_traces():
    table = _table().assign(hromadas_occupied=0.0)
    assert len(choropleth("/geo/x.json", table, "workers_per_10k").data) == 3
