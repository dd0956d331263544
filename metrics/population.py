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
Pure: no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BASES", "PopulationBase", "population_base"]

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
