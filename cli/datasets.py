"""The ``datasets`` command: what is published in the store, and which version of each is in use.

    python app.py datasets [--period 2025-Q2] [--current] [--json]

One line a publication: its number (for ``retract``), kind, reference
period, version, status (``current``, ``superseded`` or ``retracted``),
rows, who published it and when, its source. ``--period`` shows what was
in use at the end of that period; ``--json`` prints one JSON object
(``{"store": url, "publications": [...]}``). Exit status 0, or 3 when the
database cannot be reached or is not migrated.
"""

from __future__ import annotations

import argparse
import json
import sys

from core.text import source_text

from ._store import run_on_store

__all__ = ["add_parser", "run_datasets"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "datasets",
        help="list what is published in the store (versions, periods, who and when)",
        description="List the publications of the store and which version of each kind and period is in use.",
    )
    parser.add_argument("--period", default=None, help="only what was in use at the end of this period")
    parser.add_argument("--current", action="store_true", help="only the versions in use")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_datasets)
    return parser


def _state(p) -> str:
    return "retracted" if p.status == "retracted" else ("current" if p.current else "superseded")


def run_datasets(args: argparse.Namespace) -> int:
    def select(store) -> int:
        publications = store.publications()
        if args.period:
            try:
                chosen = {row.id for row in store.current(args.period).values()}
            except ValueError as exc:
                print(f"error: --period: {exc}", file=sys.stderr)
                return 2
            publications = [p for p in publications if p.id in chosen]
        elif args.current:
            publications = [p for p in publications if p.current]
        _show(publications, store.display_url, args.json)
        return 0

    return run_on_store(select)


def _show(publications, display_url: str, as_json: bool) -> None:
    """Print the publications, one line each (or one JSON object)."""
    if as_json:
        rows = [{**p.to_dict(), "state": _state(p)} for p in publications]
        print(json.dumps({"store": display_url, "publications": rows}, ensure_ascii=False))
        return
    print(f"store: {display_url}")
    if not publications:
        print("nothing is published")
        return
    for p in publications:
        synthetic = ", synthetic" if p.synthetic else ""
        line = (
            f"#{p.id:<4} {p.kind:<19} {p.period:<10} v{p.version:<3} {_state(p):<10} {p.rows:>6} rows  "
            f"{p.published_by} {p.published_at:%Y-%m-%d %H:%M}{synthetic}"
        )
        if p.status == "retracted":
            line += f"  (retracted by {p.retracted_by}: {p.retract_reason or 'no reason given'})"
        print(line)
        if p.source:
            print(f"      source: {source_text(p.source, 'en')}")
