"""The command-line commands of ``python app.py``: one module per command.

Each module has ``add_parser(subparsers)``, which adds its command to the
``add_subparsers()`` object of ``app.py``'s parser and sets the handler as
the parser's ``func``. File I/O and printing live here; the arithmetic in
``metrics``, the reading in ``loaders``.
"""

from . import allocate, brief, datasets, export, migrate, publish, retract, users, validate

__all__ = [
    "COMMANDS",
    "allocate",
    "brief",
    "datasets",
    "export",
    "migrate",
    "publish",
    "retract",
    "users",
    "validate",
]

#: Command modules in the order ``python app.py --help`` lists them.
COMMANDS = (validate, export, allocate, brief, publish, datasets, retract, users, migrate)
