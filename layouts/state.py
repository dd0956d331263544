"""Per-session state on the server: which dataset and assumptions a session uses.

A session is a random id in Flask's signed session cookie (it cannot be
forged or guessed without the server's secret key). What a session uploads
or edits lives in a server-side cache keyed by that id: files on disk by
default (``ATLAS_CACHE_DIR``), Redis through Flask-Caching when
``ATLAS_REDIS_URL`` is set, so several workers behind one address behave as
one app. Nothing a session changes is kept in module-level variables, and no
session can read another one's dataset: boundary GeoJSON of an uploaded
dataset is served only to the session that owns it.

Computed tables are memoised per (dataset, assumptions) content key in the
:class:`AtlasState` instance; that memo holds only pure results of
immutable inputs, so sharing it between sessions leaks nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import flask
import shapely
from flask_caching import Cache

from loaders import Dataset
from metrics import TableCache

__all__ = ["AtlasState", "DEMO_KEY", "secret_key"]

DEMO_KEY = "demo"
_SESSION_TIMEOUT = 7 * 24 * 3600
_MEMO_SIZE = 8


def _cache_dir() -> Path:
    return Path(os.environ.get("ATLAS_CACHE_DIR") or Path(tempfile.gettempdir()) / "ukraine-workforce-atlas")


def secret_key() -> str:
    """The key that signs session cookies: ``ATLAS_SECRET_KEY``, or one kept in the cache folder.

    A key generated once and stored (mode 0600) lets several workers on one
    machine share it; set ``ATLAS_SECRET_KEY`` when workers run on several
    machines.
    """
    if os.environ.get("ATLAS_SECRET_KEY"):
        return os.environ["ATLAS_SECRET_KEY"]
    folder = _cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _content_key(value: Any) -> str:
    if is_dataclass(value):
        value = asdict(value)
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


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
        self._geo: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        redis_url = os.environ.get("ATLAS_REDIS_URL")
        config: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": _SESSION_TIMEOUT}
        if redis_url:
            config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url, CACHE_KEY_PREFIX="atlas:")
        else:
            config.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=str(_cache_dir() / "sessions"), CACHE_THRESHOLD=2000)
        self.cache = Cache(server, config=config)
        if not server.secret_key:
            server.secret_key = secret_key()
        server.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
        server.config.setdefault("SESSION_COOKIE_HTTPONLY", True)

    # -- the session ---------------------------------------------------
    def session_id(self) -> str:
        """This request's session id, created on first use."""
        sid = flask.session.get("sid")
        if not sid:
            sid = secrets.token_urlsafe(24)
            flask.session["sid"] = sid
            flask.session.permanent = True
        return sid

    def _get(self, name: str) -> Any:
        return self.cache.get(f"{self.session_id()}:{name}")

    def _set(self, name: str, value: Any) -> None:
        self.cache.set(f"{self.session_id()}:{name}", value)

    # -- dataset and assumptions of the session -------------------------
    @property
    def default_dataset(self) -> Dataset:
        """What a session sees until it loads something: the store's latest publication, or the fixed dataset."""
        return self.published.dataset() if self.published is not None else self._default_dataset

    def default_key(self) -> str:
        return self.published.key() if self.published is not None else DEMO_KEY

    def is_public(self, key: str) -> bool:
        """True for the default dataset's keys (every session may see it)."""
        return key == DEMO_KEY or (self.published is not None and self.published.is_key(key))

    def dataset_key(self) -> str:
        key = self._get("dataset_key")
        return key if key and not self.is_public(key) else self.default_key()

    def dataset(self) -> Dataset:
        key = self.dataset_key()
        if self.is_public(key):
            return self.default_dataset
        dataset = self.cache.get(f"dataset:{key}")
        return dataset if dataset is not None else self.default_dataset

    def set_dataset(self, dataset: Dataset) -> str:
        """Make ``dataset`` this session's dataset; returns its key."""
        key = secrets.token_urlsafe(18)
        self.cache.set(f"dataset:{key}", dataset)
        self.cache.set(f"owner:{key}", self.session_id())
        self._set("dataset_key", key)
        return key

    def reset_dataset(self) -> None:
        self._set("dataset_key", DEMO_KEY)

    def assumptions(self) -> Any:
        value = self._get("assumptions")
        return value if value is not None else self.default_assumptions

    def set_assumptions(self, assumptions: Any) -> None:
        self._set("assumptions", assumptions)

    def reset_assumptions(self) -> None:
        self.cache.delete(f"{self.session_id()}:assumptions")

    def get_value(self, name: str, default: Any = None) -> Any:
        value = self._get(f"value:{name}")
        return default if value is None else value

    def set_value(self, name: str, value: Any) -> None:
        self._set(f"value:{name}", value)

    # -- computed tables -------------------------------------------------
    def tables(self, assumptions: Any = None) -> Any:
        """The computed tables of this session's dataset and assumptions (memoised)."""
        key = self.dataset_key()
        assumptions = self.assumptions() if assumptions is None else assumptions
        dataset = self.dataset()
        return self._memo.get((key, _content_key(assumptions)), lambda: self._compute(dataset, assumptions))

    def geo_url(self, level: str) -> str:
        return f"/geo/{self.dataset_key()}/{level}.json"

    def geojson_bytes(self, key: str, level: str) -> bytes | None:
        """GeoJSON of a level of dataset ``key``, if this session may see it.

        Exterior rings are written clockwise, as d3-geo (plotly's map
        projection) expects.
        """
        if not self.is_public(key) and self.cache.get(f"owner:{key}") != self.session_id():
            return None
        memo_key = (key, level)
        if memo_key not in self._geo:
            dataset = self.default_dataset if self.is_public(key) else self.cache.get(f"dataset:{key}")
            if dataset is None or level not in dataset.boundaries:
                return None
            gdf = dataset.boundaries[level][["code", "geometry"]].copy()
            gdf["geometry"] = shapely.orient_polygons(gdf.geometry.values, exterior_cw=True)
            self._geo[memo_key] = gdf.to_json(drop_id=True, ensure_ascii=False).encode("utf-8")
            while len(self._geo) > 3 * _MEMO_SIZE:
                self._geo.popitem(last=False)
        return self._geo[memo_key]
