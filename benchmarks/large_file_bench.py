"""A large valid table read as population: rows matched one by one (before) beside by distinct key (now).

    nice -n 10 python benchmarks/large_file_bench.py [--rows 10000 100000] [--repeats 3] [--upload]

The file is the shape the fuzzing benchmark found slow (issue 16): a CSV of
50 columns, within the row and column limits, every row giving the same
hromada's KATOTTG code and one-digit cells (so the file is valid: each
repeat is a duplicate warning). It is read in this process by
``read_figures`` of ``loaders/inputs.py`` as it was before the rows were
read by key (``git show BEFORE:loaders/inputs.py``, loaded as a module
beside the current one) and by the current one. Prints, per size, the
median CPU seconds of ``--repeats`` runs of each (wall clock too; on a
shared machine it also counts waiting for a core) and checks that both
give the same frame and the same messages. ``--upload`` also times the
current upload path (the file read in the sandboxed child, as the app
reads it), which adds starting the child and sending the report back.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.before import module_at  # noqa: E402

#: the last commit whose loaders/inputs.py matched every row by itself
BEFORE = "a65dfa3911458b85a70265e506768b3b8393339b"
HROMADA = "UA05020030000031457"


def large_valid_csv(rows: int, columns: int = 50) -> bytes:
    header = "Код КАТОТТГ;Населення;" + ";".join(f"c{i}" for i in range(columns - 2))
    line = HROMADA + ";" + ";".join(str(i % 10) for i in range(columns - 1))
    return (header + "\n" + "\n".join(line for _ in range(rows)) + "\n").encode()


def _said(issues) -> list[tuple]:
    """Row, column, severity and English words of each issue.

    The old code (before message codes) passed its English text where a code now goes, and builds
    today's :class:`~loaders.errors.Issue` (its imports reach today's modules): its words are that text."""
    from loaders.messages import MESSAGES

    return [(i.row, i.column, i.severity, i.message if i.code in MESSAGES else i.code) for i in issues]


def inputs_before():
    """``loaders/inputs.py`` at :data:`BEFORE`, as the module ``loaders._inputs_before`` (None without git)."""
    return module_at(BEFORE, "loaders/inputs.py")


def _time(read, path, index, repeats: int):
    cpu, wall, result = [], [], None
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = read(path, "population", index)
        cpu.append(time.process_time() - cpu_started)
        wall.append(time.perf_counter() - started)
    return statistics.median(cpu), statistics.median(wall), result


def _upload_seconds(content: bytes, repeats: int) -> list[float]:
    import base64

    from layouts.pages.data import process_upload
    from loaders import load_demo

    demo = load_demo()
    url = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
    warm = "data:text/csv;base64," + base64.b64encode(b"code;population\n").decode()
    process_upload(demo, warm, "warm.csv", "population", None, 2**20, "en")  # start the forkserver
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        report, dataset = process_upload(demo, url, "large.csv", "population", None, 64 * 2**20, "en")
        assert dataset is not None, report.summary()[:500]
        out.append(time.perf_counter() - started)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--upload", action="store_true", help="also time the sandboxed upload path (current code)")
    args = parser.parse_args(argv)

    from loaders import default_units
    from loaders.inputs import read_figures
    from loaders.names import unit_index

    index = unit_index(default_units())
    before = inputs_before()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'rows':>8} {'before cpu s':>13} {'now cpu s':>10} {'x':>6} {'before wall':>12} {'now wall':>9}  same")
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"large{rows}.csv"
            path.write_bytes(large_valid_csv(rows))
            cpu, wall, (frame, report) = _time(read_figures, path, index, args.repeats)
            if before is not None:
                old_cpu, old_wall, (old_frame, old_report) = _time(before.read_figures, path, index, args.repeats)
                same = _said(old_report.issues) == _said(report.issues) and old_frame.equals(frame)
                failures += not same
                print(
                    f"{rows:>8,} {old_cpu:>13.2f} {cpu:>10.2f} {old_cpu / cpu:>6.1f} {old_wall:>12.2f} {wall:>9.2f}  "
                    f"{'yes' if same else 'NO'}"
                )
            else:
                print(f"{rows:>8,} {'(no git)':>13} {cpu:>10.2f} {'':>6} {'':>12} {wall:>9.2f}")
            assert report.ok and len(frame) == 1, report.errors[:3]
            del frame, report
            if args.upload:
                seconds = _upload_seconds(path.read_bytes(), args.repeats)
                print(f"{'':>8} upload path (now): median {statistics.median(seconds):.2f} s wall of {len(seconds)}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
