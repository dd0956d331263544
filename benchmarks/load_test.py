"""Load test: 50, then 100 simulated users against the app under gunicorn on loopback.

    python benchmarks/load_test.py [--users 50 100] [--seconds 60] [--workers N] [--threads N]

Starts ``gunicorn -c gunicorn.conf.py app:server`` as README's Deployment
runs it (2 gthread workers x 16 threads unless ``--workers``/``--threads``
say otherwise) on 127.0.0.1 (a free port), then for each user count each
simulated user, in its own thread with its own cookie session, repeats a
typical visit as a browser makes it: open the map page and its layout (which
carries the first figure and the table's rows URL), fetch the rows, switch the
metric (a patch of the figure; the rows stay), switch to hromadas (and fetch
their geometry), drill into an oblast, and every fourth visit download the
table, filtered and sorted, as .xlsx (the table pages and sorts in the
browser). Versioned URLs (rows, geometry) are fetched once per user, as a
browser's cache keeps them. The run is
bounded in time (``--seconds``) and in requests (``--max-requests``), and
stops by itself. It prints, per user count, requests served, p50 / p95 / max
latency and errors with the aim of issue 16 beside them (50 users: p95 under
500 ms, 0 errors; 100 users: 0 errors) and the load average, latency per kind
of request, and the peak memory (VmHWM) of each gunicorn worker. On a shared
machine the figures are upper bounds.

Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OBLASTS = ["UA74000000000025378", "UA63000000000041885", "UA12000000000090473", "UA46000000000026241"]
METRICS = ["workers_per_10k", "gap_fte", "residents_per_worker", "workers_per_10k_incl_idp"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class User:
    """One simulated user with its own cookies (its own session)."""

    def __init__(self, base: str, outputs: dict[str, str], latencies: list, errors: list, lock: threading.Lock):
        self.base = base
        self.outputs = outputs
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.latencies, self.errors, self.lock = latencies, errors, lock
        self.cached: set[str] = set()  # versioned URLs this user's browser keeps
        self.by_kind = BY_KIND

    def _timed(self, request: urllib.request.Request | str, what: str) -> bytes | None:
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                body = response.read()
                status = response.status
        except Exception as exc:  # noqa: BLE001 - every failure is counted, with its reason
            with self.lock:
                self.errors.append(f"{what}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.append(elapsed)
            self.by_kind.setdefault(_kind(what), []).append(elapsed)
            if status != 200:
                self.errors.append(f"{what}: HTTP {status}")
        return body

    def get(self, path: str) -> bytes | None:
        return self._timed(self.base + path, f"GET {path}")

    def callback(self, prefix: str, inputs: list[tuple[str, str, object]], state=(), changed=()) -> bytes | None:
        payload = {
            "output": self.outputs[prefix],
            "outputs": _outputs(self.outputs[prefix]),
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": list(changed),
        }
        request = urllib.request.Request(
            self.base + "/_dash-update-component",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        return self._timed(request, f"callback {prefix}")

    def fetch_once(self, path: str | None) -> None:
        """GET ``path`` unless this user fetched it before: versioned URLs (``?v=``) are immutable, so a
        browser keeps them in its cache."""
        if path and path not in self.cached:
            self.cached.add(path)
            self.get(path)

    def visit(self, n: int, rng: random.Random) -> None:
        """What a browser asks for on the map page: the page, its layout (which carries the first figure and
        the table's rows URL), the rows, then per switch the figure (a patch when only the metric changed)
        and the table's callback (a new rows URL only when the rows differ)."""
        oblast, metric = rng.choice(OBLASTS), rng.choice(METRICS)
        other = rng.choice([m for m in METRICS if m != metric])
        page = f"/uk/map?metric={metric}"
        self.get(page)
        body = self._timed(
            urllib.request.Request(self.base + "/_dash-layout", headers={"Referer": self.base + page}),
            "GET /_dash-layout",
        )
        stores = _stores(json.loads(body)) if body else {}
        rows, drawn = stores.get("map-table-rows"), stores.get("map-drawn")
        self.fetch_once(rows)
        shown = ("oblast", metric, "")  # level, metric, oblast of what is drawn
        for step in (("oblast", other, ""), ("hromada", other, ""), ("hromada", other, oblast)):
            level, metric_now, region = step
            what = "map-oblast.data" if region != shown[2] else "map-level.value" if level != shown[0] else ""
            changed = [what or "map-metric.value"]
            inputs = [
                ("map-level", "value", level),
                ("map-metric", "value", metric_now),
                ("map-oblast", "data", region),
                ("map-selected", "data", ""),
            ]
            answer = self.callback(
                "..map-graph.figure", inputs, [("app-lang", "data", "uk"), ("map-drawn", "data", drawn)], changed
            )
            drawn = _output(answer, "map-drawn", "data", drawn)
            answer = self.callback(
                "..map-table.columnDefs",
                inputs,
                [("app-lang", "data", "uk"), ("map-table-rows", "data", rows)],
                changed,
            )
            rows = _output(answer, "map-table-rows", "data", rows)
            self.fetch_once(rows)
            if level == "hromada" and not region:
                self.fetch_once("/geo/demo/hromada.json")
            shown = step
        # the table filters, sorts and pages in the browser (AG Grid): no request for another page
        if n % 4 == 0:
            self.callback(
                "..map-download.data",
                [("map-download-button", "n_clicks", 1)],
                [
                    ("map-level", "value", "hromada"),
                    ("map-metric", "value", other),
                    ("map-oblast", "data", oblast),
                    ("app-lang", "data", "uk"),
                    (
                        "map-table",
                        "filterModel",
                        {"population": {"filterType": "number", "type": "greaterThan", "filter": 10_000}},
                    ),  # fmt: skip
                    ("map-table", "columnState", [{"colId": "population", "sort": "desc", "sortIndex": 0}]),
                ],
                ["map-download-button.n_clicks"],
            )


#: latencies per kind of request (the path without its query, or the callback's first output)
BY_KIND: dict[str, list[float]] = {}


def _kind(what: str) -> str:
    return (
        what.split("?")[0]
        .replace("/rows/map/oblast.json", "/rows/map/*")
        .replace("/rows/map/hromada.json", "/rows/map/*")
    )


def _stores(layout) -> dict[str, object]:
    """``{id: data}`` of the ``dcc.Store`` components of a layout (Dash's JSON of it)."""
    found: dict[str, object] = {}
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if node.get("type") == "Store" and isinstance(props.get("id"), str):
                found[props["id"]] = props.get("data")
            stack.extend(v for v in props.values() if isinstance(v, dict | list))
    return found


def _output(body: bytes | None, component: str, prop: str, default):
    """The value a callback answer gives ``component.prop``, else ``default`` (no update, or no answer)."""
    try:
        return json.loads(body)["response"][component][prop] if body else default
    except (ValueError, KeyError, TypeError):
        return default


def _outputs(output: str) -> list[dict] | dict:
    parts = [p for p in output.strip(".").split("...") if p]
    out = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        out.append({"id": component, "property": prop.split("@")[0]})
    return out if output.startswith("..") else out[0]


def _peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


#: the aims of issue 16: users -> (p95 under this many seconds or None, errors at most)
AIMS = {50: (0.5, 0), 100: (None, 0)}


def _start(args) -> tuple[subprocess.Popen, str, str]:
    """gunicorn as README's Deployment runs it (``gunicorn.conf.py``), on a free loopback port."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cache = tempfile.mkdtemp(prefix="atlas-load-")
    env = dict(os.environ, ATLAS_CACHE_DIR=cache, ATLAS_BIND=f"127.0.0.1:{port}")
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    gunicorn = subprocess.Popen(
        [*command, "app:server"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if gunicorn.poll() is not None or time.monotonic() > deadline:
                gunicorn.kill()
                raise RuntimeError(f"gunicorn did not start: {gunicorn.stderr.read()[-2000:]}") from None
            time.sleep(0.3)
    return gunicorn, base, cache


def _outputs_of(base: str) -> dict[str, str]:
    dependencies = json.loads(urllib.request.urlopen(base + "/_dash-dependencies", timeout=60).read())
    outputs = {}
    for d in dependencies:
        for prefix in ("..map-graph.figure", "..map-table.columnDefs", "..map-download.data"):
            first = d["output"].split("...")[0].lstrip(".")
            # the callback whose first output is that one, not a later one that may also write it
            if first == prefix.lstrip(".") and prefix not in outputs:
                outputs[prefix] = d["output"]
    return outputs


def _run(base: str, outputs: dict[str, str], users: int, seconds: float, max_requests: int) -> dict:
    """``users`` simulated users for ``seconds``: latencies (overall and per kind), errors, visits."""
    BY_KIND.clear()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    visits = [0]

    def run(seed: int) -> None:
        rng = random.Random(seed)
        user = User(base, outputs, latencies, errors, lock)
        n = 0
        while time.monotonic() < stop_at and len(latencies) < max_requests:
            user.visit(n, rng)
            n += 1
            with lock:
                visits[0] += 1

    load = os.getloadavg()[0]
    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    ordered = sorted(latencies)
    return {
        "users": users,
        "elapsed": time.monotonic() - started,
        "requests": len(ordered),
        "visits": visits[0],
        "p50": statistics.median(ordered) if ordered else float("nan"),
        "p95": ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan"),
        "max": ordered[-1] if ordered else float("nan"),
        "errors": errors,
        "by_kind": {k: sorted(v) for k, v in BY_KIND.items()},
        "load": (load, os.getloadavg()[0]),
    }


def _verdict(result: dict) -> str:
    p95_aim, errors_aim = AIMS.get(result["users"], (None, 0))
    aim = " and ".join(([f"p95 < {p95_aim * 1e3:.0f} ms"] if p95_aim is not None else []) + [f"{errors_aim} errors"])
    met = len(result["errors"]) <= errors_aim and (p95_aim is None or result["p95"] < p95_aim)
    return f"aim {aim}: {'met' if met else 'NOT met'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100], help="user counts, run one after another")
    parser.add_argument("--seconds", type=float, default=60, help="length of each run")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py's (2)")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py's (16)")
    args = parser.parse_args()

    gunicorn, base, cache = _start(args)
    results = []
    try:
        # every worker loads the app on its first request: warm them up
        for _ in range(8):
            urllib.request.urlopen(base + "/uk/map", timeout=120).read()
        outputs = _outputs_of(base)
        for users in args.users:
            results.append(_run(base, outputs, users, args.seconds, args.max_requests))
        memory = {pid: _peak_memory_mb(pid) for pid in _worker_pids(gunicorn.pid)}
    finally:
        gunicorn.terminate()
        gunicorn.wait(30)
        shutil.rmtree(cache, ignore_errors=True)  # the run's sessions

    workers, threads = args.workers or "conf", args.threads or "conf"
    print(
        f"gunicorn -c gunicorn.conf.py app:server (workers {workers}, threads {threads}); {args.seconds:.0f} s per run"
    )
    failed = False
    for r in results:
        print(
            f"\n{r['users']} users: {r['requests']} requests ({r['requests'] / r['elapsed']:.0f}/s), "
            f"{r['visits']} visits; load average {r['load'][0]:.1f} -> {r['load'][1]:.1f}"
        )
        for kind, times in sorted(r["by_kind"].items()):
            print(
                f"  {kind:<34} {len(times):>6}  p50 {statistics.median(times) * 1e3:>6.0f} ms  "
                f"p95 {times[int(0.95 * (len(times) - 1))] * 1e3:>6.0f} ms"
            )
        if r["errors"]:
            print(f"  first error: {r['errors'][0]}")
    print("\nsummary (per user count)")
    for r in results:
        verdict = _verdict(r)
        failed |= "NOT" in verdict
        print(
            f"  {r['users']:>4} users  p50 {r['p50'] * 1e3:>6.0f} ms  p95 {r['p95'] * 1e3:>6.0f} ms  "
            f"max {r['max'] * 1e3:>6.0f} ms  errors {len(r['errors'])}  ({verdict}; load {r['load'][0]:.1f})"
        )
    print("peak memory per worker (VmHWM): " + ", ".join(f"{m:.0f} MB" for m in memory.values()))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
