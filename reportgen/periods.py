"""Reporting periods are calendar months.

A board pack reports on a month; KPI values, action updates and notes are all
attached to one. Keeping the month as its own small type (rather than a date
or a pandas Period) makes ordering, labels and arithmetic explicit and keeps
pandas out of the typed core.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1-12, not {self.month}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse the canonical ``YYYY-MM`` form used in the CLI and plan."""
        m = _ISO.match(text.strip())
        if not m:
            raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> Period:
        return cls(d.year, d.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """Short label for tables and charts, e.g. ``Oct 2019``."""
        return f"{calendar.month_abbr[self.month]} {self.year}"

    @property
    def long_label(self) -> str:
        """Label for headings, e.g. ``October 2019``."""
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shift(self, months: int) -> Period:
        index = self.year * 12 + (self.month - 1) + months
        return Period(index // 12, index % 12 + 1)

    def months_since(self, other: Period) -> int:
        """Whole months from ``other`` to ``self`` (positive when self is later)."""
        return (self.year - other.year) * 12 + (self.month - other.month)


def period_range(start: Period, end: Period) -> list[Period]:
    """Every month from ``start`` to ``end`` inclusive."""
    return [start.shift(i) for i in range(end.months_since(start) + 1)]
