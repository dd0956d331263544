"""Speed and quality of the funding allocator on all hromadas of the demo.

    python benchmarks/allocator_bench.py [--runs 5] [--budget UAH ...]

For each budget and objective (coverage; equity by people per worker;
equity by WISN shortfall) prints the median time of one full ``allocate``
call over ``--runs`` (exact MILP + greedy baseline), the exact and greedy
objective values, the positions funded and the money spent.
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

from loaders import load_demo  # noqa: E402
from metrics import Assumptions, allocate  # noqa: E402

CASES = (
    ("coverage", "residents_per_worker", "people covered to the norm (max)"),
    ("equity", "residents_per_worker", "largest people per worker (min)"),
    ("equity", "wisn_shortfall", "largest WISN shortfall, FTE (min)"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, nargs="+", default=[100e6, 512.3e6, 1_234.5e6])
    args = parser.parse_args(argv)
    demo = load_demo()
    assumptions = Assumptions()
    print(f"Demo: {int(demo.hromadas['population'].notna().sum()):,} hromadas with data; median of {args.runs} runs")
    for budget in args.budget:
        print(f"\nBudget {budget:,.0f} UAH a year")
        for objective, measure, label in CASES:
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                result = allocate(demo.hromadas, demo.units, assumptions, budget, objective, equity_measure=measure)
                times.append(time.perf_counter() - started)
            digits = 2 if measure == "wisn_shortfall" and objective == "equity" else 0
            exact, greedy = result.objective_value, result.greedy_objective_value
            print(
                f"  {objective:8} {label:36} {statistics.median(times):5.2f} s  "
                f"exact {exact:>14,.{digits}f}  greedy {greedy:>14,.{digits}f}  "
                f"positions {result.positions:,}/{result.greedy_positions:,}  "
                f"spent {result.spent:,.0f}/{result.greedy_spent:,.0f}  [{result.status}]"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
