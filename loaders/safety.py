"""Treat every input file as hostile: recognise it by content, bound what reading it may cost.

Checks made before a parser sees a file:

* the type is recognised from the first bytes, not from the extension
  (an ``.xlsx`` that is really a CSV is read as CSV; an executable is refused);
* macro-enabled workbooks (``vbaProject.bin`` in an .xlsx/.xlsm, a VBA
  storage in an .xls) are refused;
* zip containers (.xlsx, .ods, zipped shapefiles) are refused when they hold
  too many entries, would unpack to too many bytes, or compress suspiciously
  well (a zip bomb);
* an .xlsx whose ``xl/workbook.xml`` lists more sheet entries than allowed
  is refused before openpyxl opens it (openpyxl reads a sheet part once per
  entry, before any limit of the parser applies);
* a GeoPackage (also inside a zip) is inspected read-only through
  ``sqlite_master`` before GDAL opens it: views, triggers other than the
  R*Tree index triggers GDAL writes itself, virtual tables other than R*Tree,
  generated columns and layers that are not plain feature tables are
  refused, so no SQL of the file ever runs;
* while reading: at most so many sheets, rows and columns, and so many
  seconds of parsing; closest-name suggestions for at most so many rows of
  a file (see :func:`suggestion_allowed`); no repair of an invalid polygon
  with more vertices than allowed.

These checks are the first line. The hard bound is :mod:`loaders.sandbox`:
the app reads every uploaded file in a child process with limits of memory
and CPU time that the parser cannot skip, killed at a wall-clock deadline.

Limits come from environment variables (see :class:`Limits`).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .messages import MessageError, msg

__all__ = [
    "FileRefused",
    "Limits",
    "ParseClock",
    "check_file",
    "check_geopackage",
    "limits",
    "load_workbook",
    "read_shared_strings",
    "current_suggestion_budget",
    "suggestion_allowed",
    "suggestion_budget",
]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SQLITE = b"SQLite format 3\x00"
#: What a file is by its first bytes (message codes ``what_<key>``), when it is no file the app reads.
_REFUSED_MAGIC = {
    b"MZ": "windows_program",
    b"\x7fELF": "linux_program",
    b"%PDF": "pdf",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF8": "gif",
    b"Rar!": "rar",
    b"7z\xbc\xaf": "7zip",
    b"\x1f\x8b": "gzip",
}


class FileRefused(MessageError):
    """A file that is not read at all: wrong type, macros, a zip bomb, or over a limit.

    ``message`` is ``(code, params)`` (:data:`~loaders.messages.MESSAGES`); ``str()`` says it in English.
    """

    def __init__(self, code: str, **params):
        super().__init__(msg(code, **params))


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost. Environment variables override the defaults."""

    max_sheets: int = 50  # ATLAS_MAX_SHEETS
    max_rows: int = 200_000  # ATLAS_MAX_ROWS
    max_columns: int = 500  # ATLAS_MAX_COLUMNS
    max_unpacked_bytes: int = 200 * 2**20  # ATLAS_MAX_UNPACKED_MB
    max_zip_entries: int = 5_000  # ATLAS_MAX_ZIP_ENTRIES
    max_compression_ratio: float = 200.0  # per entry, for entries above 1 MB unpacked
    max_parse_seconds: float = 60.0  # ATLAS_MAX_PARSE_SECONDS: also the child's wall-clock deadline
    max_shared_strings_bytes: int = 32 * 2**20  # ATLAS_MAX_SHARED_STRINGS_MB: unpacked size of the shared texts
    max_shared_strings: int = 100_000  # ATLAS_MAX_SHARED_STRINGS: distinct texts of a workbook (6-20 us each)
    max_xlsx_part_bytes: int = 2 * 2**20  # ATLAS_MAX_XLSX_PART_MB: a part openpyxl parses whole (styles: ~1 MB/s)
    max_parse_bytes: int = 1024 * 2**20  # ATLAS_MAX_PARSE_MB: memory the child reading a file may add
    max_suggestions: int = 50  # ATLAS_MAX_SUGGESTIONS: closest-name searches per file (30-80 ms each)
    max_vertices: int = 5_000_000  # ATLAS_MAX_VERTICES: vertices of all the polygons of a boundary file
    max_repair_vertices: int = 20_000  # ATLAS_MAX_REPAIR_VERTICES: vertices of one invalid polygon to repair


def limits() -> Limits:
    """The limits in force: defaults, overridden by ``ATLAS_MAX_*`` environment variables."""

    def number(name: str, default: float, scale: float = 1) -> float:
        try:
            return float(os.environ[name]) * scale
        except (KeyError, ValueError):
            return default

    base = Limits()
    return Limits(
        max_sheets=int(number("ATLAS_MAX_SHEETS", base.max_sheets)),
        max_rows=int(number("ATLAS_MAX_ROWS", base.max_rows)),
        max_columns=int(number("ATLAS_MAX_COLUMNS", base.max_columns)),
        max_unpacked_bytes=int(number("ATLAS_MAX_UNPACKED_MB", base.max_unpacked_bytes, 2**20)),
        max_zip_entries=int(number("ATLAS_MAX_ZIP_ENTRIES", base.max_zip_entries)),
        max_parse_seconds=number("ATLAS_MAX_PARSE_SECONDS", base.max_parse_seconds),
        max_shared_strings_bytes=int(number("ATLAS_MAX_SHARED_STRINGS_MB", base.max_shared_strings_bytes, 2**20)),
        max_shared_strings=int(number("ATLAS_MAX_SHARED_STRINGS", base.max_shared_strings)),
        max_xlsx_part_bytes=int(number("ATLAS_MAX_XLSX_PART_MB", base.max_xlsx_part_bytes, 2**20)),
        max_parse_bytes=int(number("ATLAS_MAX_PARSE_MB", base.max_parse_bytes, 2**20)),
        max_suggestions=int(number("ATLAS_MAX_SUGGESTIONS", base.max_suggestions)),
        max_vertices=int(number("ATLAS_MAX_VERTICES", base.max_vertices)),
        max_repair_vertices=int(number("ATLAS_MAX_REPAIR_VERTICES", base.max_repair_vertices)),
    )


_SHEET_ENTRY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")


def _check_workbook_xml(path: Path, archive: zipfile.ZipFile, names: list[str], lim: Limits) -> None:
    """Count the sheet entries of ``xl/workbook.xml`` (openpyxl reads a part once per entry)."""
    member = next((n for n in names if n.lower() == "xl/workbook.xml"), None)
    if member is None:
        return
    count, tail = 0, b""
    with archive.open(member) as handle:
        while chunk := handle.read(2**16):
            block = tail + chunk
            count += len(_SHEET_ENTRY.findall(block))
            tail = block[-64:]
            count -= len(_SHEET_ENTRY.findall(tail))  # counted again with the next block
            if count > lim.max_sheets:
                raise FileRefused("refused_sheets_over", name=path.name, limit=lim.max_sheets)
    count += len(_SHEET_ENTRY.findall(tail))
    if count > lim.max_sheets:
        raise FileRefused("refused_sheets", name=path.name, count=count, limit=lim.max_sheets)


def _check_zip(path: Path, lim: Limits) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = [e.filename for e in entries]
            if len(entries) <= lim.max_zip_entries and any(n.lower() == "xl/workbook.xml" for n in names):
                _check_workbook_xml(path, archive, names, lim)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FileRefused("refused_zip_damaged", name=path.name, reason=str(exc)) from None
    if len(entries) > lim.max_zip_entries:
        raise FileRefused("refused_zip_entries", name=path.name, count=len(entries), limit=lim.max_zip_entries)
    workbook = any(n.lower() == "xl/workbook.xml" for n in names)
    total = sum(e.file_size for e in entries)
    if total > lim.max_unpacked_bytes:
        raise FileRefused(
            "refused_unpacked",
            name=path.name,
            size_mb=round(total / 2**20),
            limit_mb=round(lim.max_unpacked_bytes / 2**20),
        )
    for e in entries:
        if e.file_size > 2**20 and e.file_size > lim.max_compression_ratio * max(e.compress_size, 1):
            raise FileRefused("refused_zip_bomb", name=path.name, entry=e.filename)
        if e.filename.lower() == "xl/sharedstrings.xml" and e.file_size > lim.max_shared_strings_bytes:
            raise FileRefused(
                "refused_shared_text",
                name=path.name,
                size_mb=round(e.file_size / 2**20),
                limit_mb=round(lim.max_shared_strings_bytes / 2**20),
            )
        if workbook and _parsed_whole(e.filename) and e.file_size > lim.max_xlsx_part_bytes:
            raise FileRefused(
                "refused_xlsx_part",
                name=path.name,
                entry=e.filename,
                size_mb=round(e.file_size / 2**20, 1),
                limit_mb=round(lim.max_xlsx_part_bytes / 2**20),
            )
    geopackages = [e for e in entries if e.filename.lower().endswith(".gpkg") and not e.is_dir()]
    if geopackages:
        with tempfile.TemporaryDirectory(prefix="atlas-gpkg-") as folder, zipfile.ZipFile(path) as archive:
            for e in geopackages:
                target = Path(folder) / "inner.gpkg"
                with archive.open(e) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
                check_geopackage(target, f"{path.name}/{Path(e.filename).name}")
    return [e.filename for e in entries]


def _parsed_whole(name: str) -> bool:
    """Whether openpyxl (read-only) parses this workbook part whole while it opens the file.

    Everything XML but the worksheets themselves (streamed row by row under
    :class:`ParseClock`) and the shared texts (read by
    :func:`read_shared_strings`, bounded by count and size): the workbook,
    styles, theme, properties, relationships, chart sheets and their charts.
    openpyxl maps these through its object model at about 1 MB/s.
    """
    lowered = name.lower()
    if not lowered.endswith((".xml", ".rels")) or lowered == "xl/sharedstrings.xml":
        return False
    return not (lowered.startswith("xl/worksheets/") and "/_rels/" not in lowered)


_MACRO_TYPES = (b"macroenabled", b"vbaproject", b"ms-office.activex")


def _has_macros(path: Path, names: list[str]) -> bool:
    """Macros by content, not by part name: macro content types, or a binary (OLE2) part under any name."""
    with zipfile.ZipFile(path) as archive:
        for name in names:
            if name.lower() == "[content_types].xml":
                with archive.open(name) as handle:
                    types = handle.read(2**20).lower()
                if any(t in types for t in _MACRO_TYPES):
                    return True
            elif not name.endswith("/"):
                with archive.open(name) as handle:
                    if handle.read(8) == _OLE2:
                        return True
    return False


#: triggers GDAL writes itself: the R*Tree spatial index and the feature count of gpkg_ogr_contents
_GDAL_TRIGGER = re.compile(r"rtree_(.+)_(insert|update\d*|delete)$|trigger_(insert|delete)_feature_count_(.+)$")
_GENERATED = re.compile(r"\bgenerated\s+always\b|\bas\s*\(", re.IGNORECASE)


def check_geopackage(path: Path, name: str | None = None) -> None:
    """Refuse a GeoPackage that would run SQL of its own when GDAL reads it.

    The file is opened read-only and immutable; only ``sqlite_master`` and
    ``gpkg_contents`` are read. Refused: views, triggers other than the
    ``rtree_<table>_<column>_insert/update/delete`` and
    ``trigger_insert/delete_feature_count_<table>`` triggers GDAL writes for
    its spatial index and feature count, and the ``gpkg_*`` triggers of the standard's own
    tables (triggers fire only on writes; the file is never written),
    virtual tables other than ``USING rtree``, tables with generated
    columns, and layers in ``gpkg_contents`` that are not plain tables.

    Raises
    ------
    FileRefused
        Naming what was found.
    """
    name = name or Path(path).name
    uri = f"file:{Path(path).resolve()}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise FileRefused("refused_gpkg_unreadable", name=name, reason=str(exc)) from None
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
        deadline = time.monotonic() + 5
        rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchmany(100_001)
        if len(rows) > 100_000:
            raise FileRefused("refused_gpkg_schema", name=name, limit=100_000)
        tables = {r[1] for r in rows if r[0] == "table"}
        for kind, entry, table, sql in rows:
            sql = sql or ""
            if kind == "view":
                raise FileRefused("refused_gpkg_view", name=name, entry=entry)
            if kind == "trigger":
                standard = _GDAL_TRIGGER.match(entry) or (entry.startswith("gpkg_") and table.startswith("gpkg_"))
                if not (standard and table in tables):
                    raise FileRefused("refused_gpkg_trigger", name=name, entry=entry)
            if kind == "table" and "virtual table" in sql.lower() and "using rtree" not in sql.lower():
                raise FileRefused("refused_gpkg_virtual", name=name, entry=entry)
            if kind == "table" and _GENERATED.search(sql):
                raise FileRefused("refused_gpkg_generated", name=name, entry=entry)
        if "gpkg_contents" in tables:
            contents = connection.execute("SELECT table_name, data_type FROM gpkg_contents").fetchmany(10_001)
            for table, data_type in contents:
                if table not in tables:
                    raise FileRefused("refused_gpkg_layer_table", name=name, entry=table)
                if data_type not in ("features", "attributes"):
                    raise FileRefused("refused_gpkg_layer_type", name=name, entry=table, data_type=str(data_type))
    except sqlite3.Error as exc:
        raise FileRefused("refused_gpkg_unreadable", name=name, reason=str(exc)) from None
    finally:
        connection.close()


def check_file(path: Path, lim: Limits | None = None) -> str:
    """The real type of a file: ``xlsx``, ``ods``, ``xls``, ``zip``, ``gpkg``, ``json`` or ``text``.

    Raises
    ------
    FileRefused
        For macro-enabled workbooks, zip bombs, programs, images, archives
        other than zip, empty files and binary files that are no spreadsheet.
    """
    lim = lim or limits()
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise FileRefused("refused_empty", name=path.name)
    for magic, what in _REFUSED_MAGIC.items():
        if head.startswith(magic):
            raise FileRefused("refused_type", name=path.name, what=msg(f"what_{what}"))
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        names = _check_zip(path, lim)
        lowered = [n.lower() for n in names]
        if any(n.endswith("vbaproject.bin") for n in lowered) or _has_macros(path, names):
            raise FileRefused("refused_macro", name=path.name)
        if "[content_types].xml" in lowered and any(n.startswith("xl/") for n in lowered):
            return "xlsx"
        if "mimetype" in lowered:
            return "ods"
        if any(n.endswith(".shp") for n in lowered):
            return "zip"
        raise FileRefused("refused_zip_nothing", name=path.name)
    if head.startswith(_OLE2):
        content = path.read_bytes()
        if "_VBA_PROJECT".encode("utf-16-le") in content or b"_VBA_PROJECT" in content:
            raise FileRefused("refused_macro", name=path.name)
        return "xls"
    if head.startswith(_SQLITE):
        check_geopackage(path)
        return "gpkg"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        return "json"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("refused_binary", name=path.name)
    return "text"


class ParseClock:
    """Counts rows and columns while a sheet is read and stops a read that takes too long."""

    def __init__(self, name: str, lim: Limits | None = None):
        self.name = name
        self.lim = lim or limits()
        self.started = time.monotonic()
        self.rows = 0

    def sheets(self, count: int) -> None:
        if count > self.lim.max_sheets:
            raise FileRefused("refused_sheet_count", name=self.name, count=count, limit=self.lim.max_sheets)

    def row(self, width: int) -> None:
        self.rows += 1
        if self.rows > self.lim.max_rows:
            raise FileRefused("refused_rows", name=self.name, limit=self.lim.max_rows)
        if width > self.lim.max_columns:
            raise FileRefused("refused_columns", name=self.name, row=self.rows, count=width, limit=self.lim.max_columns)
        if self.rows % 1000 == 0:
            self.check()

    def check(self) -> None:
        """Stop the read once it has taken longer than ``max_parse_seconds``."""
        if time.monotonic() - self.started > self.lim.max_parse_seconds:
            raise FileRefused("refused_slow", name=self.name, seconds=round(self.lim.max_parse_seconds))


_SUGGESTIONS: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("atlas_suggestions", default=None)


@contextlib.contextmanager
def suggestion_budget(count: int | None = None) -> Iterator[list[int]]:
    """Within this block, closest-name suggestions are computed for at most ``count`` rows.

    Yields a one-item list: the number of rows refused a suggestion (0 when
    the budget sufficed). ``count`` defaults to ``ATLAS_MAX_SUGGESTIONS``.
    """
    budget = [limits().max_suggestions if count is None else count, 0]
    token = _SUGGESTIONS.set(budget)
    try:
        yield budget
    finally:
        _SUGGESTIONS.reset(token)


def current_suggestion_budget() -> list[int] | None:
    """The live budget of the current file, ``[suggestions left, rows refused one]``, or None outside a budget.

    A reader that reuses the result of a name looked up before spends what the
    first look-up spent (so a memoised reading suggests exactly as one that
    looks every row up)."""
    return _SUGGESTIONS.get()


def suggestion_allowed() -> bool:
    """Spend one suggestion of the current file's budget; False once it is spent (or outside a budget: True)."""
    budget = _SUGGESTIONS.get()
    if budget is None:
        return True
    if budget[0] <= 0:
        budget[1] += 1
        return False
    budget[0] -= 1
    return True


# -- .xlsx: openpyxl's reader with its slow steps bounded -----------------------------------------------------------
def _iterparse():
    """The fastest safe XML reader: C ElementTree where expat resists entity expansion (>= 2.4.1), else defusedxml's.

    Expat 2.4.1 and newer limit the amplification of entities (billion laughs,
    quadratic blowup), and ElementTree never fetches external entities (see the
    Python documentation, "XML vulnerabilities"); older expat: openpyxl's own
    DTD-refusing parser, about 1.8 times slower.
    """
    import pyexpat
    import xml.etree.ElementTree as ET

    if pyexpat.version_info >= (2, 4, 1):
        return ET.iterparse
    from openpyxl.xml.functions import iterparse

    return iterparse


def read_shared_strings(source, clock: ParseClock) -> list[str]:
    """The shared texts of an .xlsx (``xl/sharedStrings.xml``), as openpyxl gives them, but bounded and fast.

    openpyxl builds an object per text (``Text.from_tree`` over the pure-Python
    parser of defusedxml, about 1.3 MB/s here, 0.4 MB/s on a loaded machine)
    before any limit of ours applies, so 12 MB of short texts took 23-32 s.
    This reads the same content (the ``t`` of the item and of each of its
    runs, not the phonetic ``rPh``; ``_x005F_`` escapes undone as openpyxl
    does) about 3 times faster, stops at ``max_shared_strings`` texts and
    checks the parse clock every 10,000.
    """
    from openpyxl.xml.constants import SHEET_MAIN_NS

    item, text, run = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
    strings: list[str] = []
    limit = clock.lim.max_shared_strings
    for _, node in _iterparse()(source):  # end events only: the cleared items left in <sst> are bounded by the count
        if node.tag != item:
            continue
        parts = []
        for child in node:
            if child.tag == text:
                parts.append(child.text or "")
            elif child.tag == run:
                parts.extend(grand.text or "" for grand in child if grand.tag == text)
        strings.append("".join(parts).replace("x005F_", ""))
        node.clear()
        if len(strings) > limit:
            raise FileRefused("refused_texts", name=clock.name, limit=limit)
        if len(strings) % 10_000 == 0:
            clock.check()
    return strings


def load_workbook(handle, clock: ParseClock):
    """``openpyxl.load_workbook(handle, read_only=True, data_only=True)`` with the shared texts read by us.

    The parse clock runs from the start (opening a workbook is part of
    reading it); the parts openpyxl parses whole are bounded in size by
    :func:`check_file` before this is called.
    """
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class BoundedReader(ExcelReader):
        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = read_shared_strings(source, clock)

    reader = BoundedReader(handle, read_only=True, data_only=True)
    try:
        reader.read()
    except ValueError as exc:  # openpyxl wraps what stops it in a ValueError naming the file's path
        if isinstance(exc.__cause__, FileRefused):
            raise exc.__cause__ from None
        raise
    clock.check()
    return reader.wb
