"""``python app.py export`` (export_cli): files written whole, a summary printed, clear errors."""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from cli import export as export_cli
from exports import write_atomic
from loaders import DEMO_MANIFEST
from tests.fixtures import H1, H2, H3, H4, H5, REALDATA

ROLE_NAMES = {
    "social_work_specialist": "Фахівець із соціальної роботи",
    "social_worker": "Соціальний працівник",
    "psychologist": "Психолог",
}


@pytest.fixture
def manifest(tmp_path, units, hromadas) -> Path:
    """A tiny dataset on disk: the five hromadas of conftest as the CSV files planners send."""
    units.to_csv(tmp_path / "units.csv", index=False)
    h = hromadas.set_index("code")
    pd.DataFrame({"Код КАТОТТГ": h.index, "Чисельність населення": h["population"].astype(int)}).to_csv(
        tmp_path / "population.csv", index=False
    )
    known = h["idp"].notna()
    pd.DataFrame({"Код КАТОТТГ": h.index[known], "Кількість ВПО": h.loc[known, "idp"].astype(int)}).to_csv(
        tmp_path / "idp.csv", index=False
    )
    rows = [
        (code, label, h.loc[code, f"{role}_approved"], h.loc[code, f"{role}_filled"])
        for code in h.index
        for role, label in ROLE_NAMES.items()
    ]
    pd.DataFrame(rows, columns=["Код КАТОТТГ", "Посада", "Затверджено штатних одиниць", "Фактично зайнято"]).to_csv(
        tmp_path / "staffing.csv", index=False
    )
    pd.DataFrame(
        {
            "Код КАТОТТГ": h.index,
            "Сім'ї у СЖО": h["families_sjo"],
            "Малозабезпечені сім'ї з дітьми": h["low_income_families"],
        }
    ).to_csv(tmp_path / "caseload.csv", index=False)
    path = tmp_path / "manifest.toml"
    path.write_text(
        'title = "Five hromadas"\nunits = "units.csv"\n\n[tables]\npopulation = "population.csv"\n'
        'idp = "idp.csv"\nstaffing = "staffing.csv"\ncaseload = "caseload.csv"\n\n'
        '[reference_dates]\npopulation = "2022-01-01"\n',
        encoding="utf-8",
    )
    return path


def _run(argv: list[str]) -> int:
    return export_cli.main(argv)


def test_export_writes_the_workbook_and_prints_where_and_a_summary(manifest, tmp_path, capsys):
    out = tmp_path / "out" / "atlas.xlsx"
    out.parent.mkdir()
    assert _run(["--out", str(out), "--data", str(manifest)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"Wrote {out.resolve()} (6 sheets, {out.stat().st_size:,} bytes)"
    assert printed[1].startswith("5 hromadas; Ukraine: 16 community social workers for 105,000 residents")
    wb = load_workbook(out)
    assert wb.sheetnames[2] == "Громади"
    codes = {wb["Громади"].cell(row=r, column=1).value for r in range(2, 7)}
    assert codes == {H1, H2, H3, H4, H5}
    assert sorted(os.listdir(out.parent)) == ["atlas.xlsx"]  # no temporary file left behind


def test_export_csv_one_table_in_english_at_raion_level(manifest, tmp_path, capsys):
    out = tmp_path / "raions.csv"
    assert _run(["--out", str(out), "--data", str(manifest), "--level", "raion", "--lang", "en"]) == 0
    assert "one table: Raions, 3 rows" in capsys.readouterr().out
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert list(frame.columns[:3]) == ["KATOTTG code", "P-code (COD-AB)", "Name (uk)"]
    assert frame["Residents"].sum() == 105_000


def test_export_with_a_budget_adds_the_funding_plan(manifest, tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    assert _run(["--out", str(out), "--data", str(manifest), "--budget", "1000000", "--lang", "en"]) == 0
    assert "Funding plan" in load_workbook(out).sheetnames
    assert "funding plan:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "{tmp}/atlas.txt"], "--out must end in .xlsx or .csv, got"),
        (["--out", "{tmp}/missing/atlas.xlsx"], "--out: folder does not exist"),
        (["--out", "{tmp}/atlas.xlsx", "--data", "{tmp}/nope.toml"], "dataset manifest not found"),
        (["--out", "{tmp}/atlas.xlsx", "--assumptions", "{tmp}/bad.toml"], "bad.toml: wisn.support_share must be"),
        (["--out", "{tmp}/atlas.xlsx", "--budget", "-5"], "budget must be a number of UAH >= 0"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(manifest, tmp_path, capsys, argv, message):
    (tmp_path / "bad.toml").write_text("[wisn]\nsupport_share = 1.0\n", encoding="utf-8")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if "--data" not in argv:
        argv += ["--data", str(manifest)]
    before = set(os.listdir(tmp_path))
    assert _run(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert set(os.listdir(tmp_path)) == before


def test_a_failed_export_leaves_the_old_file_and_no_partial_one(manifest, tmp_path, monkeypatch, capsys):
    out = tmp_path / "atlas.xlsx"
    out.write_bytes(b"the previous export")

    def broken(self):
        raise OSError("disk full")

    monkeypatch.setattr("exports.report.Export.xlsx", broken)
    assert _run(["--out", str(out), "--data", str(manifest)]) == 2
    assert "disk full" in capsys.readouterr().err
    assert out.read_bytes() == b"the previous export"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_write_atomic_removes_its_temporary_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "x.xlsx"

    def fail(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="no space left"):
        write_atomic(target, b"data")
    assert os.listdir(tmp_path) == []
    with pytest.raises(FileNotFoundError, match="output folder does not exist"):
        write_atomic(tmp_path / "nope" / "x.xlsx", b"data")


def test_add_export_parser_wires_into_an_app_parser(manifest, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="app.py")
    commands = parser.add_subparsers(dest="command")
    export_cli.add_parser(commands)
    out = tmp_path / "a.xlsx"
    args = parser.parse_args(["export", "--out", str(out), "--data", str(manifest), "--lang", "en"])
    assert args.func is export_cli.run_export and args.level == "hromada"
    assert args.func(args) == 0
    assert load_workbook(io.BytesIO(out.read_bytes())).sheetnames[1] == "Ukraine and oblasts"
    with pytest.raises(SystemExit):
        parser.parse_args(["export", "--out", str(out), "--level", "settlement"])


@pytest.mark.skipif(not (REALDATA / "population" / "ua-pop-2022.csv").exists(), reason="../shared/realdata is absent")
def test_export_of_the_real_population_table_keeps_the_national_total(tmp_path, capsys):
    """The State Statistics table, read in place (never copied): 41,167,335 residents on 1 Jan 2022."""
    demo = DEMO_MANIFEST.parent
    manifest = tmp_path / "real.toml"
    manifest.write_text(
        f"title = 'real population'\n[tables]\npopulation = {str(REALDATA / 'population' / 'ua-pop-2022.csv')!r}\n"
        f"idp = {str(demo / 'idp.xlsx')!r}\nstaffing = {str(demo / 'staffing.xlsx')!r}\n",
        encoding="utf-8",
    )
    out = tmp_path / "real.xlsx"
    assert _run(["--out", str(out), "--data", str(manifest), "--lang", "en"]) == 0
    assert "41,167,335 residents" in capsys.readouterr().out
    wb = load_workbook(out, read_only=True)
    summary = wb["Ukraine and oblasts"]
    header = [c.value for c in next(summary.iter_rows(max_row=1))]
    ukraine = [c.value for c in next(summary.iter_rows(min_row=2, max_row=2))]
    assert ukraine[0] == "UA" and ukraine[header.index("Residents")] == 41_167_335
    hromadas = wb["Hromadas"]
    assert hromadas.max_row - 1 >= 1_469


def test_a_scenario_file_changes_the_inputs_and_assumptions_and_is_named_on_the_cover(manifest, tmp_path, capsys):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        'name = "Vinnytsia IDPs +20 %"\n[assumptions.norm]\nidp_weight = 0.5\n\n'
        '[[idp_changes]]\narea = "UA05000000000010236"\npercent = 20\n\n'
        f'[[position_changes]]\ncode = "{H5}"\nrole = "social_worker"\nfilled = 1\n',
        encoding="utf-8",
    )
    out = tmp_path / "s.xlsx"
    assert _run(["--out", str(out), "--data", str(manifest), "--scenario", str(scenario), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    # IDPs of Vinnytsia oblast (10,000 + 5,000) x 1.2 + 5,000 in Volyn = 23,000; one more social worker
    assert "17 community social workers for 105,000 residents and 23,000 IDPs" in printed
    assert printed.rstrip().endswith("scenario: Vinnytsia IDPs +20 %")
    wb = load_workbook(out)
    cover = {row[0].value: row[1].value for row in wb["Notes"].iter_rows() if row[0].value}
    assert cover["Scenario"] == "Vinnytsia IDPs +20 %"
    weights = {r[0].value: r[1].value for r in wb["Assumptions"].iter_rows(min_row=2)}
    assert weights["norm.idp_weight"] == 0.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[idp_changes]]\narea = "UA99"\npercent = 5\n', "idp change 1 (UA99): no hromada in this area"),
        ("[assumptions.wisn]\nsupport_share = 2\n", "[assumptions]: wisn.support_share must be"),
        ("budget = 5\n", "unknown key(s) budget"),
        ('[[position_changes]]\ncode = "x"\nrole = "nurse"\nfilled = 1\n', "role must be one of"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_a_bad_scenario_file_is_named_with_its_problem(manifest, tmp_path, capsys, text, message):
    scenario = tmp_path / "bad.toml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "s.xlsx"
    assert _run(["--out", str(out), "--data", str(manifest), "--scenario", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "scenario file bad.toml" in err and message in err
    assert not out.exists()
