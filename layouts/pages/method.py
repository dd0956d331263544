"""Method page: every formula and assumption in plain language, with sources."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import dcc, html

from .. import ids
from ..state import AtlasState

ROOT = Path(__file__).resolve().parents[2]


def method_markdown() -> str:
    """``docs/method.md`` if present, else the method section of README.md."""
    page = ROOT / "docs" / "method.md"
    if page.exists():
        return page.read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Method")
    end = readme.index("\n## ", start + 5)
    return readme[start:end]


def layout(state: AtlasState, lang: str, query: dict) -> html.Div:
    assumptions = (ROOT / "data" / "assumptions.toml").read_text(encoding="utf-8")
    return html.Div(
        [
            dcc.Markdown(method_markdown(), id=ids.METHOD_BODY, className="method"),
            html.H2("data/assumptions.toml"),
            html.Pre(assumptions, className="assumptions"),
        ]
    )


def register(app: dash.Dash, state: AtlasState) -> None:
    """The method page has no callbacks."""
