"""Real hostile input files, built small, and a way to run the CLI on them with bounded memory.

Each builder writes the actual attack (an alias bomb, a zip bomb, a sheet
that claims a million columns), not a stand-in, so a test fails the way the
fault did if a limit stops working. The CLI runs in a child process whose
address space is capped: a limit that acts too late shows up as a
MemoryError there, not as a machine that swaps.
"""

from __future__ import annotations

import io
import itertools
import resource
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl

MEMORY_CAP = 600 << 20
"""Address space for the child process; validate of the whole example needs less than this."""

SHEET = "xl/worksheets/sheet1.xml"
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def alias_bomb(levels: int, width: int = 9, indent: str = "") -> str:
    """The "billion laughs": each level is a list of ``width`` aliases of the level before."""
    lines = [f"{indent}l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"{indent}l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def deep_nesting(levels: int) -> str:
    """A flow list nested ``levels`` deep: ``[[[...]]]``."""
    return "deep: " + "[" * levels + "]" * levels + "\n"


def workbook_with_sheet(path: Path, rows: Iterable[str], *, dimension: str = "A1:C1") -> Path:
    """A real .xlsx whose first sheet's data is ``rows`` (``<row>`` elements), deflated.

    The other parts come from a workbook openpyxl wrote, so everything but
    the sheet data is ordinary. Rows are streamed into the zip, so a bomb
    costs the test no more memory than its compressed size.
    """
    base = openpyxl.Workbook()
    base.active.append(["kpi", "period", "value"])
    buffer = io.BytesIO()
    base.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            if item.filename != SHEET:
                out.writestr(item, source.read(item), compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        with out.open(info, "w", force_zip64=True) as sheet:
            sheet.write(f'{_SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>'.encode())
            for row in rows:
                sheet.write(row.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def zip_bomb_workbook(path: Path, unzipped_bytes: int) -> Path:
    """A workbook whose sheet unzips to ``unzipped_bytes`` of small numeric cells.

    Small cells are the costly kind: each becomes a Python object far larger
    than the 16 bytes of XML it came from.
    """
    row = "<row>" + "<c><v>1</v></c>" * 1000 + "</row>"
    return workbook_with_sheet(path, itertools.repeat(row, unzipped_bytes // len(row) + 1))


def run_cli_capped(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``reportgen ARGS`` in a child process limited to :data:`MEMORY_CAP` of address space."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )
