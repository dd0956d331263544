"""Dashboard callbacks and figure builders as plain functions, on five boxes."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pytest
from openpyxl import load_workbook
from shapely.geometry import box

from conftest import H1, H2, H4, H5, O1, O2
from layouts import choropleth, download_bytes, drill_down, format_number, ids, prepare, view_table
from loaders import Dataset
from metrics import StaffingNorm


@pytest.fixture
def dataset(units, hromadas) -> Dataset:
    h = units[units["level"] == "hromada"].reset_index(drop=True)
    boxes = gpd.GeoDataFrame(
        {"code": h["code"]}, geometry=[box(30 + i, 50, 31 + i, 51) for i in range(len(h))], crs=4326
    )
    oblasts = boxes.assign(code=h["oblast_code"]).dissolve("code").reset_index()
    raions = boxes.assign(code=h["raion_code"]).dissolve("code").reset_index()
    return Dataset(
        title="test",
        units=units,
        boundaries={"hromada": boxes, "raion": raions, "oblast": oblasts},
        hromadas=hromadas,
        approximate_boundaries=True,
        sources={"population": "test"},
    )


def test_view_table_ranks_and_filters(dataset):
    data = prepare(dataset, StaffingNorm())
    table = view_table(data, "hromada", "workers_per_10k", O2)
    assert table["code"].tolist() == [H4, H5]
    ranked = view_table(data, "hromada", "residents_per_worker", None)
    assert ranked["code"].iloc[0] != H5 and ranked["code"].iloc[-1] == H5  # no data last
    with pytest.raises(ValueError, match="metric must be one of"):
        view_table(data, "hromada", "nonsense", None)


def test_choropleth_shows_no_data_distinctly(dataset):
    data = prepare(dataset, StaffingNorm())
    fig = choropleth(
        data.geojson["hromada"],
        view_table(data, "hromada", "workers_per_10k_incl_idp", None),
        "workers_per_10k_incl_idp",
    )
    no_data, values = fig.data
    assert list(no_data.locations) == [H4]
    assert no_data.name == "немає даних"
    assert len(values.locations) == 4
    assert "Агрономічна" in "".join(values.text)


def test_gap_uses_a_diverging_scale_centred_on_zero(dataset):
    data = prepare(dataset, StaffingNorm())
    fig = choropleth(data.geojson["oblast"], view_table(data, "oblast", "gap_fte", None), "gap_fte", "en")
    trace = fig.data[-1]
    assert trace.zmid == 0 and trace.zmin == -trace.zmax


def test_drill_down():
    click = {"points": [{"location": O1}]}
    assert drill_down(ids.MAP, click, "oblast", None) == (O1, "hromada")
    assert drill_down(ids.RESET, None, "hromada", O1) == (None, "oblast")
    no_change = drill_down(ids.MAP, click, "hromada", O1)
    assert all(v is not None and not isinstance(v, tuple) for v in no_change)  # dash.no_update


def test_download_reads_back_with_types(dataset):
    data = prepare(dataset, StaffingNorm())
    content = download_bytes(data, "hromada", "workers_per_10k", O1)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:N4"
    assert ws["A1"].value == "Код КАТОТТГ"
    codes = [ws.cell(row=r, column=1).value for r in range(2, 5)]
    assert set(codes) == {H1, H2, "UA05040010000012345"}
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 5))
    population = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=4).value for r in range(2, 5)}
    assert population[H2] == 40_000 and isinstance(population[H2], (int, float))
    assert ws.cell(row=2, column=4).number_format == "#,##0"
    notes = dict((r[0].value, r[1].value) for r in wb["Notes"].iter_rows())
    assert "approximate" in notes["Boundaries"]


def test_download_never_writes_formulas(dataset):
    dataset.units.loc[dataset.units["code"] == H1, "name_uk"] = '=HYPERLINK("http://x","y")'
    data = prepare(dataset, StaffingNorm())
    content = download_bytes(data, "hromada", "workers_per_10k", O1)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [ws.cell(row=r, column=2) for r in range(2, 5)]
    evil = [c for c in cells if str(c.value).startswith("=")]
    assert len(evil) == 1 and evil[0].data_type == "s"


def test_format_number():
    assert format_number(12345.678, 1, "uk") == "12\u00a0345,7"
    assert format_number(12345.678, 1, "en") == "12,345.7"
    assert format_number(np.nan) == "немає даних"
