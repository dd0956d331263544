"""Canonical fields of each kind of table and the headers that name them.

This is the one place to extend when a file uses a header the loaders do
not know yet: add the header (Ukrainian or English, in any case; units
after a comma or in brackets are ignored, e.g. "Чисельність населення,
осіб") to the tuple of its field. HXL hashtags (a row of ``#adm1+code``
style tags under or instead of the header) are mapped in :data:`HXL_TAGS`.

Key fields say which unit a row is about: ``code`` (a KATOTTG code or
COD-AB P-code of any level), ``oblast``, ``raion`` and ``hromada`` (a name
or a code of that level; the deepest one filled in is the row's unit and
the others its context), ``name`` (a name of any level) and
``hromada_type`` (міська / селищна / сільська, used to tell apart hromadas
of the same name).
"""

from __future__ import annotations

from core.schema import ALL_ROLES, KINDS, ROLES
from core.text import t

__all__ = [
    "KINDS",
    "ROLES",
    "ALL_ROLES",
    "ROLE_LABELS",
    "ROLE_ALIASES",
    "STAFFING_MEASURES",
    "KEY_FIELDS",
    "VALUE_FIELDS",
    "REQUIRED",
    "CANONICAL_FIELDS",
    "COUNT_FIELDS",
    "HXL_TAGS",
    "FIELD_EXAMPLES",
    "staffing_columns",
]


#: Ukrainian and English label of each role, in display order (from the catalogue, ``core.text``).
ROLE_LABELS = {role: (t(f"role_{role}", "uk"), t(f"role_{role}", "en")) for role in ALL_ROLES}

#: Further names of each role, as found in staffing tables (matched after normalisation).
ROLE_ALIASES = {
    "social_work_specialist": (
        "фахівці із соціальної роботи",
        "фахівець з соціальної роботи",
        "фахівці з соціальної роботи",
        "фахівець соціальної роботи",
        "фср",
        "social work specialists",
        "social_work_specialist",
    ),
    "social_worker": ("соціальні працівники", "соцпрацівник", "соцпрацівники", "social workers", "social_worker"),
    "psychologist": ("психологи", "практичний психолог", "психолог", "psychologists", "psychologist"),
    "case_manager": (
        "кейс-менеджер",
        "кейс-менеджери",
        "фахівець із супроводу",
        "фахівці із супроводу",
        "менеджер випадку",
        "case managers",
        "case_manager",
    ),
    "children_services_specialist": (
        "фахівці служби у справах дітей",
        "спеціаліст служби у справах дітей",
        "служба у справах дітей",
        "ссд",
        "children's services specialists",
        "child protection specialist",
        "children_services_specialist",
    ),
    "other": ("інше", "інші", "інші посади", "other roles", "others", "other"),
}

#: Words that name the measure of a staffing column ("... затверджено", "... filled").
STAFFING_MEASURES = {
    "approved": (
        "затверджено штатних одиниць",
        "затверджено",
        "затверджені",
        "штатні посади",
        "штатних одиниць",
        "штатна чисельність",
        "кількість штатних одиниць",
        "за штатом",
        "approved positions",
        "approved",
        "positions approved",
    ),
    "filled": (
        "фактично зайнято",
        "зайнято",
        "зайняті посади",
        "зайнятих посад",
        "зайняті",
        "фактично",
        "фактично працює",
        "працює",
        "filled positions",
        "filled",
        "positions filled",
        "occupied",
        "staff in post",
    ),
    "annual_cost": (
        "річна вартість посади",
        "вартість посади на рік",
        "вартість однієї посади",
        "річний фонд оплати праці на посаду",
        "annual cost per position",
        "annual cost",
        "cost per position",
    ),
}


def staffing_columns(roles: tuple[str, ...] = ALL_ROLES) -> list[str]:
    """``{role}_approved``, ``{role}_filled`` and ``{role}_annual_cost`` of each role."""
    return [f"{role}_{what}" for role in roles for what in ("approved", "filled", "annual_cost")]


KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "code": (
        "код катоттг",
        "катоттг",
        "код за катоттг",
        "код",
        "код одиниці",
        "код адміністративно-територіальної одиниці",
        "katottg",
        "katottg code",
        "code",
        "pcode",
        "p-code",
        "p code",
        "admin pcode",
        "код громади",
        "hromada code",
        "hromada_code",
        "hromada pcode",
        "adm4_pcode",
        "код населеного пункту",
        "settlement code",
    ),
    "oblast": (
        "область",
        "назва області",
        "код області",
        "oblast",
        "oblast name",
        "oblast pcode",
        "oblast code",
        "oblast_code",
        "region",
        "регіон",
        "adm1_ua",
        "adm1_uk",
        "adm1_en",
        "adm1_name",
        "adm1_pcode",
        "adm1",
    ),
    "raion": (
        "район",
        "назва району",
        "код району",
        "raion",
        "rayon",
        "district",
        "raion name",
        "raion pcode",
        "raion code",
        "raion_code",
        "adm2_ua",
        "adm2_uk",
        "adm2_en",
        "adm2_name",
        "adm2_pcode",
        "adm2",
    ),
    "hromada": (
        "громада",
        "назва громади",
        "територіальна громада",
        "назва територіальної громади",
        "тг",
        "отг",
        "назва тг",
        "hromada",
        "hromada name",
        "hromada_name",
        "community",
        "territorial community",
        "adm3_ua",
        "adm3_uk",
        "adm3_en",
        "adm3_name",
        "adm3_pcode",
        "adm3",
    ),
    "name": (
        "назва",
        "найменування",
        "назва одиниці",
        "адміністративна одиниця",
        "адміністративно-територіальна одиниця",
        "назва адміністративно-територіальної одиниці",
        "територія",
        "name",
        "unit",
        "admin unit",
        "territory",
        "location",
    ),
    "hromada_type": ("тип громади", "тип", "вид громади", "hromada type", "type", "type of hromada"),
}

VALUE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "population": {
        "population": (
            "чисельність населення",
            "чисельність наявного населення",
            "чисельність постійного населення",
            "наявне населення",
            "населення",
            "кількість населення",
            "усього населення",
            "кількість мешканців",
            "мешканців",
            "population",
            "total population",
            "population total",
            "total_population",
            "total_population_2022",
            "present population",
            "residents",
            "осіб / persons",
            "осіб",
            "persons",
            "наявне населення / present population",
        ),
        "population_children": (
            "діти",
            "діти 0-17",
            "діти 0-17 років",
            "діти до 18 років",
            "чисельність дітей",
            "кількість дітей",
            "населення 0-17 років",
            "children",
            "children 0-17",
            "population 0-17",
            "population_children",
        ),
        "population_urban": (
            "міське населення",
            "чисельність міського населення",
            "міське",
            "urban population",
            "urban",
            "population_urban",
            "urban_population",
            "urban_population_2022",
        ),
        "urban_share": (
            "частка міського населення",
            "питома вага міського населення",
            "urban share",
            "urban_pct",
            "urban pct",
            "% urban",
        ),
    },
    "idp": {
        "idp": (
            "кількість впо",
            "впо",
            "чисельність впо",
            "кількість внутрішньо переміщених осіб",
            "внутрішньо переміщені особи",
            "внутрішньо переміщених осіб",
            "idp",
            "idps",
            "idp_count",
            "number of idps",
            "idps present",
            "estimated idps",
            "estimated de facto idps present",
        ),
        "idp_children": (
            "діти впо",
            "впо діти",
            "кількість дітей впо",
            "діти з числа впо",
            "idp children",
            "children idps",
            "idp_children",
        ),
        "estimated": ("оцінка", "оціночні дані", "оцінені дані", "estimated", "is_estimated", "estimate"),
    },
    "staffing": {
        "role": ("посада", "роль", "назва посади", "role", "position", "job title"),
        "approved": STAFFING_MEASURES["approved"] + ("approved_positions",),
        "filled": STAFFING_MEASURES["filled"] + ("filled_positions", "staff"),
        "annual_cost": STAFFING_MEASURES["annual_cost"] + ("annual_cost",),
    },
    "caseload": {
        "families_sjo": (
            "сім'ї у сжо",
            "сім'ї у складних життєвих обставинах",
            "сімей у сжо",
            "сжо",
            "families_sjo",
            "families in difficult life circumstances",
        ),
        "low_income_families": (
            "малозабезпечені сім'ї з дітьми",
            "малозабезпечені сім'ї",
            "малозабезпечених сімей",
            "low_income_families",
            "low-income families with children",
            "low-income families",
        ),
        "children_disabilities": (
            "діти з інвалідністю",
            "кількість дітей з інвалідністю",
            "children with disabilities",
            "children_disabilities",
        ),
        "open_cases": (
            "відкриті випадки",
            "кількість відкритих випадків",
            "відкриті справи",
            "випадки",
            "open cases",
            "open_cases",
            "active cases",
        ),
        "home_care_recipients": (
            "отримувачі догляду вдома",
            "отримувачів догляду вдома",
            "особи, які отримують догляд вдома",
            "догляд вдома",
            "home care recipients",
            "home_care_recipients",
            "home care",
        ),
    },
}

#: Value fields of which at least one must be found for a file of each kind
#: (staffing: a role column with approved or filled positions, or role columns).
REQUIRED = {
    "population": ("population",),
    "idp": ("idp",),
    "staffing": ("approved", "filled"),
    "caseload": ("families_sjo", "low_income_families", "children_disabilities", "open_cases", "home_care_recipients"),
}

#: The canonical fields each kind gives, in order (the columns of the reader's frame).
CANONICAL_FIELDS = {
    "population": ("population", "population_children", "population_urban"),
    "idp": ("idp", "idp_children"),
    "staffing": tuple(staffing_columns()),
    "caseload": ("families_sjo", "low_income_families", "children_disabilities", "open_cases", "home_care_recipients"),
}

#: Fields that count people, families, cases or positions: never negative.
COUNT_FIELDS = frozenset(f for fields in CANONICAL_FIELDS.values() for f in fields if not f.endswith("annual_cost")) | {
    "approved",
    "filled",
}

#: HXL hashtag -> field: (hashtag, attributes that must be present, field). The first rule that fits wins.
HXL_TAGS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("#adm1", frozenset(), "oblast"),
    ("#adm2", frozenset(), "raion"),
    ("#adm3", frozenset(), "hromada"),
    ("#adm4", frozenset({"code"}), "code"),
    ("#affected", frozenset({"idp", "children"}), "idp_children"),
    ("#affected", frozenset({"idp"}), "idp"),
    ("#population", frozenset({"idp"}), "idp"),
    ("#population", frozenset({"children"}), "population_children"),
    ("#population", frozenset({"urban"}), "population_urban"),
    ("#population", frozenset({"total"}), "population"),
    ("#population", frozenset(), "population"),
)

#: Attributes after which a ``#population`` tag is not the total population.
HXL_NOT_TOTAL = frozenset({"idp", "returnees", "refugees", "rural", "f", "m", "elderly", "adults", "pct"})

#: A header that names each field in the files (what a message about a missing column gives as an example).
FIELD_EXAMPLES = {
    "code": "Код КАТОТТГ",
    "name": "Назва",
    "population": "Чисельність населення",
    "idp": "Кількість ВПО",
    "approved": "Затверджено штатних одиниць",
    "filled": "Фактично зайнято",
    "role": "Посада",
    "families_sjo": "Сім'ї у СЖО",
    "low_income_families": "Малозабезпечені сім'ї з дітьми",
    "children_disabilities": "Діти з інвалідністю",
    "open_cases": "Відкриті випадки",
    "home_care_recipients": "Отримувачі догляду вдома",
}
