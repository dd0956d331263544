"""The Scenarios and Funding pages' workbooks, read back with openpyxl: what a donor needs is in them."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.text import label, solver_text, t
from tests.fixtures import english_phrases


def _sheet_rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _cover(book) -> str:
    return " | ".join(str(v) for row in book["Notes"].iter_rows(values_only=True) for v in row if v is not None)


def test_the_scenario_workbook_keeps_the_change_and_lists_every_parameter(demo):
    from exports.scenario import SCENARIO_MEASURES, scenario_workbook
    from layouts.pages.scenarios import build_scenario, comparison
    from loaders import read_assumptions

    defaults = read_assumptions()
    roles = ("social_work_specialist", "social_worker", "psychologist")
    scenario = build_scenario(
        defaults, dict(zip(roles, (3, 1, 0.5))), 1.0, 250, 8, dict(zip(roles, (200_000, 160_000, 200_000))), 20, None
    )
    table = comparison(demo, defaults, scenario, "raion")
    content = scenario_workbook(
        table, demo.units, defaults, scenario, "raion", "uk", title=demo.title, approximate_boundaries=True
    )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [t("sheet_scenario_comparison", "uk"), t("sheet_scenario_parameters", "uk"), "Notes"]

    rows = _sheet_rows(book.worksheets[0])
    header = rows[0]
    for measure in SCENARIO_MEASURES:
        for part in ("before", "after", "change"):
            assert label(f"{measure}_{part}", "uk") in header, (measure, part, header)
    assert header[:4] == ["Код КАТОТТГ", "Назва", "Область", label("gap_fte_before", "uk")]
    assert len(rows) - 1 == len(table)
    by_code = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    code = table.loc[table["gap_fte_change"].abs().idxmax(), "code"]
    row = by_code[code]
    before, after, change = (row[label(f"gap_fte_{p}", "uk")] for p in ("before", "after", "change"))
    assert isinstance(change, float) and abs(change - (after - before)) < 1e-6 and change != 0
    register = demo.units.drop_duplicates("code").set_index("code")
    assert row["Назва"] == register.loc[code, "name_uk"]
    assert row["Область"] == register.loc[register.loc[code, "oblast_code"], "name_uk"]

    parameters = {r[0]: tuple(r[1:]) for r in _sheet_rows(book.worksheets[1])[1:]}
    assert parameters["norm.social_work_specialist.workers_per_10k"][:3] == ("1", "3", "так")
    assert parameters["wisn.working_days"][:3] == ("260", "250", "так")
    assert parameters["norm.idp_weight"][2] == "ні"
    assert parameters["idp_change.UA"][:3] == ("0", "20", "так")
    assert "funding.years" in parameters and "priority.min_components" in parameters  # every parameter, changed or not

    cover = _cover(book)
    for key in ("scenario_book_before_text", "scenario_book_after_text", "scenario_book_caveat_text"):
        assert t(key, "uk") in cover and t(key, "en") in cover
    assert "norm.social_work_specialist.workers_per_10k" in cover and "наближені" in cover


def test_the_funding_page_workbook_names_hromadas_roles_and_every_choice(demo):
    from exports import plan_workbook
    from exports.planning import plan_facts, plan_rows
    from layouts.pages.funding import make_plan, plan_parameters
    from loaders import read_assumptions

    choices = {
        "budget": 1_000_000.0,
        "objective": "coverage",
        "measure": "norm",
        "options": ["exclude_hostilities"],
        "roles": ["social_work_specialist", "psychologist"],
        "years": 2,
        "hromada_share": 20,
        "psychologist_share": 30,
        "oblast_caps": "UA74=100000",
    }
    plan = make_plan(demo, read_assumptions(), **choices)
    table = plan_rows(plan, demo.units, "uk")
    parameters = plan_parameters(
        "norm", choices["options"], choices["roles"], "uk", hromada_share=20, psychologist_share=30,
        oblast_caps="UA74=100000", units=demo.units,
    )  # fmt: skip
    facts = plan_facts(plan, parameters)
    book = load_workbook(io.BytesIO(plan_workbook(table, facts, demo, "uk")))
    assert book.sheetnames == [t("plan_sheet", "uk"), "Notes"]

    rows = _sheet_rows(book.worksheets[0])
    header = rows[0]
    for column in ("hromada_name", "oblast_name", "role", "positions", "cost", "filled_before", "filled_after",
                   "workers_per_10k_before", "workers_per_10k_after", "reason"):  # fmt: skip
        assert label(column, "uk") in header, column
    first = dict(zip(header, rows[1]))
    oblasts = set(demo.units.loc[demo.units["level"] == "oblast", "name_uk"])
    assert first[label("hromada_name", "uk")] and first[label("oblast_name", "uk")] in oblasts
    assert first[label("role", "uk")] in (t("role_social_work_specialist", "uk"), t("role_psychologist", "uk"))
    assert first[label("positions", "uk")] > 0 and first[label("reason", "uk")]

    # the solver's answer on the cover: Ukrainian in the Ukrainian column, English in the English one
    rows = {r[2]: r for r in book["Notes"].iter_rows(values_only=True) if len(r) > 3 and r[2]}
    _, said_en, _, said_uk = rows[t("plan_status", "uk")]
    assert t("solver_optimal", "uk") in said_uk and not english_phrases(said_uk), said_uk
    assert t("solver_optimal", "en") in said_en and solver_text(plan.messages, "en") in said_en
    _, _, _, excluded_uk = rows[t("plan_excluded_status", "uk")]
    assert "окупована" in excluded_uk, excluded_uk

    cover = _cover(book)
    for text in ("1000000", t("plan_objective", "uk"), "coverage", t("plan_caveat_text", "uk"), "UA74", "20 %", "30 %"):
        assert text.replace("\u00a0", " ") in cover.replace("\u00a0", " "), text
