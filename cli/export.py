"""``python app.py export``: the gap tables of a dataset to a formatted workbook, or one table to CSV.

    python app.py export --out atlas.xlsx [--data MANIFEST] [--assumptions FILE]
                         [--scenario FILE] [--level oblast|raion|hromada] [--lang uk|en]
    python app.py export --out hromadas.csv --level hromada

``--scenario FILE`` applies a scenario first (see :func:`loaders.read_scenario`).
``.xlsx``: the cover, Ukraine and oblasts, the gap table of ``--level``
(hromadas by default), the funding plan when one is made, the assumptions
and the data quality of every input file. ``.csv``: the table of
``--level`` alone. The file is written to a temporary file in the same
folder and renamed when complete, so a failed export never leaves a
half-written file. Prints where it wrote and a one-line summary; exits with
status 2 and a message naming the problem on bad input.

``app.py`` wires it in with :func:`add_parser`; ``python -m cli.export
--out FILE`` runs it on its own.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from metrics.assumptions import Assumptions

from ._period import add_data_arguments

__all__ = ["add_parser", "main", "run_export"]

_SUFFIXES = (".xlsx", ".csv")


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--out", type=Path, required=True, help="file to write: .xlsx (every sheet) or .csv (one table)"
    )
    add_data_arguments(parser)
    parser.add_argument("--scenario", type=Path, default=None, help="scenario file (TOML) applied before the export")
    parser.add_argument(
        "--level",
        choices=("oblast", "raion", "hromada"),
        default="hromada",
        help="gap table to write besides Ukraine and oblasts (.xlsx), or the table (.csv); default hromada",
    )
    parser.add_argument("--lang", choices=("uk", "en"), default="uk", help="headers and labels (default uk)")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="UAH",
        help="also write a funding plan: the new positions this yearly budget (UAH) buys first",
    )
    parser.add_argument(
        "--objective",
        choices=("coverage", "equity"),
        default="coverage",
        help="of the funding plan: most people covered (default) or the worst-off hromadas first",
    )
    parser.set_defaults(func=run_export)
    return parser


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``export`` command to ``subparsers`` (of ``app.py``'s parser); returns its parser."""
    parser = subparsers.add_parser(
        "export",
        help="write the gap tables to a formatted .xlsx workbook, or one table to .csv",
        description="Write the gap tables of a dataset to a formatted .xlsx workbook, or one table to .csv.",
    )
    return _configure(parser)


def _scenario(path: Path, dataset, assumptions: Assumptions):
    """(dataset, assumptions, name) with the scenario of ``path`` applied (``metrics.apply_scenario``)."""
    import dataclasses

    from loaders import read_scenario
    from metrics import apply_scenario

    scenario = read_scenario(Path(path), assumptions)
    try:
        hromadas = apply_scenario(dataset.hromadas, dataset.units, scenario)
    except ValueError as exc:
        raise ValueError(f"scenario file {Path(path).name}: {exc}") from None
    return dataclasses.replace(dataset, hromadas=hromadas), scenario.assumptions, scenario.name


def run_export(args: argparse.Namespace) -> int:
    """Run the export command; 0 on success, 2 with a message on stderr on bad input."""
    from exports import build_export, write_atomic
    from loaders import DEMO_MANIFEST, read_assumptions
    from store import StoreError

    from ._period import load_data
    from ._store import EXIT_STORE

    out = Path(args.out)
    try:
        if out.suffix.lower() not in _SUFFIXES:
            raise ValueError(f"--out must end in .xlsx or .csv, got {str(out)!r}")
        folder = out.parent if str(out.parent) else Path(".")
        if not folder.is_dir():
            raise FileNotFoundError(f"--out: folder does not exist: {folder}")
        if out.is_dir():
            raise ValueError(f"--out is a folder, expected a file name: {out}")
        from_store = args.data is None and bool(args.period)
        manifest = None if from_store else Path(args.data or os.environ.get("ATLAS_DATA") or DEMO_MANIFEST)
        assumptions_path = args.assumptions or os.environ.get("ATLAS_ASSUMPTIONS") or None
        dataset, period = load_data(manifest, args.period)
        assumptions = read_assumptions(Path(assumptions_path) if assumptions_path else None)
        scenario = None
        if args.scenario is not None:
            dataset, assumptions, scenario = _scenario(args.scenario, dataset, assumptions)
        export = build_export(
            dataset,
            assumptions,
            lang=args.lang,
            level=args.level,
            manifest=manifest,
            assumptions_path=Path(assumptions_path) if assumptions_path else None,
            scenario=scenario,
            budget=args.budget,
            objective=args.objective,
            period=period,
        )
        content = export.xlsx() if out.suffix.lower() == ".xlsx" else export.csv()
        write_atomic(out, content)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if out.suffix.lower() == ".xlsx":
        sheets = len(export.sheets) + 1
        print(f"Wrote {out.resolve()} ({sheets} sheets, {len(content):,} bytes)")
    else:
        print(f"Wrote {out.resolve()} (one table: {export.main.title}, {len(export.main.table):,} rows)")
    print(export.summary)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m cli.export --out FILE ...``: the export command on its own."""
    parser = _configure(
        argparse.ArgumentParser(prog="python -m cli.export", description="Export the atlas's gap tables.")
    )
    return run_export(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
