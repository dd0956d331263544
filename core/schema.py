"""The schema at the boundary between loaders and metrics: roles, levels and unit-table columns.

Loaders produce ``Dataset.hromadas`` (one row per hromada-level unit) and
``Dataset.units`` (every oblast, raion and hromada); metrics consume them.
Both sides name roles, levels and columns from here and nowhere else, and
:func:`check_hromadas` / :func:`check_units` check a table against the
declared columns, collecting every problem at once (in the manner of
pandera) instead of stopping at the first.

Each column is a :class:`Column`: its name, dtype (``"str"``, ``"float"``,
``"bool"``), unit (``"persons"``, ``"positions"``, ``"cases"``, ``"UAH"``
or ``""``), whether it is required, whether it must be >= 0, and what it
means. Figures are floats with NaN for "not known": a count is never 0 for
"no data".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "ALL_ROLES",
    "COMMUNITY_ROLES",
    "ESTIMATE_FLAGS",
    "HROMADA_COLUMNS",
    "REPORTED_FLAGS",
    "HROMADA_SCHEMA",
    "HROMADA_TYPES",
    "KINDS",
    "LEVELS",
    "OCCUPIED_SINCE_2014",
    "ROLES",
    "USER_ROLES",
    "UNIT_COLUMNS",
    "UNIT_LEVELS",
    "UNITS_SCHEMA",
    "Column",
    "check_hromadas",
    "check_units",
    "role_columns",
]

#: The roles the atlas plans for, in display order.
ROLES = ("social_work_specialist", "social_worker", "psychologist")

#: Every role a staffing file may report (the first three are planned for).
ALL_ROLES = (*ROLES, "case_manager", "children_services_specialist", "other")

#: The community social work roles counted as "workers" (psychologists are counted apart).
COMMUNITY_ROLES = ("social_work_specialist", "social_worker")

#: Roles of the people who sign in, least to most allowed: viewer reads; analyst uploads,
#: publishes and retracts; admin manages users and settings (not workforce roles: see ROLES).
USER_ROLES = ("viewer", "analyst", "admin")

#: Levels at which figures are shown, from the top: Ukraine, oblasts, raions, hromadas.
LEVELS = ("country", "oblast", "raion", "hromada")

#: Levels of the units in the codifier (``Dataset.units["level"]``).
UNIT_LEVELS = LEVELS[1:]

#: Hromada types (from the administrative centre: city, selyshche, village).
HROMADA_TYPES = ("urban", "settlement", "rural")

#: The kinds of table a dataset may hold.
KINDS = ("population", "idp", "staffing", "caseload")

#: ``{kind}_estimated`` flags: True where a hromada's figure was split from an oblast or raion figure.
ESTIMATE_FLAGS = tuple(f"{kind}_estimated" for kind in KINDS)
#: ``{kind}_reported`` flags: True where the table of the kind covers the hromada (a partial return covers
#: some hromadas only; a dataset without the table covers none). Aggregates count only reporting hromadas.
REPORTED_FLAGS = tuple(f"{kind}_reported" for kind in KINDS)

#: Code prefixes of the codifier's units of the Autonomous Republic of Crimea and Sevastopol, occupied since
#: 2014: no table has figures for them, so they are not expected to report (coverage counts the others).
OCCUPIED_SINCE_2014 = ("UA01", "UA85")


@dataclass(frozen=True)
class Column:
    """One declared column of a unit table."""

    name: str
    dtype: str
    unit: str
    meaning: str
    required: bool = False
    non_negative: bool = True


def role_columns(roles: tuple[str, ...] = ROLES) -> list[str]:
    """``{role}_approved`` and ``{role}_filled`` for each role, in order."""
    return [f"{role}_{what}" for role in roles for what in ("approved", "filled")]


def _role_specs() -> list[Column]:
    specs = []
    for i, role in enumerate(ALL_ROLES):
        required = i < len(ROLES)
        specs.append(Column(f"{role}_approved", "float", "positions", f"approved posts of {role}", required))
        specs.append(Column(f"{role}_filled", "float", "positions", f"filled posts of {role}", required))
    return specs


#: The columns of ``Dataset.hromadas``, in order.
HROMADA_SCHEMA: tuple[Column, ...] = (
    Column("code", "str", "", "KATOTTG code of the hromada-level unit", required=True),
    Column("population", "float", "persons", "residents (reference date in the dataset)", required=True),
    Column("idp", "float", "persons", "internally displaced persons present", required=True),
    *_role_specs()[: 2 * len(ROLES)],
    Column("families_sjo", "float", "cases", "families in difficult life circumstances (СЖО)", required=True),
    Column("low_income_families", "float", "cases", "low-income families with children", required=True),
    Column("idp_estimated", "bool", "", "IDP figure split from an oblast or raion figure", required=True),
    Column("population_children", "float", "persons", "children 0-17"),
    Column("population_urban", "float", "persons", "urban residents"),
    Column("idp_children", "float", "persons", "displaced children 0-17"),
    *_role_specs()[2 * len(ROLES) :],
    *[Column(f"{role}_annual_cost", "float", "UAH", f"annual cost of one {role} post") for role in ALL_ROLES],
    Column("children_disabilities", "float", "persons", "children with disabilities"),
    Column("open_cases", "float", "cases", "open cases"),
    Column(
        "home_care_recipients", "float", "cases", "people receiving home care (догляд вдома), the social workers' cases"
    ),
    *[
        Column(flag, "bool", "", f"{flag[: -len('_estimated')]} figure estimated")
        for flag in ESTIMATE_FLAGS
        if flag != "idp_estimated"
    ],
    Column("territorial_status", "str", "", "occupied, hostilities, deoccupied or none (see loaders.status)"),
    *[
        Column(
            flag, "bool", "", f"the {flag[: -len('_reported')]} table has a row for the hromada (or its raion/oblast)"
        )
        for flag in REPORTED_FLAGS
    ],
)

#: Column names of ``Dataset.hromadas``, in order.
HROMADA_COLUMNS = tuple(c.name for c in HROMADA_SCHEMA)

#: The columns of ``Dataset.units``.
UNITS_SCHEMA: tuple[Column, ...] = (
    Column("code", "str", "", "KATOTTG code", required=True),
    Column("pcode", "str", "", "COD-AB P-code", required=True),
    Column("level", "str", "", "oblast, raion or hromada", required=True),
    Column("name_uk", "str", "", "name in Ukrainian", required=True),
    Column("name_en", "str", "", "name in the official transliteration", required=True),
    Column("hromada_type", "str", "", "urban, settlement or rural (hromadas only)", required=True),
    Column("oblast_code", "str", "", "KATOTTG code of the oblast", required=True),
    Column("raion_code", "str", "", "KATOTTG code of the raion (raions and hromadas)", required=True),
)

#: Column names of ``Dataset.units``, in order.
UNIT_COLUMNS = tuple(c.name for c in UNITS_SCHEMA)


def _check(frame: pd.DataFrame, schema: tuple[Column, ...], table: str, key: tuple[str, ...]) -> list[str]:
    problems = []
    for col in schema:
        if col.name not in frame.columns:
            if col.required:
                problems.append(f"{table}: column '{col.name}' ({col.meaning}) is missing")
            continue
        values = frame[col.name]
        if col.dtype == "float":
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                problems.append(f"{table}: column '{col.name}' must be numeric, got {values.dtype}")
                continue
            finite = values.to_numpy(dtype=float)
            if np.isinf(finite).any():
                problems.append(f"{table}: column '{col.name}' has infinite values; unknown must be NaN")
            if col.non_negative and (finite < 0).any():
                rows = frame.loc[values < 0, "code"].head(3).tolist() if "code" in frame else []
                problems.append(f"{table}: column '{col.name}' must be >= 0, negative for {rows}")
        elif col.dtype == "bool":
            if not pd.api.types.is_bool_dtype(values):
                problems.append(f"{table}: column '{col.name}' must be True/False, got {values.dtype}")
    if set(key) <= set(frame.columns) and frame.duplicated(list(key)).any():
        dup = frame.loc[frame.duplicated(list(key)), "code"].head(3).tolist()
        problems.append(f"{table}: codes appear more than once: {dup}")
    return problems


def check_hromadas(frame: pd.DataFrame) -> list[str]:
    """Every way ``frame`` departs from :data:`HROMADA_SCHEMA` (empty: it conforms).

    Checks the required columns are present, figures numeric, finite and
    >= 0 (NaN allowed: not known), flags boolean and codes unique.
    """
    return _check(frame, HROMADA_SCHEMA, "hromada table", ("code",))


def check_units(frame: pd.DataFrame) -> list[str]:
    """Every way ``frame`` departs from :data:`UNITS_SCHEMA`, and levels outside :data:`UNIT_LEVELS`.

    A code may appear once per level: Kyiv city is both a first-level unit and its own hromada-level unit.
    """
    problems = _check(frame, UNITS_SCHEMA, "units table", ("code", "level"))
    if "level" in frame.columns:
        bad = sorted(set(frame["level"].dropna()) - set(UNIT_LEVELS))
        if bad:
            problems.append(f"units table: unknown level(s) {bad}; expected {', '.join(UNIT_LEVELS)}")
    return problems
