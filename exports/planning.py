"""What an export takes from the computed tables: flags, priority columns and the funding plan.

Every figure comes from one :class:`metrics.AtlasTables` (the producer the
screen and the command line read too); nothing here recomputes a measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics import Assumptions, AtlasTables, allocate

__all__ = [
    "FLAG_COLUMNS",
    "FundingPlan",
    "flag_columns",
    "funding_plan",
    "priority_columns",
]

#: Flag columns written on the hromada sheet (``flag_<name>``), by flag name of ``metrics.FLAGS``.
FLAG_COLUMNS = ("no_social_worker", "no_psychologist", "caseload_above")


def flag_columns(tables: AtlasTables) -> pd.DataFrame:
    """``code`` and ``flag_<name>`` per hromada, from the producer's flags."""
    found = tables.flags
    columns = {name: f"flag_{name}" for name in FLAG_COLUMNS if name in found}
    return found[["code", *columns]].rename(columns=columns)


def priority_columns(tables: AtlasTables, level: str) -> pd.DataFrame:
    """``code``, ``priority_rank``, ``priority_index``, ``priority_reasons`` per unit of ``level``."""
    ranked = tables.priority(level)
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
    hromadas: pd.DataFrame, units: pd.DataFrame, assumptions: Assumptions, budget: float, objective: str = "coverage"
) -> FundingPlan:
    """Fund whole positions for ``budget`` UAH a year with ``metrics.allocate`` (exact MILP).

    Raises ``ValueError`` when the arguments are invalid (the allocator names the argument).
    """
    result = allocate(hromadas, units, assumptions, float(budget), objective)
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
