"""Social service workforce atlas of Ukraine: command line and Dash server.

python app.py                 serve the embedded demo on http://127.0.0.1:8050
python app.py serve --port N  same, with options
python app.py build-demo      rebuild data/demo from installable packages
python app.py validate ...    check input files (see README)
python app.py export --out FILE.xlsx   gap tables to Excel (or one table to .csv)
python app.py allocate --budget UAH    fund whole positions within a budget (exact and greedy)
python app.py publish --data MANIFEST [--period 2025-Q2]   validate and publish into the store
python app.py datasets                 what is published; python app.py retract ID; python app.py migrate
python app.py brief --unit CODE|UA --out FILE.pdf   one-page PDF brief (also --plan, --all-oblasts)

In production: ``gunicorn app:server`` (see README, "Deployment"). Importing
this module reads no file; the server is built on first access to
``app.server``. Settings come from environment variables:

``ATLAS_DATA``            dataset manifest to serve from its files (default: the store's latest publications)
``ATLAS_DATABASE_URL``    the store (default: the SQLite file instance/atlas.sqlite3; the demo is published
                          into an empty one); ``postgresql+psycopg://user:password@host/db`` when shared
``ATLAS_ASSUMPTIONS``     planning assumptions file (default: data/assumptions.toml)
``ATLAS_UPLOAD_LIMIT_MB`` largest upload accepted, MB (default 20)
``ATLAS_CACHE_DIR``       where sessions' uploads and settings are kept (default: a temp folder)
``ATLAS_REDIS_URL``       keep them in Redis instead (several machines); background jobs then run on Celery workers
``ATLAS_SECRET_KEY``      key that signs session cookies (default: generated once into the cache folder)
``ATLAS_BASIC_AUTH_USER`` / ``ATLAS_BASIC_AUTH_PASSWORD``  require HTTP basic authentication
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from cli import COMMANDS

__all__ = ["main", "make_app"]

_SERVER = None


def make_app(manifest: Path | None = None, assumptions: Path | None = None):
    """The Dash app over a dataset manifest (``manifest`` or ``ATLAS_DATA``), else over the store.

    Without a manifest the app serves the store's latest publications
    (``ATLAS_DATABASE_URL``, default the app's SQLite file); an empty store
    gets the embedded demo published into it first.

    Raises
    ------
    store.StoreError
        The database cannot be reached or is not migrated.
    """
    from layouts import create_app
    from layouts.auth import BasicAuth
    from loaders import load_dataset, read_assumptions

    manifest = manifest or os.environ.get("ATLAS_DATA")
    assumptions = assumptions or os.environ.get("ATLAS_ASSUMPTIONS") or None
    dataset = published = None
    if manifest:
        dataset = load_dataset(Path(manifest))
    else:
        from store.serving import PublishedData

        published = PublishedData.open()
    authenticators = []
    user, password = os.environ.get("ATLAS_BASIC_AUTH_USER"), os.environ.get("ATLAS_BASIC_AUTH_PASSWORD")
    if user and password:
        authenticators.append(BasicAuth({user: password}))
    if published is not None:
        from store.users import StoreUsers, has_users

        if has_users(published.store):  # users and roles of the store (python app.py users add ...)
            authenticators.append(StoreUsers(published.store))
    return create_app(
        dataset,
        read_assumptions(Path(assumptions) if assumptions else None),
        authenticators=authenticators,
        published=published,
    )


def __getattr__(name: str):
    """``app.server``: the Flask server for gunicorn, built on first access.

    ``app.celery_app``: the Celery application of the background jobs
    (``celery -A app:celery_app worker``; needs ``ATLAS_REDIS_URL``).
    """
    global _SERVER
    if name in ("server", "celery_app"):
        if _SERVER is None:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
            _SERVER = make_app().server
        if name == "server":
            return _SERVER
        manager = _SERVER.extensions["atlas_jobs"]
        if not hasattr(manager, "handle") or not hasattr(manager.handle, "conf"):
            raise AttributeError("app.celery_app: background jobs run on Celery only when ATLAS_REDIS_URL is set")
        return manager.handle
    raise AttributeError(f"module 'app' has no attribute {name!r}")


def _serve(args: argparse.Namespace) -> int:
    from store import StoreError

    try:
        app = make_app(args.data, args.assumptions)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    print(f"Serving the atlas on http://{args.host}:{args.port} (Ctrl+C to stop)", flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def _build_demo(args: argparse.Namespace) -> int:
    from data.build_demo import main as build_main

    return build_main(["--out", str(args.out)] if args.out else [])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py",
        description="Social service workforce atlas of Ukraine. Without a command: serve the demo.",
    )
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the dashboard (the default command)")
    build = commands.add_parser("build-demo", help="rebuild the embedded demo atlas in data/demo")
    build.add_argument("--out", type=Path, default=None, help="output folder (default: data/demo)")
    for command in COMMANDS:
        command.add_parser(commands)
    for p in (parser, serve):
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        p.add_argument("--port", type=int, default=8050, help="port (default 8050)")
        p.add_argument("--data", type=Path, default=None, help="dataset manifest (TOML); default: the demo")
        p.add_argument(
            "--assumptions", type=Path, default=None, help="planning assumptions (TOML); default: data/assumptions.toml"
        )
        p.add_argument("--debug", action="store_true", help="Dash debug mode (development only)")
    serve.set_defaults(func=_serve)
    build.set_defaults(func=_build_demo)
    parser.set_defaults(func=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
