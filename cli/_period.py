"""``--period P`` of ``export``, ``allocate`` and ``brief``: the data published for a period, from the store.

Without ``--data``, ``--period P`` reads the dataset as it stood at the end
of the published period P from the store (``ATLAS_DATABASE_URL``, else the
app's SQLite file), the same data the dashboard shows for P. A period that
is not published is refused with the list of those that are. An empty store
first gets the demo, as the first ``python app.py`` does. With ``--data``,
the files are read and P only names their period.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["PeriodError", "add_data_arguments", "load_data", "published_period"]


class PeriodError(ValueError):
    """The period asked for is not one of those published (the message lists them)."""


def published_period(period: str, store=None):
    """``(dataset, label)``: the dataset as it stood at the published period ``period``.

    Raises
    ------
    PeriodError
        ``period`` is not a period, or no table is published for it (the
        message names the periods that are).
    store.StoreError
        The database cannot be reached or is not migrated.
    """
    from store import Store, parse_period, publish_demo

    own = store is None
    store = Store() if own else store
    try:
        if store.is_empty():
            print(f"the store at {store.display_url} is empty: publishing the demo into it first", file=sys.stderr)
            publish_demo(store)
        periods = store.periods()
        try:
            label = parse_period(period).label
        except ValueError as exc:
            raise PeriodError(f"--period: {exc}; published periods: {', '.join(periods) or 'none'}") from None
        if label not in periods:
            raise PeriodError(
                f"--period {period}: nothing is published for that period; "
                f"published periods: {', '.join(periods) or 'none'} (see python app.py datasets)"
            )
        return store.dataset(label), label
    finally:
        if own:
            store.close()


def load_data(data: Path | None, period: str | None, default: Path | None = None):
    """``(dataset, period label)`` for a command: the files of ``data``, a published ``period``, or ``default``.

    With ``data`` the files are read and ``period`` (if any) only labels them.
    """
    from loaders import DEMO_MANIFEST, load_dataset

    if data is not None or not period:
        return load_dataset(data or default or DEMO_MANIFEST), period
    return published_period(period)


def add_data_arguments(parser) -> None:
    """``--data``, ``--period`` and ``--assumptions``: where a command's figures come from (see :func:`load_data`)."""
    parser.add_argument("--data", type=Path, default=None, help="dataset manifest (TOML); default: the demo")
    parser.add_argument(
        "--period",
        default=None,
        metavar="P",
        help=(
            "a published period (e.g. 2025-Q3): read the data as it stood then from the store "
            "(ATLAS_DATABASE_URL or the app's SQLite file); with --data it only names the files' period"
        ),
    )
    parser.add_argument(
        "--assumptions", type=Path, default=None, help="planning assumptions (TOML); default: data/assumptions.toml"
    )
