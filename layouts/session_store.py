"""Where sessions' state is kept: a private folder of files, or Redis. No pickle anywhere.

Values are bytes written by :mod:`layouts.state` (JSON, or a zip of JSON and
Parquet for a dataset); nothing read back can run code. Two stores with one
interface:

* :class:`FileStore`: one file per key in a folder that only this user can
  enter (0700; a folder owned by someone else, a symlink or one others can
  write to is refused). Writes are atomic (a private temporary file renamed
  into place). A key's age is its file's modification time; reading a key
  refreshes it; keys idle for longer than their time-to-live are deleted by a
  sweep that runs at most once a minute.
* :class:`RedisStore`: ``SET key value EX ttl``; reading refreshes the ttl.
  Redis must be configured with a ``maxmemory`` and ``maxmemory-policy
  noeviction`` (see README), so that a full Redis refuses writes instead of
  evicting someone's upload.

Both count bytes in two budgets: ``datasets`` (uploads) and ``small`` (per
session settings), each with its own total cap, so that anonymous traffic
(which writes only small values) can never make room by deleting uploads:
nothing that has not expired is ever deleted to make room. A write past a
cap, or one the disk or Redis refuses, raises :class:`StorageError`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["FileStore", "RedisStore", "StorageError", "private_folder"]

LOG = logging.getLogger("atlas.state")


class StorageError(RuntimeError):
    """State could not be kept: the store is full, unwritable or unreachable."""


def private_folder(path: Path) -> Path:
    """``path`` as a folder only this user may enter: created 0700, refused when not safe.

    Raises
    ------
    StorageError
        When ``path`` is a symlink or not a folder, belongs to another user,
        or others may write to it and it cannot be made private.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        info = os.lstat(path)
    except OSError as exc:
        raise StorageError(f"cannot create the private folder {path}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{path} is a symlink or not a folder; refusing to keep sessions there")
    if info.st_uid != os.getuid():
        raise StorageError(f"{path} belongs to another user (uid {info.st_uid}); refusing to keep sessions there")
    if info.st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


class _Budget:
    def __init__(self, caps: dict[str, int]):
        self.caps = caps

    def check(self, used: int, space: str, size: int) -> None:
        cap = self.caps[space]
        if used + size > cap:
            raise StorageError(f"the server's storage for {space} is full ({cap / 2**20:.0f} MB)")


class FileStore:
    """Keys as files in a private folder (see the module docstring)."""

    def __init__(self, folder: Path, caps: dict[str, int], sweep_every: float = 60.0):
        self.folder = private_folder(folder)
        for space in caps:
            private_folder(self.folder / space)
        self._budget = _Budget(caps)
        self._sweep_every = sweep_every
        self._last_sweep = 0.0
        self._lock = threading.Lock()

    def _path(self, space: str, key: str) -> Path:
        return self.folder / space / hashlib.sha256(key.encode()).hexdigest()

    def get(self, space: str, key: str, ttl: float) -> bytes | None:
        path = self._path(space, key)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise StorageError(f"cannot read session state: {exc.strerror}") from None
        with os.fdopen(fd, "rb") as handle:
            if time.time() - os.fstat(fd).st_mtime > ttl:
                return None
            content = handle.read()
        try:
            os.utime(path)
        except OSError:
            pass
        return content

    def touch(self, space: str, key: str, ttl: float) -> bool:
        """True when ``key`` exists and has not expired; its idle time starts again."""
        path = self._path(space, key)
        try:
            if time.time() - os.lstat(path).st_mtime > ttl:
                return False
            os.utime(path)
            return True
        except OSError:
            return False

    def used(self, space: str) -> int:
        total = 0
        try:
            entries = os.scandir(self.folder / space)
        except OSError as exc:
            raise StorageError(f"the session folder is not usable: {exc.strerror or exc}") from None
        with entries:
            for entry in entries:
                try:
                    info = entry.stat(follow_symlinks=False)
                    total += max(info.st_size, info.st_blocks * 512)  # a small file takes a block
                except OSError:
                    continue
        return total

    def set(self, space: str, key: str, value: bytes, ttl: float) -> None:
        try:
            self.sweep(ttl)
        except OSError:
            pass  # the write below reports what is wrong
        path = self._path(space, key)
        try:
            old = os.lstat(path).st_size
        except OSError:
            old = 0
        try:
            self._budget.check(self.used(space) - old, space, len(value))
            fd, temporary = tempfile.mkstemp(dir=self.folder / space, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(value)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(f"cannot keep session state: {exc.strerror or exc}") from None

    def delete(self, space: str, key: str) -> None:
        try:
            self._path(space, key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete session state: {exc.strerror or exc}") from None

    def sweep(self, ttl: float, force: bool = False) -> int:
        """Delete keys idle for longer than ``ttl`` (at most once per ``sweep_every`` s unless ``force``)."""
        now = time.time()
        with self._lock:
            if not force and now - self._last_sweep < self._sweep_every:
                return 0
            self._last_sweep = now
        removed = 0
        for space in self._budget.caps:
            with os.scandir(self.folder / space) as entries:
                for entry in entries:
                    try:
                        age = now - entry.stat(follow_symlinks=False).st_mtime
                        # temporary files of a worker killed mid-write go after an hour
                        if age > ttl or (entry.name.startswith(".tmp-") and age > 3600):
                            os.unlink(entry.path)
                            removed += 1
                    except OSError:
                        continue
        return removed

    def check(self) -> None:
        """Write, read and delete a probe key; :class:`StorageError` when any of it fails."""
        probe = f"probe-{os.getpid()}-{threading.get_ident()}"
        space = next(iter(self._budget.caps))
        try:
            path = self._path(space, probe)
            path.write_bytes(b"ok")
            ok = path.read_bytes() == b"ok"
            path.unlink()
        except OSError as exc:
            raise StorageError(f"the session folder is not writable: {exc.strerror or exc}") from None
        if not ok:
            raise StorageError("the session folder does not keep what is written")


class RedisStore:
    """Keys in Redis with a time-to-live refreshed on reading (see the module docstring)."""

    def __init__(self, url: str, caps: dict[str, int], prefix: str = "atlas:"):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._errors = (redis.RedisError, OSError)
        self._budget = _Budget(caps)
        self._prefix = prefix
        self._warn_about_config()

    def _warn_about_config(self) -> None:
        """Log when Redis would grow without bound or evict keys (uploads) to make room."""
        try:
            config = self._redis.config_get("maxmemory*")
        except self._errors:
            return  # CONFIG may be disabled or Redis not up yet; /healthz tells
        if str(config.get("maxmemory", "0")) == "0":
            LOG.warning("Redis has no maxmemory: session state may grow without bound")
        if config.get("maxmemory-policy", "noeviction") != "noeviction":
            LOG.warning(
                "Redis maxmemory-policy is %s: uploads may be evicted; use noeviction", config["maxmemory-policy"]
            )

    def _key(self, space: str, key: str) -> str:
        return f"{self._prefix}{space}:{key}"

    def get(self, space: str, key: str, ttl: float) -> bytes | None:
        try:
            value = self._redis.getex(self._key(space, key), ex=int(ttl))
        except self._errors as exc:
            raise StorageError(f"session storage (Redis) is unreachable: {exc}") from None
        return value

    def touch(self, space: str, key: str, ttl: float) -> bool:
        try:
            return bool(self._redis.expire(self._key(space, key), int(ttl)))
        except self._errors as exc:
            raise StorageError(f"session storage (Redis) is unreachable: {exc}") from None

    def used(self, space: str) -> int:
        try:
            return self._live_bytes(space)
        except self._errors as exc:
            raise StorageError(f"session storage (Redis) is unreachable: {exc}") from None

    def set(self, space: str, key: str, value: bytes, ttl: float) -> None:
        name = self._key(space, key)
        try:
            old = self._redis.strlen(name)
            self._budget.check(self._live_bytes(space) - old, space, len(value))
            pipe = self._redis.pipeline()
            pipe.set(name, value, ex=int(ttl))
            pipe.zadd(f"{self._prefix}sizes:{space}", {name: len(value)})
            pipe.expire(f"{self._prefix}sizes:{space}", int(ttl) + 3600)
            pipe.execute()
        except self._errors as exc:
            raise StorageError(f"cannot keep session state in Redis: {exc}") from None

    def _live_bytes(self, space: str) -> int:
        """Bytes of the keys of ``space`` that still exist (expired ones leave the size index here)."""
        index = f"{self._prefix}sizes:{space}"
        total = 0
        names = self._redis.zrange(index, 0, -1, withscores=True)
        if not names:
            return 0
        pipe = self._redis.pipeline()  # one round trip for every key
        for name, _ in names:
            pipe.exists(name)
        gone = []
        for (name, size), exists in zip(names, pipe.execute()):
            if exists:
                total += int(size)
            else:
                gone.append(name)
        if gone:
            self._redis.zrem(index, *gone)
        return total

    def delete(self, space: str, key: str) -> None:
        try:
            self._redis.delete(self._key(space, key))
            self._redis.zrem(f"{self._prefix}sizes:{space}", self._key(space, key))
        except self._errors as exc:
            raise StorageError(f"cannot delete session state in Redis: {exc}") from None

    def sweep(self, ttl: float, force: bool = False) -> int:
        return 0  # Redis expires keys itself

    def check(self) -> None:
        try:
            self._redis.ping()
        except self._errors as exc:
            raise StorageError(f"session storage (Redis) is unreachable: {exc}") from None
