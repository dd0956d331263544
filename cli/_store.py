"""What the store commands share: opening the store with a clear message when it cannot be used."""

from __future__ import annotations

import sys

__all__ = ["EXIT_STORE", "open_or_explain"]

#: Exit status when the database cannot be reached or is not migrated.
EXIT_STORE = 3


def open_or_explain(**options):
    """The :class:`store.Store` of ``ATLAS_DATABASE_URL`` (or the app's SQLite file), or None after printing why not."""
    from store import Store, StoreError

    try:
        return Store(**options)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
