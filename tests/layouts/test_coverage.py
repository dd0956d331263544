"""Every aggregate knows its coverage (issue 12): a figure from part of its hromadas says so on the cards,
in the map hover and in the tables; counts such as "hromadas without a social worker" count reporting units
only; a dataset with no staffing table shows "no data", never 0."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.text import coverage_note
from layouts.components import figure_cards
from layouts.figures import hover_text
from layouts.views import coverage_notes, key_figure_notes, key_figures, prepare, shown_table
from loaders import Dataset
from metrics import Assumptions
from tests.fixtures import H1, H2, O1, O2

ROLE_COLUMNS = [
    f"{r}_{w}" for r in ("social_work_specialist", "social_worker", "psychologist") for w in ("approved", "filled")
]
NBSP = "\u00a0"


def test_the_wording_in_both_languages():
    assert coverage_note(57, 1470, "uk") == f"часткові дані: 57 з 1{NBSP}470 громад"
    assert coverage_note(57, 1470, "en") == "partial: 57 of 1,470 hromadas"
    assert coverage_note(1, 21, "uk") == "часткові дані: 1 з 21 громади"  # з + genitive: one громади, many громад
    assert coverage_note(2, 3, "uk") == "часткові дані: 2 з 3 громад"
    assert coverage_note(1470, 1470, "uk") == ""  # complete: nothing to say
    assert coverage_note(0, 1470, "en") == ""  # none: the figure itself is "no data"
    assert coverage_note(float("nan"), 5, "uk") == ""


@pytest.fixture
def partial(units, hromadas) -> Dataset:
    """The five-hromada atlas whose staffing table covers H1 and H2 only (both in oblast O1)."""
    h = hromadas.copy()
    for kind in ("population", "idp", "caseload"):
        h[f"{kind}_reported"] = True
    h["staffing_reported"] = h["code"].isin([H1, H2])
    h.loc[~h["staffing_reported"], ROLE_COLUMNS] = np.nan
    return Dataset(title="partial", units=units, boundaries={}, hromadas=h, sources={"staffing": "test"})


@pytest.fixture
def no_staffing(units, hromadas) -> Dataset:
    h = hromadas.copy()
    for kind in ("population", "idp", "caseload"):
        h[f"{kind}_reported"] = True
    h["staffing_reported"] = False
    h[ROLE_COLUMNS] = np.nan
    return Dataset(title="no staffing", units=units, boundaries={}, hromadas=h)


def test_the_producer_counts_expected_and_reporting_members(partial):
    data = prepare(partial, Assumptions())
    country = data.country
    assert (country["hromadas_expected"], country["staffing_reporting"], country["population_reporting"]) == (5, 2, 5)
    oblasts = data.tables["oblast"].set_index("code")
    assert oblasts.loc[O1, ["hromadas_expected", "staffing_reporting"]].tolist() == [3, 2]
    assert oblasts.loc[O2, "staffing_reporting"] == 0 and math.isnan(oblasts.loc[O2, "workers"])


def test_the_cards_say_partial_and_count_reporting_units_only(partial):
    data = prepare(partial, Assumptions())
    figures = key_figures(data)
    assert figures["workers"] == 10  # H1 2 + H2 8; H3-H5 did not report
    assert figures["hromadas_no_worker"] == 0  # H5 has no worker in the full table, but did not report here
    notes = key_figure_notes(data, "uk")
    for key in ("workers", "psychologists", "positions", "gap", "hromadas_no_worker", "hromadas_no_psychologist"):
        assert notes[key] == "часткові дані: 2 з 5 громад", key
    assert notes["population"] == notes["idp"] == ""
    assert key_figure_notes(data, "en")["workers"] == "partial: 2 of 5 hromadas"
    cards = {c.id: c for c in figure_cards(figures, "uk", notes).children}
    workers = cards["card-workers"].children
    assert [getattr(c, "className", None) for c in workers] == ["card-value", None, "card-note"]
    assert workers[2].children == "часткові дані: 2 з 5 громад"
    assert len(cards["card-population"].children) == 2  # complete: no note


def test_no_staffing_table_shows_no_data_never_zero(no_staffing):
    data = prepare(no_staffing, Assumptions())
    figures = key_figures(data)
    assert math.isnan(figures["workers"]) and math.isnan(figures["hromadas_no_worker"])
    assert math.isnan(figures["hromadas_no_psychologist"])
    cards = {c.id: c for c in figure_cards(figures, "uk", key_figure_notes(data, "uk")).children}
    assert cards["card-hromadas_no_worker"].children[0].children == "немає даних"
    assert cards["card-workers"].children[0].children == "немає даних"


def test_the_hover_says_which_figure_is_partial(partial):
    data = prepare(partial, Assumptions())
    table = data.tables["oblast"].set_index("code").loc[[O1, O2]].reset_index()
    o1, o2 = hover_text(table, "uk")
    assert "Соціальні працівники: 10 (часткові дані: 2 з 3 громад)" in o1.replace(NBSP, " ")
    assert "Населення: 80 000<br>" in o1.replace(NBSP, " ")  # complete: no note
    assert "Соціальні працівники: немає даних" in o2 and "частков" not in o2
    en = hover_text(table, "en")[0]
    assert "(partial: 2 of 3 hromadas)" in en


def test_the_tables_carry_a_coverage_column(partial):
    data = prepare(partial, Assumptions())
    table = shown_table(data, "oblast", "workers_per_10k", None, "uk").set_index("code")
    assert table.loc[O1, "coverage"] == "штат: часткові дані: 2 з 3 громад"
    assert table.loc[O2, "coverage"] == "штат: немає даних"
    hromadas = shown_table(data, "hromada", "workers", None, "en").set_index("code")
    assert hromadas.loc[H1, "coverage"] == ""
    assert coverage_notes(data.tables["oblast"], "en")[0] in ("staffing: partial: 2 of 3 hromadas", "staffing: no data")


def test_an_oblast_return_over_a_dataset_without_staffing(demo, tmp_path):
    """The issue's case: Chernihiv's 57-hromada return uploaded where no other oblast has staffing."""
    from dataclasses import replace as copy

    from loaders import validate_file, with_file
    from loaders.dataset import assemble
    from tests.fixtures.ingest import write_csv

    chernihiv = "UA74000000000025378"
    without = copy(demo, hromadas=assemble(demo.units, {k: v for k, v in demo.figures.items() if k != "staffing"}, {}))
    without = copy(without, figures={k: v for k, v in demo.figures.items() if k != "staffing"})
    h = demo.units[(demo.units["level"] == "hromada") & (demo.units["oblast_code"] == chernihiv)]
    rows = [["Код КАТОТТГ", "Громада", "Посада", "Затверджено", "Зайнято"]]
    rows += [[r.code, r.name_uk, "Соціальний працівник", 2, 1] for r in h.itertuples()]
    report = validate_file(write_csv(tmp_path / "chernihiv.csv", rows), "staffing", demo.units)
    assert report.ok, report.errors
    data = prepare(with_file(without, report), Assumptions())
    assert key_figures(data)["workers"] == 57
    assert key_figure_notes(data, "uk")["workers"] == f"часткові дані: 57 з 1{NBSP}470 громад"
    assert key_figure_notes(data, "en")["hromadas_no_worker"] == "partial: 57 of 1,470 hromadas"
    oblasts = data.tables["oblast"].set_index("code")
    assert oblasts.loc[chernihiv, ["hromadas_expected", "staffing_reporting"]].tolist() == [57, 57]
    assert coverage_note(oblasts.loc[chernihiv, "staffing_reporting"], 57, "uk") == ""


def test_the_table_download_carries_the_coverage_column(partial):
    import io

    from openpyxl import load_workbook

    from layouts.views import download_bytes

    data = prepare(partial, Assumptions())
    book = load_workbook(io.BytesIO(download_bytes(data, "oblast", "workers", None, "en")))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("KATOTTG code")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[O1][header.index("Data coverage")] == "staffing: partial: 2 of 3 hromadas"


def test_the_profile_says_when_its_oblast_column_is_partial(partial):
    from layouts.components import profile_card

    data = prepare(partial, Assumptions())
    card = str(profile_card(data, H1, "uk"))
    assert "часткові дані: 2 з 3 громад" in card


def test_a_missing_table_does_not_hide_a_partial_one(partial):
    """No IDP table at all and staffing for 2 of 5 hromadas: the gap (needing both) is still partial."""
    from metrics.planning import coverage

    h = partial.hromadas.copy()
    h["idp_reported"] = False
    h["idp"] = np.nan
    from dataclasses import replace as copy

    data = prepare(copy(partial, hromadas=h), Assumptions())
    country = data.computed.level("country")
    share = coverage(country, "gap_fte").iloc[0]
    assert (share["reporting"], share["expected"], bool(share["partial"])) == (2, 5, True)
    assert key_figure_notes(data, "en")["gap"] == "partial: 2 of 5 hromadas"
    assert key_figure_notes(data, "en")["idp"] == ""  # none: the figure itself is "no data"


def test_the_map_caption_says_which_input_is_partial(partial):
    from layouts.components import map_caption

    data = prepare(partial, Assumptions())
    national = str(map_caption(partial, "workers_per_10k", "oblast", "uk", data=data))
    assert "штат: часткові дані: 2 з 5 громад" in national and "населення: частков" not in national
    inside = str(map_caption(partial, "workers", "hromada", "en", "Vinnytska", data=data, oblast=O1))
    assert "staffing: partial: 2 of 3 hromadas" in inside
    assert "partial" not in str(map_caption(partial, "population", "oblast", "en", data=data))
