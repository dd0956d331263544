"""Long work off the request: Dash background callbacks with a progress bar and a cancel button, and brief buttons.

:func:`background_manager` picks where background jobs run: a
``DiskcacheManager`` (a child process on this machine, results in a
diskcache folder under ``ATLAS_CACHE_DIR``) or, where ``ATLAS_REDIS_URL`` is
set, a ``CeleryManager`` over Redis (run ``celery -A app:celery_app worker``
beside the web server).

A job never reads the Flask session: the click is first turned into a
*ticket* by an ordinary callback, which resolves this session's dataset and
assumptions and keeps them server-side under an unguessable id
(:func:`issue_ticket`); the background callback gets only that id, takes the
ticket once (:func:`take_ticket`) and so works in a child process or on a
Celery worker as well. Two sessions never share a job or its result: the
id is part of the job's cache key.

:func:`job_controls` + :func:`register_job` give a page a button, a progress
bar, a cancel button and a download. :func:`brief_button` +
:func:`register_brief` give a page a one-click PDF brief (quick: an ordinary
callback on the session's memoised tables).
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from core.text import t

from . import ids

__all__ = [
    "background_manager",
    "brief_button",
    "issue_ticket",
    "job_controls",
    "oblast_briefs_zip",
    "register_brief",
    "register_job",
    "take_ticket",
]

_TICKET_SECONDS = 3600


def background_manager(cache_folder: Path):
    """The background callback manager: Celery over Redis where ``ATLAS_REDIS_URL`` is set, else diskcache."""
    redis_url = os.environ.get("ATLAS_REDIS_URL")
    if redis_url:
        from celery import Celery

        celery_app = Celery("atlas", broker=redis_url, backend=redis_url)
        celery_app.conf.update(result_expires=_TICKET_SECONDS, task_track_started=True)
        return dash.CeleryManager(celery_app, expire=_TICKET_SECONDS)
    import diskcache

    folder = Path(cache_folder) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return dash.DiskcacheManager(diskcache.Cache(str(folder)), expire=_TICKET_SECONDS)


# -- tickets: this session's inputs, kept server-side for one job --------------------------------------------------
def issue_ticket(state, **extra: Any) -> str:
    """Keep this session's dataset key and assumptions (and ``extra``, JSON-like) for one job; returns its id.

    The ticket is kept in the session store (JSON, never pickled), like the
    session's own settings.
    """
    from .state import encode_value

    job = secrets.token_urlsafe(18)
    ticket = {"dataset_key": state.dataset_key(), "assumptions": state.assumptions(), **extra}
    state.store.set("small", f"job:{job}", encode_value(ticket), _TICKET_SECONDS)
    return job


def take_ticket(state, job: str | None) -> dict | None:
    """The ticket ``job`` (once: it is deleted), with its ``dataset`` resolved; None if unknown or used."""
    from .state import decode_value

    if not job or not isinstance(job, str):
        return None
    key = f"job:{job}"
    content = state.store.get("small", key, _TICKET_SECONDS)
    if content is None:
        return None
    state.store.delete("small", key)
    ticket = decode_value(content)
    return {**ticket, "dataset": state.dataset_of(ticket["dataset_key"])}


# -- the work ------------------------------------------------------------------------------------------------------
def oblast_briefs_zip(source, lang: str, progress: Callable[[int, int], None] | None = None) -> bytes:
    """Every oblast's brief in one .zip (``<P-code>_<lang>.pdf``); ``progress(done, total)`` after each."""
    from exports.brief import oblast_codes, unit_brief_pdf

    codes = oblast_codes(source)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, code in enumerate(codes, start=1):
            pcode = source.names.at[code, "pcode"] if code in source.names.index else code
            archive.writestr(f"{pcode}_{lang}.pdf", unit_brief_pdf(source, code, lang))
            if progress is not None:
                progress(done, len(codes))
    return buffer.getvalue()


# -- page pieces ---------------------------------------------------------------------------------------------------
def _start_id(prefix: str, start_id: str | None) -> str:
    return start_id or f"{prefix}-start"


def job_controls(prefix: str, label: str, lang: str, start_id: str | None = None) -> html.Span:
    """A start button, a cancel button, a progress bar (hidden until the job runs) and the download."""
    return html.Span(
        [
            html.Button(label, id=_start_id(prefix, start_id), n_clicks=0),
            html.Button(t("brief_cancel", lang), id=f"{prefix}-cancel", n_clicks=0, disabled=True),
            html.Progress(id=f"{prefix}-progress", value="0", max="1", style={"visibility": "hidden"}),
            html.Span(id=f"{prefix}-status", className="job-status", role="status"),
            dcc.Store(id=f"{prefix}-ticket"),
            dcc.Download(id=f"{prefix}-download"),
        ],
        className="job",
    )


def register_job(
    app: dash.Dash,
    state,
    prefix: str,
    work: Callable[[dict, str, Callable[[int, int], None]], tuple[bytes, str]],
    extra: Callable[[], dict] | None = None,
    start_id: str | None = None,
) -> None:
    """Run ``work(ticket, lang, progress) -> (content, filename)`` in the background on a click of ``prefix-start``.

    ``extra()`` adds to the ticket what the page knows in the request
    (read with the session, for instance the plan made on the page).
    """

    @app.callback(
        Output(f"{prefix}-ticket", "data"),
        Input(_start_id(prefix, start_id), "n_clicks"),
        prevent_initial_call=True,
    )
    def ticket(_clicks):
        return issue_ticket(state, **(extra() if extra else {}))

    @app.callback(
        Output(f"{prefix}-download", "data"),
        Output(f"{prefix}-status", "children"),
        Input(f"{prefix}-ticket", "data"),
        State(ids.LANG, "data"),
        background=True,
        running=[
            (Output(_start_id(prefix, start_id), "disabled"), True, False),
            (Output(f"{prefix}-cancel", "disabled"), False, True),
            (Output(f"{prefix}-progress", "style"), {"visibility": "visible"}, {"visibility": "hidden"}),
        ],
        cancel=[Input(f"{prefix}-cancel", "n_clicks")],
        progress=[
            Output(f"{prefix}-progress", "value"),
            Output(f"{prefix}-progress", "max"),
            Output(f"{prefix}-status", "children"),
        ],
        progress_default=["0", "1", ""],
        prevent_initial_call=True,
    )
    def run(set_progress, job, lang):
        lang = lang if lang in ("uk", "en") else "uk"
        taken = take_ticket(state, job)
        if taken is None:
            return dash.no_update, dash.no_update

        def progress(done: int, total: int) -> None:
            set_progress((str(done), str(max(total, 1)), t("brief_progress", lang).format(done=done, total=total)))

        content, filename = work(taken, lang, progress)
        return dcc.send_bytes(content, filename), ""


def brief_button(prefix: str, lang: str, label_key: str = "brief_button") -> html.Span:
    """A button that downloads a PDF brief, and its download."""
    return html.Span(
        [
            html.Button(t(label_key, lang), id=f"{prefix}-brief-button", n_clicks=0),
            dcc.Download(id=f"{prefix}-brief"),
        ]
    )


def register_brief(
    app: dash.Dash,
    state,
    prefix: str,
    make: Callable[[Any, str], tuple[bytes, str] | None],
    states: list[State] = (),
) -> None:
    """On a click of ``prefix-brief-button``: ``make(source, lang, *state values) -> (pdf, filename)`` or None."""

    @app.callback(
        Output(f"{prefix}-brief", "data"),
        Input(f"{prefix}-brief-button", "n_clicks"),
        State(ids.LANG, "data"),
        *states,
        prevent_initial_call=True,
    )
    def download(_clicks, lang, *values):
        from exports.brief import brief_source

        lang = lang if lang in ("uk", "en") else "uk"
        source = brief_source(state.dataset(), state.assumptions(), data=state.tables())
        made = make(source, lang, *values)
        if made is None:
            return dash.no_update
        content, filename = made
        return dcc.send_bytes(content, filename)
