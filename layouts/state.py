"""Per-session state on the server: which dataset and assumptions a session uses.

A session is a random id in Flask's signed session cookie (it cannot be
forged or guessed without the server's secret key). What a session uploads
or edits lives server-side under that id (:mod:`layouts.session_store`):
files in a private folder by default (``ATLAS_CACHE_DIR``), Redis when
``ATLAS_REDIS_URL`` is set, so several workers behind one address behave as
one app. Nothing a session changes is kept in module-level variables, and no
session can read another one's dataset: boundary GeoJSON of an uploaded
dataset is served only to the session that owns it.

Nothing is pickled: settings are JSON (assumptions through their own
``to_dict``/``assumptions_from_dict``, which validates them again; other
values through a codec that rebuilds only known classes), a dataset is a zip
of a JSON description and Parquet tables. Tables, boundaries and the units
an upload did not change are stored as references to the served dataset.

Limits and schedule (environment variables):

``ATLAS_SESSION_IDLE_HOURS`` (24)
    a session's settings and upload are deleted after this long without a
    request that reads them; a user whose upload expired is told so.
``ATLAS_SESSION_QUOTA_MB`` (50)
    largest stored dataset of one session (a session keeps one: a new
    upload replaces its previous one).
``ATLAS_CACHE_QUOTA_MB`` (2048)
    all sessions' datasets together; past it a new upload is refused with a
    message (nothing that has not expired is deleted to make room).
``ATLAS_SETTINGS_QUOTA_MB`` (256)
    all sessions' small settings together, a budget apart from the
    datasets, so that anonymous traffic cannot crowd out uploads.

Computed tables and GeoJSON are memoised per content key in the
:class:`AtlasState` instance (locked caches shared by threads); they hold
only pure results of immutable inputs, so sharing them leaks nothing.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import io
import json
import logging
import os
import secrets
import stat
import tempfile
import threading
import time
import weakref
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import flask
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from loaders import Dataset, FileReport
from loaders.sandbox import report_from_json, report_to_json
from metrics import TableCache

from .session_store import FileStore, RedisStore, StorageError, private_folder

__all__ = [
    "AtlasState",
    "DEMO_KEY",
    "StorageError",
    "cache_dir",
    "idle_seconds",
    "secret_key",
    "sweep_uploads",
    "upload_folder",
]

LOG = logging.getLogger("atlas.state")
DEMO_KEY = "demo"
_MEMO_SIZE = 8
#: Decimals of a degree kept in served geometry: 1e-4 degree is about 11 m.
GEO_DECIMALS = 4


#: Served GeoJSON text larger than this is gzipped at level 1, not 6 (see :attr:`GeoJSON.gzip`)
GEO_FAST_GZIP_BYTES = 4 * 2**20
#: Changes whenever the GeoJSON written from the same boundaries would change (rounding, orientation, layout)
_GEO_FORMAT = f"geojson-1|{GEO_DECIMALS}|cw"


class GeoJSON:
    """Served geometry: a digest that names it (the URL version) at once; its GeoJSON text and gzip when asked.

    The digest is of the boundaries it is written from (codes, geometry as
    WKB, CRS) and of :data:`_GEO_FORMAT`, so a page can name the version
    without writing the GeoJSON first (at 30,000 units writing and
    compressing it took most of the page's time); the text is written once,
    by the first request for it.
    """

    def __init__(self, digest: str, make: Callable[[], bytes]):
        self.digest = digest
        self._make: Callable[[], bytes] | None = make
        self._lock = threading.Lock()
        self._content: bytes | None = None
        self._gzip: bytes | None = None

    @property
    def content(self) -> bytes:
        with self._lock:
            if self._content is None:
                self._content = self._make()
                self._make = None
            return self._content

    @property
    def gzip(self) -> bytes:
        """The text gzipped once: level 6, or level 1 for a text over :data:`GEO_FAST_GZIP_BYTES`.

        The demo's and the real hromada boundaries (0.7 and 1.9 MB of text)
        take tens of milliseconds at level 6. The 16 MB of 30,000 units took
        0.80 s at level 6 (3.3 MB) and take 0.21 s at level 1 (4.1 MB), on the
        first request for the map (1 Dec 2026, load average 4).
        """
        content = self.content
        with self._lock:
            if self._gzip is None:
                level = 1 if len(content) > GEO_FAST_GZIP_BYTES else 6
                self._gzip = gzip.compress(content, level, mtime=0)
            return self._gzip


def _feature_collection(codes, geometries) -> bytes:
    """GeoJSON FeatureCollection of ``geometries`` with ``properties.code`` (GEOS writes each geometry)."""
    features = ",".join(
        f'{{"type":"Feature","properties":{{"code":{json.dumps(str(code), ensure_ascii=False)}}},"geometry":{g}}}'
        for code, g in zip(codes, shapely.to_geojson(geometries))
    )
    return ('{"type":"FeatureCollection","features":[' + features + "]}").encode("utf-8")


_MAX_SETTING_BYTES = 4 * 2**20
#: settings read once per request (every callback asks for them several times; each read is a file or Redis
#: read and a JSON decode): the dataset in use and the assumptions, both immutable values
_READ_ONCE = frozenset({"dataset_key", "assumptions"})


def _number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


class ByteCache:
    """Texts (bytes) by key, at most ``limit`` bytes in all; the least recently used go first. Thread-safe."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self._items: OrderedDict[object, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key, value: bytes) -> None:
        if len(value) > self.limit:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self._items[key] = value
            self.size += len(value)
            while self.size > self.limit:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._items)


_clock = time.time  # when a kept download was made (tests set it)


def download_cache_bytes() -> int:
    """Bytes of built downloads a worker keeps (``ATLAS_DOWNLOAD_CACHE_MB``, default 16)."""
    return max(0, int(_number("ATLAS_DOWNLOAD_CACHE_MB", 16) * 2**20))


def idle_seconds() -> float:
    """How long a session's state is kept without use: ``ATLAS_SESSION_IDLE_HOURS`` (24)."""
    return _number("ATLAS_SESSION_IDLE_HOURS", 24) * 3600


def cache_dir() -> Path:
    """The private folder of sessions' state and the generated secret key.

    ``ATLAS_CACHE_DIR``; else ``$XDG_CACHE_HOME`` or ``~/.cache``
    ``/ukraine-workforce-atlas``; else a folder of the temp dir named after
    the user id. Whatever the place, it is created owner-only (0700) and
    refused when it belongs to someone else or is a symlink.
    """
    if os.environ.get("ATLAS_CACHE_DIR"):
        return Path(os.environ["ATLAS_CACHE_DIR"])
    home = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache" if Path.home().is_dir() else None)
    if home and os.access(Path(home).parent if not Path(home).exists() else home, os.W_OK):
        return Path(home) / "ukraine-workforce-atlas"
    return Path(tempfile.gettempdir()) / f"ukraine-workforce-atlas-{os.getuid()}"


def secret_key() -> str:
    """The key that signs session cookies: ``ATLAS_SECRET_KEY``, or one kept in the private cache folder.

    A key generated once and stored (mode 0600, in the 0700 folder) lets
    several workers on one machine share it; a key file that is a symlink,
    belongs to someone else or others can read is refused. Set
    ``ATLAS_SECRET_KEY`` when workers run on several machines.
    """
    if os.environ.get("ATLAS_SECRET_KEY"):
        return os.environ["ATLAS_SECRET_KEY"]
    path = private_folder(cache_dir()) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise StorageError(f"cannot read the secret key {path}: {exc.strerror}") from None
    with os.fdopen(fd) as handle:
        info = os.fstat(handle.fileno())
        if info.st_uid != os.getuid() or info.st_mode & 0o077 or not stat.S_ISREG(info.st_mode):
            raise StorageError(f"{path} belongs to another user or others may read it; refusing to use it")
        key = handle.read().strip()
    if len(key) < 32:
        raise StorageError(f"{path} holds no usable key; delete it to make a new one")
    return key


def upload_folder() -> Path:
    """Private folder (0700) under the cache folder where uploads are written while they are read."""
    return private_folder(private_folder(cache_dir()) / "uploads")


def sweep_uploads(older_than: float = 3600.0) -> int:
    """Delete upload folders left by a worker killed mid-upload (older than ``older_than`` s)."""
    import shutil
    import time

    removed = 0
    try:
        entries = list(upload_folder().iterdir())
    except (OSError, StorageError):
        return 0
    for entry in entries:
        try:
            if time.time() - entry.lstat().st_mtime > older_than:
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
                removed += 1
        except OSError:
            continue
    return removed


_FROZEN_KEYS: dict[int, tuple[weakref.ref, str]] = {}
_FROZEN_KEYS_LOCK = threading.Lock()


def _content_key(value: Any) -> str:
    """A short digest of ``value``'s content (a dataclass by its fields); equal content, equal key.

    A frozen dataclass (the assumptions) is keyed once per object and the key
    remembered while the object lives: the tables and the table rows ask for
    it several times in every request, and ``asdict`` of the assumptions
    walks a few hundred fields.
    """
    frozen = is_dataclass(value) and not isinstance(value, type) and type(value).__dataclass_params__.frozen
    if frozen:
        hit = _FROZEN_KEYS.get(id(value))
        if hit is not None and hit[0]() is value:
            return hit[1]
    key = hashlib.sha256(
        json.dumps(asdict(value) if is_dataclass(value) else value, sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    if frozen:
        ident = id(value)
        try:
            ref = weakref.ref(value, lambda _dead, ident=ident: _FROZEN_KEYS.pop(ident, None))
        except TypeError:  # a class with __slots__ and no __weakref__: not remembered
            return key
        with _FROZEN_KEYS_LOCK:
            _FROZEN_KEYS[ident] = (ref, key)
    return key


# -- values as JSON: only known classes are rebuilt ----------------------------------------
def _known_classes() -> dict[str, type]:
    from metrics.scenarios import IdpChange, PositionChange, Scenario

    return {c.__name__: c for c in (Scenario, IdpChange, PositionChange)}


def _to_json(value: Any) -> Any:
    from metrics.assumptions import Assumptions

    if isinstance(value, Assumptions):
        return {"__assumptions__": value.to_dict()}
    if isinstance(value, FileReport):
        if value.report is None:
            raise TypeError("cannot keep a file report without its validation report")
        frame = None if value.frame is None else _to_json(value.frame)
        return {"__filereport__": {"report": report_to_json(value.report), "path": value.path, "frame": frame}}
    if isinstance(value, pd.DataFrame):
        buffer = io.BytesIO()
        value.to_parquet(buffer)
        geo = isinstance(value, gpd.GeoDataFrame)
        return {"__frame__": base64.b64encode(buffer.getvalue()).decode(), "geo": geo}
    if isinstance(value, np.generic):
        return value.item()
    if is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in _known_classes():
            raise TypeError(f"cannot keep a {name} in session state")
        return {
            "__class__": name,
            "fields": {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if isinstance(value, tuple):
        return {"__tuple__": [_to_json(v) for v in value]}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("session state dicts need text keys")
        return {k: _to_json(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in session state")


def _from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__assumptions__" in value:
        from metrics.assumptions import assumptions_from_dict

        return assumptions_from_dict(value["__assumptions__"], "session assumptions")
    if "__filereport__" in value:
        spec = value["__filereport__"]
        frame = None if spec["frame"] is None else _from_json(spec["frame"])
        report = FileReport.from_report(report_from_json(spec["report"]), frame)
        return dataclasses.replace(report, path=spec["path"])
    if "__frame__" in value:
        data = io.BytesIO(base64.b64decode(value["__frame__"]))
        return gpd.read_parquet(data) if value.get("geo") else pd.read_parquet(data)
    if "__tuple__" in value:
        return tuple(_from_json(v) for v in value["__tuple__"])
    if "__class__" in value:
        cls = _known_classes()[value["__class__"]]
        return cls(**{k: _from_json(v) for k, v in value["fields"].items()})
    return {k: _from_json(v) for k, v in value.items()}


def _sent_form(value: Any) -> Any:
    """A plotly figure as the dict Dash sends of it (:meth:`plotly.graph_objects.Figure.to_plotly_json`); anything
    else (a ``dash.Patch``, whose operations Dash applies itself) as it is."""
    import plotly.graph_objects as go

    return value.to_plotly_json() if isinstance(value, go.Figure) else value


def encode_value(value: Any) -> bytes:
    """A session value as JSON bytes (assumptions, scenarios, tables, plain data)."""
    return json.dumps(_to_json(value), ensure_ascii=False, allow_nan=True).encode("utf-8")


def decode_value(content: bytes) -> Any:
    return _from_json(json.loads(content))


# -- a dataset as a zip of JSON and Parquet ------------------------------------------------
def encode_dataset(dataset: Dataset, base: Dataset) -> bytes:
    """``dataset`` as a zip: ``dataset.json`` and one Parquet file per table not shared with ``base``."""
    buffer = io.BytesIO()
    meta: dict[str, Any] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:

        def frame(name: str, value: pd.DataFrame, same: Any) -> dict[str, str]:
            if value is same:
                return {"base": name}
            out = io.BytesIO()
            value.to_parquet(out)
            archive.writestr(f"{name}.parquet", out.getvalue())
            return {"file": f"{name}.parquet", "geo": isinstance(value, gpd.GeoDataFrame)}

        for f in dataclasses.fields(dataset):
            value = getattr(dataset, f.name)
            same = getattr(base, f.name, None)
            if isinstance(value, pd.DataFrame):
                meta[f.name] = {"frame": frame(f.name, value, same)}
            elif f.name == "reports":
                meta[f.name] = {"reports": [report_to_json(r) for r in value]}
            elif isinstance(value, dict) and value and all(isinstance(v, pd.DataFrame) for v in value.values()):
                same = same if isinstance(same, dict) else {}
                meta[f.name] = {"frames": {k: frame(f"{f.name}.{k}", v, same.get(k)) for k, v in value.items()}}
            else:
                meta[f.name] = {"json": _to_json(value)}
        archive.writestr("dataset.json", json.dumps(meta, ensure_ascii=False, allow_nan=True))
    return buffer.getvalue()


def decode_dataset(content: bytes, base: Dataset) -> Dataset:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        meta = json.loads(archive.read("dataset.json"))

        def frame(spec: dict[str, Any], same: Any) -> pd.DataFrame:
            if "base" in spec:
                return same
            data = io.BytesIO(archive.read(spec["file"]))
            return gpd.read_parquet(data) if spec.get("geo") else pd.read_parquet(data)

        values: dict[str, Any] = {}
        for f in dataclasses.fields(Dataset):
            if f.name not in meta:
                continue
            spec, same = meta[f.name], getattr(base, f.name, None)
            if "frame" in spec:
                values[f.name] = frame(spec["frame"], same)
            elif "reports" in spec:
                values[f.name] = tuple(report_from_json(r) for r in spec["reports"])
            elif "frames" in spec:
                values[f.name] = {k: frame(v, (same or {}).get(k)) for k, v in spec["frames"].items()}
            else:
                values[f.name] = _from_json(spec["json"])
    return Dataset(**values)


def _caps() -> dict[str, int]:
    return {
        "datasets": int(_number("ATLAS_CACHE_QUOTA_MB", 2048) * 2**20),
        "small": int(_number("ATLAS_SETTINGS_QUOTA_MB", 256) * 2**20),
    }


def session_quota_bytes() -> int:
    """Largest stored dataset of one session: ``ATLAS_SESSION_QUOTA_MB`` (50)."""
    return int(_number("ATLAS_SESSION_QUOTA_MB", 50) * 2**20)


class AtlasState:
    """Datasets and assumptions per session, and memoised tables per content.

    Parameters
    ----------
    server
        The Flask server of the Dash app.
    default_dataset, default_assumptions
        What a session sees until it loads or edits something.
    compute
        ``compute(dataset, assumptions) -> tables`` (pure); memoised here.
    """

    def __init__(
        self,
        server: flask.Flask,
        default_dataset: Dataset,
        default_assumptions: Any,
        compute: Callable[[Dataset, Any], Any],
        published: Any = None,
    ):
        self._default_dataset = default_dataset
        #: ``store.serving.PublishedData`` when the default dataset is the store's latest publication
        self.published = published
        self.default_assumptions = default_assumptions
        self._compute = compute
        self._memo = TableCache(_MEMO_SIZE)  # shared by every session and thread: it locks
        self._geo = TableCache(3 * _MEMO_SIZE)
        self._figures = TableCache(8 * _MEMO_SIZE)  # figures and patches of pages, by what they show
        self._trends = TableCache(2)  # trends over the published periods, per revision and assumptions
        self._datasets = TableCache(_MEMO_SIZE)  # decoded datasets by key (a key's content never changes)
        self._downloads = ByteCache(download_cache_bytes())  # built downloads (workbooks) by what they show
        redis_url = os.environ.get("ATLAS_REDIS_URL")
        if redis_url:
            self.store: FileStore | RedisStore = RedisStore(redis_url, _caps())
        else:
            self.store = FileStore(cache_dir() / "sessions", _caps())
        if not server.secret_key:
            server.secret_key = secret_key()
        sweep_uploads()
        # Flask's default config has these keys, so they are set, not setdefault
        server.config["SESSION_COOKIE_SAMESITE"] = os.environ.get("ATLAS_COOKIE_SAMESITE", "Lax")
        server.config["SESSION_COOKIE_HTTPONLY"] = True
        server.config["SESSION_COOKIE_SECURE"] = os.environ.get("ATLAS_COOKIE_SECURE", "") in ("1", "true", "yes")
        server.config["PERMANENT_SESSION_LIFETIME"] = int(idle_seconds())

    @property
    def default_dataset(self) -> Dataset:
        """What a session sees until it loads something: the store's latest publication, or the fixed dataset."""
        return self.published.dataset() if self.published is not None else self._default_dataset

    def default_key(self) -> str:
        """The key of the published data this session sees: the latest, or the period it chose (``pub<n>@<period>``)."""
        return self.published.key(self.period()) if self.published is not None else DEMO_KEY

    def is_public(self, key: str) -> bool:
        """True for the default dataset's keys, of any published period (every session may see them)."""
        if key == DEMO_KEY:
            return True
        if self.published is None or not self.published.is_key(key):
            return False
        period = self.published.period_of_key(key)
        return period is None or period in self.published.periods()

    # -- the period shown ------------------------------------------------
    def periods(self) -> list[str]:
        """The published periods a session may choose, oldest first (none when the app serves files)."""
        return self.published.periods() if self.published is not None else []

    def _choice(self, name: str) -> Any:
        """A session's period choice (kept server-side with its settings; read once per request)."""
        if not flask.has_request_context():
            return None
        cache = flask.g.setdefault("atlas_period_choices", {})
        if name not in cache:
            cache[name] = self._get(name)
        self._note(f"choice:{name}", cache[name])
        return cache[name]

    # -- what a response read of the session (layouts kept per what they read: layouts/layout_cache.py) --
    def record_reads(self) -> dict[str, str]:
        """Note, from now to the end of this request, every session setting read: name -> digest of its value."""
        flask.g.atlas_reads = {}
        return flask.g.atlas_reads

    def _note(self, name: str, value: Any) -> None:
        reads = flask.g.get("atlas_reads") if flask.has_request_context() else None
        if reads is not None and name not in reads:
            reads[name] = _content_key(value)

    def read_digests(self, names: Iterable[str]) -> tuple[str, ...]:
        """Digests of this session's settings ``names`` as they are now (what :meth:`record_reads` notes)."""
        digests = []
        for name in names:
            if name.startswith("choice:"):
                value = self._choice(name[len("choice:") :])
            else:
                value = self._get(name)
            digests.append(_content_key(value))
        return tuple(digests)

    def _choose(self, name: str, value: Any) -> None:
        self._set(name, value)
        flask.g.setdefault("atlas_period_choices", {})[name] = value

    def period(self) -> str | None:
        """The published period this session looks at; None: the latest (also outside a request)."""
        if self.published is None:
            return None
        return self.published.resolve(self._choice("period"))

    def set_period(self, period: str | None) -> str | None:
        """Look at the data as it stood at the end of ``period`` (a published period; None or unknown: the latest).

        The choice is kept server-side with the session's settings (not in
        its cookie, which concurrent callbacks would overwrite), so every
        page and each of its callbacks serves that period's tables; returns
        the period now in use.
        """
        chosen = self.published.resolve(period) if self.published is not None else None
        if chosen != self.period():
            self._choose("period", chosen)
        return chosen

    def period_label(self) -> str | None:
        """The period of what this session sees: the chosen one, else the latest published period."""
        periods = self.periods()
        return self.period() or (periods[-1] if periods else None)

    def _public_dataset(self, key: str) -> Dataset:
        if self.published is None:
            return self._default_dataset
        period = self.published.period_of_key(key)
        return self.published.dataset(period) if period else self.published.dataset()

    # -- the session ---------------------------------------------------
    def session_id(self) -> str:
        """This request's session id, created on first use."""
        sid = flask.session.get("sid")
        if not isinstance(sid, str) or not sid:
            sid = secrets.token_urlsafe(24)
            flask.session["sid"] = sid
            flask.session.permanent = True
        return sid

    def _read_once(self) -> dict[str, Any] | None:
        """This request's values of the settings read at most once per request (see :data:`_READ_ONCE`)."""
        return flask.g.setdefault("atlas_session_values", {}) if flask.has_request_context() else None

    def _get(self, name: str) -> Any:
        remembered = self._read_once() if name in _READ_ONCE else None
        if remembered is not None and name in remembered:
            self._note(name, remembered[name])
            return remembered[name]
        content = self.store.get("small", f"{self.session_id()}:{name}", idle_seconds())
        value = None
        if content is not None:
            try:
                value = decode_value(content)
            except (ValueError, TypeError, KeyError) as exc:
                LOG.warning("session value %s could not be read back (%s); ignored", name, exc)
        if remembered is not None:
            remembered[name] = value
        self._note(name, value)
        return value

    def _set(self, name: str, value: Any) -> None:
        content = encode_value(value)
        if len(content) > _MAX_SETTING_BYTES:
            raise StorageError(f"a session setting of {len(content) / 2**20:.1f} MB is too large to keep")
        self.store.set("small", f"{self.session_id()}:{name}", content, idle_seconds())
        self._forget(name)  # the next read of this request reads what was kept

    def _forget(self, name: str) -> None:
        remembered = self._read_once()
        if remembered is not None:
            remembered.pop(name, None)

    # -- dataset and assumptions of the session -------------------------
    def dataset_key(self) -> str:
        key = self._get("dataset_key")
        if not isinstance(key, str) or not key or self.is_public(key):
            return self.default_key()
        if not self.store.touch("datasets", key, idle_seconds()):
            return self.default_key()
        return key

    def data_expired(self) -> bool:
        """True when this session uploaded a dataset that has since expired (it is back on the default data)."""
        remembered = flask.session.get("dataset")
        return bool(remembered) and not self.is_public(str(remembered)) and self.is_public(self.dataset_key())

    def dataset(self) -> Dataset:
        return self.dataset_of(self.dataset_key())

    def dataset_of(self, key: str) -> Dataset:
        """The dataset stored under ``key`` (the default one when public or expired); reads no session."""
        if self.is_public(key):
            return self._public_dataset(key)

        def load() -> Dataset:
            content = self.store.get("datasets", key, idle_seconds())
            if content is None:
                raise KeyError(key)
            return decode_dataset(content, self._default_dataset)

        try:
            return self._datasets.get(key, load)
        except KeyError:
            return self.default_dataset

    def set_dataset(self, dataset: Dataset) -> str:
        """Make ``dataset`` this session's dataset (replacing its previous upload); returns its key.

        Raises
        ------
        StorageError
            When it is larger than the session quota, the server's storage is
            full, or it cannot be written; the session's data is unchanged.
        """
        content = encode_dataset(dataset, self._default_dataset)  # the fixed dataset: references stay valid
        quota = session_quota_bytes()
        if len(content) > quota:
            raise StorageError(
                f"the data takes {len(content) / 2**20:.1f} MB, more than the {quota / 2**20:.3g} MB a session may keep"
            )
        key = secrets.token_urlsafe(18)
        previous = self._get("dataset_key")
        self.store.set("datasets", key, content, idle_seconds())
        try:
            self.store.set("small", f"owner:{key}", encode_value(self.session_id()), idle_seconds())
            self._set("dataset_key", key)
        except StorageError:
            self.store.delete("datasets", key)
            raise
        self._datasets.get(key, lambda: dataset)
        if isinstance(previous, str) and previous and not self.is_public(previous):
            self.store.delete("datasets", previous)
            self.store.delete("small", f"owner:{previous}")
        flask.session["dataset"] = key
        return key

    def reset_dataset(self) -> None:
        previous = self._get("dataset_key")
        self._set("dataset_key", DEMO_KEY)
        if isinstance(previous, str) and previous and not self.is_public(previous):
            self.store.delete("datasets", previous)
            self.store.delete("small", f"owner:{previous}")
        flask.session.pop("dataset", None)

    def assumptions(self) -> Any:
        value = self._get("assumptions")
        return value if value is not None else self.default_assumptions

    def set_assumptions(self, assumptions: Any) -> None:
        self._set("assumptions", assumptions)
        if self.published is not None:
            self.published.record_assumptions(assumptions, self.default_assumptions)

    def reset_assumptions(self) -> None:
        self.store.delete("small", f"{self.session_id()}:assumptions")
        self._forget("assumptions")

    def get_value(self, name: str, default: Any = None) -> Any:
        value = self._get(f"value:{name}")
        return default if value is None else value

    def set_value(self, name: str, value: Any) -> None:
        self._set(f"value:{name}", value)

    def check(self) -> None:
        """Raise :class:`StorageError` when the session store cannot keep state (for ``/healthz``)."""
        self.store.check()

    # -- computed tables -------------------------------------------------
    def tables(self, assumptions: Any = None, metric: str | None = None) -> Any:
        """The computed tables of this session's dataset, period and assumptions (memoised per all three).

        With a change ``metric`` (``delta_*``, :data:`metrics.change.CHANGE_MEASURES`)
        the change columns compare the period shown with :meth:`compare_period`
        (both periods' tables from the one producer, each memoised); otherwise
        they are unknown (NaN) and the earlier period is not computed.
        """
        from metrics.change import CHANGE_MEASURES

        key = self.dataset_key()
        assumptions = self.assumptions() if assumptions is None else assumptions
        content = _content_key(assumptions)
        dataset = self.dataset_of(key)
        data = self._memo.get((key, content), lambda: self._compute(dataset, assumptions))
        periods = self.change_periods() if metric in CHANGE_MEASURES else None
        if periods is None:
            return data
        from .views import with_change

        before_key = self.published.key(self.published.resolve(periods[0]))
        earlier = self._memo.get(
            (before_key, content), lambda: self._compute(self._public_dataset(before_key), assumptions)
        )
        return self._memo.get((key, before_key, content), lambda: with_change(data, earlier, periods))

    def trend(self, assumptions: Any = None) -> pd.DataFrame | None:
        """Every unit's trend measures over the published periods (:func:`metrics.change.trend_table`).

        One row per period and unit of every level, each period's values
        from :func:`metrics.compute_tables` of that period's data (the one
        producer) under this session's assumptions; memoised per store
        revision and assumptions. None when the app serves files or the
        session looks at its own upload (one dataset, no periods).
        """
        if self.published is None or not self.is_public(self.dataset_key()):
            return None
        from core.schema import LEVELS
        from metrics import compute_tables
        from metrics.change import trend_table

        assumptions = self.assumptions() if assumptions is None else assumptions
        periods = self.periods()
        key = ("trend", self.published.revision(), tuple(periods), _content_key(assumptions))

        def make() -> pd.DataFrame:
            by_period = {}
            for period in periods:
                dataset = self.published.dataset(self.published.resolve(period))  # kept: the period maps share it
                tables = compute_tables(dataset.hromadas, dataset.units, assumptions)
                by_period[period] = pd.concat([tables.level(level) for level in LEVELS], ignore_index=True)
            return trend_table(by_period)

        return self._trends.get(key, make)

    def tables_key(self, metric: str | None = None) -> str:
        """A short key of the tables :meth:`tables` serves (dataset, period, assumptions, compared period).

        Equal keys mean equal tables: a page that has sent a table's rows can skip sending them again.
        """
        from metrics.change import CHANGE_MEASURES

        periods = self.change_periods() if metric in CHANGE_MEASURES else None
        return _content_key([self.dataset_key(), _content_key(self.assumptions()), periods])

    def figure(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """A page's figure (or patch), made once per ``key`` (what it shows, with :meth:`tables_key`); never changed.

        Every visit to the same view gets the same figure, so it is built
        (hover text of every unit, plotly's validation) once, not per visit.
        A plotly figure is kept as its JSON form (``to_plotly_json``: what
        Dash sends; a copy of every array, arrays as base64), so that each
        answer that carries it does not convert the figure again.
        """
        return self._figures.get(key, lambda: _sent_form(make()))

    def kept_download(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """A download's bytes (a workbook), made once per ``key`` and kept while there is room.

        ``key`` must name everything the bytes depend on: :meth:`tables_key`
        (the session's dataset, which is its own after an upload, period and
        assumptions), the view and its language, filter and sorting. At most
        ``ATLAS_DOWNLOAD_CACHE_MB`` (default 16) MB per worker, least recently
        used dropped first. A workbook's cover says when it was generated: a
        kept one is made again after ``ATLAS_DOWNLOAD_KEEP_SECONDS`` (600), so
        that time is never older than that.
        """
        key = (key, int(_clock() // _number("ATLAS_DOWNLOAD_KEEP_SECONDS", 600)))
        content = self._downloads.get(key)
        if content is None:
            content = make()
            self._downloads.set(key, content)
        return content

    def change_periods(self) -> tuple[str, str] | None:
        """(earlier period, period shown) the change metrics of this session compare; None: no comparison."""
        if self.published is None or not self.is_public(self.dataset_key()):
            return None
        before = self.compare_period()
        return (before, self.period_label()) if before else None

    def compare_period(self, shown: str | None = None) -> str | None:
        """The period the change metrics compare the one shown (default: this session's) with; None: no comparison.

        The session's choice (kept like the period), else the published
        period just before the one shown; "none" turns the comparison off.
        """
        if self.published is None:
            return None
        periods = self.periods()
        shown = shown or self.period_label()
        chosen = self._choice("compare")
        if chosen == "none":
            return None
        if chosen in periods and chosen != shown:
            return chosen
        earlier = [p for p in periods if shown is not None and periods.index(p) < periods.index(shown)]
        return earlier[-1] if earlier else None

    def set_compare(self, period: str | None) -> str | None:
        """Compare with ``period`` (a published period), "none" for no comparison, None for the default."""
        self._choose("compare", period if period == "none" or period in self.periods() else None)
        return self.compare_period()

    def geo_url(self, level: str) -> str:
        """URL of this session's geometry of ``level``, versioned by its content (``?v=``: cached as immutable)."""
        key = self.dataset_key()
        geo = self.geojson(key, level)
        if geo is not None and self.published is not None and self.published.period_of_key(key):
            latest = self.published.key()
            same = self.geojson(latest, level)
            if same is not None and same.digest == geo.digest:
                key = latest  # an earlier period with the same boundaries: the browser's copy serves it
        return f"/geo/{key}/{level}.json" + (f"?v={geo.digest}" if geo is not None else "")

    def geojson_bytes(self, key: str, level: str) -> bytes | None:
        """GeoJSON of a level of dataset ``key``, if this session may see it (see :meth:`geojson`)."""
        geo = self.geojson(key, level)
        return None if geo is None else geo.content

    def geojson(self, key: str, level: str) -> GeoJSON | None:
        """GeoJSON of a level of dataset ``key`` (plain, gzipped, content digest), if this session may see it.

        Exterior rings are written clockwise, as d3-geo (plotly's map
        projection) expects; coordinates are rounded to
        :data:`GEO_DECIMALS` decimals of a degree (about 11 m, below what
        the map can show). The default dataset's geometry is served without
        touching the session (no cookie read or set).
        """
        if not self.is_public(key):
            owner = self.store.get("small", f"owner:{key}", idle_seconds())
            if owner is None or decode_value(owner) != self.session_id():
                return None
            dataset = self.dataset() if self.dataset_key() == key else None
        else:
            dataset = self._public_dataset(key)
        if dataset is None or level not in dataset.boundaries:
            return None

        def make() -> GeoJSON:
            gdf = dataset.boundaries[level][["code", "geometry"]]

            def write() -> bytes:
                frame = gdf.to_crs(4326) if gdf.crs is not None and not gdf.crs.equals("EPSG:4326") else gdf
                geometry = shapely.transform(frame.geometry.values, lambda xy: np.round(xy, GEO_DECIMALS))
                return _feature_collection(frame["code"], shapely.orient_polygons(geometry, exterior_cw=True))

            digest = hashlib.sha256(_GEO_FORMAT.encode())
            digest.update(str(gdf.crs).encode())
            digest.update("\x1f".join(map(str, gdf["code"])).encode())
            for wkb in shapely.to_wkb(gdf.geometry.values):
                digest.update(b"-" if wkb is None else wkb)
            return GeoJSON(digest.hexdigest()[:16], write)

        return self._geo.get((key, level), make)
