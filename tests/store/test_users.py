"""Users and roles in the store: hashed passwords, roles, removal, audit; the users command."""

from __future__ import annotations

import io

import pytest

import app
from layouts.auth import ROLES as AUTH_ROLES
from store import Store
from store.models import users as users_table
from store.users import ROLES, StoreUsers, add_user, list_users, remove_user, set_role


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'u.sqlite3'}", auto_migrate=True)
    yield s
    s.close()


def test_roles_are_those_of_the_app():
    assert ROLES == AUTH_ROLES


def test_passwords_are_hashed_and_checked(store):
    add_user(store, "olena", "correct horse", "analyst", by="admin")
    with store.engine.connect() as conn:
        stored = conn.execute(users_table.select()).one().password_hash
    assert "correct horse" not in stored and stored.startswith("scrypt:")
    auth = StoreUsers(store)
    assert auth.verify("olena", "correct horse") == "analyst"
    assert auth.verify("olena", "wrong horse!") is None
    assert auth.verify("nobody", "correct horse") is None


def test_roles_change_and_removed_users_cannot_sign_in(store):
    add_user(store, "taras", "long enough pw", "viewer", by="admin")
    set_role(store, "taras", "admin", by="admin")
    assert StoreUsers(store).verify("taras", "long enough pw") == "admin"
    remove_user(store, "taras", by="admin")
    assert StoreUsers(store).verify("taras", "long enough pw") is None
    assert [u["active"] for u in list_users(store)] == [False]
    assert list(store.audit_entries()["action"]) == ["user_remove", "user_role", "user_add"]


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("a:b", "long enough pw", "viewer", "without ':'"),
        ("olena", "short", "viewer", "at least 10 characters"),
        ("olena", "long enough pw", "owner", "role must be one of viewer, analyst, admin"),
    ],
)
def test_bad_users_are_refused(store, name, password, role, message):
    with pytest.raises(ValueError, match=message):
        add_user(store, name, password, role, by="admin")


def test_users_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert app.main(["migrate"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert app.main(["users", "--by", "root", "add", "olena", "--role", "analyst"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert app.main(["users", "add", "olena", "--role", "viewer"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert app.main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "olena" in out and "analyst" in out
