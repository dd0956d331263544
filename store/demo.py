"""The embedded demo, published into an empty store on first start.

The demo's tables get these reference periods: population 1 Jan 2022 (the
official oblast totals), IDPs 30 Apr 2025 (IOM DTM round 20), staffing and
caseload 2025-Q4 (synthetic), the codifier and the approximate boundaries
19 Jan 2024 (the codifier's amendment date), the territorial status list
10 Oct 2022 (its own reference date).
"""

from __future__ import annotations

from loaders import DEMO_MANIFEST

from .store import Publication, Store

__all__ = ["DEMO_PERIODS", "DEMO_PUBLISHER", "publish_demo"]

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


def publish_demo(store: Store) -> list[Publication]:
    """Validate and publish the committed demo files (``data/demo``) in one transaction."""
    prepared = store.prepare_manifest(DEMO_MANIFEST, periods=DEMO_PERIODS)
    return store.publish(prepared, by=DEMO_PUBLISHER)
