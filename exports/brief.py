"""Printable one-page briefs (A4 PDF) for Ukraine, an oblast, a hromada and a funding plan.

A brief is made in two steps, so that what it says can be tested apart from
how it looks:

1. :func:`unit_brief` / :func:`plan_brief` gather the content (a
   :class:`BriefContent`: title, map, key figures, sections, caveats,
   sources), every word through the translation catalogue and every number
   in the language's format. They read figures from the computed tables of a
   :class:`BriefSource` and never recompute a measure.
2. :func:`render_pdf` lays the content out on one A4 page with ReportLab,
   embedding DejaVu Sans (shipped with matplotlib) so that Cyrillic prints
   anywhere. Content that would overflow is scaled down, never cut onto a
   second page.

Maps are drawn offline by :mod:`exports.brief_map`. Nothing here touches the
network or reads a file other than the fonts.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
import pandas as pd

from core.schema import OCCUPIED_SINCE_2014
from core.text import format_date, format_number, format_percent, role_label, source_text, t
from loaders import ALL_ROLES, Dataset
from metrics.assumptions import Assumptions

from . import brief_map

__all__ = [
    "BRIEF_KINDS",
    "BriefContent",
    "BriefSource",
    "Section",
    "brief_source",
    "oblast_codes",
    "plan_brief",
    "plan_brief_pdf",
    "render_pdf",
    "resolve_unit",
    "unit_brief",
    "unit_brief_pdf",
    "write_oblast_briefs",
]

#: Kinds of brief: the unit levels and the funding plan.
BRIEF_KINDS = ("country", "oblast", "hromada", "plan")
COUNTRY = "UA"
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FONT, _BOLD = "DejaVuSans", "DejaVuSans-Bold"
_PRIORITY_COMPONENTS = ("gap_per_10k", "idp_share", "no_psychologist", "caseload_per_worker")


def _w(key: str, lang: str, **params) -> str:
    """The catalogue text ``key`` in ``lang`` with ``params`` filled in."""
    return t(key, lang, **params)


def _n(value, lang: str, decimals: int = 0) -> str:
    if value is None:
        return t("no_data", lang)
    value = float(value)
    if not np.isfinite(value):
        return t("no_data", lang)
    return format_number(value, decimals, lang)


def _pct(value, lang: str, decimals: int = 0) -> str:
    if value is None or not np.isfinite(float(value)):
        return t("no_data", lang)
    return format_percent(float(value), decimals, lang)  # 8 % / 8%


def _date(text: str | None, lang: str) -> str:
    """``2022-01-01`` -> ``01.01.2022`` (uk) or ``1 Jan 2022`` (en); other text as it is."""
    if not text:
        return t("no_data", lang)
    shown = format_date(text, lang)
    if shown is None:
        return _w("brief_date_" + str(text), lang) if str(text) == "synthetic" else str(text)
    return shown


# -- content -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    """A titled part of a brief: lines of text and an optional table (first row: the header)."""

    heading: str
    lines: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class BriefContent:
    """Everything one brief says, as text in one language (see :func:`render_pdf`)."""

    kind: str
    lang: str
    title: str
    subtitle: str
    map_png: bytes | None
    map_caption: str
    figures: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    caveats: tuple[str, ...]
    sources: tuple[str, ...]
    footer: str

    def text(self) -> str:
        """All the words of the brief, in reading order (for search and tests)."""
        parts = [self.title, self.subtitle, self.map_caption]
        parts += [f"{label}: {value}" for label, value in self.figures]
        for section in self.sections:
            parts += [section.heading, *section.lines, *(" | ".join(row) for row in section.table)]
        return "\n".join([*parts, *self.caveats, *self.sources, self.footer])


# -- the computed tables a brief reads ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class BriefSource:
    """A dataset, its assumptions and the tables computed from them once (shared by every brief of a batch).

    ``data`` is what the screen reads (``layouts.views.prepare``, built on
    the one producer ``metrics.compute_tables``, whose tables it carries as
    ``data.computed``): the brief prints the same figures as the dashboard
    and recomputes none. ``period`` labels the brief
    (default: the reference dates of the inputs).
    """

    dataset: Dataset
    assumptions: Assumptions
    data: object
    period: str | None = None
    made: dt.date = field(default_factory=dt.date.today)

    @cached_property
    def names(self) -> pd.DataFrame:
        return self.dataset.units.drop_duplicates("code").set_index("code")

    @cached_property
    def ranking(self) -> dict[str, pd.DataFrame]:
        """The producer's priority ranking with its components, per level (hromada, oblast), indexed by code."""
        return {level: self.data.computed.priority(level).set_index("code") for level in ("hromada", "oblast")}

    @cached_property
    def hromada_parents(self) -> pd.Series:
        return self.names.loc[self.names["level"] == "hromada", "oblast_code"]


def brief_source(dataset: Dataset, assumptions: Assumptions, data=None, period: str | None = None) -> BriefSource:
    """The :class:`BriefSource` of ``dataset`` (``data``: its computed tables, when already at hand)."""
    if data is None:
        from layouts.views import prepare

        data = prepare(dataset, assumptions)
    return BriefSource(dataset, assumptions, data, period)


def resolve_unit(source: BriefSource, unit: str) -> tuple[str, str]:
    """``UA``, a KATOTTG code or a COD-AB P-code -> (code, level); ``ValueError`` naming the unit otherwise."""
    key = str(unit).strip().upper()
    if key == COUNTRY:
        return COUNTRY, "country"
    names = source.names
    if key in names.index:
        code = key
    else:
        by_pcode = names.reset_index().drop_duplicates("pcode").set_index("pcode")["code"]
        if key not in by_pcode.index:
            raise ValueError(f"--unit {unit!r}: no unit with this KATOTTG code or P-code (or UA for Ukraine)")
        code = by_pcode[key]
    level = names.at[code, "level"]
    if level not in ("oblast", "hromada"):
        raise ValueError(f"--unit {unit!r} is a {level}: briefs are made for Ukraine (UA), an oblast or a hromada")
    return code, level


def oblast_codes(source: BriefSource) -> list[str]:
    """Every oblast-level unit with a figure or a boundary (the 27 of Ukraine), by code."""
    return sorted(source.data.tables["oblast"]["code"])


# -- pieces shared by the unit briefs ----------------------------------------------------------------------------
def _unit_name(source: BriefSource, code: str, lang: str) -> str:
    if code == COUNTRY:
        return t("ukraine", lang)
    row = source.names.loc[code]
    name = row[f"name_{lang}"] if pd.notna(row[f"name_{lang}"]) else row["name_uk"]
    if row["level"] == "oblast":
        return _w("brief_oblast_name", lang, name=name) if str(row["name_uk"]).endswith("ька") else str(name)
    if row["level"] == "hromada":
        kind = t(row["hromada_type"], lang) if row["hromada_type"] in ("urban", "settlement", "rural") else ""
        return _w("brief_hromada_name", lang, name=name, type=kind).replace("  ", " ")
    return str(name)


def _period(source: BriefSource, lang: str) -> str:
    """The brief's period: the one given, else the dataset's own (a published period), else its dates."""
    from .report import period_of

    if source.period or period_of(source.dataset):
        return source.period or period_of(source.dataset)
    dates = source.dataset.reference_dates
    parts = [f"{_w('brief_kind_' + k, lang)} {_date(dates[k], lang)}" for k in ("population", "idp") if k in dates]
    return "; ".join(parts) or t("no_data", lang)


def _scope(source: BriefSource, code: str, level: str) -> pd.DataFrame:
    """The hromada rows (of the dashboard's detail table) that the unit covers."""
    detail = source.data.detail
    if level == "country":
        return detail
    if level == "oblast":
        return detail[detail["oblast_code"] == code]
    return detail[detail["code"] == code]


def _row(source: BriefSource, code: str, level: str) -> pd.Series:
    if level == "country":
        return source.data.country
    table = source.data.detail if level == "hromada" else source.data.tables[level]
    rows = table[table["code"] == code]
    if rows.empty:
        return pd.Series({"code": code}, dtype=object)
    return rows.iloc[0]


def _value(row: pd.Series, column: str):
    value = row.get(column, np.nan)
    return np.nan if value is None or pd.isna(value) else float(value)


def _key_figures(source: BriefSource, row: pd.Series, scope: pd.DataFrame, level: str, lang: str):
    dates = source.dataset.reference_dates
    idp_mark = " *" if bool(scope["idp_estimated"].fillna(False).astype(bool).any()) else ""
    weight = source.assumptions.idp_weight
    norm = source.assumptions.workers_per_10k
    figures = [
        (
            _w("brief_fig_population", lang, date=_date(dates.get("population"), lang)),
            _n(_value(row, "population"), lang),
        ),
        (_w("brief_fig_idp", lang, date=_date(dates.get("idp"), lang)), _n(_value(row, "idp"), lang) + idp_mark),
        (_w("brief_fig_workers", lang, date=_date(dates.get("staffing"), lang)), _n(_value(row, "workers"), lang)),
        (t("positions", lang), _n(_value(row, "approved_positions"), lang)),
        (_w("brief_fig_vacancy_rate", lang), _pct(_value(row, "vacancy_rate"), lang)),
        (t("psychologists", lang), _n(_value(row, "psychologists"), lang)),
        (_w("brief_fig_per_10k", lang), _n(_value(row, "workers_per_10k"), lang, 2)),
        (_w("brief_fig_per_10k_idp", lang), _n(_value(row, "workers_per_10k_incl_idp"), lang, 2)),
        (_w("brief_fig_residents_per_worker", lang), _n(_value(row, "residents_per_worker"), lang)),
        (
            _w("brief_fig_required", lang, norm=_n(norm, lang, 1) if norm is not None else "?"),
            _n(_value(row, "required_fte"), lang, 1),
        ),
        (t("gap", lang), _n(_value(row, "gap_fte"), lang, 1)),
    ]
    if "wisn_ratio" in row.index:
        figures.append((_w("brief_fig_wisn", lang), _n(_value(row, "wisn_ratio"), lang, 2)))
    if "caseload_per_worker" in row.index:
        figures.append((_w("brief_fig_caseload", lang), _n(_value(row, "caseload_per_worker"), lang)))
    if level != "hromada":
        # the producer's counts: of the hromadas whose staffing is known; "no data" (never 0) when none is
        figures += [
            (_w("brief_fig_hromadas", lang), _n(len(scope), lang)),
            (t("hromadas_no_worker", lang), _n(_value(row, "hromadas_no_social_worker"), lang)),
            (t("hromadas_no_psychologist", lang), _n(_value(row, "hromadas_no_psychologist"), lang)),
        ]
    chosen = source.assumptions.population_base
    base = _w(f"brief_base_{chosen}", lang, weight=_n(weight, lang, 1))
    return tuple(figures), base


def _rank_line(table: pd.DataFrame, code: str, column: str, lang: str, peers: str, ascending: bool) -> str | None:
    """``"<measure>: <value>, rank R of N <peers> (1 = ...)"``; None when the unit's value is unknown."""
    known = table[table[column].notna() & np.isfinite(table[column].astype(float))]
    if code not in set(known["code"]):
        return None
    ranks = known[column].astype(float).rank(method="min", ascending=ascending)
    rank = int(ranks[known["code"] == code].iloc[0])
    return _w(
        f"brief_rank_{column}",
        lang,
        rank=_n(rank, lang),
        total=_n(len(known), lang),
        peers=_w(peers, lang),
    )


def _reason(component: str, row: pd.Series, lang: str, peers: str) -> str:
    value, score = row.get(component), row.get(f"{component}_score")
    share = _pct(score, lang)
    if component == "caseload_per_worker" and bool(row.get("cases_without_worker", False)):
        return t("brief_reason_cases_no_worker", lang)
    if component == "no_psychologist":
        if peers == "brief_peers_hromadas":
            return t("brief_reason_no_psychologist", lang)
        return _w("brief_reason_share_no_psychologist", lang, share=_pct(value, lang))
    decimals = {"gap_per_10k": 1, "idp_share": 0, "caseload_per_worker": 0}[component]
    shown = _pct(value, lang) if component == "idp_share" else _n(value, lang, decimals)
    return _w(f"brief_reason_{component}", lang, value=shown, share=share, peers=_w(peers, lang))


def _reasons(row: pd.Series, weights: dict[str, float], lang: str, peers: str) -> list[str]:
    """The priority reasons of one ranked unit, largest contribution first (at most three), then unknowns.

    The contribution of a component is its weight times its score (see
    ``metrics.priority_ranking``); the texts are the catalogue's.
    """
    scored = []
    for c in _PRIORITY_COMPONENTS:
        score = row.get(f"{c}_score")
        if score is not None and pd.notna(score) and weights.get(c, 0) > 0 and float(score) > 0:
            scored.append((weights[c] * float(score), c))
    scored.sort(key=lambda item: -item[0])
    lines = [_reason(c, row, lang, peers) for _, c in scored[:3]]
    no_worker = bool(row.get("cases_without_worker", False))  # its caseload is "cases / 0": known, not missing
    missing = [
        c
        for c in _PRIORITY_COMPONENTS
        if weights.get(c, 0) > 0 and pd.isna(row.get(c)) and not (c == "caseload_per_worker" and no_worker)
    ]
    if missing:
        names = ", ".join(t(f"brief_component_{c}", lang) for c in missing)
        lines.append(_w("brief_reason_missing", lang, components=names))
    return lines


def _status_section(source: BriefSource, scope: pd.DataFrame, level: str, lang: str) -> Section:
    """Territorial status from the dataset's status input; "not known" when the dataset has none."""
    hromadas = source.dataset.hromadas
    heading = t("brief_status", lang)
    if "territorial_status" not in hromadas or hromadas["territorial_status"].isna().all():
        return Section(heading, (t("brief_status_unknown", lang),))
    status = hromadas.set_index("code")["territorial_status"].reindex(scope["code"])
    dated = source.dataset.reference_dates.get("status")
    date = f" ({_w('brief_on_date', lang, date=_date(dated, lang))})" if dated else ""
    if level == "hromada":
        value = status.iloc[0] if len(status) else None
        text = _status_word(value, lang)
        listed = getattr(source.dataset, "status", None)
        if listed is not None and "detail" in listed and len(status):
            detail = listed.loc[listed["code"] == status.index[0], "detail"]
            if len(detail) and isinstance(detail.iloc[0], str) and detail.iloc[0]:
                text += f" ({t('brief_status_detail_' + detail.iloc[0], lang)})"
        return Section(heading, (_w("brief_status_of", lang, status=text, date=date),))
    counts = status.fillna("__unknown__").value_counts()
    order = ["occupied", "hostilities", "deoccupied", "none", "__unknown__"]
    parts = [
        f"{_status_word(k, lang, short=True)}: {_n(counts[k], lang)}"
        for k in sorted(counts.index, key=lambda k: order.index(k) if k in order else len(order))
    ]
    return Section(heading, (_w("brief_status_counts", lang, counts="; ".join(parts), date=date),))


def _status_word(value, lang: str, short: bool = False) -> str:
    if value is None or value == "__unknown__" or (isinstance(value, float) and np.isnan(value)):
        return t("brief_status_value_unknown", lang)
    if short and value == "none":
        return t("brief_status_short_none", lang)
    try:
        return t(f"brief_status_{value}", lang)
    except KeyError:
        return str(value)


def _roles_section(scope: pd.DataFrame, row: pd.Series, source: BriefSource, lang: str) -> Section:
    header = (
        t("role", lang),
        t("approved", lang),
        t("filled", lang),
        t("brief_vacant", lang),
        t("brief_vacancy", lang),
    )
    rows = [header]
    for role in ALL_ROLES:
        approved = scope.get(f"{role}_approved", pd.Series(dtype=float)).sum(min_count=1)
        filled = scope.get(f"{role}_filled", pd.Series(dtype=float)).sum(min_count=1)
        if pd.isna(approved) and pd.isna(filled):
            continue
        vacant = approved - filled if pd.notna(approved) and pd.notna(filled) else np.nan
        rate = vacant / approved if pd.notna(vacant) and approved > 0 else np.nan
        rows.append((role_label(role, lang), _n(approved, lang), _n(filled, lang), _n(vacant, lang), _pct(rate, lang)))
    lines = [
        _w(
            "brief_norm_gap",
            lang,
            required=_n(_value(row, "required_fte"), lang, 1),
            workers=_n(_value(row, "workers"), lang),
            gap=_n(_value(row, "gap_fte"), lang, 1),
        )
    ]
    if "wisn_required" in row.index and pd.notna(row.get("wisn_required")):
        lines.append(
            _w(
                "brief_wisn_gap",
                lang,
                required=_n(_value(row, "wisn_required"), lang, 1),
                difference=_n(_value(row, "wisn_difference"), lang, 1),
            )
        )
    if len(rows) == 1:
        lines.insert(0, t("brief_no_staffing", lang))
    return Section(t("brief_roles", lang), tuple(lines), tuple(rows) if len(rows) > 1 else ())


def _caveats(source: BriefSource, scope: pd.DataFrame, lang: str) -> tuple[str, ...]:
    out = []
    if source.dataset.approximate_boundaries:
        out.append(t("brief_caveat_boundaries", lang))
    for flag, key in (
        ("idp_estimated", "brief_caveat_idp"),
        ("population_estimated", "brief_caveat_population"),
        ("staffing_estimated", "brief_caveat_staffing"),
    ):
        if flag in scope and bool(scope[flag].fillna(False).astype(bool).any()):
            out.append(t(key, lang))
    synthetic = [k for k, v in source.dataset.reference_dates.items() if str(v) == "synthetic"]
    if synthetic:
        kinds = ", ".join(_w("brief_kind_" + k, lang) for k in synthetic)
        out.append(_w("brief_caveat_synthetic", lang, kinds=kinds))
    # of the hromadas expected to report: Crimea's codifier units (a COD-AB polygon, never a figure) are not
    # "partial coverage" (the producer's hromadas_expected)
    expected = scope[~scope["code"].astype(str).str.startswith(OCCUPIED_SINCE_2014)]
    total = len(expected)
    for column, key in (
        ("workers", "brief_caveat_staffing_coverage"),
        ("population", "brief_caveat_population_coverage"),
    ):
        known = int(expected[column].notna().sum()) if column in expected else 0
        if total and known < total:
            out.append(_w(key, lang, known=_n(known, lang), total=_n(total, lang)))
    out.append(t("brief_caveat_norm", lang))
    return tuple(out)


def _sources(source: BriefSource, lang: str) -> tuple[str, ...]:
    dates = source.dataset.reference_dates
    out = []
    for kind, text in source.dataset.sources.items():
        label = _w("brief_kind_" + kind, lang) if f"brief_kind_{kind}" in _KINDS else kind
        date = f" ({_date(dates[kind], lang)})" if kind in dates else ""
        out.append(f"{label}: {source_text(text, lang)}{date}")
    if not out:
        out.append(_w("brief_dataset", lang, title=source.dataset.title))
    return tuple(out)


_KINDS = {f"brief_kind_{k}" for k in ("population", "idp", "staffing", "caseload", "boundaries", "units", "status")}


def _footer(source: BriefSource, lang: str) -> str:
    return _w("brief_footer", lang, title=source.dataset.title, date=_date(source.made.isoformat(), lang))


def _map(source: BriefSource, code: str, level: str, lang: str) -> tuple[bytes | None, str]:
    boundaries = source.dataset.boundaries
    metric = "workers_per_10k"
    legend = _w("brief_fig_per_10k", lang)
    caption = _w("brief_map_caption", lang, measure=legend)
    hromada_values = source.data.tables["hromada"].set_index("code")[metric]
    try:
        if level == "country" and "oblast" in boundaries:
            values = source.data.tables["oblast"].set_index("code")[metric]
            return brief_map.country_map(boundaries["oblast"], values, legend), caption
        oblast = code if level == "oblast" else source.hromada_parents.get(code)
        hromadas = boundaries.get("hromada")
        inside = hromadas[hromadas["code"].map(source.hromada_parents) == oblast] if hromadas is not None else None
        if level == "hromada" and inside is not None and code in set(inside["code"]):
            return brief_map.hromada_map(inside, code, hromada_values, legend), caption
        if "oblast" in boundaries and oblast in set(boundaries["oblast"]["code"]):
            inside = inside if inside is not None else boundaries["oblast"].iloc[:0]
            values = hromada_values if len(inside) else source.data.tables["oblast"].set_index("code")[metric]
            note = "" if level == "oblast" else " " + t("brief_map_no_hromada", lang)
            return brief_map.oblast_map(boundaries["oblast"], inside, oblast, values, legend), caption + note
    except KeyError:
        pass
    return None, t("brief_map_none", lang)


# -- unit briefs -------------------------------------------------------------------------------------------------
def unit_brief(source: BriefSource, unit: str, lang: str = "uk") -> BriefContent:
    """The content of the brief of Ukraine (``"UA"``), an oblast or a hromada (KATOTTG code or P-code)."""
    code, level = resolve_unit(source, unit)
    name = _unit_name(source, code, lang)
    row = _row(source, code, level)
    scope = _scope(source, code, level)
    figures, base = _key_figures(source, row, scope, level, lang)
    weights = source.assumptions.weights
    sections = [Section(t("brief_key_figures_base", lang), (base,))]
    sections.append(_peers_section(source, code, level, row, lang))
    sections.append(_priority_section(source, code, level, weights, lang))
    sections.append(_status_section(source, scope, level, lang))
    sections.append(_roles_section(scope, row, source, lang))
    subtitle = _w("brief_subtitle", lang, period=_period(source, lang), title=source.dataset.title)
    if level == "hromada":
        oblast = _unit_name(source, source.hromada_parents[code], lang)
        subtitle = f"{oblast} · {subtitle}"
    map_png, caption = _map(source, code, level, lang)
    return BriefContent(
        kind=level,
        lang=lang,
        title=_w("brief_title", lang, unit=name),
        subtitle=subtitle,
        map_png=map_png,
        map_caption=caption,
        figures=figures,
        sections=tuple(sections),
        caveats=_caveats(source, scope, lang),
        sources=_sources(source, lang),
        footer=_footer(source, lang),
    )


def _peers_section(source: BriefSource, code: str, level: str, row: pd.Series, lang: str) -> Section:
    heading = t("brief_peers", lang)
    if level == "country":
        oblasts = source.data.tables["oblast"]
        known = oblasts[oblasts["workers_per_10k"].notna()].sort_values(["workers_per_10k", "code"])
        fewest = ", ".join(
            f"{_unit_name(source, c, lang)} ({_n(v, lang, 2)})"
            for c, v in zip(known["code"].head(3), known["workers_per_10k"].head(3))
        )
        gaps = oblasts[oblasts["gap_fte"].notna()].sort_values(["gap_fte", "code"], ascending=[False, True])
        largest = ", ".join(
            f"{_unit_name(source, c, lang)} ({_n(v, lang, 0)})"
            for c, v in zip(gaps["code"].head(3), gaps["gap_fte"].head(3))
        )
        return Section(heading, (_w("brief_fewest", lang, units=fewest), _w("brief_largest_gap", lang, units=largest)))
    lines = []
    if level == "oblast":
        table = source.data.tables["oblast"]
        for column, ascending in (("workers_per_10k", True), ("gap_fte", False)):
            line = _rank_line(table, code, column, lang, "brief_peers_oblasts", ascending)
            lines.append(line or _w("brief_rank_unknown", lang, measure=t(f"brief_measure_{column}", lang)))
    else:
        hromadas = source.data.tables["hromada"]
        oblast = source.hromada_parents[code]
        same = hromadas[hromadas["code"].map(source.hromada_parents) == oblast]
        for table, peers in ((same, "brief_peers_oblast_hromadas"), (hromadas, "brief_peers_hromadas")):
            line = _rank_line(table, code, "workers_per_10k", lang, peers, True)
            lines.append(line or _w("brief_rank_unknown", lang, measure=t("brief_measure_workers_per_10k", lang)))
    return Section(heading, tuple(lines))


def _priority_section(source: BriefSource, code: str, level: str, weights: dict, lang: str) -> Section:
    heading = t("brief_priority", lang)
    if level == "country":
        ranked = source.ranking["oblast"].dropna(subset=["rank"]).sort_values("rank").head(5)
        lines = []
        for c, r in ranked.iterrows():
            reasons = _reasons(r, weights, lang, "brief_peers_oblasts")
            lines.append(
                _w(
                    "brief_priority_top",
                    lang,
                    rank=_n(r["rank"], lang),
                    unit=_unit_name(source, c, lang),
                    index=_n(r["priority_index"], lang),
                    reason=reasons[0] if reasons else "",
                )
            )
        return Section(t("brief_priority_oblasts", lang), tuple(lines) or (t("no_data", lang),))
    ranking = source.ranking[level]
    peers = "brief_peers_oblasts" if level == "oblast" else "brief_peers_hromadas"
    if code not in ranking.index:
        return Section(heading, (t("brief_priority_unknown", lang),))
    apart = ranking.at[code, "listed_apart"] if "listed_apart" in ranking else None
    if isinstance(apart, str):
        # listed apart by the producer: occupied (no need counted, never funded) or too few components known
        known = int(ranking.at[code, "components_known"])
        line = _w(f"brief_priority_apart_{apart}", lang, known=_n(known, lang), total=_n(len(weights), lang))
        extra = (t("brief_reason_cases_no_worker", lang),) if bool(ranking.at[code, "cases_without_worker"]) else ()
        return Section(heading, (line, *extra))
    if pd.isna(ranking.at[code, "rank"]):
        return Section(heading, (t("brief_priority_unknown", lang),))
    r = ranking.loc[code]
    total = int(ranking["rank"].notna().sum())
    head = _w(
        "brief_priority_rank",
        lang,
        rank=_n(r["rank"], lang),
        total=_n(total, lang),
        peers=_w(peers, lang),
        index=_n(r["priority_index"], lang),
    )
    return Section(heading, (head, *_reasons(r, weights, lang, peers)))


# -- plan brief --------------------------------------------------------------------------------------------------
_TOP_ROWS = 12


def plan_brief(
    source: BriefSource,
    plan,
    lang: str = "uk",
    *,
    options: dict | None = None,
) -> BriefContent:
    """The content of the brief of a funding plan (a ``metrics.Allocation``), read from its public fields.

    ``options`` are the constraints the plan was made under, as passed to
    ``metrics.allocate`` (``roles``, ``min_one_worker``, ``served``,
    ``oblast_budget_caps``, ``oblast_position_caps``, ``unknown_idp``,
    ``exclude_statuses``).

    Notes
    -----
    - budget, years, cost in each year (``cost_by_year``), positions
      (``vacancies_filled`` + ``new_posts``) and people (or children) served
      to the norm (``people_served``) are the plan's own figures
    - people in funded hromadas = sum of ``people`` (residents + idp_weight
      x IDPs) over hromadas that get at least one position
    - children in funded hromadas = sum of the producer's ``children`` of
      those hromadas (given by the table, or estimated from the oblast's 0-17
      share x the population base; see ``metrics.population.children_estimate``)
    - hromadas lifted from zero = hromadas with no community social worker
      before and at least one after
    """
    options = options or {}
    years = int(getattr(plan, "years", 1) or 1)
    per_hromada = plan.hromadas
    funded = per_hromada[per_hromada["positions"] > 0]
    lifted = int(((per_hromada["workers_before"] == 0) & (per_hromada["workers_after"] > 0)).sum())
    children = _children(source.data.computed.base, funded["code"])
    objective = t(f"brief_objective_{plan.objective}", lang)
    if plan.objective == "equity" and plan.equity_measure:
        objective += f" ({t('brief_measure_' + plan.equity_measure, lang)})"
    figures = (
        (t("brief_plan_budget", lang), _n(plan.budget, lang)),
        (t("brief_plan_years", lang), _n(years, lang)),
        (t("brief_plan_total", lang), _n(plan.spent, lang)),
        (t("brief_plan_positions", lang), _n(plan.positions, lang)),
        (t("brief_plan_vacancies_filled", lang), _n(plan.vacancies_filled, lang)),
        (t("brief_plan_new_posts", lang), _n(plan.new_posts, lang)),
        (t(f"brief_plan_served_{plan.served}", lang), _n(plan.people_served, lang)),
        (t("brief_plan_hromadas", lang), _n(plan.hromadas_funded, lang)),
        (t("brief_plan_people", lang), _n(funded["people"].sum() if len(funded) else 0, lang)),
        (t("brief_plan_children", lang), _n(children, lang)),
        (t("brief_plan_lifted", lang), _n(lifted, lang)),
        (
            t("brief_plan_greedy", lang),
            _w(
                "brief_plan_greedy_value",
                lang,
                positions=_n(plan.greedy_positions, lang),
                spent=_n(plan.greedy_spent, lang),
            ),
        ),
    )
    sections = [
        Section(
            t("brief_plan_terms", lang),
            (
                _w("brief_plan_objective", lang, objective=objective),
                _w("brief_plan_constraints", lang, constraints=_constraints(source, options, lang)),
                _w("brief_plan_status", lang, status=t(f"brief_plan_status_{plan.status}", lang)),
            ),
        ),
        Section(t("brief_plan_top", lang), (), _plan_rows(source, plan, lang)),
        Section(t("brief_plan_per_year", lang), (), _year_rows(plan, lang)),
    ]
    caveats = [t("brief_caveat_boundaries", lang)] if source.dataset.approximate_boundaries else []
    if plan.excluded:
        caveats.append(_w("brief_plan_excluded", lang, count=_n(plan.excluded, lang)))
    if plan.residents_only:
        caveats.append(_w("brief_plan_residents_only", lang, count=_n(plan.residents_only, lang)))
    for status, count in sorted(plan.excluded_status.items()):
        if count:
            caveats.append(
                _w("brief_plan_excluded_status", lang, count=_n(count, lang), status=_status_word(status, lang))
            )
    caveats += [t("brief_plan_costs_note", lang), t("brief_caveat_norm", lang)]
    subtitle = _w("brief_subtitle", lang, period=_period(source, lang), title=source.dataset.title)
    positions = per_hromada.set_index("code")["positions"].astype(float)
    boundaries = source.dataset.boundaries
    map_png = None
    if "oblast" in boundaries:
        hromadas = boundaries.get("hromada", boundaries["oblast"].iloc[:0])
        map_png = brief_map.plan_map(boundaries["oblast"], hromadas, positions, t("brief_plan_positions", lang))
    return BriefContent(
        kind="plan",
        lang=lang,
        title=_w("brief_plan_title", lang, budget=_n(plan.budget, lang), years=_n(years, lang)),
        subtitle=subtitle,
        map_png=map_png,
        map_caption=t("brief_plan_map_caption", lang) if map_png else t("brief_map_none", lang),
        figures=figures,
        sections=tuple(sections),
        caveats=tuple(caveats),
        sources=_sources(source, lang),
        footer=_footer(source, lang),
    )


def _children(base: pd.DataFrame, codes: Iterable[str]) -> float:
    """Children of the hromadas ``codes``, from the producer's per-hromada base (NaN when none is known)."""
    rows = base[base["code"].isin(list(codes))]
    if "children" not in rows or rows.empty:
        return np.nan
    return float(rows["children"].sum(min_count=1))


def _constraints(source: BriefSource, options: dict, lang: str) -> str:
    parts = []
    roles = options.get("roles")
    if roles:
        parts.append(_w("brief_plan_roles", lang, roles=", ".join(role_label(r, lang) for r in roles)))
    if options.get("min_one_worker"):
        parts.append(t("brief_plan_min_one", lang))
    if options.get("served") == "children":
        parts.append(t("brief_plan_served_children_only", lang))
    statuses = options.get("exclude_statuses")
    if statuses:
        words = ", ".join(_status_word(s, lang) for s in statuses)
        parts.append(_w("brief_plan_exclude_statuses", lang, statuses=words))
    for key, word, decimals in (
        ("oblast_budget_caps", "brief_plan_cap_budget", 0),
        ("oblast_position_caps", "brief_plan_cap_positions", 0),
    ):
        for code, value in (options.get(key) or {}).items():
            parts.append(_w(word, lang, unit=_unit_name(source, code, lang), value=_n(value, lang, decimals)))
    if options.get("unknown_idp") == "exclude":
        parts.append(t("brief_plan_exclude_unknown_idp", lang))
    return "; ".join(parts) or t("brief_plan_no_constraints", lang)


def _plan_rows(source: BriefSource, plan, lang: str) -> tuple[tuple[str, ...], ...]:
    header = (
        t("name", lang),
        t("brief_oblast", lang),
        t("brief_plan_roles_funded", lang),
        t("brief_plan_positions_short", lang),
        t("brief_plan_cost", lang),
    )
    table = plan.allocations
    if table is None or table.empty:
        return (header, (t("brief_plan_nothing", lang), "", "", "", ""))
    by_hromada = table.groupby("code", sort=False).agg(
        oblast_code=("oblast_code", "first"), positions=("positions", "sum"), cost=("cost", "sum")
    )
    roles = table.groupby("code")[["role", "positions"]].apply(
        lambda g: ", ".join(f"{role_label(r, lang)} {int(p)}" for r, p in zip(g["role"], g["positions"]))
    )
    by_hromada = by_hromada.join(roles.rename("roles")).reset_index()
    by_hromada = by_hromada.sort_values(["positions", "cost", "code"], ascending=[False, False, True])
    names = source.names
    rows = [header]
    for r in by_hromada.head(_TOP_ROWS).itertuples(index=False):
        name = names.at[r.code, f"name_{lang}"] if r.code in names.index else r.code
        oblast = names.at[r.oblast_code, f"name_{lang}"] if r.oblast_code in names.index else ""
        rows.append((str(name), str(oblast), r.roles, _n(r.positions, lang), _n(r.cost, lang)))
    if len(by_hromada) > _TOP_ROWS:
        rest = by_hromada.iloc[_TOP_ROWS:]
        rows.append(
            (
                _w("brief_plan_more", lang, count=_n(len(rest), lang)),
                "",
                "",
                _n(rest["positions"].sum(), lang),
                _n(rest["cost"].sum(), lang),
            )
        )
    return tuple(rows)


def _year_rows(plan, lang: str) -> tuple[tuple[str, ...], ...]:
    header = (t("brief_plan_year", lang), t("brief_plan_cost", lang), t("brief_plan_cumulative", lang))
    rows, total = [header], 0.0
    for year, cost in enumerate(plan.cost_by_year, start=1):
        total += float(cost)
        rows.append((_n(year, lang), _n(cost, lang), _n(total, lang)))
    if len(rows) == 1:
        rows.append(("—", _n(plan.spent, lang), _n(plan.spent, lang)))
    return tuple(rows)


# -- rendering ---------------------------------------------------------------------------------------------------
_FONTS_READY = False


def _register_fonts() -> None:
    global _FONTS_READY
    if _FONTS_READY:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in ((_FONT, "DejaVuSans.ttf"), (_BOLD, "DejaVuSans-Bold.ttf")):
        path = _FONT_DIR / file
        if not path.exists():
            raise FileNotFoundError(f"font {path} is missing (it ships with matplotlib)")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(_FONT, 0, 0, _FONT)
    addMapping(_FONT, 1, 0, _BOLD)
    _FONTS_READY = True


def _styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=_FONT, fontSize=8, leading=10, textColor=colors.HexColor("#222222"))
    return {
        "title": ParagraphStyle("title", base, fontName=_BOLD, fontSize=15, leading=18),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=8.5, leading=11, textColor=colors.HexColor("#555555")),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=_BOLD,
            fontSize=9.5,
            leading=12,
            spaceBefore=5,
            spaceAfter=1,
            textColor=colors.HexColor("#1f3b5c"),
        ),
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=6.6, leading=8.2, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", base, fontSize=7.4, leading=9),
        "cell_bold": ParagraphStyle("cell_bold", base, fontName=_BOLD, fontSize=7.4, leading=9),
        "caption": ParagraphStyle("caption", base, fontSize=6.6, leading=8, textColor=colors.HexColor("#555555")),
    }


def _table(rows: Sequence[Sequence[str]], styles, widths, numeric_from: int = 1):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = []
    for r, row in enumerate(rows):
        style = styles["cell_bold"] if r == 0 else styles["cell"]
        cells.append([Paragraph(escape(str(v)), style) for v in row])
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), _FONT),  # the cells' own font (tables default to Helvetica, not embedded)
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#1f3b5c")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    table.setStyle(TableStyle(commands))
    return table


def render_pdf(content: BriefContent) -> bytes:
    """``content`` on one A4 page (PDF bytes), fonts embedded; overflowing content is scaled down to fit."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    styles = _styles()
    margin = 13 * mm
    width, height = A4[0] - 2 * margin, A4[1] - 2 * margin
    story = [
        Paragraph(escape(content.title), styles["title"]),
        Paragraph(escape(content.subtitle), styles["subtitle"]),
        Spacer(0, 3 * mm),
    ]
    map_width = 0.52 * width
    left = []
    if content.map_png:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(content.map_png)) as picture:
            ratio = picture.height / picture.width
        left.append(Image(io.BytesIO(content.map_png), width=map_width, height=map_width * ratio))
    left.append(Paragraph(escape(content.map_caption), styles["caption"]))
    figures_width = width - map_width - 4 * mm
    figures = _table(
        [(t("figure", content.lang), "")] + [list(pair) for pair in content.figures],
        styles,
        [figures_width * 0.68, figures_width * 0.32],
    )
    top = Table([[left, figures]], colWidths=[map_width + 4 * mm, figures_width], hAlign="LEFT")
    top.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(top)
    for section in content.sections:
        story.append(Paragraph(escape(section.heading), styles["heading"]))
        for line in section.lines:
            story.append(Paragraph("• " + escape(line), styles["body"]))
        if section.table:
            columns = len(section.table[0])
            first = 0.34 if columns > 4 else 0.4
            rest = (1 - first) / (columns - 1)
            if content.kind == "plan" and columns == 5:
                widths = [0.22, 0.14, 0.38, 0.1, 0.16]
            else:
                widths = [first, *([rest] * (columns - 1))]
            story.append(Spacer(0, 1 * mm))
            story.append(_table(section.table, styles, [w * width for w in widths]))
    story.append(Paragraph(escape(t("brief_caveats", content.lang)), styles["heading"]))
    story += [Paragraph("• " + escape(c), styles["small"]) for c in content.caveats]
    story.append(Paragraph(escape(t("brief_sources", content.lang)), styles["heading"]))
    story += [Paragraph("• " + escape(s), styles["small"]) for s in content.sources]
    story += [Spacer(0, 2 * mm), Paragraph(escape(content.footer), styles["caption"])]

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=content.title,
        author=t("title", content.lang),
        subject=content.subtitle,
        lang=content.lang,
        invariant=1,  # the same content gives the same bytes (no time stamp, fixed document id)
        initialFontName=_FONT,  # the page starts in the embedded font: no base-14 font (never embedded) is referenced
        initialFontSize=8,
    )
    document.build([KeepInFrame(width, height, story, mode="shrink")])
    return buffer.getvalue()


def unit_brief_pdf(source: BriefSource, unit: str, lang: str = "uk") -> bytes:
    """The brief of Ukraine, an oblast or a hromada as PDF bytes."""
    return render_pdf(unit_brief(source, unit, lang))


def plan_brief_pdf(source: BriefSource, plan, lang: str = "uk", **options) -> bytes:
    """The brief of a funding plan as PDF bytes (``options``: see :func:`plan_brief`)."""
    return render_pdf(plan_brief(source, plan, lang, **options))


def write_oblast_briefs(
    source: BriefSource,
    out_dir: Path,
    lang: str = "uk",
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """One brief per oblast into ``out_dir`` (``<P-code>_<lang>.pdf``); returns the files written.

    ``progress(done, total, code)`` is called after each brief; when
    ``cancelled()`` turns true the batch stops after the brief in hand (the
    files already written stay, each complete: a file is written whole or
    not at all).
    """
    from .files import write_atomic

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    codes = oblast_codes(source)
    written = []
    if progress is not None:
        progress(0, len(codes), "")
    for done, code in enumerate(codes, start=1):
        if cancelled is not None and cancelled():
            break
        pcode = source.names.at[code, "pcode"] if code in source.names.index else code
        path = out_dir / f"{pcode}_{lang}.pdf"
        write_atomic(path, unit_brief_pdf(source, code, lang))
        written.append(path)
        if progress is not None:
            progress(done, len(codes), code)
    return written
