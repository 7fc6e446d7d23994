"""How numbers, amounts and dates are written, for every output.

One function per kind of figure so "72.5%", "1,234%", "18 days" and
"3 November 2019" read the same in a chart, the table beside it, the alt
text and the email. Nothing here knows about KPIs or assessments: callers
pass plain values, so ``assess`` can use it without depending on anything
above it.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from reportgen.periods import Period

NO_DATA = "no data"
"""What a missing value prints as, everywhere."""

DEFAULT_DECIMALS = 1
"""Decimals shown when a KPI sets none; trailing ``.0`` is dropped."""

_UNIT_WORDS: dict[str, tuple[str, str]] = {
    "days": ("day", "days"),
    "weeks": ("week", "weeks"),
}
"""Units printed as words after the number; others print bare (or as ``%``)."""


def number(value: float, decimals: int | None = None) -> str:
    """A bare number with thousands separators: ``1,204``, ``72.5``.

    ``decimals`` None shows up to one decimal and drops a trailing zero
    (``65``, ``72.5``); a KPI's own ``decimals`` always shows that many
    (``2.01``, ``65.0``), so a published figure keeps its precision.
    """
    if decimals is None:
        text = f"{value:,.{DEFAULT_DECIMALS}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # never print "-0"
    return text


def _is_one(text: str) -> bool:
    return text in ("1", "-1")


def value(v: float | None, unit: str | None = None, decimals: int | None = None) -> str:
    """A KPI value as printed: ``72.5%``, ``1,234%``, ``1,204``, ``18 days``, ``no data``."""
    if v is None or math.isnan(v):
        return NO_DATA
    text = number(v, decimals)
    if unit == "percent":
        return f"{text}%"
    if unit in _UNIT_WORDS:
        one, many = _UNIT_WORDS[unit]
        return f"{text} {one if _is_one(text) else many}"
    return text


def target(v: float, unit: str | None = None, decimals: int | None = None) -> str:
    """A target as printed: ``10%`` beside a value of ``2.01%``.

    Targets are round numbers in plans, so a whole-number target drops the
    KPI's fixed decimals ("10%", not "10.00%"); any other keeps them.
    """
    return value(v, unit, None if float(v).is_integer() else decimals)


def amount(gap: float, unit: str | None = None, decimals: int | None = None) -> str:
    """The size of a difference, without sign: ``9 points``, ``1 point``, ``3 days``, ``12``.

    A difference between two percentages is in percentage points, never
    ``%``: "9 points short" of 95% means 86%, not 86.45%.
    """
    text = number(abs(gap), decimals)
    if unit == "percent":
        return f"{text} {'point' if _is_one(text) else 'points'}"
    return value(abs(gap), unit, decimals)


def change(delta: float, unit: str | None = None, decimals: int | None = None) -> str:
    """A signed move: ``up 3.2 points``, ``down 2 days``, ``no change``."""
    if number(abs(delta), decimals) in ("0", "0.0", "0.00", "0.000"):
        return "no change"
    return f"{'up' if delta > 0 else 'down'} {amount(delta, unit, decimals)}"


def with_parts(
    v: float | None,
    unit: str | None,
    decimals: int | None,
    numerator: float | None,
    denominator: float | None,
) -> str:
    """``52.3% (113 of 216)`` when both counts are known, else the value alone."""
    text = value(v, unit, decimals)
    if v is None or numerator is None or denominator is None:
        return text
    return f"{text} ({number(numerator, 0 if numerator.is_integer() else None)} of " + (
        f"{number(denominator, 0 if denominator.is_integer() else None)})"
    )


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 KPI``, ``2 KPIs``, ``3 actions``."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


def share(n: int, total: int, noun: str, nouns: str | None = None) -> str:
    """``2 of 6 KPIs``, ``all 3 KPIs``, ``its one KPI``: never "1 of 1 KPIs"."""
    many = nouns or noun + "s"
    if total == 1 and n == 1:
        return f"its one {noun}"
    if n == total:
        return f"all {total} {many}"
    return f"{n} of {total} {many if total != 1 else noun}"


def month(p: Period | None) -> str:
    """``Mar 2020`` for tables and charts; an en dash when there is none."""
    return p.label if p is not None else "–"


def long_month(p: Period) -> str:
    """``March 2020`` for headings and sentences."""
    return p.long_label


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


def upper_first(text: str) -> str:
    """Capitalise the first letter only (``str.capitalize`` would turn "Mar" into "mar")."""
    return text[:1].upper() + text[1:]


def weeks(n: int) -> str:
    """``1 week``, ``6 weeks``."""
    return plural(n, "week")
