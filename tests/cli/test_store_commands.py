"""publish, datasets, retract and migrate on a store in a temporary SQLite file; faults named clearly."""

from __future__ import annotations

import json

import pytest

import app
from tests.fixtures import H2, english_phrases
from tests.store.store_helpers import staffing_csv, write_manifest


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'atlas.sqlite3'}"
    monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    assert app.main(["migrate"]) == 0
    return url


def test_publish_list_and_retract(database, tmp_path, units, capsys):
    first = write_manifest(tmp_path / "q2", units=units)
    assert app.main(["publish", "--data", str(first), "--period", "2025-Q2", "--by", "olena", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "published #" in out and "staffing 2025-Q2 version 1 (5 rows" in out

    second = write_manifest(tmp_path / "q2b", staffing=staffing_csv((1, 7, 3, 2, 1)), units=units)
    assert app.main(["publish", "--data", str(second), "--period", "2025-Q2", "--by", "taras", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "staffing 2025-Q2 version 2" in out and "unchanged since their current version" in out

    assert app.main(["datasets", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["publications"]
    staffing = [p for p in listed if p["kind"] == "staffing"]
    assert [(p["version"], p["state"], p["published_by"]) for p in staffing] == [
        (1, "superseded", "olena"),
        (2, "current", "taras"),
    ]

    assert app.main(["retract", str(staffing[1]["id"]), "--reason", "wrong quarter", "--by", "olena"]) == 0
    out = capsys.readouterr().out
    assert f"in use again: #{staffing[0]['id']}, version 1" in out
    assert app.main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "retracted by olena: wrong quarter" in out
    assert app.main(["retract", str(staffing[1]["id"])]) == 1
    assert "already retracted" in capsys.readouterr().err


def test_a_file_with_errors_is_reported_and_nothing_published(database, tmp_path, units, capsys):
    role = "Фахівець із соціальної роботи"
    bad = staffing_csv().replace(f"{H2};{role};6;5", f"{H2};{role};6;багато")
    manifest = write_manifest(tmp_path / "bad", staffing=bad, units=units)
    assert app.main(["publish", "--data", str(manifest), "--period", "2025-Q2", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "NOT USABLE" in out and "row 3" in out and "nothing was published" in out
    # in Ukrainian (the default): the report, its messages and the verdict, no English sentence
    assert app.main(["publish", "--data", str(manifest), "--period", "2025-Q2"]) == 1
    out = capsys.readouterr().out
    assert "НЕПРИДАТНИЙ" in out and "помилка: рядок 3" in out and "очікується число, отримано «багато»" in out
    assert "нічого не опубліковано: файлів із помилками — 1" in out
    assert not english_phrases(out.replace(str(manifest.parent), "")), english_phrases(out)
    assert app.main(["datasets"]) == 0
    assert "nothing is published" in capsys.readouterr().out


def test_a_manifests_mistake_is_said_in_the_commands_language(database, tmp_path, capsys):
    """A manifest ``publish`` cannot read is said (exit 1, nothing published), in ``--lang``, not a traceback."""
    manifest = tmp_path / "m.toml"
    manifest.write_text('title = "x"\nfiles = 1\n', encoding="utf-8")
    assert app.main(["publish", "--data", str(manifest), "--period", "2025-Q2"]) == 1
    assert "error: m.toml: невідомі ключі files; очікується:" in capsys.readouterr().err
    assert app.main(["publish", "--data", str(manifest), "--period", "2025-Q2", "--lang", "en"]) == 1
    assert "error: m.toml: unknown key(s) files; expected" in capsys.readouterr().err


def test_a_period_that_is_not_one(database, tmp_path, units, capsys):
    manifest = write_manifest(tmp_path / "m", units=units)
    assert app.main(["publish", "--data", str(manifest), "--period", "spring"]) == 2
    assert "neither a quarter" in capsys.readouterr().err


def test_an_unmigrated_database_gives_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert app.main(["datasets"]) == 3
    assert "Run: python app.py migrate" in capsys.readouterr().err
    assert app.main(["migrate"]) == 0
    assert "migrated from an empty database" in capsys.readouterr().out
    assert app.main(["datasets"]) == 0


@pytest.mark.parametrize("command", [["datasets"], ["serve"], ["migrate"]])
def test_an_unreachable_database_is_named_without_its_password(command, monkeypatch, capsys):
    monkeypatch.setenv("ATLAS_DATABASE_URL", "postgresql+psycopg://atlas:s3cret@127.0.0.1:1/atlas")
    monkeypatch.delenv("ATLAS_DATA", raising=False)
    assert app.main(command) == 3
    err = capsys.readouterr().err
    assert "cannot reach the database at postgresql+psycopg://atlas:***@127.0.0.1:1/atlas" in err
    assert "s3cret" not in err
