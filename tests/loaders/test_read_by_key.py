"""Rows read by distinct key (the default) give exactly what rows read one by one give.

:func:`loaders.inputs._read_rows` matches each distinct key (code, oblast,
raion, hromada and name cells, in the section of the rows above) once and
parses each value column by distinct cell. These files hold every kind of
problem, each twice or more, so a memo that forgot a row's section, a note
recorded while matching, or the suggestion budget would give another
frame, other messages or another order.
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from loaders import inputs, read_figures
from loaders.safety import suggestion_budget
from tests.fixtures.ingest import H1, H2, H3, H5, H6, H7, H8, atlas_units, write_csv, write_xlsx

FLAT = [
    ["Код КАТОТТГ", "Область", "Громада", "Чисельність населення", "Міське населення"],
    [H1, None, "Агрономічна", 10_000, 2_000],
    [H1, None, "Агрономічна", 12_000, None],  # duplicate
    [None, None, "Гайворонська", 5, None],  # unknown name, no oblast
    [None, None, "Гайворонська", 6, None],
    [None, "Вінницька", "Гайворонська", 7, None],  # unknown within its oblast: other suggestions
    [None, None, "Березівська", 3, None],  # ambiguous
    [None, None, "Березівська", 4, None],
    [None, "Волинська", "Березівська", 8, None],  # told apart by its oblast
    [H2, None, "Вінницька", "abc", None],  # not a number
    [H2, None, "Вінницька", "abc", None],
    [H3, None, "Гайсинська", "12 %", None],  # a percentage for a count
    [H6, None, "Березівська", -4, "…"],  # negative; "not available"
    [H5, None, "Володимир-Волинська", 7, None],  # a former name
    [H5, None, "Володимир-Волинська", 7, None],
    [H7, None, "Зовсім інша назва", 8, None],  # a name other than the codifier's
    [H7, None, "Зовсім інша назва", 8, None],
    [H8, None, "Березівська", 9, None],  # code and name of two units
    ["UA07020990000099999", None, None, 1, None],  # a code of no unit
    ["UA07020990000099999", None, None, 1, None],
    ["UA3200", None, None, 1, None],  # a special area (no unit)
    ["UA3200", None, None, 1, None],
    [None, None, "Місце проживання невідоме", 3, None],  # unlocated
    ["Всього", None, None, 100_000, None],  # totals
    [H3, None, "Гайсинська", "40", None],  # a number typed as text among numbers
]

PUBLICATION = [
    ["Назва", "Чисельність населення, осіб"],
    ["Україна", 150_000],
    ["Вінницька область", 100_000],
    ["Вінницький район", 50_000],
    ["Агрономічна сільська ТГ", 10_000],
    ["Вінницька міська ТГ", 40_000],
    ["у тому числі:", None],
    ["міське населення", 38_000],
    ["Гайсинський район", 50_000],
    ["Березівська сільська ТГ", 20_000],  # the same key in two sections: two units
    ["Зеленівська сільська ТГ", 1],  # unknown in this section
    ["Волинська обл.", 49_000],
    ["Березівська сільська ТГ", 20_000],
    ["Березівська сільська ТГ", 20_000],  # duplicate
    ["Зеленівська сільська ТГ", 1],  # unknown in the next section
    ["Володимир-Волинська міська ТГ", 5_000],
    ["Миколаївська міська ТГ", "1 0x0"],
    ["Вінницька", 7],  # an oblast's and a hromada's name
    ["Київ", 3_000_000],  # oblast and hromada at once
]

STAFFING = [
    ["Код КАТОТТГ", "Посада", "Затверджено штатних одиниць", "Фактично зайнято"],
    [H1, "Фахівець із соціальної роботи", 4, 3],
    [H1, "Психолог", 2, 3],  # more filled than approved
    [H1, "Фахівець із соціальної роботи", 4, 3],  # duplicate (unit and role)
    [H1, "Кухар", 1, 1],  # unknown role
    [H2, "Кухар", 1, 1],
    [H2, "Психолог", "1,5", "-"],
]


def _read(path, kind, budget):
    with suggestion_budget(budget) as left:
        frame, report = read_figures(path, kind, atlas_units())
    details = {
        "issues": report.issues,
        "unmatched": report.unmatched,
        "rows": report.rows,
        "matched": report.matched,
        "level": report.level,
        "totals": report.totals,
        "suggestions left, refused": list(left),
    }
    return frame, details


def _both(monkeypatch, path, kind, budget):
    by_key = _read(path, kind, budget)
    with monkeypatch.context() as m:
        m.setattr(inputs, "_read_rows", functools.partial(inputs._read_rows, memo=False))
        by_row = _read(path, kind, budget)
    return by_key, by_row


@pytest.mark.parametrize("budget", [50, 3], ids=["suggestions-for-all", "suggestions-run-out"])
def test_a_flat_file_with_every_problem_twice(tmp_path, monkeypatch, budget):
    path = write_xlsx(tmp_path / "flat.xlsx", FLAT)
    (frame, details), (frame_by_row, details_by_row) = _both(monkeypatch, path, "population", budget)
    messages = " | ".join(i.message for i in details["issues"])
    for problem in (
        "matches no",
        "names 2 units",
        "appears again",
        "expected a number",
        "percentage",
        "must be >= 0",
        "former name",
        "other than the codifier's",
        "but the name 'Березівська' is",
        "not assigned to any unit",
        "totals row skipped",
        "typed as text among numbers",
        "not available",
    ):
        assert problem in messages, problem
    assert details == details_by_row
    pd.testing.assert_frame_equal(frame, frame_by_row, check_exact=True)


def test_a_publication_whose_names_repeat_in_other_sections(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "pub.xlsx", PUBLICATION)
    (frame, details), (frame_by_row, details_by_row) = _both(monkeypatch, path, "population", 2)
    assert {u.row for u in details["unmatched"]} == {11, 15}  # the unknown hromada in each section
    assert details == details_by_row
    pd.testing.assert_frame_equal(frame, frame_by_row, check_exact=True)


def test_a_staffing_csv_with_roles(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "staff.csv", STAFFING, delimiter=";")
    (frame, details), (frame_by_row, details_by_row) = _both(monkeypatch, path, "staffing", 50)
    messages = " | ".join(i.message for i in details["issues"])
    assert "unknown role 'Кухар'" in messages and "appears again" in messages
    assert details == details_by_row
    pd.testing.assert_frame_equal(frame, frame_by_row, check_exact=True)
