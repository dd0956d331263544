"""Treat every input file as hostile: recognise it by content, bound what reading it may cost.

Checks made before a parser sees a file:

* the type is recognised from the first bytes, not from the extension
  (an ``.xlsx`` that is really a CSV is read as CSV; an executable is refused);
* macro-enabled workbooks (``vbaProject.bin`` in an .xlsx/.xlsm, a VBA
  storage in an .xls) are refused;
* zip containers (.xlsx, .ods, zipped shapefiles) are refused when they hold
  too many entries, would unpack to too many bytes, or compress suspiciously
  well (a zip bomb);
* while reading: at most so many sheets, rows and columns, and so many
  seconds of parsing.

Limits come from environment variables (see :class:`Limits`).
"""

from __future__ import annotations

import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FileRefused", "Limits", "ParseClock", "check_file", "limits"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SQLITE = b"SQLite format 3\x00"
_REFUSED_MAGIC = {
    b"MZ": "a Windows program",
    b"\x7fELF": "a Linux program",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\x1f\x8b": "a gzip archive",
}


class FileRefused(ValueError):
    """A file that is not read at all: wrong type, macros, a zip bomb, or over a limit."""


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost. Environment variables override the defaults."""

    max_sheets: int = 50  # ATLAS_MAX_SHEETS
    max_rows: int = 200_000  # ATLAS_MAX_ROWS
    max_columns: int = 500  # ATLAS_MAX_COLUMNS
    max_unpacked_bytes: int = 200 * 2**20  # ATLAS_MAX_UNPACKED_MB
    max_zip_entries: int = 5_000  # ATLAS_MAX_ZIP_ENTRIES
    max_compression_ratio: float = 200.0  # per entry, for entries above 1 MB unpacked
    max_parse_seconds: float = 60.0  # ATLAS_MAX_PARSE_SECONDS


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
    )


def _check_zip(path: Path, lim: Limits) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(f"{path.name}: a damaged zip container ({exc})") from None
    if len(entries) > lim.max_zip_entries:
        raise FileRefused(f"{path.name}: the archive holds {len(entries)} entries, more than {lim.max_zip_entries}")
    total = sum(e.file_size for e in entries)
    if total > lim.max_unpacked_bytes:
        raise FileRefused(
            f"{path.name}: would unpack to {total / 2**20:.0f} MB, more than {lim.max_unpacked_bytes / 2**20:.0f} MB"
        )
    for e in entries:
        if e.file_size > 2**20 and e.file_size > lim.max_compression_ratio * max(e.compress_size, 1):
            raise FileRefused(f"{path.name}: entry {e.filename!r} is compressed suspiciously well (a zip bomb?)")
    return [e.filename for e in entries]


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
        raise FileRefused(f"{path.name}: the file is empty")
    for magic, what in _REFUSED_MAGIC.items():
        if head.startswith(magic):
            raise FileRefused(f"{path.name}: this is {what}, not a spreadsheet or boundary file")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        names = _check_zip(path, lim)
        lowered = [n.lower() for n in names]
        if any(n.endswith("vbaproject.bin") for n in lowered):
            raise FileRefused(f"{path.name}: a macro-enabled workbook; save it as .xlsx without macros")
        if "[content_types].xml" in lowered and any(n.startswith("xl/") for n in lowered):
            return "xlsx"
        if "mimetype" in lowered:
            return "ods"
        if any(n.endswith(".shp") for n in lowered):
            return "zip"
        raise FileRefused(f"{path.name}: a zip archive that holds no workbook and no shapefile")
    if head.startswith(_OLE2):
        content = path.read_bytes()
        if "_VBA_PROJECT".encode("utf-16-le") in content or b"_VBA_PROJECT" in content:
            raise FileRefused(f"{path.name}: a macro-enabled workbook; save it as .xlsx without macros")
        return "xls"
    if head.startswith(_SQLITE):
        return "gpkg"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        return "json"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(f"{path.name}: a binary file that is no spreadsheet (expected .xlsx, .xls, .ods or .csv)")
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
            raise FileRefused(f"{self.name}: {count} sheets, more than {self.lim.max_sheets}")

    def row(self, width: int) -> None:
        self.rows += 1
        if self.rows > self.lim.max_rows:
            raise FileRefused(f"{self.name}: more than {self.lim.max_rows} rows")
        if width > self.lim.max_columns:
            raise FileRefused(f"{self.name}: row {self.rows} has {width} columns, more than {self.lim.max_columns}")
        if self.rows % 1000 == 0 and time.monotonic() - self.started > self.lim.max_parse_seconds:
            raise FileRefused(f"{self.name}: reading took longer than {self.lim.max_parse_seconds:.0f} s")
