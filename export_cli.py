"""``python app.py export``: the gap tables of a dataset to a formatted workbook, or one table to CSV.

    python app.py export --out atlas.xlsx [--data MANIFEST] [--assumptions FILE]
                         [--scenario FILE] [--level oblast|raion|hromada] [--lang uk|en]
    python app.py export --out hromadas.csv --level hromada

``--scenario FILE`` applies a scenario first (see :func:`read_scenario_file`).
``.xlsx``: the cover, Ukraine and oblasts, the gap table of ``--level``
(hromadas by default), the funding plan when one is made, the assumptions
and the data quality of every input file. ``.csv``: the table of
``--level`` alone. The file is written to a temporary file in the same
folder and renamed when complete, so a failed export never leaves a
half-written file. Prints where it wrote and a one-line summary; exits with
status 2 and a message naming the problem on bad input.

``app.py`` wires it in with :func:`add_export_parser`; ``python
export_cli.py --out FILE`` runs it on its own.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["add_export_parser", "main", "read_scenario_file", "run_export"]

_SUFFIXES = (".xlsx", ".csv")


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--out", type=Path, required=True, help="file to write: .xlsx (every sheet) or .csv (one table)"
    )
    parser.add_argument("--data", type=Path, default=None, help="dataset manifest (TOML); default: the demo")
    parser.add_argument(
        "--assumptions", type=Path, default=None, help="planning assumptions (TOML); default: data/assumptions.toml"
    )
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


def add_export_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``export`` command to ``subparsers`` (of ``app.py``'s parser); returns its parser."""
    parser = subparsers.add_parser(
        "export",
        help="write the gap tables to a formatted .xlsx workbook, or one table to .csv",
        description="Write the gap tables of a dataset to a formatted .xlsx workbook, or one table to .csv.",
    )
    return _configure(parser)


_SCENARIO_KEYS = {"name", "assumptions", "idp_changes", "position_changes"}


def _merge(base: dict, changes: dict) -> dict:
    out = dict(base)
    for key, value in changes.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def read_scenario_file(path: Path, assumptions):
    """A scenario (TOML) as a ``metrics.Scenario`` on top of ``assumptions``.

    The file may hold ``name``; an ``[assumptions]`` table with the keys of
    the assumptions file to change (e.g. ``[assumptions.norm] idp_weight =
    0.5``); ``[[idp_changes]]`` with ``area`` (oblast code or ``"UA"``),
    ``percent`` and/or ``absolute``; ``[[position_changes]]`` with ``code``,
    ``role``, ``filled`` and optional ``approved``. Every problem is reported
    with the key that has it.

    This reader stands in until ``loaders`` reads scenario files itself
    (``loaders.read_scenario`` is used when it exists).
    """
    import tomllib

    from metrics import IdpChange, PositionChange, Scenario, assumptions_from_dict

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"scenario file not found: {path}")
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"scenario file {path.name}: not valid TOML ({exc})") from None
    where = f"scenario file {path.name}"
    unknown = sorted(set(spec) - _SCENARIO_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (expected {', '.join(sorted(_SCENARIO_KEYS))})")
    changes = spec.get("assumptions", {})
    if not isinstance(changes, dict):
        raise ValueError(f"{where}: 'assumptions' must be a table of the assumptions file's keys, got {changes!r}")
    if changes:
        assumptions = assumptions_from_dict(_merge(assumptions.to_dict(), changes), where=f"{where} [assumptions]")
    built = {}
    for key, make, fields in (
        ("idp_changes", IdpChange, ("area", "percent", "absolute")),
        ("position_changes", PositionChange, ("code", "role", "filled", "approved")),
    ):
        items = spec.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError(f"{where}: '{key}' must be an array of tables ([[{key}]]), got {items!r}")
        built[key] = []
        for i, item in enumerate(items, start=1):
            extra = sorted(set(item) - set(fields))
            if extra:
                raise ValueError(
                    f"{where}: {key}[{i}]: unknown key(s) {', '.join(extra)} (expected {', '.join(fields)})"
                )
            try:
                built[key].append(make(**item))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{where}: {key}[{i}]: {exc}") from None
    return Scenario(
        name=str(spec.get("name") or path.stem),
        assumptions=assumptions,
        idp_changes=tuple(built["idp_changes"]),
        position_changes=tuple(built["position_changes"]),
    )


def _scenario(path: Path, dataset, assumptions):
    """(dataset, assumptions, name) with the scenario of ``path`` applied (``metrics.apply_scenario``)."""
    import dataclasses

    import loaders
    from metrics import apply_scenario

    read = getattr(loaders, "read_scenario", None) if "read_scenario" in loaders.__all__ else None
    scenario = read(Path(path), assumptions) if read is not None else read_scenario_file(Path(path), assumptions)
    try:
        hromadas = apply_scenario(dataset.hromadas, dataset.units, scenario)
    except ValueError as exc:
        raise ValueError(f"scenario file {Path(path).name}: {exc}") from None
    return dataclasses.replace(dataset, hromadas=hromadas), scenario.assumptions, scenario.name


def run_export(args: argparse.Namespace) -> int:
    """Run the export command; 0 on success, 2 with a message on stderr on bad input."""
    from exports import build_export, write_atomic
    from loaders import DEMO_MANIFEST, load_dataset, read_assumptions

    out = Path(args.out)
    try:
        if out.suffix.lower() not in _SUFFIXES:
            raise ValueError(f"--out must end in .xlsx or .csv, got {str(out)!r}")
        folder = out.parent if str(out.parent) else Path(".")
        if not folder.is_dir():
            raise FileNotFoundError(f"--out: folder does not exist: {folder}")
        if out.is_dir():
            raise ValueError(f"--out is a folder, expected a file name: {out}")
        manifest = Path(args.data or os.environ.get("ATLAS_DATA") or DEMO_MANIFEST)
        assumptions_path = args.assumptions or os.environ.get("ATLAS_ASSUMPTIONS") or None
        dataset = load_dataset(manifest)
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
        )
        content = export.xlsx() if out.suffix.lower() == ".xlsx" else export.csv()
        write_atomic(out, content)
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
    """``python export_cli.py --out FILE ...``: the export command on its own."""
    parser = _configure(argparse.ArgumentParser(prog="export_cli.py", description="Export the atlas's gap tables."))
    return run_export(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
