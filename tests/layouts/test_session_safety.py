"""Session state: a private folder, a private key, no pickle, quotas, idle expiry, honest faults, threads."""

from __future__ import annotations

import base64
import json
import os
import pickle
import threading
import time
from dataclasses import replace

import flask
import pytest

from layouts.session_store import FileStore, StorageError, private_folder
from layouts.state import AtlasState, decode_dataset, encode_dataset, secret_key

STAFF = (
    "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    "UA05020030000031457;Фахівець із соціальної роботи;40;35\n"
)


def _state(demo, assumptions=None):
    from loaders import read_assumptions

    server = flask.Flask("t")
    server.secret_key = "k" * 40
    return server, AtlasState(server, demo, assumptions or read_assumptions(), lambda d, a: (id(d), a.idp_weight))


def _uploaded(demo):
    from layouts.pages.data import process_upload

    url = "data:text/csv;base64," + base64.b64encode(STAFF.encode()).decode()
    # the whole staffing table replaced by one hromada's (an upload updates only its units by default)
    report, dataset = process_upload(demo, url, "staff.csv", "staffing", None, 2**20, "en", mode="replace")
    assert report.ok
    return dataset


# -- the folder and the key --------------------------------------------------------------
def test_the_cache_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ATLAS_SECRET_KEY", raising=False)
    key = secret_key()
    assert len(key) == 64 and secret_key() == key
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "cache" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_a_folder_planted_by_someone_else_is_refused(tmp_path):
    planted = tmp_path / "planted"
    planted.mkdir()
    if os.getuid() != 0:
        pytest.skip("needs root to make a folder owned by another user")
    os.chown(planted, 65534, 65534)
    with pytest.raises(StorageError, match="belongs to another user"):
        private_folder(planted)


def test_a_symlinked_folder_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(StorageError, match="symlink"):
        private_folder(tmp_path / "link")


def test_a_group_readable_folder_of_ours_is_made_private(tmp_path):
    folder = tmp_path / "open"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)
    private_folder(folder)
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_planted_or_readable_key_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ATLAS_SECRET_KEY", raising=False)
    private_folder(tmp_path / "cache")
    key = tmp_path / "cache" / "secret_key"
    key.write_text("x" * 64)
    os.chmod(key, 0o644)
    with pytest.raises(StorageError, match="others may read it"):
        secret_key()
    key.unlink()
    key.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(StorageError):
        secret_key()


def test_the_default_folder_is_not_a_shared_temp_name(monkeypatch):
    from layouts.state import cache_dir

    monkeypatch.delenv("ATLAS_CACHE_DIR", raising=False)
    folder = cache_dir()
    assert folder.name.startswith("ukraine-workforce-atlas")
    assert str(os.getuid()) in folder.name or ".cache" in str(folder)


# -- no pickle -----------------------------------------------------------------------------
def test_session_state_is_json_and_parquet_and_a_planted_pickle_never_runs(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    server, state = _state(demo)
    dataset = _uploaded(demo)
    with server.test_request_context():
        key = state.set_dataset(dataset)
        state.set_assumptions(replace(state.default_assumptions, idp_weight=0.7))
        sid = state.session_id()
        files = list((tmp_path / "sessions").rglob("*"))
        for path in (p for p in files if p.is_file()):
            content = path.read_bytes()
            assert content.startswith(b"PK") or json.loads(content) is not None
        # an attacker who could write there plants a pickle under the session's assumptions key
        marker = tmp_path / "ran"

        class Evil:
            def __reduce__(self):
                return (os.system, (f"touch {marker}",))

        state.store._path("small", f"{sid}:assumptions").write_bytes(pickle.dumps(Evil()))
        assert state.assumptions() == state.default_assumptions
        assert not marker.exists()
        assert state.dataset_key() == key


def test_a_dataset_survives_its_round_trip(demo):
    dataset = _uploaded(demo)
    back = decode_dataset(encode_dataset(dataset, demo), demo)
    assert back.boundaries["hromada"] is demo.boundaries["hromada"]  # unchanged parts are references
    assert back.hromadas.set_index("code")["social_work_specialist_filled"].sum() == 35
    assert back.sources == dataset.sources and back.levels == dataset.levels
    assert [r.kind for r in back.reports] == [r.kind for r in dataset.reports]
    assert len(encode_dataset(dataset, demo)) < 2**20


# -- quotas and expiry ----------------------------------------------------------------------
def test_anonymous_traffic_never_evicts_uploads(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_SETTINGS_QUOTA_MB", "0.05")
    server, state = _state(demo)
    dataset = _uploaded(demo)
    with server.test_request_context():
        key = state.set_dataset(dataset)
        cookie = dict(flask.session)
    refused = 0
    for _ in range(1200):
        with server.test_request_context():
            try:
                state.reset_dataset()
            except StorageError:
                refused += 1
    assert refused > 0  # the settings budget filled up: new small values are refused, nothing is deleted
    with server.test_request_context():
        flask.session.update(cookie)
        assert state.dataset_key() == key


def test_a_new_upload_replaces_the_sessions_previous_one(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    server, state = _state(demo)
    dataset = _uploaded(demo)
    with server.test_request_context():
        for _ in range(5):
            state.set_dataset(dataset)
    assert len(list((tmp_path / "sessions" / "datasets").iterdir())) == 1


def test_quotas_refuse_with_a_message_and_keep_the_data(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    server, state = _state(demo)
    dataset = _uploaded(demo)
    with server.test_request_context():
        key = state.set_dataset(dataset)
        monkeypatch.setenv("ATLAS_SESSION_QUOTA_MB", "0.05")
        with pytest.raises(StorageError, match="more than the 0.05 MB a session may keep"):
            state.set_dataset(dataset)
        assert state.dataset_key() == key
    monkeypatch.delenv("ATLAS_SESSION_QUOTA_MB")
    monkeypatch.setenv("ATLAS_CACHE_QUOTA_MB", "0.01")
    server, state = _state(demo)
    with server.test_request_context():
        with pytest.raises(StorageError, match="storage for datasets is full"):
            state.set_dataset(dataset)


def test_idle_sessions_expire_and_their_user_is_told(demo, tmp_path, monkeypatch):
    from layouts import create_app
    from loaders import read_assumptions

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_SECRET_KEY", "s" * 40)
    app = create_app(demo, read_assumptions())
    state = app.server.extensions["atlas_state"]
    dataset = _uploaded(demo)
    with app.server.test_request_context():
        state.set_dataset(dataset)
        cookie = dict(flask.session)
        assert not state.data_expired()
    monkeypatch.setenv("ATLAS_SESSION_IDLE_HOURS", str(1 / 3600))  # one second
    time.sleep(1.2)
    with app.server.test_request_context():
        flask.session.update(cookie)
        assert state.dataset_key() == "demo"
        assert state.data_expired()
    assert state.store.sweep(1, force=True) >= 1  # expired files are deleted


# -- faults ----------------------------------------------------------------------------------
def _break(folder):
    """Make a store folder unusable: the datasets folder becomes a file (writes fail even for root)."""
    import shutil

    shutil.rmtree(folder / "sessions" / "datasets")
    (folder / "sessions" / "datasets").write_text("not a folder")
    shutil.rmtree(folder / "sessions" / "small")
    (folder / "sessions" / "small").write_text("not a folder")


def test_an_unwritable_cache_makes_uploads_and_health_fail_honestly(demo, tmp_path, monkeypatch):
    from layouts import create_app
    from loaders import read_assumptions

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_SECRET_KEY", "s" * 40)
    app = create_app(demo, read_assumptions())
    client = app.server.test_client()
    assert client.get("/healthz").status_code == 200
    _break(tmp_path)
    health = client.get("/healthz")
    assert health.status_code == 503 and "not writable" in health.get_json()["problem"]
    from tests.loaders.test_hostile import _callback

    url = "data:text/csv;base64," + base64.b64encode(STAFF.encode()).decode()
    response = _callback(client, url, "staff.csv", "staffing")
    body = response.get_data(as_text=True)
    assert "File accepted" not in body
    assert response.status_code == 503 or "could not be kept" in body


# -- threads -----------------------------------------------------------------------------------
def test_memo_and_geojson_caches_hold_under_threads(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    server, state = _state(demo)
    errors: list[BaseException] = []
    weights = [0.1 * i for i in range(20)]

    def hammer(n: int):
        try:
            for i in range(60):
                with server.test_request_context():
                    weight = weights[(n + i) % len(weights)]
                    result = state.tables(replace(state.default_assumptions, idp_weight=weight))
                    assert result[1] == weight
                    assert state.geojson_bytes("demo", ("oblast", "raion")[i % 2]).startswith(b"{")
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert len(state._memo) <= 8


def test_file_store_writes_are_atomic_and_private(tmp_path):
    store = FileStore(tmp_path / "s", {"small": 2**20})
    store.set("small", "a", b"1" * 1000, 60)
    assert store.get("small", "a", 60) == b"1" * 1000
    assert not [p for p in (tmp_path / "s" / "small").iterdir() if p.name.startswith(".tmp-")]
    assert (tmp_path / "s").stat().st_mode & 0o777 == 0o700
