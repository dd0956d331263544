"""The kept dataset file (a pickle beside the store, for a quick start) is only read back by the code that wrote it.

Reproduces an upgrade: the file was kept when ``ValidationReport`` had no
``headers`` field; the new code read it back, and the first upload of a
session then failed (``'ValidationReport' object has no attribute
'headers'``: a 400 on the Data page, nothing said).
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace

from store import serving


class _Store:
    """What the served data asks of a store to read a dataset: URL, revision, fingerprint, the dataset."""

    url = "sqlite:///nowhere.sqlite3"

    def __init__(self, dataset):
        self.reads = 0
        self._dataset = dataset

    def revision(self) -> int:
        return 1

    def fingerprint(self) -> str:
        return "f" * 16

    def dataset(self, period=None):
        self.reads += 1
        return self._dataset


def test_a_file_kept_by_older_code_is_not_read(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    store = _Store(demo)
    # what the version before kept, under the name it used (URL key and fingerprint only)
    stale = replace(demo, reports=tuple(replace(r) for r in demo.reports))
    for report in stale.reports:
        del report.__dict__["headers"]
    folder = tmp_path / "published"
    folder.mkdir()
    url_key = hashlib.sha256(store.url.encode()).hexdigest()[:12]
    (folder / f"{url_key}-{store.fingerprint()}.pickle").write_bytes(pickle.dumps(stale))

    dataset = serving.PublishedData(store)._read(revision=1)
    assert store.reads == 1, "the older code's file was read back"
    assert all(hasattr(r, "headers") for r in dataset.reports)
    kept = folder / f"{url_key}-{store.fingerprint()}-{serving.code_key()}.pickle"
    assert kept.exists()  # kept for the next start of this code

    again = serving.PublishedData(store)._read(revision=1)
    assert store.reads == 1 and again.hromadas.equals(demo.hromadas)  # the next start reads the kept file


def test_the_code_key_is_a_digest_of_the_code_that_builds_a_dataset():
    key = serving.code_key()
    assert len(key) == 12 and int(key, 16) >= 0 and key == serving.code_key()
