"""A module of this repository as it was at an older commit, loaded beside the current one (the "before" way)."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_at(commit: str, path: str, repository: Path = ROOT):
    """``path`` (e.g. ``loaders/dataset.py``) at ``commit``, as the module ``<package>._<stem>_before``.

    It belongs to the current package (its relative imports reach today's
    modules) and is registered in ``sys.modules`` (dataclasses look their
    module up). None without git or the commit (a copy of the files has none).
    """
    try:
        source = subprocess.run(
            ["git", "-C", str(repository), "show", f"{commit}:{path}"], capture_output=True, check=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    package_name, stem = path.removesuffix(".py").rsplit("/", 1)
    package = importlib.import_module(package_name.replace("/", "."))
    spec = importlib.util.spec_from_loader(f"{package.__name__}._{stem}_before", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = package.__name__
    module.__file__ = str(ROOT / path)
    sys.modules[spec.name] = module
    exec(compile(source, f"{commit[:7]}:{path}", "exec"), module.__dict__)
    return module
