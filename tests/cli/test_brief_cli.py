"""The ``brief`` command: a unit, a plan and a batch from the command line, and its argument errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

import app
from tests.fixtures import H1, H2, H3, H4, H5, O1, O2, ROOT

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext")), reason="poppler-utils is not installed"
)


def _text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True, timeout=60).stdout
    return " ".join(out.replace("\u00a0", " ").split())


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True, timeout=60).stdout
    return int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])


@pytest.fixture
def manifest(tmp_path, units):
    """A tiny dataset on disk: two oblasts of boxes, five hromadas with residents and staff."""
    units.to_csv(tmp_path / "units.csv", index=False)
    oblasts = gpd.GeoDataFrame({"code": [O1, O2]}, geometry=[box(28, 48, 30, 50), box(24, 50, 26, 52)], crs=4326)
    oblasts.to_file(tmp_path / "oblasts.geojson")
    boxes = [box(28, 49, 29, 50), box(29, 49, 30, 50), box(28, 48, 30, 49), box(24, 50, 25, 52), box(25, 50, 26, 52)]
    gpd.GeoDataFrame({"code": [H1, H2, H3, H4, H5]}, geometry=boxes, crs=4326).to_file(tmp_path / "hromadas.geojson")
    codes = [H1, H2, H3, H4, H5]
    pd.DataFrame({"code": codes, "population": [10_000, 40_000, 30_000, 20_000, 5_000]}).to_csv(
        tmp_path / "population.csv", index=False
    )
    staff = {  # approved, filled of social work specialists, social workers, psychologists
        H1: ((2, 1), (1, 1), (0, 0)),
        H2: ((6, 5), (3, 3), (2, 1)),
        H3: ((3, 3), (1, 1), (1, 1)),
        H4: ((2, 2), (1, 0), (0, 0)),
        H5: ((1, 0), (0, 0), (0, 0)),
    }
    roles = ("Фахівець із соціальної роботи", "Соціальний працівник", "Психолог")
    rows = [(code, role, a, f) for code, posts in staff.items() for role, (a, f) in zip(roles, posts)]
    pd.DataFrame(rows, columns=["Код КАТОТТГ", "Посада", "Затверджено штатних одиниць", "Фактично зайнято"]).to_csv(
        tmp_path / "staffing.csv", index=False
    )
    path = tmp_path / "manifest.toml"
    path.write_text(
        """title = "Tiny atlas"
units = "units.csv"
[boundaries]
oblast = "oblasts.geojson"
hromada = "hromadas.geojson"
[tables]
population = "population.csv"
staffing = "staffing.csv"
[reference_dates]
population = "2022-01-01"
staffing = "2025-07-01"
""",
        encoding="utf-8",
    )
    return path


def test_unit_brief_in_english(manifest, tmp_path, capsys):
    out = tmp_path / "vinnytska.pdf"
    status = app.main(["brief", "--unit", "UA05", "--out", str(out), "--lang", "en", "--data", str(manifest)])
    assert status == 0
    assert capsys.readouterr().out.strip() == f"Wrote {out}"
    text = _text(out)
    assert _pages(out) == 1
    assert "Vinnytska oblast: social service workforce" in text
    assert "Residents (on 1 Jan 2022) 80,000" in text and "Workers per 10,000 residents 1.75" in text


def test_hromada_brief_with_a_period_in_ukrainian(manifest, tmp_path):
    out = tmp_path / "h.pdf"
    args = ["brief", "--unit", H2, "--out", str(out), "--data", str(manifest), "--period", "2025-Q3"]
    assert app.main(args) == 0
    text = _text(out)
    assert "Вінницька міська громада: кадри соціальної сфери" in text and "Період: 2025-Q3" in text
    assert "Населення (на 01.01.2022) 40 000" in text


def test_plan_brief_with_allocate_options(manifest, tmp_path):
    out = tmp_path / "plan.pdf"
    args = ["brief", "--plan", "--budget", "2000000", "--years", "2", "--min-one-worker", "--out", str(out)]
    assert app.main([*args, "--data", str(manifest), "--lang", "en", "--oblast-cap", "UA07=500000"]) == 0
    text = _text(out)
    assert "Funding plan: UAH 2,000,000 over 2 years" in text
    assert "at least one worker in every hromada without one" in text
    assert "Volynska oblast: at most UAH 500,000" in text
    assert "Hromadas that get their first social worker 1" in text  # Volodymyrska (H5)


def test_batch_of_oblasts_shows_a_progress_bar(manifest, tmp_path):
    """A child process, as a user runs it: one PDF per oblast and a progress bar on stderr."""
    out_dir = tmp_path / "briefs"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "brief", "--all-oblasts", "--out-dir", str(out_dir)]
        + ["--data", str(manifest), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["UA05_en.pdf", "UA07_en.pdf"]
    assert "2/2" in done.stderr and "100%" in done.stderr  # tqdm's bar
    assert "Volynska oblast" in _text(out_dir / "UA07_en.pdf")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "UA05", "--out", "x.xlsx"], "--out must name a .pdf file, got x.xlsx"),
        (["--unit", "UA05"], r"--out FILE.pdf is required"),
        (["--all-oblasts"], "--all-oblasts needs --out-dir DIR"),
        (["--plan", "--out", "p.pdf"], "--plan needs --budget UAH"),
        (["--plan", "--budget", "1", "--years", "0", "--out", "p.pdf"], "funding.years"),
    ],
)
def test_argument_errors_exit_2_with_the_reason(args, message, capsys):
    assert app.main(["brief", *args]) == 2
    assert message in capsys.readouterr().err


def test_unknown_unit_exits_2(manifest, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert app.main(["brief", "--unit", "UA99", "--out", str(out), "--data", str(manifest)]) == 2
    assert "--unit 'UA99': no unit with this KATOTTG code or P-code" in capsys.readouterr().err
    assert not out.exists()
