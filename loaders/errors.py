"""Validation problems collected while reading a file.

A loader collects every problem in a file and raises them all at once
(``DataValidationError``) instead of stopping at the first one. Each problem
names the file, the row (as the user sees it in a spreadsheet, 1-based) and
what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Issue", "ValidationReport", "DataValidationError"]


@dataclass(frozen=True)
class Issue:
    """One problem in an input file.

    ``severity`` is ``"error"`` (the file cannot be used) or ``"warning"``
    (repaired or skipped, the file is still usable).
    """

    source: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


@dataclass
class ValidationReport:
    """Errors and warnings of one file, in the order they were found."""

    source: str
    issues: list[Issue] = field(default_factory=list)

    def error(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.issues.append(Issue(self.source, message, row, column, "error"))

    def warn(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.issues.append(Issue(self.source, message, row, column, "warning"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DataValidationError(self)


class DataValidationError(ValueError):
    """A file that cannot be used; ``report`` holds every problem found."""

    def __init__(self, report: ValidationReport, limit: int = 20):
        self.report = report
        errors = report.errors
        lines = [str(i) for i in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"... and {len(errors) - limit} more errors")
        super().__init__(f"{report.source}: {len(errors)} error(s)\n" + "\n".join(lines))
