"""Validating a State Statistics hierarchical publication in a fresh process, the way a user runs it.

    python benchmarks/validate_bench.py [--runs 3]

Writes, from the units shipped with the app and the demo's population
figures, the shape of the State Statistics publication of the present
population: a title sheet, then five sheets for groups of oblasts, an
unheaded name column, a number column headed "Осіб / Persons", a row of
column numbers, and oblast -> raion -> hromada rows by name only, with
subtotals (1,469 hromadas and Kyiv; 1,632 rows). Then times the whole
command ``python app.py validate --population FILE`` (interpreter start,
imports, reading, matching every name within its oblast and raion) and,
beside it, the same command on a flat table of the same figures keyed by
KATOTTG codes (the easy case). Prints each run and the medians, wall
clock and the child's CPU time (user + system; on a shared machine the
wall clock also counts waiting for a core).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_files(folder: Path) -> tuple[Path, Path, int]:
    """The hierarchical publication and the flat table; returns their paths and the publication's row count."""
    import pandas as pd
    from openpyxl import Workbook

    from loaders import default_units, load_demo

    units = default_units()
    population = load_demo().hromadas.set_index("code")["population"]
    hromadas = units[(units["level"] == "hromada") & units["code"].isin(population.dropna().index)]
    oblasts = units[units["level"] == "oblast"].set_index("code")
    raions = units[units["level"] == "raion"].set_index("code")
    kinds = {"urban": "міська", "settlement": "селищна", "rural": "сільська"}
    wb = Workbook()
    wb.active.title = "Титул"
    wb.active.append(["Чисельність наявного населення України на 1 січня 2022 року"])
    codes = [c for c in oblasts.index if c in set(hromadas["oblast_code"])]
    groups = [codes[i : i + 6] for i in range(0, len(codes), 6)]
    rows_written = 0
    for number, group in enumerate(groups, start=1):
        ws = wb.create_sheet(str(number))
        ws.append(["Чисельність наявного населення за окремими територіями на 1 січня 2022 року", None])
        ws.append([None, "Осіб / Persons"])
        ws.append(["А", 1])
        for oblast in group:
            members = hromadas[hromadas["oblast_code"] == oblast]
            name = oblasts.loc[oblast, "name_uk"]
            ws.append([name if oblast.startswith("UA80") else f"{name} область", population[members["code"]].sum()])
            rows_written += 1
            for raion, inside in members.groupby("raion_code", sort=False):
                ws.append([f"{raions.loc[raion, 'name_uk']} район", population[inside["code"]].sum()])
                rows_written += 1
                for h in inside.itertuples():
                    label = f"{h.name_uk} {kinds.get(h.hromada_type, '')} територіальна громада".replace("  ", " ")
                    ws.append([label, population[h.code]])
                    rows_written += 1
            if oblast.startswith("UA80"):
                continue
    publication = folder / "population-2022-publication.xlsx"
    wb.save(publication)
    flat = folder / "population-flat.csv"
    pd.DataFrame(
        {"Код КАТОТТГ": hromadas["code"], "Чисельність населення": population[hromadas["code"]].to_numpy()}
    ).to_csv(flat, index=False)
    return publication, flat, rows_written


def one_run(path: Path) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds of the child (user + system) and its exit status."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "app.py", "validate", "--population", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        publication, flat, rows = write_files(Path(tmp))
        print(f"hierarchical publication: {rows} rows over {publication.name}; flat table: {flat.name}")
        results = {}
        for label, path in (("hierarchical publication, names only", publication), ("flat table, codes", flat)):
            walls, cpus = [], []
            for run in range(args.runs):
                wall, cpu, status = one_run(path)
                walls.append(wall)
                cpus.append(cpu)
                print(f"  {label}: run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU (exit {status})")
            results[label] = (statistics.median(walls), statistics.median(cpus))
        for label, (wall, cpu) in results.items():
            print(f"median {label}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
