"""A problem in a returned workbook, located the way its lead will look for it."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.errors import Severity


@dataclass(frozen=True)
class CellProblem:
    """``file: sheet!cell (action 9.6): message``; sheet, cell and subject when known."""

    file: str
    sheet: str | None
    cell: str | None
    subject: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.sheet is not None:
            where += f": {self.sheet}!{self.cell}" if self.cell else f": {self.sheet}"
        if self.subject:
            where += f" ({self.subject})"
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}: {label}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
