"""Population, IDP, staffing and caseload tables keyed by hromada code.

Each reader returns ``(frame, report)``: a DataFrame with one row per
hromada-level unit (column ``code``, the KATOTTG code) and the report of
every problem found. Rows are matched to units by KATOTTG code or COD-AB
P-code; a row that matches no hromada is an error naming the row. The
readers raise :class:`~loaders.errors.DataValidationError` when the file has
errors, so nothing half-read is ever used.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ValidationReport
from .tables import normalise_header, parse_number, read_table

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "read_population",
    "read_idp",
    "read_staffing",
    "read_caseload",
    "match_codes",
]

#: Workforce roles, in display order, with Ukrainian and English labels.
ROLES = ("social_work_specialist", "social_worker", "psychologist")
ROLE_LABELS = {
    "social_work_specialist": ("Фахівець із соціальної роботи", "Social work specialist"),
    "social_worker": ("Соціальний працівник", "Social worker"),
    "psychologist": ("Психолог", "Psychologist"),
}
_ROLE_ALIASES = {
    normalise_header(alias): role
    for role, labels in ROLE_LABELS.items()
    for alias in (
        *labels,
        role,
        *{
            "social_work_specialist": ("фахівці із соціальної роботи", "фахівець з соціальної роботи", "ФСР"),
            "social_worker": ("соціальні працівники", "соцпрацівник"),
            "psychologist": ("психологи", "практичний психолог"),
        }[role],
    )
}

_CODE_ALIASES = (
    "код катоттг",
    "катоттг",
    "код",
    "код громади",
    "katottg",
    "code",
    "hromada_code",
    "pcode",
    "adm3_pcode",
    "p-code",
)
_NAME_ALIASES = ("громада", "назва громади", "назва", "hromada", "name", "hromada_name", "adm3_ua", "adm3_en")
_CODE_PATTERN = re.compile(r"^UA\d{2}(\d{2}(\d{3}(\d{3}(\d{5})?)?)?)?$")


def match_codes(frame: pd.DataFrame, units: pd.DataFrame, report: ValidationReport) -> pd.Series:
    """KATOTTG code of the hromada-level unit of each row, or None.

    A cell may hold the unit's KATOTTG code (``UA05020030000031457``) or its
    COD-AB P-code (``UA0502003``); Kyiv city is ``UA80000000000093317`` or
    ``UA8000000``. Codes of other levels and unknown codes are errors.
    """
    hromadas = units[units["level"] == "hromada"]
    by_code = dict(zip(hromadas["code"], hromadas["code"]))
    by_pcode = dict(zip(hromadas["pcode"], hromadas["code"]))
    other_levels = dict(
        zip(units.loc[units["level"] != "hromada", "code"], units.loc[units["level"] != "hromada", "level"])
    )
    other_levels.update(
        zip(units.loc[units["level"] != "hromada", "pcode"], units.loc[units["level"] != "hromada", "level"])
    )
    result = []
    for raw_code, row in zip(frame["code"], frame["_row"]):
        code = "" if raw_code is None or (isinstance(raw_code, float) and np.isnan(raw_code)) else str(raw_code)
        code = re.sub(r"\s+", "", code).upper()
        matched = by_code.get(code) or by_pcode.get(code)
        if matched is None:
            if not code:
                report.error("empty code; expected a KATOTTG code or COD-AB P-code", row=int(row), column="code")
            elif code in other_levels:
                report.error(
                    f"code {code} is a{'n' if other_levels[code] == 'oblast' else ''} {other_levels[code]}, "
                    "a hromada-level code was expected",
                    row=int(row),
                    column="code",
                )
            elif not _CODE_PATTERN.match(code):
                report.error(
                    f"'{raw_code}' is not a KATOTTG code or P-code (expected e.g. UA05020030000031457)",
                    row=int(row),
                    column="code",
                )
            else:
                report.error(f"code {code} matches no hromada in the codifier", row=int(row), column="code")
        result.append(matched)
    return pd.Series(result, index=frame.index, dtype=object)


def _numbers(frame: pd.DataFrame, column: str, report: ValidationReport, *, allow_missing: bool = True) -> pd.Series:
    values = []
    for value, row in zip(frame[column], frame["_row"]):
        try:
            number = parse_number(value)
        except ValueError as exc:
            report.error(str(exc), row=int(row), column=column)
            number = np.nan
        else:
            if number < 0:
                report.error(f"must be >= 0, got {value}", row=int(row), column=column)
                number = np.nan
            elif np.isnan(number) and not allow_missing:
                report.error("value is missing", row=int(row), column=column)
        values.append(number)
    return pd.Series(values, index=frame.index, dtype=float)


def _keyed(frame: pd.DataFrame, units: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    frame = frame.copy()
    frame["code"] = match_codes(frame, units, report)
    duplicated = frame["code"].notna() & frame["code"].duplicated(keep="first")
    for code, row in zip(frame.loc[duplicated, "code"], frame.loc[duplicated, "_row"]):
        first = int(frame.loc[frame["code"] == code, "_row"].iloc[0])
        report.error(f"hromada {code} appears again (first in row {first})", row=int(row), column="code")
    return frame


def _read(
    path: Path,
    kind: str,
    aliases: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    units: pd.DataFrame,
    sheet: str | int | None,
) -> tuple[pd.DataFrame, ValidationReport]:
    report = ValidationReport(f"{kind} file {Path(path).name}")
    frame = read_table(path, aliases, required, report, sheet)
    report.raise_if_errors()
    frame = _keyed(frame, units, report)
    return frame, report


def read_population(
    path: Path, units: pd.DataFrame, sheet: str | int | None = None
) -> tuple[pd.DataFrame, ValidationReport]:
    """Residents by hromada: columns ``code``, ``population``."""
    aliases = {
        "code": _CODE_ALIASES,
        "name": _NAME_ALIASES,
        "population": (
            "чисельність населення",
            "чисельність наявного населення",
            "населення",
            "population",
            "total_population_2022",
            "residents",
            "кількість населення",
        ),
    }
    frame, report = _read(path, "population", aliases, ("code", "population"), units, sheet)
    frame["population"] = _numbers(frame, "population", report)
    report.raise_if_errors()
    return frame[["code", "population"]].reset_index(drop=True), report


def read_idp(path: Path, units: pd.DataFrame, sheet: str | int | None = None) -> tuple[pd.DataFrame, ValidationReport]:
    """Internally displaced persons by hromada: ``code``, ``idp``, ``idp_estimated``.

    ``idp_estimated`` is True where the file says the figure was estimated
    (a column "Оцінка" / "estimated" holding так/yes/1/true), e.g. by
    distributing an oblast estimate to hromadas.
    """
    aliases = {
        "code": _CODE_ALIASES,
        "name": _NAME_ALIASES,
        "idp": ("кількість впо", "впо", "внутрішньо переміщені особи", "idp", "idps", "idp_count"),
        "estimated": ("оцінка", "оціночні дані", "estimated", "is_estimated"),
    }
    frame, report = _read(path, "IDP", aliases, ("code", "idp"), units, sheet)
    frame["idp"] = _numbers(frame, "idp", report)
    if "estimated" in frame:
        frame["idp_estimated"] = frame["estimated"].map(
            lambda v: normalise_header(v) in {"так", "yes", "1", "true", "1.0"}
        )
    else:
        frame["idp_estimated"] = False
    report.raise_if_errors()
    return frame[["code", "idp", "idp_estimated"]].reset_index(drop=True), report


def read_staffing(
    path: Path, units: pd.DataFrame, sheet: str | int | None = None
) -> tuple[pd.DataFrame, ValidationReport]:
    """Approved and filled positions by hromada and role, one row per hromada.

    The file is long: one row per hromada and role, with columns code,
    role (``Посада``), approved positions and filled positions. Returns
    ``code`` and ``{role}_approved``, ``{role}_filled`` for each of
    :data:`ROLES` (NaN where the file has no row for that role).
    """
    aliases = {
        "code": _CODE_ALIASES,
        "name": _NAME_ALIASES,
        "role": ("посада", "роль", "role", "position"),
        "approved": ("затверджено штатних одиниць", "штатні посади", "затверджено", "approved", "approved_positions"),
        "filled": ("фактично зайнято", "зайнято", "зайняті посади", "filled", "filled_positions", "staff"),
    }
    frame, report = _read(path, "staffing", aliases, ("code", "role", "approved", "filled"), units, sheet)
    # one hromada has several rows (one per role): duplicates are per (code, role)
    report.issues = [i for i in report.issues if "appears again" not in i.message]
    roles = []
    for value, row in zip(frame["role"], frame["_row"]):
        role = _ROLE_ALIASES.get(normalise_header(value))
        if role is None:
            known = ", ".join(f"'{labels[0]}'" for labels in ROLE_LABELS.values())
            report.error(f"unknown role '{value}'; expected one of {known}", row=int(row), column="role")
        roles.append(role)
    frame["role"] = roles
    frame["approved"] = _numbers(frame, "approved", report)
    frame["filled"] = _numbers(frame, "filled", report)
    over = frame["filled"] > frame["approved"]
    for row in frame.loc[over, "_row"]:
        report.warn("more filled positions than approved ones", row=int(row))
    dup = frame["code"].notna() & frame.duplicated(["code", "role"], keep="first")
    for row, code, role in zip(frame.loc[dup, "_row"], frame.loc[dup, "code"], frame.loc[dup, "role"]):
        report.error(f"hromada {code}, role {role} appears again", row=int(row))
    report.raise_if_errors()
    wide = frame.pivot(index="code", columns="role", values=["approved", "filled"])
    wide.columns = [f"{role}_{what}" for what, role in wide.columns]
    for role in ROLES:
        for what in ("approved", "filled"):
            if f"{role}_{what}" not in wide:
                wide[f"{role}_{what}"] = np.nan
    columns = [f"{role}_{what}" for role in ROLES for what in ("approved", "filled")]
    return wide[columns].rename_axis(None, axis=1).reset_index(), report


def read_caseload(
    path: Path, units: pd.DataFrame, sheet: str | int | None = None
) -> tuple[pd.DataFrame, ValidationReport]:
    """Open cases by hromada: ``families_sjo`` (families with children in difficult
    life circumstances, СЖО) and ``low_income_families`` (low-income families
    with children)."""
    aliases = {
        "code": _CODE_ALIASES,
        "name": _NAME_ALIASES,
        "families_sjo": (
            "сім'ї у сжо",
            "сім'ї у складних життєвих обставинах",
            "сжо",
            "families_sjo",
            "families in difficult life circumstances",
        ),
        "low_income_families": (
            "малозабезпечені сім'ї з дітьми",
            "малозабезпечені сім'ї",
            "low_income_families",
            "low-income families with children",
        ),
    }
    frame, report = _read(path, "caseload", aliases, ("code", "families_sjo"), units, sheet)
    frame["families_sjo"] = _numbers(frame, "families_sjo", report)
    frame["low_income_families"] = (
        _numbers(frame, "low_income_families", report) if "low_income_families" in frame else np.nan
    )
    report.raise_if_errors()
    return frame[["code", "families_sjo", "low_income_families"]].reset_index(drop=True), report
