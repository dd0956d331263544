"""Time printable briefs: one oblast brief and all 27 oblast briefs, on the demo atlas.

    python benchmarks/brief_bench.py [--runs 5] [--batch-runs 3] [--lang uk]

The dataset is loaded once and its tables computed once (``brief_source``:
what the app's session memo and the batch command share). Then, medians of
repeats:

- one oblast brief (Vinnytska, content + map + PDF), the way the app and the
  batch make it (tables computed once);
- the same brief made the naive way, computing the tables again for it
  (what a brief that recomputed its figures would cost);
- every oblast's brief (27), one after another, as ``brief --all-oblasts``.

Aims: one oblast brief under 3 s, all 27 under 60 s.
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

from exports.brief import brief_source, oblast_codes, unit_brief_pdf  # noqa: E402
from loaders import DEMO_MANIFEST, load_dataset, read_assumptions  # noqa: E402

OBLAST = "UA05"


def _median(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repeats of one brief (default 5)")
    parser.add_argument("--batch-runs", type=int, default=3, help="repeats of the 27 briefs (default 3)")
    parser.add_argument("--lang", choices=("uk", "en"), default="uk")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    dataset = load_dataset(DEMO_MANIFEST)
    assumptions = read_assumptions(None)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    source = brief_source(dataset, assumptions)
    computed = time.perf_counter() - started
    print(f"demo atlas: loaded in {loaded:.2f} s, tables computed once in {computed:.2f} s")

    unit_brief_pdf(source, OBLAST, args.lang)  # fonts registered, imports warm
    one = _median(args.runs, lambda: unit_brief_pdf(source, OBLAST, args.lang))
    naive = _median(
        max(1, args.runs // 2), lambda: unit_brief_pdf(brief_source(dataset, assumptions), OBLAST, args.lang)
    )
    codes = oblast_codes(source)
    batch = _median(args.batch_runs, lambda: [unit_brief_pdf(source, code, args.lang) for code in codes])
    print(f"one oblast brief ({OBLAST}), tables computed once:  median {one:.2f} s over {args.runs} runs (aim < 3 s)")
    print(f"one oblast brief, tables recomputed (naive):     median {naive:.2f} s")
    print(
        f"all {len(codes)} oblast briefs, tables computed once: median {batch:.2f} s over {args.batch_runs} runs "
        f"(aim < 60 s; naive: about {len(codes) * naive:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
