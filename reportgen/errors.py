"""Problems found in inputs, reported together rather than one at a time.

Every stage collects :class:`Problem` objects instead of raising on the first
bad value, so an analyst fixes a whole file in one pass. Only the CLI turns
them into an exit status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    path: str
    line: int | None
    column: int | None
    field: str | None
    message: str
    severity: Severity = "error"
    about: str | None = dataclass_field(default=None, compare=False)
    """What the problem concerns beyond its field (see :func:`concerning`), so a
    warning that only follows from an error can be dropped."""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        label = "warning: " if self.severity == "warning" else ""
        if self.field:
            return f"{where}: {self.field}: {label}{self.message}"
        return f"{where}: {label}{self.message}"

    @classmethod
    def whole_file(cls, path: str, message: str, severity: Severity = "error") -> Problem:
        """A problem with a file as a whole (empty, unreadable, misnamed): no line."""
        return cls(path, None, None, None, message, severity)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ReportgenError(Exception):
    """Base for errors the CLI reports without a traceback."""


class InputError(ReportgenError):
    """Inputs are unfit to build from; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


def os_error_message(exc: OSError) -> str:
    """``path: reason`` for a file the system would not let us read or write."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _sort_key(p: Problem) -> tuple[str, int, int, str]:
    return (p.path, p.line or 0, p.column or 0, p.message)


def concerning(thing: str, period: object) -> str:
    """The ``about`` of a problem: ``action 1.2 in 2020-03``, ``KPI 6 in 2020-03``."""
    return f"{thing} in {period}"


def without_knock_on(problems: Iterable[Problem]) -> list[Problem]:
    """Drop warnings about something an error already reports.

    A row rejected for a bad status leaves its action with "no update for
    2020-03"; that warning only repeats the error in misleading words. A
    warning goes when an error concerns the same thing in the same month.
    """
    problems = list(problems)
    covered = {p.about for p in problems if p.is_error and p.about}
    return [p for p in problems if p.is_error or p.about not in covered]


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Order problems by file and position, the order an editor shows them."""
    return sorted(problems, key=_sort_key)
