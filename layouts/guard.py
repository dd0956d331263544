"""Callback requests are checked before any callback runs: shape, types and ranges; a message, never a 500.

A ``before_request`` hook on ``/_dash-update-component`` checks

* the body: JSON of the shape Dash sends, naming a registered callback
  (``output``), with exactly the inputs and states that callback declares;
* every value against what its component accepts, learned from the pages
  themselves (each page's layout is rendered once, in both languages): a
  dropdown, radio or checklist value must be one of its options; a number
  field must hold a finite number within its ``min``/``max`` (and at most
  :data:`MAX_NUMBER`); a text field at most :data:`MAX_TEXT` characters; a
  table's (AG Grid's) filter model at most :data:`MAX_FILTER_PARTS` columns,
  each with at most two conditions of a known type, finite numbers and texts
  of at most :data:`MAX_FILTER` characters; its column state (sorting) at
  most 50 columns; a clicked cell names its row and column by short texts;
  clicks a whole number; a URL path or query string a bounded text;
* any other value: JSON nested at most :data:`MAX_DEPTH` deep, texts of at
  most 100,000 characters (upload contents are bounded by the request size).

A request that fails gets ``400`` with ``{"message": ...}``, logged once per
callback and reason.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import dash
import flask
from werkzeug.exceptions import HTTPException

from .session_store import StorageError

__all__ = ["MAX_FILTER", "MAX_FILTER_PARTS", "MAX_NUMBER", "MAX_TEXT", "install"]

LOG = logging.getLogger("atlas.guard")
MAX_TEXT = 1_000
MAX_FILTER = 2_000
MAX_FILTER_PARTS = 20
MAX_NUMBER = 1e12
MAX_DEPTH = 20
_MAX_ANY_TEXT = 100_000
_OPEN_TEXT = {("app-url", "search"): 4096, ("app-url", "pathname"): 2048, ("app-url", "href"): 8192}


class BadInput(ValueError):
    pass


def _depth(value: Any, level: int = 0) -> None:
    if level > MAX_DEPTH:
        raise BadInput(f"nested more than {MAX_DEPTH} deep")
    if isinstance(value, dict):
        for v in value.values():
            _depth(v, level + 1)
    elif isinstance(value, list):
        for v in value:
            _depth(v, level + 1)
    elif isinstance(value, str) and len(value) > _MAX_ANY_TEXT:
        raise BadInput(f"a text of {len(value):,} characters")
    elif isinstance(value, float) and not math.isfinite(value):
        raise BadInput("a number that is not finite")


def _number(value: Any, minimum: float | None, maximum: float | None, whole: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInput(f"expected a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise BadInput("expected a finite number")
    if whole and value != int(value):
        raise BadInput("expected a whole number")
    low = -MAX_NUMBER if minimum is None else minimum
    high = MAX_NUMBER if maximum is None else maximum
    if not low <= value <= high:
        raise BadInput(f"{value:g} is outside {low:g} to {high:g}")


def _text(value: Any, limit: int) -> None:
    if value is not None and not isinstance(value, str):
        raise BadInput(f"expected text, got {type(value).__name__}")
    if value is not None and len(value) > limit:
        raise BadInput(f"a text of {len(value):,} characters (at most {limit:,})")


def _choice(allowed: frozenset, multi: bool) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value is None:
            return
        values = value if multi and isinstance(value, list) else [value]
        if multi and not isinstance(value, list | str | int | float):
            raise BadInput("expected a list of options")
        for v in values:
            if not isinstance(v, str | int | float) or isinstance(v, bool) or v not in allowed:
                raise BadInput(f"{str(v)[:40]!r} is not one of the options")

    return check


#: the conditions a table's filter may hold (AG Grid's text and number filters)
_FILTER_TYPES = {
    "text": {"contains", "notContains", "equals", "notEqual", "startsWith", "endsWith", "blank", "notBlank"},
    "number": {"equals", "notEqual", "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual", "inRange",
               "blank", "notBlank"},
}  # fmt: skip


def _filter_condition(kind: Any, condition: Any) -> None:
    if not isinstance(condition, dict):
        raise BadInput("a filter condition must be an object")
    if condition.get("type") not in _FILTER_TYPES[kind]:
        raise BadInput(f"{str(condition.get('type'))[:40]!r} is not a {kind} filter")
    for key in ("filter", "filterTo"):
        value = condition.get(key)
        if kind == "number":
            _number(value, None, None)
        else:
            _text(value, MAX_FILTER)


def _filter_model(value: Any) -> None:
    """An AG Grid ``filterModel``: {column: {filterType, type, filter[, filterTo]}} or with two ``conditions``."""
    if value is None:
        return
    if not isinstance(value, dict) or len(value) > MAX_FILTER_PARTS:
        raise BadInput(f"expected a filter of at most {MAX_FILTER_PARTS} columns")
    for column, model in value.items():
        if not isinstance(column, str) or len(column) > 100 or not isinstance(model, dict):
            raise BadInput("expected a filter as {column: condition}")
        kind = model.get("filterType")
        if kind not in _FILTER_TYPES:
            raise BadInput("a filter must be of text or numbers")
        if "conditions" in model:
            conditions = model["conditions"]
            if not isinstance(conditions, list) or not 1 <= len(conditions) <= 2:
                raise BadInput("a column filter has one or two conditions")
            if model.get("operator") not in ("AND", "OR"):
                raise BadInput("conditions are joined by AND or OR")
            for condition in conditions:
                _filter_condition(kind, condition)
        else:
            _filter_condition(kind, model)


def _column_state(value: Any) -> None:
    """An AG Grid ``columnState``: at most 50 columns, each named, sorted asc / desc / not."""
    if value is None:
        return
    if not isinstance(value, list) or len(value) > 50:
        raise BadInput("expected at most 50 columns")
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("colId"), str) or len(item["colId"]) > 100:
            raise BadInput("expected columns as {colId, ...}")
        if item.get("sort") not in (None, "asc", "desc"):
            raise BadInput("sort direction must be asc or desc")
        _number(item.get("sortIndex"), 0, 50, whole=True)
        _depth(item)


def _cell_clicked(value: Any) -> None:
    """An AG Grid ``cellClicked``: the row's id and the column clicked, short texts."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise BadInput("expected a clicked cell")
    for key in ("rowId", "colId"):
        if value.get(key) is not None and (not isinstance(value[key], str) or len(value[key]) > 200):
            raise BadInput(f"{key} must be a short text")
    _number(value.get("rowIndex"), 0, 1e7, whole=True)
    _depth(value)


def _rules_of(component: Any, rules: dict[tuple[str, str], Callable[[Any], None]]) -> None:
    cid = getattr(component, "id", None)
    if not isinstance(cid, str):
        return
    name = type(component).__name__
    if name in ("Dropdown", "RadioItems", "Checklist"):
        options = getattr(component, "options", None) or []
        values = set()
        for option in options:
            values.add(option.get("value") if isinstance(option, dict) else option)
        multi = name == "Checklist" or bool(getattr(component, "multi", False))
        key = (cid, "value")
        if values:
            previous = rules.get(key)
            allowed = frozenset(values) | (getattr(previous, "allowed", frozenset()))
            check = _choice(allowed, multi)
            check.allowed = allowed  # type: ignore[attr-defined]
            rules[key] = check
        else:
            rules.setdefault(
                key, lambda v: _depth(v) if multi else _text(v, MAX_TEXT) if isinstance(v, str) else _depth(v)
            )
        rules.setdefault((cid, "search_value"), lambda v: _text(v, 200))
    elif name == "Input":
        if getattr(component, "type", None) == "number":
            low, high = getattr(component, "min", None), getattr(component, "max", None)
            rules[(cid, "value")] = lambda v, lo=low, hi=high: _number(v, lo, hi)
        else:
            rules[(cid, "value")] = lambda v: _text(v, MAX_TEXT)
    elif name == "AgGrid":
        rules[(cid, "filterModel")] = _filter_model
        rules[(cid, "columnState")] = _column_state
        rules[(cid, "cellClicked")] = _cell_clicked
    elif name == "Upload":
        rules[(cid, "filename")] = lambda v: _text(v, 1024) if not isinstance(v, list) else _depth(v)
        rules[(cid, "contents")] = lambda v: _text(v, 2**31) if not isinstance(v, list) else _depth(v)


def _walk(layout: Any):
    yield layout
    if hasattr(layout, "_traverse"):
        yield from layout._traverse()


#: the server counts as idle once no request has been in progress for this many seconds
QUIET_SECONDS = 1.0


class _Requests:
    """Requests in progress, and when the last one ended: the start-up work runs when the server is idle."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._changed = threading.Condition()
        self._active = 0
        self._last = clock()  # the server's start counts as a request: a first visitor is expected
        self.wanted = False  # a request waits for the work: it is done at once

    def begin(self) -> None:
        with self._changed:
            self._active += 1

    def end(self) -> None:
        with self._changed:
            self._active -= 1
            self._last = self._clock()
            self._changed.notify_all()

    def want(self) -> None:
        with self._changed:
            self.wanted = True
            self._changed.notify_all()

    def wait_until_idle(self) -> None:
        """Return once no request has been in progress for :data:`QUIET_SECONDS`, or one wants the work."""
        with self._changed:
            while not self.wanted:
                quiet = self._clock() - self._last
                if self._active == 0 and quiet >= QUIET_SECONDS:
                    return
                self._changed.wait(QUIET_SECONDS - quiet if self._active == 0 else QUIET_SECONDS)


class _Rules:
    def __init__(self, app: dash.Dash, pages: Callable[[], Iterable[Any]], requests: _Requests | None = None):
        self._app = app
        self._pages = pages
        self._requests = requests or _Requests()
        self._rules: dict[tuple[str, str], Callable[[Any], None]] | None = None
        self._lock = threading.Lock()
        self._logged: set[tuple[str, str]] = set()

    def learn_when_idle(self) -> None:
        """:meth:`rules`, one page at a time while no request is served (at once when a request needs them)."""
        self._learn(self._requests.wait_until_idle)

    def rules(self) -> dict[tuple[str, str], Callable[[Any], None]]:
        if self._rules is None:
            self._requests.want()  # a request needs them: the start-up thread stops waiting
        return self._learn(lambda: None)

    def _learn(self, pause: Callable[[], None]) -> dict[tuple[str, str], Callable[[Any], None]]:
        with self._lock:
            if self._rules is None:
                rules: dict[tuple[str, str], Callable[[Any], None]] = {}
                pause()
                for layout in self._pages():
                    for component in _walk(layout):
                        _rules_of(component, rules)
                    pause()
                for key, limit in _OPEN_TEXT.items():
                    rules[key] = lambda v, n=limit: _text(v, n)
                rules[("app-lang", "data")] = _lang
                self._rules = rules
            return self._rules

    def log_once(self, output: str, reason: str) -> None:
        key = (output[:80], reason.split(":")[0][:80])
        if key not in self._logged and len(self._logged) < 10_000:
            self._logged.add(key)
            LOG.warning("callback request refused: %s: %s", output[:80], reason)


def _check_item(item: Any, declared: dict, rules: dict) -> None:
    if not isinstance(item, dict) or "property" not in item or "id" not in item:
        raise BadInput("each input needs an id and a property")
    cid, prop = item["id"], item["property"]
    if (json_id := cid if isinstance(cid, str) else None) is None and not isinstance(cid, dict):
        raise BadInput("an input id must be text or a pattern")
    if isinstance(cid, str) and (cid, prop) not in declared:
        raise BadInput(f"{cid}.{prop} is not an input of this callback")
    value = item.get("value")
    rule = rules.get((json_id, prop)) if json_id else None
    if prop == "n_clicks":
        _number(value, 0, 1e9, whole=True)
    elif rule is not None:
        try:
            rule(value)
        except BadInput as exc:
            raise BadInput(f"{cid}.{prop}: {exc}") from None
    else:
        _depth(value)


def _lang(value: Any) -> None:
    if value is not None and value not in ("uk", "en"):
        raise BadInput("the language must be uk or en")


def _quietly(function: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        try:
            function()
        except Exception:  # noqa: BLE001 - the first request tries again and reports it
            LOG.exception("could not learn the callback input rules in advance")

    return run


def install(app: dash.Dash, pages: Callable[[], Iterable[Any]]) -> None:
    """Check every callback request of ``app``; ``pages()`` renders every page's layout (once, lazily).

    ``pages()`` yields the layouts one by one: the start-up thread that
    learns the rules renders the next one only when no request has been
    served for :data:`QUIET_SECONDS` (a callback request that needs the
    rules first has them made at once).
    """
    requests = _Requests()
    rules = _Rules(app, pages, requests)
    app.server.extensions["atlas_guard_rules"] = rules  # rules.rules(): made now if not yet (benchmarks)
    # learn the rules in the background, not on the first callback request; but page by page, while the server
    # is idle: rendering every page in both languages would compete with the first visitor's requests
    threading.Thread(target=_quietly(rules.learn_when_idle), name="atlas-guard-rules", daemon=True).start()
    prefix = app.config.requests_pathname_prefix or "/"
    route = f"{prefix}_dash-update-component"

    @app.server.before_request
    def _count():
        requests.begin()
        flask.g.atlas_counted = True

    @app.server.teardown_request
    def _counted(_exc):
        if flask.g.pop("atlas_counted", False):
            requests.end()

    @app.server.before_request
    def _guard():
        if flask.request.path != route or flask.request.method != "POST":
            return None
        body = flask.request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        try:
            if not isinstance(output, str):
                raise BadInput("the request is not a callback request")
            spec = app.callback_map.get(output)
            if spec is None:
                raise BadInput("no such callback")
            declared = {
                (d["id"], d["property"])
                for d in (*spec.get("inputs", []), *spec.get("state", []))
                if isinstance(d["id"], str)
            }
            table = rules.rules()
            for part in ("inputs", "state"):
                items = body.get(part, [])
                if not isinstance(items, list):
                    raise BadInput(f"{part} must be a list")
                if len(items) != len(spec.get(part, [])):
                    raise BadInput(f"{len(items)} {part} where the callback takes {len(spec.get(part, []))}")
                for item in items:
                    for sub in item if isinstance(item, list) else [item]:  # pattern-matching ALL gives lists
                        _check_item(sub, declared, table)
            changed = body.get("changedPropIds", [])
            if not isinstance(changed, list) or not all(isinstance(c, str) and len(c) < 500 for c in changed):
                raise BadInput("changedPropIds must be a list of texts")
            outputs = body.get("outputs")
            if not isinstance(outputs, dict | list):
                raise BadInput("outputs must be given")
        except BadInput as exc:
            rules.log_once(str(output), str(exc))
            return {"message": f"request refused: {exc}"}, 400
        return None

    @app.server.errorhandler(Exception)
    def _callback_failed(exc: Exception):
        """A callback that fails on inputs that passed the checks: a message (400), its traceback logged once."""
        if isinstance(exc, HTTPException):
            return exc
        if flask.request.path != route or isinstance(exc, StorageError):
            raise exc
        body = flask.request.get_json(silent=True)
        output = str(body.get("output")) if isinstance(body, dict) else "?"
        key = (output[:80], type(exc).__name__)
        if key not in rules._logged and len(rules._logged) < 10_000:
            rules._logged.add(key)
            LOG.error("callback %s failed on its inputs", output[:80], exc_info=exc)
        return {"message": "request refused: the inputs could not be used"}, 400
