"""Speed and quality of the funding allocator: every objective on all hromadas of the demo.

    python benchmarks/allocator_bench.py [--runs 5] [--budget UAH ...] [--years 3]
    python benchmarks/allocator_bench.py --units 30000 --time-limit 10 [--runs 1]

The demo has 1,469 hromadas and Kyiv; with 3 roles and a 3-year programme
(the default ``[funding]``). For each budget and objective prints the median
over ``--runs`` of the exact solve (MILP, all its stages, models built and
solved) and of the greedy baseline, both objective values side by side, the people
served to the norm, the positions and the money spent. The exact solve is
timed on the problem ``allocate`` builds (building it, common to both, is
not counted).

With ``--units N`` (a synthetic dataset of N hromada-level units,
:mod:`benchmarks.synthetic`) it times instead the whole ``allocate`` call of
each objective under ``--time-limit`` seconds, as a user waits for it
(the problem built, the solve, the plan's tables), with the aim beside
each (the whole call under the limit), whether it stopped early and its
MIP gap. ``--in-process`` adds, beside each, the previous way: every model
solved in this process under HiGHS's own limit only (before
:mod:`metrics.solver`: the lifted objective at 30,000 units with a 20 s
limit took about 122 s, HiGHS running 108 s on a 5 s limit).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import metrics.allocator as allocator  # noqa: E402
import metrics.solver as solver  # noqa: E402
from loaders import load_demo  # noqa: E402
from metrics import Assumptions, allocate  # noqa: E402

CASES = (
    ("coverage", "norm", "people served to the norm, diminishing value (max)"),
    ("equity", "norm", "lowest workers / need by the norm (max)"),
    ("equity", "wisn", "lowest WISN ratio (max)"),
    ("lifted", "norm", "hromadas lifted from no worker (max)"),
)


def _problem(demo, assumptions, budget: float, objective: str, measure: str):
    p, *_ = allocator._problem(
        demo.hromadas, demo.units, assumptions, budget, allocator.ROLES, objective, measure, "people", False, {}, {},
        "residents_only", ("occupied",), assumptions.funding.fill_vacancies,
    )  # fmt: skip
    return p


def _timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def _whole_calls(demo, assumptions, args) -> int:
    """Wall-clock seconds of whole ``allocate`` calls on ``args.units`` synthetic units, limit ``args.time_limit``."""
    import os

    from benchmarks.synthetic import synthetic_dataset

    data = synthetic_dataset(demo, args.units)
    print(
        f"{len(data.hromadas):,} synthetic units x 3 roles x {args.years} years; time limit {args.time_limit:g} s; "
        f"median of {args.runs} whole allocate calls; load average {os.getloadavg()[0]:.1f}"
    )
    for budget in args.budget:
        print(f"\nBudget {budget:,.0f} UAH")
        for objective, measure, label in CASES:
            ways = [("", solver.CHILD_NONZEROS)] + ([("in-process ", 10**12)] if args.in_process else [])
            for way, threshold in ways:
                solver.CHILD_NONZEROS = threshold
                seconds, result = [], None
                for _ in range(args.runs):
                    started = time.perf_counter()
                    result = allocate(
                        data.hromadas, data.units, assumptions, budget, objective, equity_measure=measure,
                        time_limit=args.time_limit,
                    )  # fmt: skip
                    seconds.append(time.perf_counter() - started)
                solver.CHILD_NONZEROS = ways[0][1]
                wall = statistics.median(seconds)
                held = "met" if wall < args.time_limit else "NOT MET"
                stopped = "stopped early" if result.stopped_early else "not stopped"
                gap = "no MIP gap known" if result.mip_gap is None else f"MIP gap {result.mip_gap:.2%}"
                print(
                    f"  {way}{objective:8} {measure:5} {wall:7.2f} s  (aim: under {args.time_limit:g} s, the whole "
                    f"call: {held})  [{result.status}, {stopped}, {gap}, value {result.objective_value}]  {label}"
                )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, nargs="+", default=[200e6, 600e6])
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--units", type=int, default=0, help="synthetic hromada-level units (whole allocate timed)")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--in-process", action="store_true", help="with --units: the previous way beside")
    args = parser.parse_args(argv)
    demo = load_demo()
    assumptions = Assumptions().updated({"funding.years": args.years})
    if args.units:
        return _whole_calls(demo, assumptions, args)
    known = int(demo.hromadas["population"].notna().sum())
    print(
        f"Demo: {known:,} hromadas with data x 3 roles x {args.years} years; occupied left out; "
        f"median of {args.runs} runs"
    )
    for budget in args.budget:
        print(f"\nBudget {budget:,.0f} UAH for the programme")
        print(f"  {'objective':8} {'measure':5} {'exact s':>8} {'greedy s':>8} {'exact':>15} {'greedy':>15}  positions")
        for objective, measure, label in CASES:
            result = allocate(demo.hromadas, demo.units, assumptions, budget, objective, equity_measure=measure)
            p = _problem(demo, assumptions, budget, objective, measure)
            exact, greedy = [], []
            for _ in range(args.runs):
                exact.append(_timed(allocator._exact, p, objective, measure, allocator._Clock(60.0)))
                greedy.append(_timed(allocator._greedy, p, objective, measure))
            exact_s, g = statistics.median(exact), statistics.median(greedy)
            digits = 3 if objective == "equity" else 0
            print(
                f"  {objective:8} {measure:5} {exact_s:8.2f} {g:8.2f} "
                f"{result.objective_value:>15,.{digits}f} {result.greedy_objective_value:>15,.{digits}f}  "
                f"{result.positions:,}/{result.greedy_positions:,}  served +{result.people_served:,.0f}/"
                f"+{result.greedy_people_served:,.0f}  spent {result.spent:,.0f}/{result.greedy_spent:,.0f}  "
                f"[{result.status}]  {label}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
