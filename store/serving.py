"""What a serving process shows by default: the latest published dataset, reloaded when it changes.

:class:`PublishedData` is handed to the app's session state. Every request
asks the store for its :meth:`~store.Store.revision` once (one small
query), so a publication or retraction made by any process, on any machine
sharing the database, is what the next page shows; the dataset itself is
read again only when the revision changed. A dataset read from the store is
also kept as a file (``ATLAS_CACHE_DIR``/published, one per database and
state of its publications), so a restart or another worker on the same machine loads it in
a fraction of a second instead of assembling it again.

If the database is lost while serving, the last dataset stays in use and
:attr:`PublishedData.problem` says so (the pages show it); nothing is
written.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
import threading
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from loaders import Dataset
from metrics.tables import TableCache

from .db import StoreError
from .demo import publish_demo, refresh_demo
from .store import PublishConflict, Store

__all__ = ["PublishedData"]

LOG = logging.getLogger("atlas.store")
_KEY_PREFIX = "pub"


def _cache_folder() -> Path:
    base = Path(os.environ.get("ATLAS_CACHE_DIR") or Path(tempfile.gettempdir()) / "ukraine-workforce-atlas")
    return base / "published"


@functools.lru_cache(maxsize=1)
def code_key() -> str:
    """A digest of the code that builds a served dataset (``loaders/``, ``core/schema.py``, ``store/``).

    Part of the kept dataset file's name: a file pickled by another version
    of the code (a report class without a field added since, a unit table
    without a new column) is never read back; the store is read instead.
    """
    root = Path(__file__).resolve().parents[1]
    sources = sorted([*(root / "loaders").glob("*.py"), root / "core" / "schema.py", *(root / "store").glob("*.py")])
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _prepare(store: Store, published: PublishedData | None = None) -> None:
    """Publish the demo into an empty store (or again when its files changed and only the demo was published)."""
    try:
        if store.is_empty():
            LOG.warning("the store at %s is empty: publishing the demo into it (once)", store.display_url)
            publish_demo(store, published.files_demo() if published is not None else None)
            if published is not None:
                published._files_demo = None  # the store has it now
        elif refresh_demo(store):
            LOG.warning("the demo files changed: published them again into %s", store.display_url)
    except PublishConflict:
        LOG.info("another process published the demo at the same time; using its publication")


class PublishedData:
    """The store's latest dataset for a serving process (see the module docstring).

    Parameters
    ----------
    store
        An open :class:`~store.Store`.
    cache
        Keep each revision's dataset as a file (default True).
    """

    def __init__(self, store: Store, cache: bool = True):
        self.store = store
        self.problem: str | None = None
        self._cache = cache
        self._lock = threading.Lock()
        self._revision = store.revision()
        self._loaded: tuple[int, Dataset] | None = None
        self._url_key = hashlib.sha256(store.url.encode()).hexdigest()[:12]
        self._fallback = False
        self._files_demo: Dataset | None = None
        self._files_lock = threading.Lock()
        self._periods: tuple[int, list[str]] | None = None
        self._by_period = TableCache(12)  # (revision, period) -> the dataset as it stood at that period
        #: the thread publishing the demo (first start), if any
        self.publishing: threading.Thread | None = None

    @classmethod
    def open(
        cls, url: str | None = None, *, publish_demo_if_empty: bool = True, warm: bool = True, **store_options
    ) -> PublishedData:
        """Open the store; publish the embedded demo into it if it is empty; start reading the dataset.

        The demo is published in the background: until it is, an empty
        store's app serves the demo straight from its files (as fast as
        before there was a store). A store that only ever held the demo gets
        the demo again when its files changed (a new version of each changed
        table).

        Raises
        ------
        StoreError
            The database cannot be reached or is not migrated (the message says what to do).
        """
        store = Store(url, **store_options)
        published = cls(store)
        if publish_demo_if_empty:
            # an empty store serves the demo from its files until the demo is published (in the background)
            published._fallback = store.is_empty()
            if published._fallback:
                published.files_demo()  # read once before serving (as without a store), then published from it
            published.publishing = threading.Thread(
                target=_prepare, args=(store, published), name="atlas-demo", daemon=True
            )
            published.publishing.start()
        if warm:
            threading.Thread(target=published._warm, name="atlas-store-warm", daemon=True).start()
        return published

    def files_demo(self) -> Dataset:
        """The demo read from its files, once (served, and published, while the store is empty)."""
        with self._files_lock:
            if self._files_demo is None:
                from loaders import load_demo

                self._files_demo = load_demo()
            return self._files_demo

    def _warm(self) -> None:
        try:
            self.dataset()
        except Exception:  # the request that needs it reports the failure
            LOG.exception("reading the published dataset failed")

    # -- what changed ---------------------------------------------------------
    def revision(self) -> int:
        """The store's revision, asked once per request (kept in ``flask.g``); the last known one if it is lost."""
        try:
            import flask

            if flask.has_request_context():
                if "atlas_store_revision" not in flask.g:
                    flask.g.atlas_store_revision = self._ask()
                return flask.g.atlas_store_revision
        except ImportError:  # pragma: no cover - flask is a dependency of the app
            pass
        return self._ask()

    def _ask(self) -> int:
        try:
            self._revision = self.store.revision()
            self.problem = None
        except StoreError as exc:
            if self.problem is None:
                LOG.error("%s; showing the data last read from it", exc)
            self.problem = str(exc)
        return self._revision

    def key(self, period: str | None = None) -> str:
        """The dataset key of the current revision (``pub<revision>``), of a period ``pub<revision>@<period>``."""
        return f"{_KEY_PREFIX}{self.revision()}" + (f"@{period}" if period else "")

    @staticmethod
    def is_key(key: str) -> bool:
        head, _, period = key.partition("@")
        return head.startswith(_KEY_PREFIX) and head[len(_KEY_PREFIX) :].isdigit() and ("/" not in period)

    @staticmethod
    def period_of_key(key: str) -> str | None:
        """The period a dataset key names (None: the latest)."""
        return key.partition("@")[2] or None

    def periods(self) -> list[str]:
        """The published periods (those of the quarterly staffing tables), oldest first; kept per revision."""
        revision = self.revision()
        known = self._periods
        if known is not None and known[0] == revision:
            return known[1]
        try:
            periods = self.store.periods()
        except (StoreError, SQLAlchemyError) as exc:
            self.problem = str(exc)
            return known[1] if known is not None else []
        self._periods = (revision, periods)
        return periods

    def resolve(self, period: str | None) -> str | None:
        """``period`` if it is a published period other than the latest one, else None (the latest data)."""
        periods = self.periods()
        if not period or period not in periods or period == periods[-1]:
            return None
        return period

    def record_assumptions(self, assumptions, defaults) -> None:
        """Note in the audit log that a user changed the planning assumptions of their session (what changed)."""
        from dataclasses import asdict, is_dataclass

        def flat(value):
            return asdict(value) if is_dataclass(value) else dict(value or {})

        try:
            import flask

            from layouts.auth import current_user

            user = current_user() if flask.has_request_context() else None
            new, old = flat(assumptions), flat(defaults)
            changed = {k: new[k] for k in new if new.get(k) != old.get(k)}
            self.store.record(user.name if user else "anonymous", "assumptions", "session assumptions", changed)
        except (StoreError, SQLAlchemyError, TypeError, ValueError) as exc:
            LOG.warning("could not record the assumption change: %s", exc)

    # -- the dataset -----------------------------------------------------------
    def dataset(self, period: str | None = None) -> Dataset:
        """The latest published dataset (read again only when the revision changed), or as it stood at ``period``.

        A period's dataset (:meth:`store.Store.dataset` of that period) is
        kept per revision, in memory and as a file like the latest one.

        If the database is lost while a period is read, :attr:`problem` says
        so and the latest dataset last read is returned.

        Raises
        ------
        LookupError
            Nothing is published for ``period``.
        """
        if period:
            revision = self.revision()
            try:
                return self._by_period.get((revision, period), lambda: self._read(revision, period))
            except (StoreError, SQLAlchemyError) as exc:  # lost while serving: pages say so, show the last data
                latest = self.dataset()
                self.problem = str(exc)
                LOG.error("reading %s from the store failed (%s); showing the latest data", period, exc)
                return latest
        revision = self.revision()
        loaded = self._loaded
        if loaded is not None and loaded[0] == revision:
            return loaded[1]
        with self._lock:
            if self._loaded is not None and self._loaded[0] == revision:
                return self._loaded[1]
            try:
                dataset = self._read(revision)
            except StoreError as exc:
                self.problem = str(exc)
                if self._loaded is None:
                    raise
                return self._loaded[1]
            self._loaded = (revision, dataset)
            return dataset

    def _read(self, revision: int, period: str | None = None) -> Dataset:
        if revision == 0 and self._fallback:
            LOG.warning("serving the demo from its files while it is being published into the store")
            return self.files_demo()
        at = f"@{period}" if period else ""
        path = _cache_folder() / f"{self._url_key}-{self.store.fingerprint()}-{code_key()}{at}.pickle"
        if self._cache and path.exists():
            try:
                with path.open("rb") as handle:
                    dataset = pickle.load(handle)
                if isinstance(dataset, Dataset):
                    return dataset
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
                LOG.warning("cached dataset %s unreadable (%s); reading the store", path, exc)
        dataset = self.store.dataset(period)
        if self._cache:
            self._write(path, dataset)
        return dataset

    @staticmethod
    def _write(path: Path, dataset: Dataset) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(dataset, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:
            LOG.warning("could not keep the dataset in %s: %s", path, exc)
