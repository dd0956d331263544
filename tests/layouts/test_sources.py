"""Where the data came from is said in the page's language: the demo's sources, an uploaded file, a manifest's."""

from __future__ import annotations

import base64

import pytest

from core.text import source_text
from exports.report import dataset_rows
from layouts.components import map_caption
from layouts.pages.data import dataset_view, process_upload
from loaders import read_manifest
from loaders.messages import MessageError, message_of
from tests.fixtures import english_phrases


def _text(component) -> str:
    """Every string inside a Dash component tree, joined."""
    if component is None:
        return ""
    if isinstance(component, str):
        return component
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _upload(demo, mode: str = "replace"):
    code = demo.hromadas["code"][demo.hromadas["code"].str.startswith("UA74")].iloc[0]
    text = "Код КАТОТТГ;Посада;Затверджено штатних одиниць;Фактично зайнято\n"
    text += f"{code};Фахівець із соціальної роботи;4;3\n"
    url = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    report, dataset = process_upload(demo, url, "staff.csv", "staffing", None, 10**6, mode=mode)
    assert report.ok and dataset is not None, report.summary()
    return dataset


def test_the_demos_sources_are_said_in_each_language(demo):
    uk = _text(map_caption(demo, "residents_per_worker", "hromada", "uk"))
    en = _text(map_caption(demo, "residents_per_worker", "hromada", "en"))
    assert "Держстат" in uk and "State Statistics Service" not in uk
    assert not english_phrases(uk.replace("General Population Survey", "")), uk
    assert "State Statistics Service of Ukraine" in en and "Держстат" not in en
    view = _text(dataset_view(demo, "uk"))
    assert "Кодифікатор КАТОТТГ" in view and "KATOTTG codifier" not in view and '["' not in view


def test_an_uploaded_files_source_is_said_in_the_pages_language(demo):
    dataset = _upload(demo)
    uk = _text(dataset_view(dataset, "uk")) + _text(map_caption(dataset, "residents_per_worker", "hromada", "uk"))
    en = _text(dataset_view(dataset, "en"))
    assert "завантажений файл staff.csv" in uk and "uploaded file" not in uk
    assert "uploaded file staff.csv" in en
    # a second file updates the first: the update is said too, with what it updated
    again = _upload(dataset, mode="update")
    assert source_text(again.sources["staffing"], "uk") == (
        "завантажений файл staff.csv; оновлено завантаженим файлом staff.csv"
    )
    assert source_text(again.sources["staffing"], "en") == "uploaded file staff.csv; updated by uploaded file staff.csv"


def test_the_workbooks_cover_says_each_source_in_its_columns_language(demo):
    dataset = _upload(demo)
    rows = {row[0]: row for row in dataset_rows(dataset)}
    staffing = next(row for key, row in rows.items() if key.startswith("Source") and "staff" in key.lower())
    assert staffing[1] == "uploaded file staff.csv" and staffing[3] == "завантажений файл staff.csv"
    population = next(row for key, row in rows.items() if key.startswith("Source") and "opulation" in key)
    assert "State Statistics Service" in population[1] and "Держстат" in population[3]


def test_a_manifests_source_is_text_or_words_in_both_languages(tmp_path):
    def manifest(sources: str):
        path = tmp_path / "manifest.toml"
        path.write_text(f'title = "t"\n[tables]\npopulation = "p.csv"\n[sources]\n{sources}\n', encoding="utf-8")
        return read_manifest(path)

    plain = manifest('population = "Держстат, 2022"').sources["population"]
    assert plain == "Держстат, 2022" and source_text(plain, "en") == "Держстат, 2022"  # shown as written
    both = manifest('population = { uk = "Держстат", en = "State Statistics Service" }').sources["population"]
    assert (source_text(both, "uk"), source_text(both, "en")) == ("Держстат", "State Statistics Service")
    with pytest.raises(MessageError) as bad:
        manifest('population = { uk = "Держстат", de = "Statistisches Amt" }')
    assert message_of(bad.value)[0] == "manifest_source"
    assert source_text('["not a code", {}]', "uk") == '["not a code", {}]'  # text that looks like JSON is text
