"""The store of published data: publish, retract, list, and read a dataset back for a period.

A publication is one table (population, IDPs, staffing, caseload, the unit
table or one boundary layer) for one reference period. Publishing the same
kind and period again makes a new version; the newest version that is not
retracted is the current one, so retracting a version restores the one
before it. Publishing happens in two steps:

1. :meth:`Store.prepare_manifest` (or :meth:`Store.prepare_tables`) reads and
   validates every file; if any has errors nothing is published and
   :class:`PublishRefused` carries every report. It also notes which version
   of each (kind, period) was current when validation began.
2. :meth:`Store.publish` writes every table in one transaction. If another
   analyst published the same kind and period since step 1 (or at the same
   moment: ``(kind, period, version)`` is unique), nothing is written and
   :class:`PublishConflict` says who did; a failure half-way leaves the store
   as it was.

Every publication and retraction is recorded in the audit log in the same
transaction; :meth:`Store.revision` (the newest such entry) tells a serving
process that what is published has changed.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import func, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from core.periods import Period, parse_period
from core.text import issue_text
from loaders import Dataset, Issue, Unmatched, ValidationReport, default_units, read_manifest, read_units
from loaders.boundaries import read_boundary_file
from loaders.dataset import assemble
from loaders.fields import CANONICAL_FIELDS, KINDS
from loaders.inputs import read_figures
from loaders.messages import Message, msg
from loaders.names import unit_index
from loaders.status import read_status_table

from . import db
from .models import audit_log, boundaries, figures, publications, units

__all__ = ["Store", "Table", "Prepared", "PublishRefused", "PublishConflict", "Publication", "open_store"]

_UNIT_COLUMNS = ("code", "pcode", "level", "name_uk", "name_en", "hromada_type", "oblast_code", "raion_code")
_BOUNDARY_COLUMNS = ("code", "pcode", "level", "name", "area_km2")
_CHUNK = 5000


class PublishRefused(db.StoreError):
    """A file failed validation: nothing was published. ``reports`` holds every file's report."""

    def __init__(self, reports: list[ValidationReport]):
        self.reports = reports
        bad = [r for r in reports if r.errors]
        lines = [f"{r.source}: {len(r.errors)} error(s); first: {r.errors[0]}" for r in bad]
        super().__init__("nothing was published: " + "; ".join(lines))


class PublishConflict(db.StoreError):
    """Someone else published the same kind and period first: nothing of this publication was written.

    ``message`` is ``(code, params)`` (``loaders.messages``); ``str()`` says it in English.
    """

    def __init__(self, message: Message):
        self.message = message
        super().__init__(issue_text(message, "en"))


class PublicationLookup(LookupError):
    """No such publication to retract, or it was retracted already; ``message`` as :class:`PublishConflict`."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(issue_text(message, "en"))


@dataclass(frozen=True)
class Table:
    """One validated table ready to publish.

    ``kind`` is a table kind (population, idp, staffing, caseload), ``units``
    or ``boundaries:<level>``; ``frame`` the validated frame as the loaders
    return it.
    """

    kind: str
    frame: pd.DataFrame
    period: Period
    report: ValidationReport | None = None
    source: str | None = None
    title: str | None = None
    file_name: str | None = None
    disaggregate: str = "population"
    synthetic: bool = False
    approximate: bool = False

    @property
    def level(self) -> str | None:
        if self.kind.startswith("boundaries:"):
            return self.kind.split(":", 1)[1]
        return self.report.level if self.report is not None else None


@dataclass(frozen=True)
class Prepared:
    """Validated tables and the version of each (kind, period) that was current when validation began."""

    tables: tuple[Table, ...]
    base: dict[tuple[str, str], int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Publication:
    """One row of ``publications`` as the commands and the Data page show it."""

    id: int
    kind: str
    period: str
    version: int
    status: str
    current: bool
    level: str | None
    source: str | None
    title: str | None
    file_name: str | None
    synthetic: bool
    rows: int
    published_by: str
    published_at: datetime
    retracted_by: str | None
    retracted_at: datetime | None
    retract_reason: str | None
    errors: int
    warnings: int

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("published_at", "retracted_at"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def _now() -> datetime:
    return datetime.now(UTC)


def _report_dict(report: ValidationReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    out = asdict(report)
    out["totals"] = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in report.totals.items()}
    return out


def _report_from(data: dict[str, Any] | None) -> ValidationReport | None:
    if not data:
        return None
    data = dict(data)
    data["issues"] = [Issue.from_dict(i) for i in data.get("issues", [])]
    data["unmatched"] = [Unmatched(**{**u, "suggestions": tuple(u.get("suggestions", ()))}) for u in data["unmatched"]]
    data["totals"] = {k: (math.nan if v is None else v) for k, v in data.get("totals", {}).items()}
    return ValidationReport(**data)


def _is_version_clash(exc: IntegrityError) -> bool:
    """True when ``exc`` is the unique (kind, period, version) constraint (SQLite or PostgreSQL)."""
    name = getattr(getattr(getattr(exc, "orig", None), "diag", None), "constraint_name", None)
    text = str(exc.orig)
    return name == "uq_publications_kind_period_version" or "publications.kind, publications.period" in text


def _sha256(table: Table) -> str:
    frame = table.frame
    digest = hashlib.sha256(table.kind.encode())
    if table.kind.startswith("boundaries:"):
        digest.update(pd.DataFrame(frame[list(_BOUNDARY_COLUMNS)]).to_csv(index=False).encode())
        for column in ("geometry", "geometry_full"):
            for blob in shapely.to_wkb(np.asarray(frame[column].values)):
                digest.update(blob)
    else:
        buffer = io.StringIO()
        pd.DataFrame(frame).to_csv(buffer, index=False)
        digest.update(buffer.getvalue().encode())
    return digest.hexdigest()


def _is_text(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def _figure_rows(publication_id: int, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One dict a known value: numbers in ``value``, text columns (territorial status) in ``text``."""
    frame = pd.DataFrame(frame).reset_index(drop=True)
    frame["seq"] = np.arange(len(frame))
    for column in ("row", "level"):
        if column not in frame:
            frame[column] = None
    keys = ["seq", "code", "level", "row"]
    fields = [c for c in frame.columns if c not in keys]
    long = frame[keys + fields].astype({c: object for c in fields}).melt(id_vars=keys, var_name="field")
    text_fields = {c for c in fields if _is_text(frame[c])}
    is_text = long["field"].isin(text_fields)
    long["text"] = long["value"].where(is_text & long["value"].notna(), None)
    long["value"] = pd.to_numeric(long["value"].where(~is_text), errors="coerce").astype(float)
    # unknown values are not stored, but a row whose values are all unknown keeps one NULL (it was in the file)
    known = long["value"].notna() | long["text"].notna()
    blank = long[~known & ~long["seq"].isin(long.loc[known, "seq"])].drop_duplicates("seq")
    long = pd.concat([long[known], blank]).astype(object)
    long = long.where(long.notna(), None)
    long["publication_id"] = publication_id
    return long[["publication_id", "seq", "code", "field", "level", "row", "value", "text"]].to_dict("records")


def _wkb(geometry, postgis: bool) -> np.ndarray:
    """WKB of each geometry; for a PostGIS column EWKB with SRID 4326 (PostGIS casts it to ``geometry`` as it is)."""
    values = np.asarray(geometry)
    if postgis:
        return shapely.to_wkb(shapely.set_srid(values, 4326), include_srid=True)
    return shapely.to_wkb(values)


def uses_postgis(engine: Engine) -> bool:
    """True when the boundaries' geometry is a PostGIS ``geometry`` column (migration 0003 on a PostGIS server)."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        kind = conn.execute(
            sql_text(
                "SELECT udt_name FROM information_schema.columns WHERE table_name = 'boundaries' "
                "AND column_name = 'geometry' AND table_schema = current_schema()"
            )
        ).scalar()
    return kind == "geometry"


def _boundary_rows(publication_id: int, frame: gpd.GeoDataFrame, postgis: bool = False) -> list[dict[str, Any]]:
    out = pd.DataFrame(frame[list(_BOUNDARY_COLUMNS)]).astype(object).reset_index(drop=True)
    out = out.where(out.notna(), None)
    out["seq"] = range(len(out))
    out["geometry"] = _wkb(frame.geometry.values, postgis)
    out["geometry_full"] = _wkb(frame["geometry_full"].values, postgis)
    out["publication_id"] = publication_id
    return out.to_dict("records")


def _unit_rows(publication_id: int, frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = pd.DataFrame(frame[list(_UNIT_COLUMNS)]).astype(object).reset_index(drop=True)
    out = out.where(out.notna(), None)
    out["seq"] = range(len(out))
    out["publication_id"] = publication_id
    return out.to_dict("records")


class Store:
    """The published data in one database (see the module docstring).

    Parameters
    ----------
    url
        A SQLAlchemy URL; default ``ATLAS_DATABASE_URL`` or the app's SQLite file.
    auto_migrate
        Migrate the database if it is behind. Default: only for the app's own
        SQLite file; any other database is migrated by ``python app.py migrate``.

    Raises
    ------
    StoreUnavailable
        The database cannot be reached (the message names the URL without its password).
    SchemaOutdated
        The database is not migrated (the message gives the command to run).
    """

    def __init__(self, url: str | None = None, *, auto_migrate: bool | None = None, engine: Engine | None = None):
        self.url = url or db.database_url()
        self.engine = engine or db.make_engine(self.url)
        if auto_migrate is None:
            auto_migrate = self.url == db.default_database_url()
        if auto_migrate and db.schema_revision(self.engine) != db.head_revision():
            db.migrate(self.engine)
        db.check_schema(self.engine)
        self._writer = self.engine.execution_options(immediate=True)
        self._revision_seen: tuple[tuple, int] | None = None  # (file signature, revision)
        #: boundaries are PostGIS geometry (else WKB in a binary column)
        self.postgis = uses_postgis(self.engine)

    @property
    def display_url(self) -> str:
        return db.redact(self.url)

    def close(self) -> None:
        self.engine.dispose()

    # -- reading -----------------------------------------------------------
    def _rows(self) -> list[Any]:
        try:
            with self.engine.connect() as conn:
                return list(conn.execute(select(publications).order_by(publications.c.id)))
        except OperationalError as exc:
            raise db.StoreUnavailable(db._unreachable(self.engine, exc)) from None

    def publications(self, include_retracted: bool = True) -> list[Publication]:
        """Every publication, oldest first, with ``current`` marking the version in use for its kind and period."""
        rows = self._rows()
        current = {}
        for row in rows:
            if row.status == "published":
                key = (row.kind, row.period)
                if key not in current or row.version > current[key].version:
                    current[key] = row
        out = []
        for row in rows:
            if not include_retracted and row.status != "published":
                continue
            meta = json.loads(row.report)
            report = meta.get("report") or {}
            issues = report.get("issues", [])
            out.append(
                Publication(
                    id=row.id,
                    kind=row.kind,
                    period=row.period,
                    version=row.version,
                    status=row.status,
                    current=current.get((row.kind, row.period)) is row,
                    level=row.level,
                    source=row.source,
                    title=row.title,
                    file_name=row.file_name,
                    synthetic=bool(row.synthetic),
                    rows=row.rows,
                    published_by=row.published_by,
                    published_at=row.published_at,
                    retracted_by=row.retracted_by,
                    retracted_at=row.retracted_at,
                    retract_reason=row.retract_reason,
                    errors=sum(1 for i in issues if i.get("severity") == "error"),
                    warnings=sum(1 for i in issues if i.get("severity") == "warning"),
                )
            )
        return out

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(publications)).scalar()

    def _file_signature(self) -> tuple | None:
        """(inode, size, mtime) of a SQLite store's file and its write-ahead log; None for another database.

        Every committed write changes one of them, so while the signature
        stays the same the revision does too.
        """
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        signature = []
        for path in (url.database, url.database + "-wal"):
            try:
                found = os.stat(path)
            except OSError:
                signature.append(None)
            else:
                signature.append((found.st_ino, found.st_size, found.st_mtime_ns))
        return tuple(signature)

    def revision(self) -> int:
        """A number that grows with every publication and retraction (0: nothing published yet).

        A SQLite store is asked again only when its file or write-ahead log
        changed since the last answer (two ``stat`` calls, not a query and a
        pooled connection per request); a server database is asked every time.
        """
        signature = self._file_signature()  # before the query: a write after it changes it again
        known = self._revision_seen
        if signature is not None and known is not None and known[0] == signature:
            return known[1]
        value = self._ask_revision()
        if signature is not None:
            self._revision_seen = (signature, value)
        return value

    def _ask_revision(self) -> int:
        try:
            with self.engine.connect() as conn:
                value = conn.execute(
                    select(func.max(audit_log.c.id)).where(audit_log.c.action.in_(("publish", "retract")))
                ).scalar()
        except OperationalError as exc:
            raise db.StoreUnavailable(db._unreachable(self.engine, exc)) from None
        return int(value or 0)

    def fingerprint(self) -> str:
        """A digest of what is published and in which state (changes with every publication or retraction)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(publications.c.id, publications.c.sha256, publications.c.status).order_by(publications.c.id)
            ).all()
        return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()[:16]

    def periods(self, kind: str = "staffing") -> list[str]:
        """The periods for which ``kind`` has a current publication, oldest first."""
        rows = [r for r in self._rows() if r.kind == kind and r.status == "published"]
        return [p.label for p in sorted({parse_period(r.period) for r in rows})]

    def current(self, period: str | Period | None = None) -> dict[str, Any]:
        """Kind -> the publication row in use at ``period`` (default: the latest of each kind).

        For each kind, the newest version that is not retracted, of the
        latest period that ends no later than ``period`` ends.
        """
        limit = parse_period(period).end if period is not None else None
        chosen: dict[str, Any] = {}
        for row in self._rows():
            if row.status != "published" or (limit is not None and row.period_end > limit):
                continue
            best = chosen.get(row.kind)
            if best is None or (row.period_end, row.version) > (best.period_end, best.version):
                chosen[row.kind] = row
        return chosen

    def dataset(self, period: str | Period | None = None) -> Dataset:
        """The published dataset as it stood at ``period`` (default: the latest of everything).

        Raises
        ------
        LookupError
            If nothing is published for that period.
        """
        chosen = self.current(period)
        if not chosen:
            raise LookupError("nothing is published" + (f" for {period}" if period else "") + " in the store")
        with self.engine.connect() as conn:
            unit_frame = default_units()
            unit_frame_dtypes = unit_frame.dtypes.to_dict()
            if "units" in chosen:
                unit_frame = pd.read_sql(
                    select(*[units.c[c] for c in _UNIT_COLUMNS])
                    .where(units.c.publication_id == chosen["units"].id)
                    .order_by(units.c.seq),
                    conn,
                ).astype(object)
                unit_frame = unit_frame.where(unit_frame.notna(), np.nan).astype(unit_frame_dtypes)
            layers = {}
            for kind, row in chosen.items():
                if kind.startswith("boundaries:"):
                    layers[kind.split(":", 1)[1]] = self._read_boundaries(conn, row)
            kind_figures, reports, rules = {}, {}, {}
            for kind in KINDS:
                if kind in chosen:
                    kind_figures[kind] = self._read_figures(conn, chosen[kind])
                    reports[kind] = _report_from(json.loads(chosen[kind].report).get("report")) or ValidationReport(
                        kind
                    )
                    rules[kind] = chosen[kind].disaggregate
            status = None
            if "status" in chosen:
                status = self._read_figures(conn, chosen["status"])
                reports["status"] = _report_from(json.loads(chosen["status"].report).get("report"))
        # the stored reports already hold the warnings assembling gives; assemble against throwaway ones
        hromadas = assemble(unit_frame, kind_figures, {k: ValidationReport(k) for k in kind_figures}, rules, status)
        latest = max(chosen.values(), key=lambda r: r.published_at)
        sources = {k: r.source for k, r in chosen.items() if r.source and not k.startswith("boundaries:")}
        layer_sources = [r.source for k, r in chosen.items() if k.startswith("boundaries:") and r.source]
        if layer_sources:
            sources["boundaries"] = layer_sources[0]
        approximate = any(
            json.loads(r.report).get("approximate", False) for k, r in chosen.items() if k.startswith("boundaries:")
        )
        return Dataset(
            title=latest.title or "",
            units=unit_frame,
            boundaries=layers,
            hromadas=hromadas,
            approximate_boundaries=approximate,
            reference_dates={k: r.period for k, r in chosen.items() if k in (*KINDS, "status")},
            sources=sources,
            reports=tuple(r for r in reports.values() if r is not None),
            figures=kind_figures,
            levels={k: r.level for k, r in chosen.items() if k in KINDS and r.level},
            status=status,
        )

    def _read_figures(self, conn, row) -> pd.DataFrame:
        meta = json.loads(row.report)
        long = pd.read_sql(
            select(
                figures.c.seq,
                figures.c.code,
                figures.c.level,
                figures.c.row,
                figures.c.field,
                figures.c.value,
                figures.c.text,
            )
            .where(figures.c.publication_id == row.id)
            .order_by(figures.c.seq),
            conn,
        )
        keys = long.drop_duplicates("seq").set_index("seq")[["code", "level", "row"]]
        long["value"] = long["value"].astype(object).where(long["text"].isna(), long["text"])
        wide = keys.join(long.pivot(index="seq", columns="field", values="value")).reset_index(drop=True)
        wide.columns.name = None
        columns = list(meta.get("columns") or wide.columns)
        # a field added to the kind after this table was published is unknown (NaN) in it, never missing
        for name in CANONICAL_FIELDS.get(row.kind, ()):
            if name not in columns:
                columns.append(name)
                meta.setdefault("dtypes", {})[name] = "float64"
        for column, dtype in meta.get("dtypes", {}).items():
            if column not in wide:
                wide[column] = np.nan
            if dtype == "bool":
                wide[column] = wide[column].astype(float).fillna(0).astype(bool)
            elif column == "row" and dtype.startswith("int"):
                wide[column] = wide[column].astype(float).fillna(-1).astype(dtype)
            elif dtype.startswith(("float", "int")):
                wide[column] = wide[column].astype(float)
            else:
                wide[column] = wide[column].astype(object).where(wide[column].notna(), np.nan).astype(dtype)
        return wide[columns]

    def _read_boundaries(self, conn, row) -> gpd.GeoDataFrame:
        columns = list(boundaries.c)
        if self.postgis:  # WKB out of the PostGIS columns
            columns = [
                func.ST_AsBinary(c).label(c.name) if c.name in ("geometry", "geometry_full") else c for c in columns
            ]
        frame = pd.read_sql(
            select(*columns).where(boundaries.c.publication_id == row.id).order_by(boundaries.c.seq), conn
        )
        geometry = shapely.from_wkb(frame.pop("geometry").to_numpy())
        full = shapely.from_wkb(frame.pop("geometry_full").to_numpy())
        frame = frame.drop(columns=["publication_id", "seq"])
        gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
        gdf["geometry_full"] = gpd.GeoSeries(full, index=gdf.index, crs="EPSG:4326")
        return gdf[[*_BOUNDARY_COLUMNS, "geometry", "geometry_full"]]

    # -- validating ----------------------------------------------------------
    def prepare_manifest(
        self,
        manifest: Path,
        period: str | None = None,
        *,
        periods: Mapping[str, str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> Prepared:
        """Read and validate the files of a manifest for publication.

        Parameters
        ----------
        period
            The reference period of every table published (``2025-Q2`` or a
            date). Without it each table's own reference date in the manifest
            is its period; a table without one (or with a non-date such as
            ``synthetic``) is refused with a message asking for ``--period``.
        periods
            Kind -> period, overriding ``period`` for some kinds.
        kinds
            Publish only these kinds (``population``, ``idp``, ``staffing``,
            ``caseload``, ``units``, ``boundaries``).

        Raises
        ------
        PublishRefused
            If any file has errors (nothing is published).
        ValueError
            If a table has no usable period, or the manifest is malformed.
        """
        spec = read_manifest(Path(manifest))
        wanted = set(kinds) if kinds else None
        periods = dict(periods or {})

        def period_of(kind: str, own: str | None) -> Period:
            text = periods.get(kind) or period or own
            if text is None:
                raise ValueError(
                    f"{kind}: no reference period; give --period (e.g. 2025-Q2) or set reference_dates.{kind} "
                    f"in {spec.path.name}"
                )
            try:
                return parse_period(text)
            except ValueError as exc:
                raise ValueError(f"{kind}: {exc}; give --period (e.g. 2025-Q2)") from None

        unit_frame = read_units(spec.units) if spec.units else default_units()
        index = unit_index(unit_frame)
        tables: list[Table] = []
        reports: list[ValidationReport] = []
        boundary_source = spec.sources.get("boundaries")
        if spec.units and (wanted is None or "units" in wanted):
            tables.append(
                Table(
                    "units",
                    unit_frame,
                    period_of("units", spec.reference_dates.get("units")),
                    source=spec.sources.get("units"),
                    title=spec.title,
                    file_name=spec.units.name,
                )
            )
        for b in spec.boundaries:
            if wanted is not None and "boundaries" not in wanted and f"boundaries:{b.level}" not in wanted:
                continue
            frame, report = read_boundary_file(b.path, index, b.level, layer=b.layer, simplify=b.simplify)
            reports.append(report)
            if report.errors:
                continue
            kind = f"boundaries:{b.level}"
            tables.append(
                Table(
                    kind,
                    frame,
                    period_of("boundaries", spec.reference_dates.get("boundaries")),
                    report=report,
                    source=spec.sources.get(kind, boundary_source),
                    title=spec.title,
                    file_name=b.path.name,
                    approximate=spec.approximate_boundaries,
                )
            )
        table_frames, table_reports = {}, {}
        for t in spec.tables:
            if wanted is not None and t.kind not in wanted:
                continue
            frame, report = read_figures(t.path, t.kind, index, t.sheet, **t.options())
            reports.append(report)
            table_frames[t.kind], table_reports[t.kind] = frame, report
            if report.errors:
                continue
            own = spec.reference_dates.get(t.kind)
            source = spec.sources.get(t.kind)
            tables.append(
                Table(
                    t.kind,
                    frame,
                    period_of(t.kind, own),
                    report=report,
                    source=source,
                    title=spec.title,
                    file_name=t.path.name,
                    disaggregate=t.disaggregate,
                    synthetic="synthetic" in f"{own} {source}".lower(),
                )
            )
        status = None
        if spec.status is not None and (wanted is None or "status" in wanted):
            status, report = read_status_table(spec.status, index)
            reports.append(report)
            if not report.errors:
                tables.append(
                    Table(
                        "status",
                        status,
                        period_of("status", spec.status.reference_date),
                        report=report,
                        source=spec.status.source,
                        title=spec.title,
                        file_name=spec.status.path.name,
                    )
                )
        if any(r.errors for r in reports):
            raise PublishRefused(reports)
        # the cross-table checks (IDPs against population) add their warnings to the reports
        assemble(unit_frame, table_frames, table_reports, {t.kind: t.disaggregate for t in spec.tables}, status)
        return self.prepare_tables(tables)

    def prepare_dataset(
        self,
        dataset: Dataset,
        manifest: Path,
        period: str | None = None,
        *,
        periods: Mapping[str, str] | None = None,
    ) -> Prepared:
        """The tables of a dataset already loaded (and so validated) from ``manifest``, for publication.

        The same tables, periods and flags as :meth:`prepare_manifest` of that
        manifest gives, without reading the files again.
        """
        spec = read_manifest(Path(manifest))
        periods = dict(periods or {})

        def period_of(kind: str) -> Period:
            text = periods.get(kind) or period or spec.reference_dates.get(kind)
            if text is None:
                raise ValueError(f"{kind}: no reference period; give --period (e.g. 2025-Q2)")
            return parse_period(text)

        reports = {(r.kind, r.level if r.kind == "boundaries" else None): r for r in dataset.reports}
        names = {t.kind: t for t in spec.tables}
        tables: list[Table] = []
        if spec.units:
            tables.append(
                Table(
                    "units",
                    dataset.units,
                    period_of("units"),
                    source=spec.sources.get("units"),
                    title=spec.title,
                    file_name=spec.units.name,
                )
            )
        for b in spec.boundaries:
            kind = f"boundaries:{b.level}"
            tables.append(
                Table(
                    kind,
                    dataset.boundaries[b.level],
                    period_of("boundaries"),
                    report=reports.get(("boundaries", b.level)),
                    source=spec.sources.get(kind, spec.sources.get("boundaries")),
                    title=spec.title,
                    file_name=b.path.name,
                    approximate=spec.approximate_boundaries,
                )
            )
        for kind, frame in dataset.figures.items():
            own, source = spec.reference_dates.get(kind), spec.sources.get(kind)
            tables.append(
                Table(
                    kind,
                    frame,
                    period_of(kind),
                    report=reports.get((kind, None)),
                    source=source,
                    title=spec.title,
                    file_name=names[kind].path.name,
                    disaggregate=names[kind].disaggregate,
                    synthetic="synthetic" in f"{own} {source}".lower(),
                )
            )
        if spec.status is not None and dataset.status is not None:
            tables.append(
                Table(
                    "status",
                    dataset.status,
                    period_of("status"),
                    report=reports.get(("status", None)),
                    source=spec.status.source,
                    title=spec.title,
                    file_name=spec.status.path.name,
                )
            )
        return self.prepare_tables(tables)

    def prepare_tables(self, tables: Iterable[Table]) -> Prepared:
        """Note the current version of each table's (kind, period), for :meth:`publish` to detect a conflict."""
        tables = tuple(tables)
        for t in tables:
            if t.report is not None and t.report.errors:
                raise PublishRefused([t.report])
        with self.engine.connect() as conn:
            base = {(t.kind, t.period.label): self._latest_version(conn, t.kind, t.period.label) for t in tables}
        return Prepared(tables, base)

    @staticmethod
    def _latest_version(conn, kind: str, period: str) -> int | None:
        return conn.execute(
            select(func.max(publications.c.version)).where(publications.c.kind == kind, publications.c.period == period)
        ).scalar()

    # -- writing -------------------------------------------------------------
    def publish(self, prepared: Prepared, by: str | None = None) -> list[Publication]:
        """Write every prepared table in one transaction; returns what was published.

        A table identical to the current version of its kind and period is
        not published again (it is left out of the result).

        Raises
        ------
        PublishConflict
            Someone published one of the same kinds and periods since
            ``prepared`` was made, or at the same moment; nothing was written.
        """
        by = by or getpass.getuser()
        at = _now()
        written: list[int] = []
        try:
            with self._writer.begin() as conn:
                for table in prepared.tables:
                    key = (table.kind, table.period.label)
                    latest = self._latest_version(conn, *key)
                    if latest != prepared.base.get(key):
                        other = conn.execute(
                            select(publications.c.published_by, publications.c.published_at).where(
                                publications.c.kind == table.kind,
                                publications.c.period == table.period.label,
                                publications.c.version == latest,
                            )
                        ).one()
                        raise PublishConflict(
                            msg(
                                "publish_conflict",
                                kind=table.kind,
                                period=table.period.label,
                                by=other.published_by,
                                at=f"{other.published_at:%Y-%m-%d %H:%M}",
                                version=str(latest),
                            )
                        )
                    sha = _sha256(table)
                    if latest is not None and self._current_sha(conn, *key) == sha:
                        continue
                    written.append(self._insert(conn, table, (latest or 0) + 1, sha, by, at))
        except IntegrityError as exc:
            if not _is_version_clash(exc):
                raise
            raise PublishConflict(msg("publish_clash")) from None
        except OperationalError as exc:
            raise db.StoreUnavailable(db._unreachable(self.engine, exc)) from None
        return [p for p in self.publications() if p.id in written]

    @staticmethod
    def _current_sha(conn, kind: str, period: str) -> str | None:
        return conn.execute(
            select(publications.c.sha256)
            .where(publications.c.kind == kind, publications.c.period == period, publications.c.status == "published")
            .order_by(publications.c.version.desc())
            .limit(1)
        ).scalar()

    def _insert(self, conn, table: Table, version: int, sha: str, by: str, at: datetime) -> int:
        frame = table.frame
        meta: dict[str, Any] = {"report": _report_dict(table.report)}
        if table.kind in (*KINDS, "status"):
            meta["columns"] = [str(c) for c in frame.columns]
            meta["dtypes"] = {str(c): str(t) for c, t in frame.dtypes.items()}
        if table.kind.startswith("boundaries:"):
            meta["approximate"] = table.approximate
        publication_id = conn.execute(
            insert(publications).returning(publications.c.id),
            {
                "kind": table.kind,
                "period": table.period.label,
                "period_start": table.period.start,
                "period_end": table.period.end,
                "version": version,
                "status": "published",
                "level": table.level,
                "title": table.title,
                "source": table.source,
                "file_name": table.file_name,
                "disaggregate": table.disaggregate,
                "synthetic": table.synthetic,
                "sha256": sha,
                "rows": len(frame),
                "report": json.dumps(meta, ensure_ascii=False, default=str),
                "published_by": by,
                "published_at": at,
            },
        ).scalar_one()
        if table.kind == "units":
            target, rows = units, _unit_rows(publication_id, frame)
        elif table.kind.startswith("boundaries:"):
            target, rows = boundaries, _boundary_rows(publication_id, frame, self.postgis)
        else:
            target, rows = figures, _figure_rows(publication_id, frame)
        self._insert_rows(conn, target, rows)
        self._audit(
            conn,
            by,
            "publish",
            f"{table.kind} {table.period.label} v{version}",
            {"publication": publication_id, "rows": len(frame), "file": table.file_name},
            at,
        )
        return publication_id

    @staticmethod
    def _insert_rows(conn, target, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), _CHUNK):
            conn.execute(insert(target), rows[start : start + _CHUNK])

    @staticmethod
    def _audit(conn, actor: str, action: str, target: str, detail: dict[str, Any], at: datetime | None = None) -> None:
        conn.execute(
            insert(audit_log),
            {
                "at": at or _now(),
                "actor": actor,
                "action": action,
                "target": target,
                "detail": json.dumps(detail, ensure_ascii=False, default=str),
            },
        )

    def retract(self, publication_id: int, by: str | None = None, reason: str | None = None) -> Publication:
        """Retract a publication; the version before it (if any) becomes current again.

        Raises
        ------
        LookupError
            If there is no such publication, or it is already retracted.
        """
        by = by or getpass.getuser()
        at = _now()
        with self._writer.begin() as conn:
            row = conn.execute(select(publications).where(publications.c.id == publication_id)).one_or_none()
            if row is None:
                raise PublicationLookup(msg("no_publication", id=str(publication_id)))
            if row.status == "retracted":
                raise PublicationLookup(
                    msg(
                        "already_retracted",
                        id=str(publication_id),
                        kind=row.kind,
                        period=row.period,
                        version=str(row.version),
                        by=row.retracted_by,
                        at=f"{row.retracted_at:%Y-%m-%d %H:%M}",
                    )
                )
            conn.execute(
                update(publications)
                .where(publications.c.id == publication_id, publications.c.status == "published")
                .values(status="retracted", retracted_by=by, retracted_at=at, retract_reason=reason)
            )
            self._audit(
                conn,
                by,
                "retract",
                f"{row.kind} {row.period} v{row.version}",
                {"publication": publication_id, "reason": reason},
                at,
            )
        return next(p for p in self.publications() if p.id == publication_id)

    def record(self, actor: str, action: str, target: str, detail: dict[str, Any] | None = None) -> None:
        """Add an entry to the audit log (assumption changes, user changes)."""
        with self._writer.begin() as conn:
            self._audit(conn, actor, action, target, detail or {})

    def audit_entries(self, limit: int | None = 200) -> pd.DataFrame:
        """The audit log, newest first: ``at``, ``actor``, ``action``, ``target``, ``detail``."""
        query = select(audit_log).order_by(audit_log.c.id.desc())
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)


def open_store(url: str | None = None, **options: Any) -> Store:
    """:class:`Store` over ``url`` (default ``ATLAS_DATABASE_URL`` or the app's SQLite file)."""
    return Store(url, **options)
