"""The ``allocate`` command: fund new positions for a budget, from the command line.

    python app.py allocate --budget UAH [--data MANIFEST] [--assumptions FILE]
        [--objective coverage|equity] [--out FILE.xlsx] [--json]

``app.py`` wires it in with :func:`add_parser` and dispatches to
:func:`run_allocate`. File I/O lives here, the planning math in ``metrics``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from core.text import format_number, name_column, reason_text, role_label, solver_text, t
from metrics.assumptions import Assumptions

from ._period import add_data_arguments

__all__ = ["add_parser", "add_plan_arguments", "allocate_keywords", "run_allocate"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``allocate`` command to ``subparsers`` (of ``app.py``'s parser)."""
    parser = subparsers.add_parser(
        "allocate",
        help="decide which positions to fund in which hromadas for a budget",
        description=(
            "Fund positions of social work specialists, social workers and psychologists for a donor programme "
            "(years, hand-over and one-off costs in the [funding] assumptions): vacant approved posts first, then "
            "new posts; exactly (mixed-integer program) and with a greedy baseline. Objectives: coverage (people "
            "served to the norm), equity (the worst-off first, by relative shortage) or lifted (hromadas lifted "
            "from no worker). Occupied hromadas are left out unless --include-occupied."
        ),
    )
    parser.add_argument("--budget", type=float, required=True, metavar="UAH", help="budget of the whole programme")
    add_data_arguments(parser)
    add_plan_arguments(parser)
    parser.add_argument("--out", type=Path, default=None, metavar="FILE.xlsx", help="write the allocation to Excel")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--lang", choices=("uk", "en"), default="uk", help="language of the output and of --out (default uk)"
    )
    parser.set_defaults(func=run_allocate)
    return parser


def add_plan_arguments(parser) -> None:
    """The options of a funding plan (objective, programme, constraints): ``allocate`` and ``brief --plan``."""
    from metrics import EQUITY_MEASURES, OBJECTIVES, ROLES

    parser.add_argument("--objective", choices=OBJECTIVES, default="coverage", help="default: coverage")
    parser.add_argument(
        "--equity-measure",
        choices=EQUITY_MEASURES,
        default="norm",
        help="relative shortage for --objective equity: workers / need by the norm, or the WISN ratio (default: norm)",
    )
    parser.add_argument(
        "--served", choices=("people", "children"), default="people", help="whom the need counts (default: people)"
    )
    parser.add_argument("--years", type=int, default=None, metavar="N", help="programme years, 1-5 (default: file)")
    parser.add_argument(
        "--no-fill-vacancies", action="store_true", help="do not fill vacant approved posts first (default: fill)"
    )
    parser.add_argument(
        "--max-hromada-share", type=float, default=None, metavar="S", help="most positions in one hromada, 0-1"
    )
    parser.add_argument(
        "--max-psychologist-share", type=float, default=None, metavar="S", help="most psychologists, share 0-1"
    )
    parser.add_argument("--include-occupied", action="store_true", help="plan for occupied hromadas too")
    parser.add_argument("--exclude-hostilities", action="store_true", help="leave out hromadas of hostilities too")
    parser.add_argument(
        "--roles", nargs="+", choices=ROLES, default=None, help="roles that may be funded (default: all)"
    )
    parser.add_argument(
        "--min-one-worker", action="store_true", help="every hromada without a community social worker gets one"
    )
    parser.add_argument(
        "--oblast-cap",
        action="append",
        default=[],
        metavar="CODE=UAH",
        help="most UAH for one oblast (KATOTTG code or P-code such as UA23); repeatable",
    )
    parser.add_argument(
        "--oblast-positions-cap",
        action="append",
        default=[],
        metavar="CODE=N",
        help="most positions in one oblast; repeatable",
    )
    parser.add_argument(
        "--exclude-unknown-idp",
        action="store_true",
        help="leave out hromadas without an IDP figure (default: count their residents only)",
    )
    parser.add_argument("--time-limit", type=float, default=30.0, metavar="S", help="solver time limit (default 30 s)")


def allocate_keywords(args: argparse.Namespace, units: pd.DataFrame) -> dict:
    """``metrics.allocate`` keywords from the options of :func:`add_plan_arguments` (not the budget or objective)."""
    return {
        "equity_measure": args.equity_measure,
        "served": args.served,
        "roles": args.roles,
        "min_one_worker": args.min_one_worker,
        "oblast_budget_caps": _caps(args.oblast_cap, units, "--oblast-cap"),
        "oblast_position_caps": _caps(args.oblast_positions_cap, units, "--oblast-positions-cap"),
        "unknown_idp": "exclude" if args.exclude_unknown_idp else "residents_only",
        "exclude_statuses": _statuses(args),
        "time_limit": args.time_limit,
    }


def _statuses(args: argparse.Namespace) -> tuple[str, ...]:
    out = () if args.include_occupied else ("occupied",)
    return (*out, "hostilities") if args.exclude_hostilities else out


def _funding_options(assumptions: Assumptions, args: argparse.Namespace):
    """The assumptions with the command line's funding options applied (validated, errors name the option)."""
    changes = {}
    if args.years is not None:
        changes["funding.years"] = args.years
    if args.no_fill_vacancies:
        changes["funding.fill_vacancies"] = False
    if args.max_hromada_share is not None:
        changes["funding.max_hromada_share"] = args.max_hromada_share
    if args.max_psychologist_share is not None:
        changes["funding.max_role_share.psychologist"] = args.max_psychologist_share
    return assumptions.updated(changes) if changes else assumptions


def _caps(items: list[str], units: pd.DataFrame, option: str) -> dict[str, float]:
    oblasts = units[units["level"] == "oblast"]
    by_pcode = dict(zip(oblasts["pcode"].str.upper(), oblasts["code"]))
    codes = set(oblasts["code"])
    out: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().upper()
        code = key if key in codes else by_pcode.get(key)
        if not sep or code is None:
            raise ValueError(f"{option} {item!r}: expected CODE=NUMBER with an oblast KATOTTG code or P-code")
        try:
            out[code] = float(value.replace(" ", "").replace("_", ""))
        except ValueError:
            raise ValueError(f"{option} {item!r}: {value!r} is not a number") from None
    return out


@contextlib.contextmanager
def _solver_output_to_stderr() -> Iterator[None]:
    """Send anything the native solver prints to stdout to stderr (keeps ``--json`` output clean)."""
    try:
        stdout = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(stdout)
    try:
        os.dup2(sys.stderr.fileno(), stdout)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, stdout)
        os.close(saved)


def _parameters(args: argparse.Namespace, assumptions_path: str) -> tuple[tuple[str, object], ...]:
    """The command's options as (catalogue key, value) rows for the plan's cover."""
    from core.schema import ROLES

    constraints = [
        name
        for name, on in (
            ("--min-one-worker", args.min_one_worker),
            ("--no-fill-vacancies", args.no_fill_vacancies),
            ("--include-occupied", args.include_occupied),
            ("--exclude-hostilities", args.exclude_hostilities),
        )
        if on
    ]
    constraints += [f"--oblast-cap {c}" for c in args.oblast_cap or []]
    constraints += [f"--oblast-positions-cap {c}" for c in args.oblast_positions_cap or []]
    return (
        ("plan_roles", ", ".join(args.roles or ROLES)),
        ("plan_constraints", "; ".join(constraints) or "—"),
        ("plan_assumptions", assumptions_path),
    )


def run_allocate(args: argparse.Namespace) -> int:
    """Run ``allocate``: 0 when answered (also budget 0 or no gap), 1 when the constraints cannot be met.

    Raises ``FileNotFoundError`` / ``ValueError`` for a missing file or an
    invalid argument (``app.py`` prints them and exits with 2).
    """
    from loaders import DEFAULT_ASSUMPTIONS, read_assumptions
    from metrics import allocate
    from store import StoreError

    from ._period import load_data
    from ._store import EXIT_STORE

    try:
        dataset, period = load_data(args.data, args.period)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE
    assumptions = _funding_options(read_assumptions(args.assumptions), args)
    if args.out is not None and args.out.suffix.lower() != ".xlsx":
        raise ValueError(f"--out must name an .xlsx file, got {args.out}")
    units = dataset.units
    with _solver_output_to_stderr():
        result = allocate(
            dataset.hromadas,
            units,
            assumptions,
            args.budget,
            args.objective,
            **allocate_keywords(args, units),
        )
    names = units.drop_duplicates("code").set_index("code")
    if args.out is not None:
        path = str(args.assumptions or DEFAULT_ASSUMPTIONS)
        from exports import plan_workbook
        from exports.planning import plan_facts, plan_rows

        facts = plan_facts(result, _parameters(args, path))
        content = plan_workbook(plan_rows(result, units, args.lang), facts, dataset, args.lang, period=period)
        args.out.write_bytes(content)
    if args.json:
        summary = result.summary(names["name_uk"].to_dict(), render=lambda c, p: reason_text(c, p, args.lang))
        summary["message"] = solver_text(result.messages, args.lang)
        if period:
            summary = {"period": period, **summary}
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        if result.status != "optimal":
            print(f"{result.status}: {summary['message']}", file=sys.stderr)
    else:
        if period:
            print(f"Period: {period}")
        _print_text(result, names, args.lang)
        if args.out is not None:
            print(t("cli_wrote", args.lang, path=str(args.out)))
    return 1 if result.status == "infeasible" else 0


def _fmt(value: float | None, digits: int, lang: str) -> str:
    return t("no_data", lang) if value is None else format_number(value, digits, lang)


def _print_text(result, names: pd.DataFrame, lang: str = "uk") -> None:
    """The plan on the terminal, in ``lang`` (texts ``cli_allocate_*`` of the catalogue)."""
    what = result.equity_measure or result.objective
    n = lambda value: format_number(value, 0, lang)  # noqa: E731
    print(
        t("cli_allocate_head", lang, budget=n(result.budget), years=n(result.years), objective=result.objective)
        + t(f"cli_objective_{what}", lang)
    )
    print(solver_text(result.messages, lang))
    digits = 3 if result.objective == "equity" else 0
    print(
        t(
            "cli_allocate_exact",
            lang,
            positions=n(result.positions),
            vacancies=n(result.vacancies_filled),
            new=n(result.new_posts),
            hromadas=n(result.hromadas_funded),
            spent=n(result.spent),
            by_year=", ".join(n(c) for c in result.cost_by_year),
            value=_fmt(result.objective_value, digits, lang),
            served=n(result.people_served),
            seconds=format_number(result.seconds, 2, lang),
        )
    )
    print(
        t(
            "cli_allocate_greedy",
            lang,
            positions=n(result.greedy_positions),
            spent=n(result.greedy_spent),
            value=_fmt(result.greedy_objective_value, digits, lang),
            served=n(result.greedy_people_served),
        )
    )
    if len(result.allocations):
        name = name_column(lang)
        shown = result.allocations.head(30).join(names[name], on="code")
        shown["why"] = ["; ".join(reason_text(c, p, lang) for c, p in r) for r in shown["reasons"]]
        shown["role"] = [role_label(r, lang) for r in shown["role"]]
        shown["cost"] = [n(c) for c in shown["cost"]]
        columns = ["code", name, "role", "positions", "cost", "why"]
        headers = [t("cli_column_name", lang) if c == name else t(f"cli_column_{c}", lang) for c in columns]
        print()
        print(shown[columns].set_axis(headers, axis=1).to_string(index=False))
        if len(result.allocations) > 30:
            print(t("cli_allocate_more", lang, rows=n(len(result.allocations) - 30)))
