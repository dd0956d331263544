"""Labels and number formats in Ukrainian (default) and English."""

from __future__ import annotations

import math

__all__ = ["METRIC_LABELS", "TEXT", "format_number", "t"]

TEXT = {
    "uk": {
        "title": "Атлас кадрів соціальної сфери України",
        "subtitle": "Соціальні працівники громад проти кількості мешканців і ВПО",
        "level": "Рівень",
        "oblast": "Області",
        "raion": "Райони",
        "hromada": "Громади",
        "metric": "Показник",
        "reset": "Уся Україна",
        "download": "Завантажити таблицю (.xlsx)",
        "ukraine": "Україна",
        "no_data": "немає даних",
        "name": "Назва",
        "population": "Населення",
        "idp": "ВПО",
        "workers": "Соціальні працівники",
        "approximate": (
            "Межі громад наближені (демо): побудовані з розташування населених пунктів GeoNames, "
            "це не офіційні межі. Щоб показати офіційні межі, завантажте файли COD-AB (див. README)."
        ),
        "estimated": "Кількість ВПО в громадах оцінена розподілом обласних оцінок МОМ.",
        "click_hint": "Клацніть область на карті, щоб побачити її громади.",
        "sheet": "Таблиця",
    },
    "en": {
        "title": "Social Service Workforce Atlas of Ukraine",
        "subtitle": "Community social workers against residents and IDPs",
        "level": "Level",
        "oblast": "Oblasts",
        "raion": "Raions",
        "hromada": "Hromadas",
        "metric": "Metric",
        "reset": "All Ukraine",
        "download": "Download table (.xlsx)",
        "ukraine": "Ukraine",
        "no_data": "no data",
        "name": "Name",
        "population": "Residents",
        "idp": "IDPs",
        "workers": "Social workers",
        "approximate": (
            "Hromada boundaries are approximate (demo): built from GeoNames settlement locations, "
            "not official boundaries. Load COD-AB files to show official boundaries (see README)."
        ),
        "estimated": "Hromada IDP figures are estimated by distributing IOM oblast estimates.",
        "click_hint": "Click an oblast on the map to see its hromadas.",
        "sheet": "Table",
    },
}

#: metric -> (Ukrainian label, English label, unit uk, unit en, colour scale kind, decimals)
METRIC_LABELS = {
    "workers_per_10k": (
        "Працівників на 10 тис. мешканців",
        "Workers per 10,000 residents",
        "на 10 тис.",
        "per 10,000",
        "sequential",
        2,
    ),
    "workers_per_10k_incl_idp": (
        "Працівників на 10 тис. мешканців з ВПО",
        "Workers per 10,000 residents incl. IDPs",
        "на 10 тис.",
        "per 10,000",
        "sequential",
        2,
    ),
    "residents_per_worker": (
        "Мешканців на одного працівника",
        "Residents per worker",
        "осіб",
        "persons",
        "sequential_reversed",
        0,
    ),
    "gap_fte": ("Дефіцит посад до нормативу", "Gap to the norm, positions", "посад", "positions", "diverging", 1),
    "workers": ("Соціальні працівники", "Social workers", "осіб", "persons", "sequential", 0),
    "population": ("Населення", "Residents", "осіб", "persons", "sequential", 0),
    "idp": ("ВПО", "IDPs", "осіб", "persons", "sequential", 0),
}


def t(key: str, lang: str = "uk") -> str:
    """The label ``key`` in ``lang`` (falls back to Ukrainian)."""
    return TEXT.get(lang, TEXT["uk"]).get(key, TEXT["uk"][key])


def format_number(value: float | None, decimals: int = 0, lang: str = "uk") -> str:
    """``12345.6`` -> ``12 345,6`` (uk) or ``12,345.6`` (en); NaN -> "no data"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("no_data", lang)
    text = f"{value:,.{decimals}f}"
    if lang == "uk":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text
