"""Read an untrusted file in a child process under hard limits of memory, CPU time and wall-clock time.

:func:`validate_untrusted` is :func:`~loaders.validate.validate_file` run in
a child process (forked from the atlas's fork server, :mod:`core.processes`: a clean
process, not a copy of the web worker with its threads and sessions) with

* ``RLIMIT_AS``: the child may add at most ``ATLAS_MAX_PARSE_MB`` (1,024 MB)
  of address space to what it had when it started; past it allocations fail
  and the child reports that the file needs too much memory;
* ``RLIMIT_CPU``: the kernel stops the child after ``ATLAS_MAX_PARSE_SECONDS``
  (60) s of CPU time, plus a second;
* a wall-clock deadline of ``ATLAS_MAX_PARSE_SECONDS``: the parent kills the
  child when it is still running then, whatever it is doing (inside
  openpyxl, GDAL, GEOS or difflib; no parser can skip it).

The result comes back as plain data written by the child into the file's
private folder: the report as JSON (at most 64 MB; its issues as columns,
each distinct message once, so 99,999 warnings of one kind are a few
hundred kilobytes) and the validated frame as Parquet (GeoParquet for
boundaries). Nothing is unpickled from the child.
Server paths never appear in messages; the user sees the name of their file.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import resource
import signal
import time
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

import pandas as pd

from core import processes

from .errors import FileReport, Issue, Unmatched, ValidationReport
from .messages import Message, msg
from .safety import Limits, limits

__all__ = ["last_run", "validate_untrusted", "warm_up"]

LOG = logging.getLogger("atlas.sandbox")
_REPORT = "report.json"
_STARTED = "started"
_START_TIMEOUT = 120.0  # a cold forkserver imports pandas, geopandas and GDAL first
_FRAME = "frame.parquet"
_MAX_REPORT_BYTES = 64 * 2**20


def _context():
    return processes.context()


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_self(lim: Limits) -> None:
    memory = _address_space() + lim.max_parse_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(lim.max_parse_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _key(value: Any) -> str:
    """A key of ``value`` that tells ``1``, ``1.0``, ``True`` and ``"1"`` apart, and tuples from lists: its repr.

    Message parameters are plain data (texts, numbers, lists, tuples and dicts of them), whose repr is exact
    and made in C (a JSON text of each of 100,000 parameters took seconds).
    """
    return repr(value)


_PLAIN = (str, int, float, type(None))


def _column(values: list[Any]) -> dict[str, Any]:
    """One column: ``{"values": distinct, "runs": [[index, length], ...]}`` when it repeats, else ``{"list": values}``.

    A file's issues repeat: 99,999 duplicate rows are one message 99,999 times.
    """
    kinds = set(map(type, values))
    # values of one plain type (or None) compare exactly: grouped as they are; anything else by _key
    exact = len(kinds - {type(None)}) <= 1 and kinds <= set(_PLAIN)
    distinct: dict[Any, int] = {}
    firsts: list[Any] = []
    runs: list[list[int]] = []
    most = len(values) // 2 + 1
    if exact and len(set(values)) > most:
        return {"list": list(values)}  # mostly distinct (row numbers): found at C speed
    if exact:
        groups = ((found, list(group)) for found, group in itertools.groupby(values))
    else:
        groups = _groups_by_key(values)
    for found, members in groups:
        if found not in distinct:
            distinct[found] = len(firsts)
            firsts.append(members[0])
        runs.append([distinct[found], len(members)])
        if len(runs) > most:
            return {"list": list(values)}
    return {"values": firsts, "runs": runs}


def _groups_by_key(values: list[Any]):
    """Runs of equal :func:`_key` as ``(key, members)``; the same object twice in a row is not keyed again (a
    report read back from columns repeats one parameters dict 99,999 times)."""
    previous, key, members = _NOTHING, None, []
    for value in values:
        if value is not previous:
            found = _key(value)
            if members and found != key:
                yield key, members
                members = []
            previous, key = value, found
        members.append(value)
    if members:
        yield key, members


_NOTHING = object()


def _expand(column: dict[str, Any]) -> list[Any]:
    if "list" in column:
        return list(column["list"])
    values, out = column["values"], []
    for index, length in column["runs"]:
        out.extend([values[index]] * length)
    return out


def to_columns(records: list[dict[str, Any]]) -> dict[str, Any]:
    """A list of records with the same keys as ``{"count": n, "columns": {key: column}}`` (see :func:`_column`)."""
    names = list(records[0]) if records else []
    return {"count": len(records), "columns": {n: _column([r[n] for r in records]) for n in names}}


def _attribute_columns(items: list[Any], names: list[str]) -> dict[str, Any]:
    """:func:`to_columns` of objects' attributes ``names`` (without making a record per object)."""
    return {"count": len(items), "columns": {n: _column(list(map(attrgetter(n), items))) for n in names}}


def from_columns(data: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The inverse of :func:`to_columns`; a list of records (the form before columns) is returned as it is."""
    if isinstance(data, list):
        return data
    count = int(data.get("count", 0))
    columns = {name: _expand(column) for name, column in data.get("columns", {}).items()}
    if any(len(values) != count for values in columns.values()):
        raise ValueError("a column of the report does not have one value per record")
    names = list(columns)
    return [dict(zip(names, values)) for values in zip(*columns.values())] if names else [{} for _ in range(count)]


def map_columns(data: dict[str, Any] | list[dict[str, Any]], function) -> None:
    """Apply ``function`` to every value of records in either form, in place (once per distinct value in columns)."""
    if isinstance(data, list):
        for record in data:
            for name, value in record.items():
                record[name] = function(value)
        return
    for column in data.get("columns", {}).values():
        key = "list" if "list" in column else "values"
        column[key] = [v if v is None or isinstance(v, (int, float)) else function(v) for v in column[key]]


def report_to_json(report: ValidationReport) -> dict[str, Any]:
    """A :class:`ValidationReport` as JSON-able data; issues and unmatched rows as columns (:func:`to_columns`)."""
    out: dict[str, Any] = {}
    for f in fields(report):
        value = getattr(report, f.name)
        if f.name == "issues":
            value = _attribute_columns(value, [x.name for x in fields(Issue)])  # every field: sheet, header too
        elif f.name == "unmatched":
            value = to_columns([{"row": u.row, "value": u.value, "suggestions": list(u.suggestions)} for u in value])
        out[f.name] = value
    return out


def _issues(data: dict[str, Any] | list[dict[str, Any]]) -> list[Issue]:
    """The issues of :func:`report_to_json`: from columns of :class:`Issue`'s own fields, made straight from
    them (100,000 issues without a record each); from anything else, record by record."""
    names = [f.name for f in fields(Issue)]
    if isinstance(data, dict) and list(data.get("columns", {})) == names:
        count, columns = int(data.get("count", 0)), [_expand(c) for c in data["columns"].values()]
        if all(len(values) == count for values in columns):
            return [Issue(*values) for values in zip(*columns)]
    return [Issue.from_dict(i) for i in from_columns(data)]


def report_from_json(data: dict[str, Any]) -> ValidationReport:
    """The inverse of :func:`report_to_json` (unknown keys are ignored; issues as a list of records are read too)."""
    known = {f.name for f in fields(ValidationReport)}
    values = {k: v for k, v in data.items() if k in known}
    values["issues"] = _issues(values.get("issues", []))
    values["unmatched"] = [
        Unmatched(u["row"], u["value"], tuple(u.get("suggestions", ())))
        for u in from_columns(values.get("unmatched", []))
    ]
    values["totals"] = {str(k): float("nan") if v is None else float(v) for k, v in values.get("totals", {}).items()}
    return ValidationReport(**values)


def _child(
    folder: str, path: str, kind: str, units: Any, sheet: Any, options: dict, lim: Limits, env: dict[str, str]
) -> None:
    from .validate import validate_file

    # the forkserver started with the environment of its time: take the caller's limits now
    for key in [k for k in os.environ if k.startswith("ATLAS_")]:
        del os.environ[key]
    os.environ.update(env)
    _limit_self(lim)
    out = Path(folder)
    (out / _STARTED).touch()
    try:
        result = validate_file(Path(path), kind, units, sheet, **options)
        report = result.report
        if any("MemoryError" in str(i.params.get("reason", "")) for i in report.issues):  # a loader that caught it
            raise MemoryError
        if result.frame is not None:
            result.frame.to_parquet(out / _FRAME)
        data = report_to_json(report)
    except MemoryError:
        data = {"failure": "memory"}
    except Exception as exc:  # noqa: BLE001 - a hostile file must never crash the app
        data = {"failure": "error", "message": f"{type(exc).__name__}: {exc}"}
    try:
        (out / _REPORT).write_text(json.dumps(data, default=str, allow_nan=True), encoding="utf-8")
    except MemoryError:
        os._exit(3)


_LAST: dict[str, float] = {}


def _peak_bytes(pid: int | None) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _wait(child, deadline: float) -> int:
    """Wait for ``child`` until ``deadline``; its peak resident memory seen meanwhile (bytes)."""
    peak = 0
    while child.is_alive() and time.monotonic() < deadline:
        peak = max(peak, _peak_bytes(child.pid))
        child.join(min(0.05, max(deadline - time.monotonic(), 0)))
    return peak


def last_run() -> dict[str, float]:
    """Wall-clock seconds and peak resident bytes (sampled) of the last child of this process."""
    return dict(_LAST)


def _atlas_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("ATLAS_")}


def _clean_params(value: Any, replacements: dict[str, str]) -> Any:
    """Message parameters with server paths taken out of their texts."""
    if isinstance(value, str):
        return _clean(value, replacements)
    if isinstance(value, dict):
        return {k: _clean_params(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_params(v, replacements) for v in value]
    return value


def _refused(kind: str, name: str, message: Message) -> FileReport:
    report = ValidationReport(f"{kind} file {name}", kind=kind, path=name)
    report.error(message)
    return FileReport.from_report(report)


def _clean(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        if old:
            text = text.replace(old, new)
    return text


def warm_up() -> None:
    """Start the forkserver and import the loaders in it, so that the first upload is not slow."""
    child = _context().Process(target=_nothing, name="atlas-parse-warm-up", daemon=True)
    child.start()
    child.join(_START_TIMEOUT)


def _nothing() -> None:
    return None


def validate_untrusted(
    path: Path,
    kind: str,
    units: pd.DataFrame,
    sheet: str | int | None = None,
    *,
    name: str | None = None,
    lim: Limits | None = None,
    **options: Any,
) -> FileReport:
    """:func:`~loaders.validate.validate_file` of ``path`` in a child process under hard limits.

    ``path`` must be in a folder private to this call (the child writes its
    result there). ``name`` is the file name the user knows; messages use it
    instead of server paths. Always returns a report: a file that is stopped
    at the deadline, runs out of memory or crashes the child gets one error
    saying so.
    """
    lim = lim or limits()
    path = Path(path)
    name = name or path.name
    folder = path.parent
    for stale in (_REPORT, _FRAME, _STARTED):
        (folder / stale).unlink(missing_ok=True)
    context = _context()
    child = context.Process(
        target=_child,
        args=(str(folder), str(path), kind, units, sheet, options, lim, _atlas_environment()),
        name="atlas-parse",
        daemon=True,
    )
    child.start()
    # the clock starts when the child runs (a cold forkserver first imports the loaders)
    waited = time.monotonic()
    while not (folder / _STARTED).exists() and child.is_alive() and time.monotonic() - waited < _START_TIMEOUT:
        child.join(0.02)
    started = time.monotonic()
    peak = _wait(child, started + lim.max_parse_seconds)
    _LAST.update(seconds=time.monotonic() - started, peak_bytes=peak)
    if child.is_alive():
        child.kill()
        child.join(5)
        LOG.warning("parse of %s file %s stopped after %.0f s", kind, name, lim.max_parse_seconds)
        return _refused(kind, name, msg("stopped_slow", seconds=lim.max_parse_seconds))
    elapsed = time.monotonic() - started
    result = folder / _REPORT
    if child.exitcode == -signal.SIGXCPU or child.exitcode == -signal.SIGKILL and elapsed >= lim.max_parse_seconds:
        return _refused(kind, name, msg("stopped_slow", seconds=lim.max_parse_seconds))
    memory_message = msg("stopped_memory", limit_mb=lim.max_parse_bytes / 2**20)
    if not result.exists() or result.stat().st_size > _MAX_REPORT_BYTES:
        LOG.warning("parse of %s file %s ended with exit code %s and no report", kind, name, child.exitcode)
        if child.exitcode in (3, -signal.SIGSEGV, -signal.SIGABRT, 1):
            return _refused(kind, name, memory_message)
        return _refused(kind, name, msg("stopped_exit", exitcode=child.exitcode))
    try:
        data = json.loads(result.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return _refused(kind, name, msg("reader_failed", reason="report damaged"))
    replacements = {
        str(path.resolve()): name,
        str(path): name,
        str(folder.resolve()): "",
        str(folder): "",
        path.name: name,
    }
    if data.get("failure") == "memory":
        return _refused(kind, name, memory_message)
    if data.get("failure"):
        return _refused(kind, name, msg("reader_failed", reason=_clean(str(data.get("message", "")), replacements)))
    # server paths out of the texts before the issues are made: once per distinct value (a 100,000-row file may
    # bring as many issues, mostly the same few messages)
    for part in ("issues", "unmatched"):
        map_columns(data.get(part, []), lambda value: _clean_params(value, replacements))
    report = report_from_json(data)
    report.source = _clean(report.source, replacements)
    report.path = name
    frame = None
    if report.ok and (folder / _FRAME).exists():
        if kind == "boundaries":
            import geopandas as gpd

            frame = gpd.read_parquet(folder / _FRAME)
        else:
            frame = pd.read_parquet(folder / _FRAME)
    return FileReport.from_report(report, frame)
