"""What one input file may cost, checked before the cost is paid.

Inputs come from many hands and some may be hostile: a 500-byte YAML alias
bomb expands to gigabytes, and a 1 MB .xlsx can hold a gigabyte of XML. A
limit checked after loading protects nothing, so each check here looks only
at what is cheap to know first (the size on disk, a workbook's zip
directory, one streaming pass over a sheet's XML) and returns a message
naming the limit. Callers turn it into a located :class:`Problem`.

The limits are far above any real plan, KPI return or note (the worked
example's plan is 115 KB and 2,947 YAML values; its largest data file has a
few hundred rows), so only a mistake or an attack meets them.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO
from xml.parsers import expat

MAX_YAML_BYTES = 2_000_000
"""Size of plan.yaml or distribution.yaml on disk."""
MAX_YAML_DEPTH = 32
"""Levels of nesting in one YAML document (the example plan uses 8)."""
MAX_YAML_VALUES = 100_000
"""Values in one YAML document once every alias (``*name``) is expanded."""
MAX_YAML_ALIASES = 1_000
"""Aliases (``*name``) in one YAML document."""

MAX_NOTE_CHARS = 200_000
"""A note is a paragraph or two; anything this long is a pasted document or an attack."""

MAX_TABLE_BYTES = 20_000_000
"""Size of a CSV file on disk."""
MAX_TABLE_ROWS = 100_000
"""Rows in a CSV file or a worksheet."""
MAX_TABLE_COLUMNS = 1_000
"""Columns in a CSV file or a worksheet (a wide file has one per KPI; the example plan has 70)."""
MAX_TABLE_CELLS = 1_000_000
"""Cells in a CSV file, or in all of a workbook's sheets counting the gaps a reader fills."""

MAX_WORKBOOK_BYTES = 20_000_000
"""Size of a workbook's contents once unzipped (the zip bomb limit)."""
MAX_WORKBOOK_PARTS = 1_000
"""Files inside a workbook's zip archive (a real one has a few dozen)."""

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW = f"{_SHEET_NS}row"
_CELL = f"{_SHEET_NS}c"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _n(number: int) -> str:
    return f"{number:,}"


def file_too_big(path: Path, limit: int, what: str) -> str | None:
    """Why ``path`` is refused unread for its size on disk, or None if it is small enough."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # the reader reports a missing or unreadable file in its own words
    if size <= limit:
        return None
    return (
        f"{what} is {_n(size)} bytes; the limit is {_n(limit)} bytes, "
        "so it was not read; check it is the right file"
    )


def csv_row_problem(rows: int, cells: int, row_width: int) -> str | None:
    """Why reading a CSV file stops at this row (``rows`` and ``cells`` so far), if it must."""
    if rows > MAX_TABLE_ROWS:
        return (
            f"the file has more than {_n(MAX_TABLE_ROWS)} rows (the limit), so reading "
            "stopped here; split the data into smaller files"
        )
    if row_width > MAX_TABLE_COLUMNS:
        return (
            f"this row has {_n(row_width)} cells; files are limited to "
            f"{_n(MAX_TABLE_COLUMNS)} columns, so reading stopped here; delete the unused "
            "columns"
        )
    if cells > MAX_TABLE_CELLS:
        return (
            f"the file has more than {_n(MAX_TABLE_CELLS)} cells (the limit), so reading "
            "stopped here; split the data into smaller files"
        )
    return None


class _Stop(Exception):
    """Raised from inside the XML parser to stop at the first limit passed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_workbook(path: Path) -> str | None:
    """Why the workbook at ``path`` must not be opened, or None if it is safe to load.

    Checks, before any XML is expanded into cells: the number of parts in
    the zip, their declared unzipped size (Python's zipfile never inflates a
    part beyond its declared size: it stops and reports a bad CRC), and then,
    streaming every part's XML with constant memory, how many cells a reader
    would produce. Rows and columns that a sheet
    skips count too, because openpyxl fills them in. A file that is not a zip
    at all, or XML that does not parse, is left for openpyxl to refuse in its
    own words.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_WORKBOOK_PARTS:
                return (
                    f"the workbook holds {_n(len(parts))} files; the limit is "
                    f"{_n(MAX_WORKBOOK_PARTS)}; save it again from Excel as .xlsx"
                )
            unzipped = sum(p.file_size for p in parts)
            if unzipped > MAX_WORKBOOK_BYTES:
                return (
                    f"the workbook unzips to {_n(unzipped)} bytes; the limit is "
                    f"{_n(MAX_WORKBOOK_BYTES)} bytes (a small file that unzips this large "
                    "is a 'zip bomb'), so it was not opened; keep only the KPI data in it "
                    "and save it again"
                )
            counter = _CellCounter()
            for part in parts:
                with archive.open(part) as stream:
                    counter.feed(stream, part.filename)
    except _Stop as stop:
        return stop.message
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return None
    return None


class _CellCounter:
    """Counts, across parts, the cells openpyxl would build; raises :class:`_Stop` at a limit.

    Uses expat callbacks rather than a tree, so a sheet of a million cells in
    one row costs no more memory than a sheet of one.
    """

    def __init__(self) -> None:
        self.cells = 0
        self._row = 0
        self._column = 0
        self._width = 0
        self._part = ""

    def feed(self, stream: IO[bytes], part: str) -> None:
        self._part, self._row = part, 0
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        try:
            parser.ParseFile(stream)
        except expat.ExpatError:
            return  # not XML (an image) or broken XML: openpyxl reports the latter

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _ROW:
            self._row = _int(attrs.get("r"), self._row + 1)
            self._column = self._width = 0
            if self._row > MAX_TABLE_ROWS:
                raise _Stop(
                    f"a sheet ({self._part}) has a row numbered {_n(self._row)}; worksheets "
                    f"are limited to {_n(MAX_TABLE_ROWS)} rows; delete the rows below the "
                    "data and save it again"
                )
        elif name == _CELL:
            self._column = _column(attrs.get("r"), self._column + 1)
            self._width = max(self._width, self._column)
            if self._column > MAX_TABLE_COLUMNS:
                raise _Stop(
                    f"a sheet ({self._part}) has a cell in column {_n(self._column)}; "
                    f"worksheets are limited to {_n(MAX_TABLE_COLUMNS)} columns; delete the "
                    "columns to the right of the data and save it again"
                )

    def _end(self, name: str) -> None:
        if name == _ROW:
            self.cells += self._width
            if self.cells > MAX_TABLE_CELLS:
                raise _Stop(self._too_many())

    @staticmethod
    def _too_many() -> str:
        return (
            f"the workbook has more than {_n(MAX_TABLE_CELLS)} cells (the limit), "
            "counting empty cells between filled ones, so it was not loaded; keep only "
            "the KPI data in it, delete unused rows and columns, and save it again"
        )


def _int(text: str | None, default: int) -> int:
    if text is not None and text.isdigit() and len(text) < 12:
        return int(text)
    return default


def _column(ref: str | None, default: int) -> int:
    """Column number of a cell reference such as ``AB12`` (1-based)."""
    match = _CELL_REF.match(ref or "")
    if not match:
        return default
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number
