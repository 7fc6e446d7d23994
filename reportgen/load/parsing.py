"""Reading the values people type into spreadsheets: numbers, months, dates.

Performance data arrives from many hands and many tools (Excel, exports from
case-management systems, hand-typed CSV), so the same month shows up as
``2019-10``, ``Oct-19`` or ``31/10/2019`` and the same percentage as ``85%``,
``85.0 %`` or ``85``. These functions accept the forms analysts really use
and refuse everything else with a message that says how to write it instead,
because a guessed value in a board pack is worse than a clear error.

Each parser takes a raw cell (text from CSV, or the Python value openpyxl
gives for an Excel cell) and raises :class:`ValueError` whose text is
ready to show to the person who wrote the file. Loaders add the file, line
and column. Dates are read day-first, the UK convention.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from reportgen.periods import Period

MISSING_MARKERS = frozenset({"", "-", "–", "—", "n/a", "na"})
"""Cell text meaning "no value": left blank rather than rejected."""

_EXCEL_ERRORS = frozenset(
    {"#n/a", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#spill!", "#calc!"}
)

_NUMBER = re.compile(
    r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?$|^[+-]?\.\d+(?:[eE][+-]?\d+)?$"
)
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,2}$|^[+-]?\d+,\d{4,}$")

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_MONTH_SLASH_YEAR = re.compile(r"^(\d{1,2})/(\d{4})$")
_NAME_YEAR = re.compile(r"^([A-Za-z]+)\.?[\s\-/'’]*(\d{4}|\d{2})$")
_DAY_NAME_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?[\s\-]+(\d{4}|\d{2})$")

_MONTH_HINT = "write the month like 2019-10, Oct 2019, October 2019 or 31/10/2019 (day first)"
_DATE_HINT = "write the date like 2019-10-31 or 31/10/2019 (day first)"


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from a cell, remembering whether it was written with ``%``.

    The sign matters to the caller: ``85%`` in a column for a count KPI is
    probably a value typed against the wrong KPI.
    """

    value: float
    percent_sign: bool = False


def is_missing(value: object) -> bool:
    """True for an empty cell or an explicit "no value" marker such as ``n/a``."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().casefold() in MISSING_MARKERS
    return False


def clean_text(value: object) -> str | None:
    """A cell as trimmed text (None when missing); numbers lose a trailing ``.0``."""
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    return str(value).strip()


def parse_number(value: object) -> ParsedNumber:
    """Read a number: ``1,234``, ``85``, ``85.5``, ``85%``, ``85.0 %`` or an Excel number.

    A trailing ``%`` is accepted and recorded; ``85%`` is 85 (percentages are
    on a 0-100 scale throughout). Excel cells formatted as percentages are
    converted to that scale by the table reader, before they get here.
    """
    if isinstance(value, bool):
        raise ValueError(
            f"{'TRUE' if value else 'FALSE'} is not a number; type the number into the cell"
        )
    if isinstance(value, int | float):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("the cell is not a finite number; type the number into the cell")
        return ParsedNumber(number)
    if isinstance(value, datetime | date | time | timedelta):
        raise ValueError(
            f"the cell holds a date or time ({value}), not a number; "
            "format the cell as a number and retype the value"
        )
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a number")
    text = value.strip().replace("\u2212", "-").replace("\u00a0", " ")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    shown = value.strip()
    if _NUMBER.match(text):
        number = float(text.replace(",", ""))
        if not math.isfinite(number):
            raise ValueError(
                f"{shown!r} is too large to be a number (it reads as infinity); "
                "check the value and write it out in full"
            )
        return ParsedNumber(number, percent)
    if shown.casefold() in _EXCEL_ERRORS:
        raise ValueError(
            f"{shown!r} is an Excel error, not a number; fix the formula that produced it, "
            "or leave the cell blank if there is no value"
        )
    if _DECIMAL_COMMA.match(text):
        raise ValueError(
            f"{shown!r} uses a comma for decimals; use a full stop ({text.replace(',', '.')})"
        )
    raise ValueError(
        f"{shown!r} is not a number; write a number such as 85, 85.5, 1,234 or 85% "
        "(leave the cell blank if there is no value)"
    )


def parse_percent(value: object) -> float:
    """Read a percentage on the 0-100 scale (``85``, ``85%``), refusing values outside it."""
    number = parse_number(value).value
    if not 0 <= number <= 100:
        raise ValueError(
            f"{number:g} is not a percentage between 0 and 100; write 85 or 85% for 85 per cent"
        )
    return number


def month_number(name: str) -> int | None:
    """1-12 for a month name or its abbreviation (``Oct``, ``Sept``, ``October``)."""
    key = name.strip().casefold()
    if len(key) < 3:
        return None
    for number in range(1, 13):
        full = calendar.month_name[number].casefold()
        if full.startswith(key):
            return number
    return None


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _month_of(year: int, month: int, shown: str, hint: str) -> Period:
    if not 1 <= month <= 12:
        raise ValueError(f"{shown!r} has month {month}, which is not 1-12; {hint}")
    return Period(year, month)


def _day_first(match: re.Match[str], shown: str, hint: str) -> date:
    day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
    if not 1 <= month <= 12:
        swapped = " (it looks month-first; dates are read day first)" if day <= 12 else ""
        raise ValueError(f"{shown!r} has month {month}, which is not 1-12{swapped}; {hint}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{shown!r} is not a real date; {hint}") from None


def parse_period(value: object) -> Period:
    """Read the month a value belongs to.

    Accepts ``2019-10``, ``2019-10-31``, ``Oct-19``, ``Oct 2019``, ``October
    2019``, ``31/10/2019`` (day first), ``10/2019`` and Excel dates. A full
    date stands for its month: monthly returns are often dated the month end.
    """
    if isinstance(value, datetime | date):
        return Period.of(value)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"the cell does not hold a month; {_MONTH_HINT}")
    shown = str(value).strip()
    if not isinstance(value, str):
        raise ValueError(f"{shown!r} is a number, not a month; {_MONTH_HINT}")
    if not shown:
        raise ValueError(f"the month is blank; {_MONTH_HINT}")
    if m := _ISO_MONTH.match(shown):
        return _month_of(int(m.group(1)), int(m.group(2)), shown, _MONTH_HINT)
    if m := _ISO_DATE.match(shown):
        period = _month_of(int(m.group(1)), int(m.group(2)), shown, _MONTH_HINT)
        try:
            date(period.year, period.month, int(m.group(3)))
        except ValueError:
            raise ValueError(f"{shown!r} is not a real date; {_MONTH_HINT}") from None
        return period
    if m := _DAY_FIRST.match(shown):
        return Period.of(_day_first(m, shown, _MONTH_HINT))
    if m := _MONTH_SLASH_YEAR.match(shown):
        return _month_of(int(m.group(2)), int(m.group(1)), shown, _MONTH_HINT)
    if m := _NAME_YEAR.match(shown):
        month = month_number(m.group(1))
        if month is None:
            raise ValueError(f"{m.group(1)!r} in {shown!r} is not a month name; {_MONTH_HINT}")
        return Period(_year(m.group(2)), month)
    if m := _DAY_NAME_YEAR.match(shown):
        return Period.of(_named_date(m, shown, _MONTH_HINT))
    raise ValueError(f"{shown!r} is not a month; {_MONTH_HINT}")


def _named_date(match: re.Match[str], shown: str, hint: str) -> date:
    month = month_number(match.group(2))
    if month is None:
        raise ValueError(f"{match.group(2)!r} in {shown!r} is not a month name; {hint}")
    try:
        return date(_year(match.group(3)), month, int(match.group(1)))
    except ValueError:
        raise ValueError(f"{shown!r} is not a real date; {hint}") from None


def parse_date(value: object) -> date:
    """Read a calendar date: ``2019-10-31``, ``31/10/2019`` (day first), ``31 Oct 2019``, Excel."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"the cell does not hold a date; {_DATE_HINT}")
    shown = value.strip()
    if not shown:
        raise ValueError(f"the date is blank; {_DATE_HINT}")
    if m := _ISO_DATE.match(shown):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise ValueError(f"{shown!r} is not a real date; {_DATE_HINT}") from None
    if m := _DAY_FIRST.match(shown):
        return _day_first(m, shown, _DATE_HINT)
    if m := _DAY_NAME_YEAR.match(shown):
        return _named_date(m, shown, _DATE_HINT)
    raise ValueError(f"{shown!r} is not a date; {_DATE_HINT}")
