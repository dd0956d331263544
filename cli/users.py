"""The ``users`` command: who may sign in to the atlas, and with which role.

    python app.py users list
    python app.py users add NAME --role viewer|analyst|admin    # the password is asked for (or read from stdin)
    python app.py users role NAME ROLE
    python app.py users password NAME
    python app.py users remove NAME

Users live in the store (``ATLAS_DATABASE_URL``); once there is one, the
app asks every request for a user name and password (HTTP basic
authentication) and gives each user their role: viewers read, analysts
also upload, publish and retract, admins also manage users. Passwords are
hashed (werkzeug.security, scrypt). Every change is in the audit log.
Exit status 0, 1 on a refused change, 3 when the database cannot be used.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from core.schema import USER_ROLES

from ._store import run_on_store

__all__ = ["add_parser", "run_users"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "users",
        help="list, add, change or remove the users who may sign in (viewer, analyst, admin)",
        description="Manage the atlas's users and their roles (kept in the store).",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every user, role and whether active")
    add = actions.add_parser("add", help="add a user (the password is asked for, or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=USER_ROLES, required=True)
    role = actions.add_parser("role", help="change a user's role")
    role.add_argument("name")
    role.add_argument("role", choices=USER_ROLES)
    password = actions.add_parser("password", help="set a new password")
    password.add_argument("name")
    remove = actions.add_parser("remove", help="deactivate a user (kept in the audit log)")
    remove.add_argument("name")
    parser.add_argument("--by", default=None, help="who makes the change (default: the login name)")
    parser.set_defaults(func=run_users)
    return parser


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def run_users(args: argparse.Namespace) -> int:
    from store import users as accounts

    by = args.by or getpass.getuser()

    def change(store) -> int:
        if args.action == "list":
            rows = accounts.list_users(store)
            if not rows:
                print("no users: the atlas is open, or guarded by ATLAS_BASIC_AUTH_USER alone")
            for row in rows:
                state = "" if row["active"] else "  (removed)"
                print(f"{row['username']:<24} {row['role']:<8} since {row['created_at']:%Y-%m-%d}{state}")
        elif args.action == "add":
            accounts.add_user(store, args.name, _password(), args.role, by)
            print(f"added {args.name} ({args.role})")
        elif args.action == "role":
            accounts.set_role(store, args.name, args.role, by)
            print(f"{args.name} is now {args.role}")
        elif args.action == "password":
            accounts.set_password(store, args.name, _password(), by)
            print(f"new password set for {args.name}")
        elif args.action == "remove":
            accounts.remove_user(store, args.name, by)
            print(f"removed {args.name}: they can no longer sign in")
        return 0

    return run_on_store(change, expected=(ValueError, LookupError))
