"""Boundary files of any COD-AB level and vintage, matched to the codifier.

Reads GeoJSON, Shapefile (also zipped, with one or several layers) and
GeoPackage files. A feature names its unit by

- a ``code`` property (KATOTTG code, as the demo files have),
- COD-AB P-code fields of any vintage and case (``ADM3_PCODE``,
  ``adm1_pcode``, ``admin2Pcode``...): the deepest level present is used,
  or the ``level`` asked for, or
- names only (properties such as ``region``, ``rayon``, ``hromada``, or
  ``ADM3_UA`` / ``ADM3_EN`` without P-codes): matched to the codifier by
  name within the oblast and raion named by the same feature.

Every feature is checked: empty geometries are dropped and invalid ones
repaired (both with a warning), any CRS is reprojected to EPSG:4326 (a
file without a CRS whose coordinates are degrees is read as EPSG:4326),
several features of one unit are merged. The COD-AB areas that are no unit
of the codifier are kept for display with their P-code as ``code``: the
Chornobyl exclusion zone, and Crimean units whose P-codes the codifier
does not hold (pre-reform units of other vintages). Other features that
match no unit are left out and listed as unmatched.

The result has ``code`` (KATOTTG), ``pcode``, ``level``, ``name``,
``area_km2`` (from the full geometry, equal-area projection),
``geometry`` (for display: simplified with :func:`shapely.coverage_simplify`
so that neighbours keep one shared border) and ``geometry_full`` (as read,
repaired).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .errors import DataValidationError, Unmatched, ValidationReport
from .messages import MessageError, message_of, msg
from .names import SPECIAL_AREAS, Match, UnitIndex, unit_index
from .safety import check_file, limits

__all__ = [
    "BOUNDARY_SUFFIXES",
    "DISPLAY_TOLERANCE",
    "EQUAL_AREA_CRS",
    "read_boundaries",
    "read_boundary_file",
]

BOUNDARY_SUFFIXES = (".geojson", ".json", ".shp", ".zip", ".gpkg")
#: Tolerance of the display simplification, in degrees (about 100 m).
DISPLAY_TOLERANCE = 0.001
#: Albers equal-area projection for Ukraine, used for areas.
EQUAL_AREA_CRS = "+proj=aea +lat_1=46 +lat_2=51 +lat_0=48.5 +lon_0=31 +ellps=WGS84 +units=m +no_defs"

_ADM_LEVEL = {1: "oblast", 2: "raion", 3: "hromada", 4: "settlement"}
_LEVEL_ADM = {v: k for k, v in _ADM_LEVEL.items()}
_PCODE_FIELD = re.compile(r"^adm(?:in)?([0-4])_?pcode$")
_NAME_FIELD = re.compile(r"^adm(?:in)?([0-4])_?(?:name)?_?(ua|uk|en|ru)?$")
_NAMED_LEVEL_FIELDS = {
    1: ("oblast", "region", "область", "oblast_name", "region_name", "obl"),
    2: ("raion", "rayon", "district", "район", "raion_name", "rayon_name"),
    3: ("hromada", "community", "громада", "hromada_name", "tg", "otg", "тг"),
    4: ("settlement", "населений пункт", "settlement_name"),
}
_NAME_LANG_ORDER = {"ua": 0, "uk": 0, None: 1, "en": 2, "ru": 3}
_CRIMEA_PREFIXES = ("UA01", "UA85")
_POLYGONAL = ("Polygon", "MultiPolygon")


def _choose_layer(names: list[str], layer: str | None, level: str | None, where: str) -> str:
    if layer is not None:
        wanted = Path(str(layer))
        for name in names:
            path = Path(name)
            if name == layer or path.name.lower() == wanted.name.lower() or path.stem.lower() == wanted.stem.lower():
                return name
        raise MessageError(msg("no_layer", name=where, layer=str(layer), layers=", ".join(names)))
    if len(names) == 1:
        return names[0]
    by_level = {}
    for name in names:
        m = re.search(r"adm(?:in)?_?([0-4])(?!\d)", Path(name).name.lower())
        if m:
            by_level.setdefault(int(m.group(1)), name)
    if level is not None and _LEVEL_ADM.get(level) in by_level:
        return by_level[_LEVEL_ADM[level]]
    if level is None:
        for n in (3, 2, 1, 4):
            if n in by_level:
                return by_level[n]
    raise MessageError(msg("several_layers", name=where, count=len(names), layers=", ".join(names)))


def _open(path: Path, layer: str | None, level: str | None, report: ValidationReport) -> gpd.GeoDataFrame:
    import pyogrio

    source, chosen = str(path), None
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [
                m
                for m in archive.namelist()
                if m.lower().endswith((".shp", ".geojson", ".json", ".gpkg")) and not m.startswith("__MACOSX")
            ]
        if not members:
            raise MessageError(msg("zip_no_layer", name=path.name))
        member = _choose_layer(members, layer if layer and any(layer in m for m in members) else None, level, path.name)
        source = f"/vsizip/{path.resolve()}/{member}"
        if len(members) > 1:
            report.sheet = member
        if member.lower().endswith(".gpkg"):
            suffix, layer = ".gpkg", None
        else:
            layer = None
    if suffix == ".gpkg":
        layers = [str(name) for name, *_ in pyogrio.list_layers(source)]
        chosen = _choose_layer(layers, layer, level, path.name)
        if len(layers) > 1:
            report.sheet = chosen
    return gpd.read_file(source, layer=chosen, engine="pyogrio")


def _field_plan(gdf: gpd.GeoDataFrame, level: str | None, index: UnitIndex) -> tuple[str, int, dict]:
    """How features name their units: ('code'|'pcode'|'name', adm level, {adm level: [fields]})."""
    columns = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
    pcodes: dict[int, str] = {}
    names: dict[int, list[str]] = {}
    for low, col in columns.items():
        m = _PCODE_FIELD.match(low)
        if m:
            pcodes[int(m.group(1))] = col
            continue
        m = _NAME_FIELD.match(low)
        if m:
            names.setdefault(int(m.group(1)), []).append(col)
    for n, fields in _NAMED_LEVEL_FIELDS.items():
        for f in fields:
            if f in columns and n not in names:
                names[n] = [columns[f]]
    for n in names:
        names[n].sort(key=_name_field_rank)
    wanted = _LEVEL_ADM.get(level) if level else None
    if "code" in columns:
        if wanted is None:
            sample = gdf[columns["code"]].dropna().astype(str).head(200)
            levels = [index.level[index._by_code[c][-1]] for c in sample if c in index._by_code]
            wanted = _LEVEL_ADM.get(max(set(levels), key=levels.count)) if levels else 3
        return "code", wanted, {0: [columns["code"]]}
    present = [n for n in pcodes if n > 0]
    if wanted is not None and wanted in pcodes:
        return "pcode", wanted, {**{n: [c] for n, c in pcodes.items()}, **{-n: v for n, v in names.items()}}
    if wanted is None and present:
        n = max(present)
        return "pcode", n, {**{k: [c] for k, c in pcodes.items()}, **{-k: v for k, v in names.items()}}
    named = [n for n in names if n > 0]
    if wanted is not None and wanted in names or wanted is None and named:
        n = wanted if wanted is not None else max(named)
        return "name", n, {**{k: [c] for k, c in pcodes.items()}, **{-k: v for k, v in names.items()}}
    columns_text = ", ".join(map(str, gdf.columns))
    if level:
        raise MessageError(msg("no_fields_for_level", level=level, columns=columns_text))
    raise MessageError(msg("no_fields", columns=columns_text))


def _name_field_rank(column: object) -> int:
    """Ukrainian names first, then unlabelled, English, Russian."""
    m = _NAME_FIELD.match(str(column).lower())
    return _NAME_LANG_ORDER.get(m.group(2), 1) if m else 1


def _parent_context(index: UnitIndex, props: dict, plan: dict, n: int) -> tuple[str | None, str | None, Match | None]:
    """The oblast and raion a feature names (codes), and the failure when it names one that matches none:
    the feature's own name is then not looked for anywhere else (scope is law)."""
    oblast = raion = None
    for parent in range(1, n):
        value = None
        for col in plan.get(parent, []):
            if props.get(col):
                value = props[col]
                break
        if value is not None:
            m = index.match_code(value)
            given = value
        else:
            names = [props[c] for c in plan.get(-parent, []) if props.get(c)]
            if not names:
                continue
            given = names[0]
            m = index.match_name(names[0], (_ADM_LEVEL[parent],), oblast=oblast, near=True)
        if not m.ok:
            level = _ADM_LEVEL[parent]
            problem = msg("parent_failed", level=level, given=str(given), problem=m.problem)
            return oblast, raion, Match(problem=problem, suggestions=m.suggestions)
        i = index.at_level(m.units, _ADM_LEVEL[parent])[0]
        if parent == 1:
            oblast = index.code[i]
        else:
            raion, oblast = index.code[i], index.oblast[i]
    return oblast, raion, None


def _polygonal(geom):
    """The polygonal part of a repaired geometry (``make_valid`` may add lines or points)."""
    if geom is None or geom.is_empty or geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    if not parts:
        return shapely.Polygon()
    merged = shapely.union_all(parts)
    return merged


def _rows_text(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:8])) + (" ..." if len(rows) > 8 else "")


def read_boundary_file(
    path: Path,
    units: pd.DataFrame | UnitIndex | None = None,
    level: str | None = None,
    *,
    layer: str | None = None,
    simplify: float | None = DISPLAY_TOLERANCE,
) -> tuple[gpd.GeoDataFrame | None, ValidationReport]:
    """Read and check a boundary file; ``(frame, report)``, the frame ``None`` when the file has errors.

    Parameters
    ----------
    path
        ``.geojson``, ``.shp``, ``.zip`` (zipped shapefile(s) or GeoJSON) or ``.gpkg``.
    units
        The units table or its index; by default the codifier units of the
        embedded demo (``data/demo/units.csv``).
    level
        ``oblast``, ``raion``, ``hromada`` or ``settlement``; by default
        detected from the fields (the deepest P-code or name level).
    layer
        The layer of a GeoPackage or the member of a zip archive with several.
    simplify
        Display tolerance in degrees (``None`` or 0: no simplification).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"boundary file not found: {path}")
    report = ValidationReport(f"boundary file {path.name}", kind="boundaries", path=str(path))
    if units is None:
        from .dataset import default_units

        units = default_units()
    index = unit_index(units)
    if level is not None and level not in _LEVEL_ADM:
        raise ValueError(f"level must be one of {', '.join(_LEVEL_ADM)}, got {level!r}")
    if path.suffix.lower() not in BOUNDARY_SUFFIXES:
        report.error("unsupported_type", {"suffix": path.suffix, "expected": ", ".join(BOUNDARY_SUFFIXES)})
        return None, report
    try:
        if path.suffix.lower() in {".zip", ".gpkg", ".geojson", ".json"}:
            check_file(path)  # zip bombs, programs and other files that are no boundaries
        gdf = _open(path, layer, level, report)
    except ValueError as exc:
        report.error(message_of(exc))
        return None, report
    except Exception as exc:  # pyogrio's DataSourceError and friends: name the file, do not crash
        report.error("cannot_read", {"reason": f"{type(exc).__name__}: {exc}"})
        return None, report
    report.rows = len(gdf)
    if len(gdf) == 0:
        report.error("no_features")
        return None, report
    vertices = int(shapely.get_num_coordinates(gdf.geometry.values).sum())
    if vertices > limits().max_vertices:
        report.error("too_many_vertices", {"count": vertices, "limit": limits().max_vertices})
        return None, report
    try:
        how, n, plan = _field_plan(gdf, level, index)
    except MessageError as exc:
        report.error(exc.message)
        return None, report
    gdf = _to_wgs84(gdf, report)
    if gdf is None:
        return None, report
    target = _ADM_LEVEL.get(n, "hromada")
    report.level = target
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    records: list[dict] = []
    empty_rows, repaired_rows, kept_special = [], [], []
    props_frame = gdf.drop(columns=gdf.geometry.name)
    columns = list(props_frame.columns)
    for pos, values in enumerate(props_frame.itertuples(index=False, name=None)):
        props = {c: (None if _missing(v) else str(v).strip()) for c, v in zip(columns, values)}
        feature = pos + 1
        geom = geoms[pos]
        code_value = None
        if how == "code":
            code_value = props.get(plan[0][0])
        elif how == "pcode":
            code_value = props.get(plan[n][0])
        name_value = next((props[c] for c in plan.get(-n, []) if props.get(c)), None)
        label = code_value or name_value or ""
        if geom is None or geom.is_empty:
            empty_rows.append(feature)
            report.warn(
                "empty_geometry" if label else "empty_geometry_unnamed", {"name": label} if label else {}, row=feature
            )
            continue
        if how in ("code", "pcode"):
            m = index.match_code(code_value) if code_value else None
        else:
            oblast, raion, failed = _parent_context(index, props, plan, n)
            m = failed or (index.match_name(name_value, (target,), oblast, raion, near=True) if name_value else None)
        if m is None:
            report.warn("feature_no_key", row=feature)
            report.unmatched.append(Unmatched(feature, "", ()))
            continue
        record = {"_row": feature, "geometry": geom}
        if m.ok:
            positions = index.at_level(m.units, target if m.level != "settlement" else "hromada")
            i = positions[0]
            record.update(code=index.code[i], pcode=str(code_value or index.pcode[i]), name=index.name_uk[i])
            if m.level == "settlement":
                record.update(code=str(code_value).upper(), hromada_code=index.code[i], name=name_value or "")
            if m.note:
                report.warn(m.note, row=feature)
        elif m.special or (code_value and str(code_value).upper().startswith(_CRIMEA_PREFIXES)):
            pcode = str(code_value).upper()
            special = SPECIAL_AREAS.get(pcode, (name_value or pcode, ""))
            record.update(code=pcode, pcode=pcode, name=special[0])
            kept_special.append(feature)
            if m.special:
                report.warn("kept_for_display", {"problem": m.problem}, row=feature)
            elif name_value:
                report.warn("crimea_pre_reform", {"code": pcode, "name": name_value}, row=feature)
            else:
                report.warn("crimea_no_name", {"code": pcode}, row=feature)
        else:
            if m.problem:
                report.warn("feature_left_out", {"name": label, "problem": m.problem}, row=feature)
            else:
                report.warn("feature_no_unit", {"name": label}, row=feature)
            report.unmatched.append(Unmatched(feature, str(label), m.suggestions))
            continue
        records.append(record)
    report.matched = len(records) - len(kept_special)
    # every feature accounted for: matched, kept for display, dropped (empty) or unmatched
    if report.matched != report.rows:
        report.warn(
            "features_count",
            {
                "rows": report.rows,
                "matched": report.matched,
                "kept": len(kept_special),
                "dropped": len(empty_rows),
                "unmatched": len(report.unmatched),
            },
        )
    if not records:
        report.error("no_feature_matched")
        return None, report
    out = gpd.GeoDataFrame(records, geometry="geometry", crs=4326)
    for column in ("code", "pcode", "name"):
        if column not in out:
            out[column] = None
    invalid = ~out.geometry.is_valid
    if invalid.any():
        sizes = shapely.get_num_coordinates(out.loc[invalid, "geometry"].values)
        too_big = [
            (int(row), int(n)) for row, n in zip(out.loc[invalid, "_row"], sizes) if n > limits().max_repair_vertices
        ]
        for row, n in too_big[:20]:
            report.error("repair_too_big", {"count": n, "limit": limits().max_repair_vertices}, row=row)
        if too_big:
            return None, report
        repaired_rows = out.loc[invalid, "_row"].tolist()
        out.loc[invalid, "geometry"] = out.loc[invalid, "geometry"].make_valid()
        if len(repaired_rows) == 1:
            report.warn("repaired_one", {"rows": _rows_text(repaired_rows)})
        else:
            report.warn("repaired", {"count": len(repaired_rows), "rows": _rows_text(repaired_rows)})
    polygons = out.geometry.geom_type.isin(_POLYGONAL) | out.geometry.geom_type.eq("GeometryCollection")
    if polygons.any():
        out.loc[polygons, "geometry"] = out.loc[polygons, "geometry"].map(_polygonal)
        emptied = out.geometry.is_empty
        if emptied.any():
            for row in out.loc[emptied, "_row"]:
                report.warn("empty_after_repair", row=int(row))
            out = out[~emptied]
    out = _merge_duplicates(out, report)
    out["level"] = target
    out["geometry_full"] = gpd.GeoSeries(out.geometry.values, crs=4326, index=out.index)
    out["area_km2"] = _areas(out)
    if simplify:
        out["geometry"] = _display(out.geometry.values, simplify, report)
    out = out.set_geometry("geometry")
    report.totals = {"units": float(len(out)), "area_km2": float(round(out["area_km2"].sum(), 1))}
    extra = ["hromada_code"] if "hromada_code" in out else []
    out = out[["code", "pcode", "level", "name", *extra, "area_km2", "geometry", "geometry_full"]]
    return out.reset_index(drop=True), report


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _to_wgs84(gdf: gpd.GeoDataFrame, report: ValidationReport) -> gpd.GeoDataFrame | None:
    if gdf.crs is None:
        bounds = gdf.total_bounds
        if (
            np.all(np.isfinite(bounds))
            and -180 <= bounds[0] <= bounds[2] <= 180
            and -90 <= bounds[1] <= bounds[3] <= 90
        ):
            report.warn("no_crs_degrees")
            return gdf.set_crs(4326)
        report.error("no_crs")
        return None
    if gdf.crs.to_epsg() != 4326:
        return gdf.to_crs(4326)
    return gdf


def _merge_duplicates(out: gpd.GeoDataFrame, report: ValidationReport) -> gpd.GeoDataFrame:
    dup = out["code"].duplicated(keep=False)
    if not dup.any():
        return out
    for code, group in out[dup].groupby("code", sort=False):
        report.warn("features_merged", {"count": len(group), "code": code, "rows": _rows_text(group["_row"].tolist())})
    first = out.drop_duplicates("code").set_index("code")
    merged = out.groupby("code", sort=False).geometry.agg(lambda s: shapely.union_all(s.values))
    first["geometry"] = gpd.GeoSeries(merged.reindex(first.index).values, index=first.index, crs=4326)
    return first.reset_index().set_geometry("geometry")


def _areas(out: gpd.GeoDataFrame) -> np.ndarray:
    projected = out.geometry.to_crs(EQUAL_AREA_CRS)
    areas = projected.area.to_numpy() / 1e6
    return np.where(out.geometry.geom_type.isin(_POLYGONAL), np.round(areas, 3), np.nan)


def _display(geoms: np.ndarray, tolerance: float, report: ValidationReport) -> np.ndarray:
    """Simplified geometry for display; neighbours keep one shared border (coverage simplification)."""
    kinds = shapely.get_type_id(geoms)
    polygonal = np.isin(kinds, (3, 6))
    if not polygonal.any():
        return geoms
    out = geoms.copy()
    try:
        simplified = shapely.coverage_simplify(geoms[polygonal], tolerance)
    except shapely.errors.GEOSException:
        simplified = shapely.simplify(geoms[polygonal], tolerance, preserve_topology=True)
        report.warn("not_a_coverage")
    bad = shapely.is_empty(simplified) | ~shapely.is_valid(simplified)
    if bad.any():
        fixed = shapely.make_valid(simplified[bad])
        fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
        keep = shapely.is_empty(fixed)
        fixed[keep] = geoms[polygonal][bad][keep]
        simplified[bad] = fixed
    out[polygonal] = simplified
    return out


def read_boundaries(
    path: Path,
    units: pd.DataFrame | UnitIndex | None = None,
    level: str | None = None,
    *,
    layer: str | None = None,
    simplify: float | None = DISPLAY_TOLERANCE,
) -> gpd.GeoDataFrame:
    """Polygons keyed by KATOTTG ``code``, valid and in EPSG:4326 (see the module docstring).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        (a ``ValueError``) if the file cannot be used: no code or name
        fields, no feature matched, no CRS with projected coordinates...
    """
    frame, report = read_boundary_file(path, units, level, layer=layer, simplify=simplify)
    if report.errors:
        raise DataValidationError(report)
    return frame
