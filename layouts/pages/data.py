"""Data page: upload population, IDP, staffing, caseload and boundary files; see their validation reports.

A file replaces the data of its kind only when it validates; otherwise its
report is shown and the data in use stays. Uploads belong to the session
that made them (see :mod:`layouts.state`).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from core.schema import UNIT_LEVELS
from core.text import format_number, source_text, t
from core.text import label as field_label
from loaders import Dataset, FileReport, TableChange, ValidationReport, load_demo, table_change, with_file
from loaders.sandbox import validate_untrusted

from .. import ids
from ..components import data_table, facts_table
from ..state import AtlasState, StorageError, upload_folder
from . import published

LOG = logging.getLogger("atlas.uploads")
UPLOAD_MODE = "upload_mode"  #: session value: "update" (default) or "replace", set by the page's radio
#: session value: {"header_row": int | None, "columns": {field: header}, "cells": {sign: meaning}, "texts": [...]}
UPLOAD_OVERRIDES = "upload_overrides"


#: Words for the meaning of a sign in number cells (either language) -> the loaders' meaning.
CELL_WORDS = {
    "zero": "zero",
    "нуль": "zero",
    "0": "zero",
    "unknown": "unknown",
    "not available": "unknown",
    "невідомо": "unknown",
    "немає даних": "unknown",
    "not applicable": "not_applicable",
    "not_applicable": "not_applicable",
    "не застосовується": "not_applicable",
}


def parse_overrides(
    header_row: object, columns: object, cells: object = None, lang: str = "uk"
) -> tuple[dict, str | None]:
    """The page's override fields as ``{"header_row", "columns", "cells"}`` and a problem (or ``None``).

    ``columns`` is ``field=header text or column letter`` pairs separated by ``;`` or new lines, e.g.
    ``name=A; population=Осіб / Persons``; ``cells`` is ``sign=meaning`` pairs (meaning: zero, unknown or
    not applicable, in Ukrainian or English: ``–=невідомо; н/д=нуль``), the manifest's ``cells``
    (``--cells`` of ``validate``). The problem is in ``lang``."""
    out: dict = {"header_row": None, "columns": {}, "cells": {}}
    text = str(header_row or "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            return out, t("upload_header_row_invalid", lang, value=repr(text))
        out["header_row"] = int(text)
    for part in re.split(r"[;\n]", str(columns or "")):
        if not part.strip():
            continue
        field, sep, target = part.partition("=")
        if not sep or not field.strip() or not target.strip():
            return out, t("upload_columns_invalid", lang, part=repr(part.strip()))
        out["columns"][field.strip()] = target.strip()
    for part in re.split(r"[;\n]", str(cells or "")):
        if not part.strip():
            continue
        sign, sep, meaning = part.partition("=")
        meaning = CELL_WORDS.get(" ".join(meaning.replace("_", " ").split()).casefold())
        if not sep or not sign.strip() or meaning is None:
            return out, t("upload_cells_invalid", lang, part=repr(part.strip()))
        out["cells"][sign.strip()] = meaning
    return out, None


KINDS = ("population", "idp", "staffing", "caseload", "boundaries")
_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv", ".geojson", ".json", ".gpkg", ".zip", ".shp"}


def label(key: str, lang: str) -> str:
    """The page's text ``upload_<key>`` from the catalogue (``core.text``)."""
    return t(f"upload_{key}", lang)


def upload_limit_bytes() -> int:
    """Largest upload accepted: ``ATLAS_UPLOAD_LIMIT_MB`` (default 20 MB)."""
    try:
        megabytes = float(os.environ.get("ATLAS_UPLOAD_LIMIT_MB", "20"))
    except ValueError:
        megabytes = 20.0
    return int(megabytes * 1024 * 1024)


def _rejected(kind: str, filename: str, code: str, **params) -> FileReport:
    """The report of a file refused before it is read: one error, the message ``code`` with ``params``."""
    report = ValidationReport(f"{kind} file {filename}", kind=kind, path=filename)
    report.error(code, params)
    return FileReport.from_report(report)


def process_upload(
    dataset: Dataset,
    contents: str,
    filename: str,
    kind: str,
    sheet: str | None,
    limit: int,
    lang: str = "uk",
    mode: str = "update",
    *,
    header_row: int | None = None,
    columns: dict[str, str] | None = None,
    cells: dict[str, str] | None = None,
) -> tuple[FileReport, Dataset | None]:
    """Validate an uploaded file; return its report and the new dataset (None when rejected).

    A table updates only the units it gives (``mode="update"``, the default: one oblast's return leaves
    the other oblasts as they were) or replaces the whole table of its kind (``mode="replace"``).
    ``header_row``, ``columns`` and ``cells`` are the overrides of a manifest (``--header-row``,
    ``--columns``, ``--cells``: what a sign in number cells means in this file).

    ``contents`` is the data URL ``dcc.Upload`` sends. The file is written
    to a private temporary folder under a fixed name (only a known suffix
    of the user's file name is kept) and deleted afterwards.
    """
    if kind not in KINDS:
        return _rejected(str(kind), filename, "upload_kind_unknown", kinds=list(KINDS)), None
    if not isinstance(filename, str | type(None)) or not isinstance(sheet, str | type(None)):
        return _rejected(kind, "upload", "upload_not_base64"), None
    safe_name = re.sub(r"[^\w.\- ]", "_", Path(filename or "upload").name)[:120] or "upload"
    if not isinstance(contents, str):
        return _rejected(kind, safe_name, "upload_not_base64"), None
    if (len(contents) - contents.find(",") - 1) * 3 // 4 > limit + 3:  # before decoding a byte of it
        return _rejected(kind, safe_name, "upload_too_big", limit_mb=limit / 2**20), None
    try:
        payload = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        return _rejected(kind, safe_name, "upload_not_base64"), None
    if len(payload) > limit:
        return _rejected(kind, safe_name, "upload_too_big", limit_mb=limit / 2**20), None
    suffix = Path(safe_name).suffix.lower()
    suffix = suffix if suffix in _SUFFIXES else ""
    # in the private cache folder, not the shared temp dir; a worker killed meanwhile leaves it for sweep_uploads
    with tempfile.TemporaryDirectory(prefix="atlas-upload-", dir=upload_folder()) as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(payload)
        sheet_arg: str | int | None = sheet.strip() if sheet and sheet.strip() else None
        # in a child process under limits of memory and time (loaders.sandbox)
        options = {"header_row": header_row, "columns": columns or None, "cells": cells or None}
        options = options if kind != "boundaries" else {}
        report = validate_untrusted(path, kind, dataset.units, sheet_arg, name=safe_name, **options)
        report = _renamed(report, safe_name)
        if not report.ok:
            return report, None
        return report, with_file(dataset, report, mode=mode if mode in ("update", "replace") else "update")


def _renamed(report: FileReport, name: str) -> FileReport:
    from dataclasses import replace

    return replace(report, path=name)


def change_view(change: TableChange, lang: str) -> html.Div:
    """What an accepted table changed: units, reporting hromadas, national totals before and after."""
    head = label("reporting", lang).format(
        kind=label(change.kind, lang),
        units=format_number(change.units, 0, lang),
        reporting=format_number(change.reporting, 0, lang),
        total=format_number(change.total, 0, lang),
    )
    rows = [
        html.Li(f"{field_label(name, lang)}: {_total(change.before.get(name), lang)} → {_total(value, lang)}")
        for name, value in change.after.items()
        if not (_nan(value) and _nan(change.before.get(name)))
    ]
    return html.Div([html.H3(label("changed", lang)), html.P(head), html.Ul(rows)], id="data-change")


def _nan(value) -> bool:
    return value is None or value != value


def _total(value, lang: str) -> str:
    return t("no_data", lang) if _nan(value) else format_number(value, 0, lang)


#: the page lists the first rows of each kind of issue, at most this many in all (the workbook has every one)
_FIRST_OF_KIND, _MOST_SHOWN = 20, 500


def _by_kind(issues) -> tuple[list[tuple[Any, int]], list]:
    """``(kinds, shown)``: each kind (message code) of ``issues`` as its first issue and how many there are, in
    the order first found, and the issues the page lists (the first :data:`_FIRST_OF_KIND` of each kind, at
    most :data:`_MOST_SHOWN`, in file order)."""
    counts: dict[str, int] = {}
    firsts: dict[str, Any] = {}
    shown = []
    for issue in issues:
        seen = counts.get(issue.code, 0)
        if not seen:
            firsts[issue.code] = issue
        counts[issue.code] = seen + 1
        if seen < _FIRST_OF_KIND and len(shown) < _MOST_SHOWN:
            shown.append(issue)
    return [(firsts[code], n) for code, n in counts.items()], shown


def report_view(report: FileReport, lang: str) -> html.Div:
    """A validation report as text and tables (values from the file are shown literally)."""
    head = html.P(label("ok" if report.ok else "rejected", lang), className="ok" if report.ok else "rejected")
    counts = html.P(
        f"{report.path}: {report.rows} {label('rows', lang)}, {report.matched} {label('matched', lang)}"
        + (
            f", {label('level', lang)}: {t(report.level, lang) if report.level in UNIT_LEVELS else report.level}"
            if report.level
            else ""
        )
    )
    parts: list = [head, counts]
    if report.totals:
        parts.append(
            html.P(
                f"{label('totals', lang)}: "
                + "; ".join(
                    f"{field_label(k, lang)} {format_number(v, 0, lang)}" for k, v in list(report.totals.items())[:12]
                )
            )
        )
    for key, issues in (("errors", report.errors), ("warnings", report.warnings)):
        if issues:
            kinds, shown = _by_kind(issues)
            parts.append(html.H3(f"{label(key, lang)} ({format_number(len(issues), 0, lang)})"))
            if len(shown) < len(issues):
                parts.append(
                    html.Ul(
                        [html.Li(t("upload_kind_count", lang, message=i.text(lang), count=n)) for i, n in kinds],
                        id=f"data-{key}-kinds",
                    )
                )
            parts.append(
                data_table(
                    f"data-{key}",
                    [{"name": label(c, lang), "id": c} for c in ("row", "column", "message")],
                    [{"row": i.row, "column": i.column_text(lang), "message": i.text(lang)} for i in shown],
                    page_size=10,
                    lang=lang,
                )
            )
            if len(shown) < len(issues):
                parts.append(
                    html.P(
                        t(
                            "upload_more_issues" if report.ok else "upload_more_issues_rejected",
                            lang,
                            first=_FIRST_OF_KIND,
                            shown=len(shown),
                            total=len(issues),
                            more=len(issues) - len(shown),
                            sheet=t("sheet_issues", lang),
                            workbook=t("full_workbook", lang),
                        ),
                        id=f"data-{key}-more",
                    )
                )
    if report.unmatched:
        parts.append(html.H3(f"{label('unmatched', lang)} ({len(report.unmatched)})"))
        parts.append(
            data_table(
                "data-unmatched",
                [{"name": label(c, lang), "id": c} for c in ("row", "value", "suggestions")],
                [
                    {"row": u.row, "value": u.value, "suggestions": "; ".join(u.suggested(lang))}
                    for u in report.unmatched[:500]
                ],
                page_size=10,
                lang=lang,
            )
        )
    return html.Div(parts, className="report", id="data-report-body")


def dataset_view(dataset: Dataset, lang: str) -> html.Div:
    """Title, sources, reference dates and the level of each kind of the dataset in use."""
    rows = []
    for kind in (*KINDS[:-1], "boundaries", "units"):
        source = dataset.sources.get(kind) or next(
            (v for k, v in dataset.sources.items() if k.startswith(f"{kind}:")), None
        )
        if source is None and kind not in dataset.reference_dates:
            continue
        name = label(kind, lang) if kind in KINDS else kind
        rows.append(
            (name, source_text(source, lang), dataset.reference_dates.get(kind, ""), dataset.levels.get(kind, ""))
        )
    return html.Div(
        [
            html.H2(label("in_use", lang)),
            html.P(dataset.title, id="data-title"),
            facts_table(["", *(label(k, lang) for k in ("source", "date", "level"))], rows),
            html.P(t("approximate", lang)) if dataset.approximate_boundaries else None,
        ]
    )


def _override_text(state: AtlasState, position: int) -> str:
    """What the analyst typed in override field ``position`` (header row, columns, cells) this session."""
    texts = (state.get_value(UPLOAD_OVERRIDES, None) or {}).get("texts") or []
    return str(texts[position]) if position < len(texts) and texts[position] is not None else ""


def _override_field(
    state: AtlasState, position: int, field_id: str, text: str, width: str, title: str | None = None, **props
) -> tuple:
    """The label and text field of override ``position``, showing what the analyst typed there this session."""
    field = dcc.Input(
        id=field_id, type="text", debounce=True, value=_override_text(state, position), style={"width": width}, **props
    )
    return html.Label(text, htmlFor=field_id, title=title), field


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    return html.Div(
        [
            html.Div(
                className="controls",
                children=[
                    html.Label(label("kind", lang), htmlFor="data-kind"),
                    dcc.RadioItems(
                        id="data-kind",
                        options=[{"label": label(k, lang), "value": k} for k in KINDS],
                        value="staffing",
                        inline=True,
                    ),
                    html.Label(label("sheet", lang), htmlFor="data-sheet"),
                    dcc.Input(id="data-sheet", type="text", debounce=True, style={"width": "160px"}),
                    *_override_field(state, 0, "data-header-row", label("header_row", lang), "60px"),
                    *_override_field(state, 1, "data-columns", label("columns", lang), "320px"),
                    *_override_field(
                        state,
                        2,
                        "data-cells",
                        t("upload_cells", lang),
                        "220px",
                        title=t("upload_cells_help", lang),
                        placeholder=t("upload_cells_example", lang),
                    ),
                    html.Small(t("upload_cells_help", lang), id="data-cells-help"),
                    html.Div(id="data-overrides-problem", className="rejected", role="alert"),
                    html.Label(label("mode", lang), htmlFor="data-mode"),
                    dcc.RadioItems(
                        id="data-mode",
                        options=[{"label": label(m, lang), "value": m} for m in ("update", "replace")],
                        value=state.get_value(UPLOAD_MODE, "update"),
                        inline=True,
                    ),
                ],
            ),
            dcc.Upload(
                id="data-upload",
                children=html.Div(label("drop", lang)),
                max_size=upload_limit_bytes(),
                multiple=False,
                className="upload",
            ),
            dcc.Loading(html.Div(id="data-report")),
            html.Div(dataset_view(state.dataset(), lang), id="data-in-use"),
            html.Button(label("reset", lang), id="data-reset", n_clicks=0),
            published.section(state, lang),
        ]
    )


def register(app: dash.Dash, state: AtlasState) -> None:
    @app.callback(Output("data-mode", "className"), Input("data-mode", "value"), prevent_initial_call=True)
    def choose_mode(mode):
        state.set_value(UPLOAD_MODE, mode if mode in ("update", "replace") else "update")
        return "mode-" + str(mode)

    @app.callback(
        Output("data-overrides-problem", "children"),
        Input("data-header-row", "value"),
        Input("data-columns", "value"),
        Input("data-cells", "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def choose_overrides(header_row, columns, cells, lang):
        lang = lang if lang in ("uk", "en") else "uk"
        overrides, problem = parse_overrides(header_row, columns, cells, lang)
        texts = [str(v) if isinstance(v, (str, int, float)) else "" for v in (header_row, columns, cells)]
        state.set_value(UPLOAD_OVERRIDES, {**overrides, "texts": texts})
        return problem or ""

    published.register(app, state)

    @app.callback(
        Output("data-report", "children"),
        Output("data-in-use", "children"),
        Input("data-upload", "contents"),
        Input("data-reset", "n_clicks"),
        State("data-upload", "filename"),
        State("data-kind", "value"),
        State("data-sheet", "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def upload(contents, _reset, filename, kind, sheet, lang):
        mode = state.get_value(UPLOAD_MODE, "update")
        overrides = state.get_value(UPLOAD_OVERRIDES, None) or {}
        if dash.ctx.triggered_id == "data-reset":
            state.set_dataset(load_demo())  # the demo itself, not the dataset the server was started with
            return None, dataset_view(state.dataset(), lang)
        if not contents:
            return dash.no_update, dash.no_update
        before = state.dataset()
        report, dataset = process_upload(
            before,
            contents,
            filename,
            kind,
            sheet,
            upload_limit_bytes(),
            lang,
            mode=mode or "update",
            header_row=overrides.get("header_row"),
            columns=overrides.get("columns") or None,
            cells=overrides.get("cells") or None,
        )
        change = None
        if dataset is not None and kind != "boundaries":
            change = change_view(table_change(before, dataset, kind, report, mode or "update"), lang)
        if dataset is not None:
            try:
                state.set_dataset(dataset)
                state.set_value(published.LAST_UPLOAD, report)  # an analyst may publish it (store section)
            except StorageError as exc:
                LOG.error("upload of %s file %s read but not kept: %s", kind, report.path, exc)
                failed = _rejected(kind, report.path, "upload_not_kept", reason=str(exc))
                return report_view(failed, lang), dataset_view(state.dataset(), lang)
            LOG.info(
                "upload accepted: %s file %s (%d rows, %d warnings)",
                kind,
                report.path,
                report.rows,
                len(report.warnings),
            )
        else:
            LOG.warning(
                "upload rejected: %s file %s: %s", kind, report.path, "; ".join(str(e) for e in report.errors[:3])
            )
        return html.Div([report_view(report, lang), change]), dataset_view(state.dataset(), lang)
