"""The ``retract`` command: withdraw a publication; the version before it is in use again.

    python app.py retract ID [--reason TEXT] [--by NAME]

``ID`` is the number ``python app.py datasets`` shows. The publication stays
in the store (marked retracted, with who and why) and in the audit log.
Exit status 0, 1 when there is no such publication or it is already
retracted, 3 when the database cannot be reached or is not migrated.
"""

from __future__ import annotations

import argparse

from ._store import run_on_store

__all__ = ["add_parser", "run_retract"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "retract",
        help="withdraw a publication (the version before it is in use again)",
        description="Retract a publication of the store by its number (see `python app.py datasets`).",
    )
    parser.add_argument("id", type=int, help="the publication's number")
    parser.add_argument("--reason", default=None, help="why (kept in the store and the audit log)")
    parser.add_argument("--by", default=None, help="who retracts (default: the login name)")
    parser.set_defaults(func=run_retract)
    return parser


def run_retract(args: argparse.Namespace) -> int:
    def retract(store) -> int:
        retracted = store.retract(args.id, by=args.by, reason=args.reason)
        current = [
            p for p in store.publications() if p.current and (p.kind, p.period) == (retracted.kind, retracted.period)
        ]
        print(f"retracted #{retracted.id}: {retracted.kind} {retracted.period} version {retracted.version}")
        if current:
            print(f"in use again: #{current[0].id}, version {current[0].version}")
        else:
            print(f"no other version of {retracted.kind} {retracted.period} is published")
        return 0

    return run_on_store(retract, expected=(LookupError,))
