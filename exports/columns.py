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

from loaders import ROLE_LABELS

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
        Column name in the tables the exporter receives.
    uk, en
        Header in Ukrainian and in English.
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
    uk: str
    en: str
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
        return self.uk if lang == "uk" else self.en


def _role_columns() -> list[ColumnSpec]:
    specs = []
    for role, (uk, en) in ROLE_LABELS.items():
        specs += [
            ColumnSpec(f"{role}_approved", f"{uk}: затверджено посад", f"{en}: approved positions", "positions"),
            ColumnSpec(f"{role}_filled", f"{uk}: зайнято посад", f"{en}: filled positions", "positions"),
        ]
    return specs


_SPECS = [
    # who and where
    ColumnSpec("code", "Код КАТОТТГ", "KATOTTG code", "code"),
    ColumnSpec("pcode", "P-код (COD-AB)", "P-code (COD-AB)", "code"),
    ColumnSpec("name_uk", "Назва", "Name (uk)", "text"),
    ColumnSpec("name_en", "Назва (англ.)", "Name", "text"),
    ColumnSpec("oblast_code", "Код області", "Oblast code", "code"),
    ColumnSpec("oblast_name", "Область", "Oblast", "text"),
    ColumnSpec("raion_code", "Код району", "Raion code", "code"),
    ColumnSpec("raion_name", "Район", "Raion", "text"),
    ColumnSpec("hromada_type", "Тип громади", "Hromada type", "text"),
    ColumnSpec("hromadas", "Громад", "Hromadas", "count"),
    # people and cases
    ColumnSpec("population", "Населення", "Residents", "count"),
    ColumnSpec("population_estimated", "Населення оцінено", "Residents estimated", "flag"),
    ColumnSpec("idp", "ВПО", "IDPs", "count"),
    ColumnSpec("idp_estimated", "ВПО оцінено", "IDPs estimated", "flag"),
    ColumnSpec("population_incl_idp", "Населення з ВПО (зважено)", "Residents incl. IDPs (weighted)", "count"),
    ColumnSpec("idp_share", "Частка ВПО", "IDP share", "percent"),
    ColumnSpec("children", "Діти", "Children", "count"),
    ColumnSpec("families_sjo", "Сім'ї у СЖО", "Families in difficult life circumstances", "count"),
    ColumnSpec("low_income_families", "Малозабезпечені сім'ї з дітьми", "Low-income families with children", "count"),
    ColumnSpec("cases", "Випадків на рік", "Cases a year", "count"),
    ColumnSpec("caseload_per_worker", "Випадків на працівника", "Cases per worker", "ratio"),
    # staff
    *_role_columns(),
    ColumnSpec("workers", "Соціальні працівники", "Social workers", "positions"),
    ColumnSpec("approved_positions", "Затверджені посади", "Approved positions", "positions"),
    ColumnSpec("vacancies", "Вакантні посади", "Vacant positions", "positions"),
    ColumnSpec("vacancy_rate", "Частка вакантних посад", "Vacancy rate", "percent"),
    ColumnSpec("psychologists", "Психологи", "Psychologists", "positions"),
    ColumnSpec("staffing_estimated", "Штат оцінено", "Staffing estimated", "flag"),
    ColumnSpec(
        "hromadas_no_social_worker", "Громад без соціального працівника", "Hromadas without a social worker", "count"
    ),
    ColumnSpec("hromadas_no_psychologist", "Громад без психолога", "Hromadas without a psychologist", "count"),
    ColumnSpec(
        "hromadas_caseload_above",
        "Громад з навантаженням вище порогу",
        "Hromadas with caseload above the threshold",
        "count",
    ),
    ColumnSpec("flag_no_social_worker", "Немає соціального працівника", "No social worker", "flag"),
    ColumnSpec("flag_no_psychologist", "Немає психолога", "No psychologist", "flag"),
    ColumnSpec("flag_caseload_above", "Навантаження вище порогу", "Caseload above the threshold", "flag"),
    # ratios
    ColumnSpec("workers_per_10k", "Працівників на 10 тис.", "Workers per 10,000", "ratio"),
    ColumnSpec("workers_per_10k_incl_idp", "Працівників на 10 тис. з ВПО", "Workers per 10,000 incl. IDPs", "ratio"),
    ColumnSpec("workers_per_100k_children", "Працівників на 100 тис. дітей", "Workers per 100,000 children", "ratio"),
    ColumnSpec("residents_per_worker", "Мешканців на працівника", "Residents per worker", "ratio", "#,##0"),
    ColumnSpec("psychologists_per_100k", "Психологів на 100 тис.", "Psychologists per 100,000", "ratio"),
    # need and gap
    ColumnSpec("required_fte", "Потреба за нормативом, посад", "Required by norm, FTE", "positions"),
    ColumnSpec("gap_fte", "Дефіцит, посад", "Gap, FTE", "positions", scale="more_is_worse"),
    ColumnSpec(
        "shortfall_fte",
        "Бракує посад (сума дефіцитів громад)",
        "Positions missing (sum of hromada gaps)",
        "positions",
        scale="more_is_worse",
    ),
    ColumnSpec("psychologist_required_fte", "Потреба в психологах, посад", "Psychologists required, FTE", "positions"),
    ColumnSpec(
        "psychologist_gap_fte", "Дефіцит психологів, посад", "Psychologist gap, FTE", "positions", scale="more_is_worse"
    ),
    ColumnSpec("wisn_required", "Потреба за WISN, посад", "WISN required staff, FTE", "positions"),
    ColumnSpec(
        "wisn_difference",
        "Різниця WISN (наявні − потрібні)",
        "WISN difference (actual − required)",
        "positions",
        scale="less_is_worse",
    ),
    ColumnSpec(
        "wisn_ratio",
        "Коефіцієнт WISN (наявні / потрібні)",
        "WISN ratio (actual / required)",
        "ratio",
        "0.00",
        scale="less_is_worse",
        midpoint=1.0,
    ),
    ColumnSpec("priority_rank", "Місце за пріоритетом", "Priority rank", "rank"),
    ColumnSpec("priority_index", "Індекс пріоритету (0–100)", "Priority index (0–100)", "ratio"),
    ColumnSpec("priority_reasons", "Чому пріоритет (англ.)", "Why a priority", "text"),
    # funding plan
    *[
        ColumnSpec(f"{role}_positions", f"Нові посади: {uk}", f"New positions: {en}", "count")
        for role, (uk, en) in ROLE_LABELS.items()
    ],
    ColumnSpec("hromada_name", "Громада", "Hromada", "text"),
    ColumnSpec("role", "Посада", "Role", "text"),
    ColumnSpec("role_gap_fte", "Дефіцит за посадою до плану, посад", "Role gap before the plan, FTE", "positions"),
    ColumnSpec("people", "Людей (мешканці + ВПО з вагою)", "People (residents + weighted IDPs)", "count"),
    ColumnSpec("reason", "Чому обрано", "Why chosen", "text"),
    ColumnSpec("positions", "Посад за планом (вакансії + нові)", "Positions of the plan (vacancies + new)", "count"),
    ColumnSpec("vacancies_filled", "Заповнено вакантних посад", "Vacant posts filled", "count"),
    ColumnSpec("new_posts", "Нових посад", "New posts", "count"),
    ColumnSpec("territorial_status", "Статус території", "Territorial status", "text"),
    ColumnSpec("cost", "Вартість за програму, грн", "Cost of the programme, UAH", "money"),
    *[ColumnSpec(f"cost_year_{y}", f"Рік {y}, грн", f"Year {y}, UAH", "money") for y in range(1, 6)],
    ColumnSpec("filled_before", "Зайнято за посадою до", "Role filled before", "positions"),
    ColumnSpec("filled_after", "Зайнято за посадою після", "Role filled after", "positions"),
    ColumnSpec("workers_per_10k_before", "Працівників на 10 000 до", "Workers per 10,000 before", "ratio", "0.00"),
    ColumnSpec("workers_per_10k_after", "Працівників на 10 000 після", "Workers per 10,000 after", "ratio", "0.00"),
    ColumnSpec("cumulative_cost", "Наростаючим підсумком, грн", "Cumulative cost, UAH", "money"),
    ColumnSpec("workers_before", "Соціальних працівників до", "Social workers before", "positions"),
    ColumnSpec("workers_after", "Соціальних працівників після", "Social workers after", "positions"),
    ColumnSpec("gap_fte_before", "Дефіцит до, посад", "Gap before, FTE", "positions", scale="more_is_worse"),
    ColumnSpec("gap_fte_after", "Дефіцит після, посад", "Gap after, FTE", "positions", scale="more_is_worse"),
    ColumnSpec("people_per_worker_before", "Людей на працівника до", "People per worker before", "ratio", "#,##0"),
    ColumnSpec("people_per_worker_after", "Людей на працівника після", "People per worker after", "ratio", "#,##0"),
    ColumnSpec("wisn_ratio_before", "Коефіцієнт WISN до", "WISN ratio before", "ratio", "0.00", "less_is_worse", 1.0),
    ColumnSpec("wisn_ratio_after", "Коефіцієнт WISN після", "WISN ratio after", "ratio", "0.00", "less_is_worse", 1.0),
    # assumptions and data quality
    ColumnSpec("parameter", "Параметр", "Parameter", "text"),
    ColumnSpec("value", "Значення", "Value", "mixed"),
    ColumnSpec("unit", "Одиниця", "Unit", "text"),
    ColumnSpec("source", "Джерело та обґрунтування", "Source and rationale", "text"),
    ColumnSpec("kind", "Вид даних", "Kind of data", "text"),
    ColumnSpec("file", "Файл", "File", "text"),
    ColumnSpec("sheet", "Аркуш", "Sheet", "text"),
    ColumnSpec("level", "Рівень даних", "Level of the figures", "text"),
    ColumnSpec("status", "Стан", "Status", "text"),
    ColumnSpec("rows", "Рядків прочитано", "Rows read", "count"),
    ColumnSpec("matched", "Рядків зіставлено", "Rows matched", "count"),
    ColumnSpec("unmatched", "Рядків не зіставлено", "Rows unmatched", "count"),
    ColumnSpec("errors", "Помилок", "Errors", "count"),
    ColumnSpec("warnings", "Попереджень", "Warnings", "count"),
    ColumnSpec("hromadas_with_figure", "Громад із даними", "Hromadas with a figure", "count"),
    ColumnSpec("totals", "Підсумки у файлі", "Totals in the file", "text"),
    ColumnSpec("reference_date", "Дата, на яку дані", "Reference date", "text"),
    ColumnSpec("row", "Рядок", "Row", "rank"),
    ColumnSpec("column", "Стовпець", "Column", "text"),
    ColumnSpec("severity", "Важливість", "Severity", "text"),
    ColumnSpec("message", "Опис", "Message", "text"),
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
    return ColumnSpec(name, name, name, "number" if numeric else "flag" if flag else "text")


def columns_for(table: pd.DataFrame, names=None) -> list[ColumnSpec]:
    """Specs of ``names`` (default: every column of ``table``) that ``table`` has, in order."""
    names = list(table.columns) if names is None else [n for n in names if n in table.columns]
    return [column_spec(n, table[n]) for n in names]
