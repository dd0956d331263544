"""Dash's JSON of layouts and callback answers, written by orjson in one pass.

Dash writes every layout and callback answer with plotly's ``to_json``.
With orjson installed, plotly first tries ``orjson.dumps`` on the value;
a Dash component in it (every layout, most answers) makes that fail, and
plotly then walks the whole value in Python (``clean_to_json_compatible``,
one call per list element: every unit's code and hover text) before
writing it: under load a third of a worker's time went there. Here orjson
writes the value at once and asks :func:`_default` only for what it does
not know (a component: its ``to_plotly_json``); the same escapes as
plotly's are applied after. Anything else it does not know (a date, a
pandas object) goes the old way, whole: the text is the same either way
(``tests/layouts/test_fastjson.py``). One exception: an array of NumPy
dates orjson writes itself (``"2025-01-02T00:00:00"``), as plotly does for
a value without components; plotly's cleaning would write ``"2025-01-02"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from plotly.io._json import _safe, _swap_orjson, to_json_plotly

__all__ = ["install", "to_json"]

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _default(value: Any) -> Any:
    """What orjson does not write itself: a component's JSON form; a NumPy array as plotly's cleaning gives it."""
    to_json_form = getattr(value, "to_plotly_json", None)
    if to_json_form is not None:
        return to_json_form()
    if isinstance(value, np.ndarray):  # orjson writes only C-contiguous arrays of numbers itself
        kind = value.dtype.kind
        if kind in "biuf":
            return np.ascontiguousarray(value)
        if kind in "UO":  # texts, objects (hover texts, codes): a list, its items written one by one
            return value.tolist()
    raise TypeError(type(value).__name__)


def to_json(value: Any) -> str:
    """What ``dash._utils.to_json`` gives for ``value``, without plotly's walk over every element."""
    try:
        text = orjson.dumps(value, default=_default, option=_OPTIONS).decode("utf8")
    except TypeError:  # orjson.JSONEncodeError too: something only plotly's cleaning knows
        return to_json_plotly(value)
    return _safe(text, _swap_orjson)


def install() -> None:
    """Make Dash write layouts and callback answers with :func:`to_json` (idempotent)."""
    import dash._callback
    import dash.dash

    dash.dash.to_json = to_json
    dash._callback.to_json = to_json
