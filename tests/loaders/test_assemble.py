"""Assembling the hromada table again after an upload (``with_file`` -> ``assemble``).

The assembly works on arrays (``codes_in`` instead of pandas' ``isin`` on
Arrow strings, the IDP check and the displacement of earlier rows without a
loop over pandas rows). Its result must be the one the row-by-row code gave:
the references below are that code as it was, and each upload over the demo
is assembled both ways.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import loaders.dataset as dataset_module
import loaders.levels as levels_module
from loaders import validate_file, with_file
from loaders.levels import codes_in, roll_up
from tests.fixtures.ingest import write_csv

CHERNIHIV = "UA74000000000025378"


def _reference_check_idp(idp, population_hromadas, units, report):
    """The IDP check as it was: one pandas look-up per row."""
    pops = {"hromada": population_hromadas.set_index("code")["population"]}
    for level in ("oblast", "raion"):
        pops[level] = roll_up(population_hromadas, units, level, ["population"]).set_index("code")["population"]
    for row in idp.itertuples():
        pop = pops.get(row.level, pd.Series(dtype=float)).get(row.code, np.nan)
        if pd.notna(pop) and pd.notna(row.idp) and row.idp > 3 * pop:
            dataset_module._warn_idp_over_population(report, row.idp, pop, row.code, int(row.row))


def _reference_merge(old, new, units):
    """The displacement of earlier rows as it was: one pandas comparison per oblast or raion row."""
    if old is None or old.empty:
        return new, 0
    covered = dataset_module.covered_hromadas(new, units)
    h = units[units["level"] == "hromada"].drop_duplicates("code").set_index("code")
    keep = []
    for row in old.itertuples(index=False):
        if row.level == "hromada":
            overlaps = row.code in covered
        else:
            column = "oblast_code" if row.level == "oblast" else "raion_code"
            overlaps = bool((h[column] == row.code).loc[list(covered & set(h.index))].any()) if covered else False
        keep.append(not overlaps)
    kept = old[np.array(keep, dtype=bool)]
    merged = pd.concat([kept, new], ignore_index=True) if len(kept) else new
    return merged.reset_index(drop=True), int(len(old) - len(kept))


def _pandas_isin(values, pool):
    return values.isin(pool).to_numpy(dtype=bool)


@pytest.mark.parametrize(
    ("values", "pool"),
    [
        (pd.Series(["a", None, "b"], dtype="str"), ["a", None]),
        (pd.Series(["a", None, "b"], dtype="str"), {"a"}),
        (pd.Series(["a", None, "b"], dtype="str"), pd.Series(["b", None], dtype="str")),
        (pd.Series(["a", "b"], dtype="str"), pd.Index(["b"])),
        (pd.Series(["a", "b"], dtype="str"), []),
        (pd.Series([], dtype="str"), ["a"]),
        (pd.Series(["a", "1"], dtype="str"), [1, "a"]),  # a pool that is not all text: through pandas
        (pd.Series(["a", 1, None], dtype=object), ["a", 1]),
        (pd.Series(["a", None], dtype="str"), [float("nan")]),
    ],
)
def test_codes_in_is_pandas_isin(values, pool):
    out = codes_in(values, pool)
    assert out.dtype == bool
    assert out.tolist() == values.isin(pool).tolist()


def _uploads(demo, folder):
    """Small uploads over the demo: hromada, raion and oblast rows, IDPs above three times the population."""
    h = demo.units[(demo.units["level"] == "hromada") & (demo.units["oblast_code"] == CHERNIHIV)]
    codes = h["code"].tolist()
    raion = h["raion_code"].iloc[0]
    files = [
        ("idp", [["Код КАТОТТГ", "ВПО"], [codes[0], 9_000_000], [codes[2], 12]], "update"),
        ("population", [["Код КАТОТТГ", "Населення"], [codes[0], 10]], "update"),
        ("idp", [["Код КАТОТТГ", "ВПО"], [CHERNIHIV, 90_000_000]], "update"),  # an oblast row: split, checked
        ("population", [["Код КАТОТТГ", "Населення"], [raion, 50_000]], "replace"),
    ]
    return [(kind, write_csv(folder / f"{i}.csv", rows), mode) for i, (kind, rows, mode) in enumerate(files)]


def _issues(dataset):
    return [(getattr(r, "kind", None), list(r.issues)) for r in dataset.reports]


def test_an_upload_is_assembled_as_the_row_by_row_code_did(demo, tmp_path, monkeypatch):
    uploads = _uploads(demo, tmp_path)
    reports = [(validate_file(path, kind, demo.units), mode) for kind, path, mode in uploads]
    assert all(r.ok for r, _ in reports), [r.errors for r, _ in reports]
    before = _issues(demo)
    new, chained = [], demo
    for report, mode in reports:
        chained = with_file(chained, report, mode)
        new.append(chained)
    assert _issues(demo) == before  # the dataset an upload was made from is not changed
    monkeypatch.setattr(dataset_module, "codes_in", _pandas_isin)
    monkeypatch.setattr(levels_module, "codes_in", _pandas_isin)
    monkeypatch.setattr(dataset_module, "_check_idp_against_population", _reference_check_idp)
    monkeypatch.setattr(dataset_module, "_merge_figures", _reference_merge)
    old, chained = [], demo
    for report, mode in reports:
        chained = with_file(chained, report, mode)
        old.append(chained)
    for a, b in zip(new, old):
        pd.testing.assert_frame_equal(a.hromadas, b.hromadas, check_exact=True)
        assert a.figures.keys() == b.figures.keys()
        for kind in a.figures:
            pd.testing.assert_frame_equal(a.figures[kind], b.figures[kind], check_exact=True)
        assert _issues(a) == _issues(b)
    checked = [str(i) for kind, issues in _issues(new[-1]) if kind == "idp" for i in issues]
    first = reports[1][0].frame["code"].iloc[0]
    assert any(first in m and "10" in m for m in checked), checked  # its population of 10
    assert any(CHERNIHIV in m for m in checked), checked  # the oblast row, against its hromadas' sum


def test_an_upload_does_not_add_to_the_reports_of_the_dataset_it_was_made_from(demo, tmp_path):
    """Assembling again used to write its notes into the reports it was given: a population upload added an
    IDP warning to the demo's own IDP report (held by every session of the worker), and every later upload
    added the same split note to an oblast-level file's report once more."""
    h = demo.units[(demo.units["level"] == "hromada") & (demo.units["oblast_code"] == CHERNIHIV)]
    population = write_csv(tmp_path / "p.csv", [["Код КАТОТТГ", "Населення"], [h["code"].iloc[0], 10]])
    idp = write_csv(tmp_path / "i.csv", [["Код КАТОТТГ", "ВПО"], [CHERNIHIV, 5_000]])
    staff = write_csv(
        tmp_path / "s.csv",
        [
            ["Код КАТОТТГ", "Посада", "Затверджено штатних одиниць", "Фактично зайнято"],
            [h["code"].iloc[1], "Психолог", 2, 1],
        ],
    )
    before = _issues(demo)
    with_population = with_file(demo, validate_file(population, "population", demo.units))
    assert _issues(demo) == before
    demo_idp = next(issues for kind, issues in before if kind == "idp")
    added = [i for kind, issues in _issues(with_population) if kind == "idp" for i in issues[len(demo_idp) :]]
    assert [(i.column, i.severity) for i in added] == [("idp", "warning")]  # IDPs above 3 x its population of 10
    assert h["code"].iloc[0] in str(added[0])

    uploaded = validate_file(idp, "idp", demo.units)
    with_idp = with_file(demo, uploaded)
    noted = [i for r in with_idp.reports if r.kind == "idp" for i in r.issues]
    assert len(noted) == len(demo_idp) + len(uploaded.report.issues) + 1  # the split of the oblast figure, once
    staffing = validate_file(staff, "staffing", demo.units)
    again = with_file(with_file(with_idp, staffing), staffing)
    assert [i for r in again.reports if r.kind == "idp" for i in r.issues] == noted
    assert [i for r in with_idp.reports if r.kind == "idp" for i in r.issues] == noted
