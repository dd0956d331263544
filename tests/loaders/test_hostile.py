"""The hostile-file corpus (``benchmarks/hostile_corpus.py``, ``ci`` scale) through the upload path.

Every file gets a clear message within its time limit, the child that reads
it stays under its memory limit, the worker's own memory does not grow with
the files, and data already loaded is kept. Limits are small here
(``ATLAS_MAX_PARSE_SECONDS`` 8, ``ATLAS_MAX_PARSE_MB`` 250) so the run stays fast.
"""

from __future__ import annotations

import base64
import re
import resource
import sys
import time

import pytest

from tests.fixtures import ROOT, upload_request

sys.path.insert(0, str(ROOT / "benchmarks"))
import hostile_corpus  # noqa: E402

from layouts.pages.data import process_upload  # noqa: E402
from loaders.sandbox import last_run  # noqa: E402

SECONDS, MEGABYTES = 8, 250


@pytest.fixture(autouse=True)
def small_limits(monkeypatch):
    monkeypatch.setenv("ATLAS_MAX_PARSE_SECONDS", str(SECONDS))
    monkeypatch.setenv("ATLAS_MAX_PARSE_MB", str(MEGABYTES))
    monkeypatch.setenv("ATLAS_MAX_SUGGESTIONS", "10")
    monkeypatch.setenv("ATLAS_MAX_SHARED_STRINGS_MB", "8")


@pytest.fixture(scope="module")
def corpus():
    return hostile_corpus.corpus("ci")


def _url(content: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(content).decode()


def _upload(demo, name: str, content: bytes, kind: str):
    started = time.monotonic()
    report, dataset = process_upload(demo, _url(content), name, kind, None, 64 * 2**20, "en")
    return report, dataset, time.monotonic() - started


def test_every_hostile_file_gets_a_clear_message_within_its_limit(demo, corpus):
    process_upload(
        demo, _url(b"code;population\n"), "warm.csv", "population", None, 2**20, "en"
    )  # start the forkserver
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    answers = {}
    for name, content, kind, expected in corpus:
        report, dataset, seconds = _upload(demo, name, content, kind)
        text = " ".join(i.message for i in (*report.errors, *report.warnings))
        answers[name] = (dataset is None, bool(re.search(expected, text)), seconds, text[:100])
        assert dataset is None, name
        assert report.errors and re.search(expected, text), (name, text)
        assert seconds < SECONDS + 5, (name, seconds)
        assert last_run().get("peak_bytes", 0) < (MEGABYTES + 400) * 2**20, name
        assert "/tmp" not in text and "atlas-upload-" not in text, text  # no server paths
        assert name in report.path
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    assert grown < 150 * 2**20, f"the worker grew by {grown / 2**20:.0f} MB"


def test_a_parser_that_does_not_stop_is_killed_at_the_deadline(demo, monkeypatch):
    """Take away the cheap checks (no suggestion cap): the hard limit alone stops the file."""
    monkeypatch.setenv("ATLAS_MAX_SUGGESTIONS", "1000000")
    monkeypatch.setenv("ATLAS_MAX_PARSE_SECONDS", "2")
    report, dataset, seconds = _upload(demo, "names.csv", hostile_corpus.csv_unknown_names(2000), "population")
    assert dataset is None
    assert "took longer than 2 s" in report.errors[0].message
    assert seconds < 6


def test_a_parser_that_needs_too_much_memory_is_stopped(demo, monkeypatch):
    monkeypatch.setenv("ATLAS_MAX_PARSE_MB", "40")
    monkeypatch.setenv("ATLAS_MAX_PARSE_SECONDS", "30")
    report, dataset, _ = _upload(demo, "cells.csv", hostile_corpus.csv_many_cells(100_000), "population")
    assert dataset is None
    assert re.search(r"more than 40 MB of memory", report.errors[0].message), report.errors
    assert last_run()["peak_bytes"] < 500 * 2**20


def test_a_good_file_still_reads_in_the_child(demo):
    text = "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    text += "UA05020030000031457;Фахівець із соціальної роботи;40;35\n"
    report, dataset, _ = _upload(demo, "staff.csv", text.encode(), "staffing")
    assert report.ok, report.summary()
    assert dataset.hromadas.set_index("code").loc["UA05020030000031457", "social_work_specialist_filled"] == 35


def test_a_good_geopackage_is_read(demo, tmp_path):
    """A GeoPackage as GDAL writes it (R*Tree and feature-count triggers) passes the schema check."""
    from loaders.safety import check_geopackage

    path = hostile_corpus._geopackage(tmp_path)
    check_geopackage(path)
    report, dataset, _ = _upload(demo, "good.gpkg", path.read_bytes(), "boundaries")
    assert report.ok, report.summary()
    assert "UA05020030000031457" in set(dataset.boundaries["hromada"]["code"])


def _callback(client, contents: str, filename: str, kind: str):
    payload = upload_request(contents, filename, kind, "..data-report.children...data-in-use.children..")
    return client.post("/_dash-update-component", json=payload)


def test_data_already_loaded_is_kept(demo, corpus, tmp_path, monkeypatch):
    from layouts import create_app
    from loaders import read_assumptions

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    app = create_app(demo, read_assumptions())
    state = app.server.extensions["atlas_state"]
    client = app.server.test_client()
    good = "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    good += "UA05020030000031457;Фахівець із соціальної роботи;40;35\n"
    response = _callback(client, _url(good.encode()), "staff.csv", "staffing")
    assert "File accepted" in response.get_data(as_text=True)
    cookie = client.get_cookie("session").value

    def session_dataset():
        with app.server.test_request_context(headers={"Cookie": f"session={cookie}"}):
            return state.dataset_key(), state.dataset()

    key, dataset = session_dataset()
    for name, content, kind, _ in corpus[:6]:
        response = _callback(client, _url(content), name, kind)
        assert response.status_code == 200
        assert "File not accepted" in response.get_data(as_text=True)
    after_key, after = session_dataset()
    assert after_key == key
    assert after.hromadas.set_index("code").loc["UA05020030000031457", "social_work_specialist_filled"] == 35


# -- .xlsx: the parts openpyxl parses whole, before any sheet is read ------------------------------------------------
_SHARED = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">'
    "<si><t>Вінницька</t></si>"
    '<si><t xml:space="preserve">  spaced  </t></si>'
    "<si><r><rPr><b/></rPr><t>Жмерин</t></r><r><t>ська</t></r></si>"
    '<si><t>Код</t><rPh sb="0" eb="1"><t>phonetic</t></rPh></si>'
    "<si><t>_x005F_x000D_ kept</t></si>"
    "<si/>"
    "</sst>"
)


def test_shared_texts_are_read_as_openpyxl_reads_them():
    """The bounded reader gives openpyxl's own texts: runs joined, phonetic runs left out, escapes undone."""
    import io

    from openpyxl.reader.strings import read_string_table

    from loaders.safety import ParseClock, read_shared_strings

    ours = read_shared_strings(io.BytesIO(_SHARED.encode()), ParseClock("t.xlsx"))
    assert ours == read_string_table(io.BytesIO(_SHARED.encode()))
    assert ours[:3] == ["Вінницька", "  spaced  ", "Жмеринська"]


@pytest.fixture
def no_object_model(monkeypatch):
    """openpyxl's shared-text reader (an object per text: 12 MB of texts took 23-32 s) must not be used."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl's read_string_table read the shared texts")

    monkeypatch.setattr("openpyxl.reader.excel.read_string_table", refuse)


def test_many_short_shared_texts_are_refused_by_their_count(tmp_path, monkeypatch, no_object_model):
    """The slow fuzzing case: short texts under the size cap. Refused at the count, not after minutes."""
    from loaders.tables import read_sheets

    monkeypatch.setenv("ATLAS_MAX_SHARED_STRINGS", "10000")
    path = tmp_path / "strings.xlsx"
    path.write_bytes(hostile_corpus.xlsx_huge_shared_strings(1))  # about 26,000 texts in 1 MB
    with pytest.raises(ValueError, match=r"more than 10,000 distinct texts"):
        read_sheets(path)
    monkeypatch.setenv("ATLAS_MAX_SHARED_STRINGS", "100000")
    sheets = read_sheets(path)  # under the count: read, with the bounded reader
    assert sheets[0].rows[1] == [hostile_corpus.HROMADA, 1]


def test_opening_a_workbook_is_on_the_parse_clock(tmp_path, monkeypatch, no_object_model):
    from loaders.tables import read_sheets

    monkeypatch.setenv("ATLAS_MAX_PARSE_SECONDS", "0")
    path = tmp_path / "strings.xlsx"
    path.write_bytes(hostile_corpus.xlsx_huge_shared_strings(1))
    with pytest.raises(ValueError, match=r"reading took longer than 0 s"):
        read_sheets(path)


def test_bloated_styles_are_refused_before_openpyxl(tmp_path, monkeypatch):
    from openpyxl.styles import stylesheet

    from loaders.tables import read_sheets

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl parsed the styles")

    monkeypatch.setattr(stylesheet, "apply_stylesheet", refuse)
    monkeypatch.setattr("openpyxl.reader.excel.apply_stylesheet", refuse)
    path = tmp_path / "styles.xlsx"
    path.write_bytes(hostile_corpus.xlsx_bloated_styles(20_000))  # 2.5 MB of cell formats: 4-5 s in openpyxl
    with pytest.raises(ValueError, match=r"workbook part 'xl/styles.xml' is \d+\.\d MB, more than 2 MB"):
        read_sheets(path)
