"""Read the planning assumptions file (TOML) into metric parameters."""

from __future__ import annotations

import tomllib
from pathlib import Path

from metrics.coverage import StaffingNorm

__all__ = ["DEFAULT_ASSUMPTIONS", "read_assumptions"]

DEFAULT_ASSUMPTIONS = Path(__file__).resolve().parent.parent / "data" / "assumptions.toml"
_NORM_KEYS = {"workers_per_10k", "idp_weight"}


def read_assumptions(path: Path | None = None) -> StaffingNorm:
    """The staffing norm of an assumptions file (default: ``data/assumptions.toml``).

    Raises ``ValueError`` naming the key for an unknown key, a missing
    section or a value that is not a non-negative number.
    """
    path = Path(path or DEFAULT_ASSUMPTIONS)
    if not path.exists():
        raise FileNotFoundError(f"assumptions file not found: {path}")
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"assumptions file {path.name}: not valid TOML ({exc})") from None
    norm = spec.get("norm")
    if not isinstance(norm, dict):
        raise ValueError(f"assumptions file {path.name}: missing section [norm]")
    unknown = set(norm) - _NORM_KEYS
    if unknown:
        raise ValueError(f"assumptions file {path.name}: unknown key(s) norm.{', norm.'.join(sorted(unknown))}")
    values = {}
    for key in _NORM_KEYS & set(norm):
        value = norm[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"assumptions file {path.name}: norm.{key} must be a number >= 0, got {value!r}")
        values[key] = float(value)
    return StaffingNorm(**values)
