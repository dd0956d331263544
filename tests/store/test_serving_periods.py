"""What a serving process shows of the published periods, and when the database is lost while reading one."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from store import Store, StoreUnavailable
from store.serving import PublishedData
from tests.store.store_helpers import staffing_csv, write_manifest


@pytest.fixture
def served(tmp_path, units):
    store = Store(f"sqlite:///{tmp_path / 'atlas.sqlite3'}", auto_migrate=True)
    store.publish(store.prepare_manifest(write_manifest(tmp_path / "q2", units=units), period="2025-Q2"), by="olena")
    later = write_manifest(tmp_path / "q3", staffing=staffing_csv((9, 9, 9, 9, 9)), units=units)
    store.publish(store.prepare_manifest(later, period="2025-Q3", kinds=["staffing"]), by="olena")
    yield PublishedData(store, cache=False)
    store.close()


def test_periods_keys_and_the_data_of_each(served):
    assert served.periods() == ["2025-Q2", "2025-Q3"]
    assert served.resolve("2025-Q2") == "2025-Q2"
    assert served.resolve("2025-Q3") is None and served.resolve("1999-Q1") is None  # the latest; unknown
    key = served.key("2025-Q2")
    assert served.is_key(key) and served.period_of_key(key) == "2025-Q2" and served.period_of_key(served.key()) is None
    assert not served.is_key("pub1@../x/y") and not served.is_key("upload123")
    assert served.dataset("2025-Q2").hromadas["social_work_specialist_filled"].sum() == 11
    assert served.dataset().hromadas["social_work_specialist_filled"].sum() == 45
    assert served.dataset("2025-Q2") is served.dataset("2025-Q2")  # kept per revision


@pytest.mark.parametrize("fault", [StoreUnavailable("the database at sqlite:///x cannot be reached"), "operational"])
def test_a_database_lost_while_reading_a_period_shows_the_last_data_and_says_so(served, monkeypatch, fault):
    latest = served.dataset()
    error = OperationalError("SELECT", {}, Exception("disk I/O error")) if fault == "operational" else fault

    def lost(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(served.store, "dataset", lost)
    assert served.dataset("2025-Q2") is latest
    assert served.problem and ("cannot be reached" in served.problem or "disk I/O error" in served.problem)


def test_a_table_published_before_a_field_existed_reads_it_as_unknown(served):
    """A field added to a kind later (e.g. caseload's home_care_recipients) is NaN in older tables, not a failure."""
    import json

    import sqlalchemy as sa

    from loaders.fields import CANONICAL_FIELDS
    from store.models import figures, publications

    store = served.store
    row = next(p for p in store.publications() if p.kind == "staffing" and p.period == "2025-Q2")
    dropped = CANONICAL_FIELDS["staffing"][-1]
    with store.engine.begin() as conn:
        meta = json.loads(conn.execute(sa.select(publications.c.report).where(publications.c.id == row.id)).scalar())
        meta["columns"] = [c for c in meta["columns"] if c != dropped]
        meta["dtypes"].pop(dropped, None)
        conn.execute(sa.update(publications).where(publications.c.id == row.id).values(report=json.dumps(meta)))
        conn.execute(sa.delete(figures).where(figures.c.publication_id == row.id, figures.c.field == dropped))
    dataset = store.dataset("2025-Q2")
    assert dataset.figures["staffing"][dropped].isna().all()
    assert dataset.hromadas["social_work_specialist_filled"].sum() == 11
