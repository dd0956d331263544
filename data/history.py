"""The demo over time: quarterly staffing snapshots (synthetic) and IDPs by IOM round (cited facts).

The embedded demo (``data/demo``) is one moment: staffing 2025-Q4 and IDPs
of IOM DTM round 20 (30 Apr 2025). This module gives the periods before it,
for the store (``store.demo.publish_demo`` publishes them with the demo):

* :func:`staffing_history`: synthetic staffing snapshots for 2024-Q1 to
  2025-Q3, **labelled synthetic**, walked backwards from the demo's 2025-Q4
  table so that the latest quarter equals the demo exactly. Each quarter,
  per hromada and role, some workers leave (departures, 3 % a quarter),
  some vacancies are filled (hires, about 3.5 % of the workers a quarter were
  hired in it) and some positions are opened (about 1 in 12 hromada-roles a
  quarter opens one). Seen forward: filled(t) = filled(t-1) + hires −
  departures; approved(t) = approved(t-1) + opened; 0 ≤ filled ≤ approved.
  The walk is deterministic (seed 20240101).
* :func:`idp_rounds`: IDPs for IOM DTM GPS rounds 18 (31 Oct 2024) and 19
  (31 Dec 2024), from the oblast estimates in ``data/idp_rounds.csv``
  (with round 20; source and licence in ``data/README.md``). Each hromada's
  round-20 demo figure is scaled by its oblast's round-N / round-20 ratio,
  so the split within an oblast is the demo's and every oblast sums to the
  published figure; every hromada figure stays marked estimated.

``python -m data.history --rounds FOLDER`` rebuilds ``data/idp_rounds.csv``
from the IOM workbooks (``idp-estimates-r18_publish.xlsx`` ...).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["IDP_ROUNDS", "STAFFING_QUARTERS", "build_idp_rounds", "idp_rounds", "staffing_history"]

HERE = Path(__file__).resolve().parent
ROUNDS_CSV = HERE / "idp_rounds.csv"
#: IOM DTM General Population Survey round -> reference date (end of its fieldwork period).
IDP_ROUNDS = {18: "2024-10-31", 19: "2024-12-31", 20: "2025-04-30"}
#: The quarters of the synthetic staffing history; the last is the demo's own table.
STAFFING_QUARTERS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
_DEPARTURE_RATE = 0.03
_HIRE_RATE = 0.035
_OPEN_RATE = 1 / 40
_SEED = 20240101


def staffing_history(latest: pd.DataFrame, quarters: tuple[str, ...] = STAFFING_QUARTERS) -> dict[str, pd.DataFrame]:
    """Quarter -> staffing figures (the shape of ``latest``); the last quarter is ``latest`` itself.

    Notes
    -----
    The forward model of one quarter, per hromada and role:
    approved(t) = approved(t-1) + opened(t);
    filled(t) = filled(t-1) − departures(t) + hires(t);
    0 ≤ filled ≤ approved. Walking back from (approved, filled) at t:
    opened ~ Bernoulli(1/40) where approved ≥ 1; approved(t-1) = approved − opened;
    hires ~ Binomial(filled, 0.035), at least filled − approved(t-1);
    departures ~ Binomial(filled − hires, 0.03), at most the room left
    under approved(t-1); filled(t-1) = filled − hires + departures.
    Missing figures stay missing.
    """
    rng = np.random.default_rng(_SEED)
    roles = sorted({c[: -len("_approved")] for c in latest.columns if c.endswith("_approved")})
    out = {quarters[-1]: latest.copy()}
    current = latest.copy()
    for quarter in reversed(quarters[:-1]):
        previous = current.copy()
        for role in roles:
            approved, filled = current[f"{role}_approved"], current[f"{role}_filled"]
            known = (approved.notna() & filled.notna()).to_numpy()
            a = approved.to_numpy(dtype=float)[known].round()
            f = np.minimum(filled.to_numpy(dtype=float)[known].round(), a)
            opened = (rng.random(len(a)) < _OPEN_RATE) & (a >= 1)
            a_prev = a - opened
            hires = np.maximum(rng.binomial(f.astype(int), _HIRE_RATE), f - a_prev)
            room = a_prev - (f - hires)
            departures = np.minimum(rng.binomial((f - hires).astype(int), _DEPARTURE_RATE), room)
            previous.loc[known, f"{role}_approved"] = a_prev
            previous.loc[known, f"{role}_filled"] = f - hires + departures
        out[quarter] = previous
        current = previous
    return {q: out[q] for q in quarters}


def build_idp_rounds(folder: Path) -> pd.DataFrame:
    """The oblast IDP estimates of IOM rounds 18-20 read (and validated) from the IOM workbooks in ``folder``."""
    from loaders import default_units, read_figures
    from loaders.names import unit_index

    index = unit_index(default_units())
    units = default_units()
    pcodes = units[units["level"] == "oblast"].set_index("code")["pcode"]
    rows = []
    for number, date in IDP_ROUNDS.items():
        frame, report = read_figures(folder / f"idp-estimates-r{number}_publish.xlsx", "idp", index)
        report.raise_if_errors()
        for row in frame.itertuples():
            rows.append(
                {
                    "round": number,
                    "reference_date": date,
                    "code": row.code,
                    "pcode": pcodes.get(row.code, ""),
                    "idp": None if pd.isna(row.idp) else int(row.idp),
                }
            )
    out = pd.DataFrame(rows).sort_values(["round", "pcode"]).reset_index(drop=True)
    out["idp"] = out["idp"].astype("Int64")
    return out


def idp_rounds(
    latest: pd.DataFrame, units: pd.DataFrame, rounds: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Reference date -> IDP figures for rounds 18 and 19 (hromada level, shaped like ``latest``: the demo's round 20).

    A hromada's figure is its round-20 figure × (its oblast's round-N total /
    round-20 total); an oblast without an estimate in either round has no data.
    """
    rounds = pd.read_csv(ROUNDS_CSV, dtype={"code": str, "pcode": str}) if rounds is None else rounds
    oblast_of = units[units["level"] == "hromada"].drop_duplicates("code").set_index("code")["oblast_code"]
    latest_round = max(IDP_ROUNDS)
    base = rounds[rounds["round"] == latest_round].set_index("code")["idp"]
    out = {}
    for number, date in IDP_ROUNDS.items():
        if number == latest_round:
            continue
        ratio = rounds[rounds["round"] == number].set_index("code")["idp"] / base
        frame = latest.copy()
        factor = frame["code"].map(oblast_of).map(ratio).astype(float)
        frame["idp"] = frame["idp"].astype(float) * factor
        if "idp_children" in frame:
            frame["idp_children"] = frame["idp_children"].astype(float) * factor
        out[date] = frame
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild data/idp_rounds.csv from the IOM DTM workbooks.")
    parser.add_argument("--rounds", type=Path, required=True, help="folder with idp-estimates-r18_publish.xlsx ...")
    args = parser.parse_args(argv)
    build_idp_rounds(args.rounds).to_csv(ROUNDS_CSV, index=False)
    print(f"wrote {ROUNDS_CSV}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
