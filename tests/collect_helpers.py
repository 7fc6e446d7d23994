"""Shared pieces for the collection tests: the example project before March's
updates arrived, and a lead filling in their workbook with openpyxl.

Not a test module itself; test_collect*.py import from it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from reportgen.cli import main
from reportgen.collect.fields import HEADER_ROW, UPDATE_COLUMNS, commentary_sheet

REPO = Path(__file__).resolve().parents[1]
PERIOD = "2020-03"
LETTER = {c.key: chr(ord("A") + i) for i, c in enumerate(UPDATE_COLUMNS)}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def example_before_returns(root: Path) -> Path:
    """The worked example as it stood before March 2020's updates and notes came in."""
    shutil.copytree(REPO / "inputs", root / "inputs")
    (root / "inputs" / "updates" / f"{PERIOD}.csv").unlink()
    shutil.rmtree(root / "inputs" / "notes" / PERIOD)
    return root


def workbooks(root: Path) -> list[Path]:
    return sorted((root / "outputs" / PERIOD / "collect").glob("*.xlsx"))


def update_rows(sheet: Worksheet) -> Iterator[int]:
    for r in range(HEADER_ROW + 1, sheet.max_row + 1):
        if sheet[f"A{r}"].value:
            yield r


def row_of(sheet: Worksheet, ref: str) -> int:
    return next(r for r in update_rows(sheet) if sheet[f"A{r}"].value == ref)


def put(sheet: Worksheet, r: int, **values: Any) -> None:
    for key, value in values.items():
        sheet[f"{LETTER[key]}{r}"] = value


def label_row(sheet: Worksheet, label: str) -> int:
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        if cell.value == label:
            return int(cell.row)
    raise KeyError(label)


def commentary(book: Any, ref: str) -> Worksheet:
    sheet: Worksheet = book[commentary_sheet(ref)]
    return sheet


def copy_to(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.copy2(path, target)
    return target
