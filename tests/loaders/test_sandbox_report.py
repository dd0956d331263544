"""The report the sandboxed child sends back: issues as columns, each distinct value once."""

from __future__ import annotations

import json

from loaders.errors import Unmatched, ValidationReport
from loaders.sandbox import from_columns, report_from_json, report_to_json, to_columns


def _report(duplicates: int) -> ValidationReport:
    report = ValidationReport("population file f.csv", kind="population", path="f.csv", rows=duplicates + 3)
    report.headers = {"population": "Населення"}
    report.error("not_a_number", {"value": "abc"}, row=2, column="population")
    for row in range(3, duplicates + 3):
        report.warn("appears_again", {"what": ["unit", {"code": "UA05020030000031457"}], "first": 2}, row=row)
    report.current_sheet = "Аркуш 2"
    report.warn("stored_text", {"text": "a note without a row"})
    report.warn("not_a_number", {"value": 1}, row=9, column="population")
    report.warn("not_a_number", {"value": True}, row=10, column="population")
    report.unmatched = [Unmatched(4, "Нова", ("Нова Ушиця", "Новодністровськ")), Unmatched(5, "Нова", ())]
    return report


def test_a_report_comes_back_as_it_went():
    report = _report(500)
    back = report_from_json(json.loads(json.dumps(report_to_json(report), allow_nan=True)))
    assert back == report
    assert [i.params for i in back.issues] == [i.params for i in report.issues]  # not in Issue's equality
    assert [i.sheet for i in back.issues[-3:]] == [None, "Аркуш 2", "Аркуш 2"]  # stamped on issues with a row
    assert back.issues[0].header == "Населення"


def test_a_message_repeated_on_every_row_is_sent_once():
    """99,999 duplicate rows used to travel as 99,999 copies of their message (about 20 MB of JSON); now the
    message, source and severity go once, with the rows as numbers."""
    data = report_to_json(_report(10_000))
    columns = data["issues"]["columns"]
    assert data["issues"]["count"] == 10_004
    assert columns["code"]["values"] == ["not_a_number", "appears_again", "stored_text"]
    assert len(columns["params"]["values"]) == 5  # 1 and True are told apart
    assert columns["row"]["list"][:3] == [2, 3, 4]
    size, as_records = len(json.dumps(data)), len(json.dumps(from_columns(data["issues"])))
    assert size < 120 * 1024 < 2 * 2**20 < as_records, (size, as_records)  # the rows' numbers, not the messages


def test_records_of_the_form_before_columns_are_still_read():
    report = _report(3)
    data = report_to_json(report)
    data["issues"] = from_columns(data["issues"])  # a list of records, as a stored report of an earlier version
    data["unmatched"] = from_columns(data["unmatched"])
    assert isinstance(data["issues"], list) and data["issues"][1]["row"] == 3
    assert report_from_json(data) == report
    assert report_from_json(json.loads(json.dumps(data))).issues[-1].params == {"value": True}


def test_columns_keep_types_and_unhashable_values():
    records = [{"a": 1, "b": {"x": [1]}}, {"a": True, "b": {"x": [1]}}, {"a": 1.0, "b": None}, {"a": None, "b": None}]
    back = from_columns(json.loads(json.dumps(to_columns(records))))
    assert back == records
    assert [type(r["a"]) for r in back] == [int, bool, float, type(None)]
    assert from_columns(to_columns([])) == []
