"""A tiny dataset (two oblasts, five hromadas) as files, and how to wipe a test database.

``store_url`` runs a test once on SQLite (a file in the test's folder) and
once on PostgreSQL (``ATLAS_TEST_DATABASE_URL``, started by ``.ci/run``;
skipped with the reason when it is unset).
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

from store.models import metadata
from tests.fixtures import H1, H2, H3, H4, H5

PG_URL = os.environ.get("ATLAS_TEST_DATABASE_URL")

POPULATION = "Код КАТОТТГ;Чисельність населення\n" + "".join(
    f"{code};{n}\n" for code, n in zip((H1, H2, H3, H4, H5), (10000, 40000, 30000, 20000, 5000))
)


def staffing_csv(filled: tuple[int, ...] = (1, 5, 3, 2, 0)) -> str:
    rows = "".join(
        f"{code};Фахівець із соціальної роботи;{max(n, 1) + 1};{n}\n" for code, n in zip((H1, H2, H3, H4, H5), filled)
    )
    return "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n" + rows


def _square(x: float, y: float) -> list:
    return [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]


def hromada_geojson() -> str:
    import json

    features = [
        {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": {"type": "Polygon", "coordinates": _square(i, 48)},
        }
        for i, code in enumerate((H1, H2, H3, H4, H5))
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


def write_manifest(folder: Path, *, staffing: str | None = None, population: str = POPULATION, units=None) -> Path:
    """A manifest with units, hromada boundaries, population and staffing; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    units.to_csv(folder / "units.csv", index=False)
    (folder / "hromadas.geojson").write_text(hromada_geojson(), encoding="utf-8")
    (folder / "population.csv").write_text(population, encoding="utf-8")
    (folder / "staffing.csv").write_text(staffing or staffing_csv(), encoding="utf-8")
    manifest = folder / "manifest.toml"
    manifest.write_text(
        'title = "Tiny"\nunits = "units.csv"\n'
        '[boundaries]\nhromada = "hromadas.geojson"\n'
        '[tables]\npopulation = "population.csv"\nstaffing = "staffing.csv"\n'
        '[reference_dates]\npopulation = "2022-01-01"\nboundaries = "2024-01-19"\nunits = "2024-01-19"\n'
        '[sources]\npopulation = "hand-made"\nstaffing = "hand-made, synthetic"\n',
        encoding="utf-8",
    )
    return manifest


def wipe(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def _texts(node, found: list[str]) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _texts(value, found)
    elif isinstance(node, list):
        for value in node:
            _texts(value, found)
    elif isinstance(node, str):
        found.append(node)


def _find(node, component_id: str):
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        for value in node.values():
            hit = _find(value, component_id)
            if hit is not None:
                return hit
    elif isinstance(node, list):
        for value in node:
            hit = _find(value, component_id)
            if hit is not None:
                return hit
    return None


def card_text(body: dict, component_id: str) -> str:
    """The first text inside the component ``component_id`` of a Dash callback response (a key-figure card)."""
    card = _find(body, component_id)
    assert card is not None, f"no component {component_id!r} in the response"
    found: list[str] = []
    _texts(card["props"]["children"], found)
    return found[0]
