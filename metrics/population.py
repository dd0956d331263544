"""The population base of need: whom the norm counts, an explicit assumption that counts no one twice.

Bases (``[population] base`` in ``data/assumptions.toml``):

``pre_war``
    Residents on 1 January 2022 (the State Statistics Service estimate).
``residents_plus_idp``
    Residents + IDP weight x IDPs hosted now. An **upper bound**: a
    displaced person is counted at the origin (in the 2022 figure) and
    again where they live now; occupied territory is counted.
``present`` (default)
    A present-population estimate that counts each displaced person once
    and leaves occupied territory out:
    base = residents - outflow + IDP weight x hosted IDPs, for hromadas not
    occupied; occupied hromadas have no base (left out of need).

Outflow (the displaced taken off at their origin): the IDPs counted where
they live now (the hosted total H over the dataset) are split among the
oblasts of origin by IOM's oblast-of-origin shares (``origin_shares``; the
share left over, "other oblasts", among the oblasts not named, pro rata to
their 2022 residents). Within an oblast, displacement is taken as coming
from all its 2022 residents alike, so the part from its occupied
hromadas is gone with them, and the rest is taken off its other hromadas
pro rata to their residents:
outflow_h = H x share_o x residents_h / residents_o.

A hromada whose base cannot be computed in full falls back visibly:
without a hosted-IDP figure, hosted IDPs count 0 (``base_fallback`` =
"no_idp", a lower bound); without residents, no base ("no_residents").
Children (0-17) are counted in the same base (:func:`children_estimate`):
where the hromada table gives ``population_children`` it is used as given;
elsewhere children = the oblast's share of residents aged 0-17 (State
Statistics, 1 January 2022, ``[population.children_share]``) x the
hromada's base, flagged ``children_estimated``. Hromadas without a base
(occupied, under the present base) have no children in the need either.

Pure: no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BASES", "PopulationBase", "children_estimate", "population_base"]

BASES = ("pre_war", "residents_plus_idp", "present")


@dataclass(frozen=True)
class PopulationBase:
    """The base per hromada and its national reconciliation.

    Attributes
    ----------
    frame
        ``code``, ``base`` (people), ``outflow``, ``hosted``, ``base_fallback``
        (None, ``"no_idp"``, ``"no_residents"`` or ``"occupied"``), aligned with the input.
    reconciliation
        ``residents``, ``occupied``, ``outflow``, ``hosted``, ``base``:
        residents 2022 - residents of occupied hromadas - outflow + hosted
        (x IDP weight) = base, over the hromadas with residents.
    fallbacks
        Oblast P-code -> number of its hromadas that fell back (hosted IDPs unknown).
    """

    frame: pd.DataFrame
    reconciliation: dict[str, float]
    fallbacks: dict[str, int]


def _number(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def population_base(
    hromadas: pd.DataFrame,
    base: str = "present",
    idp_weight: float = 1.0,
    origin_shares: dict[str, float] | None = None,
) -> PopulationBase:
    """The population base of each hromada (see the module docstring for the rules).

    Parameters
    ----------
    hromadas
        ``code`` (KATOTTG; its first 4 characters are the oblast P-code),
        ``population``, ``idp``, optional ``territorial_status``.
    base
        One of :data:`BASES`.
    idp_weight
        How much one hosted IDP counts.
    origin_shares
        Oblast P-code -> share of IDPs who come from that oblast (the rest
        among the other oblasts by residents).

    Notes
    -----
    - pre_war: base = residents
    - residents_plus_idp: base = residents + w x hosted (unknown where hosted is)
    - present: base = residents - outflow + w x hosted for hromadas not
      occupied (hosted unknown: 0); outflow_h = H x share_o x residents_h /
      residents_o, H = sum of hosted IDPs known, residents_o = the 2022
      residents of all hromadas of oblast o (occupied included)
    """
    if base not in BASES:
        raise ValueError(f"population.base must be one of {', '.join(BASES)}, got {base!r}")
    codes = hromadas["code"].astype(str)
    residents = _number(hromadas, "population")
    hosted = _number(hromadas, "idp")
    status = (
        hromadas["territorial_status"].astype(object)
        if "territorial_status" in hromadas
        else pd.Series([None] * len(hromadas), index=hromadas.index, dtype=object)
    )
    occupied = (status == "occupied").to_numpy()
    oblast = codes.str[:4]
    fallback = pd.Series([None] * len(hromadas), index=hromadas.index, dtype=object)
    outflow = pd.Series(0.0, index=hromadas.index)
    if base == "pre_war":
        value = residents.copy()
    elif base == "residents_plus_idp":
        value = residents + idp_weight * hosted  # unknown where the IDP figure is (the allocator may use residents)
    else:
        total_hosted = float(hosted.sum(skipna=True))
        by_oblast = residents.groupby(oblast).sum(min_count=1)
        shares = dict(origin_shares or {})
        named = {o: s for o, s in shares.items() if o in by_oblast.index}
        rest = max(0.0, 1.0 - sum(named.values()))
        others = by_oblast.drop(index=list(named), errors="ignore").dropna()
        share = pd.Series(0.0, index=by_oblast.index)
        for o, s in named.items():
            share[o] = s
        if others.sum() > 0:
            share[others.index] = rest * others / others.sum()
        per_resident = (total_hosted * share / by_oblast.where(by_oblast > 0)).fillna(0.0)
        outflow = residents * oblast.map(per_resident).fillna(0.0)
        value = residents - outflow + idp_weight * hosted.fillna(0.0)
        fallback[hosted.isna() & residents.notna()] = "no_idp"
        value[occupied] = np.nan
        fallback[occupied & residents.notna().to_numpy()] = "occupied"
    fallback[residents.isna()] = "no_residents"
    value = value.where(residents.notna())
    frame = pd.DataFrame(
        {
            "code": hromadas["code"].to_numpy(),
            "base": value.clip(lower=0.0).to_numpy(),
            "outflow": outflow.where(~pd.Series(occupied, index=hromadas.index), 0.0).to_numpy(),
            "hosted": hosted.to_numpy(),
            "base_fallback": fallback.to_numpy(),
        },
        index=hromadas.index,
    )
    known = residents.notna()
    w_hosted = idp_weight * hosted.fillna(0.0)
    reconciliation = {
        "residents": float(residents[known].sum()),
        "occupied": float(residents[known & occupied].sum()) if base == "present" else 0.0,
        "outflow": float(frame.loc[known & ~occupied, "outflow"].sum()) if base == "present" else 0.0,
        "hosted": float(w_hosted[known & ~occupied].sum()) if base != "pre_war" else 0.0,
        "base": float(frame.loc[known, "base"].sum()),
    }
    no_idp = frame["base_fallback"] == "no_idp"
    fallbacks = {str(k): int(v) for k, v in oblast[no_idp].value_counts().sort_index().items()}
    return PopulationBase(frame, reconciliation, fallbacks)


def children_estimate(
    hromadas: pd.DataFrame,
    base: pd.Series,
    children_shares: dict[str, float] | None = None,
    left_out: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Children 0-17 per hromada and whether each figure is estimated.

    Parameters
    ----------
    hromadas
        ``code`` (its first 4 characters are the oblast P-code), optional
        ``population_children`` (children given by the hromada table).
    base
        The population base of each hromada (:func:`population_base`), aligned with ``hromadas``.
    children_shares
        Oblast P-code -> residents aged 0-17 / all residents (State Statistics, 1 Jan 2022).
    left_out
        True for hromadas left out of need (occupied, under the present base): no children.

    Returns
    -------
    ``(children, estimated)``: floats (NaN: not known) and booleans, aligned with ``hromadas``.

    Notes
    -----
    - children_h = population_children_h where the table gives it (not estimated)
    - otherwise children_h = children_share_o x base_h (estimated): children
      are counted in the population base in use, so displaced children are
      taken off at the origin and added where they live like everyone else
      (at the host oblast's share) and occupied hromadas have none under
      the present base
    - no share for the oblast (Crimea, Sevastopol) or no base: NaN (no data)
    - a hromada left out of need (occupied) has no children, given or estimated
    """
    given = _number(hromadas, "population_children")
    base = pd.to_numeric(base, errors="coerce").astype(float)
    share = hromadas["code"].astype(str).str[:4].map(dict(children_shares or {})).astype(float)
    children = given.where(given.notna(), share * base)
    if left_out is not None:
        children = children.where(~left_out.to_numpy(dtype=bool))
    estimated = given.isna() & children.notna()
    return children, estimated.astype(bool)
