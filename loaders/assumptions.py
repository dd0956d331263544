"""Read the planning assumptions file (TOML) into :class:`metrics.Assumptions`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from metrics.assumptions import Assumptions, assumptions_from_dict

__all__ = ["DEFAULT_ASSUMPTIONS", "read_assumptions"]

DEFAULT_ASSUMPTIONS = Path(__file__).resolve().parent.parent / "data" / "assumptions.toml"


def read_assumptions(path: Path | None = None) -> Assumptions:
    """The planning assumptions of a TOML file (default: ``data/assumptions.toml``).

    The community-worker norm is ``.workers_per_10k`` (the sum of the two
    community roles' norms) and the IDP weight ``.idp_weight``. A key left out takes its default; every
    problem (unknown key, a value out of range, a missing role) is reported
    at once in one ``ValueError`` that names each key, e.g.
    ``assumptions file a.toml: wisn.support_share must be a number >= 0 and < 1 ..., got 1.0``.
    """
    path = Path(path or DEFAULT_ASSUMPTIONS)
    if not path.exists():
        raise FileNotFoundError(f"assumptions file not found: {path}")
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"assumptions file {path.name}: not valid TOML ({exc})") from None
    return assumptions_from_dict(spec, where=f"assumptions file {path.name}")
