"""Validation problems collected while reading a file, and the report of one file.

A loader collects every problem in a file and raises them all at once
(``DataValidationError``) instead of stopping at the first one. Each problem
names the file, the row (as the user sees it in a spreadsheet, 1-based) and
what was expected.

:class:`ValidationReport` is what a loader fills in while reading;
:class:`FileReport` is the finished, read-only summary of one file that the
``validate`` command prints (one entry of its ``--json`` ``files`` list) and
that the app shows when a file is uploaded.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.text import TEXT, column_text, format_number, issue_text, label, t

from .messages import Message, MessageError, msg

__all__ = ["Issue", "Unmatched", "ValidationReport", "FileReport", "DataValidationError", "read_toml"]


def read_toml(path: Path, what: str, where: str) -> dict:
    """The TOML file ``path`` (a manifest, the assumptions, a scenario) as a dict.

    A missing file raises ``FileNotFoundError`` ("``what`` not found: path"); a
    file that is not TOML, or not UTF-8, a ``ValueError`` that starts with
    ``where`` and says why.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{what} not found: {path}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MessageError(msg("not_toml", where=where, reason=str(exc))) from None


@dataclass(frozen=True)
class Issue:
    """One problem in an input file.

    ``code`` and ``params`` are the message (:data:`~loaders.messages.MESSAGES`),
    said in the user's language by :meth:`text`; ``severity`` is ``"error"``
    (the file cannot be used) or ``"warning"`` (repaired or skipped, the file
    is still usable).
    """

    source: str
    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    row: int | None = None
    column: str | None = None
    severity: str = "error"
    sheet: str | None = None  #: set when a table is read from several sheets together
    header: str | None = None  #: the file's own header text of ``column``, when it had one

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        """An issue as stored (:func:`dataclasses.asdict`); one stored before messages had codes keeps its words."""
        data = dict(data)
        if "code" not in data:
            data["code"], data["params"] = "stored_text", {"text": data.pop("message", "")}
        return cls(**data)

    def text(self, lang: str = "uk") -> str:
        """The message in words in ``lang``."""
        return issue_text((self.code, self.params), lang)

    @property
    def message(self) -> str:
        """The message in English (logs, exceptions, tests)."""
        return self.text("en")

    def column_text(self, lang: str = "uk") -> str:
        """The column as a user reads it: the field's label in ``lang``, with the file's header."""
        return column_text(self.column, self.header, lang)

    def __str__(self) -> str:
        where = self.source
        if self.sheet is not None:
            where += f" sheet {self.sheet}"
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """``row``, ``column`` (the field), ``code``, ``params``, the ``message`` in words in ``lang``; ``header``
        and ``sheet`` when known."""
        out = {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "params": _plain(self.params),
            "message": self.text(lang),
        }
        if self.header is not None:
            out["header"] = self.header
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


def _plain(value: Any) -> Any:
    """Parameters as JSON writes them (tuples as lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Unmatched:
    """A row (or feature) that names no known unit, with the closest candidates (``unit`` messages)."""

    row: int | None
    value: str
    suggestions: tuple = ()

    def __post_init__(self) -> None:  # read back from JSON: messages as lists, not tuples
        object.__setattr__(self, "suggestions", tuple(tuple(s) if isinstance(s, list) else s for s in self.suggestions))

    def suggested(self, lang: str = "uk") -> tuple[str, ...]:
        """The candidates in words in ``lang``."""
        return tuple(issue_text(s, lang) for s in self.suggestions)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"row": self.row, "value": self.value, "suggestions": list(self.suggested(lang))}


@dataclass
class ValidationReport:
    """Errors and warnings of one file, in the order they were found.

    Besides the issues, a loader records what it read: ``kind``, ``path``,
    ``sheet``, the ``level`` of the figures (oblast, raion, hromada or
    settlement), the number of data ``rows`` and how many were ``matched``
    to a unit, the ``unmatched`` rows and the ``totals`` of each canonical
    field over the figures it kept.
    """

    source: str
    issues: list[Issue] = field(default_factory=list)
    kind: str | None = None
    path: str | None = None
    sheet: str | None = None
    level: str | None = None
    rows: int = 0
    matched: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=dict)
    #: the sheet of the row being read, when a table spans several sheets (stamped on issues with a row)
    current_sheet: str | None = None
    #: the file's own header text of each field found (stamped on issues that name the field's column)
    headers: dict[str, str] = field(default_factory=dict)

    def error(
        self,
        code: str | Message,
        params: dict[str, Any] | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        """Add an error: the message ``code`` with ``params`` (or a message ``(code, params)`` as it is)."""
        self._add("error", code, params, row, column)

    def warn(
        self,
        code: str | Message,
        params: dict[str, Any] | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        """Add a warning: the message ``code`` with ``params`` (or a message ``(code, params)`` as it is)."""
        self._add("warning", code, params, row, column)

    def _add(self, severity: str, code, params, row, column) -> None:
        if not isinstance(code, str):
            code, params = code
        sheet = self.current_sheet if row is not None else None
        self.issues.append(
            Issue(self.source, code, params or {}, row, column, severity, sheet, self.headers.get(column))
        )

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when the file has no errors (warnings allowed)."""
        return not self.errors

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DataValidationError(self)


def _number(value: float) -> float | int:
    """A total as JSON shows it: whole numbers as ints (also a sum of split figures that is whole but for
    floating-point error, 42,999.99999999999 -> 43,000), else rounded to 2 decimals; NaN never (callers drop it).
    """
    value = float(value)
    if abs(value - round(value)) < 1e-6 * max(1.0, abs(value)):
        return int(round(value))
    return round(value, 2)


def _shown(value: float, lang: str) -> str:
    """A total in the language's format, as :func:`_number` rounds it."""
    number = _number(value)
    return format_number(number, 0 if isinstance(number, int) else 2, lang)


#: Levels of the figures that the catalogue names (``t("hromada")`` = "Громади").
_LEVELS = ("oblast", "raion", "hromada")


@dataclass(frozen=True)
class FileReport:
    """The validation report of one file, plus the frame read when it is usable.

    The fields are exactly those of one entry of the ``files`` list printed
    by ``python app.py validate --json`` (see :meth:`to_dict`); ``frame`` is
    the validated (Geo)DataFrame, or ``None`` when the file has errors, so a
    file with errors can never replace data already loaded.
    """

    kind: str
    path: str
    sheet: str | None
    level: str | None
    rows: int
    matched: int
    unmatched: tuple[Unmatched, ...]
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    totals: dict[str, float]
    frame: Any = None
    report: Any = None  # the ValidationReport it was made from

    @property
    def ok(self) -> bool:
        """True when the file can be used (it has no errors; warnings allowed)."""
        return not self.errors

    @classmethod
    def from_report(cls, report: ValidationReport, frame: Any = None) -> FileReport:
        return cls(
            kind=report.kind or "",
            path=report.path or report.source,
            sheet=report.sheet,
            level=report.level,
            rows=int(report.rows),
            matched=int(report.matched),
            unmatched=tuple(report.unmatched),
            errors=tuple(report.errors),
            warnings=tuple(report.warnings),
            totals={k: v for k, v in report.totals.items() if not math.isnan(v)},
            frame=frame if report.ok else None,
            report=report,
        )

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON object of this file, as ``validate --json`` prints it (messages and suggestions in ``lang``)."""
        return {
            "kind": self.kind,
            "path": self.path,
            "sheet": self.sheet,
            "level": self.level,
            "rows": self.rows,
            "matched": self.matched,
            "unmatched": [u.to_dict(lang) for u in self.unmatched],
            "errors": [i.to_dict(lang) for i in self.errors],
            "warnings": [i.to_dict(lang) for i in self.warnings],
            "totals": {k: _number(v) for k, v in self.totals.items()},
        }

    def summary(self, lang: str = "uk") -> str:
        """The report as plain text in ``lang``, one problem a line (what the command prints without ``--json``).

        Columns are named by their label and the file's own header
        (:meth:`Issue.column_text`), totals by their label, messages and
        suggested units in ``lang`` (:meth:`Issue.text`).
        """
        status = t("validate_ok" if self.ok else "validate_not_usable", lang)
        where = self.path + (t("validate_sheet", lang, sheet=self.sheet) if self.sheet else "")
        kind = t(f"brief_kind_{self.kind}", lang) if f"brief_kind_{self.kind}" in TEXT["uk"] else self.kind
        lines = [
            t("validate_file", lang, kind=kind, path=where, status=status),
            t(
                "validate_counts",
                lang,
                level=t(self.level, lang) if self.level in _LEVELS else (self.level or t("validate_unknown", lang)),
                rows=self.rows,
                matched=self.matched,
                unmatched=len(self.unmatched),
                errors=len(self.errors),
                warnings=len(self.warnings),
            ),
        ]
        if self.totals:
            totals = ", ".join(f"{label(k, lang)} {_shown(v, lang)}" for k, v in self.totals.items())
            lines.append(t("validate_totals", lang, totals=totals))
        for u in self.unmatched:
            hint = t("validate_closest", lang, names="; ".join(u.suggested(lang))) if u.suggestions else ""
            lines.append(t("validate_unmatched", lang, row=str(u.row), value=repr(u.value), hint=hint))
        for kind, issues in (("error", self.errors), ("warning", self.warnings)):
            for i in issues:
                where = t("validate_row", lang, row=str(i.row)) if i.row is not None else t("validate_whole_file", lang)
                if i.sheet is not None:
                    where = t("validate_in_sheet", lang, sheet=i.sheet, where=where)
                if i.column:
                    where = t("validate_in_column", lang, where=where, column=i.column_text(lang))
                lines.append(t(f"validate_{kind}", lang, where=where, message=i.text(lang)))
        return "\n".join(lines)


class DataValidationError(ValueError):
    """A file that cannot be used; ``report`` holds every problem found."""

    def __init__(self, report: ValidationReport, limit: int = 20):
        self.report = report
        errors = report.errors
        lines = [str(i) for i in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"... and {len(errors) - limit} more errors")
        super().__init__(f"{report.source}: {len(errors)} error(s)\n" + "\n".join(lines))
