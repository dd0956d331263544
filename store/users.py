"""Users and roles kept in the store, and the authenticator that lets them sign in.

Roles (:data:`core.schema.USER_ROLES`, least to most allowed): ``viewer`` reads;
``analyst`` also uploads, publishes and retracts; ``admin`` also manages
users and settings. Passwords are hashed with ``werkzeug.security``
(scrypt, salted); the store never holds a password. Every change is in the
audit log.

:class:`StoreUsers` is an authenticator for :func:`layouts.auth.install`
(HTTP basic authentication against this table): the app asks it on every
request, so adding it to the chain is all it takes. A verified password is
remembered for a minute (as a salted digest, in memory) so that the many
requests of one page do not each pay for the slow hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from core.schema import USER_ROLES

from .models import users
from .store import Store

__all__ = ["ROLES", "StoreUsers", "add_user", "has_users", "list_users", "remove_user", "set_password", "set_role"]

ROLES = USER_ROLES
_MIN_PASSWORD = 10
_REMEMBER_SECONDS = 60


def _check(username: str, role: str | None = None, password: str | None = None) -> None:
    if not username or len(username) > 120 or any(c in username for c in ":\n\r\t"):
        raise ValueError(f"user name {username!r} must be 1 to 120 characters without ':' or line breaks")
    if role is not None and role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if password is not None and len(password) < _MIN_PASSWORD:
        raise ValueError(f"the password must have at least {_MIN_PASSWORD} characters")


def has_users(store: Store) -> bool:
    with store.engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(users).where(users.c.active)).scalar())


def list_users(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).all()
    return [
        {"username": r.username, "role": r.role, "active": bool(r.active), "created_at": r.created_at} for r in rows
    ]


def add_user(store: Store, username: str, password: str, role: str, by: str) -> None:
    """Add a user (``ValueError`` if the name is taken or the role or password is not acceptable)."""
    _check(username, role, password)
    with store._writer.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise ValueError(f"user {username!r} exists already")
        conn.execute(
            insert(users),
            {
                "username": username,
                "password_hash": generate_password_hash(password),
                "role": role,
                "active": True,
                "created_at": datetime.now(UTC),
            },
        )
        store._audit(conn, by, "user_add", username, {"role": role})


def _change(store: Store, username: str, by: str, action: str, values: dict, detail: dict) -> None:
    with store._writer.begin() as conn:
        done = conn.execute(update(users).where(users.c.username == username).values(**values)).rowcount
        if not done:
            raise LookupError(f"no user {username!r}")
        store._audit(conn, by, action, username, detail)


def set_role(store: Store, username: str, role: str, by: str) -> None:
    _check(username, role)
    _change(store, username, by, "user_role", {"role": role}, {"role": role})


def set_password(store: Store, username: str, password: str, by: str) -> None:
    _check(username, password=password)
    _change(store, username, by, "user_password", {"password_hash": generate_password_hash(password)}, {})


def remove_user(store: Store, username: str, by: str) -> None:
    """Deactivate a user (kept for the audit log; they can no longer sign in)."""
    _change(store, username, by, "user_remove", {"active": False}, {})


class StoreUsers:
    """HTTP basic authentication against the store's users (an authenticator of :mod:`layouts.auth`)."""

    def __init__(self, store: Store):
        self.store = store
        self._salt = secrets.token_bytes(16)
        self._remembered: dict[str, tuple[bytes, str, float]] = {}
        self._lock = threading.Lock()

    def verify(self, username: str, password: str) -> str | None:
        """The user's role if the password is right and the user active, else None."""
        digest = hashlib.sha256(self._salt + password.encode("utf-8")).digest()
        now = time.monotonic()
        with self._lock:
            hit = self._remembered.get(username)
        if hit and hit[2] > now and secrets.compare_digest(hit[0], digest):
            return hit[1]
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(users.c.password_hash, users.c.role).where(users.c.username == username, users.c.active)
            ).first()
        if row is None or not check_password_hash(row.password_hash, password):
            return None
        with self._lock:
            self._remembered[username] = (digest, row.role, now + _REMEMBER_SECONDS)
        return row.role

    def __call__(self, request):
        from layouts.auth import User

        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or not token or len(token) > 4096:
            return None
        try:
            name, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return None
        if not sep:
            return None
        role = self.verify(name, password)
        return User(name, role) if role else None
