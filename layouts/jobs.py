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
bar, a cancel button and a download. :func:`register_background` runs work
whose result the page shows (the Funding page's allocator run): the job keeps
its result server-side under its ticket id for the session that asked
(:func:`keep_result`), and an ordinary callback of the page takes it once
(:func:`take_result`), stores it in the session and draws it. :func:`brief_button` +
:func:`register_brief` give a page a one-click PDF brief (quick: an ordinary
callback on the session's memoised tables).
"""

from __future__ import annotations

import io
import os
import secrets
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from core.text import LANGS, t

from . import ids

__all__ = [
    "background_manager",
    "brief_button",
    "issue_ticket",
    "job_controls",
    "keep_result",
    "oblast_briefs_zip",
    "register_background",
    "register_brief",
    "register_job",
    "run_with_clock",
    "take_result",
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
    ticket = {"dataset_key": state.dataset_key(), "assumptions": state.assumptions(), "sid": state.session_id()}
    ticket.update(extra)
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


def keep_result(state, job: str, sid: str, value: Any) -> None:
    """Keep a job's result for the session ``sid`` under the job's ticket id (JSON, like session settings)."""
    from .state import encode_value

    state.store.set("small", f"job-result:{job}", encode_value({"sid": sid, "value": value}), _TICKET_SECONDS)


def take_result(state, job: str | None) -> tuple[bool, Any]:
    """In a request: ``(True, value)`` of job ``job`` if this session's (taken once), else ``(False, None)``."""
    from .state import decode_value

    if not job or not isinstance(job, str):
        return False, None
    key = f"job-result:{job}"
    content = state.store.get("small", key, _TICKET_SECONDS)
    if content is None:
        return False, None
    kept = decode_value(content)
    if kept.get("sid") != state.session_id():
        return False, None  # another session's job: not shown, not deleted
    state.store.delete("small", key)
    return True, kept["value"]


def run_with_clock(
    work: Callable[[], Any], limit: float, progress: Callable[..., None], text: Callable[[float], str], every=0.5
) -> Any:
    """``work()`` in a thread; ``progress(elapsed, limit, text(elapsed))`` at once and every ``every`` seconds.

    For work with a wall-clock limit of its own but no steps to count (the
    allocator's solver): the bar shows the time used of the time allowed.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - raised again in the job below
            box["error"] = exc

    thread = threading.Thread(target=target, name="atlas-job", daemon=True)
    started = time.monotonic()
    progress(0.0, limit, text(0.0))  # at once: a quick solve still says what it is doing
    thread.start()
    while True:
        thread.join(every)
        if not thread.is_alive():
            break
        elapsed = time.monotonic() - started
        progress(min(elapsed, limit), limit, text(elapsed))
    if "error" in box:
        raise box["error"]
    return box["value"]


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


def job_controls(prefix: str, label: str, lang: str, start_id: str | None = None, download: bool = True) -> html.Span:
    """A start button, a cancel button, a progress bar (hidden until the job runs) and the download.

    ``download=False`` (for :func:`register_background`): a ``prefix-done``
    store that receives the finished job's id instead of a download.
    """
    return html.Span(
        [
            html.Button(label, id=_start_id(prefix, start_id), n_clicks=0),
            html.Button(t("brief_cancel", lang), id=f"{prefix}-cancel", n_clicks=0, disabled=True),
            html.Progress(id=f"{prefix}-progress", value="0", max="1", style={"visibility": "hidden"}),
            html.Span(id=f"{prefix}-status", className="job-status", role="status"),
            dcc.Store(id=f"{prefix}-ticket"),
            dcc.Download(id=f"{prefix}-download") if download else dcc.Store(id=f"{prefix}-done"),
        ],
        className="job",
    )


def _background_options(prefix: str, start_id: str | None) -> dict:
    """What every job shows while it runs: start disabled, cancel enabled, the bar visible, and its progress."""
    return {
        "background": True,
        "running": [
            (Output(_start_id(prefix, start_id), "disabled"), True, False),
            (Output(f"{prefix}-cancel", "disabled"), False, True),
            (Output(f"{prefix}-progress", "style"), {"visibility": "visible"}, {"visibility": "hidden"}),
        ],
        "cancel": [Input(f"{prefix}-cancel", "n_clicks")],
        "progress": [
            Output(f"{prefix}-progress", "value"),
            Output(f"{prefix}-progress", "max"),
            Output(f"{prefix}-status", "children"),
        ],
        "progress_default": ["0", "1", ""],
        "interval": 250,  # ms between the page's polls: progress shows within a quarter second (Dash: 1 s)
        "prevent_initial_call": True,
    }


def _progress_of(set_progress, lang: str) -> Callable[..., None]:
    """``progress(done, total, text=None)`` for a job; the text defaults to "N of M done"."""

    def progress(done: float, total: float, text: str | None = None) -> None:
        if text is None:
            text = t("brief_progress", lang).format(done=done, total=total)
        set_progress((str(round(done, 1)), str(max(total, 1)), text))

    return progress


def register_background(
    app: dash.Dash,
    state,
    prefix: str,
    work: Callable[[dict, str, Callable[..., None]], Any],
    start_id: str | None = None,
) -> None:
    """Run ``work(ticket, lang, progress) -> value`` in the background when ``prefix-ticket`` gets a ticket.

    The page issues the ticket (:func:`issue_ticket`, from an ordinary
    callback that checks the user's choices first) and shows the result
    from an ordinary callback on ``prefix-done`` (:func:`take_result`).
    A ``ValueError`` of ``work`` is kept as ``{"error": message}``.
    Cancelling stops the job's process: nothing is kept, nothing shown.
    """

    @app.callback(
        Output(f"{prefix}-done", "data"),
        Input(f"{prefix}-ticket", "data"),
        State(ids.LANG, "data"),
        **_background_options(prefix, start_id),
    )
    def run(set_progress, job, lang):
        lang, taken = _started(state, job, lang)
        if taken is None:
            return dash.no_update
        try:
            value = work(taken, lang, _progress_of(set_progress, lang))
        except ValueError as exc:
            value = {"error": str(exc)}
        keep_result(state, job, taken["sid"], value)
        return job


def _started(state, job, lang) -> tuple[str, dict | None]:
    """A job's language (uk unless en) and its ticket, taken once (None: gone, or not this session's)."""
    return (lang if lang in LANGS else LANGS[0]), take_ticket(state, job)


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
        **_background_options(prefix, start_id),
    )
    def run(set_progress, job, lang):
        lang, taken = _started(state, job, lang)
        if taken is None:
            return dash.no_update, dash.no_update
        content, filename = work(taken, lang, _progress_of(set_progress, lang))
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
