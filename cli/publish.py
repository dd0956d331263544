"""The ``publish`` command: validate a dataset's files and publish them into the store.

    python app.py publish --data MANIFEST [--period 2025-Q2] [--only KIND ...] [--by NAME] [--lang uk|en]

Every file the manifest names is read and validated first; if any has
errors nothing is published and every report is printed. Otherwise every
table is written in one transaction, each as a new version of its kind and
reference period (``--period``, or each table's reference date in the
manifest). What it prints is in ``--lang`` (default Ukrainian): the reports,
what was published and what was not. A table identical to the current version of its kind and period
is not published again. If someone else publishes the same kind and period
while yours is being checked, nothing of yours is written and you are told.

Exit status: 0 published (or nothing changed), 1 a file has errors or
someone else published first, 2 bad arguments, 3 the database cannot be
reached or is not migrated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._store import run_on_store

__all__ = ["add_parser", "run_publish"]

_ONLY = ("units", "boundaries", "population", "idp", "staffing", "caseload", "status")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "publish",
        help="validate a dataset and publish it into the store (one transaction; nothing if any file has errors)",
        description=(
            "Validate every file of a dataset manifest and publish its tables into the store "
            "(ATLAS_DATABASE_URL, default the app's SQLite file) for a reference period."
        ),
    )
    parser.add_argument("--data", type=Path, required=True, metavar="MANIFEST", help="dataset manifest (TOML)")
    parser.add_argument(
        "--period",
        default=None,
        help="reference period of the tables: a quarter (2025-Q2) or a date (2025-04-30); "
        "default: each table's reference date in the manifest",
    )
    parser.add_argument(
        "--only", nargs="+", choices=_ONLY, default=None, metavar="KIND", help=f"publish only these: {', '.join(_ONLY)}"
    )
    parser.add_argument("--by", default=None, help="who publishes (default: the login name)")
    parser.add_argument("--lang", choices=("uk", "en"), default="uk", help="language of what it prints (default uk)")
    parser.set_defaults(func=run_publish)
    return parser


def run_publish(args: argparse.Namespace) -> int:
    from core.text import t
    from loaders import FileReport
    from store import PublishConflict, PublishRefused, parse_period

    lang = getattr(args, "lang", "uk")

    if args.period is not None:
        try:
            parse_period(args.period)
        except ValueError as exc:
            print(f"error: --period: {exc}", file=sys.stderr)
            return 2

    def publish(store) -> int:
        try:
            prepared = store.prepare_manifest(args.data, args.period, kinds=args.only)
            published = store.publish(prepared, by=args.by)
        except PublishRefused as refused:
            for report in refused.reports:
                print(FileReport.from_report(report).summary(lang))
            print(t("publish_refused", lang, count=sum(1 for r in refused.reports if r.errors)))
            return 1
        unchanged = len(prepared.tables) - len(published)
        for p in published:
            words = {"id": str(p.id), "kind": p.kind, "period": p.period, "version": str(p.version)}
            print(t("publish_published", lang, **words, rows=p.rows, warnings=p.warnings))
        if unchanged:
            print(t("publish_unchanged", lang, count=unchanged))
        print(t("publish_store", lang, url=store.display_url))
        return 0

    # a manifest's mistake (ValueError) is the user's to fix: said, not a traceback
    return run_on_store(publish, expected=(PublishConflict, ValueError), lang=lang)
