"""Read the planning assumptions file (TOML) into :class:`metrics.Assumptions`."""

from __future__ import annotations

import re
from pathlib import Path

from metrics.assumptions import Assumptions, assumptions_from_dict

from .errors import read_toml

__all__ = ["DEFAULT_ASSUMPTIONS", "documented_parameters", "read_assumptions"]

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
    where = f"assumptions file {path.name}"
    return assumptions_from_dict(read_toml(path, "assumptions file", where), where=where)


_ASSIGNMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=")
_SECTION = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
_UNIT = re.compile(r"Unit:\s*(.+?)[.;](?:\s|$)", re.S)
#: Units of whole sections whose comments give none per key.
_SECTION_UNITS = {"cost": "UAH per position per year", "priority": "weight (divided by the sum of the weights)"}


def _split_unit(text: str) -> tuple[str, str]:
    match = _UNIT.search(text)
    if not match:
        return "", " ".join(text.split())
    rest = text[: match.start()] + text[match.end() :]
    return match.group(1).strip(), " ".join(rest.split())


def documented_parameters(path: Path | None) -> dict[str, tuple[str, str]]:
    """``section.key`` -> (unit, source) from the comments of an assumptions file (TOML).

    The file documents each value in the comment block just above it
    ("Unit: ...", then the source and reasoning); a key without its own
    comment takes the comment of its section, and a key without a unit the
    unit of a key of the same name elsewhere (``norm.social_worker.workers_per_10k``
    takes that of ``norm.social_work_specialist.workers_per_10k``).
    """
    if path is None or not Path(path).exists():
        return {}
    docs: dict[str, tuple[str, str]] = {}
    section, section_doc, comment = "", ("", ""), []
    previous = (None, "")
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment.append(stripped.lstrip("#").strip())
            continue
        if not stripped:
            continue
        if (match := _SECTION.match(line)) is not None:
            section = match.group(1).strip()
            section_doc = _split_unit(" ".join(c for c in comment if not set(c) <= {"-"}))
            comment = []
            continue
        if (match := _ASSIGNMENT.match(line)) is not None:
            unit, source = _split_unit(" ".join(comment))
            key = f"{section}.{match.group(1)}" if section else match.group(1)
            if not comment and previous[0] == section:
                source = previous[1]  # a comment above a group of keys documents each of them
            doc = (unit or section_doc[0], source or section_doc[1])
            if key not in docs or not any(docs[key]):  # a repeated [[array]] block: its first documented one
                docs[key] = doc
            previous, comment = (section, source), []
    by_leaf: dict[str, str] = {}
    for key, (unit, _) in docs.items():
        if unit:
            by_leaf.setdefault(key.rsplit(".", 1)[-1], unit)
    for key, (unit, source) in docs.items():
        top = key.split(".", 1)[0]
        unit = unit or by_leaf.get(key.rsplit(".", 1)[-1], "") or _SECTION_UNITS.get(top, "")
        docs[key] = (unit, source)
    return docs
