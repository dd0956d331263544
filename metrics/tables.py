"""The one producer: a hromada table and the planning assumptions -> every computed table.

The map, the profile, the scenarios and funding pages, the workbook, the
CSV, the command line and the briefs all read from an :class:`AtlasTables`;
none of them recomputes a measure. Measures are composed by passing the
computed tables on (as pysal ``access`` builds ``fca_ratio`` from
``weighted_catchment``'s output): the per-hromada base is computed once and
aggregated to every level, flags come from the same base, and the priority
ranking of a level from that level's measures.

Caching: :func:`compute_tables` is pure; :class:`TableCache` keeps the most
recent results per caller-provided key (dataset version, assumptions,
scenario, period), thread-safe, so that every output of one request and
every request of one session share one computation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import pandas as pd

from core.schema import LEVELS, UNIT_LEVELS

from .assumptions import Assumptions
from .planning import aggregate_planning, flags_from_base, hromada_planning_base
from .priority import rank_by_priority

__all__ = ["AtlasTables", "TableCache", "compute_tables"]


@dataclass(frozen=True, eq=False)
class AtlasTables:
    """Every computed table of one hromada table under one set of assumptions.

    Attributes
    ----------
    assumptions
        The assumptions the tables were computed with.
    base
        Per hromada, the counts every measure is built from
        (:func:`~metrics.planning.hromada_planning_base`).
    measures
        Level (``country``, ``oblast``, ``raion``, ``hromada``) -> the
        planning measures of every unit of that level
        (:func:`~metrics.planning.aggregate_planning`, from ``base``).
    flags
        Per hromada, the flags (:func:`~metrics.planning.flags_from_base`).
    """

    assumptions: Assumptions
    base: pd.DataFrame
    measures: dict[str, pd.DataFrame]
    flags: pd.DataFrame
    _rankings: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def level(self, level: str) -> pd.DataFrame:
        """The measures of ``level`` (never change the returned frame: it is shared)."""
        if level not in self.measures:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
        return self.measures[level]

    @property
    def country(self) -> pd.Series:
        """The national row of the measures."""
        return self.measures["country"].iloc[0]

    def priority(self, level: str = "hromada") -> pd.DataFrame:
        """The priority ranking of ``level``, from that level's measures (computed on first use)."""
        if level not in UNIT_LEVELS:
            raise ValueError(f"level must be one of {', '.join(UNIT_LEVELS)}, got {level!r}")
        with self._lock:
            if level not in self._rankings:
                self._rankings[level] = rank_by_priority(self.measures[level], self.assumptions, level)
            return self._rankings[level]


def compute_tables(hromadas: pd.DataFrame, units: pd.DataFrame, assumptions: Assumptions) -> AtlasTables:
    """Every computed table of ``hromadas`` (a ``Dataset.hromadas``) under ``assumptions``.

    Parameters
    ----------
    hromadas
        One row per hromada-level unit (the columns of ``core.schema.HROMADA_SCHEMA``).
    units
        The admin-unit table (``code``, ``level``, ``oblast_code``, ``raion_code``).
    assumptions
        The planning assumptions.

    Notes
    -----
    The formulas are those of :func:`metrics.planning.planning_measures`:
    every count at a level is the sum of its member hromadas' known counts,
    every ratio is recomputed from sums over the members where numerator
    and denominator are both known, never averaged.
    """
    if not isinstance(assumptions, Assumptions):
        raise TypeError(f"assumptions must be metrics.Assumptions, got {type(assumptions).__name__}")
    base = hromada_planning_base(hromadas, assumptions)
    measures = {level: aggregate_planning(base, units, level, assumptions) for level in LEVELS}
    return AtlasTables(assumptions=assumptions, base=base, measures=measures, flags=flags_from_base(base))


class TableCache:
    """The most recent computed values per key, shared by threads (a lock guards every access).

    ``get(key, make)`` returns the value cached under ``key`` or calls
    ``make()`` and keeps its result; past ``size`` entries the least
    recently used is dropped. A thread asking for a key another thread is
    making waits for that result instead of making it again (at 30,000
    units the server's start-up work and its first visitor each spent
    seconds on the same tables); if making it fails, each waiting thread
    makes it on its own. ``make`` runs outside the lock, so one slow
    computation never blocks the other keys.
    """

    def __init__(self, size: int = 8) -> None:
        if size < 1:
            raise ValueError(f"size must be >= 1, got {size}")
        self._size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._making: dict[Hashable, tuple[threading.Event, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], object]):
        me = threading.get_ident()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            making = self._making.get(key)
            if making is None:
                self._making[key] = (threading.Event(), me)
        if making is not None and making[1] != me:  # another thread makes it: wait for its result
            making[0].wait()
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
        owner = making is None
        try:
            value = make()
        except BaseException:
            if owner:
                with self._lock:
                    self._making.pop(key)[0].set()
            raise
        with self._lock:
            value = self._items.setdefault(key, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
            done = self._making.pop(key)[0] if owner else None
        if done is not None:
            done.set()
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
