"""The demo published into an empty store, with its history; the latest equals the files."""

from __future__ import annotations

import pandas as pd

from core.text import source_text
from store.demo import refresh_demo
from store.serving import PublishedData


def test_the_demo_over_time(tmp_path, demo, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    served = PublishedData.open(f"sqlite:///{tmp_path / 'demo.sqlite3'}", warm=False, auto_migrate=True)
    store = served.store
    # while the demo is being published, an empty store serves it from the files
    pd.testing.assert_frame_equal(served.dataset().hromadas, demo.hromadas)
    served.publishing.join(600)
    assert served.revision() > 0 and served.key() == f"pub{served.revision()}"
    pd.testing.assert_frame_equal(served.dataset().hromadas, demo.hromadas)
    assert store.periods() == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert store.periods("idp") == ["2024-10-31", "2024-12-31", "2025-04-30"]
    assert all(p.synthetic for p in store.publications() if p.kind == "staffing")
    pd.testing.assert_frame_equal(store.dataset().hromadas, demo.hromadas)
    q4 = store.dataset("2024-Q4")
    assert q4.reference_dates["staffing"] == "2024-Q4" and q4.reference_dates["idp"] == "2024-12-31"
    assert "round 19" in source_text(q4.sources["idp"], "en") and "раунд 19" in source_text(q4.sources["idp"], "uk")
    assert q4.hromadas["idp"].sum() < demo.hromadas["idp"].sum()
    assert refresh_demo(store) is None  # unchanged files: nothing published again
    store.close()
