"""Shared arithmetic of every measure: division that never gives infinity, and the unit a hromada rolls up to.

Pure functions on DataFrames: they never change their inputs, read no files
and import nothing from Dash or plotly. The measures themselves are in
:mod:`metrics.planning`; :mod:`metrics.tables` computes them once per
dataset and assumptions.

Missing data and division by zero
---------------------------------
A figure that is not known is NaN ("no data"), never 0. A ratio whose
denominator is 0 or unknown is NaN, never infinity.

Aggregation
-----------
Raion, oblast and national figures are computed from sums, never by
averaging hromada ratios. A ratio ``a / b`` at an aggregate level is
``sum(a) / sum(b)`` over the member units where *both* ``a`` and ``b`` are
known, so a hromada without IDP data does not lower a ratio that counts IDPs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.schema import LEVELS

__all__ = ["safe_divide", "group_key"]


def safe_divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``numerator / denominator``, NaN where the denominator is 0 or unknown."""
    num = pd.to_numeric(numerator, errors="coerce").astype(float)
    den = pd.to_numeric(denominator, errors="coerce").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den.where(den > 0)
    return out.where(np.isfinite(out))


def group_key(base: pd.DataFrame, units: pd.DataFrame, level: str) -> pd.Series:
    """The code of the unit of ``level`` each row of ``base`` (hromada codes) belongs to.

    Kyiv city has no raion: it stands for itself at the raion level.
    """
    parents = units.loc[units["level"] == "hromada", ["code", "oblast_code", "raion_code"]].drop_duplicates("code")
    joined = base[["code"]].merge(parents, on="code", how="left")
    if level == "hromada":
        key = joined["code"]
    elif level == "raion":
        # Kyiv city has no raion: it stands for itself at the raion level.
        key = joined["raion_code"].fillna(joined["oblast_code"])
    elif level == "oblast":
        key = joined["oblast_code"]
    elif level == "country":
        key = pd.Series("UA", index=joined.index)
    else:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    return pd.Series(key.to_numpy(), index=base.index, name="code")
