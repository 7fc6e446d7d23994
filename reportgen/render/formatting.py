"""How values and dates are printed, in one place.

Charts, alt text, tables and running footers must agree on how "72.5%" or
"3 November 2019" is written; a board member comparing a chart with the
table beside it should see the same text.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

PLAIN_UNITS = frozenset({"", "number", "count", "rate", "ratio"})


def format_value(value: float | None, unit: str = "number") -> str:
    """A KPI value as printed: ``72.5%``, ``1,204``, ``18 days``, ``no data``."""
    if value is None or math.isnan(value):
        return "no data"
    if unit == "percent":
        return f"{value:.1f}%".replace(".0%", "%")
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if unit in PLAIN_UNITS:
        return text
    return f"{text} {unit}"


def long_date(day: date) -> str:
    """``3 November 2019``: the form UK public-sector documents use."""
    return f"{day.day} {day:%B %Y}"


def w3c_date(moment: date | datetime) -> str:
    """Date for ``dcterms`` metadata. Naive datetimes are taken as UTC."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()
