"""Property-based fuzzing of every loader and of the upload path.

The only allowed outcomes for any input are a usable file or a validation
report with error messages; any other exception fails the test. The number
of examples per test is ``ATLAS_FUZZ_EXAMPLES`` (default 400: a few thousand
in all); set it higher for a longer run.
"""

from __future__ import annotations

import base64
import io
import math
import os
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from layouts.pages.data import process_upload
from loaders import FileReport, default_units, validate_file

EXAMPLES = int(os.environ.get("ATLAS_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    derandomize=True,
)
KINDS = ("population", "idp", "staffing", "caseload")
SUFFIXES = (".xlsx", ".xls", ".ods", ".csv", ".txt", ".geojson", ".zip", ".gpkg", "")
UNITS = default_units()
CODES = ["UA05020010000053508", "UA0502003", "UA80000000000093317", "UA74", "UA9999999", "Вінницька", "Kyiv"]


def _check(report: FileReport) -> None:
    assert isinstance(report, FileReport)
    assert report.ok or report.errors
    for issue in (*report.errors, *report.warnings):
        assert isinstance(issue.message, str) and issue.message


def _validate(tmp_path: Path, content: bytes, suffix: str, kind: str) -> FileReport:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(content)
    return validate_file(path, kind, UNITS)


def _workbook(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD_XLSX = _workbook(
    [
        ["Код КАТОТТГ", "Посада", "Затверджено штатних одиниць", "Фактично зайнято"],
        ["UA05020010000053508", "Психолог", 2, 1],
        ["UA0502003", "Соціальний працівник", 3, 3],
    ]
)

cell = st.one_of(
    st.none(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=40),
    st.sampled_from(
        [
            "=1+1",
            '=HYPERLINK("http://x")',
            "+SUM(A1)",
            "-3",
            "@cmd",
            "\t=x",
            "н/д",
            "12 345,6",
            "50 %",
            "<script>alert(1)</script>",
            "\u202e\u0000\ufeff",
            "ʼ’`'",
            *CODES,
        ]
    ),
)


@FUZZ
@given(content=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES), kind=st.sampled_from(KINDS))
def test_random_bytes(tmp_path, content, suffix, kind):
    _check(_validate(tmp_path, content, suffix, kind))


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=len(GOOD_XLSX)),
    flips=st.lists(st.tuples(st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1), st.integers(0, 255)), max_size=8),
)
def test_truncated_and_corrupted_workbooks(tmp_path, cut, flips):
    content = bytearray(GOOD_XLSX[:cut] if cut < len(GOOD_XLSX) and not flips else GOOD_XLSX)
    for position, value in flips:
        if position < len(content):
            content[position] = value
    _check(_validate(tmp_path, bytes(content), ".xlsx", "staffing"))


@FUZZ
@given(
    header=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "Код КАТОТТГ",
                    "Населення",
                    "Посада",
                    "Фактично зайнято",
                    "Затверджено",
                    "ВПО",
                    "Сім'ї у СЖО",
                    "#adm1+code",
                ]
            ),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=6,
    ),
    rows=st.lists(st.lists(cell, max_size=6), max_size=12),
    kind=st.sampled_from(KINDS),
)
def test_random_cells(tmp_path, header, rows, kind):
    clean = [[ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row] for row in [header, *rows]]
    clean = [[v if not (isinstance(v, int) and abs(v) > 2**53) else float(v) for v in row] for row in clean]
    clean = [[None if isinstance(v, float) and (math.isnan(v) or math.isinf(v)) else v for v in row] for row in clean]
    _check(_validate(tmp_path, _workbook(clean), ".xlsx", kind))


@FUZZ
@given(
    text=st.text(max_size=2000),
    kind=st.sampled_from(KINDS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]),
)
def test_random_csv_text(tmp_path, text, kind, encoding):
    _check(_validate(tmp_path, text.encode(encoding, errors="replace"), ".csv", kind))


@FUZZ
@given(
    members=st.lists(
        st.tuples(
            st.sampled_from(
                ["[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin", "mimetype", "a.shp", "x.txt"]
            ),
            st.binary(max_size=200),
        ),
        max_size=5,
    ),
    suffix=st.sampled_from((".xlsx", ".zip", ".ods")),
)
def test_crafted_zip_containers(tmp_path, members, suffix):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    kind = "boundaries" if suffix == ".zip" else "population"
    _check(_validate(tmp_path, buffer.getvalue(), suffix, kind))


@settings(FUZZ, max_examples=max(50, EXAMPLES // 4))
@given(content=st.binary(max_size=2000), name=st.text(max_size=30), kind=st.sampled_from((*KINDS, "boundaries")))
def test_upload_path(demo, content, name, kind):
    url = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
    report, dataset = process_upload(demo, url, name, kind, None, 10**6)
    _check(report)
    assert (dataset is None) != report.ok or dataset is not None


def test_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 2**20))
    report = validate_file(path, "population", UNITS)
    assert not report.ok
    assert "unpack to" in report.errors[0].message or "suspiciously" in report.errors[0].message


def test_macro_enabled_workbook_is_refused(tmp_path):
    content = io.BytesIO(GOOD_XLSX)
    out = io.BytesIO()
    with zipfile.ZipFile(content) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\0" * 100)
    report = _validate(tmp_path, out.getvalue(), ".xlsx", "staffing")
    assert not report.ok and "macro-enabled" in report.errors[0].message


def test_file_recognised_by_content_not_extension(tmp_path):
    report = _validate(tmp_path, "Код КАТОТТГ;Населення\nUA0502001;100\n".encode(), ".xlsx", "population")
    assert report.ok, report.summary()
    report = _validate(tmp_path, GOOD_XLSX, ".csv", "staffing")
    assert report.ok, report.summary()


def test_row_and_column_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_MAX_ROWS", "5")
    text = "Код КАТОТТГ;Населення\n" + "UA0502001;1\n" * 10
    report = _validate(tmp_path, text.encode(), ".csv", "population")
    assert not report.ok and "more than 5 rows" in report.errors[0].message
    monkeypatch.setenv("ATLAS_MAX_COLUMNS", "3")
    report = _validate(tmp_path, _workbook([["a"] * 10]), ".xlsx", "population")
    assert not report.ok and "columns" in report.errors[0].message
