"""Move figures between levels: up by sums, down only by an explicit rule.

A file may give figures by oblast, raion or hromada; the dataset keeps the
level of each figure (``Dataset.figures``). The dashboard works on
hromada-level units, so:

- **up** (:func:`roll_up`): sums of the member units' figures (settlements
  to hromadas, hromadas to raions and oblasts). A sum is NaN when no member
  figure is known.
- **down** (:func:`disaggregate`): only by a rule named in
  :data:`DISAGGREGATION_RULES`. The default, ``"population"``, splits an
  oblast or raion figure among its hromadas pro rata to their population
  (hromadas with unknown population get no data); ``"none"`` leaves the
  hromadas without data. Every figure made this way is flagged as
  estimated (``{kind}_estimated`` in ``Dataset.hromadas``), so the
  dashboard and exports can say so.

Notes
-----
Pro rata: ``x_h = X_u * p_h / sum(p_k for k in hromadas of u with known p)``
where ``X_u`` is the figure of unit ``u`` and ``p_h`` the population of
hromada ``h``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .messages import Message, msg

__all__ = ["DISAGGREGATION_RULES", "roll_up", "disaggregate"]

#: Rules for going down a level: name -> what it does.
DISAGGREGATION_RULES = {
    "population": "split pro rata to the population of the hromadas",
    "none": "not split: the hromadas show no data",
}


def codes_in(values: pd.Series, pool) -> np.ndarray:
    """``values.isin(pool).to_numpy()``, fast on Arrow-backed strings (pandas' default ``str`` dtype).

    pandas' ``isin`` on ``str`` columns turns every member of ``pool`` into an
    Arrow scalar one at a time (30 ms for the codifier's 1,773 hromada codes,
    called about 30 times per upload); ``pyarrow.compute.is_in`` does the same
    test in a vectorised pass. Missing values match missing values, as in
    pandas. Other dtypes, or a pool that is not all text, go through pandas.
    """
    if isinstance(values.dtype, pd.StringDtype):
        members = pool.to_numpy(dtype=object) if isinstance(pool, (pd.Series, pd.Index)) else list(pool)
        try:
            column = pa.array(values, type=pa.large_string(), from_pandas=True)
            members = pa.array(members, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
        else:
            return pc.is_in(column, value_set=members).to_numpy(zero_copy_only=False).astype(bool, copy=False)
    return values.isin(pool).to_numpy(dtype=bool)


def _member_key(units: pd.DataFrame, level: str) -> pd.Series:
    hromadas = units[units["level"] == "hromada"].drop_duplicates("code").set_index("code")
    if level == "oblast":
        return hromadas["oblast_code"]
    if level == "raion":
        return hromadas["raion_code"]
    raise ValueError(f"level must be 'oblast' or 'raion', got {level!r}")


def roll_up(hromadas: pd.DataFrame, units: pd.DataFrame, level: str, fields: list[str]) -> pd.DataFrame:
    """Sums of hromada figures per unit of ``level`` (``oblast`` or ``raion``).

    Returns ``code`` and ``fields``; a sum is NaN when no member figure is known.
    The input is not changed.
    """
    key = hromadas["code"].map(_member_key(units, level))
    grouped = hromadas.assign(_key=key).dropna(subset=["_key"]).groupby("_key", sort=False)
    out = pd.DataFrame({f: grouped[f].sum(min_count=1) for f in fields})
    out.index.name = "code"
    return out.reset_index()


def disaggregate(
    figures: pd.DataFrame,
    units: pd.DataFrame,
    fields: list[str],
    population: pd.Series | None,
    rule: str = "population",
) -> tuple[pd.DataFrame, list[str]]:
    """Split oblast and raion figures to their hromadas by ``rule``.

    Parameters
    ----------
    figures
        Rows with ``code``, ``level`` (``oblast`` or ``raion``) and ``fields``.
    units
        The units table.
    fields
        The columns to split.
    population
        Population by hromada code (the weights of the ``"population"`` rule).
    rule
        A key of :data:`DISAGGREGATION_RULES`.

    Returns
    -------
    ``(frame, notes)``: one row per hromada reached (``code`` and ``fields``,
    floats) and sentences describing what was done or could not be done.
    """
    if rule not in DISAGGREGATION_RULES:
        raise ValueError(f"rule must be one of {', '.join(DISAGGREGATION_RULES)}, got {rule!r}")
    notes: list[Message] = []
    if figures.empty:
        return pd.DataFrame(columns=["code", *fields]), notes
    if rule == "none":
        notes.append(msg("not_split_none", count=len(figures)))
        return pd.DataFrame(columns=["code", *fields]), notes
    if population is None or population.notna().sum() == 0:
        notes.append(msg("not_split_no_population", count=len(figures)))
        return pd.DataFrame(columns=["code", *fields]), notes
    parts = []
    no_weight = []
    for level in ("oblast", "raion"):
        rows = figures[figures["level"] == level]
        if rows.empty:
            continue
        members = _member_key(units, level).rename("parent").reset_index()
        members = members[codes_in(members["parent"], rows["code"])]
        members["weight"] = members["code"].map(population).astype(float)
        total = members.groupby("parent")["weight"].transform(lambda s: s.sum(min_count=1))
        members["share"] = members["weight"] / total.replace(0, np.nan)
        values = rows.set_index("code")[fields].astype(float)
        for f in fields:
            members[f] = members["parent"].map(values[f]) * members["share"]
        reached = set(members.loc[members["share"].notna(), "parent"])
        no_weight += [c for c in rows["code"] if c not in reached]
        parts.append(members[["code", *fields]])
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["code", *fields])
    reached_n = len(figures) - len(no_weight)
    if reached_n:
        notes.append(msg("split", count=reached_n, levels=tuple(sorted(set(figures["level"]))), hromadas=len(out)))
    if no_weight:
        notes.append(msg("not_split_no_weight", count=len(no_weight), codes=", ".join(no_weight)))
    return out, notes
