"""Boundaries as PostGIS geometry on a PostgreSQL server that has PostGIS; WKB on SQLite."""

from __future__ import annotations

import pytest
import shapely
import sqlalchemy as sa

from loaders import load_dataset
from store import Store
from tests.store.store_helpers import H3, PG_URL, wipe, write_manifest


def _postgis_url() -> str:
    if not PG_URL:
        pytest.skip("ATLAS_TEST_DATABASE_URL is not set (.ci/run starts PostgreSQL and sets it)")
    engine = sa.create_engine(PG_URL)
    with engine.connect() as conn:
        available = conn.execute(sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'"))
        if not available.scalar():
            pytest.skip("this PostgreSQL server has no PostGIS (Debian package postgis): geometry stays WKB")
    engine.dispose()
    wipe(PG_URL)
    return PG_URL


def test_boundaries_are_postgis_geometry_the_database_can_query(tmp_path, units):
    url = _postgis_url()
    store = Store(url, auto_migrate=True)
    try:
        assert store.postgis
        manifest = write_manifest(tmp_path / "m", units=units)
        store.publish(store.prepare_manifest(manifest, period="2025-Q2"), by="olena")
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT ST_SRID(geometry), GeometryType(geometry), ST_Area(geometry_full) FROM boundaries")
            ).all()
            assert {tuple(r) for r in rows} == {(4326, "POLYGON", 1.0)}  # five unit squares, EPSG:4326
            inside = conn.execute(
                sa.text(
                    "SELECT code FROM boundaries WHERE ST_Contains(geometry, ST_SetSRID(ST_Point(2.5, 48.5), 4326))"
                )
            ).scalars()
            assert list(inside) == [H3]  # the third square: the database answers spatial questions itself
            index = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_boundaries_geometry'"))
            assert "gist" in index.scalar()
        engine.dispose()
        expected = load_dataset(manifest).boundaries["hromada"]
        served = store.dataset().boundaries["hromada"]
        assert served["code"].tolist() == expected["code"].tolist()
        assert shapely.equals(served.geometry.values, expected.geometry.values).all()
        assert served.crs.to_epsg() == 4326
    finally:
        store.close()


def test_sqlite_keeps_wkb(tmp_path, units):
    store = Store(f"sqlite:///{tmp_path / 'atlas.sqlite3'}", auto_migrate=True)
    try:
        assert not store.postgis
        manifest = write_manifest(tmp_path / "m", units=units)
        store.publish(store.prepare_manifest(manifest, period="2025-Q2"), by="olena")
        served = store.dataset().boundaries["hromada"]
        expected = load_dataset(manifest).boundaries["hromada"].geometry.values
        assert shapely.equals(served.geometry.values, expected).all()
    finally:
        store.close()
