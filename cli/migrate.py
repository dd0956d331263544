"""The ``migrate`` command: bring the database's schema up to this version of the atlas.

    python app.py migrate            # ATLAS_DATABASE_URL, or the app's SQLite file

Runs the Alembic migrations in ``store/migrations`` (the same as
``alembic upgrade head``). Exit status 0, or 3 when the database cannot be
reached (the message names it without its password).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run_migrate"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "migrate",
        help="create or upgrade the store's tables (ATLAS_DATABASE_URL; default: the app's SQLite file)",
        description="Run the database migrations of the store (store/migrations) up to the newest.",
    )
    parser.set_defaults(func=run_migrate)
    return parser


def run_migrate(args: argparse.Namespace) -> int:
    from store import StoreError, database_url, redact
    from store.db import head_revision, make_engine, migrate, schema_revision

    url = database_url()
    try:
        engine = make_engine(url)
        before = schema_revision(engine)
        after = migrate(engine)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        from ._store import EXIT_STORE

        return EXIT_STORE
    if before == after:
        print(f"{redact(url)}: already at schema revision {after} (the newest, {head_revision()})")
    else:
        print(f"{redact(url)}: migrated from {before or 'an empty database'} to schema revision {after}")
    engine.dispose()
    return 0
