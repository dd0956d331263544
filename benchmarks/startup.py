"""Time from `python app.py` to the first served page, and to the hromada geometry.

    python benchmarks/startup.py [--runs 5]

Prints each run and the medians, with the time to serve the hromada
geometry (GeoJSON) the first time.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
        t = time.perf_counter()
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/geo/demo/hromada.json", timeout=60).read()
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
        print(f"run {i + 1}: first page {page:.2f} s, hromada GeoJSON {figure:.2f} s ({size / 1e6:.1f} MB)")
    page, figure = statistics.median(pages), statistics.median(figures)
    print(f"median: first page {page:.2f} s, hromada GeoJSON {figure:.2f} s")


if __name__ == "__main__":
    main()
