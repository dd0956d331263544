"""Children 0-17 by oblast: the cited fact table, its shares in the assumptions and the real publication."""

from __future__ import annotations

import pandas as pd
import pytest

from data.children import CHILDREN_CSV, read_publication
from metrics import Assumptions
from tests.fixtures import REALDATA

PUBLICATION = REALDATA / "population" / "pop-permanent-2022.xlsx"


def test_fact_table_and_the_shares_of_the_assumptions_agree():
    facts = pd.read_csv(CHILDREN_CSV, dtype={"pcode": str})
    assert int(facts["children_0_17"].sum()) == 7_348_531  # the publication's Ukraine row
    assert int(facts["residents_2022"].sum()) == 40_997_698
    assert facts.loc[facts["pcode"].isin(["UA01", "UA85"]), "children_0_17"].isna().all()  # not published
    known = facts.dropna()
    shares = dict(Assumptions().children_shares)
    assert set(shares) == set(known["pcode"])
    for row in known.itertuples():
        assert shares[row.pcode] == round(row.children_0_17 / row.residents_2022, 4), row.pcode


def test_the_publication_reads_into_the_fact_table():
    if not PUBLICATION.exists():
        pytest.skip(f"the State Statistics age publication is not here ({PUBLICATION})")
    table = read_publication(PUBLICATION)
    facts = pd.read_csv(CHILDREN_CSV, dtype={"pcode": str})
    merged = facts.merge(table, on="pcode", suffixes=("", "_read"))
    assert len(merged) == len(facts) == 27
    for column in ("residents_2022", "children_0_17"):
        assert merged[column].fillna(-1).tolist() == merged[f"{column}_read"].fillna(-1).tolist(), column


def test_the_demo_counts_children_by_the_share_and_says_they_are_estimated(demo):
    from metrics import compute_tables

    tables = compute_tables(demo.hromadas, demo.units, Assumptions(population_base="pre_war"))
    oblasts = tables.level("oblast").set_index("code")
    vinnytsia = oblasts.loc["UA05000000000010236"]
    # pre-war base: the oblast's residents (present population 1,509,515) x its 0-17 share 0.1824
    assert vinnytsia["children"] == pytest.approx(1_509_515 * 0.1824)
    assert bool(vinnytsia["children_estimated"])
    assert vinnytsia["workers_per_10k_children"] == pytest.approx(
        10_000 * vinnytsia["workers"] / vinnytsia["children"], rel=1e-12
    )
    assert pd.isna(oblasts.loc["UA01000000000013043", "children"])  # Crimea: no share, no data
