"""Time to load real-size inputs, cold: the real COD-AB hromadas plus real-size tables.

    python benchmarks/load_bench.py [--runs 5]

Each run is a fresh Python process (nothing cached, imports included) that
reads and validates, against the codifier:

- ``../shared/realdata/cod-ab/Hromadas.geojson`` (1,769 features, COD-AB ADM3),
- ``../shared/realdata/population/ua-pop-2022.csv`` (1,470 hromada rows),
- ``data/demo/staffing.xlsx`` (4,410 rows: every hromada x 3 roles),
- ``data/demo/caseload.xlsx`` (1,470 hromada rows),
- ``../shared/realdata/idp/idp-estimates-r20_publish.xlsx`` (the IOM workbook, 4 sheets),

and prints each run and the medians (import, load, total). The real files
are read in place, never copied. Without ../shared/realdata it says so and
exits 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"

FILES = [
    ("boundaries", REALDATA / "cod-ab" / "Hromadas.geojson"),
    ("population", REALDATA / "population" / "ua-pop-2022.csv"),
    ("staffing", ROOT / "data" / "demo" / "staffing.xlsx"),
    ("caseload", ROOT / "data" / "demo" / "caseload.xlsx"),
    ("idp", REALDATA / "idp" / "idp-estimates-r20_publish.xlsx"),
]

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
import loaders
t1 = time.perf_counter()
units = loaders.UnitIndex(loaders.default_units())
rows = {{}}
for kind, path in {files!r}:
    report = loaders.validate_file(path, kind, units)
    assert report.ok, report.summary()
    rows[kind] = report.rows
t2 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "load": t2 - t1, "total": t2 - t0, "rows": rows}}))
"""


def one_run() -> dict:
    code = _CHILD.format(root=str(ROOT), files=[(k, str(p)) for k, p in FILES])
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="number of cold runs (default 5)")
    args = parser.parse_args(argv)
    missing = [str(p) for _, p in FILES if not p.exists()]
    if missing:
        print(f"skipped: real data files absent ({', '.join(missing)})")
        return 0
    runs = []
    for i in range(args.runs):
        r = one_run()
        runs.append(r)
        print(f"run {i + 1}: import {r['import']:.2f} s, load {r['load']:.2f} s, total {r['total']:.2f} s")
    print(f"rows: {runs[0]['rows']}")
    for key in ("import", "load", "total"):
        print(f"median {key}: {statistics.median(r[key] for r in runs):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
