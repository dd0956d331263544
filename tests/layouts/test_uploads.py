"""Uploads as plain functions: a good file replaces its kind, a bad one changes nothing."""

from __future__ import annotations

import base64

import pytest

from layouts.pages.data import process_upload, report_view
from layouts.views import prepare
from loaders import read_assumptions
from tests.fixtures import ROOT


def _data_url(content: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(content).decode()


def _csv(text: str) -> str:
    return _data_url(text.encode("utf-8"))


def test_good_staffing_file_replaces_staffing_only(demo):
    code = demo.hromadas["code"][demo.hromadas["code"].str.startswith("UA74")].iloc[0]  # a Chernihiv hromada
    text = "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    text += f"{code};Фахівець із соціальної роботи;40;35\n"
    report, dataset = process_upload(demo, _csv(text), "staff.csv", "staffing", None, 10**6)
    assert report.ok, report.summary()
    assert dataset is not None
    row = dataset.hromadas.set_index("code").loc[code]
    assert row["social_work_specialist_filled"] == 35
    assert dataset.hromadas["population"].sum() == demo.hromadas["population"].sum()
    # a partial return updates only its unit (issue 12): the other hromadas keep their staff
    old = demo.hromadas.set_index("code")
    others = old.drop(index=code)[["social_work_specialist_filled", "social_worker_filled"]].sum().sum()
    measures = prepare(dataset, read_assumptions()).country
    # the file gives no social workers for its hromada: its workers are unknown, not 35 (a sum with an
    # unknown part is unknown), so the national figure is the other hromadas'
    assert measures["workers"] == pytest.approx(others)
    assert "staff.csv" in dataset.sources["staffing"]
    report, replaced = process_upload(demo, _csv(text), "staff.csv", "staffing", None, 10**6, mode="replace")
    measures = prepare(replaced, read_assumptions()).country
    assert measures["workers"] == 35  # the whole table replaced: only the uploaded hromada has staff now
    assert measures["staffing_reporting"] == 1


def test_bad_file_is_rejected_with_rows_and_keeps_the_data(demo):
    text = "Код КАТОТТГ;Населення\nUA0599999;100\nнезрозуміло;200\n"
    report, dataset = process_upload(demo, _csv(text), "bad.csv", "population", None, 10**6)
    assert not report.ok and dataset is None
    messages = " ".join(str(e) for e in report.errors)
    assert "row 2" in messages and "row 3" in messages


def test_oversize_and_garbage_uploads_are_rejected(demo):
    report, dataset = process_upload(demo, _data_url(b"x" * 2000), "big.csv", "population", None, 1000, "en")
    assert dataset is None and "larger than" in report.errors[0].message
    report, dataset = process_upload(demo, "data:;base64,@@@not base64@@@", "x.xlsx", "population", None, 10**6, "en")
    assert dataset is None and "damaged" in report.errors[0].message
    report, dataset = process_upload(demo, _data_url(b"PK\x03\x04garbage"), "x.xlsx", "staffing", None, 10**6)
    assert dataset is None and report.errors


def test_a_name_with_markup_is_shown_as_text(demo):
    text = "Код КАТОТТГ;Населення\n<script>alert(1)</script>;100\n"
    report, _ = process_upload(demo, _csv(text), "<b>x</b>.csv", "population", None, 10**6)
    view = report_view(report, "en").to_plotly_json()
    assert "<b>x</b>" not in str(view)  # the file name was made safe
    assert "data-errors" in str(view)


def test_upload_limit_comes_from_the_environment(monkeypatch):
    from layouts.pages.data import upload_limit_bytes

    monkeypatch.setenv("ATLAS_UPLOAD_LIMIT_MB", "1")
    assert upload_limit_bytes() == 2**20
    assert ROOT.exists()


def test_upload_overrides_header_row_and_columns(demo):
    from layouts.pages.data import parse_overrides

    code = demo.hromadas["code"][demo.hromadas["code"].str.startswith("UA74")].iloc[0]
    text = f"Штатний розпис\nКод;Посада;Графа А;Графа Б\n{code};Соціальний працівник;4;3\n"
    report, dataset = process_upload(demo, _csv(text), "s.csv", "staffing", None, 10**6)
    assert not report.ok  # "Графа А" / "Графа Б" are no headers the loaders know
    overrides, problem = parse_overrides("2", "approved=Графа А; filled=D")
    assert problem is None and overrides == {"header_row": 2, "columns": {"approved": "Графа А", "filled": "D"}}
    report, dataset = process_upload(demo, _csv(text), "s.csv", "staffing", None, 10**6, **overrides)
    assert report.ok, report.summary()
    assert dataset.hromadas.set_index("code").loc[code, "social_worker_filled"] == 3
    assert parse_overrides("0", "")[1] == "header row must be a row number from 1, got '0'"
    assert parse_overrides("", "filled")[1] == "columns: expected field=header or letter, got 'filled'"
