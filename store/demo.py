"""The embedded demo, published into an empty store on first start, with its history.

Besides the demo's own tables, the store gets the periods before them
(:mod:`data.history`): synthetic staffing snapshots for 2024-Q1 to 2025-Q3
(labelled synthetic) and IDPs of IOM DTM rounds 18 (2024-10-31) and 19
(2024-12-31), so that the atlas can be looked at over time.

The demo's tables get these reference periods: population 1 Jan 2022 (the
official oblast totals), IDPs 30 Apr 2025 (IOM DTM round 20), staffing and
caseload 2025-Q4 (synthetic), the codifier and the approximate boundaries
19 Jan 2024 (the codifier's amendment date), the territorial status list
10 Oct 2022 (its own reference date).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from core.periods import parse_period
from loaders import DEMO_MANIFEST, Dataset, ValidationReport, read_manifest
from loaders.messages import msg, source_value

from .store import Prepared, Publication, Store, Table

__all__ = ["DEMO_PERIODS", "DEMO_PUBLISHER", "demo_digest", "publish_demo", "refresh_demo"]

DEMO_PERIODS = {
    "population": "2022-01-01",
    "idp": "2025-04-30",
    "staffing": "2025-Q4",
    "caseload": "2025-Q4",
    "units": "2024-01-19",
    "boundaries": "2024-01-19",
    "status": "2022-10-10",
}
DEMO_PUBLISHER = "demo"


def demo_digest() -> str:
    """A digest of the demo's manifest, every file it names and its history (``data/history.py``)."""
    from data import history

    spec = read_manifest(DEMO_MANIFEST)
    paths = [DEMO_MANIFEST, Path(history.__file__), history.ROUNDS_CSV]
    paths += [*([spec.units] if spec.units else []), *(b.path for b in spec.boundaries)]
    paths += [t.path for t in spec.tables] + ([spec.status.path] if spec.status else [])
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _history(prepared: Prepared) -> list[Table]:
    """The periods before the demo's own: synthetic staffing quarters and IOM rounds 18 and 19 (``data/history.py``)."""
    from data.history import IDP_ROUNDS, idp_rounds, staffing_history

    tables = {t.kind: t for t in prepared.tables}
    out = []
    staffing = tables["staffing"]
    for quarter, frame in staffing_history(staffing.frame).items():
        if quarter == staffing.period.label:
            continue
        words = {
            "uk": f"синтетичний квартальний знімок, відновлений назад від {staffing.period.label} демо "
            "(data/history.py)",
            "en": f"synthetic quarterly snapshot walked back from the demo's {staffing.period.label} (data/history.py)",
        }
        report = ValidationReport(words["en"], kind="staffing", level="hromada", rows=len(frame), matched=len(frame))
        source = source_value(msg("stored_text", text=words))
        out.append(
            Table(
                "staffing",
                frame,
                parse_period(quarter),
                report,
                source,
                staffing.title,
                "data/history.py",
                synthetic=True,
            )
        )
    idp = tables["idp"]
    units = tables["units"].frame if "units" in tables else None
    if units is not None:
        rounds = {date: number for number, date in IDP_ROUNDS.items()}
        for date, frame in idp_rounds(idp.frame, units).items():
            words = {
                "uk": "МОМ, Матриця відстеження переміщень (DTM), опитування загального населення, "
                f"раунд {rounds[date]} (оцінки областей, data/idp_rounds.csv); розподілено між громадами "
                "як раунд 20 демо (оцінка)",
                "en": f"IOM DTM General Population Survey round {rounds[date]} (oblast estimates, "
                "data/idp_rounds.csv); split to hromadas as the demo's round 20 (estimated)",
            }
            report = ValidationReport(words["en"], kind="idp", level="hromada", rows=len(frame), matched=len(frame))
            source = source_value(msg("stored_text", text=words))
            out.append(Table("idp", frame, parse_period(date), report, source, idp.title, "data/idp_rounds.csv"))
    return out


def publish_demo(store: Store, dataset: Dataset | None = None) -> list[Publication]:
    """Validate and publish the committed demo files (``data/demo``) and their history in one transaction.

    ``dataset``: the demo already loaded by :func:`loaders.load_demo` (not read again).
    """
    digest = demo_digest()
    if dataset is None:
        prepared = store.prepare_manifest(DEMO_MANIFEST, periods=DEMO_PERIODS)
    else:
        prepared = store.prepare_dataset(dataset, DEMO_MANIFEST, periods=DEMO_PERIODS)
    prepared = store.prepare_tables([*prepared.tables, *_history(prepared)])
    published = store.publish(prepared, by=DEMO_PUBLISHER)
    store.record(DEMO_PUBLISHER, "demo", digest, {"published": [p.id for p in published]})
    return published


def refresh_demo(store: Store) -> list[Publication] | None:
    """Publish the demo again if its files changed and nobody but the demo ever published into this store.

    Returns what was published, or None when nothing was to be done (the
    demo is unchanged, or the store holds someone's own publications,
    which are never touched).
    """
    if any(p.published_by != DEMO_PUBLISHER for p in store.publications()):
        return None
    log = store.audit_entries(limit=None)
    last = log.loc[log["action"] == "demo", "target"]
    if len(last) and last.iloc[0] == demo_digest():
        return None
    return publish_demo(store)
