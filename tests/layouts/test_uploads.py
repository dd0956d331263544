"""Uploads as plain functions: a good file replaces its kind, a bad one changes nothing."""

from __future__ import annotations

import base64

import pytest

from core.text import source_text
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
    assert source_text(dataset.sources["staffing"], "uk") == (
        "синтетичні, відкалібровані за UNICEF 2022 і BCN/GSSWA 2023; оновлено завантаженим файлом staff.csv"
    )
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
    overrides, problem = parse_overrides("2", "approved=Графа А; filled=D", lang="en")
    assert problem is None
    assert overrides == {"header_row": 2, "columns": {"approved": "Графа А", "filled": "D"}, "cells": {}}
    report, dataset = process_upload(demo, _csv(text), "s.csv", "staffing", None, 10**6, **overrides)
    assert report.ok, report.summary()
    assert dataset.hromadas.set_index("code").loc[code, "social_worker_filled"] == 3
    assert parse_overrides("0", "", lang="en")[1] == "header row must be a row number from 1, got '0'"
    assert parse_overrides("", "filled", lang="en")[1] == "columns: expected field=header or letter, got 'filled'"


# --------------------------------------------------------------------------- cell conventions per file (issue 12)
def test_cell_conventions_are_parsed_in_either_language():
    from layouts.pages.data import parse_overrides

    overrides, problem = parse_overrides("", "", "–=невідомо; н/д=нуль\nх=not applicable", "uk")
    assert problem is None
    assert overrides["cells"] == {"–": "unknown", "н/д": "zero", "х": "not_applicable"}
    assert parse_overrides("", "", "-=unknown", "en")[0]["cells"] == {"-": "unknown"}
    assert parse_overrides("", "", "–=може", "uk")[1] == (
        "знаки в клітинках: очікується знак=нуль, невідомо або не застосовується, отримано '–=може'"
    )
    assert parse_overrides("", "", "–", "en")[1] == (
        "cell signs: expected sign=zero, unknown or not applicable, got '–'"
    )


def test_the_upload_page_reads_a_file_with_its_own_cell_conventions(demo, tmp_path, monkeypatch):
    """The overrides callback keeps the page's conventions for the session; the upload callback reads the
    file with them: "–" is "not available" in this file, not the State Statistics' zero."""
    import json

    from layouts import create_app

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    client = create_app(demo, read_assumptions()).server.test_client()
    dependencies = json.loads(client.get("/_dash-dependencies").data)

    def call(prefix, inputs, state, changed):
        spec = next(d for d in dependencies if d["output"].startswith(prefix))
        outputs = [dict(zip(("id", "property"), o.split(".", 1))) for o in spec["output"].strip(".").split("...")]
        body = {
            "output": spec["output"],
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [{**i, "value": inputs.get(i["id"])} for i in spec["inputs"]],
            "state": [{**s, "value": state.get(s["id"])} for s in spec["state"]],
            "changedPropIds": [changed],
        }
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data(as_text=True)

    shown = call("data-overrides-problem", {"data-cells": "–=щось"}, {"app-lang": "uk"}, "data-cells.value")
    assert (
        "знаки в клітинках: очікується знак=нуль" in json.loads(shown)["response"]["data-overrides-problem"]["children"]
    )
    shown = call("data-overrides-problem", {"data-cells": "–=невідомо"}, {"app-lang": "en"}, "data-cells.value")
    assert json.loads(shown)["response"]["data-overrides-problem"]["children"] == ""
    code = demo.hromadas["code"][demo.hromadas["code"].str.startswith("UA74")].iloc[0]
    text = f"Код КАТОТТГ;Посада;Затверджено;Зайнято\n{code};Соціальний працівник;3;–\n"
    body = call(
        "..data-report.children",
        {"data-upload": _csv(text)},
        {"data-upload": "staff.csv", "data-kind": "staffing", "data-sheet": None, "app-lang": "en"},
        "data-upload.contents",
    )
    assert "File accepted" in body
    assert "Social worker: filled positions not available ('–') for 1 unit(s)" in body


def _grid_rows(view, grid_id: str) -> list[dict]:
    """The rows of the report's table ``grid_id`` (Dash AG Grid ``rowData``) in a rendered view."""
    found = []

    def walk(node):
        if hasattr(node, "to_plotly_json"):
            node = node.to_plotly_json()
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") == grid_id:
                found.extend(props["rowData"])
            walk(props.get("children"))
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)

    walk(view)
    return found


def test_the_upload_report_names_columns_by_label_and_the_files_own_header(demo):
    """Under uk the report's table names each column as the user knows it, never by a field id such as
    ``filled``: the label, and the header of the user's file where it had one (a column given by letter
    without a header: the label alone)."""
    from core.text import label

    codes = demo.hromadas["code"][demo.hromadas["code"].str.startswith("UA74")].iloc[:2].tolist()
    text = "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    text += f"{codes[0]};Фахівець із соціальної роботи;40;-3\n{codes[1]};Психолог;2;5%\n"
    report, dataset = process_upload(demo, _csv(text), "s.csv", "staffing", None, 10**6)
    assert dataset is None
    shown = {(r["row"], r["column"]) for key in ("data-errors", "data-warnings") for r in
             _grid_rows(report_view(report, "uk"), key)}  # fmt: skip
    filled = f"{label('filled', 'uk')} (у файлі: «Фактично зайнято»)"
    assert shown == {(2, filled), (3, filled)}, shown
    assert {r["column"] for r in _grid_rows(report_view(report, "en"), "data-errors")} == {
        "Filled positions (in the file: 'Фактично зайнято')"
    }

    headerless = f"Код КАТОТТГ;Посада;Затверджено штатних одиниць;\n{codes[0]};Психолог;2;5%\n"
    report, _ = process_upload(demo, _csv(headerless), "s.csv", "staffing", None, 10**6, columns={"filled": "D"})
    assert [r["column"] for r in _grid_rows(report_view(report, "uk"), "data-errors")] == [label("filled", "uk")]


def test_what_an_upload_changed_names_each_figure_by_its_label():
    """The "what changed" list of an accepted table reads "Фахівець із соціальної роботи: зайнято посад: 1 932 → 35",
    not the field id ``social_work_specialist_filled``."""
    from core.text import label
    from layouts.pages.data import change_view
    from loaders import TableChange

    change = TableChange(
        "staffing",
        "replace",
        1,
        1,
        1470,
        0,
        {"social_work_specialist_filled": 1932.0},
        {"social_work_specialist_filled": 35.0},
    )
    for lang in ("uk", "en"):
        text = str(change_view(change, lang))
        assert "social_work_specialist_filled" not in text
        assert label("social_work_specialist_filled", lang) in text


def _texts(node) -> list[str]:
    """Every text a rendered Dash answer shows: children, table cells and table headers (no ids, no props)."""
    found = []
    if isinstance(node, dict):
        props = node.get("props", node)
        for key, value in props.items():
            if key == "children" and isinstance(value, str):
                found.append(value)
            elif key == "rowData":
                found += [str(v) for row in value for v in row.values() if v is not None]
            elif key == "columnDefs":
                found += [c.get("headerName", "") for c in value]
            elif isinstance(value, (dict, list)):
                found += _texts(value)
    elif isinstance(node, list):
        for item in node:
            found += _texts(item)
    return found


def test_every_kind_of_problem_in_an_upload_is_said_in_ukrainian_naming_row_and_column(demo, tmp_path, monkeypatch):
    """A staffing return with one of each kind of row problem (tests.fixtures.EVERY_PROBLEM_STAFFING) and files
    refused before reading (empty, a PDF, a workbook with macros, too large), uploaded through the app's
    callback under /uk/: the report has no English sentence, and each row's problem names its row and, where
    it is one cell's, its column by label and the file's header."""
    import io
    import json
    import zipfile

    from layouts import create_app
    from tests.fixtures import EVERY_PROBLEM_STAFFING, english_phrases

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_UPLOAD_LIMIT_MB", "0.01")
    client = create_app(demo, read_assumptions()).server.test_client()
    spec = next(d for d in json.loads(client.get("/_dash-dependencies").data) if "data-report.children" in d["output"])
    outputs = [dict(zip(("id", "property"), o.split(".", 1))) for o in spec["output"].strip(".").split("...")]

    def upload(content: bytes, filename: str) -> dict:
        state = {"data-upload": filename, "data-kind": "staffing", "data-sheet": None, "app-lang": "uk"}
        body = {
            "output": spec["output"],
            "outputs": outputs,
            "inputs": [
                {**i, "value": _data_url(content) if i["id"] == "data-upload" else None} for i in spec["inputs"]
            ],
            "state": [{**s, "value": state.get(s["id"])} for s in spec["state"]],
            "changedPropIds": ["data-upload.contents"],
        }
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {"props": json.loads(response.get_data(as_text=True))["response"]["data-report"]}

    report = upload(EVERY_PROBLEM_STAFFING.encode("utf-8"), "return.csv")
    shown = " | ".join(_texts(report))
    assert not english_phrases(shown), english_phrases(shown)
    rows = {}
    for key in ("data-errors", "data-warnings"):
        for r in _grid_rows(report, key):
            rows.setdefault(r["row"], []).append((r["column"], r["message"]))
    filled = "Зайнято посад (у файлі: «Фактично зайнято»)"
    assert rows[2] == [(filled, "має бути ≥ 0, отримано -3; прочитано як «немає даних»")]
    assert rows[3] == [(filled, "очікується кількість, отримано відсоток «5%»")]
    assert rows[4] == [
        ("Затверджено посад (у файлі: «Затверджено штатних одиниць»)", "очікується число, отримано «багато»")
    ]
    assert rows[5] == [("Код КАТОТТГ", "код UA0502099 не відповідає жодній одиниці кодифікатора")]
    assert rows[8] == [("Посада", rows[8][0][1])] and rows[8][0][1].startswith("невідома посада «Космонавт»")
    assert rows[11] == [("Громада", "«Небувалівська» не відповідає жодній одиниці (громада)")]
    assert "трапляється знову (уперше в рядку 2)" in rows[7][0][1]
    assert rows[9][0][1] == "зайнятих посад більше, ніж затверджених"
    assert rows[12][0][1] == "рядок підсумків пропущено (не враховано як дані)"
    assert "Липовецька (UA05020110000052014, рядок 10)" in rows[None][0][1]  # the file's "not available" cells
    assert {r["row"] for r in _grid_rows(report, "data-unmatched")} == {5, 11}
    assert any("громада, Вінницька область" in r["suggestions"] for r in _grid_rows(report, "data-unmatched"))

    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\0")
    refused = {
        "empty.csv": (b"", "файл порожній"),
        "scan.xlsx": (b"%PDF-1.4 ...", "це документ PDF, а не таблиця чи файл меж"),
        "macro.xlsx": (macro.getvalue(), "книга з макросами; збережіть її як .xlsx без макросів"),
        "big.csv": (b"x" * 20_000, "файл більший за дозволені 0,01 МБ"),
    }
    for name, (content, words) in refused.items():
        shown = " | ".join(_texts(upload(content, name)))
        assert words in shown and not english_phrases(shown), (name, shown)


def test_a_report_of_many_issues_lists_the_first_of_each_kind_and_says_how_many_more():
    """99,999 duplicate rows used to fill the page's table with 500 copies of one message, with no word of the
    other 99,499; now each kind is counted, the table has the first rows of each, and the page says where the
    rest are (the full workbook's issues sheet; for a refused file, ``validate``)."""
    import json

    from plotly.utils import PlotlyJSONEncoder

    from core.text import t
    from loaders import FileReport, ValidationReport

    report = ValidationReport("population file f.csv", kind="population", path="f.csv", rows=1_000)
    report.warn("not_a_number", {"value": "abc"}, row=2, column="population")
    for row in range(3, 1_003):
        what = ["unit_again", {"level": "hromada", "code": "UA05020030000031457"}]  # as it comes back from the child
        report.warn("appears_again", {"what": what, "first": 2}, row=row)
    report.warn("not_a_number", {"value": "x"}, row=1_003, column="population")
    view = report_view(FileReport.from_report(report), "uk")
    rows = _grid_rows(view, "data-warnings")
    assert len(rows) == 22  # the first 20 duplicates, both "not a number" rows (one kind: 2 of them)
    assert [r["row"] for r in rows][:3] == [2, 3, 4] and rows[-1]["row"] == 1_003
    text = json.dumps(view, cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert t("upload_kind_count", "uk", message="", count=1_000) in text and "(таких — 2)" in text
    more = t("upload_more_issues", "uk", first=20, shown=22, total=1_002, sheet=t("sheet_issues", "uk"), workbook="")
    assert more.split(".")[0] in text and t("sheet_issues", "uk") in text

    report.error("not_a_number", {"value": "y"}, row=5, column="population")
    for row in range(6, 600):
        report.error("not_a_number", {"value": str(row)}, row=row, column="population")
    view = report_view(FileReport.from_report(report), "en")
    assert len(_grid_rows(view, "data-errors")) == 20
    assert "'python app.py validate' on the file lists all 595" in json.dumps(view, cls=PlotlyJSONEncoder)
    few = ValidationReport("population file g.csv", kind="population", path="g.csv")
    few.warn("not_a_number", {"value": "abc"}, row=2, column="population")
    view = report_view(FileReport.from_report(few), "en")
    assert "data-warnings-more" not in json.dumps(view, cls=PlotlyJSONEncoder)  # all shown: nothing more to say


def test_a_valid_file_of_many_warnings_is_kept_after_it_is_accepted(demo, tmp_path, monkeypatch):
    """A 100,000-row file whose rows repeat one hromada (99,999 duplicate warnings) was read, then refused
    through the app: the last upload, kept for publishing, took 21 MB as records of JSON, more than a session
    setting may (4 MB). Its issues are kept as columns now (one message, the rows as numbers)."""
    import pandas as pd

    from layouts import create_app
    from layouts.pages.published import LAST_UPLOAD
    from loaders import FileReport, ValidationReport, read_assumptions

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    app = create_app(demo, read_assumptions())
    report = ValidationReport("population file f.csv", kind="population", path="f.csv", rows=30_001)
    what = ["unit_again", {"level": "hromada", "code": "UA05020030000031457"}]
    for row in range(3, 30_003):
        report.warn("appears_again", {"what": what, "first": 2}, row=row)
    frame = pd.DataFrame({"code": ["UA05020030000031457"], "level": ["hromada"], "population": [1.0], "row": [2]})
    upload = FileReport.from_report(report, frame)
    state = app.server.extensions["atlas_state"]
    with app.server.test_request_context("/"):
        state.set_value(LAST_UPLOAD, upload)  # raised StorageError: "a session setting of 7.1 MB is too large to keep"
        kept = state.get_value(LAST_UPLOAD)
    assert kept.warnings == upload.warnings and kept.report.issues == report.issues
