"""The ``brief`` command: one-page PDF briefs from the command line.

    python app.py brief --unit CODE|UA --out FILE.pdf [--lang uk|en] [--data MANIFEST] [--period P]
    python app.py brief --plan --budget UAH [allocate options, --years N among them] --out FILE.pdf
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

from ._period import add_data_arguments

__all__ = ["add_parser", "run_brief"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``brief`` command to ``subparsers`` (of ``app.py``'s parser)."""
    from .allocate import add_plan_arguments

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
    add_data_arguments(parser)
    plan = parser.add_argument_group("funding plan (with --plan; the options of the allocate command)")
    plan.add_argument("--budget", type=float, default=None, metavar="UAH", help="budget of the whole programme")
    add_plan_arguments(plan)
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


def run_brief(args: argparse.Namespace) -> int:
    """Run ``brief``: 0 when the PDF (or every oblast's) was written.

    Raises ``FileNotFoundError`` / ``ValueError`` for a missing file or an
    invalid argument (``app.py`` prints them and exits with 2).
    """
    from core.text import t
    from exports.brief import brief_source, plan_brief_pdf, unit_brief_pdf, write_oblast_briefs
    from exports.files import write_atomic
    from loaders import read_assumptions
    from store import StoreError

    from ._period import load_data
    from ._store import EXIT_STORE

    _check(args)
    try:
        dataset, period = load_data(args.data, args.period)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE
    assumptions = read_assumptions(args.assumptions)
    source = brief_source(dataset, assumptions, period=period)
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

        from .allocate import _funding_options, _solver_output_to_stderr, allocate_keywords

        assumptions = _funding_options(assumptions, args)
        options = allocate_keywords(args, dataset.units)
        with _solver_output_to_stderr():
            plan = allocate(dataset.hromadas, dataset.units, assumptions, args.budget, args.objective, **options)
        source = brief_source(dataset, assumptions, period=period)
        content = plan_brief_pdf(source, plan, args.lang, options=options)
    else:
        content = unit_brief_pdf(source, args.unit, args.lang)
    write_atomic(args.out, content)
    print(t("brief_cli_wrote", args.lang).format(path=args.out))
    return 0
