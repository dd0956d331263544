"""What an export takes from the computed tables: flags, priority columns and the funding plan.

Every figure comes from one :class:`metrics.AtlasTables` (the producer the
screen and the command line read too); nothing here recomputes a measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.text import STATUS_LABELS, format_number, reason_text, solver_text, t
from metrics import Allocation, Assumptions, AtlasTables, allocate

__all__ = [
    "FLAG_COLUMNS",
    "PLAN_COLUMNS",
    "FundingPlan",
    "plan_facts",
    "plan_rows",
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


def priority_columns(tables: AtlasTables, level: str, lang: str = "uk") -> pd.DataFrame:
    """``code``, ``priority_rank``, ``priority_index``, ``priority_reasons`` per unit of ``level``.

    The reasons are the producer's codes rendered in ``lang``; a unit listed apart (occupied, or
    scored on too few components) says so instead.
    """
    ranked = tables.priority(level)
    apart = {"occupied": t("brief_priority_apart_occupied", lang), "not_enough_data": t("profile_not_ranked", lang)}
    reasons = [
        apart[away] if isinstance(away, str) else "; ".join(reason_text(c, p, lang) for c, p in codes)
        for away, codes in zip(ranked["listed_apart"], ranked["reason_codes"])
    ]
    return pd.DataFrame(
        {
            "code": ranked["code"],
            "priority_rank": ranked["rank"],
            "priority_index": ranked["priority_index"],
            "priority_reasons": reasons,
        }
    )


#: Columns of a funding-plan table (:func:`plan_rows`), in order; those the allocator fills are written.
PLAN_COLUMNS = (
    "code",
    "hromada_name",
    "oblast_name",
    "territorial_status",
    "role",
    "positions",
    "vacancies_filled",
    "new_posts",
    "cost",
    *[f"cost_year_{y}" for y in range(1, 6)],
    "cumulative_cost",
    "filled_before",
    "filled_after",
    "role_gap_fte",
    "people",
    "workers_before",
    "workers_after",
    "workers_per_10k_before",
    "workers_per_10k_after",
    "people_per_worker_before",
    "people_per_worker_after",
    "wisn_ratio_before",
    "wisn_ratio_after",
    "reason",
)


def plan_rows(result: Allocation, units: pd.DataFrame, lang: str = "uk") -> pd.DataFrame:
    """The one funding-plan table: a row per hromada and role funded, with names, role and the figures around it.

    Every output of a plan (the Funding page and its download, ``python
    app.py allocate --out``, the full workbook, the plan brief) writes this
    table. Rows are in the order of the plan (largest number of positions
    first, then code); ``cumulative_cost`` adds up ``cost`` in that order.
    Names, oblast, role, territorial status and the reasons (``reason``:
    the allocator's reason codes rendered by :func:`core.text.reason_text`)
    are in ``lang``; ``vacancies_filled`` + ``new_posts`` = ``positions``;
    ``cost`` is the programme's cost of the row and ``cost_year_<n>`` its
    cost in each year; ``filled_*`` the role's filled positions before and
    after; ``role_gap_fte`` the role's gap before the plan; ``people``,
    ``workers_*``, ``workers_per_10k_*``, ``people_per_worker_*`` and
    ``wisn_ratio_*`` are the hromada's figures before and after the whole plan.
    """
    allocations = result.allocations
    if allocations.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PLAN_COLUMNS})
    dropped = [c for c in ("oblast_code", "positions", "cost", "status", "vacancies_filled") if c in result.hromadas]
    per_hromada = result.hromadas.drop(columns=dropped)
    table = allocations.rename(columns={"gap_fte": "role_gap_fte"}).merge(per_hromada, on="code", how="left")
    names = units.drop_duplicates("code").set_index("code")[f"name_{lang}"]
    table["hromada_name"] = table["code"].map(names)
    table["oblast_name"] = table["oblast_code"].map(names)
    table["role"] = [t(f"role_{role}", lang) for role in table["role"]]
    labels = STATUS_LABELS.get(lang, STATUS_LABELS["uk"])
    table["territorial_status"] = [labels.get(s, s) if isinstance(s, str) else None for s in table["status"]]
    table["reason"] = ["; ".join(reason_text(c, p, lang) for c, p in reasons) for reasons in table["reasons"]]
    table = table.sort_values(["positions", "code"], ascending=[False, True], kind="stable")
    table["cumulative_cost"] = table["cost"].cumsum()
    return table[[c for c in PLAN_COLUMNS if c in table]].reset_index(drop=True)


def plan_facts(result: Allocation, parameters: tuple[tuple[str, object], ...] = ()) -> tuple:
    """What a plan's cover says: (label_en, value_en, label_uk, value_uk) rows of the budget, objective, answer
    and caveat.

    ``parameters`` are further (catalogue key, value) rows the caller set:
    roles allowed, constraints, caps. The solver's answer, the objective in
    words and the territorial statuses left out are written in each
    language (:func:`core.text.solver_text`).
    """
    what = result.equity_measure or result.objective
    objective = result.objective if result.objective != "equity" else f"equity: {result.equity_measure}"

    def said(lang: str) -> dict[str, object]:
        statuses = STATUS_LABELS.get(lang, STATUS_LABELS["uk"])
        left_out = ", ".join(f"{statuses.get(k, k)}: {v}" for k, v in result.excluded_status.items())
        return {
            "plan_objective": f"{objective} — {t(f'cli_objective_{what}', lang)}",
            "plan_status": solver_text(result.messages, lang),
            "plan_excluded_status": left_out or "-",
            "plan_cost_by_year": " / ".join(format_number(c, 0, lang) for c in result.cost_by_year),
            "plan_greedy": " / ".join(
                (
                    format_number(result.greedy_positions, 0, lang),
                    format_number(result.greedy_spent, 0, lang),
                    format_number(result.greedy_objective_value, 1, lang),
                )
            ),
            "plan_caveat": t("plan_caveat_text", lang),
        }

    rows = [
        ("plan_budget", float(result.budget)),
        ("plan_years", int(result.years)),
        ("plan_objective", None),
        *parameters,
        ("plan_status", None),
        ("plan_spent", float(result.spent)),
        ("plan_cost_by_year", None),
        ("plan_positions", int(result.positions)),
        ("plan_vacancies", int(result.vacancies_filled)),
        ("plan_served", float(result.people_served)),
        ("plan_excluded_status", None),
        ("plan_hromadas", int(result.hromadas_funded)),
        ("plan_objective_value", result.objective_value),
        ("plan_greedy", None),
        ("plan_mip_gap", result.mip_gap),
        ("plan_caveat", None),
    ]
    en, uk = said("en"), said("uk")
    return tuple((t(key, "en"), en.get(key, value), t(key, "uk"), uk.get(key, value)) for key, value in rows)


@dataclass(frozen=True)
class FundingPlan:
    """A funding plan for the workbook: one row per hromada and role funded, and what the allocator said.

    ``table`` is :func:`plan_rows`; ``facts`` are (label_en, value_en,
    label_uk, value_uk) rows for the cover (:func:`plan_facts`); ``result``
    is what the allocator answered.
    """

    table: pd.DataFrame
    facts: tuple[tuple[str, object, str, object], ...]
    result: Allocation


def funding_plan(
    hromadas: pd.DataFrame,
    units: pd.DataFrame,
    assumptions: Assumptions,
    budget: float,
    objective: str = "coverage",
    lang: str = "uk",
) -> FundingPlan:
    """Fund positions for a programme budget of ``budget`` UAH with ``metrics.allocate`` (exact), as :func:`plan_rows`.

    Raises ``ValueError`` when the arguments are invalid (the allocator names the argument).
    """
    result = allocate(hromadas, units, assumptions, float(budget), objective)
    return FundingPlan(plan_rows(result, units, lang), plan_facts(result), result)
