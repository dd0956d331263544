"""Read a scenario file (TOML) into :class:`metrics.Scenario`."""

from __future__ import annotations

from pathlib import Path

from metrics.assumptions import Assumptions, assumptions_from_dict
from metrics.scenarios import IdpChange, PositionChange, Scenario

from .errors import read_toml

__all__ = ["read_scenario"]

_SCENARIO_KEYS = {"name", "assumptions", "idp_changes", "position_changes"}


def _merge(base: dict, changes: dict) -> dict:
    out = dict(base)
    for key, value in changes.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def read_scenario(path: Path, assumptions: Assumptions) -> Scenario:
    """A scenario (TOML) as a ``metrics.Scenario`` on top of ``assumptions``.

    The file may hold ``name``; an ``[assumptions]`` table with the keys of
    the assumptions file to change (e.g. ``[assumptions.norm] idp_weight =
    0.5``); ``[[idp_changes]]`` with ``area`` (oblast code or ``"UA"``),
    ``percent`` and/or ``absolute``; ``[[position_changes]]`` with ``code``,
    ``role``, ``filled`` and optional ``approved``. Every problem is reported
    with the key that has it.
    """
    path = Path(path)
    where = f"scenario file {path.name}"
    spec = read_toml(path, "scenario file", where)
    unknown = sorted(set(spec) - _SCENARIO_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (expected {', '.join(sorted(_SCENARIO_KEYS))})")
    changes = spec.get("assumptions", {})
    if not isinstance(changes, dict):
        raise ValueError(f"{where}: 'assumptions' must be a table of the assumptions file's keys, got {changes!r}")
    if changes:
        assumptions = assumptions_from_dict(_merge(assumptions.to_dict(), changes), where=f"{where} [assumptions]")
    built = {}
    for key, make, fields in (
        ("idp_changes", IdpChange, ("area", "percent", "absolute")),
        ("position_changes", PositionChange, ("code", "role", "filled", "approved")),
    ):
        items = spec.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError(f"{where}: '{key}' must be an array of tables ([[{key}]]), got {items!r}")
        built[key] = []
        for i, item in enumerate(items, start=1):
            extra = sorted(set(item) - set(fields))
            if extra:
                raise ValueError(
                    f"{where}: {key}[{i}]: unknown key(s) {', '.join(extra)} (expected {', '.join(fields)})"
                )
            try:
                built[key].append(make(**item))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{where}: {key}[{i}]: {exc}") from None
    return Scenario(
        name=str(spec.get("name") or path.stem),
        assumptions=assumptions,
        idp_changes=tuple(built["idp_changes"]),
        position_changes=tuple(built["position_changes"]),
    )
