"""What the store commands share: opening the store, running one action on it, and the exit status of failures."""

from __future__ import annotations

import sys
from collections.abc import Callable

from core.text import issue_text

__all__ = ["EXIT_STORE", "open_or_explain", "run_on_store"]

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


def _message(exc: Exception, lang: str) -> str:
    from loaders.messages import MessageError
    from store import PublicationLookup, PublishConflict

    if isinstance(exc, (PublishConflict, PublicationLookup, MessageError)):  # said by code: in ``lang``
        return issue_text(exc.message, lang)
    # a LookupError's str() quotes its message (KeyError); its first argument is the sentence
    return str(exc.args[0]) if isinstance(exc, LookupError) and exc.args else str(exc)


def run_on_store(
    action: Callable[..., int], expected: tuple[type[Exception], ...] = (), lang: str = "en", **options
) -> int:
    """Open the store, run ``action(store)`` and close it; its return value is the exit status.

    A failure the user can act on (``expected``, e.g. an unknown publication) is printed as
    ``error: …`` (a publication's conflict or look-up in ``lang``) with status 1; a database failure
    (:class:`store.StoreError`) with :data:`EXIT_STORE`. The store is closed in every case.
    """
    from store import StoreError

    store = open_or_explain(**options)
    if store is None:
        return EXIT_STORE
    try:
        return action(store)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except expected as exc:
        print(f"error: {_message(exc, lang)}", file=sys.stderr)
        return 1
    finally:
        store.close()
