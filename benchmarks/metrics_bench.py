"""Speed of the planning measures: all hromadas of the demo, and a 30,000-unit settlement-level table.

    python benchmarks/metrics_bench.py [--runs 7]

Prints the median of ``--runs`` for:

1. every measure (coverage, norm and WISN need, gaps, flags) of the 1,470
   hromada-level units of the demo, then per raion, oblast and Ukraine, and
   the donor priority ranking;
2. the same measures on synthetic settlement-level tables of 1,500 to 30,000
   units (each demo hromada split into settlements), to show how the cost
   grows with the number of units.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.schema import LEVELS  # noqa: E402
from loaders import load_demo  # noqa: E402
from metrics import Assumptions, planning_measures, priority_ranking  # noqa: E402


def _median_seconds(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def settlements(
    hromadas: pd.DataFrame, units: pd.DataFrame, n: int, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic settlement-level table of ``n`` units: the demo hromadas split at random.

    Every count of a hromada is shared among its settlements (multinomial
    split of whole numbers), so totals per hromada, raion and oblast are
    those of the demo. Each settlement is a unit of level ``hromada`` with
    the raion and oblast of its hromada (and ``parent_code``, the hromada).
    """
    rng = np.random.default_rng(seed)
    known = hromadas.dropna(subset=["population"]).reset_index(drop=True)
    parts = np.ones(len(known), dtype=int)
    extra = rng.multinomial(n - len(known), known["population"] / known["population"].sum())
    parts += extra
    rows = np.repeat(np.arange(len(known)), parts)
    out = known.iloc[rows].reset_index(drop=True)
    out["code"] = [f"S{i:07d}" for i in range(len(out))]
    counts = [
        c
        for c in known.columns
        if c != "code"
        and not c.endswith("_annual_cost")  # a rate per position, not a count: each settlement keeps it
        and pd.api.types.is_numeric_dtype(known[c])
        and not pd.api.types.is_bool_dtype(known[c])
    ]
    for column in counts:
        values = known[column].to_numpy(dtype=float)
        split = np.zeros(len(out))
        start = 0
        for i, k in enumerate(parts):
            if np.isnan(values[i]):
                split[start : start + k] = np.nan
            else:
                split[start : start + k] = rng.multinomial(int(values[i]), np.full(k, 1.0 / k))
            start += k
        out[column] = split
    parents = units[units["level"] == "hromada"].drop_duplicates("code").set_index("code")
    settlement_units = pd.DataFrame(
        {
            "code": out["code"],
            "level": "hromada",
            "oblast_code": known["code"].iloc[rows].map(parents["oblast_code"]).to_numpy(),
            "raion_code": known["code"].iloc[rows].map(parents["raion_code"]).to_numpy(),
            "parent_code": known["code"].iloc[rows].to_numpy(),
        }
    )
    return out, settlement_units


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    demo = load_demo()
    assumptions = Assumptions()
    hromadas, units = demo.hromadas, demo.units
    with_data = int(hromadas["population"].notna().sum())
    print(f"Demo: {len(hromadas):,} hromada-level rows ({with_data:,} with data), median of {args.runs} runs")
    total = 0.0
    for level in LEVELS:
        seconds = _median_seconds(lambda level=level: planning_measures(hromadas, units, level, assumptions), args.runs)
        table = planning_measures(hromadas, units, level, assumptions)
        total += seconds
        print(f"  all measures, {level:8} {len(table):5,} units x {table.shape[1]} columns: {seconds * 1000:7.1f} ms")
    print(f"  all four levels: {total * 1000:.1f} ms")
    seconds = _median_seconds(lambda: priority_ranking(hromadas, units, assumptions), args.runs)
    print(f"  priority ranking of hromadas (with reasons): {seconds * 1000:.1f} ms")
    print()
    print("Synthetic settlement-level tables (every level from the settlements up)")
    for n in (1_500, 3_000, 7_500, 15_000, 30_000):
        table, table_units = settlements(hromadas, units, n)
        per_level = {
            level: _median_seconds(
                lambda level=level, table=table, table_units=table_units: planning_measures(
                    table, table_units, level, assumptions
                ),
                args.runs,
            )
            for level in LEVELS
        }
        line = ", ".join(f"{level} {s * 1000:6.1f} ms" for level, s in per_level.items())
        print(f"  {n:6,} units: {line}; all {sum(per_level.values()) * 1000:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
