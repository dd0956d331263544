"""Time from `python app.py` to the first served page, the old way (re-parsing the workbooks) and from the store.

    python benchmarks/startup.py [--runs 3]

Three ways of starting, interleaved, each in a fresh process:

* ``files``: ``python app.py --data data/demo/manifest.toml``, which reads
  and validates the demo's workbooks on every start (the old default);
* ``store``: ``python app.py`` over a store that already holds the demo,
  reading the dataset from the database (no cached file);
* ``store+cache``: the same with the dataset file a previous start kept
  (what every start after the first one does).

For each it prints the time to the first page (the HTML shell), to the
overview's content (the page callback, which needs the dataset and its
tables) and to the hromada geometry, then the medians. The store lives in
a temporary folder prepared before timing (the demo published once).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo" / "manifest.toml"
_PAGE_OUTPUTS = (("app-page", "children"), ("app-nav-holder", "children"), ("app-title", "children"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _overview(base: str) -> None:
    """POST the page callback for /en/ (what the browser does right after the first page)."""
    dependencies = json.loads(urllib.request.urlopen(base + "/_dash-dependencies", timeout=60).read())
    output = next(d["output"] for d in dependencies if d["output"].startswith("..app-page.children"))
    payload = {
        "output": output,
        "outputs": [{"id": i, "property": p} for i, p in (*_PAGE_OUTPUTS, ("app-lang", "data"))],
        "inputs": [{"id": "app-url", "property": "pathname", "value": "/en/"}],
        "state": [{"id": "app-url", "property": "search", "value": ""}],
        "changedPropIds": ["app-url.pathname"],
    }
    request = urllib.request.Request(
        base + "/_dash-update-component", json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    body = urllib.request.urlopen(request, timeout=300).read()
    if b"app-page" not in body and b"children" not in body:
        raise RuntimeError("the overview callback returned no page")


def one_run(args: list[str], env: dict[str, str], geo_key: str = "demo") -> tuple[float, float, float]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py", *args, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("app.py exited before serving") from None
                time.sleep(0.02)
        first_page = time.perf_counter() - started
        _overview(base)
        content = time.perf_counter() - started
        t = time.perf_counter()
        urllib.request.urlopen(f"{base}/geo/{geo_key}/hromada.json", timeout=60).read()
        geometry = time.perf_counter() - t
        return first_page, content, geometry
    finally:
        proc.terminate()
        proc.wait(30)


def _published_key(env: dict[str, str]) -> str:
    code = "from store import Store; print('pub%d' % Store().revision())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="atlas-startup-"))
    env = {**os.environ, "ATLAS_INSTANCE_DIR": str(folder / "instance"), "ATLAS_CACHE_DIR": str(folder / "cache")}
    env.pop("ATLAS_DATABASE_URL", None)
    env.pop("ATLAS_DATA", None)
    try:
        print("preparing the store (the demo published once, untimed) ...", flush=True)
        code = "from store import Store, publish_demo; publish_demo(Store())"
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
        key = _published_key(env)
        ways = {
            "files (re-parse workbooks)": ([f"--data={DEMO}"], None),
            "store (no cached file)": ([], "drop-cache"),
            "store+cache": ([], None),
        }
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in ways}
        for i in range(options.runs):
            for name, (args, mode) in ways.items():
                if mode == "drop-cache":
                    shutil.rmtree(folder / "cache" / "published", ignore_errors=True)
                page, content, geometry = one_run(args, env, "demo" if args else key)
                results[name].append((page, content, geometry))
                print(
                    f"run {i + 1} {name:<27} first page {page:5.2f} s, overview content {content:5.2f} s, "
                    f"hromada GeoJSON {geometry:5.2f} s",
                    flush=True,
                )
        print(f"\nmedians of {options.runs} runs:")
        for name, rows in results.items():
            page, content, geometry = (statistics.median(r[i] for r in rows) for i in range(3))
            print(
                f"  {name:<27} first page {page:5.2f} s, overview content {content:5.2f} s, "
                f"hromada GeoJSON {geometry:5.2f} s"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
