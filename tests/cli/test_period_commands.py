"""``--period P`` of export, allocate and brief reads the data published for P from the store."""

from __future__ import annotations

import io
import json
import subprocess

import openpyxl
import pandas as pd
import pytest

import app
from core.text import label
from store import Store
from tests.store.store_helpers import staffing_csv, write_manifest


@pytest.fixture
def published(tmp_path, units, monkeypatch):
    """2025-Q2 (11 workers: Vinnytska 9, Volynska 2) and 2025-Q3 (45: 27 and 18) in a store in a SQLite file."""
    url = f"sqlite:///{tmp_path / 'atlas.sqlite3'}"
    monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    monkeypatch.delenv("ATLAS_DATA", raising=False)
    store = Store(url, auto_migrate=True)
    store.publish(store.prepare_manifest(write_manifest(tmp_path / "q2", units=units), period="2025-Q2"), by="olena")
    later = write_manifest(tmp_path / "q3", staffing=staffing_csv((9, 9, 9, 9, 9)), units=units)
    store.publish(store.prepare_manifest(later, period="2025-Q3", kinds=["staffing"]), by="olena")
    store.close()
    return url


def test_export_reads_the_period_and_names_it(published, tmp_path):
    out = tmp_path / "q2.csv"
    assert app.main(["export", "--out", str(out), "--period", "2025Q2", "--level", "oblast", "--lang", "en"]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table.columns[0] == "Period" and set(table["Period"]) == {"2025-Q2"}
    workbook = tmp_path / "q3.xlsx"
    assert app.main(["export", "--out", str(workbook), "--period", "2025-Q3", "--lang", "en"]) == 0
    cover = openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()), read_only=True).worksheets[0]
    rows = [tuple(c for c in row if c is not None) for row in cover.iter_rows(values_only=True)]
    assert ("Period", "2025-Q3") in [row[:2] for row in rows]


def test_export_figures_are_those_of_the_period(published, tmp_path):
    figures = {}
    for period in ("2025-Q2", "2025-Q3"):
        out = tmp_path / f"{period}.csv"
        assert app.main(["export", "--out", str(out), "--period", period, "--level", "oblast", "--lang", "en"]) == 0
        table = pd.read_csv(out, encoding="utf-8-sig")
        figures[period] = table[label("workers", "en")].dropna().astype(int).tolist()
    assert sorted(figures["2025-Q2"]) == [2, 9, 11] and sorted(figures["2025-Q3"]) == [18, 27, 45]


def test_allocate_plans_on_the_period(published, capsys):
    assert app.main(["allocate", "--budget", "1000000", "--period", "2025-Q2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2025-Q2"


def test_brief_of_a_published_period(published, tmp_path):
    out = tmp_path / "ua.pdf"
    assert app.main(["brief", "--unit", "UA", "--out", str(out), "--period", "2025-Q2", "--lang", "en"]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Period: 2025-Q2" in text
    assert " 11\n" in text or " 11 " in text  # the workers of 2025-Q2, not the 45 of 2025-Q3


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--out", "x.csv"],
        ["allocate", "--budget", "1000"],
        ["brief", "--unit", "UA", "--out", "x.pdf"],
    ],
)
def test_an_unknown_period_names_the_published_ones(published, tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    assert app.main([*command, "--period", "2024-Q1"]) == 2
    err = capsys.readouterr().err
    assert "2024-Q1: nothing is published for that period" in err
    assert "published periods: 2025-Q2, 2025-Q3" in err
    assert not (tmp_path / command[2]).exists() if command[1] == "--out" else True
    assert app.main([*command, "--period", "spring"]) == 2
    assert "neither a quarter" in capsys.readouterr().err


def test_an_unreachable_store_is_named_without_its_password(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ATLAS_DATABASE_URL", "postgresql+psycopg://atlas:s3cret@127.0.0.1:1/atlas")
    assert app.main(["export", "--out", str(tmp_path / "x.csv"), "--period", "2025-Q2"]) == 3
    err = capsys.readouterr().err
    assert "127.0.0.1:1" in err and "s3cret" not in err
