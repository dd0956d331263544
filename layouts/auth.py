"""Who is the user of a request, and may they have it: one check the app owns, on every route.

:func:`install` adds a Flask ``before_request`` hook that runs before every
route of the server: pages, ``/_dash-layout``, ``/_dash-dependencies``,
``/_dash-update-component`` (every callback: workbook and map downloads,
the allocator, uploads), ``/assets``, ``/_dash-component-suites``,
``/geo`` and anything added later. Only the paths in ``public`` (by default
``/healthz``) are answered without a user. The decision depends on the
request's credentials alone, never on what a callback body says (a callback
whose ``pathname`` input is ``/healthz`` is not public).

The interface is small so that other ways of signing in can be added on
top of it:

* an *authenticator* is any callable ``request -> User | None``;
* :func:`install` takes a list of them and asks each in turn; the first
  :class:`User` it gets is this request's user, kept in ``flask.g``;
* :func:`current_user` (and :func:`current_role`) tell a callback who asks.

:class:`BasicAuth` is the authenticator of HTTP basic authentication
(``ATLAS_BASIC_AUTH_USER`` / ``ATLAS_BASIC_AUTH_PASSWORD``): one user, or
several with roles. Without any authenticator the atlas is open and every
request is the :data:`ANONYMOUS` user. A malformed ``Authorization`` header
is simply no credential: 401, never 500.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import flask

from core.schema import USER_ROLES

__all__ = [
    "ANONYMOUS",
    "ROLES",
    "Authenticator",
    "BasicAuth",
    "User",
    "current_role",
    "current_user",
    "install",
]

#: Roles, least to most allowed.
ROLES = USER_ROLES  # who may do what (core.schema.USER_ROLES)


@dataclass(frozen=True)
class User:
    """The user of a request: a name and a role (one of :data:`ROLES`)."""

    name: str
    role: str = "analyst"
    authenticated: bool = True

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {self.role!r}")

    def can(self, role: str) -> bool:
        """True when this user's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)


#: The user of every request when the atlas is open (no authenticator configured).
ANONYMOUS = User("anonymous", "analyst", authenticated=False)

Authenticator = Callable[[flask.Request], "User | None"]


class BasicAuth:
    """HTTP basic authentication against a fixed table of users.

    Parameters
    ----------
    users
        User name -> password, or user name -> ``(password, role)``.
    """

    def __init__(self, users: Mapping[str, str | tuple[str, str]]):
        table: dict[str, tuple[bytes, str]] = {}
        for name, value in users.items():
            password, role = (value, "analyst") if isinstance(value, str) else value
            User(name, role)  # checks the role
            table[name] = (password.encode("utf-8"), role)
        self._users = table

    def __call__(self, request: flask.Request) -> User | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or not token or len(token) > 4096:
            return None
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return None
        name, sep, password = decoded.partition(":")
        if not sep:
            return None
        expected = self._users.get(name)
        # compare in constant time, also for unknown names
        ok = hmac.compare_digest(password.encode("utf-8"), expected[0] if expected else b"\0" * 32)
        if not (ok and expected):
            return None
        return User(name, expected[1])


def _challenge() -> flask.Response:
    response = flask.Response("authentication required\n", status=401, mimetype="text/plain")
    response.headers["WWW-Authenticate"] = 'Basic realm="atlas", charset="UTF-8"'
    return response


def install(
    server: flask.Flask, authenticators: Iterable[Authenticator], public: Iterable[str] = ("/healthz",)
) -> None:
    """Check every request of ``server``: a user from ``authenticators``, or 401.

    With no authenticator the server is open and each request is :data:`ANONYMOUS`.
    Paths in ``public`` (exact paths, not patterns) need no user.
    """
    chain = list(authenticators)
    public_paths = frozenset(public)
    server.extensions["atlas_auth"] = chain

    @server.before_request
    def _authorise():
        if not chain:
            flask.g.atlas_user = ANONYMOUS
            return None
        for authenticate in chain:
            user = authenticate(flask.request)
            if user is not None:
                flask.g.atlas_user = user
                return None
        if flask.request.path in public_paths:
            flask.g.atlas_user = None
            return None
        return _challenge()


def current_user() -> User | None:
    """The user of the current request (``None`` on a public path without credentials)."""
    return flask.g.get("atlas_user")


def current_role() -> str | None:
    user = current_user()
    return user.role if user else None
