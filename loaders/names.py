"""Match codes and names to the units of the codifier.

A row may name its unit by a KATOTTG code of any level, by a COD-AB P-code
(a prefix of the KATOTTG code), or by name: in Ukrainian, in the official
transliteration, or in a common Latin spelling, with any apostrophe
(’ ' ʼ `), with or without a type suffix (``міська ТГ``, ``rural TC``,
``область``, ``район``...). Names repeat across oblasts and even within an
oblast, so a name is matched within the oblast and raion of its row
(:meth:`UnitIndex.match_name`), and a name that is still ambiguous is
reported, never guessed.

Scope is law: when a row gives its oblast (or raion), its name is looked
for there only. A name that exists only elsewhere is an error whose
suggestions come from the row's own raion and oblast, never a match in
another oblast. The type in a name (``міська`` / ``селищна`` / ``сільська``,
``urban`` / ``settlement`` / ``rural``) tells apart hromadas of one name,
and an urban name never matches a settlement or rural hromada (nor the
other way round). Settlement and rural are not told apart strictly: the
codifier's types are derived from the category of the centre, and many
villages became selyshche in 2024, so such a difference is a warning.

The small tables here are the documented exceptions:

- :data:`OBLAST_ALIASES`: other names of the oblasts (``Vinnytsia``,
  ``Odessa``, ``Закарпаття``...);
- :func:`renames` (``data/renames.csv``): former names of hromadas and
  raions renamed since the 2020 reform (``Новоград-Волинська`` is now
  ``Звягельська``, raion ``Новомосковський`` is now ``Самарівський``); a
  former name matches, within the row's scope, with a warning naming
  today's name. Where each former name comes from is said in the table and
  in ``data/README.md``;
- :data:`KNOWN_CODES`: codes that publishers use for a unit instead of its
  KATOTTG code (IOM DTM's ``Temp03`` for Kyiv city);
- :data:`SOURCE_QUIRKS`: rows that a known publication leaves without a
  code (the KSE Loc Data Hub population table codes Kyiv city ``NA``);
- :data:`SPECIAL_AREAS`: COD-AB areas that are no unit of the codifier
  (the Chornobyl exclusion zone).
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .messages import Message, msg
from .safety import suggestion_allowed

__all__ = [
    "KYIV_CODE",
    "SEVASTOPOL_CODE",
    "OBLAST_ALIASES",
    "RENAMES_PATH",
    "Rename",
    "renames",
    "KNOWN_CODES",
    "SOURCE_QUIRKS",
    "SPECIAL_AREAS",
    "NameParts",
    "Match",
    "UnitIndex",
    "name_key",
    "latin_key",
    "parse_name",
    "looks_like_code",
    "unit_index",
]

KYIV_CODE = "UA80000000000093317"
SEVASTOPOL_CODE = "UA85000000000065278"

#: Other names of the oblasts by COD-AB P-code: noun forms, regional names, common Latin spellings.
OBLAST_ALIASES: dict[str, tuple[str, ...]] = {
    "UA01": ("Крим", "АР Крим", "Автономна Республіка Крим", "Crimea", "Autonomous Republic of Crimea", "Krym"),
    "UA05": ("Вінниччина", "Vinnytsia", "Vinnytsya", "Vinnitsa"),
    "UA07": ("Волинь", "Volyn", "Volhynia"),
    "UA12": ("Дніпропетровщина", "Dnipropetrovsk", "Dnepropetrovsk"),
    "UA14": ("Донеччина", "Donetsk"),
    "UA18": ("Житомирщина", "Zhytomyr", "Zhitomir"),
    "UA21": ("Закарпаття", "Zakarpattia", "Zakarpattya", "Transcarpathia"),
    "UA23": ("Запоріжжя", "Zaporizhzhia", "Zaporizhia", "Zaporizhzhya", "Zaporozhye"),
    "UA26": ("Прикарпаття", "Ivano-Frankivsk", "Ivano-Frankovsk"),
    "UA32": ("Київщина",),
    "UA35": ("Кіровоградщина", "Kirovohrad", "Kirovograd", "Kropyvnytskyi"),
    "UA44": ("Луганщина", "Luhansk", "Lugansk"),
    "UA46": ("Львівщина", "Lviv", "Lvov"),
    "UA48": ("Миколаївщина", "Mykolaiv", "Mykolayiv", "Nikolaev"),
    "UA51": ("Одещина", "Odesa", "Odessa"),
    "UA53": ("Полтавщина", "Poltava"),
    "UA56": ("Рівненщина", "Rivne", "Rovno"),
    "UA59": ("Сумщина", "Sumy"),
    "UA61": ("Тернопільщина", "Ternopil"),
    "UA63": ("Харківщина", "Kharkiv", "Kharkov"),
    "UA65": ("Херсонщина", "Kherson"),
    "UA68": ("Хмельниччина", "Khmelnytskyi", "Khmelnytskyy", "Khmelnitsky"),
    "UA71": ("Черкащина", "Cherkasy", "Cherkassy"),
    "UA73": ("Буковина", "Chernivtsi", "Chernovtsy"),
    "UA74": ("Чернігівщина", "Chernihiv", "Chernigov"),
    "UA80": ("Kyiv City", "Kiev", "місто Київ"),
    "UA85": ("Sevastopol City", "місто Севастополь"),
}
#: Names that mean an oblast only when the row says "область"/"oblast" ("Kyiv Oblast", not Kyiv city).
_OBLAST_SUFFIX_ALIASES = {"UA32": ("Київ", "Kyiv", "Kiev")}

#: Former names of renamed hromadas and raions (see ``data/README.md`` for where each comes from).
RENAMES_PATH = Path(__file__).resolve().parent.parent / "data" / "renames.csv"

#: What the ``evidence`` column of ``data/renames.csv`` stands for.
RENAME_EVIDENCE = {
    "ssu2022": "still used in the State Statistics population table of 1 Jan 2022",
    "codab20240416": "still used in OCHA COD-AB of 16 Apr 2024",
    "vr2021": "renamed by the Verkhovna Rada in 2021",
    "vr2022": "renamed by the Verkhovna Rada in 2022",
}


@dataclass(frozen=True)
class Rename:
    """A former name of a unit: ``level``, ``oblast_pcode`` (``UA12``), ``code`` (KATOTTG), ``old_name``,
    ``name`` (today's, as in the codifier) and ``evidence`` (where the former name is found)."""

    level: str
    oblast_pcode: str
    code: str
    old_name: str
    name: str
    evidence: str


@lru_cache(maxsize=1)
def renames() -> tuple[Rename, ...]:
    """The rows of ``data/renames.csv`` (empty when the file is absent)."""
    if not RENAMES_PATH.exists():
        return ()
    with RENAMES_PATH.open(encoding="utf-8", newline="") as handle:
        return tuple(Rename(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(handle))


#: Codes that publishers use instead of a KATOTTG code: code (upper case) -> (KATOTTG code, who uses it).
KNOWN_CODES: dict[str, tuple[str, str]] = {
    "TEMP03": (KYIV_CODE, "who_iom_kyiv"),  # who uses it: a message code
}

#: Rows that a known publication leaves without a code: (header columns that identify the
#: publication, the code cell, the unit it is, why).
SOURCE_QUIRKS: tuple[tuple[frozenset[str], str, str, str], ...] = (
    (
        frozenset({"hromada_code", "hromada_name", "total_population_2022"}),
        "NA",
        KYIV_CODE,
        "why_kse_kyiv",  # why: a message code
    ),
)

#: COD-AB areas that are no unit of the codifier: P-code -> (Ukrainian name, English name).
SPECIAL_AREAS: dict[str, tuple[str, str]] = {
    "UA3200": ("Чорнобильська зона відчуження", "Chornobyl Exclusion Zone"),
    "UA3200000": ("Чорнобильська зона відчуження", "Chornobyl Exclusion Zone"),
}

#: COD-AB P-codes of the cities with special status below the first level: P-code -> KATOTTG code.
_CITY_PCODES = {
    "UA8000": KYIV_CODE,
    "UA8000000": KYIV_CODE,
    "UA8500": SEVASTOPOL_CODE,
    "UA8500000": SEVASTOPOL_CODE,
}

LEVEL_ORDER = {"oblast": 1, "raion": 2, "hromada": 3, "settlement": 4}
_PCODE_LEVEL = {4: "oblast", 6: "raion", 9: "hromada", 12: "settlement"}

_APOSTROPHES = "'’ʼ`‘′´ʹ\u02bc"
_HOMOGLYPHS = str.maketrans("aceiopxyAaCEIOPXHKMTB", "асеіорхуАаСЕІОРХНКМТВ")
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ё": "e", "ы": "y", "э": "e", "ъ": "",
}  # fmt: skip
_SKELETON_STEPS = (
    ("shch", "S"), ("sch", "S"), ("zh", "Z"), ("kh", "H"), ("ch", "C"), ("sh", "S"), ("ts", "c"), ("tz", "c"),
    ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"), ("ja", "a"), ("ye", "e"), ("ie", "e"),
    ("je", "e"), ("yi", "I"), ("ji", "I"), ("yy", "I"), ("iy", "I"), ("ii", "I"), ("ij", "I"), ("yj", "I"),
    ("y", "I"), ("i", "I"), ("j", "I"), ("g", "h"), ("w", "v"), ("x", "ks"),
)  # fmt: skip

_TYPE_WORDS = {
    "міська": "urban", "селищна": "settlement", "сільська": "rural",
    "urban": "urban", "settlement": "settlement", "rural": "rural", "city": "urban",
}  # fmt: skip
_HROMADA_SUFFIX = re.compile(
    r"\s*(?:(?P<type>міська|селищна|сільська|urban|settlement|rural)\s*)?"
    r"(?:(?:об'єднана\s+)?територіальна\s+громада|отг|тг|громада|"
    r"territorial\s+community|united\s+territorial\s+community|community|hromada|utc|otg|tc)\.?$"
)
_TYPE_ONLY_SUFFIX = re.compile(r"\s+(?P<type>міська|селищна|сільська|urban|settlement|rural)$")
_RAION_SUFFIX = re.compile(r"\s*(?:район|р-н|р-ну|raion|rayon|district)\.?$")
_OBLAST_SUFFIX = re.compile(r"\s*(?:область|обл|oblast|oblast'|obl|region)\.?$")
_CITY_PREFIX = re.compile(r"^(?:м\.|місто|city\s+of)\s*")
_CITY_SUFFIX = re.compile(r"\s+(?:city|місто)$")
_FOOTNOTE = re.compile(r"(?:\s*[*¹²³⁴⁵⁶⁷⁸⁹⁰†‡]+|\s*\d\))+$")
_KATOTTG = re.compile(r"^UA\d{17}$")
_PCODE = re.compile(r"^UA\d{2}(?:\d{2}(?:\d{3}(?:\d{3})?)?)?$")
_KOATUU = re.compile(r"^\d{10}$")
_CODE_LIKE = re.compile(r"^(?:UA\d+|\d{10}|[A-Z]{2,6}\d{1,4})$")


_CLEAN_TABLE = str.maketrans({**{m: "'" for m in _APOSTROPHES}, **{d: "-" for d in "‐‑‒–—"}, "\u00a0": " "})


def _clean(text: object) -> str:
    if text is None:
        return ""
    return " ".join(str(text).translate(_CLEAN_TABLE).split())


def name_key(text: object) -> str:
    """Comparable form of a Ukrainian (or Latin) name (see :func:`_name_key`)."""
    return _name_key(text) if isinstance(text, str) else _name_key(str(text) if text is not None else "")


@lru_cache(maxsize=262144)
def _name_key(text: str) -> str:
    """Comparable form of a Ukrainian (or Latin) name.

    Lower case, apostrophes, hyphens, spaces and dots dropped, ґ read as г,
    and Latin letters that look like Cyrillic ones read as Cyrillic in a
    Cyrillic name: ``"Кам’янець-Подільська"`` and ``"Кам'янець Подiльська"``
    (with a Latin ``i``) give the same key.
    """
    text = _clean(text)
    if re.search("[а-яіїєґА-ЯІЇЄҐ]", text):
        text = text.translate(_HOMOGLYPHS)
    text = text.lower().replace("ґ", "г").replace("ё", "е")
    return re.sub(r"[^0-9a-zа-яіїє]", "", text)


@lru_cache(maxsize=65536)
def latin_key(text: str) -> str:
    """Spelling-tolerant Latin skeleton of a name in any script.

    Cyrillic is transliterated, then the spellings that Latin renderings
    disagree on are folded (``ts``/``tz``, ``y``/``i``/``j``, ``ya``/``ia``,
    ``kh``/``h``, doubled letters...), so ``Vinnytska``, ``Vinnytskа`` and
    ``Вінницька`` meet, and ``Zaporizhzhia`` meets ``Zaporizhzhya``.
    """
    text = name_key(text)
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    for old, new in _SKELETON_STEPS:
        text = text.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", text)


@dataclass(frozen=True)
class NameParts:
    """A name cell split into its name and what its suffix says.

    ``level`` is ``"oblast"``, ``"raion"``, ``"hromada"`` or ``"city"`` when
    a suffix or prefix says so (``область``, ``район``, ``сільська ТГ``,
    ``м.``), else ``None``; ``hromada_type`` is ``urban``, ``settlement`` or
    ``rural`` when the suffix names it.
    """

    name: str
    level: str | None = None
    hromada_type: str | None = None


def parse_name(text: object) -> NameParts:
    """Split ``"Агрономічна сільська ТГ"`` into ``NameParts("Агрономічна", "hromada", "rural")``."""
    return _parse_name(text if isinstance(text, str) else ("" if text is None else str(text)))


@lru_cache(maxsize=262144)
def _parse_name(text: str) -> NameParts:
    """Split ``"Агрономічна сільська ТГ"`` into ``NameParts("Агрономічна", "hromada", "rural")``."""
    raw = _FOOTNOTE.sub("", _clean(text)).strip(" .,:;")
    low = raw.lower()
    for pattern, level in ((_OBLAST_SUFFIX, "oblast"), (_RAION_SUFFIX, "raion")):
        m = pattern.search(low)
        if m and m.start() > 0:
            return NameParts(raw[: m.start()].strip(" ,-"), level)
    m = _HROMADA_SUFFIX.search(low)
    if m and m.start() > 0 and (m.group(0).strip() not in {"tc"} or " " in low):
        kind = _TYPE_WORDS.get(m.group("type") or "")
        return NameParts(raw[: m.start()].strip(" ,-"), "hromada", kind)
    m = _TYPE_ONLY_SUFFIX.search(low)
    if m and m.start() > 0:
        return NameParts(raw[: m.start()].strip(" ,-"), "hromada", _TYPE_WORDS[m.group("type")])
    m = _CITY_PREFIX.match(low)
    if m:
        return NameParts(raw[m.end() :].strip(), "city")
    m = _CITY_SUFFIX.search(low)
    if m and m.start() > 0:
        return NameParts(raw[: m.start()].strip(), "city")
    return NameParts(raw)


def _shaped_like(name: str, level: str) -> bool:
    """False when the ending of ``name`` says it is another level's: raion names are masculine adjectives
    (``Гайсинський``, ``Haisynskyi``), hromada names feminine ones (``Гайсинська``, ``Haisynska``), so a near
    spelling never crosses the two."""
    key = name_key(name)
    if level == "raion":
        return not key.endswith(("ська", "цька", "зька", "ska", "tska", "zka"))
    if level == "hromada":
        return not key.endswith(("ський", "цький", "зький", "skyi", "skyy", "skiy", "tskyi"))
    return True


def looks_like_code(text: object) -> bool:
    """True for text shaped like a code (``UA05...``, a 10-digit KOATUU code, ``Temp03``), not a name."""
    code = re.sub(r"\s+", "", str(text or "")).upper()
    return bool(code) and (bool(_CODE_LIKE.match(code)) or code in KNOWN_CODES)


@dataclass(frozen=True)
class Match:
    """The outcome of matching one code or name.

    ``units`` are row positions in the units table (Kyiv city is both an
    oblast-level and a hromada-level unit, so a match may hold two);
    ``level`` is the level the code or name was given at (``settlement``
    for a settlement code, whose unit is then its hromada). ``note`` says
    how a match was made when it is worth a warning (a renamed hromada, a
    publisher's own code, a near spelling). On failure ``units`` is empty
    and ``problem`` says why, with ``suggestions``.
    """

    units: tuple[int, ...] = ()
    level: str | None = None
    note: Message | None = None
    problem: Message | None = None
    suggestions: tuple[str, ...] = ()
    special: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.units)


@dataclass
class UnitIndex:
    """Look-up tables over a units table (``code, pcode, level, name_uk, name_en, ...``)."""

    units: pd.DataFrame
    _by_code: dict[str, list[int]] = field(default_factory=dict)
    _by_pcode: dict[str, list[int]] = field(default_factory=dict)
    _by_name: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _by_latin: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _renamed: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=dict)
    _suffix_alias: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        u = self.units.reset_index(drop=True)
        self.units = u
        self.code = u["code"].astype(str).tolist()
        self.pcode = u["pcode"].fillna("").astype(str).tolist()
        self.level = u["level"].astype(str).tolist()
        self.name_uk = u["name_uk"].fillna("").astype(str).tolist()
        self.name_en = u["name_en"].fillna("").astype(str).tolist()
        self.oblast = u["oblast_code"].fillna("").astype(str).tolist()
        self.raion = u["raion_code"].fillna("").astype(str).tolist()
        self.htype = u["hromada_type"].fillna("").astype(str).tolist()
        self.positions_at: dict[str, list[int]] = {}
        oblast_by_pcode = {}
        for i, (code, pcode, level) in enumerate(zip(self.code, self.pcode, self.level)):
            self._by_code.setdefault(code, []).append(i)
            if pcode:
                self._by_pcode.setdefault(pcode, []).append(i)
            self.positions_at.setdefault(level, []).append(i)
            if level == "oblast":
                oblast_by_pcode[pcode] = i
            for name in (self.name_uk[i], self.name_en[i]):
                self._add_name(level, name, i)
        for pcode, aliases in OBLAST_ALIASES.items():
            if pcode in oblast_by_pcode:
                for alias in aliases:
                    self._add_name("oblast", alias, oblast_by_pcode[pcode])
        for pcode, aliases in _OBLAST_SUFFIX_ALIASES.items():
            if pcode in oblast_by_pcode:
                for alias in aliases:
                    self._suffix_alias[name_key(alias)] = oblast_by_pcode[pcode]
                    self._suffix_alias[latin_key(alias)] = oblast_by_pcode[pcode]
        by_code = {c: i for i, c in enumerate(self.code)}
        for r in renames():
            i = by_code.get(r.code)
            if i is None or self.level[i] != r.level or name_key(self.name_uk[i]) != name_key(r.name):
                # another units table (or codifier edition): today's name in the same oblast, if unique
                oblast = self.code[oblast_by_pcode[r.oblast_pcode]] if r.oblast_pcode in oblast_by_pcode else None
                same = [j for j in self._by_name.get((r.level, name_key(r.name)), []) if self.oblast[j] == oblast]
                if len(same) != 1:
                    continue
                i = same[0]
            note = msg("former_name", old=r.old_name, level=r.level, name=self.name_uk[i], code=self.code[i])
            for key in (name_key(r.old_name), latin_key(r.old_name)):
                entries = self._renamed.setdefault((r.level, key), [])
                if all(j != i for j, _ in entries):
                    entries.append((i, note))
        self._latin_lists: dict[str, list[tuple[str, int]]] = {
            level: [(latin_key(self.name_uk[i]), i) for i in rows] for level, rows in self.positions_at.items()
        }

    def _add_name(self, level: str, name: str, i: int) -> None:
        if not name:
            return
        for table, key in ((self._by_name, name_key(name)), (self._by_latin, latin_key(name))):
            rows = table.setdefault((level, key), [])
            if i not in rows:
                rows.append(i)

    # ------------------------------------------------------------------ labels
    def label(self, i: int) -> Message:
        """Unit ``i`` as a message (``core.text.issue_text`` says it): ``"Вінницька (Vinnytska), hromada in
        Вінницька oblast, UA05020030000031457"`` in English."""
        if self.level[i] != "oblast" and self.oblast[i]:
            parent = self._by_code.get(self.oblast[i], [None])[0]
            if parent is not None:
                return msg(
                    "unit_in",
                    name_uk=self.name_uk[i],
                    name_en=self.name_en[i],
                    level=self.level[i],
                    oblast=self.name_uk[parent],
                    code=self.code[i],
                )
        return msg("unit", name_uk=self.name_uk[i], name_en=self.name_en[i], level=self.level[i], code=self.code[i])

    def parent_codes(self, i: int) -> tuple[str, str]:
        return self.oblast[i], self.raion[i]

    def at_level(self, units: tuple[int, ...], level: str | None) -> tuple[int, ...]:
        """The positions among ``units`` at ``level`` (all of them when none is)."""
        chosen = tuple(i for i in units if self.level[i] == level)
        return chosen or units

    # ------------------------------------------------------------------- codes
    def match_code(self, text: object) -> Match:
        """A unit by KATOTTG code (any level), COD-AB P-code, or a publisher's known code."""
        raw = str(text or "").strip()
        code = re.sub(r"\s+", "", raw).upper()
        if not code:
            return Match(problem=msg("empty_code"))
        if re.fullmatch(r"\d{17}", code):  # a KATOTTG code whose "UA" was dropped by a registry export
            code = "UA" + code
        if code in KNOWN_CODES:
            target, who = KNOWN_CODES[code]
            rows = tuple(self._by_code.get(target, ()))
            if rows:
                return Match(rows, self.level[rows[0]], note=msg("known_code", raw=raw, who=msg(who), target=target))
        if _KATOTTG.match(code):
            rows = tuple(self._by_code.get(code, ()))
            if rows:
                return Match(rows, self.level[rows[0]])
            hromada = self._by_pcode.get(code[:9], [])
            if hromada and self.level[hromada[0]] == "hromada":
                return Match(tuple(hromada), "settlement")
            return Match(problem=msg("code_not_found", code=code), suggestions=self._near_codes(code))
        if _PCODE.match(code):
            if code in SPECIAL_AREAS:
                area = dict(zip(("uk", "en"), SPECIAL_AREAS[code]))
                return Match(problem=msg("special_area", code=code, area=area), special=code)
            level = _PCODE_LEVEL[len(code)]
            if code in _CITY_PCODES:
                rows = tuple(self._by_code.get(_CITY_PCODES[code], ()))
                return Match(rows, level) if rows else Match(problem=msg("code_not_found", code=code))
            rows = tuple(self._by_pcode.get(code, ()))
            if rows:
                return Match(rows, level)
            if level == "settlement":
                hromada = self._by_pcode.get(code[:9], [])
                if hromada:
                    return Match(tuple(hromada), "settlement")
            return Match(problem=msg("code_not_found", code=code), suggestions=self._near_codes(code))
        if _KOATUU.match(code):
            return Match(problem=msg("koatuu_code", raw=raw))
        return Match(problem=msg("not_a_code", raw=raw))

    def _near_codes(self, code: str, n: int = 3) -> tuple[str, ...]:
        if not suggestion_allowed():
            return ()
        pool = self.pcode if len(code) < 19 else self.code
        same_oblast = [i for i, c in enumerate(pool) if c[:4] == code[:4] and len(c) == len(code)]
        close = difflib.get_close_matches(code, [pool[i] for i in same_oblast], n=n, cutoff=0.7)
        return tuple(self.label(self._by_pcode.get(c, self._by_code.get(c, [0]))[0]) for c in close)

    # ------------------------------------------------------------------- names
    def match_name(
        self,
        text: object,
        levels: tuple[str, ...] = ("hromada", "raion", "oblast"),
        oblast: str | None = None,
        raion: str | None = None,
        hromada_type: str | None = None,
        near: bool = True,
    ) -> Match:
        """A unit by name at one of ``levels`` (tried in order), within ``oblast`` / ``raion`` (codes).

        A name that repeats is resolved by the oblast and raion context, then
        by the hromada type; if several units remain, the match fails with
        the candidates as suggestions. A hromada renamed since the file was
        made is found by its old name (with a note). With ``near``, a unique
        near spelling within the raion or oblast is accepted (with a note)
        when no exact name fits.
        """
        parts = text if isinstance(text, NameParts) else parse_name(text)
        if not parts.name:
            return Match(problem=msg("empty_name"))
        htype = parts.hromada_type or hromada_type
        if parts.level == "city":
            levels = ("oblast", "hromada")
        elif parts.level:
            levels = (parts.level,)
        keys = (name_key(parts.name), latin_key(parts.name))
        if parts.level == "oblast":
            for key in keys:
                if key in self._suffix_alias:
                    return Match((self._suffix_alias[key],), "oblast")
        for level in levels:
            match = self._exact(parts.name, keys, level, oblast, raion, htype)
            if match is not None:
                return match
        if near:
            shaped = tuple(level for level in levels if _shaped_like(parts.name, level))
            found = self._near_in_context(parts.name, shaped, oblast, raion, htype) if shaped else None
            if found is not None:
                i, score = found
                note = msg("near_spelling", given=parts.name, name=self.name_uk[i], share=round(score, 2))
                return Match(tuple(self._by_code[self.code[i]]), self.level[i], note=note)
        code = "no_such_name_in_scope" if (oblast or raion) else "no_such_name"
        problem = msg(code, name=parts.name, levels=tuple(levels))
        elsewhere = self._elsewhere(keys, levels, oblast, raion)
        return Match(
            problem=msg("with_elsewhere", problem=problem, elsewhere=elsewhere) if elsewhere else problem,
            suggestions=self.suggest(parts.name, levels, oblast, raion),
        )

    def _elsewhere(
        self, keys: tuple[str, str], levels: tuple[str, ...], oblast: str | None, raion: str | None
    ) -> Message | None:
        """`` (a unit of that name exists elsewhere: ...)``: where a name not found in its scope exists."""
        if not (oblast or raion):
            return None
        others = []
        for level in levels:
            for table, key in ((self._by_name, keys[0]), (self._by_latin, keys[1])):
                others += [i for i in table.get((level, key), []) if i not in others]
        others = [i for i in others if i not in self._narrow([i], oblast, raion)]
        if not others:
            return None
        more = msg("and_more", count=len(others) - 2) if len(others) > 2 else ""
        return msg("exists_elsewhere", units=[self.label(i) for i in others[:2]], more=more)

    def _exact(
        self,
        name: str,
        keys: tuple[str, str],
        level: str,
        oblast: str | None,
        raion: str | None,
        htype: str | None,
    ) -> Match | None:
        """The unit of ``name`` at ``level`` inside the scope: today's names first, then former names."""
        note = None
        chosen: list[int] = []
        # today's exact name, a former exact name, then the same by the spelling-tolerant skeleton
        for table, key in ((self._by_name, keys[0]), (self._renamed, keys[0]), (self._by_latin, keys[1]),
                           (self._renamed, keys[1])):  # fmt: skip
            entries = table.get((level, key), [])
            if not entries:
                continue
            if table is self._renamed:
                notes = dict(entries)
                chosen = self._narrow([i for i, _ in entries], oblast, raion)
                note = notes[chosen[0]] if chosen else None
            else:
                chosen = self._narrow(list(entries), oblast, raion)
            if chosen:
                break
        if not chosen:
            return None
        if level == "hromada" and htype:
            chosen, type_note, problem = self._typed(chosen, htype, name, oblast or raion)
            if problem is not None:
                return problem
            notes = [n for n in (note, type_note) if n]
            note = (notes[0] if len(notes) == 1 else msg("notes", notes=notes)) if notes else None
        if len(chosen) == 1:
            return Match(tuple(self._by_code[self.code[chosen[0]]]), level, note=note)
        code = "several_units_in_scope" if (oblast or raion) else "several_units"
        return Match(
            problem=msg(code, name=name, count=len(chosen)),
            suggestions=tuple(self.label(i) for i in chosen[:5]),
        )

    def _narrow(self, found: list[int], oblast: str | None, raion: str | None) -> list[int]:
        """The units among ``found`` inside the raion and oblast given (none outside them)."""
        chosen = list(found)
        if raion:
            chosen = [i for i in chosen if self.raion[i] == raion or self.code[i] == raion]
        if oblast:
            chosen = [i for i in chosen if self.oblast[i] == oblast or self.code[i] == oblast]
        return chosen

    def _typed(
        self, chosen: list[int], htype: str, name: str, scoped: str | None
    ) -> tuple[list[int], str | None, Match | None]:
        """Hromadas among ``chosen`` of type ``htype``: ``(units, note, failure)``.

        The same type wins. Settlement and rural hromadas are told apart only
        when both are candidates (the codifier's types come from the centre's
        category, which changed for many villages in 2024): a single candidate
        of the other of the two is taken with a note. Urban against
        settlement or rural never matches.
        """
        same = [i for i in chosen if self.htype[i] == htype]
        if same:
            return same, None, None
        close = [i for i in chosen if self.htype[i] and (self.htype[i] == "urban") == (htype == "urban")]
        close = close or [i for i in chosen if not self.htype[i]]
        if close:
            i = close[0]
            note = msg(
                "type_close", name=name, given_type=htype, official=self.name_uk[i], official_type=self.htype[i] or ""
            )
            return close, note if self.htype[i] else None, None
        found = [msg("unit_type", unit=self.label(i), hromada_type=self.htype[i]) for i in chosen[:3]]
        code = "type_mismatch_in_scope" if scoped else "type_mismatch"
        problem = Match(
            problem=msg(code, name=name, given_type=htype, found=found),
            suggestions=tuple(self.label(i) for i in chosen[:5]),
        )
        return [], None, problem

    def _scope(self, levels: tuple[str, ...], oblast: str | None, raion: str | None) -> list[tuple[str, int]]:
        """``(latin key, position)`` of the units of ``levels`` inside the raion (if given) and oblast."""
        pool = [entry for level in levels for entry in self._latin_lists.get(level, [])]
        if raion:
            pool = [(k, i) for k, i in pool if self.raion[i] == raion or self.code[i] == raion]
        if oblast:
            pool = [(k, i) for k, i in pool if self.oblast[i] == oblast or self.code[i] == oblast]
        return pool

    def _near_in_context(
        self, name: str, levels: tuple[str, ...], oblast: str | None, raion: str | None, htype: str | None = None
    ) -> tuple[int, float] | None:
        if not (oblast or raion):
            return None
        pool = self._scope(levels, oblast, raion)
        if htype:
            pool = [(k, i) for k, i in pool if not self.htype[i] or (self.htype[i] == "urban") == (htype == "urban")]
        key = latin_key(name)
        scored = sorted(((difflib.SequenceMatcher(None, key, k).ratio(), i) for k, i in pool), reverse=True)
        if not scored:
            return None
        best, i = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        threshold = 0.8 if raion else 0.86
        if best >= threshold and best - second >= 0.08:
            return i, best
        return None

    def suggest(
        self,
        name: str,
        levels: tuple[str, ...] = ("hromada", "raion", "oblast"),
        oblast: str | None = None,
        raion: str | None = None,
        n: int = 3,
    ) -> tuple[Message, ...]:
        """Labels (``unit`` messages) of the closest names, best first: in the raion, then the rest of the
        oblast when the row gives them (never from elsewhere), anywhere when it gives neither.

        Empty once the file's suggestion budget is spent (see :func:`~loaders.safety.suggestion_budget`).
        """
        if not suggestion_allowed():
            return ()
        key = latin_key(name)
        scopes = [self._scope(levels, oblast, raion)]
        if raion and oblast:
            scopes.append(self._scope(levels, oblast, None))
        out: list[int] = []
        for scope in scopes:
            keys: dict[str, list[int]] = {}
            for k, i in scope:
                keys.setdefault(k, []).append(i)
            scored = [
                (difflib.SequenceMatcher(None, key, close).ratio(), i)
                for close in difflib.get_close_matches(key, list(keys), n=n, cutoff=0.6)
                for i in keys[close]
            ]
            out += [i for _, i in sorted(scored, key=lambda x: (-x[0], self.code[x[1]])) if i not in out]
        return tuple(self.label(i) for i in out[:n])

    def former_name(self, i: int, text: object) -> Message | None:
        """The note of a former name when ``text`` is one of unit ``i`` (not today's name), else ``None``."""
        parts = text if isinstance(text, NameParts) else parse_name(text)
        if not parts.name or name_key(parts.name) == name_key(self.name_uk[i]):
            return None
        for key in (name_key(parts.name), latin_key(parts.name)):
            for j, note in self._renamed.get((self.level[i], key), ()):
                if j == i:
                    return note
        return None

    def points_to(self, text: object, level: str, oblast: str | None = None) -> int | None:
        """The one unit of ``level`` that ``text`` names exactly (today's or a former name, an alias), looked
        for in ``oblast`` first, then anywhere; ``None`` when it names none or several."""
        parts = text if isinstance(text, NameParts) else parse_name(text)
        if not parts.name or (parts.level not in (None, level) and not (parts.level == "city" and level != "raion")):
            return None
        if parts.level == "oblast":
            for key in (name_key(parts.name), latin_key(parts.name)):
                if key in self._suffix_alias:
                    return self._suffix_alias[key]
        keys = (name_key(parts.name), latin_key(parts.name))
        for scope in ((oblast, None), (None, None)) if oblast and level != "oblast" else ((None, None),):
            m = self._exact(parts.name, keys, level, scope[0], scope[1], parts.hromada_type)
            if m is not None and m.ok:
                positions = self.at_level(m.units, level)
                return positions[0] if len(positions) == 1 else None
        return None

    def claims(self, text: object, i: int) -> bool:
        """True when ``text`` is exactly a name of unit ``i`` (not merely a near spelling)."""
        parts = text if isinstance(text, NameParts) else parse_name(text)
        return self.points_to(parts, self.level[i]) == i

    def name_fits(self, i: int, text: object) -> bool:
        """True when ``text`` is a name of unit ``i``: its own, another spelling, an alias or an old name."""
        parts = text if isinstance(text, NameParts) else parse_name(text)
        if not parts.name:
            return True
        keys = (name_key(parts.name), latin_key(parts.name))
        level = self.level[i]
        if i in self._by_name.get((level, keys[0]), ()) or i in self._by_latin.get((level, keys[1]), ()):
            return True
        if any(j == i for key in keys for j, _ in self._renamed.get((level, key), ())):
            return True
        own = latin_key(self.name_uk[i])
        return difflib.SequenceMatcher(None, keys[1], own).ratio() >= 0.8

    def children(self, code: str, level: str = "hromada") -> list[int]:
        """Positions of the units of ``level`` inside the unit ``code`` (an oblast or raion)."""
        return [
            i
            for i in self.positions_at.get(level, [])
            if self.oblast[i] == code or self.raion[i] == code or self.code[i] == code
        ]


def unit_index(units: pd.DataFrame | UnitIndex) -> UnitIndex:
    """The :class:`UnitIndex` of a units table (or the index itself, when one is given)."""
    return units if isinstance(units, UnitIndex) else UnitIndex(units)
