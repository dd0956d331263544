"""What each exported column is: its headers in Ukrainian and English, its kind and number format.

Every sheet of a workbook (and every CSV) is driven by this spec: a writer
looks a column up here by name and learns how to store it (text or number),
how to show it (number format, width) and whether it gets a colour scale.
To export a new measure, add one :class:`ColumnSpec` to :data:`COLUMNS`;
a column missing here is still written, as text or number by its dtype,
with its name as header.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.schema import ALL_ROLES, ROLES
from core.text import label

__all__ = ["COLUMNS", "KINDS", "ColumnSpec", "column_spec", "columns_for"]

#: Kinds of column and the Excel number format each one gets by default.
#: ``code`` and ``text`` are stored as text (codes never become numbers);
#: ``flag`` as localised yes/no text; ``mixed`` cell by cell (a number as a
#: number, anything else as text); the rest as numbers.
KINDS: dict[str, str | None] = {
    "code": "@",
    "text": None,
    "flag": None,
    "count": "#,##0",
    "positions": "#,##0.0",
    "ratio": "#,##0.0",
    "percent": "0.0%",
    "rank": "0",
    "money": "#,##0",
    "number": "General",
    "mixed": "General",
}
_TEXT_KINDS = frozenset({"code", "text", "flag"})


@dataclass(frozen=True)
class ColumnSpec:
    """One exported column.

    Attributes
    ----------
    name
        Column name in the tables the exporter receives; its header in
        Ukrainian and English is the catalogue's label (``core.text.label``).
    kind
        One of :data:`KINDS`: how the values are stored and shown.
    number_format
        Excel number format; default: the format of ``kind``.
    scale
        Colour scale on the column: ``"more_is_worse"`` (a gap: positive,
        i.e. positions missing, in orange; negative in blue; white at
        ``midpoint``) or ``"less_is_worse"`` (a WISN difference or ratio:
        below ``midpoint`` is a shortage, in orange). ``None``: no scale.
    midpoint
        The value shown white by the colour scale (0 for a gap, 1 for a ratio).
    """

    name: str
    kind: str = "number"
    number_format: str | None = None
    scale: str | None = None
    midpoint: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.scale not in (None, "more_is_worse", "less_is_worse"):
            raise ValueError(
                f"column {self.name!r}: scale must be None, 'more_is_worse' or 'less_is_worse', got {self.scale!r}"
            )

    @property
    def is_text(self) -> bool:
        """True when the column is stored as text (codes, names, flags)."""
        return self.kind in _TEXT_KINDS

    @property
    def format(self) -> str | None:
        """The Excel number format the cells get."""
        return self.number_format or KINDS[self.kind]

    def header(self, lang: str) -> str:
        """The header in ``lang`` (``"uk"`` or ``"en"``)."""
        return label(self.name, lang)


def _role_columns() -> list[ColumnSpec]:
    return [ColumnSpec(f"{role}_{what}", "positions") for role in ALL_ROLES for what in ("approved", "filled")]


_SPECS = [
    # who and where
    ColumnSpec("code", "code"),
    ColumnSpec("pcode", "code"),
    ColumnSpec("name_uk", "text"),
    ColumnSpec("name_en", "text"),
    ColumnSpec("oblast_code", "code"),
    ColumnSpec("oblast_name", "text"),
    ColumnSpec("raion_code", "code"),
    ColumnSpec("raion_name", "text"),
    ColumnSpec("hromada_type", "text"),
    ColumnSpec("hromadas", "count"),
    ColumnSpec("hromadas_expected", "count"),
    *[ColumnSpec(f"{kind}_reporting", "count") for kind in ("population", "idp", "staffing", "caseload")],
    ColumnSpec("coverage", "text"),
    # people and cases
    ColumnSpec("population", "count"),
    ColumnSpec("population_estimated", "flag"),
    ColumnSpec("idp", "count"),
    ColumnSpec("idp_estimated", "flag"),
    ColumnSpec("population_incl_idp", "count"),
    ColumnSpec("idp_share", "percent"),
    ColumnSpec("children", "count"),
    ColumnSpec("children_estimated", "flag"),
    ColumnSpec("families_sjo", "count"),
    ColumnSpec("low_income_families", "count"),
    ColumnSpec("home_care_recipients", "count"),
    ColumnSpec("cases", "count"),
    ColumnSpec("caseload_per_worker", "ratio"),
    # staff
    *_role_columns(),
    ColumnSpec("workers", "positions"),
    ColumnSpec("approved_positions", "positions"),
    ColumnSpec("vacancies", "positions"),
    ColumnSpec("vacancy_rate", "percent"),
    ColumnSpec("psychologists", "positions"),
    ColumnSpec("staffing_estimated", "flag"),
    ColumnSpec("hromadas_no_social_worker", "count"),
    ColumnSpec("hromadas_no_psychologist", "count"),
    ColumnSpec(
        "hromadas_caseload_above",
        "count",
    ),
    ColumnSpec("flag_no_social_worker", "flag"),
    ColumnSpec("flag_no_psychologist", "flag"),
    ColumnSpec("flag_caseload_above", "flag"),
    # ratios
    ColumnSpec("workers_per_10k", "ratio"),
    ColumnSpec("workers_per_10k_incl_idp", "ratio"),
    ColumnSpec("workers_per_100k_children", "ratio"),
    ColumnSpec("workers_per_10k_children", "ratio"),
    ColumnSpec("children_per_worker", "ratio", "#,##0"),
    ColumnSpec("residents_per_worker", "ratio", "#,##0"),
    ColumnSpec("psychologists_per_100k", "ratio"),
    # need and gap
    ColumnSpec("required_fte", "positions"),
    ColumnSpec("gap_fte", "positions", scale="more_is_worse"),
    ColumnSpec(
        "shortfall_fte",
        "positions",
        scale="more_is_worse",
    ),
    ColumnSpec("psychologist_required_fte", "positions"),
    ColumnSpec("psychologist_gap_fte", "positions", scale="more_is_worse"),
    ColumnSpec("children_required_fte", "positions"),
    ColumnSpec("children_gap_fte", "positions", scale="more_is_worse"),
    ColumnSpec("wisn_required", "positions"),
    ColumnSpec(
        "wisn_difference",
        "positions",
        scale="less_is_worse",
    ),
    ColumnSpec(
        "wisn_ratio",
        "ratio",
        "0.00",
        scale="less_is_worse",
        midpoint=1.0,
    ),
    ColumnSpec("wisn_shortfall", "positions", scale="more_is_worse"),
    *[
        spec
        for role in ROLES
        for spec in (
            ColumnSpec(f"{role}_wisn_required", "positions"),
            ColumnSpec(f"{role}_wisn_ratio", "ratio", "0.00", scale="less_is_worse", midpoint=1.0),
            ColumnSpec(f"{role}_wisn_shortfall", "positions", scale="more_is_worse"),
        )
    ],
    ColumnSpec("priority_rank", "rank"),
    ColumnSpec("priority_index", "ratio"),
    ColumnSpec("priority_reasons", "text"),
    # funding plan
    *[ColumnSpec(f"{role}_positions", "count") for role in ALL_ROLES],
    ColumnSpec("hromada_name", "text"),
    ColumnSpec("role", "text"),
    ColumnSpec("role_gap_fte", "positions"),
    ColumnSpec("people", "count"),
    ColumnSpec("reason", "text"),
    ColumnSpec("positions", "count"),
    ColumnSpec("vacancies_filled", "count"),
    ColumnSpec("new_posts", "count"),
    ColumnSpec("territorial_status", "text"),
    ColumnSpec("cost", "money"),
    *[ColumnSpec(f"cost_year_{y}", "money") for y in range(1, 6)],
    ColumnSpec("filled_before", "positions"),
    ColumnSpec("filled_after", "positions"),
    ColumnSpec("workers_per_10k_before", "ratio", "0.00"),
    ColumnSpec("workers_per_10k_after", "ratio", "0.00"),
    ColumnSpec("cumulative_cost", "money"),
    ColumnSpec("workers_before", "positions"),
    ColumnSpec("workers_after", "positions"),
    ColumnSpec("gap_fte_before", "positions", scale="more_is_worse"),
    ColumnSpec("gap_fte_after", "positions", scale="more_is_worse"),
    ColumnSpec("people_per_worker_before", "ratio", "#,##0"),
    ColumnSpec("people_per_worker_after", "ratio", "#,##0"),
    ColumnSpec("wisn_ratio_before", "ratio", "0.00", "less_is_worse", 1.0),
    ColumnSpec("wisn_ratio_after", "ratio", "0.00", "less_is_worse", 1.0),
    # assumptions and data quality
    ColumnSpec("parameter", "text"),
    ColumnSpec("value", "mixed"),
    ColumnSpec("unit", "text"),
    ColumnSpec("source", "text"),
    ColumnSpec("kind", "text"),
    ColumnSpec("file", "text"),
    ColumnSpec("sheet", "text"),
    ColumnSpec("level", "text"),
    ColumnSpec("status", "text"),
    ColumnSpec("rows", "count"),
    ColumnSpec("matched", "count"),
    ColumnSpec("unmatched", "count"),
    ColumnSpec("errors", "count"),
    ColumnSpec("warnings", "count"),
    ColumnSpec("hromadas_with_figure", "count"),
    ColumnSpec("totals", "text"),
    ColumnSpec("reference_date", "text"),
    ColumnSpec("row", "rank"),
    ColumnSpec("column", "text"),
    ColumnSpec("severity", "text"),
    ColumnSpec("message", "text"),
]

#: Every known column by name.
COLUMNS: dict[str, ColumnSpec] = {spec.name: spec for spec in _SPECS}


def column_spec(name: str, values: pd.Series | None = None) -> ColumnSpec:
    """The spec of column ``name``; for an unknown column, one guessed from its values.

    An unknown column is written as numbers when ``values`` is numeric
    (general format) and as text otherwise, with ``name`` as its header.
    """
    if name in COLUMNS:
        return COLUMNS[name]
    numeric = values is not None and pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    flag = values is not None and pd.api.types.is_bool_dtype(values)
    return ColumnSpec(name, "number" if numeric else "flag" if flag else "text")


def columns_for(table: pd.DataFrame, names=None) -> list[ColumnSpec]:
    """Specs of ``names`` (default: every column of ``table``) that ``table`` has, in order."""
    names = list(table.columns) if names is None else [n for n in names if n in table.columns]
    return [column_spec(n, table[n]) for n in names]
