"""The loaders speak in message codes (``loaders.messages.MESSAGES``); the catalogue has the words, uk and en."""

from __future__ import annotations

import ast
import re

from core.text import TEXT, issue_text
from loaders.messages import MESSAGES, msg
from tests.fixtures import ROOT, english_phrases

#: Names said as they are in every language: a command, a publication, a QGIS tool.
_NAMES = ("pip install", "KSE Loc Data Hub", "Fix geometries")


def test_every_message_of_the_loaders_has_its_words_in_both_languages():
    """Each code has ``msg_<code>`` in Ukrainian and English with exactly its parameters, and no other ``msg_``
    text is left over."""
    for lang in ("uk", "en"):
        said = {k.removeprefix("msg_") for k in TEXT[lang] if k.startswith("msg_")}
        assert said == set(MESSAGES), (lang, said ^ set(MESSAGES))
    for code, params in MESSAGES.items():
        for lang in ("uk", "en"):
            assert set(re.findall(r"{(\w+)}", TEXT[lang][f"msg_{code}"])) == set(params), (code, lang)
        words = TEXT["uk"][f"msg_{code}"]
        for name in _NAMES:
            words = words.replace(name, "")
        assert not english_phrases(words), code


def _report_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("error", "warn", "FileRefused", "MessageError", "_rejected") and not (
                isinstance(func, ast.Attribute) and getattr(func.value, "id", "") in ("LOG", "logging", "log")
            ):
                yield node, name


def test_no_loader_reports_a_problem_in_words_of_its_own():
    """Every ``report.error``/``report.warn``, refused file and upload rejection names a code of
    :data:`MESSAGES` (or passes a message on), never an English sentence (an f-string or text that is no code)."""
    found = []
    for path in [*sorted((ROOT / "loaders").glob("*.py")), ROOT / "layouts" / "pages" / "data.py"]:
        for node, name in _report_calls(ast.parse(path.read_text(encoding="utf-8"))):
            first = node.args[2] if name == "_rejected" and len(node.args) > 2 else node.args[0]
            if isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value not in MESSAGES
            ):
                found.append(f"{path.name}:{node.lineno}")
    assert not found, found


def test_a_message_says_numbers_fields_levels_and_inner_messages_in_the_language():
    inner = msg("code_not_found", code="UA05999")
    said = msg("by_name_instead", problem=inner, name="Гайсинська")
    assert issue_text(said, "en") == (
        "code UA05999 matches no unit in the codifier; matched by name 'Гайсинська' instead"
    )
    assert issue_text(said, "uk").startswith("код UA05999 не відповідає жодній одиниці кодифікатора; натомість")
    totals = msg("totals_differ", field="population", value=1234567.0, total=1234.5)
    assert issue_text(totals, "uk") == (
        "рядок підсумків дає «Населення» 1\u00a0234\u00a0567, а сума рядків — 1\u00a0234,5"
    )
    assert issue_text(totals, "en") == "the totals row gives Residents 1,234,567, but the rows sum to 1,234.5"
    scope = msg("no_such_name_in_scope", name="Агрономна", levels=("hromada", "raion"))
    assert "(громада/район)" in issue_text(scope, "uk")
