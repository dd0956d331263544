"""The Scenarios page's workbook: before / after / change per unit, every parameter before and after, the caveats.

A donor reads it without the app: units by name and oblast, each measure
before the scenario (the default assumptions), after it (the session's)
and the change (after − before); a sheet that lists every planning
parameter with both values and whether the scenario changed it, the IDP
change of the scenario, and a cover that names what "before" and "after"
are and the caveats (approximate boundaries, estimated IDP figures, no data).
"""

from __future__ import annotations

import pandas as pd

from core.text import format_number, t

from .columns import COLUMNS, ColumnSpec
from .report import assumptions_table, cover_from_notes, cover_row
from .xlsx import Sheet, write_workbook

__all__ = ["SCENARIO_MEASURES", "parameter_changes", "scenario_workbook"]

#: measures compared (column ``<measure>_before`` / ``_after`` / ``_change``), how they are stored
SCENARIO_MEASURES = {
    "gap_fte": ("positions", None),
    "required_fte": ("positions", None),
    "workers_per_10k_incl_idp": ("ratio", "0.00"),
    "wisn_required": ("positions", None),
    "idp": ("count", None),
}
_PARTS = ("before", "after", "change")


def _shown(value, lang: str):
    """A parameter's value as the sheet shows it: numbers in the language's format, yes / no, text as is."""
    if isinstance(value, bool):
        return t("scenario_book_yes" if value else "scenario_book_no", lang)
    if isinstance(value, int | float):
        return format_number(value, 0 if float(value).is_integer() else 2, lang)
    return None if value is None else str(value)


def parameter_changes(defaults, scenario, lang: str = "uk") -> pd.DataFrame:
    """Every planning parameter before (the defaults) and after (the scenario), and whether it changed.

    Rows are those of :func:`exports.report.assumptions_table` (the order,
    units and sources of the assumptions file), then one row per IDP change
    of the scenario (``idp_change.<area>``, per cent).
    """
    before = assumptions_table(defaults)
    after = assumptions_table(scenario.assumptions).set_index("parameter")["value"]
    table = before.rename(columns={"value": "value_before"})
    table["value_after"] = [after.get(p) for p in table["parameter"]]
    for parameter in after.index.difference(table["parameter"]):  # a key only the scenario sets
        table.loc[len(table)] = {"parameter": parameter, "value_before": None, "value_after": after[parameter]}
    for change in scenario.idp_changes:
        area = change.area or "UA"
        table.loc[len(table)] = {
            "parameter": f"idp_change.{area}",
            "value_before": 0,
            "value_after": change.percent,
            "unit": t("scenario_book_percent", lang),
            "source": t("scenario_book_idp_change", lang),
        }
    table["changed"] = [
        t("scenario_book_yes" if str(b) != str(a) else "scenario_book_no", lang)
        for b, a in zip(table["value_before"], table["value_after"])
    ]
    table["value_before"] = [_shown(v, lang) for v in table["value_before"]]
    table["value_after"] = [_shown(v, lang) for v in table["value_after"]]
    return table[["parameter", "value_before", "value_after", "changed", "unit", "source"]]


def _comparison_specs(level: str) -> tuple[ColumnSpec, ...]:
    names = [ColumnSpec("code", "code"), ColumnSpec("unit_name", "text")]
    if level != "oblast":
        names.append(ColumnSpec("oblast_name", "text"))
    for measure, (kind, number_format) in SCENARIO_MEASURES.items():
        for part in _PARTS:
            scale = "more_is_worse" if measure == "gap_fte" and part != "change" else None
            names.append(ColumnSpec(f"{measure}_{part}", kind, number_format, scale))
    return tuple(names)


def scenario_workbook(
    comparison: pd.DataFrame,
    units: pd.DataFrame,
    defaults,
    scenario,
    level: str,
    lang: str = "uk",
    *,
    title: str = "",
    approximate_boundaries: bool = False,
    estimated_idp: bool = False,
) -> bytes:
    """The Scenarios page's download (.xlsx bytes): comparison, parameters and a cover.

    Parameters
    ----------
    comparison
        :func:`layouts.pages.scenarios.comparison`: ``code`` and
        ``<measure>_before`` / ``_after`` / ``_change`` per unit of ``level``
        (``_change`` = after − before; blank where either is unknown).
    units
        The unit register (names in both languages, oblast of each unit).
    defaults, scenario
        The default assumptions ("before") and the session's scenario ("after").
    title
        The dataset's title, on the cover.
    approximate_boundaries, estimated_idp
        Caveats the cover states: the boundaries are approximate; some IDP
        figures are estimates.
    """
    register = units.drop_duplicates("code").set_index("code")
    table = comparison.copy()
    table["unit_name"] = table["code"].map(register[f"name_{lang}"])
    if level != "oblast" and "oblast_code" in register:
        table["oblast_name"] = table["code"].map(register["oblast_code"]).map(register[f"name_{lang}"])
    by_change = table["gap_fte_change"].abs() if "gap_fte_change" in table else None
    if by_change is not None:  # largest changes first, as on the page
        table = table.assign(_order=by_change).sort_values(["_order", "code"], ascending=[False, True],
                                                           na_position="last").drop(columns="_order")  # fmt: skip
    parameters = parameter_changes(defaults, scenario, lang)
    changed = parameters[parameters["changed"] == t("scenario_book_yes", lang)]["parameter"].tolist()
    sheets = [
        Sheet(t("sheet_scenario_comparison", lang), table.reset_index(drop=True), _comparison_specs(level)),
        Sheet(
            t("sheet_scenario_parameters", lang),
            parameters,
            (
                COLUMNS["parameter"],
                ColumnSpec("value_before", "text"),
                ColumnSpec("value_after", "text"),
                ColumnSpec("changed", "text"),
                COLUMNS["unit"],
                COLUMNS["source"],
            ),
        ),
    ]

    def both(key: str, **params) -> tuple[str, str, str, str]:
        return (t(key, "en"), t(f"{key}_text", "en", **params), t(key, "uk"), t(f"{key}_text", "uk", **params))

    shown = [
        cover_row("cover_dataset", title),
        cover_row("cover_level", t(level, "en"), t(level, "uk")),
        both("scenario_book_before"),
        both("scenario_book_after"),
        both("scenario_book_change"),
        (
            t("scenario_book_changed", "en"),
            ", ".join(changed) or "—",
            t("scenario_book_changed", "uk"),
            ", ".join(changed) or "—",
        ),  # fmt: skip
        both("scenario_book_caveat"),
    ]
    if estimated_idp:
        shown.append(both("scenario_book_estimated"))
    which = "cover_boundaries_approximate" if approximate_boundaries else "cover_boundaries_given"
    boundaries = (t("cover_boundaries", "en"), t(which, "en"), t("cover_boundaries", "uk"), t(which, "uk"))
    cover = cover_from_notes((boundaries,), shown=tuple(shown))
    return write_workbook(sheets, lang, cover, cover_first=False)
