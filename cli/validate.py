"""The ``validate`` command: check input files and print what could and could not be used.

    python app.py validate [--boundaries FILE ...] [--population FILE] [--idp FILE]
                           [--staffing FILE] [--caseload FILE] [--data MANIFEST]
                           [--sheet [KIND=]SHEET] [--header-row [KIND=]N]
                           [--columns [KIND:]FIELD=HEADER|LETTER ...]
                           [--cells [KIND:]SIGN=zero|unknown|not_applicable ...] [--json] [--lang uk|en]

The overrides are those a manifest offers for a table (``sheet``,
``header_row``, ``columns``, ``cells``) and add to the manifest's; ``KIND``
may be left out when one table is given (``--columns "population=Осіб /
Persons" --columns name=A``).

Without boundary files, rows are matched against the official codifier
(or the manifest's units). Exit status: 0 when every file is usable
(warnings allowed), 1 when any file has errors, 2 on bad arguments (no
file, a file that does not exist, a malformed ``--sheet`` or manifest).

With ``--json`` one JSON object is printed to stdout::

    {"ok": bool, "files": [{"kind", "path", "sheet", "level", "rows", "matched",
      "unmatched": [{"row", "value", "suggestions"}],
      "errors": [{"row", "column", "header", "sheet", "code", "params", "message"}],
      "warnings": [...], "totals": {"<canonical field>": number}}]}

``column`` is the field, ``header`` the file's own header of it; ``code`` and
``params`` are the message (``loaders.messages.MESSAGES``) and ``message`` and
``suggestions`` are in words in ``--lang``.

Rows are numbered as a spreadsheet program shows them (the first row is 1).
The app wires it in with ``add_parser(subparsers)``; the parser's
default ``func`` is :func:`run_validate`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.text import issue_text

__all__ = ["add_parser", "run_validate", "main"]

_KINDS = ("population", "idp", "staffing", "caseload")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``validate`` command to an ``add_subparsers()`` object; returns its parser."""
    parser = subparsers.add_parser(
        "validate",
        help="check input files and report every problem (exit 0 usable, 1 errors, 2 bad arguments)",
        description=(
            "Check boundary files and population / IDP / staffing / caseload tables: rows read and matched, "
            "unmatched rows with the closest names, errors and warnings with their row, the level and the totals. "
            "Exit status 0 when every file is usable, 1 when any has errors, 2 on bad arguments."
        ),
    )
    parser.add_argument(
        "--boundaries",
        nargs="+",
        action="extend",
        type=Path,
        default=[],
        metavar="FILE",
        help="boundary files (GeoJSON, zipped or plain Shapefile, GeoPackage; COD-AB of any level)",
    )
    for kind in _KINDS:
        parser.add_argument(
            f"--{kind}", type=Path, default=None, metavar="FILE", help=f"{kind} table (.xlsx/.xls/.ods/.csv)"
        )
    parser.add_argument(
        "--sheet",
        action="append",
        default=[],
        metavar="[KIND=]SHEET",
        help="the sheet of a table to read (a name, or its number counted from 1); repeatable",
    )
    parser.add_argument(
        "--header-row",
        action="append",
        default=[],
        metavar="[KIND=]N",
        help="the (first) header row of a table, counted from 1, when it is not found",
    )
    parser.add_argument(
        "--columns",
        action="append",
        default=[],
        metavar="[KIND:]FIELD=HEADER|LETTER",
        help="the column of a field, by its header text or column letter (e.g. population='Осіб / Persons', name=A)",
    )
    parser.add_argument(
        "--cells",
        action="append",
        default=[],
        metavar="[KIND:]SIGN=MEANING",
        help="what a sign in number cells means: zero, unknown or not_applicable (default: State Statistics: "
        "'–' zero; '…', 'н/д', 'n/a' unknown; 'х' not applicable)",
    )
    parser.add_argument("--data", type=Path, default=None, metavar="MANIFEST", help="check every file of a manifest")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument(
        "--lang",
        choices=("uk", "en"),
        default="uk",
        help="language of the report's words (default uk); --json adds each message's code and params",
    )
    parser.set_defaults(func=run_validate)
    return parser


def _said(exc: Exception, lang: str) -> str:
    """What a failure says: a loader's message in ``lang``, else its own (English) text."""
    from loaders.messages import MessageError

    return issue_text(exc.message, lang) if isinstance(exc, MessageError) else str(exc)


def _bad(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _kind_of(item: str, flag: str, sep: str, tables: dict, manifest) -> tuple[str, str]:
    """``(kind, rest)`` of ``KIND<sep>REST``, or of ``REST`` alone when one table is given."""
    kind, found, rest = item.partition(sep)
    if found and kind in _KINDS:
        if kind not in tables and manifest is None:
            raise ValueError(f"{flag} {item!r}: no --{kind} file given")
        return kind, rest
    if len(tables) == 1 and manifest is None:
        return next(iter(tables)), item
    raise ValueError(
        f"{flag} {item!r}: say which table ({sep.join(['KIND', '...'])} with KIND one of {', '.join(_KINDS)})"
    )


def _table_options(args: argparse.Namespace, tables: dict, manifest) -> tuple[dict, dict]:
    """``--sheet``, ``--header-row``, ``--columns`` and ``--cells`` as ``(sheets, overrides by kind)``."""
    sheets: dict[str, str] = {}
    overrides: dict[str, dict] = {}
    for item in getattr(args, "sheet", []) or []:
        kind, sheet = _kind_of(item, "--sheet", "=", tables, manifest)
        if not sheet:
            raise ValueError(f"--sheet expects [KIND=]SHEET, got {item!r}")
        sheets[kind] = sheet
    for item in getattr(args, "header_row", []) or []:
        kind, row = _kind_of(item, "--header-row", "=", tables, manifest)
        if not row.isdigit() or int(row) < 1:
            raise ValueError(f"--header-row expects [KIND=]N with N a row number from 1, got {item!r}")
        overrides.setdefault(kind, {})["header_row"] = int(row)
    for flag, key in (("--columns", "columns"), ("--cells", "cells")):
        for item in getattr(args, key, []) or []:
            kind, rest = _kind_of(item, flag, ":", tables, manifest)
            name, sep, value = rest.partition("=")
            if not sep or not name.strip() or not value.strip():
                what = "FIELD=HEADER|LETTER" if key == "columns" else "SIGN=MEANING"
                raise ValueError(f"{flag} expects [KIND:]{what}, got {item!r}")
            overrides.setdefault(kind, {}).setdefault(key, {})[name.strip()] = value.strip()
    return sheets, overrides


def run_validate(args: argparse.Namespace) -> int:
    """Run the command on parsed arguments; returns the exit status (0, 1 or 2)."""
    tables = {kind: getattr(args, kind) for kind in _KINDS if getattr(args, kind, None) is not None}
    boundaries = list(getattr(args, "boundaries", []) or [])
    manifest = getattr(args, "data", None)
    if not tables and not boundaries and manifest is None:
        return _bad("nothing to validate: give --data MANIFEST, --boundaries or a table (--population ...)")
    for flag, path in [*(("--boundaries", p) for p in boundaries), *((f"--{k}", p) for k, p in tables.items())]:
        if not Path(path).exists():
            return _bad(f"{flag}: file not found: {path}")
    if manifest is not None and not Path(manifest).exists():
        return _bad(f"--data: manifest not found: {manifest}")
    lang = getattr(args, "lang", "uk")
    try:
        sheets, overrides = _table_options(args, tables, manifest)
    except ValueError as exc:
        return _bad(_said(exc, lang))

    from loaders import validate_files

    try:
        ok, reports = validate_files(
            boundaries=boundaries, tables=tables, sheets=sheets, manifest=manifest, overrides=overrides
        )
    except (FileNotFoundError, ValueError) as exc:
        return _bad(_said(exc, lang))
    if getattr(args, "json", False):
        payload = {"ok": ok, "files": [r.to_dict(lang) for r in reports]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        from core.text import t

        for r in reports:
            print(r.summary(lang))
            print()
        usable = sum(r.ok for r in reports)
        status = t("validate_all_ok" if ok else "validate_all_not_ok", lang)
        print(t("validate_all", lang, status=status, usable=usable, files=len(reports)))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    """``python -m cli.validate ...``: the same command without the app."""
    parser = argparse.ArgumentParser(prog="python -m cli.validate")
    commands = parser.add_subparsers(dest="command")
    add_parser(commands)
    args = parser.parse_args(["validate", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
