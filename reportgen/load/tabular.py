"""Rows of cells from a CSV file or the first sheet of an Excel workbook.

Loaders want one thing from a spreadsheet: its header and its rows, each row
tagged with the line an analyst would look at to fix it. This module hides
the differences between the two formats (encodings, delimiters, Windows
line endings, multi-line quoted cells, Excel cell types and percentage
formats) so that loaders see the same shape either way.

The csv module (not pandas) is used on purpose: it keeps the physical line of
every record, including records whose quoted cells span several lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from reportgen.errors import Problem
from reportgen.load.limits import MAX_TABLE_BYTES, check_workbook, csv_row_problem, file_too_big

CellValue = str | int | float | bool | datetime | date | time | timedelta | None

CSV_SUFFIXES = frozenset({".csv", ".txt"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})

_DELIMITERS = (",", ";", "\t")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Row:
    """One record: the line it starts on (1-based) and its cells in header order."""

    line: int
    cells: tuple[CellValue, ...]

    def get(self, index: int) -> CellValue:
        return self.cells[index] if index < len(self.cells) else None


@dataclass
class Table:
    """A header (as written, trimmed) and the non-blank rows under it."""

    header: list[str]
    header_line: int
    rows: list[Row]
    kind: Literal["csv", "xlsx"]


def header_key(text: str) -> str:
    """How a header is matched: case, spacing and underscores do not matter."""
    return " ".join(text.replace("_", " ").split()).casefold()


def _blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


HEADER_SEARCH_ROWS = 10
"""How far down a sheet to look for the header below title rows."""

HeaderTest = Callable[[list[str]], bool]
"""Whether a row's cells (as text) look like the file's header row."""


def _split_header(
    records: list[Row],
    display: str,
    kind: Literal["csv", "xlsx"],
    is_header: HeaderTest | None = None,
) -> tuple[Table | None, list[Problem]]:
    filled = [r for r in records if not all(_blank(c) for c in r.cells)]
    if is_header is not None:
        # Spreadsheets often carry a title ("KPI returns 2019-20") and a blank
        # row above the real header: start at the first row that is a header.
        for index, row in enumerate(filled[:HEADER_SEARCH_ROWS]):
            if is_header(_texts(row)):
                filled = filled[index:]
                break
    if not filled:
        return None, [
            Problem.whole_file(
                display,
                "the file is empty; it needs a header row (e.g. kpi,period,value) "
                "and one row per value",
            )
        ]
    first, rest = filled[0], filled[1:]
    header = _texts(first)
    while header and not header[-1]:
        header.pop()
    return Table(header, first.line, rest, kind), []


def _texts(row: Row) -> list[str]:
    return ["" if c is None else str(c).strip() for c in row.cells]


def read_table(
    path: Path, display: str, is_header: HeaderTest | None = None
) -> tuple[Table | None, list[Problem]]:
    """Read a CSV file or the first sheet of a workbook; never raises for bad input.

    The header is the first row with anything in it, or, with ``is_header``,
    the first of the top rows that passes it (title rows above are skipped);
    completely blank rows are dropped. Returns no table (and a problem) when
    the file cannot be read.
    """
    suffix = path.suffix.lower()
    kind: Literal["csv", "xlsx"] = "csv"
    if suffix in EXCEL_SUFFIXES:
        kind = "xlsx"
        records, problems = _read_xlsx(path, display)
    elif suffix in CSV_SUFFIXES:
        records, problems = _read_csv(path, display)
    elif suffix == ".xls":
        return None, [
            Problem.whole_file(
                display,
                "old-style Excel .xls files are not read; in Excel use "
                "File > Save As > Excel Workbook (.xlsx) or CSV UTF-8",
            )
        ]
    else:
        return None, [
            Problem.whole_file(
                display,
                f"unsupported file type {suffix or '(no extension)'!r}; "
                "save the data as .csv (CSV UTF-8) or .xlsx",
            )
        ]
    if records is None:
        return None, problems
    table, more = _split_header(records, display, kind, is_header)
    return table, problems + more


def _decode(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, [
            Problem(
                display,
                bad_line,
                None,
                None,
                "the file is not UTF-8 text; in Excel save it as 'CSV UTF-8 (Comma delimited)'",
            )
        ]
    return text, [
        Problem(
            display,
            bad_line,
            None,
            None,
            "the file is not UTF-8, so it was read as Windows-1252 (Excel's plain 'CSV'); "
            "check accented characters and save it as 'CSV UTF-8' to remove this warning",
            "warning",
        )
    ]


def sniff_delimiter(first_line: str) -> str:
    """Comma, semicolon or tab: whichever separates the header line most often.

    Headers rarely contain separators, so counting them on the first line is
    more predictable than :class:`csv.Sniffer`, which guesses from data rows
    whose values (``1,234``) can contain commas.
    """
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, display: str) -> tuple[list[Row] | None, list[Problem]]:
    too_big = file_too_big(path, MAX_TABLE_BYTES, "the file")
    if too_big:
        return None, [Problem.whole_file(display, too_big)]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem.whole_file(display, "file not found")]
    except OSError as exc:
        return None, [Problem.whole_file(display, f"cannot read the file: {exc.strerror}")]
    if data.startswith(_ZIP_MAGIC):
        return None, [
            Problem.whole_file(
                display,
                "this is an Excel workbook with a .csv name; rename it to .xlsx "
                "or save it from Excel as CSV UTF-8",
            )
        ]
    text, problems = _decode(data, display)
    if text is None:
        return None, problems
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    records: list[Row] = []
    end = 0
    total_cells = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(
                Problem(
                    display,
                    reader.line_num,
                    None,
                    None,
                    f"cannot read this line as CSV ({exc}); check for an unclosed double quote",
                )
            )
            return None, problems
        end = reader.line_num
        total_cells += len(cells)
        too_much = csv_row_problem(len(records) + 1, total_cells, len(cells))
        if too_much:
            problems.append(Problem(display, start, None, None, too_much))
            return None, problems
        records.append(Row(start, tuple(cells)))
    return records, problems


def _excel_value(cell: Any) -> CellValue:
    """The value as the analyst sees it: a cell shown as 85% is the text ``85.0%``.

    Returning text with the sign (rather than the bare number 85) lets the
    value parsers treat it exactly like ``85%`` typed into a CSV file, so a
    percent-formatted cell against a count KPI is caught, not multiplied by 100.
    """
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", None) or "")
    ):
        return f"{round(float(value) * 100, 9)!r}%"
    if isinstance(value, str | int | float | bool | datetime | date | time | timedelta):
        return value
    return None if value is None else str(value)


def _read_xlsx(path: Path, display: str) -> tuple[list[Row] | None, list[Problem]]:
    import openpyxl

    if not path.exists():
        return None, [Problem.whole_file(display, "file not found")]
    refused = check_workbook(path)
    if refused:
        return None, [Problem.whole_file(display, refused)]
    # openpyxl raises whatever its parser meets in a damaged or hostile file
    # (KeyError, TypeError, ValueError, ...); any of them means "cannot read
    # this workbook", never a traceback.
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        return None, [_unreadable(display, exc)]
    problems: list[Problem] = []
    try:
        sheets = workbook.worksheets
        if not sheets:
            return [], problems
        for sheet in sheets:
            # The <dimension> a sheet declares can claim a million columns;
            # without it each row is as wide as its own last cell, which
            # check_workbook has counted.
            sheet.reset_dimensions()
        records: list[Row] = []
        for number, row in enumerate(sheets[0].iter_rows(min_row=1), start=1):
            line = next((c.row for c in row if getattr(c, "row", None)), number)
            records.append(Row(line, tuple(_excel_value(c) for c in row)))
        ignored = [s.title for s in sheets[1:] if _has_data(s)]
    except Exception as exc:
        return None, [_unreadable(display, exc)]
    finally:
        workbook.close()
    if ignored:
        names = ", ".join(repr(t) for t in ignored)
        problems.append(
            Problem.whole_file(
                display,
                f"only the first sheet ({sheets[0].title!r}) is read; sheet(s) {names} "
                "also hold data and were ignored; move the data to the first sheet "
                "or into its own file",
                "warning",
            )
        )
    return records, problems


def _unreadable(display: str, exc: Exception) -> Problem:
    return Problem.whole_file(
        display,
        f"cannot open the workbook ({type(exc).__name__}: {exc}); "
        "check it opens in Excel and save it again as .xlsx",
    )


def _has_data(sheet: Any) -> bool:
    for row in sheet.iter_rows(max_row=50, values_only=True):
        if any(not _blank(v) for v in row):
            return True
    return False
