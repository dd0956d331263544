"""A corpus of hostile upload files, and a run of it through the app's upload path.

Every case of issue 16 (a GeoPackage whose layer is a view over a recursive
query, an .xlsx with thousands of sheet entries pointing at one part, a CSV
of thousands of unknown names, a self-intersecting polygon of 10^5 vertices,
an .xlsx of huge shared strings) plus what the fuzzing covers (zip bombs,
too many zip entries, macros, programs, truncated and damaged workbooks,
random bytes, too many columns, deep JSON nesting). ``tests/loaders/test_hostile.py``
runs the ``ci`` scale of it in every test run; this script runs the
``full`` scale (the sizes of the issue) and prints the time and the answer
of each file::

    python benchmarks/hostile_corpus.py                  # full scale, default limits
    python benchmarks/hostile_corpus.py --scale ci --out /tmp/corpus   # write the files only

Each case is ``(file name, content, kind, expected message pattern)``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: scale -> sizes of the cases
SCALES = {
    "ci": {
        "sheets": 2_000,
        "names": 400,
        "vertices": 30_000,
        "strings_mb": 12,
        "styles": 20_000,
        "columns": 1_000,
        "depth": 20_000,
        "cells": 100_000,
        "cells_columns": 50,
    },
    "full": {
        "sheets": 10_000,
        "names": 2_000,
        "vertices": 100_000,
        "strings_mb": 160,
        "styles": 64_000,
        "columns": 5_000,
        "depth": 200_000,
        "cells": 180_000,
        "cells_columns": 100,
    },
}
HROMADA = "UA05020030000031457"  # Vinnytska hromada (in the demo's codifier units)


def _xlsx_parts(sheet_entries: str, sheet_xml: str, shared: str | None = None) -> dict[str, str]:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if shared
            else ""
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/>'
            if shared
            else ""
        )
        + "</Relationships>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheet_entries}</sheets></workbook>"
    )
    parts = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": rels,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": book_rels,
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared:
        parts["xl/sharedStrings.xml"] = shared
    return parts


def _zip(parts: dict[str, str | bytes]) -> bytes:
    """The parts as a zip, byte for byte the same every time (a fixed date on every entry)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _sheet(rows: list[list[object]]) -> str:
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}" if c < 26 else f"A{r}"
            if isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(out)}</sheetData></worksheet>"
    )


def xlsx_many_sheet_entries(n: int) -> bytes:
    """``n`` sheet entries in workbook.xml, all pointing at one sheet part of 500 rows."""
    rows = [["Код КАТОТТГ", "Населення"]] + [[HROMADA, i] for i in range(500)]
    entries = "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId1"/>' for i in range(n))
    return _zip(_xlsx_parts(entries, _sheet(rows)))


def xlsx_huge_shared_strings(megabytes: int) -> bytes:
    """Shared strings of about ``megabytes`` MB unpacked that compress about 8 times (random hex text)."""
    rng = random.Random(16)
    count = megabytes * 2**20 // 40
    strings = "".join(f"<si><t>{rng.getrandbits(64):016x}{'аб' * 4}</t></si>" for _ in range(count))
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" '
        f'uniqueCount="{count}">{strings}</sst>'
    )
    sheet = _sheet([["Код КАТОТТГ", "Населення"], [HROMADA, 1]])
    entries = '<sheet name="S" sheetId="1" r:id="rId1"/>'
    return _zip(_xlsx_parts(entries, sheet, shared))


def xlsx_bloated_styles(n: int) -> bytes:
    """A one-cell workbook whose ``xl/styles.xml`` holds ``n`` cell formats (openpyxl maps it at about 1 MB/s)."""
    rng = random.Random(16)
    formats = "".join(
        f'<xf numFmtId="{rng.randrange(164)}" fontId="0" fillId="0" borderId="0" xfId="0" '
        f'applyNumberFormat="1"><alignment indent="{rng.randrange(250)}" textRotation="{rng.randrange(180)}"/></xf>'
        for _ in range(n)
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{n}">{formats}</cellXfs></styleSheet>'
    )
    parts = _xlsx_parts(
        '<sheet name="S" sheetId="1" r:id="rId1"/>', _sheet([["Код КАТОТТГ", "Населення"], [HROMADA, 1]])
    )
    return _zip({**parts, "xl/styles.xml": styles})


def csv_unknown_names(n: int) -> bytes:
    """``n`` rows naming no unit (each asks for closest-name suggestions)."""
    rng = random.Random(7)
    letters = "абвгдежзиклмнопрстуфхцчшщюя"
    rows = ["Громада;Населення"]
    for i in range(n):
        name = "".join(rng.choice(letters) for _ in range(rng.randint(6, 14))).capitalize()
        rows.append(f"{name}ська;{1000 + i}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def geojson_self_intersecting(vertices: int) -> bytes:
    """One hromada whose polygon is a zigzag that crosses itself ``vertices`` times."""
    coords = []
    for i in range(vertices):
        x = 28.0 + 0.5 * i / vertices
        coords.append([x, 49.0 + (0.2 if i % 2 else -0.2)])
    coords += [[28.5, 49.3], [28.0, 48.7]]  # back across every tooth
    coords.append(coords[0])
    feature = {
        "type": "Feature",
        "properties": {"ADM3_PCODE": HROMADA, "ADM3_UA": "Вінницька"},
        "geometry": {"type": "Polygon", "coordinates": [coords]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def geojson_deep_nesting(depth: int) -> bytes:
    return ('{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}").encode()


def _geopackage(tmp: Path) -> Path:
    import geopandas as gpd
    from shapely.geometry import box

    path = tmp / "base.gpkg"
    gdf = gpd.GeoDataFrame(
        {"ADM3_PCODE": [HROMADA], "ADM3_UA": ["Вінницька"]}, geometry=[box(28.3, 49.1, 28.6, 49.3)], crs=4326
    )
    gdf.to_file(path, layer="hromadas", driver="GPKG", engine="pyogrio")
    return path


def gpkg_recursive_view() -> bytes:
    """A GeoPackage whose only layer is a view over a recursive query that never ends."""
    with tempfile.TemporaryDirectory() as folder:
        path = _geopackage(Path(folder))
        with sqlite3.connect(path) as db:
            db.execute(
                "CREATE VIEW adm3 AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                "SELECT h.* FROM hromadas h, r WHERE r.n < 0"
            )
            db.execute(
                "UPDATE gpkg_contents SET table_name = 'adm3', identifier = 'adm3' WHERE table_name = 'hromadas'"
            )
            db.execute("UPDATE gpkg_geometry_columns SET table_name = 'adm3' WHERE table_name = 'hromadas'")
        return path.read_bytes()


def gpkg_trigger() -> bytes:
    """A GeoPackage with a trigger of its own (not one of GDAL's R*Tree triggers)."""
    with tempfile.TemporaryDirectory() as folder:
        path = _geopackage(Path(folder))
        with sqlite3.connect(path) as db:
            db.execute("CREATE TRIGGER evil AFTER INSERT ON hromadas BEGIN DELETE FROM gpkg_contents; END")
        return path.read_bytes()


def gpkg_generated_column() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = _geopackage(Path(folder))
        with sqlite3.connect(path) as db:
            db.execute(
                "ALTER TABLE hromadas ADD COLUMN slow INTEGER GENERATED ALWAYS AS "
                "(length(hex(zeroblob(100000000)))) VIRTUAL"
            )
        return path.read_bytes()


def gpkg_zipped_view() -> bytes:
    return _zip({"adm3.gpkg": gpkg_recursive_view()})


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in (("[Content_Types].xml", "<Types/>"), ("xl/worksheets/sheet1.xml", b"\0" * (300 * 2**20))):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def zip_many_entries() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", **{f"xl/x{i}.xml": "" for i in range(6000)}})


def xlsm_macros() -> bytes:
    parts = _xlsx_parts('<sheet name="S" sheetId="1" r:id="rId1"/>', _sheet([["a"]]))
    return _zip({**parts, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 100})


def xlsx_renamed_macros() -> bytes:
    """Macros under another part name, announced only by the content type."""
    parts = _xlsx_parts('<sheet name="S" sheetId="1" r:id="rId1"/>', _sheet([["a"]]))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace("sheet.main+xml", "sheet.macroEnabled.main+xml")
    return _zip({**parts, "xl/media/image1.png": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100})


def csv_many_cells(rows: int, columns: int = 50) -> bytes:
    """A file within the row and column limits whose cells take much memory once read.

    Each cell is a text of two digits: about 60 bytes once read, 20 times its
    size in the file (one-digit texts would take none: Python shares them).
    100,000 rows x 50 columns add about 440 MB; 180,000 x 100 about 1.5 GB.
    The same shape with one-digit cells is a large valid file, read in about
    2 s (``benchmarks/large_file_bench.py``).
    """
    header = "Код КАТОТТГ;Населення;" + ";".join(f"c{i}" for i in range(columns - 2))
    line = HROMADA + ";" + ";".join(str(10 + i % 90) for i in range(columns - 1))
    return (header + "\n" + "\n".join(line for _ in range(rows)) + "\n").encode()


def csv_too_many_columns(n: int) -> bytes:
    return (";".join(f"c{i}" for i in range(n)) + "\n" + ";".join("1" for _ in range(n)) + "\n").encode()


def corpus(scale: str = "ci") -> list[tuple[str, bytes, str, str]]:
    """The hostile files at ``scale`` (``ci`` or ``full``): name, content, kind, expected message (regex)."""
    size = SCALES[scale]
    good = _sheet([["Код КАТОТТГ", "Населення"], [HROMADA, 100]])
    parts = _xlsx_parts('<sheet name="S" sheetId="1" r:id="rId1"/>', good)
    valid = _zip(parts)
    rng = random.Random(16)
    return [
        ("view.gpkg", gpkg_recursive_view(), "boundaries", r"holds a view"),
        ("view.zip", gpkg_zipped_view(), "boundaries", r"holds a view"),
        ("trigger.gpkg", gpkg_trigger(), "boundaries", r"holds a trigger"),
        ("generated.gpkg", gpkg_generated_column(), "boundaries", r"generated columns"),
        ("sheets.xlsx", xlsx_many_sheet_entries(size["sheets"]), "population", r"lists more than \d+ sheets"),
        ("names.csv", csv_unknown_names(size["names"]), "population", r"matches no unit|no row|suggested"),
        (
            "zigzag.geojson",
            geojson_self_intersecting(size["vertices"]),
            "boundaries",
            r"invalid polygon of [\d,]+ vertices",
        ),
        (
            "strings.xlsx",
            xlsx_huge_shared_strings(size["strings_mb"]),
            "population",
            r"MB of shared text|distinct texts",
        ),
        ("styles.xlsx", xlsx_bloated_styles(size["styles"]), "population", r"workbook part 'xl/styles.xml'"),
        (
            "nested.geojson",
            geojson_deep_nesting(size["depth"]),
            "boundaries",
            r"cannot read|could not be read|no features",
        ),
        ("bomb.xlsx", zip_bomb(), "population", r"would unpack|zip bomb"),
        ("entries.xlsx", zip_many_entries(), "population", r"entries, more than"),
        ("macros.xlsx", xlsm_macros(), "staffing", r"macro-enabled"),
        ("renamed.xlsx", xlsx_renamed_macros(), "staffing", r"macro-enabled"),
        ("program.csv", b"MZ\x90\x00" + bytes(rng.getrandbits(8) for _ in range(4000)), "idp", r"a Windows program"),
        ("truncated.xlsx", valid[: len(valid) // 2], "population", r"damaged|could not be read|cannot"),
        ("random.xlsx", bytes(rng.getrandbits(8) for _ in range(20_000)), "caseload", r"."),
        ("empty.csv", b"", "population", r"empty"),
        ("cells.csv", csv_many_cells(size["cells"], size["cells_columns"]), "population", r"MB of memory|took longer"),
        ("columns.csv", csv_too_many_columns(size["columns"]), "population", r"columns, more than"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--out", type=Path, default=None, help="write the files to this folder and stop")
    args = parser.parse_args(argv)
    files = corpus(args.scale)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, content, _, _ in files:
            (args.out / name).write_bytes(content)
        print(f"{len(files)} files written to {args.out}")
        return 0
    import base64
    import re
    import resource

    from layouts.pages.data import process_upload
    from loaders import load_demo
    from loaders.sandbox import last_run

    demo = load_demo()
    failures, peak = 0, 0
    print(f"{'file':<16} {'size':>9} {'seconds':>8}  answer")
    for name, content, kind, expected in files:
        url = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
        started = time.perf_counter()
        report, dataset = process_upload(demo, url, name, kind, None, 64 * 2**20, "en")
        seconds = time.perf_counter() - started
        peak = max(peak, last_run().get("peak_bytes", 0))
        message = "; ".join(e.message for e in report.errors[:1]) or "accepted"
        ok = dataset is None and re.search(expected, message + " ".join(w.message for w in report.warnings))
        failures += not ok
        print(f"{name:<16} {len(content):>9,} {seconds:>8.2f}  {'' if ok else 'UNEXPECTED '}{message[:90]}")
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: this process {me:.0f} MB, largest child {peak / 2**20:.0f} MB; {failures} unexpected answers")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
