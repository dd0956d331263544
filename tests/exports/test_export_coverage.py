"""The workbook says which figures are partial (issue 12): per-row coverage columns and a cover note."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from exports import build_export
from loaders import Dataset
from metrics import Assumptions
from tests.fixtures import H1, H2, O1, O2, R1

ROLES = ("social_work_specialist", "social_worker", "psychologist")
ROLE_COLUMNS = [f"{r}_{w}" for r in ROLES for w in ("approved", "filled")]


@pytest.fixture
def partial(units, hromadas) -> Dataset:
    """The five-hromada atlas whose staffing table covers H1 and H2 only (oblast O1, raion R1), no caseload."""
    h = hromadas.copy()
    h["population_reported"] = h["idp_reported"] = True
    h["caseload_reported"] = False
    h[["families_sjo", "low_income_families"]] = np.nan
    h["staffing_reported"] = h["code"].isin([H1, H2])
    h.loc[~h["staffing_reported"], ROLE_COLUMNS] = np.nan
    return Dataset(title="partial", units=units, boundaries={}, hromadas=h, sources={"staffing": "test"})


def test_rows_carry_their_coverage(partial):
    export = build_export(partial, Assumptions(), lang="uk", level="raion")
    summary = export.sheets[0].table.set_index("code")
    assert summary.loc["UA", ["hromadas_expected", "staffing_reporting", "population_reporting"]].tolist() == [5, 2, 5]
    assert summary.loc["UA", "coverage"] == "штат: часткові дані: 2 з 5 громад"
    assert summary.loc[O1, "coverage"] == "штат: часткові дані: 2 з 3 громад"
    assert summary.loc[O2, "coverage"] == "штат: немає даних"
    raions = export.main.table.set_index("code")
    assert pd.isna(raions.loc[R1, "coverage"])  # H1 and H2 are all of R1: an empty cell, not an empty text
    assert "staffing partial: 2 of 5 hromadas" in export.summary


def test_the_workbook_shows_coverage_columns_and_a_cover_note(partial):
    export = build_export(partial, Assumptions(), lang="en", level="oblast")
    book = load_workbook(io.BytesIO(export.xlsx()))
    cover = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row[0]}
    assert cover["Coverage: staffing"] == (
        "partial: 2 of 5 hromadas; national and oblast sums and ratios are of the reporting hromadas only; "
        "hromadas without data are not counted as zero"
    )
    assert cover["Coverage: caseload"] == "no table of this kind: every figure from it is 'no data', never zero"
    assert "Coverage: population" not in cover  # complete
    sheet = book.worksheets[1]
    header = [c.value for c in sheet[1]]
    for name in ("Hromadas expected to report (not Crimea)", "Hromadas with staffing data", "Data coverage"):
        assert name in header, name
    ukraine = [c.value for c in sheet[2]]
    assert ukraine[header.index("Hromadas with staffing data")] == 2
    assert ukraine[header.index("Data coverage")] == "staffing: partial: 2 of 5 hromadas"
    uk = load_workbook(io.BytesIO(build_export(partial, Assumptions(), lang="uk", level="oblast").xlsx()))
    cover_uk = {row[2]: row[3] for row in uk.worksheets[0].iter_rows(values_only=True) if row[2]}
    assert cover_uk["Охоплення: штат"].startswith("часткові дані: 2 з 5 громад; суми й частки України та областей")


def test_a_brief_without_a_staffing_table_says_no_data_never_zero(units, hromadas):
    from exports.brief import brief_source, unit_brief

    h = hromadas.copy()
    h["population_reported"] = h["idp_reported"] = h["caseload_reported"] = True
    h["staffing_reported"] = False
    h[ROLE_COLUMNS] = np.nan
    dataset = Dataset(title="no staffing", units=units, boundaries={}, hromadas=h)
    figures = dict(unit_brief(brief_source(dataset, Assumptions()), "UA", "en").figures)
    assert figures["Hromadas without a social worker"] == "no data"
    assert figures["Hromadas without a psychologist"] == "no data"


def test_a_brief_does_not_count_crimea_as_missing(units, hromadas):
    """Crimea's codifier units (with a polygon from COD-AB, never a figure) are not "partial coverage"."""
    import geopandas as gpd
    from shapely.geometry import box

    from exports.brief import brief_source, unit_brief

    crimea, crimean_hromada = "UA01000000000013043", "UA01020010000048857"
    more = units.copy()
    more.loc[len(more)] = [crimea, "UA01", "oblast", "Автономна Республіка Крим", "Crimea", None, crimea, None]
    more.loc[len(more)] = [
        crimean_hromada,
        "UA0102001",
        "hromada",
        "Бахчисарайська",
        "Bakhchysaraiska",
        "urban",
        crimea,
        None,
    ]
    h = units[units["level"] == "hromada"]
    shapes = gpd.GeoDataFrame(
        {"code": [*h["code"], crimean_hromada]},
        geometry=[box(30 + i, 50, 31 + i, 51) for i in range(len(h) + 1)],
        crs=4326,
    )
    dataset = Dataset(title="t", units=more, boundaries={"hromada": shapes}, hromadas=hromadas)
    caveats = unit_brief(brief_source(dataset, Assumptions()), "UA", "en").caveats
    assert not [c for c in caveats if c.startswith("Partial coverage")], caveats
