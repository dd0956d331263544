"""The one place child processes of the atlas are started from: a ``forkserver``.

Uploaded files are read (:mod:`loaders.sandbox`) and large models are
solved (:mod:`metrics.solver`) in child processes that the parent can kill at
a deadline. They are forked from a *fork server*: a clean process started
once, with the modules those children need imported in it first
(:data:`PRELOAD`), not from the web worker with its threads, sessions and
solver thread pools (a fork of a process whose other threads hold locks,
or whose HiGHS workers are running, can hang). Where ``forkserver`` is not
available, ``spawn`` is used (slower to start, the same otherwise).

A process that is itself a fork of one that started the fork server (a
background job of the Funding page runs in such a process: Dash's
``DiskcacheManager`` forks the web worker) cannot use that server, which is
not its child (``ChildProcessError``); its children are started with
``spawn`` (measured: the solver's first child then starts in about 0.5-1 s,
importing NumPy and SciPy).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from typing import Any

__all__ = ["PRELOAD", "context"]

#: imported in the fork server before its first child: every child starts with them loaded
PRELOAD = ["loaders.sandbox", "loaders.validate", "metrics.solver"]

_CONTEXT: Any = None
_LOCK = threading.Lock()
_FORKED = False  # this process is a fork: its parent's fork server is not its child


def _after_fork() -> None:
    global _CONTEXT, _LOCK, _FORKED
    _CONTEXT, _LOCK, _FORKED = None, threading.Lock(), True


os.register_at_fork(after_in_child=_after_fork)


def context():
    """The multiprocessing context every child of the atlas is started with (made once per process)."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            available = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in available and not _FORKED else "spawn"
            made = multiprocessing.get_context(method)
            if method == "forkserver":
                made.set_forkserver_preload(PRELOAD)
            _CONTEXT = made
    return _CONTEXT
