"""Uploads through the app's callback: a tiny file (the fixed cost) and a large valid one (100,000 rows).

    nice -n 10 python benchmarks/upload_bench.py [--repeats 5] [--rows 100000] [--before COMMIT]

Each upload is one POST of the Data page's upload callback to the Flask test
client of ``create_app`` (the page's own path: the file read in the
sandboxed child, the dataset assembled again, the table of what changed, the
report, the session store). Prints median wall-clock and CPU seconds of this
process (the child's CPU is not in it) over ``--repeats`` uploads:

* **tiny** (a two-row staffing CSV): with ``loaders/dataset.py`` as it was
  at ``--before`` (loaded from git beside the current module; the callback's
  ``with_file`` and ``table_change`` swapped for it) and as it is now; the
  two datasets are checked to be the same (hromada table, figures, messages);
* **large** (``--rows`` rows, every row the same hromada: each repeat a
  duplicate warning, so 99,999 warnings): now, with the aim of 5 s wall
  beside it, and the size of the callback's answer.

The load average is printed at start and end: on a shared machine wall clock
is an upper bound.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from benchmarks.before import module_at  # noqa: E402
from tests.fixtures import upload_request  # noqa: E402

#: the last commit whose loaders/dataset.py assembled with pandas' isin on Arrow strings, row by row
BEFORE = "0015b1e"
LARGE_AIM_S = 5.0
STAFF = (
    "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    "UA74100390000073425;Фахівець із соціальної роботи;40;35\n"
    "UA74100390000073425;Психолог;2;1\n"
)


def dataset_before(commit: str, repository: Path = ROOT):
    """``loaders/dataset.py`` at ``commit`` as the module ``loaders._dataset_before`` (None without git)."""
    return module_at(commit, "loaders/dataset.py", repository)


class App:
    """The app in this process and one session (a test client with its cookie)."""

    def __init__(self):
        from layouts import create_app
        from loaders import load_demo, read_assumptions

        self.app = create_app(load_demo(), read_assumptions())
        self.client = self.app.server.test_client()
        dependencies = json.loads(self.client.get("/_dash-dependencies").data)
        self.spec = next(d for d in dependencies if d["output"].startswith("..data-report.children"))

    def upload(self, content: bytes, name: str, kind: str) -> tuple[float, float, int]:
        """Wall and CPU seconds of one upload, and the size of the answer (bytes)."""
        contents = "data:text/csv;base64," + base64.b64encode(content).decode()
        body = upload_request(contents, name, kind, self.spec["output"])
        started, cpu = time.perf_counter(), time.process_time()
        response = self.client.post("/_dash-update-component", json=body)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "File accepted" in text, text[:500]
        return wall, cpu, len(response.data)


def _median(runs: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), runs[-1][2]


def _tiny(app: App, repeats: int) -> list[tuple[float, float, int]]:
    return [app.upload(STAFF.encode(), "staff.csv", "staffing") for _ in range(repeats)]


def _same(a, b) -> bool:
    import pandas as pd

    try:
        pd.testing.assert_frame_equal(a.hromadas, b.hromadas, check_exact=True)
        for kind in a.figures:
            pd.testing.assert_frame_equal(a.figures[kind], b.figures[kind], check_exact=True)
    except AssertionError:
        return False
    return [r.issues for r in a.reports] == [r.issues for r in b.reports]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the large file (0: skip it)")
    parser.add_argument("--before", default=BEFORE, help="commit of loaders/dataset.py for the old way")
    parser.add_argument("--git", type=Path, default=ROOT, help="the repository to read it from (a copy has none)")
    args = parser.parse_args(argv)
    os.environ.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-upload-bench-"))
    os.environ.setdefault("ATLAS_SECRET_KEY", "upload-bench")

    from large_file_bench import large_valid_csv

    import layouts.pages.data as page
    from loaders import load_demo, validate_file

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    app = App()
    app.upload(STAFF.encode(), "warm.csv", "staffing")  # the forkserver, the first request of the session
    failures = 0
    old = dataset_before(args.before, args.git)
    if old is not None:
        new_with_file, new_change = page.with_file, page.table_change
        page.with_file, page.table_change = old.with_file, old.table_change
        try:
            before = _median(_tiny(app, args.repeats))
        finally:
            page.with_file, page.table_change = new_with_file, new_change
    now = _median(_tiny(app, args.repeats))
    print(f"{'tiny upload (2 rows)':<28} {'wall s':>8} {'CPU s':>7}")
    if old is not None:
        print(f"{'  before (' + args.before[:7] + ')':<28} {before[0]:>8.2f} {before[1]:>7.2f}")
    print(f"{'  now':<28} {now[0]:>8.2f} {now[1]:>7.2f}")
    if old is not None:
        demo = load_demo()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "staff.csv"
            path.write_text(STAFF, encoding="utf-8")
            report = validate_file(path, "staffing", demo.units)
            same = _same(page.with_file(demo, report), old.with_file(load_demo(), report))
        failures += not same
        print(f"  same dataset as before: {'yes' if same else 'NO'}")
    if args.rows:
        content = large_valid_csv(args.rows)
        runs = [app.upload(content, "large.csv", "population") for _ in range(max(1, min(args.repeats, 3)))]
        wall, cpu, size = _median(runs)
        verdict = "met" if wall < LARGE_AIM_S else "not met"
        print(
            f"large upload ({args.rows:,} rows, {len(content) / 2**20:.1f} MB): median {wall:.2f} s wall "
            f"(aim < {LARGE_AIM_S:g} s: {verdict}), {cpu:.2f} s CPU in the web process, answer {size / 1024:.0f} KB"
        )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
