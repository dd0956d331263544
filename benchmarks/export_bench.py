"""Time the full hromada workbook: on the demo atlas and on the real population table.

    python benchmarks/export_bench.py [--runs 5] [--realdata-dir ../shared/realdata]

For each dataset: load it once, then time ``exports.build_export`` (every
measure, flag, priority rank and table) and ``Export.xlsx()`` (writing the
formatted workbook) several times, and print the medians. The real-data
run reads the State Statistics population table in place (through a
temporary manifest that also uses the demo's IDP, staffing and caseload
files); nothing is copied into the repository. Aim: under 2 s for the
full hromada workbook.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exports import build_export  # noqa: E402
from loaders import DEMO_MANIFEST, load_dataset, read_assumptions  # noqa: E402

DEFAULT_REALDATA = ROOT.parent / "shared" / "realdata"


def real_manifest(realdata: Path, folder: Path) -> Path | None:
    """A manifest in ``folder`` naming the real population table in place and the demo's other tables."""
    population = realdata / "population" / "ua-pop-2022.csv"
    if not population.exists():
        return None
    demo = DEMO_MANIFEST.parent
    path = folder / "real-population.toml"
    path.write_text(
        f"""title = "Real population 2022 (State Statistics Service), demo IDPs, staffing and caseload"
approximate_boundaries = true

[tables]
population = {str(population)!r}
idp = {str(demo / "idp.xlsx")!r}
staffing = {str(demo / "staffing.xlsx")!r}
caseload = {str(demo / "caseload.xlsx")!r}

[reference_dates]
population = "2022-01-01"
""",
        encoding="utf-8",
    )
    return path


def bench(manifest: Path, runs: int, budget: float | None) -> dict[str, float]:
    started = time.perf_counter()
    dataset = load_dataset(manifest)
    load = time.perf_counter() - started
    assumptions = read_assumptions()
    build, write, total, size, rows = [], [], [], 0, 0
    for _ in range(runs):
        t0 = time.perf_counter()
        export = build_export(dataset, assumptions, manifest=manifest, budget=budget)
        t1 = time.perf_counter()
        content = export.xlsx()
        t2 = time.perf_counter()
        build.append(t1 - t0)
        write.append(t2 - t1)
        total.append(t2 - t0)
        size, rows = len(content), len(export.main.table)
    return {
        "load": load,
        "build": statistics.median(build),
        "write": statistics.median(write),
        "total": statistics.median(total),
        "bytes": size,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per dataset (default 5)")
    parser.add_argument("--realdata-dir", type=Path, default=DEFAULT_REALDATA)
    parser.add_argument("--budget", type=float, default=None, help="also make a funding plan for this budget (UAH)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        datasets = {"demo": DEMO_MANIFEST}
        real = real_manifest(args.realdata_dir, Path(folder))
        if real is None:
            print(f"real population table not found under {args.realdata_dir}: demo only")
        else:
            datasets["real population"] = real
        print(f"full hromada workbook, median of {args.runs} runs (seconds)")
        print(f"{'dataset':<16} {'hromadas':>8} {'load':>6} {'build':>6} {'write':>6} {'total':>6} {'size':>10}")
        for name, manifest in datasets.items():
            r = bench(manifest, args.runs, args.budget)
            print(
                f"{name:<16} {r['rows']:>8,} {r['load']:>6.2f} {r['build']:>6.2f} {r['write']:>6.2f} "
                f"{r['total']:>6.2f} {r['bytes']:>10,}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
