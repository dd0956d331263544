"""The ``brief`` command: one-page PDF briefs from the command line.

    python app.py brief --unit CODE|UA --out FILE.pdf [--lang uk|en] [--data MANIFEST] [--period P]
    python app.py brief --plan --budget UAH [--years N] [allocate options] --out FILE.pdf
    python app.py brief --all-oblasts --out-dir DIR [--lang uk|en]

``--unit`` takes ``UA`` (Ukraine), a KATOTTG code or a COD-AB P-code of an
oblast or a hromada. ``--plan`` takes the options of ``allocate`` and
briefs the plan it makes. ``--all-oblasts`` writes one brief per oblast
(``<P-code>_<lang>.pdf``) with a progress bar on the terminal.

File I/O and printing live here; the brief's content in :mod:`exports.brief`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run_brief"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``brief`` command to ``subparsers`` (of ``app.py``'s parser)."""
    from metrics import EQUITY_MEASURES, OBJECTIVES, ROLES

    parser = subparsers.add_parser(
        "brief",
        help="one-page PDF brief of Ukraine, an oblast, a hromada or a funding plan",
        description=(
            "Write a one-page A4 brief (PDF, Ukrainian or English) for donors and ministry leadership: "
            "Ukraine, an oblast or a hromada (--unit), a funding plan (--plan with the allocate options), "
            "or every oblast at once (--all-oblasts --out-dir DIR)."
        ),
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--unit", metavar="CODE|UA", help="UA, or a KATOTTG code or P-code of an oblast or hromada")
    what.add_argument("--plan", action="store_true", help="brief of a funding plan (give --budget)")
    what.add_argument("--all-oblasts", action="store_true", help="one brief per oblast into --out-dir")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE.pdf", help="the PDF to write")
    parser.add_argument("--out-dir", type=Path, default=None, metavar="DIR", help="folder for --all-oblasts")
    parser.add_argument("--lang", choices=("uk", "en"), default="uk", help="language (default: uk)")
    parser.add_argument("--data", type=Path, default=None, help="dataset manifest (TOML); default: the demo")
    parser.add_argument(
        "--assumptions", type=Path, default=None, help="planning assumptions (TOML); default: data/assumptions.toml"
    )
    parser.add_argument("--period", default=None, metavar="P", help="period printed on the brief (default: the dates)")
    plan = parser.add_argument_group("funding plan (with --plan; the options of the allocate command)")
    plan.add_argument("--budget", type=float, default=None, metavar="UAH", help="yearly budget for new positions")
    plan.add_argument("--years", type=int, default=1, metavar="N", help="years the plan runs (default 1)")
    plan.add_argument("--objective", choices=OBJECTIVES, default="coverage", help="default: coverage")
    plan.add_argument("--equity-measure", choices=EQUITY_MEASURES, default="residents_per_worker")
    plan.add_argument("--roles", nargs="+", choices=ROLES, default=None, help="roles that may be funded")
    plan.add_argument("--allow-above-gap", action="store_true", help="allow more positions than a hromada's gap")
    plan.add_argument("--min-one-worker", action="store_true", help="every hromada without a worker gets one")
    plan.add_argument("--oblast-cap", action="append", default=[], metavar="CODE=UAH", help="most UAH for one oblast")
    plan.add_argument(
        "--oblast-positions-cap", action="append", default=[], metavar="CODE=N", help="most positions in one oblast"
    )
    plan.add_argument("--exclude-unknown-idp", action="store_true", help="leave out hromadas without an IDP figure")
    plan.add_argument("--time-limit", type=float, default=30.0, metavar="S", help="solver time limit (default 30 s)")
    parser.set_defaults(func=run_brief)
    return parser


def _check(args: argparse.Namespace) -> None:
    if args.all_oblasts:
        if args.out_dir is None:
            raise ValueError("--all-oblasts needs --out-dir DIR")
        return
    if args.out is None:
        raise ValueError("--out FILE.pdf is required (or --all-oblasts with --out-dir DIR)")
    if args.out.suffix.lower() != ".pdf":
        raise ValueError(f"--out must name a .pdf file, got {args.out}")
    if args.plan and args.budget is None:
        raise ValueError("--plan needs --budget UAH")
    if args.plan and args.years < 1:
        raise ValueError(f"--years must be >= 1, got {args.years}")


def _plan_options(args: argparse.Namespace, units) -> dict:
    from .allocate import _caps

    return {
        "equity_measure": args.equity_measure,
        "roles": args.roles,
        "allow_above_gap": args.allow_above_gap,
        "min_one_worker": args.min_one_worker,
        "oblast_budget_caps": _caps(args.oblast_cap, units, "--oblast-cap"),
        "oblast_position_caps": _caps(args.oblast_positions_cap, units, "--oblast-positions-cap"),
        "unknown_idp": "exclude" if args.exclude_unknown_idp else "residents_only",
    }


def run_brief(args: argparse.Namespace) -> int:
    """Run ``brief``: 0 when the PDF (or every oblast's) was written.

    Raises ``FileNotFoundError`` / ``ValueError`` for a missing file or an
    invalid argument (``app.py`` prints them and exits with 2).
    """
    from core.text import t
    from exports.brief import brief_source, plan_brief_pdf, unit_brief_pdf, write_oblast_briefs
    from exports.files import write_atomic
    from loaders import DEMO_MANIFEST, load_dataset, read_assumptions

    _check(args)
    dataset = load_dataset(args.data or DEMO_MANIFEST)
    assumptions = read_assumptions(args.assumptions)
    source = brief_source(dataset, assumptions, period=args.period)
    if args.all_oblasts:
        from tqdm import tqdm

        with tqdm(total=None, desc=t("brief_cli_batch", args.lang), unit="pdf", file=sys.stderr) as bar:

            def progress(done: int, total: int, code: str) -> None:
                bar.total = total
                bar.update(done - bar.n)

            written = write_oblast_briefs(source, args.out_dir, args.lang, progress=progress)
        print(t("brief_cli_wrote", args.lang).format(path=f"{len(written)} PDF -> {args.out_dir}"))
        return 0
    if args.plan:
        from metrics import allocate

        from .allocate import _solver_output_to_stderr

        options = _plan_options(args, dataset.units)
        with _solver_output_to_stderr():
            plan = allocate(
                dataset.hromadas,
                dataset.units,
                assumptions,
                args.budget,
                args.objective,
                time_limit=args.time_limit,
                **options,
            )
        content = plan_brief_pdf(source, plan, args.lang, years=args.years, options=options)
    else:
        content = unit_brief_pdf(source, args.unit, args.lang)
    write_atomic(args.out, content)
    print(t("brief_cli_wrote", args.lang).format(path=args.out))
    return 0
