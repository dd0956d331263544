"""The layout of a view, written (and compressed) once and kept, per everything its text depends on.

``GET /_dash-layout`` answers with the whole page: the shell, the page's
components and, on the map, its first figure. Every visit asks for it, and
building it (the page's components, their JSON, brotli) took a worker
longer than any other answer under the load test. :func:`install` keeps
the JSON text of each view and, through flask-compress's cache, its
compressed forms, under a key of everything that changes the text:

* the page's URL (``Referer``: page, language, query) and host;
* the user (name and role) when authentication is on;
* the store's revision and whether it is reachable (published data), the
  session's dataset key (its own upload; then the session id too, so that a
  private dataset's layout is never served to another session) and whether
  its upload expired;
* every session setting the layout read while it was built (assumptions,
  period, comparison, a scenario, ...): :meth:`AtlasState.record_reads`
  notes them with a digest of each value. A later request reads the
  settings the last build of that view read; the kept text is used only
  when each has the same digest (same values, so the same build).

Only pages whose layout depends on nothing else are kept
(:data:`KEPT_PAGES`); the data page (upload forms and reports) and the
funding page (plans, jobs) are built each time.

Memory: at most ``ATLAS_LAYOUT_CACHE_MB`` (default 32) MB per worker for
the texts, and as much again for their compressed forms (``layouts.app.CompressCache``) (least recently
used dropped first); the demo's views take 7 KB to 0.3 MB each.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections import OrderedDict

import flask

from . import auth
from .state import ByteCache

__all__ = ["KEPT_PAGES", "install", "layout_cache_bytes"]

#: pages whose layout is a function of the URL, the user, the data and the session's settings alone
KEPT_PAGES = frozenset({"", "map", "profile", "scenarios", "method"})


def layout_cache_bytes() -> int:
    """Bytes of layout texts a worker keeps (``ATLAS_LAYOUT_CACHE_MB``, default 32; 0 turns keeping off)."""
    try:
        return max(0, int(float(os.environ.get("ATLAS_LAYOUT_CACHE_MB", "32")) * 2**20))
    except ValueError:
        return 32 * 2**20


def _digest(token: str, key: tuple) -> str:
    """The name of a kept layout in flask-compress's cache (``layouts.app.CompressCache``)."""
    return hashlib.sha256(repr((token, key)).encode()).hexdigest()


def _base_key(state, shown: tuple[str, str], referrer: str) -> tuple:
    user = auth.current_user()
    published = state.published
    dataset_key = state.dataset_key()
    private = not state.is_public(dataset_key)
    return (
        referrer,
        flask.request.host,
        (user.name, user.role) if user is not None else None,
        (published.revision(), published.problem) if published is not None else None,
        dataset_key,
        state.session_id() if private else None,
        state.data_expired(),
    )


def install(app, state, requested_page, parse_path, set_period_of) -> None:
    """Keep the layouts of :data:`KEPT_PAGES` (see the module's notes); ``set_period_of(search)`` does what the
    layout does to the session before it is built (a period named in the URL becomes the session's)."""
    limit = layout_cache_bytes()
    if limit <= 0:
        return
    texts = ByteCache(limit)
    token = secrets.token_hex(8)  # this app's: the compressed forms' keys of two apps never meet
    read_last: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()  # base key -> settings its last build read
    names_lock = threading.Lock()
    server = app.server
    endpoint = next(rule.endpoint for rule in server.url_map.iter_rules() if rule.rule.endswith("/_dash-layout"))
    build = server.view_functions[endpoint]
    server.extensions["atlas_layouts"] = texts

    def serve_layout():
        referrer = flask.request.referrer
        shown = requested_page(referrer, flask.request.host)
        if shown is None or parse_path(shown[0])[1] not in KEPT_PAGES:
            return build()
        set_period_of(shown[1])
        base = _base_key(state, shown, referrer)
        with names_lock:
            names = read_last.get(base)
        if names is not None:
            key = (base, names, state.read_digests(names))
            text = texts.get(key)
            if text is not None:
                flask.g.atlas_layout_key = _digest(token, key)
                return flask.Response(text, mimetype="application/json")
        reads = state.record_reads()
        response = build()
        flask.g.pop("atlas_reads", None)
        if response.status_code != 200 or base != _base_key(state, shown, referrer):
            return response  # the build changed what the key is made of: not kept
        names = tuple(reads)
        key = (base, names, tuple(reads[n] for n in names))
        texts.set(key, response.get_data())
        with names_lock:
            read_last[base] = names
            read_last.move_to_end(base)
            while len(read_last) > 4096:
                read_last.popitem(last=False)
        flask.g.atlas_layout_key = _digest(token, key)
        return response

    server.view_functions[endpoint] = serve_layout
