"""A dataset: units, boundaries and the input tables, loaded from a manifest.

A manifest is a small TOML file that names the files of a dataset, relative
to the manifest's folder::

    title = "Demo atlas"
    approximate_boundaries = true
    units = "units.csv"

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

The embedded demo is ``data/demo/manifest.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .errors import ValidationReport
from .inputs import ROLES, read_caseload, read_idp, read_population, read_staffing

__all__ = ["DEMO_MANIFEST", "LEVELS", "Dataset", "load_dataset", "load_demo", "read_units", "read_boundaries"]

DEMO_MANIFEST = Path(__file__).resolve().parent.parent / "data" / "demo" / "manifest.toml"
LEVELS = ("oblast", "raion", "hromada")
_UNIT_COLUMNS = ("code", "pcode", "level", "name_uk", "name_en", "hromada_type", "oblast_code", "raion_code")
_VALUE_COLUMNS = (
    "population",
    "idp",
    *[f"{role}_{what}" for role in ROLES for what in ("approved", "filled")],
    "families_sjo",
    "low_income_families",
)


@dataclass(frozen=True)
class Dataset:
    """Everything the metrics need, keyed by KATOTTG code.

    Attributes
    ----------
    units
        Every oblast, raion and hromada-level unit (``_UNIT_COLUMNS``).
    boundaries
        Level -> GeoDataFrame with ``code`` and ``geometry`` (EPSG:4326).
    hromadas
        One row per hromada-level unit: ``code``, ``population``, ``idp``,
        ``idp_estimated`` and the staffing and caseload columns; NaN where a
        figure is not known.
    """

    title: str
    units: pd.DataFrame
    boundaries: dict[str, gpd.GeoDataFrame]
    hromadas: pd.DataFrame
    approximate_boundaries: bool = False
    reference_dates: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    reports: tuple[ValidationReport, ...] = ()


def read_units(path: Path) -> pd.DataFrame:
    """The admin-unit table (CSV written by the demo build)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"units table not found: {path}")
    units = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in _UNIT_COLUMNS if c not in units]
    if missing:
        raise ValueError(f"units table {path.name}: missing column(s) {', '.join(missing)}")
    bad = ~units["level"].isin(LEVELS)
    if bad.any():
        first = bad.idxmax()
        raise ValueError(
            f"units table {path.name} row {int(first) + 2}: level must be one of {LEVELS}, "
            f"got {units.loc[first, 'level']!r}"
        )
    return units[list(_UNIT_COLUMNS)]


def read_boundaries(path: Path, units: pd.DataFrame | None = None, level: str | None = None) -> gpd.GeoDataFrame:
    """Polygons keyed by KATOTTG ``code``, valid and in EPSG:4326.

    The file may carry a ``code`` column (KATOTTG), or COD-AB P-code fields
    of any vintage (``ADM3_PCODE``, ``adm1_pcode``...): then the deepest
    level present is used, or ``level`` when given, and P-codes are turned
    into KATOTTG codes through ``units``. Invalid geometries are repaired;
    empty ones dropped.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"boundary file not found: {path}")
    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    if "code" not in gdf:
        gdf["code"] = _codes_from_pcodes(gdf, path, units, level)
    usable = gdf.geometry.apply(lambda g: g is not None and not g.is_empty)
    gdf = gdf[gdf["code"].notna() & usable].copy()
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        gdf.loc[invalid, "geometry"] = gdf.loc[invalid, "geometry"].make_valid()
    return gdf[["code", "geometry"]].reset_index(drop=True)


_PCODE_LEVELS = {"adm1_pcode": "oblast", "adm2_pcode": "raion", "adm3_pcode": "hromada"}


def _codes_from_pcodes(gdf: gpd.GeoDataFrame, path: Path, units: pd.DataFrame | None, level: str | None) -> pd.Series:
    fields = {str(c).lower(): c for c in gdf.columns}
    present = [f for f in _PCODE_LEVELS if f in fields]
    if level is not None:
        wanted = {v: k for k, v in _PCODE_LEVELS.items()}.get(level)
        present = [wanted] if wanted in fields else []
    if not present or units is None:
        raise ValueError(
            f"boundary file {path.name}: no 'code' column and no COD-AB P-code field "
            f"(ADM1_PCODE, ADM2_PCODE, ADM3_PCODE); columns: {', '.join(map(str, gdf.columns))}"
        )
    field = present[-1]
    target = units[units["level"] == _PCODE_LEVELS[field]]
    lookup = dict(zip(target["pcode"], target["code"]))
    return gdf[fields[field]].astype(str).str.strip().str.upper().map(lookup)


def load_dataset(manifest: Path) -> Dataset:
    """Load every file a manifest names and join them by hromada code."""
    manifest = Path(manifest)
    if not manifest.exists():
        raise FileNotFoundError(f"dataset manifest not found: {manifest}")
    spec = tomllib.loads(manifest.read_text(encoding="utf-8"))
    base = manifest.parent
    if "units" not in spec:
        raise ValueError(f"{manifest.name}: missing key 'units'")
    units = read_units(base / spec["units"])
    boundaries = {
        level: read_boundaries(base / name, units, level)
        for level, name in spec.get("boundaries", {}).items()
        if level in LEVELS
    }
    hromadas = units.loc[units["level"] == "hromada", ["code"]].reset_index(drop=True)
    reports: list[ValidationReport] = []
    readers = {"population": read_population, "idp": read_idp, "staffing": read_staffing, "caseload": read_caseload}
    for kind, name in spec.get("tables", {}).items():
        if kind not in readers:
            raise ValueError(f"{manifest.name}: unknown table kind '{kind}' (expected {', '.join(readers)})")
        frame, report = readers[kind](base / name, units)
        reports.append(report)
        hromadas = hromadas.merge(frame, on="code", how="left")
    for column in _VALUE_COLUMNS:
        if column not in hromadas:
            hromadas[column] = float("nan")
    if "idp_estimated" not in hromadas:
        hromadas["idp_estimated"] = False
    hromadas["idp_estimated"] = hromadas["idp_estimated"].fillna(False).astype(bool)
    return Dataset(
        title=spec.get("title", manifest.stem),
        units=units,
        boundaries=boundaries,
        hromadas=hromadas[["code", *_VALUE_COLUMNS, "idp_estimated"]],
        approximate_boundaries=bool(spec.get("approximate_boundaries", False)),
        reference_dates=dict(spec.get("reference_dates", {})),
        sources=dict(spec.get("sources", {})),
        reports=tuple(reports),
    )


def load_demo() -> Dataset:
    """The embedded demo atlas (``data/demo``)."""
    return load_dataset(DEMO_MANIFEST)
