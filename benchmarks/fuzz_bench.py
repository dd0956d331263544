"""Long fuzzing run: generated files through the loaders and generated callback payloads through the app.

    python benchmarks/fuzz_bench.py --files 10000 --payloads 10000 [--sandboxed 200]

Files: random bytes, valid CSV / .xlsx / GeoJSON / zipped files with bytes
flipped, cut or repeated, crafted zips and the hostile corpus, each read by
``validate_file`` (the loaders, in this process) and, for ``--sandboxed`` of
them, by the app's upload path (a child process under limits). Payloads:
every callback of the app with values drawn from a hostile set
(``tests/layouts/test_callback_inputs.py``), through the Flask test client.
Counts unhandled exceptions (files), 500 answers (payloads) and answers over
5 s; prints the medians and the slowest. CI runs a few hundred of each
(``tests/loaders/test_fuzz.py``, ``tests/layouts/test_callback_inputs.py``).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import hostile_corpus  # noqa: E402

SUFFIXES = (".csv", ".xlsx", ".geojson", ".zip", ".gpkg", ".xls", ".ods", "")
KINDS = ("population", "idp", "staffing", "caseload", "boundaries")


def _stable_zip(content: bytes) -> bytes:
    """The same zip with a fixed date on every entry, so that the generated files are the same every run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", data)
            out.writestr(zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _seeds() -> list[tuple[str, bytes]]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Код КАТОТТГ", "Населення", "ВПО"])
    for i in range(20):
        ws.append([hostile_corpus.HROMADA, 1000 + i, 10 * i])
    raw = io.BytesIO()
    wb.save(raw)
    buffer = io.BytesIO(_stable_zip(raw.getvalue()))
    csv = (
        "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n" + f"{hostile_corpus.HROMADA};Психолог;2;1\n"
    ).encode()
    geo = hostile_corpus.geojson_self_intersecting(50)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr(zipfile.ZipInfo("a.geojson", date_time=(2024, 1, 1, 0, 0, 0)), geo)
    return [(".xlsx", buffer.getvalue()), (".csv", csv), (".geojson", geo), (".zip", zipped.getvalue())]


def _mutate(rng: random.Random, content: bytes) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 4)):
        how = rng.random()
        if how < 0.4 and data:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif how < 0.6:
            data = data[: rng.randrange(len(data) + 1)]
        elif how < 0.8 and data:
            start = rng.randrange(len(data))
            data[start:start] = data[start : start + rng.randint(1, 200)] * rng.randint(1, 20)
        else:
            data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    return bytes(data)


def generated_files(n: int, seed: int = 16):
    rng = random.Random(seed)
    seeds = _seeds()
    corpus = [(Path(name).suffix, content) for name, content, _, _ in hostile_corpus.corpus("ci")]
    for i in range(n):
        roll = rng.random()
        if roll < 0.15:
            suffix, content = rng.choice(SUFFIXES), bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
        elif roll < 0.2:
            suffix, content = rng.choice(corpus)
        else:
            suffix, content = rng.choice(seeds)
            content = _mutate(rng, content)
        kind = "boundaries" if suffix in (".geojson", ".zip", ".gpkg") and rng.random() < 0.8 else rng.choice(KINDS)
        yield i, suffix, kind, content


def fuzz_files(n: int, sandboxed: int, keep: Path | None = None) -> dict:
    """Wall-clock and CPU seconds of every file (CPU: this process, so only for files read in-process).

    On a busy machine the wall clock of a low-priority run is mostly waiting
    for a core; the CPU time is what reading the file cost.
    """
    from layouts.pages.data import process_upload
    from loaders import default_units, load_demo, validate_file

    units = default_units()
    demo = load_demo() if sandboxed else None
    times, cpu_times, crashes, slow, slow_cpu = [], [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for i, suffix, kind, content in generated_files(n):
            path = Path(folder) / f"input{suffix}"
            path.write_bytes(content)
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                if i < sandboxed:
                    url = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
                    report, _ = process_upload(demo, url, f"f{suffix}", kind, None, 64 * 2**20, "en")
                else:
                    report = validate_file(path, kind, units)
                assert report.ok or report.errors
            except Exception as exc:  # noqa: BLE001 - counted: the benchmark's result
                crashes.append((i, suffix, kind, f"{type(exc).__name__}: {exc}"[:200]))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            times.append(seconds)
            if i >= sandboxed:
                cpu_times.append(cpu)
            if seconds > 5:
                slow.append((i, suffix, kind, len(content), round(seconds, 1), round(cpu, 1)))
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"{i}_{kind}{suffix}").write_bytes(content)
            if i >= sandboxed and cpu > 5:
                slow_cpu.append((i, suffix, kind, round(cpu, 1)))
    return {
        "count": n,
        "crashes": crashes,
        "slow": slow,
        "slow_cpu": slow_cpu,
        "median_s": statistics.median(times),
        "max_s": max(times),
        "max_cpu_s": max(cpu_times, default=0.0),
    }


def fuzz_payloads(n: int) -> dict:
    import os

    os.environ.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-fuzz-"))
    from layouts import create_app
    from loaders import load_demo, read_assumptions
    from tests.layouts.test_callback_inputs import HOSTILE, _body

    app = create_app(load_demo(), read_assumptions())
    client = app.server.test_client()
    # the first callback request waits until the app has learned its input rules (every page rendered once,
    # in both languages, which computes the tables): the start of a worker, timed apart from the payloads
    started = time.perf_counter()
    key, spec = next((k, v) for k, v in app.callback_map.items() if "app-page.children" in k)
    values = {(d["id"], d["property"]): None for d in (*spec["inputs"], *spec["state"])}
    values[("app-url", "pathname")] = "/uk/"
    client.post("/_dash-update-component", json=_body(key, spec, values))
    warm_up = time.perf_counter() - started
    rng = random.Random(16)
    callbacks = list(app.callback_map.items())
    times, errors, slow, statuses = [], [], [], {}
    for i in range(n):
        key, spec = callbacks[i % len(callbacks)]
        values = {(d["id"], d["property"]): rng.choice(HOSTILE) for d in (*spec["inputs"], *spec["state"])}
        body = json.dumps(_body(key, spec, values), allow_nan=True)
        started = time.perf_counter()
        response = client.post("/_dash-update-component", data=body, content_type="application/json")
        seconds = time.perf_counter() - started
        times.append(seconds)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            errors.append((key[:60], response.status_code))
        if seconds > 5:
            slow.append((key[:60], round(seconds, 1)))
    return {
        "count": n,
        "warm_up_s": warm_up,
        "statuses": statuses,
        "errors": errors,
        "slow": slow,
        "median_s": statistics.median(times),
        "max_s": max(times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--payloads", type=int, default=10_000)
    parser.add_argument("--sandboxed", type=int, default=200, help="how many of the files go through the upload path")
    parser.add_argument("--keep", help="folder to write the files that took over 5 s to (to reproduce them)")
    args = parser.parse_args(argv)
    failed = False
    if args.files:
        started = time.perf_counter()
        r = fuzz_files(args.files, min(args.sandboxed, args.files), Path(args.keep) if args.keep else None)
        print(
            f"files: {r['count']} ({min(args.sandboxed, args.files)} through the sandboxed upload path) in "
            f"{time.perf_counter() - started:.0f} s; unhandled exceptions {len(r['crashes'])}; "
            f"over 5 s {len(r['slow'])} (wall clock), {len(r['slow_cpu'])} (CPU, files read in-process); "
            f"median {r['median_s'] * 1000:.0f} ms, max {r['max_s']:.1f} s wall, {r['max_cpu_s']:.1f} s CPU"
        )
        for crash in r["crashes"][:10]:
            print("  crash:", crash)
        for item in r["slow"][:40]:
            print("  slow (index, suffix, kind, bytes, wall s, CPU s):", item)
        failed |= bool(r["crashes"] or r["slow"])
    if args.payloads:
        started = time.perf_counter()
        r = fuzz_payloads(args.payloads)
        print(
            f"payloads: {r['count']} in {time.perf_counter() - started:.0f} s; answers {r['statuses']}; "
            f"5xx {len(r['errors'])}; over 5 s {len(r['slow'])}; "
            f"median {r['median_s'] * 1000:.0f} ms, max {r['max_s']:.1f} s "
            f"(after the worker's start: first request {r['warm_up_s']:.1f} s, not counted)"
        )
        for item in (r["errors"] + r["slow"])[:10]:
            print("  ", item)
        failed |= bool(r["errors"] or r["slow"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
