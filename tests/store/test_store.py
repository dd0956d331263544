"""The store on SQLite and PostgreSQL: publish, versions, retract, periods, conflicts, faults."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from loaders import load_dataset
from store import PublishConflict, PublishRefused, Store, db
from tests.store.store_helpers import H1, H2, H5, PG_URL, staffing_csv, wipe, write_manifest


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    if not PG_URL:
        pytest.skip("ATLAS_TEST_DATABASE_URL is not set (.ci/run starts PostgreSQL and sets it)")
    wipe(PG_URL)
    return PG_URL


@pytest.fixture
def store(store_url):
    s = Store(store_url, auto_migrate=True)
    yield s
    s.close()


@pytest.fixture
def manifest(tmp_path, units):
    return write_manifest(tmp_path / "tiny", units=units)


def _filled(dataset, code: str) -> float:
    return float(dataset.hromadas.set_index("code").loc[code, "social_work_specialist_filled"])


def test_published_dataset_equals_the_files(store, manifest):
    published = store.publish(store.prepare_manifest(manifest, period="2025-Q2", periods={"population": "2022-01-01"}))
    assert sorted(p.kind for p in published) == ["boundaries:hromada", "population", "staffing", "units"]
    assert all(p.version == 1 and p.current for p in published)
    staffing = next(p for p in published if p.kind == "staffing")
    assert (staffing.period, staffing.synthetic, staffing.rows) == ("2025-Q2", True, 5)

    from_store, from_files = store.dataset(), load_dataset(manifest)
    pd.testing.assert_frame_equal(from_store.hromadas, from_files.hromadas)
    pd.testing.assert_frame_equal(from_store.units, from_files.units)
    for kind in from_files.figures:
        pd.testing.assert_frame_equal(from_store.figures[kind], from_files.figures[kind])
    a, b = from_store.boundaries["hromada"], from_files.boundaries["hromada"]
    assert list(a.columns) == list(b.columns)
    assert a.geometry.geom_equals_exact(b.geometry, 1e-12).all()
    assert a["geometry_full"].geom_equals_exact(b["geometry_full"], 1e-12).all()
    assert from_store.reference_dates == {"population": "2022-01-01", "staffing": "2025-Q2"}
    assert from_store.sources["staffing"] == "hand-made, synthetic"


def test_a_file_with_errors_publishes_nothing(store, tmp_path, units):
    bad = staffing_csv().replace(
        f"{H2};Фахівець із соціальної роботи;6;5", f"{H2};Фахівець із соціальної роботи;6;п'ять"
    )
    manifest = write_manifest(tmp_path / "bad", staffing=bad, units=units)
    with pytest.raises(PublishRefused) as refused:
        store.prepare_manifest(manifest, period="2025-Q2")
    assert "staffing" in str(refused.value) and "row 3" in str(refused.value)
    assert any(r.errors for r in refused.value.reports)
    assert store.publications() == [] and store.revision() == 0


def test_a_failure_half_way_leaves_the_previous_state(store, manifest, tmp_path, units, monkeypatch):
    store.publish(store.prepare_manifest(manifest, period="2025-Q2"))
    before = [(p.id, p.kind, p.version) for p in store.publications()]
    calls = {"n": 0}
    original = Store._insert_rows

    def failing(conn, target, rows):
        calls["n"] += 1
        if target.name == "figures" and calls["n"] > 1:
            raise OSError("disk full")
        return original(conn, target, rows)

    monkeypatch.setattr(Store, "_insert_rows", staticmethod(failing))
    population = f"Код КАТОТТГ;Чисельність населення\n{H1};11000\n"
    changed = write_manifest(
        tmp_path / "v2", staffing=staffing_csv((9, 9, 9, 9, 9)), population=population, units=units
    )
    # population is written first, then staffing fails: the population must not stay published either
    prepared = store.prepare_manifest(changed, period="2025-Q2", kinds=["population", "staffing"])
    with pytest.raises(OSError, match="disk full"):
        store.publish(prepared)
    assert [(p.id, p.kind, p.version) for p in store.publications()] == before
    assert _filled(store.dataset(), H2) == 5


def test_retracting_restores_the_version_before(store, manifest, tmp_path, units):
    store.publish(store.prepare_manifest(manifest, period="2025-Q2"), by="olena")
    v2 = write_manifest(tmp_path / "v2", staffing=staffing_csv((1, 7, 3, 2, 1)), units=units)
    (second,) = store.publish(store.prepare_manifest(v2, period="2025-Q2", kinds=["staffing"]), by="taras")
    assert second.version == 2 and _filled(store.dataset(), H2) == 7
    retracted = store.retract(second.id, by="olena", reason="wrong file")
    assert retracted.status == "retracted" and not retracted.current
    assert _filled(store.dataset(), H2) == 5 and _filled(store.dataset(), H5) == 0
    current = {p.kind: p for p in store.publications() if p.current}
    assert current["staffing"].version == 1
    log = store.audit_entries()
    assert list(log["action"])[:2] == ["retract", "publish"]
    assert log.iloc[0]["actor"] == "olena" and "wrong file" in log.iloc[0]["detail"]
    with pytest.raises(LookupError, match="already retracted"):
        store.retract(second.id)


def test_an_unchanged_table_is_not_published_again(store, manifest):
    store.publish(store.prepare_manifest(manifest, period="2025-Q2"))
    revision = store.revision()
    assert store.publish(store.prepare_manifest(manifest, period="2025-Q2")) == []
    assert store.revision() == revision


def test_dataset_as_it_stood_at_a_period(store, manifest, tmp_path, units):
    store.publish(store.prepare_manifest(manifest, period="2025-Q1", periods={"population": "2022-01-01"}))
    q2 = write_manifest(tmp_path / "q2", staffing=staffing_csv((2, 6, 3, 2, 1)), units=units)
    store.publish(store.prepare_manifest(q2, period="2025-Q2", kinds=["staffing"]))
    assert store.periods() == ["2025-Q1", "2025-Q2"]
    assert _filled(store.dataset("2025-Q1"), H2) == 5
    assert _filled(store.dataset("2025-Q2"), H2) == 6
    assert _filled(store.dataset(), H2) == 6
    # population of 1 Jan 2022 holds for both quarters
    assert store.dataset("2025-Q1").hromadas.set_index("code").loc[H1, "population"] == 10000
    with pytest.raises(LookupError, match="nothing is published"):
        store.dataset("2021-Q4")


def test_a_period_is_required_when_the_manifest_has_none(store, manifest):
    with pytest.raises(ValueError, match="staffing: no reference period; give --period"):
        store.prepare_manifest(manifest)


def test_someone_else_published_while_yours_was_checked(store, manifest, tmp_path, units):
    mine = store.prepare_manifest(manifest, period="2025-Q2", kinds=["staffing"])
    other = write_manifest(tmp_path / "other", staffing=staffing_csv((1, 8, 3, 2, 0)), units=units)
    theirs = store.prepare_manifest(other, period="2025-Q2", kinds=["staffing"])
    store.publish(theirs, by="taras")
    with pytest.raises(PublishConflict, match="published by taras") as conflict:
        store.publish(mine, by="olena")
    assert "nothing of yours was published" in str(conflict.value)
    assert [(p.version, p.published_by) for p in store.publications()] == [(1, "taras")]


def test_two_analysts_publishing_the_same_period_at_once(store, store_url, manifest, tmp_path, units):
    """Two stores (two connections) publish at the same instant: exactly one wins, the other is told."""
    stores = [store, Store(store_url)]
    other = write_manifest(tmp_path / "other", staffing=staffing_csv((1, 8, 3, 2, 0)), units=units)
    for attempt in range(3):
        period = f"2025-Q{attempt + 1}"
        prepared = [
            stores[0].prepare_manifest(manifest, period=period, kinds=["staffing"]),
            stores[1].prepare_manifest(other, period=period, kinds=["staffing"]),
        ]
        barrier, outcomes = threading.Barrier(2), [None, None]

        def run(i, barrier=barrier, outcomes=outcomes, prepared=prepared):
            barrier.wait()
            try:
                stores[i].publish(prepared[i], by=f"analyst{i}")
                outcomes[i] = "published"
            except PublishConflict:
                outcomes[i] = "told"

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(outcomes) == ["published", "told"], outcomes
        versions = [p for p in stores[0].publications() if p.period == period]
        assert [p.version for p in versions] == [1]
    stores[1].close()


def test_an_unmigrated_database_says_which_command_to_run(store_url):
    if store_url.startswith("sqlite"):
        store_url = store_url.replace("store.sqlite3", "fresh.sqlite3")
    with pytest.raises(db.SchemaOutdated, match=r"has no atlas tables yet.*Run: python app.py migrate"):
        Store(store_url)
    store = Store(store_url, auto_migrate=True)
    assert db.schema_revision(store.engine) == db.head_revision()


def test_an_unreachable_database_is_named_without_its_password():
    with pytest.raises(db.StoreUnavailable) as error:
        Store("postgresql+psycopg://atlas:s3cret@127.0.0.1:1/atlas")
    message = str(error.value)
    assert "cannot reach the database at postgresql+psycopg://atlas:***@127.0.0.1:1/atlas" in message
    assert "s3cret" not in message


def _open_new_store(path: str, barrier, answers) -> None:
    """A worker starting on a new store (what each gunicorn worker does on its first start)."""
    from store.store import Store

    barrier.wait()
    try:
        Store(f"sqlite:///{path}", auto_migrate=True)
        answers.put("ok")
    except Exception as exc:  # noqa: BLE001 - the test's answer
        answers.put(f"{type(exc).__name__}: {exc}")


def test_two_workers_that_start_on_a_new_store_at_once_both_start(tmp_path):
    """Two gunicorn workers on a new SQLite store: one died with "database is locked" (turning the new file to
    WAL, then migrating in a deferred transaction), and gunicorn stopped ("Worker failed to boot"). Reproduced
    in every try of 8 before the fix."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    for attempt in range(3):
        barrier, answers = context.Barrier(2), context.Queue()
        path = str(tmp_path / f"new{attempt}.sqlite3")
        workers = [context.Process(target=_open_new_store, args=(path, barrier, answers)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        assert [answers.get(timeout=5) for _ in workers] == ["ok", "ok"]


def test_a_sqlite_store_is_asked_its_revision_again_only_when_its_file_changed(tmp_path, manifest, units):
    """The revision is read on every request: a SQLite store answers from two ``stat`` calls while its file and
    write-ahead log are unchanged, and sees at once what another process (another engine) publishes or retracts."""
    from sqlalchemy import event

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    serving, other = Store(url, auto_migrate=True), Store(url, auto_migrate=True)
    asked = []
    event.listen(serving.engine, "before_cursor_execute", lambda *a: asked.append(a[2]))
    try:
        assert serving.revision() == 0
        for _ in range(5):
            assert serving.revision() == 0
        assert sum("audit_log" in q for q in asked) == 1
        other.publish(other.prepare_manifest(manifest, period="2025-Q2"))
        published = serving.revision()
        assert published > 0 and published == other.revision()
        v2 = write_manifest(tmp_path / "v2", staffing=staffing_csv((1, 7, 3, 2, 1)), units=units)
        (second,) = other.publish(other.prepare_manifest(v2, period="2025-Q2", kinds=["staffing"]))
        assert serving.revision() > published
        before = serving.revision()
        other.retract(second.id)
        assert serving.revision() > before
        assert serving.revision() == serving._ask_revision()
    finally:
        serving.close()
        other.close()
