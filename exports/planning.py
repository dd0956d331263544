"""What the planning engine (``metrics``) adds to an export, when it offers it.

The workbook writes WISN measures, flags, the priority rank and the funding
plan when the public API of ``metrics`` computes them; with an older
``metrics`` (coverage only) it writes the coverage measures alone. This
module is the one place that knows how to ask ``metrics`` for them, so the
rest of ``exports`` stays the same while the planning engine grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import metrics
from metrics import StaffingNorm, unit_measures

__all__ = [
    "FLAG_COLUMNS",
    "FundingPlan",
    "add_hromada_planning",
    "funding_plan",
    "has_planning",
    "measures",
    "norm_of",
    "priority",
]

#: Flag columns written on the hromada sheet (``flag_<name>``), by flag name of ``metrics.FLAGS``.
FLAG_COLUMNS = ("no_social_worker", "no_psychologist", "caseload_above")


def norm_of(assumptions) -> StaffingNorm:
    """The community-worker norm of ``assumptions`` (a ``StaffingNorm`` or an object with ``.norm``)."""
    return assumptions if isinstance(assumptions, StaffingNorm) else getattr(assumptions, "norm", assumptions)


def _public(name: str):
    return getattr(metrics, name, None) if name in getattr(metrics, "__all__", ()) else None


def has_planning(assumptions) -> bool:
    """True when ``metrics`` offers the planning measures and ``assumptions`` is a full set of assumptions."""
    return _public("planning_measures") is not None and not isinstance(assumptions, StaffingNorm)


def _with_children(hromadas: pd.DataFrame) -> pd.DataFrame:
    """The hromadas table with ``children`` (the loaders call it ``population_children``)."""
    if "children" not in hromadas and "population_children" in hromadas:
        return hromadas.assign(children=hromadas["population_children"])
    return hromadas


def measures(hromadas: pd.DataFrame, units: pd.DataFrame, level: str, assumptions) -> pd.DataFrame:
    """Every measure per unit of ``level``: ``metrics.planning_measures`` if offered, else ``unit_measures``."""
    if has_planning(assumptions):
        return _public("planning_measures")(_with_children(hromadas), units, level, assumptions)
    return unit_measures(hromadas, units, level, norm_of(assumptions))


def add_hromada_planning(table: pd.DataFrame, hromadas: pd.DataFrame, assumptions) -> pd.DataFrame:
    """``table`` (hromada rows with ``code``) with ``flag_<name>`` columns, when ``metrics`` offers flags."""
    flags = _public("hromada_flags")
    if flags is None or isinstance(assumptions, StaffingNorm):
        return table
    found = flags(_with_children(hromadas), assumptions)
    columns = {name: f"flag_{name}" for name in FLAG_COLUMNS if name in found}
    found = found[["code", *columns]].rename(columns=columns)
    return table.merge(found, on="code", how="left")


def priority(hromadas: pd.DataFrame, units: pd.DataFrame, level: str, assumptions) -> pd.DataFrame | None:
    """``code``, ``priority_rank``, ``priority_index``, ``priority_reasons`` per unit, when ``metrics`` ranks."""
    ranking = _public("priority_ranking")
    if ranking is None or isinstance(assumptions, StaffingNorm):
        return None
    ranked = ranking(_with_children(hromadas), units, assumptions, level)
    return pd.DataFrame(
        {
            "code": ranked["code"],
            "priority_rank": ranked["rank"],
            "priority_index": ranked["priority_index"],
            "priority_reasons": ranked["reasons"],
        }
    )


@dataclass(frozen=True)
class FundingPlan:
    """A funding plan for the workbook: one row per hromada funded, and what the allocator said.

    ``table`` has ``code``, ``oblast_code``, ``{role}_positions``,
    ``positions``, ``cost`` and the figures before and after
    (``workers``, ``gap_fte``, ``people_per_worker``, ``wisn_ratio``);
    ``facts`` are (label_en, value_en, label_uk, value_uk) rows for the cover.
    """

    table: pd.DataFrame
    facts: tuple[tuple[str, object, str, object], ...]


_OBJECTIVE_LABELS = {
    "coverage": ("most people covered to the norm", "найбільше людей, охоплених за нормативом"),
    "equity": ("the worst-off hromadas first", "спершу громади в найгіршому становищі"),
}


def funding_plan(
    hromadas: pd.DataFrame, units: pd.DataFrame, assumptions, budget: float, objective: str = "coverage"
) -> FundingPlan:
    """Fund whole positions for ``budget`` UAH a year with ``metrics.allocate`` (exact MILP).

    Raises ``ValueError`` when ``metrics`` has no allocator or the arguments
    are invalid (the allocator names the argument).
    """
    allocate = _public("allocate")
    if allocate is None or isinstance(assumptions, StaffingNorm):
        raise ValueError("budget: a funding plan needs metrics.allocate and full planning assumptions")
    result = allocate(_with_children(hromadas), units, assumptions, float(budget), objective)
    table = result.hromadas
    table = table[table["positions"] > 0].copy()
    keep = ["code", "oblast_code", *[c for c in table.columns if c.endswith("_positions")], "positions", "cost"]
    for what in ("workers", "gap_fte", "people_per_worker", "wisn_ratio"):
        keep += [c for c in (f"{what}_before", f"{what}_after") if c in table]
    en, uk = _OBJECTIVE_LABELS.get(objective, (objective, objective))
    facts = (
        ("Funding plan: budget, UAH a year", float(budget), "План фінансування: бюджет, грн на рік", float(budget)),
        ("Funding plan: objective", f"{objective}: {en}", "План фінансування: мета", f"{objective}: {uk}"),
        ("Funding plan: spent, UAH a year", result.spent, "План фінансування: витрачено, грн на рік", result.spent),
        ("Funding plan: new positions", result.positions, "План фінансування: нових посад", result.positions),
        ("Funding plan: hromadas funded", len(table), "План фінансування: громад", len(table)),
        ("Funding plan: solver", f"{result.status}: {result.message}", "План фінансування: розв'язок",
         f"{result.status}: {result.message}"),
    )  # fmt: skip
    return FundingPlan(table[keep].reset_index(drop=True), facts)
