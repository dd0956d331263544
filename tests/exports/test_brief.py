"""Printable briefs: each kind, both languages, checked in the PDF itself (pdfinfo, pdftotext, pdffonts, pdftoppm).

A tiny hand-checkable atlas (two oblasts of boxes, five hromadas: the
conftest tables) pins the numbers; the demo atlas checks every kind renders
on a full dataset; ``../shared/realdata`` (skipped when absent) checks a
dataset without staffing figures.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from exports.brief import (
    BriefSource,
    brief_source,
    oblast_codes,
    plan_brief,
    plan_brief_pdf,
    render_pdf,
    resolve_unit,
    unit_brief,
    unit_brief_pdf,
    write_oblast_briefs,
)
from loaders import Dataset, load_dataset, read_assumptions
from loaders.dataset import HROMADA_COLUMNS
from metrics import allocate
from tests.fixtures import H1, H2, H3, H4, H5, O1, O2, R1, R2, R3, REALDATA

NBSP = "\u00a0"
pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdftoppm", "pdffonts")),
    reason="poppler-utils (pdfinfo, pdftotext, pdftoppm, pdffonts) is not installed",
)


# -- reading a PDF back ------------------------------------------------------------------------------------------
def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def _pdf(tmp_path: Path, content: bytes, name: str = "brief.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _pages(path: Path) -> int:
    line = next(x for x in _run("pdfinfo", str(path)).splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def _text(path: Path) -> str:
    """The PDF's text with every run of white space (no-break spaces too) as one space."""
    return " ".join(_run("pdftotext", "-enc", "UTF-8", str(path), "-").replace(NBSP, " ").split())


def _check_pdf(tmp_path: Path, content: bytes, name: str = "brief.pdf") -> str:
    """One A4 page, fonts embedded, page 1 converts to PNG; returns the text."""
    path = _pdf(tmp_path, content, name)
    assert content.startswith(b"%PDF-")
    assert _pages(path) == 1
    info = _run("pdfinfo", str(path))
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = [line.split() for line in _run("pdffonts", str(path)).splitlines()[2:]]
    assert fonts and all("yes" in line[-5:-2] for line in fonts), fonts  # every font embedded
    _run("pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp_path / "page"))
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 2_000
    return _text(path)


# -- a tiny atlas ------------------------------------------------------------------------------------------------
@pytest.fixture
def tiny(units, hromadas) -> BriefSource:
    figures = hromadas
    table = pd.DataFrame({"code": figures["code"]})
    for column in HROMADA_COLUMNS[1:]:
        table[column] = figures[column] if column in figures else np.nan
    for flag in ("population_estimated", "staffing_estimated", "caseload_estimated"):
        table[flag] = False
    table["territorial_status"] = ["none", "none", "hostilities", "none", "occupied"]
    boxes = {
        O1: box(28, 48, 30, 50),
        O2: box(24, 50, 26, 52),
        R1: box(28, 49, 30, 50),
        R2: box(28, 48, 30, 49),
        R3: box(24, 50, 26, 52),
        H1: box(28, 49, 29, 50),
        H2: box(29, 49, 30, 50),
        H3: box(28, 48, 30, 49),
        H4: box(24, 50, 25, 52),
        H5: box(25, 50, 26, 52),
    }
    names = units.set_index("code")
    boundaries = {}
    for level in ("oblast", "raion", "hromada"):
        codes = list(names.index[names["level"] == level])
        boundaries[level] = gpd.GeoDataFrame(
            {
                "code": codes,
                "pcode": names.loc[codes, "pcode"].to_numpy(),
                "level": level,
                "name": names.loc[codes, "name_uk"].to_numpy(),
                "area_km2": 1.0,
                "geometry_full": [boxes[c] for c in codes],
            },
            geometry=[boxes[c] for c in codes],
            crs="EPSG:4326",
        )
    dataset = Dataset(
        title="Крихітний атлас / Tiny atlas",
        units=units,
        boundaries=boundaries,
        hromadas=table,
        approximate_boundaries=True,
        reference_dates={"population": "2022-01-01", "idp": "2025-04-30", "staffing": "2025-07-01"},
        sources={"population": "Держстат, тест", "idp": "МОМ DTM, тест", "staffing": "Мінсоцполітики, тест"},
    )
    return brief_source(dataset, read_assumptions(None), period="2025-Q3")


def test_oblast_brief_numbers_in_each_language(tiny, tmp_path):
    """Vinnytska: 80,000 residents, 15,000 IDPs, 14 community workers, 1.75 per 10,000 (by hand)."""
    uk = _check_pdf(tmp_path, unit_brief_pdf(tiny, "UA05", "uk"), "uk.pdf")
    assert "Вінницька область: кадри соціальної сфери" in uk
    assert "Період: 2025-Q3" in uk
    assert "Населення (на 01.01.2022) 80 000" in uk
    assert "ВПО (на 30.04.2025) 15 000 *" in uk
    assert "1,75" in uk and "1.75" not in uk
    assert "80,000" not in uk
    en = _check_pdf(tmp_path, unit_brief_pdf(tiny, O1, "en"), "en.pdf")
    assert "Vinnytska oblast: social service workforce" in en
    assert "Residents (on 1 Jan 2022) 80,000" in en and "1.75" in en
    # rank among peers: 14 workers per 80,000 (1.75) against Volynska's 2 per 25,000 (0.8)
    assert "Workers per 10,000 residents: rank 2 of 2 oblasts (1 = fewest workers)" in en
    # caveats and sources
    assert "Boundaries are approximate" in en
    assert "IOM oblast estimates (marked *)" in en
    assert "population: Держстат, тест (1 Jan 2022)" in en
    assert "Territorial status" in en and "territory of hostilities: 1" in en and "not listed: 2" in en


def test_hromada_brief_reasons_status_and_roles(tiny, tmp_path):
    """H5 has cases and no worker and is occupied: listed apart, not ranked, with its status and roles."""
    text = _check_pdf(tmp_path, unit_brief_pdf(tiny, H5, "uk"))
    assert "Володимирська міська громада" in text
    assert "Волинська область" in text  # its oblast in the subtitle
    assert "Не ранжується: тимчасово окупована громада" in text
    assert "є справи, але немає жодного соціального працівника" in text
    assert "окуповані громади не враховано" in text  # the default base: present population
    assert "Статус території • тимчасово окупована Посади за ролями" in text  # no status date given: none printed
    assert "Фахівець із соціальної роботи" in text
    content = unit_brief(tiny, H5, "en")
    assert content.kind == "hromada"
    assert any("rank 1 of 2 hromadas of the oblast" in line for s in content.sections for line in s.lines)


def test_ranked_hromada_brief_gives_cases_without_worker(tiny):
    """The same H5, not occupied: ranked, and cases without any worker is among its reasons."""
    hromadas = tiny.dataset.hromadas.assign(territorial_status="none")
    source = brief_source(Dataset(**{**tiny.dataset.__dict__, "hromadas": hromadas}), tiny.assumptions)
    section = next(s for s in unit_brief(source, H5, "uk").sections if s.heading == "Пріоритет для фінансування")
    assert section.lines[0].startswith("Місце 1 з ")
    assert "є справи, але немає жодного соціального працівника" in section.lines[1:]


def test_brief_basis_names_the_population_base(tiny):
    for base, words in (
        ("present", "occupied hromadas are left out"),
        ("residents_plus_idp", "an upper bound"),
        ("pre_war", "residents on 1 Jan 2022 (no IDPs)"),
    ):
        assumptions = dataclasses.replace(tiny.assumptions, population_base=base)
        source = brief_source(tiny.dataset, assumptions)
        assert words in unit_brief(source, O1, "en").text()


def test_country_brief_lists_oblasts(tiny, tmp_path):
    text = _check_pdf(tmp_path, unit_brief_pdf(tiny, "UA", "en"))
    assert text.startswith("Ukraine: social service workforce")
    assert "Residents (on 1 Jan 2022) 105,000" in text  # 80,000 + 25,000
    assert "Fewest workers per 10,000 residents: Volynska oblast (0.80), Vinnytska oblast (1.75)" in text
    assert "Priority oblasts" in text


def test_unknown_figures_print_no_data(tiny):
    """A hromada whose residents and staffing are unknown: 'no data', never 0, and the caveat counts it."""
    hromadas = tiny.dataset.hromadas.copy()
    unknown = ["population", *[c for c in hromadas if c.endswith(("_approved", "_filled"))]]
    hromadas.loc[hromadas["code"] == H4, unknown] = np.nan
    dataset = Dataset(**{**tiny.dataset.__dict__, "hromadas": hromadas})
    source = brief_source(dataset, tiny.assumptions)
    figures = dict(unit_brief(source, H4, "en").figures)
    assert figures["Residents (on 1 Jan 2022)"] == "no data"
    assert figures["Workers per 10,000 residents"] == "no data"
    assert figures["Community social workers (staffing: 1 Jul 2025)"] == "no data"
    oblast = unit_brief(source, O2, "en")
    assert "Partial coverage: staffing known for 1 of 2 hromadas; sums are of those only." in oblast.caveats


def test_status_not_known_without_a_status_input(tiny):
    hromadas = tiny.dataset.hromadas.assign(territorial_status=None)
    dataset = Dataset(**{**tiny.dataset.__dict__, "hromadas": hromadas})
    content = unit_brief(BriefSource(dataset, tiny.assumptions, tiny.data), "UA05", "uk")
    status = next(s for s in content.sections if s.heading == "Статус території")
    assert status.lines[0].startswith("Статус території невідомий: у наборі даних немає таблиці статусів")


def test_unknown_unit_is_a_clear_error(tiny):
    with pytest.raises(ValueError, match=r"--unit 'UA99': no unit with this KATOTTG code or P-code"):
        resolve_unit(tiny, "UA99")
    with pytest.raises(ValueError, match=r"is a raion: briefs are made for Ukraine \(UA\), an oblast or a hromada"):
        resolve_unit(tiny, R1)
    assert resolve_unit(tiny, "ua0502003") == (H2, "hromada")


def test_plan_brief_figures(tiny, tmp_path):
    """The plan's public fields on the page: budget, years, cost in each year, positions, hromadas lifted from zero."""
    assumptions = tiny.assumptions.updated({"funding.years": 3})
    source = BriefSource(tiny.dataset, assumptions, tiny.data)
    hromadas, units = tiny.dataset.hromadas, tiny.dataset.units  # H5 is occupied in the tiny atlas: plan for it too
    plan = allocate(hromadas, units, assumptions, 3_000_000, min_one_worker=True, exclude_statuses=())
    assert plan.positions > 0 and plan.years == 3 and len(plan.cost_by_year) == 3
    options = {"min_one_worker": True, "roles": ["social_worker", "social_work_specialist"], "exclude_statuses": ()}
    en = _check_pdf(tmp_path, plan_brief_pdf(source, plan, "en", options=options), "en.pdf")
    assert "Funding plan: UAH 3,000,000 over 3 years" in en
    assert f"Cost of the plan over the programme, UAH {plan.spent:,.0f}" in en
    assert f"New positions {plan.positions}" in en
    first, second = plan.cost_by_year[:2]
    assert f"1 {first:,.0f} {first:,.0f} 2 {second:,.0f} {first + second:,.0f}" in en  # cost per year, cumulative
    lifted = int(((plan.hromadas["workers_before"] == 0) & (plan.hromadas["workers_after"] > 0)).sum())
    assert lifted == 1  # H5, by the min-one-worker constraint
    assert f"Hromadas that get their first social worker {lifted}" in en
    assert "at least one worker in every hromada without one" in en
    # children in the funded hromadas: the producer's children (estimated from the oblasts' 0-17 shares here)
    funded = plan.hromadas.loc[plan.hromadas["positions"] > 0, "code"]
    base = tiny.data.computed.base
    children = base.loc[base["code"].isin(funded), "children"].sum(min_count=1)
    assert children > 0 and f"Children in those hromadas {children:,.0f}" in en
    assert "Volodymyrska" in en  # the top of the plan table
    uk = _check_pdf(tmp_path, plan_brief_pdf(source, plan, "uk", options=options), "uk.pdf")
    assert "План фінансування: 3 000 000 грн на 3 р." in uk
    assert "Вартість плану за весь строк, грн " + f"{plan.spent:,.0f}".replace(",", " ") in uk


def test_plan_brief_of_nothing_funded(tiny, tmp_path):
    plan = allocate(tiny.dataset.hromadas, tiny.dataset.units, tiny.assumptions, 0)
    text = _check_pdf(tmp_path, render_pdf(plan_brief(tiny, plan, "en")))
    assert "Nothing funded" in text and "the budget is zero: nothing funded" in text


def test_batch_writes_every_oblast_and_stops_when_cancelled(tiny, tmp_path):
    seen = []
    written = write_oblast_briefs(tiny, tmp_path / "out", "en", progress=lambda d, n, c: seen.append((d, n)))
    assert [p.name for p in written] == ["UA05_en.pdf", "UA07_en.pdf"]
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert all(_pages(p) == 1 for p in written)
    calls = iter([False, True])
    stopped = write_oblast_briefs(tiny, tmp_path / "stop", "en", cancelled=lambda: next(calls))
    assert [p.name for p in stopped] == ["UA05_en.pdf"]
    assert sorted(p.name for p in (tmp_path / "stop").iterdir()) == ["UA05_en.pdf"]  # no partial file


# -- the demo atlas ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_source(demo) -> BriefSource:
    return brief_source(demo, read_assumptions(None))


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("unit", ["UA", "UA05", "UA05020030000031457"])
def test_demo_unit_briefs(demo_source, tmp_path, unit, lang):
    text = _check_pdf(tmp_path, unit_brief_pdf(demo_source, unit, lang))
    assert ("Вінницька" if lang == "uk" else "Vinnytska") in text or unit == "UA"
    caveat = "Межі наближені" if lang == "uk" else "Boundaries are approximate"
    synthetic = "Синтетичні дані (демо)" if lang == "uk" else "Synthetic data (demo)"
    assert caveat in text and synthetic in text
    # the sources in the brief's language (the IDP source: "МОМ, Матриця відстеження переміщень (DTM)" / "IOM DTM")
    assert ("Джерела" if lang == "uk" else "Sources") in text
    assert ("Матриця відстеження переміщень" if lang == "uk" else "IOM DTM") in " ".join(text.split())
    population = demo_source.data.country["population"] if unit == "UA" else None
    if population is not None:
        expected = f"{population:,.0f}"
        assert (expected.replace(",", " ") if lang == "uk" else expected) in text


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_demo_plan_brief(demo_source, tmp_path, lang):
    source = demo_source
    plan = allocate(source.dataset.hromadas, source.dataset.units, source.assumptions, 20_000_000, time_limit=20)
    text = _check_pdf(tmp_path, plan_brief_pdf(demo_source, plan, lang))
    budget = "20 000 000 грн" if lang == "uk" else "UAH 20,000,000"
    assert budget in text
    assert ("Вартість за роками" if lang == "uk" else "Cost per year") in text


def test_demo_has_27_oblasts(demo_source):
    assert len(oblast_codes(demo_source)) == 27


# -- real data ---------------------------------------------------------------------------------------------------
def test_real_data_briefs(tmp_path):
    """The real boundaries, population and IDPs: no staffing, so its figures say 'no data' and the roles say why."""
    files = {
        "oblasts": REALDATA / "cod-ab" / "Oblasts.geojson",
        "hromadas": REALDATA / "cod-ab" / "Hromadas.geojson",
        "population": REALDATA / "population" / "ua-pop-2022.csv",
        "idp": REALDATA / "idp" / "idp-estimates-r20_publish.xlsx",
    }
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        pytest.skip(f"real data files absent: {', '.join(missing)}")
    manifest = tmp_path / "real.toml"
    manifest.write_text(
        f"""title = "Real files"
[boundaries]
oblast = "{files["oblasts"]}"
hromada = "{files["hromadas"]}"
[tables]
population = "{files["population"]}"
idp = "{files["idp"]}"
[reference_dates]
population = "2022-01-01"
idp = "2025-04-30"
[sources]
population = "State Statistics Service of Ukraine (KSE Loc Data Hub)"
idp = "IOM DTM round 20"
""",
        encoding="utf-8",
    )
    source = brief_source(load_dataset(manifest), read_assumptions(None))
    uk = _check_pdf(tmp_path, unit_brief_pdf(source, "UA", "uk"), "ua.pdf")
    assert "Населення (на 01.01.2022) 41 167 335" in uk
    en = _check_pdf(tmp_path, unit_brief_pdf(source, "UA46", "en"), "lviv.pdf")
    assert "Lvivska oblast" in en
    assert "The dataset has no staffing figures for this territory." in en
    assert "Boundaries are approximate" not in en


@pytest.mark.parametrize(
    ("objective", "measure"), [("coverage", "norm"), ("equity", "norm"), ("equity", "wisn"), ("lifted", "norm")]
)
def test_every_objective_has_its_words(tiny, objective, measure):
    """Each objective and equity measure of the allocator is named in both languages, from the catalogue."""
    hromadas, units = tiny.dataset.hromadas, tiny.dataset.units
    plan = allocate(hromadas, units, tiny.assumptions, 1_000_000, objective, equity_measure=measure)
    for lang in ("uk", "en"):
        terms = plan_brief(tiny, plan, lang).sections[0].lines[0]
        assert terms.startswith(("Мета: ", "Objective: ")) and len(terms) > len("Objective: ") + 5
