"""The Data page's store section: what is published, publishing this session's upload, retracting, the audit log.

Shown when the app serves the store (``python app.py`` without ``--data``).
Everyone sees the publications and the audit log (and can download the log
as CSV); analysts and admins (:mod:`layouts.auth` roles) can publish the
file this session uploaded last, for a reference period, and retract a
publication. Every publication and retraction is written by the store in
one transaction and shown to every session at once.
"""

from __future__ import annotations

import logging
from pathlib import Path

import dash
from dash import Input, Output, State, dcc, html

from core.text import issue_text, source_text, t
from loaders.messages import msg, source_value

from .. import auth
from ..components import data_table
from ..state import AtlasState

__all__ = ["LAST_UPLOAD", "register", "section"]

LOG = logging.getLogger("atlas.store")
#: Session value holding the last accepted upload (a ``FileReport``) until it is published.
LAST_UPLOAD = "last_upload"
_COLUMNS = ("id", "kind", "period", "version", "state", "rows", "published_by", "published_at", "source")
_AUDIT = ("at", "actor", "action", "target", "detail")


def _l(key: str, lang: str) -> str:
    """The Data page's store text ``store_<key>`` of the catalogue (:mod:`core.text`)."""
    return t(f"store_{key}", lang)


def _may_publish() -> bool:
    user = auth.current_user()
    return user is not None and user.can("analyst")


def publications_table(state: AtlasState, lang: str):
    rows = []
    for p in reversed(state.published.store.publications()):
        status = "retracted" if p.status == "retracted" else ("current" if p.current else "superseded")
        rows.append(
            {
                "id": p.id,
                "kind": p.kind,
                "period": p.period + (f" ({_l('synthetic', lang)})" if p.synthetic else ""),
                "version": p.version,
                "state": _l(status, lang),
                "rows": p.rows,
                "published_by": p.published_by,
                "published_at": f"{p.published_at:%Y-%m-%d %H:%M}",
                "source": source_text(p.source, lang),
            }
        )
    columns = [{"name": _l("period_col" if c == "period" else c, lang), "id": c} for c in _COLUMNS]
    return data_table("store-publications", columns, rows, page_size=10)


def audit_table(state: AtlasState, lang: str):
    log = state.published.store.audit_entries(limit=500)
    records = [
        {"at": f"{r.at:%Y-%m-%d %H:%M}", "actor": r.actor, "action": r.action, "target": r.target, "detail": r.detail}
        for r in log.itertuples()
    ]
    return data_table("store-audit", [{"name": _l(c, lang), "id": c} for c in _AUDIT], records, page_size=10)


def section(state: AtlasState, lang: str) -> html.Div | None:
    """The store section of the Data page (None when the app serves files, not the store)."""
    if state.published is None:
        return None
    allowed = _may_publish()
    controls = []
    if allowed:
        controls = [
            html.H3(_l("publish", lang)),
            html.Label(_l("period", lang), htmlFor="store-period"),
            dcc.Input(id="store-period", type="text", placeholder="2025-Q2", style={"width": "140px"}),
            html.Button(_l("publish_button", lang), id="store-publish", n_clicks=0),
            html.H3(_l("retract", lang)),
            dcc.Input(id="store-retract-id", type="number", min=1, step=1, style={"width": "90px"}),
            dcc.Input(id="store-retract-reason", type="text", placeholder=_l("reason", lang)),
            html.Button(_l("retract_button", lang), id="store-retract", n_clicks=0),
        ]
    return html.Div(
        [
            html.H2(_l("published", lang)),
            html.P(_l("published_note", lang)),
            html.Div(publications_table(state, lang), id="store-publications-holder"),
            *controls,
            html.P(id="store-message", role="status"),
            html.H2(_l("audit", lang)),
            html.Button(_l("audit_download", lang), id="store-audit-download-button", n_clicks=0),
            dcc.Download(id="store-audit-download"),
            html.Div(audit_table(state, lang), id="store-audit-holder"),
        ],
        id="store-section",
    )


def publish_upload(state: AtlasState, period_text: str | None, lang: str) -> str:
    """Publish this session's last accepted upload for ``period_text``; the message to show."""
    from store import PublishConflict, StoreError, Table, parse_period

    if not _may_publish():
        return _l("not_allowed", lang)
    report = state.get_value(LAST_UPLOAD)
    if report is None or report.frame is None:
        return _l("nothing_uploaded", lang)
    try:
        period = parse_period(period_text or "")
    except ValueError:
        return issue_text(msg("period_invalid", value=period_text or ""), lang)
    kind = f"boundaries:{report.level}" if report.kind == "boundaries" else report.kind
    table = Table(
        kind,
        report.frame,
        period,
        report=report.report,
        source=source_value(msg("source_uploaded", name=Path(str(report.path)).name)),
        title=state.default_dataset.title,
        file_name=str(report.path),
    )
    store = state.published.store
    user = auth.current_user()
    try:
        published = store.publish(store.prepare_tables([table]), by=user.name if user else "anonymous")
    except PublishConflict as exc:
        return issue_text(exc.message, lang)
    except StoreError as exc:  # the database cannot be used: the operator's message
        return str(exc)
    if not published:
        return _l("unchanged", lang)
    LOG.info("published from the Data page: %s", ", ".join(f"#{p.id} {p.kind} {p.period}" for p in published))
    state.set_value(LAST_UPLOAD, None)
    state.reset_dataset()  # the session now sees the published data, like everyone else
    what = ", ".join(f"#{p.id} {p.kind} {p.period} v{p.version}" for p in published)
    return _l("published_ok", lang).format(what=what)


#: What a publish or a retraction answers: its message, and the publications and audit log as they are now.
_ANSWER = (
    Output("store-message", "children", allow_duplicate=True),
    Output("store-publications-holder", "children", allow_duplicate=True),
    Output("store-audit-holder", "children", allow_duplicate=True),
)


def _answer(state: AtlasState, message, lang: str) -> tuple:
    return message, publications_table(state, lang), audit_table(state, lang)


def register(app: dash.Dash, state: AtlasState) -> None:
    @app.callback(
        *_ANSWER,
        Input("store-publish", "n_clicks"),
        State("store-period", "value"),
        State("app-lang", "data"),
        prevent_initial_call=True,
    )
    def publish(_clicks, period, lang):
        return _answer(state, publish_upload(state, period, lang), lang)

    @app.callback(
        *_ANSWER,
        Input("store-retract", "n_clicks"),
        State("store-retract-id", "value"),
        State("store-retract-reason", "value"),
        State("app-lang", "data"),
        prevent_initial_call=True,
    )
    def retract(_clicks, publication_id, reason, lang):
        from store import PublicationLookup, StoreError

        if not _may_publish():
            message = _l("not_allowed", lang)
        elif not publication_id:
            message = dash.no_update
        else:
            user = auth.current_user()
            try:
                state.published.store.retract(int(publication_id), by=user.name if user else "anonymous", reason=reason)
                message = _l("retracted_ok", lang).format(id=int(publication_id))
            except PublicationLookup as exc:
                message = issue_text(exc.message, lang)
            except StoreError as exc:
                message = str(exc)
        return _answer(state, message, lang)

    @app.callback(
        Output("store-audit-download", "data"),
        Input("store-audit-download-button", "n_clicks"),
        prevent_initial_call=True,
    )
    def download_audit(_clicks):
        log = state.published.store.audit_entries(limit=None)
        return dcc.send_data_frame(log.to_csv, "audit-log.csv", index=False)
