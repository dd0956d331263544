"""The translation catalogue: one place for every text, complete in both languages, used everywhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.text import (
    LABELS,
    TEXT,
    format_date,
    format_percent,
    name_column,
    other_lang,
    parse_number,
    plotly_separators,
    role_label,
    t,
)
from tests.fixtures import ROOT

PACKAGES = ("app.py", "cli", "core", "exports", "layouts", "loaders", "metrics", "store")


def _catalogue_dicts() -> dict[str, ast.Dict]:
    """The ``uk`` and ``en`` dict literals of ``TEXT`` in core/text.py, as parsed (to see repeated keys)."""
    tree = ast.parse((ROOT / "core" / "text.py").read_text(encoding="utf-8"))
    for node in tree.body:
        target = getattr(node, "target", None) or (node.targets[0] if isinstance(node, ast.Assign) else None)
        if getattr(target, "id", None) == "TEXT":
            return {k.value: v for k, v in zip(node.value.keys, node.value.values)}
    raise AssertionError("TEXT not found in core/text.py")


def test_catalogue_keys_are_unique_and_complete():
    """No key written twice (a dict literal keeps the last silently), and English has every Ukrainian key."""
    for lang, literal in _catalogue_dicts().items():
        keys = [k.value for k in literal.keys]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        assert not repeated, f"{lang}: keys written twice: {repeated}"
    assert set(TEXT["uk"]) == set(TEXT["en"]), set(TEXT["uk"]) ^ set(TEXT["en"])
    assert all(len(pair) == 2 and all(pair) for pair in LABELS.values())


def test_placeholders_agree_between_languages():
    field = re.compile(r"{(\w+)}")
    for key, uk in TEXT["uk"].items():
        assert set(field.findall(uk)) == set(field.findall(TEXT["en"][key])), key


def _sources():
    for name in PACKAGES:
        path = ROOT / name
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def test_no_inline_language_choice_outside_the_catalogue():
    """Texts are chosen by the catalogue, never by ``"…" if lang == "uk" else "…"`` in a module."""
    inline = re.compile(r"""if lang == ["'](uk|en)["'] else|\[0 if lang|["']uk["']: \{|["']uk["']: \(""")
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in _sources()
        if path != ROOT / "core" / "text.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if inline.search(line)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("uk", ("8\u00a0%", "01.01.2022", ", ", "name_en", "Психолог")),
        ("en", ("8%", "1 Jan 2022", ".,", "name_uk", "Psychologist")),
    ],
)
def test_format_helpers(lang, expected):
    percent, date, separators, other_names, psychologist = expected
    assert format_percent(0.08, 0, lang) == percent
    assert format_percent(float("nan"), 0, lang) == t("no_data", lang)
    assert format_date("2022-01-01", lang) == date
    assert format_date("synthetic", lang) is None
    assert plotly_separators(lang) == separators
    assert name_column(other_lang(lang)) == other_names
    assert role_label("psychologist", lang) == psychologist


def test_parse_number_reads_each_language():
    assert parse_number("20 000 000,5", "uk") == 20_000_000.5
    assert parse_number("20\u00a0000", "uk") == 20_000
    assert parse_number("20,000,000.5", "en") == 20_000_000.5
    with pytest.raises(ValueError):
        parse_number("двадцять", "uk")


def test_catalogue_sources_exist():
    """The modules scanned above exist (a renamed package must not silently drop out of the scan)."""
    assert all((ROOT / name).exists() for name in PACKAGES), [n for n in PACKAGES if not (ROOT / n).exists()]
    assert isinstance(Path(ROOT), Path)


def test_format_numbers_writes_each_value_as_format_number_does():
    """Issue 17: the hover text called format_number 90,000 times at 30,000 units; the list form is the same text."""
    from core.text import format_number, format_numbers

    values = [0.0, -0.0, 0.5, 1.5, 2.5, -1234.5, 12345.678, 1e9, 999.999, float("nan"), None, 7]
    for lang in ("uk", "en"):
        for decimals in (0, 1, 2):
            assert format_numbers(values, decimals, lang) == [format_number(v, decimals, lang) for v in values]
