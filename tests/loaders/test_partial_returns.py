"""Partial returns (issue 12): one oblast's staffing return uploaded over the demo updates only its units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.text import source_text
from loaders import table_change, unit_counts, validate_file, with_file
from tests.fixtures.ingest import write_csv

CHERNIHIV = "UA74000000000025378"
ROLES_FILLED = ["social_work_specialist_filled", "social_worker_filled"]


@pytest.fixture(scope="module")
def chernihiv_return(demo, tmp_path_factory):
    """A long staffing return for Chernihiv oblast's 57 hromadas: 2 specialists (1 filled) and 1 social
    worker (filled) each, one hromada's social workers "н/д"."""
    h = demo.units[(demo.units["level"] == "hromada") & (demo.units["oblast_code"] == CHERNIHIV)]
    rows = [["Код КАТОТТГ", "Громада", "Посада", "Затверджено", "Зайнято"]]
    for i, r in enumerate(h.itertuples()):
        rows.append([r.code, r.name_uk, "Фахівець із соціальної роботи", 2, 1])
        rows.append([r.code, r.name_uk, "Соціальний працівник", 1, "н/д" if i == 0 else 1])
    path = write_csv(tmp_path_factory.mktemp("ret") / "chernihiv.csv", rows)
    report = validate_file(path, "staffing", demo.units)
    assert report.ok, report.errors
    return report, list(h["code"])


def test_the_one_count_of_units(demo):
    assert unit_counts(demo.units) == {"hromadas": 1469, "kyiv": 1, "crimea": 303, "oblasts": 27, "raions": 136}


def test_an_oblast_return_updates_only_its_units(demo, chernihiv_return):
    report, codes = chernihiv_return
    updated = with_file(demo, report)  # update is the default
    before = demo.hromadas.set_index("code")
    after = updated.hromadas.set_index("code")
    others = before.index.difference(codes)
    pd.testing.assert_frame_equal(before.loc[others, ROLES_FILLED], after.loc[others, ROLES_FILLED])
    assert after.loc[codes, "social_work_specialist_filled"].eq(1).all()
    assert after.loc[codes, "social_worker_filled"].isna().sum() == 1  # the "н/д" one: unknown, not 0
    assert after["staffing_reported"].sum() == before["staffing_reported"].sum() == 1470
    old = before[ROLES_FILLED[0]].sum()
    assert after[ROLES_FILLED[0]].sum() == pytest.approx(old - before.loc[codes, ROLES_FILLED[0]].sum() + 57)
    change = table_change(demo, updated, "staffing", report)
    assert (change.mode, change.units, change.reporting, change.total, change.displaced) == (
        "update",
        57,
        1470,
        1470,
        57,
    )
    assert change.before["social_work_specialist_filled"] == pytest.approx(old)
    assert change.after["social_work_specialist_filled"] == pytest.approx(after[ROLES_FILLED[0]].sum())
    assert change.lines()[0] == "staffing: update; 57 hromada-level units in the file; 1,470 of 1,470 now report"
    assert "updated by uploaded file chernihiv.csv" in source_text(updated.sources["staffing"], "en")
    assert "оновлено завантаженим файлом chernihiv.csv" in source_text(updated.sources["staffing"], "uk")


def test_replacing_the_whole_table_leaves_the_rest_unreported(demo, chernihiv_return):
    report, codes = chernihiv_return
    replaced = with_file(demo, report, mode="replace")
    h = replaced.hromadas.set_index("code")
    assert h["staffing_reported"].sum() == 57 and h.loc[codes, "staffing_reported"].all()
    assert h.loc[~h["staffing_reported"], ROLES_FILLED].isna().all().all()
    change = table_change(demo, replaced, "staffing", report, mode="replace")
    assert change.reporting == 57 and change.lines()[0].endswith("57 of 1,470 now report")


def test_a_dataset_without_a_table_reports_no_hromada(demo):
    from dataclasses import replace as copy

    from loaders.dataset import assemble

    figures = {k: v for k, v in demo.figures.items() if k != "staffing"}
    hromadas = assemble(demo.units, figures, {})
    assert not hromadas["staffing_reported"].any() and hromadas["population_reported"].sum() == 1470
    assert np.isnan(copy(demo, hromadas=hromadas).hromadas["social_worker_filled"].sum(min_count=1))


def test_an_unknown_mode_is_refused(demo, chernihiv_return):
    with pytest.raises(ValueError, match="mode must be one of update, replace"):
        with_file(demo, chernihiv_return[0], mode="merge")


def test_estimated_totals_print_rounded():
    from loaders import FileReport, ValidationReport

    report = ValidationReport("idp file x", kind="idp", path="x")
    report.totals = {"idp": 42_999.99999999999, "idp_children": 12.345}
    entry = FileReport.from_report(report)
    assert entry.to_dict()["totals"] == {"idp": 43_000, "idp_children": 12.35}
    assert "totals: IDPs 43,000, IDP children 12.35" in entry.summary("en")
    assert "підсумки: ВПО 43\u00a0000, Діти ВПО 12,35" in entry.summary("uk")


# --------------------------------------------------------------------------- aggregates know their coverage
def test_aggregates_count_only_reporting_hromadas(demo, chernihiv_return):
    from metrics.assumptions import Assumptions
    from metrics.tables import compute_tables

    report, codes = chernihiv_return
    replaced = with_file(demo, report, mode="replace")
    tables = compute_tables(replaced.hromadas, replaced.units, Assumptions())
    country = tables.country
    assert country["staffing_reporting"] == 57 and country["population_reporting"] == 1470
    assert country["hromadas"] == 1773  # every hromada-level unit, Crimea's 303 included
    base = tables.base.set_index("code")
    unknown = codes[0]  # its social workers are "н/д": workers unknown, not the 1 specialist
    assert np.isnan(base.loc[unknown, "workers"]) and base.loc[unknown, "social_work_specialist_filled"] == 1
    assert country["workers"] == 112  # 56 hromadas of 1 specialist and 1 social worker; the "н/д" one unknown
    assert country["hromadas_no_social_worker"] == 0  # of the 56 known, none; the others are not counted
    chernihiv = tables.level("oblast").set_index("code").loc[CHERNIHIV]
    assert chernihiv["staffing_reporting"] == chernihiv["hromadas"] == 57


def test_no_staffing_table_is_no_data_never_zero(demo):
    from loaders.dataset import assemble
    from metrics.assumptions import Assumptions
    from metrics.tables import compute_tables

    figures = {k: v for k, v in demo.figures.items() if k != "staffing"}
    hromadas = assemble(demo.units, figures, {})
    country = compute_tables(hromadas, demo.units, Assumptions()).country
    assert country["staffing_reporting"] == 0
    assert np.isnan(country["workers"]) and np.isnan(country["hromadas_no_social_worker"])
