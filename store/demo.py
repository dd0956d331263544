"""The embedded demo, published into an empty store on first start.

The demo's tables get these reference periods: population 1 Jan 2022 (the
official oblast totals), IDPs 30 Apr 2025 (IOM DTM round 20), staffing and
caseload 2025-Q4 (synthetic), the codifier and the approximate boundaries
19 Jan 2024 (the codifier's amendment date), the territorial status list
10 Oct 2022 (its own reference date).
"""

from __future__ import annotations

import hashlib

from loaders import DEMO_MANIFEST, read_manifest

from .store import Publication, Store

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
    """A digest of the demo's manifest and every file it names."""
    spec = read_manifest(DEMO_MANIFEST)
    paths = [DEMO_MANIFEST, *([spec.units] if spec.units else []), *(b.path for b in spec.boundaries)]
    paths += [t.path for t in spec.tables] + ([spec.status.path] if spec.status else [])
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def publish_demo(store: Store) -> list[Publication]:
    """Validate and publish the committed demo files (``data/demo``) in one transaction."""
    digest = demo_digest()
    prepared = store.prepare_manifest(DEMO_MANIFEST, periods=DEMO_PERIODS)
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
