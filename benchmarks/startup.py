"""Time from `python app.py` to the first served page and to the first map figure.

    python benchmarks/startup.py [--runs 5]

Prints each run and the medians. The first map figure is the response of the
dashboard's render callback (the POST the browser sends right after loading),
measured here by replaying the same request.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RENDER_REQUEST = {
    "output": "..dashboard-map.figure...dashboard-table.data..."
    "dashboard-table.columns...dashboard-breadcrumb.children..",
    "outputs": [
        {"id": "dashboard-map", "property": "figure"},
        {"id": "dashboard-table", "property": "data"},
        {"id": "dashboard-table", "property": "columns"},
        {"id": "dashboard-breadcrumb", "property": "children"},
    ],
    "inputs": [
        {"id": "dashboard-level", "property": "value", "value": "hromada"},
        {"id": "dashboard-metric", "property": "value", "value": "workers_per_10k"},
        {"id": "dashboard-oblast", "property": "data", "value": None},
    ],
    "changedPropIds": [],
    "state": [{"id": "dashboard-table", "property": "columns", "value": []}],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run() -> tuple[float, float, int]:
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("app.py exited before serving") from None
                time.sleep(0.02)
        first_page = time.perf_counter() - started
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/_dash-update-component",
            data=json.dumps(RENDER_REQUEST).encode(),
            headers={"Content-Type": "application/json"},
        )
        t = time.perf_counter()
        body = urllib.request.urlopen(request, timeout=60).read()
        figure = time.perf_counter() - t
        return first_page, figure, len(body)
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pages, figures = [], []
    for i in range(args.runs):
        page, figure, size = one_run()
        pages.append(page)
        figures.append(figure)
        print(f"run {i + 1}: first page {page:.2f} s, hromada map response {figure:.2f} s ({size / 1e6:.1f} MB)")
    page, figure = statistics.median(pages), statistics.median(figures)
    print(f"median: first page {page:.2f} s, hromada map response {figure:.2f} s")


if __name__ == "__main__":
    main()
