"""HiGHS (``scipy.optimize.milp``) within a wall-clock deadline that it cannot overrun.

HiGHS checks its ``time_limit`` only between some of its steps. On a large
model one step may not return for minutes: the lifted model of 30,000
units (156,228 columns, about 335,000 nonzeros), given 5.1 s for its MILP,
took 108 s and found nothing, so ``allocate`` with the Funding page's 20 s
limit answered after 122 s (upstream: ERGO-Code/HiGHS issues 885 and 1278).

:func:`milp_within` therefore solves a model of at least
:data:`CHILD_NONZEROS` nonzeros in a child process (:mod:`core.processes`)
and kills it at the deadline; the caller then has no solution from that
call (``x`` is None, status 1, "time limit") and goes on with what it has
(``allocate``: the greedy plan, said to have stopped early). HiGHS is still
given its own ``time_limit`` (shorter than the deadline), so it normally
stops itself and hands back its best solution; the kill is the backstop.
Smaller models are solved in this process: there HiGHS's own checks hold
(the demo's models take well under a second) and a child would only add
its start (about 20-50 ms).

The child gets the model through a pipe; its answer comes back as plain
data, a JSON header and the solution's float64 bytes: nothing is unpickled
from the child. If no child can be started (a platform without
``forkserver`` or ``spawn``, a process not allowed children), the model is
solved in this process under HiGHS's own limit, and this is logged once.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from core import processes

__all__ = ["CHILD_NONZEROS", "milp_within"]

LOG = logging.getLogger("atlas.solver")

#: models with at least this many constraint nonzeros are solved in a child process killed at the deadline
CHILD_NONZEROS = 20_000
_START_TIMEOUT = 120.0  # a cold fork server first imports its preloaded modules
_warned: set[str] = set()


def _plain(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _timed_out() -> OptimizeResult:
    return OptimizeResult(
        x=None, status=1, fun=None, mip_gap=None, mip_dual_bound=None, success=False, message="Time limit reached."
    )


def _solve_here(c, integrality, bounds: Bounds, constraints: Sequence[LinearConstraint], options) -> OptimizeResult:
    return milp(c, integrality=integrality, bounds=bounds, constraints=list(constraints), options=dict(options))


def _child(connection) -> None:
    """In the child: read the model from the pipe, solve it, send back a JSON header and the solution's bytes."""
    try:
        c, integrality, lower, upper, parts, options = connection.recv()
        constraints = [LinearConstraint(matrix, low, high) for matrix, low, high in parts]
        result = _solve_here(c, integrality, Bounds(lower, upper), constraints, options)
        x = None if result.x is None else np.ascontiguousarray(result.x, dtype="<f8")
        header = {
            "status": int(result.status),
            "message": str(result.message),
            "fun": _plain(result.fun),
            "mip_gap": _plain(getattr(result, "mip_gap", None)),
            "mip_dual_bound": _plain(getattr(result, "mip_dual_bound", None)),
            "success": bool(result.success),
            "length": None if x is None else len(x),
        }
        connection.send_bytes(json.dumps(header).encode("utf-8"))
        if x is not None:
            connection.send_bytes(x.tobytes())
    finally:
        connection.close()


def _send(connection, model) -> None:
    try:
        connection.send(model)
    except (OSError, ValueError):
        pass  # the child died or was killed: the reader says so


def _read_answer(connection, deadline: float, columns: int) -> OptimizeResult | None:
    """The child's answer, or None if it did not come by ``deadline`` (monotonic) or came malformed."""
    if not connection.poll(max(0.0, deadline - time.monotonic())):
        return None
    header = json.loads(connection.recv_bytes(1 << 16).decode("utf-8"))
    x = None
    if header.get("length") is not None:
        if int(header["length"]) != columns or not connection.poll(max(0.0, deadline - time.monotonic())):
            return None
        x = np.frombuffer(connection.recv_bytes(8 * columns + 64), dtype="<f8").copy()
        if len(x) != columns:
            return None
    return OptimizeResult(
        x=x,
        status=int(header["status"]),
        fun=header.get("fun"),
        mip_gap=header.get("mip_gap"),
        mip_dual_bound=header.get("mip_dual_bound"),
        success=bool(header.get("success")),
        message=str(header.get("message", "")),
    )


def milp_within(
    c: np.ndarray,
    *,
    integrality: np.ndarray,
    bounds: Bounds,
    constraints: Sequence[LinearConstraint],
    options: dict[str, Any],
    deadline: float,
    child_nonzeros: int | None = None,
    target=None,
) -> OptimizeResult:
    """``milp(c, ...)`` answered by ``deadline`` (a ``time.monotonic()`` instant), whatever HiGHS does.

    ``options`` go to HiGHS as given (its own ``time_limit`` should end
    before the deadline). A model of at least ``child_nonzeros`` (default
    :data:`CHILD_NONZEROS`) constraint nonzeros is solved in a child process
    that is killed at the deadline: the answer is then "time limit reached"
    with no solution. ``target`` replaces the child's work (tests only).
    """
    threshold = CHILD_NONZEROS if child_nonzeros is None else child_nonzeros
    nonzeros = sum(int(constraint.A.nnz) for constraint in constraints)
    if nonzeros < threshold:
        return _solve_here(c, integrality, bounds, constraints, options)
    parts = [(constraint.A, constraint.lb, constraint.ub) for constraint in constraints]
    model = (c, integrality, bounds.lb, bounds.ub, parts, options)
    try:
        ctx = processes.context()
        mine, theirs = ctx.Pipe(duplex=True)
        child = ctx.Process(target=target or _child, args=(theirs,), name="atlas-solve", daemon=True)
        child.start()
    except (OSError, AssertionError, ValueError, RuntimeError) as error:
        if "start" not in _warned:
            _warned.add("start")
            LOG.warning("no child process for the solver (%s): solving in this process under HiGHS's own limit", error)
        return _solve_here(c, integrality, bounds, constraints, options)
    theirs.close()
    # sent from a thread: the pipe holds 64 KB, so a send waits for the child to read, and a child that
    # never reads (or a cold fork server still importing its modules) must not hold this call past the deadline
    sender = threading.Thread(target=_send, args=(mine, model), name="atlas-solve-send", daemon=True)
    sender.start()
    try:
        answer = _read_answer(mine, deadline, len(c))
    except (EOFError, OSError, ValueError) as error:
        LOG.warning("solver child failed: %s", error)
        answer = None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        sender.join(5)  # the child gone, a send still waiting fails at once
        mine.close()
    if answer is None:
        LOG.info("solver child stopped at the deadline (%d columns, %d nonzeros)", len(c), nonzeros)
        return _timed_out()
    return answer
