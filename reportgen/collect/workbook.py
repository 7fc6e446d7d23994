"""Write one lead's collection workbook.

Given cells are locked and the sheets protected (without a password: the
lock stops slips, not people), so only the shaded cells take typing.
Dates are Excel dates and percentages numbers, each with a data
validation, so Excel itself refuses most mistakes before the workbook
comes back. A hidden sheet records the period, plan and lead it was made
for; ``ingest`` refuses a workbook whose record does not match.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from reportgen.collect.assign import Assignment
from reportgen.collect.fields import (
    FIRST_ROW,
    FORMAT,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    UPDATE_COLUMNS,
    UPDATES_SHEET,
    CellKind,
    CommentaryField,
    commentary_fields,
    commentary_sheet,
    slot_labels,
)
from reportgen.collect.prefill import ActionRow
from reportgen.load.records import ACTION_STATUSES, RISK_RATINGS
from reportgen.periods import Period

FILL = PatternFill("solid", fgColor="FFF2CC")
"""Pale yellow: the cells to write in (the Instructions sheet says so in words)."""
HEAD = PatternFill("solid", fgColor="D9E1F2")
OPEN = Protection(locked=False)
RAGS = ("red", "amber", "green")
ASKS = ("decide", "note")
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


@dataclass(frozen=True)
class RecContext:
    """What a Commentary sheet shows about a recommendation."""

    ref: str
    title: str
    rating: str
    reason: str


@dataclass(frozen=True)
class WorkbookSpec:
    period: Period
    plan: str
    programme: str
    assignment: Assignment
    rows: Sequence[ActionRow]
    recs: Mapping[str, RecContext]
    return_to: str
    generated: datetime


def _serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


def _validation(kind: CellKind, sheet: Worksheet, cells: str) -> None:
    dv: DataValidation | None = None
    if kind == "status":
        dv = DataValidation(
            type="list", formula1=f'"{",".join(ACTION_STATUSES)}"', allow_blank=True
        )
        dv.error = f"Choose one of: {', '.join(ACTION_STATUSES)}"
    elif kind in ("rag", "rating", "ask"):
        values = {"rag": RAGS, "rating": RISK_RATINGS, "ask": ASKS}[kind]
        dv = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True)
        dv.error = f"Choose one of: {', '.join(values)}"
    elif kind in ("month", "date"):
        dv = DataValidation(
            type="date",
            operator="between",
            formula1=str(_serial(FIRST_DATE)),
            formula2=str(_serial(LAST_DATE)),
            allow_blank=True,
        )
        dv.error = "Type a date, e.g. 31/08/2020 (a month is read from any date in it)"
    elif kind == "percent":
        dv = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        )
        dv.error = "Type how far through the action is, 0 to 100 (e.g. 75)"
    if dv is None:
        return
    dv.showErrorMessage = True
    dv.errorTitle = "Not allowed here"
    sheet.add_data_validation(dv)
    dv.add(cells)


_FORMATS: dict[CellKind, str] = {"month": "mmm yyyy", "date": "dd/mm/yyyy", "percent": "0"}


def _put(sheet: Worksheet, row: int, col: int, value: object, kind: CellKind, fill: bool) -> None:
    cell = sheet.cell(row=row, column=col)
    if isinstance(value, Period):
        value = value.first_day
    cell.value = value
    if kind in _FORMATS:
        cell.number_format = _FORMATS[kind]
    cell.alignment = Alignment(wrap_text=kind == "long", vertical="top")
    if fill:
        cell.fill = FILL
        cell.protection = OPEN


def _protect(sheet: Worksheet) -> None:
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _updates(book: Workbook, spec: WorkbookSpec) -> None:
    sheet = book.active
    assert sheet is not None
    sheet.title = UPDATES_SHEET
    sheet["A1"] = f"Action updates for {spec.period.long_label}: {spec.assignment.lead}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = (
        "Write in the shaded columns only (see the Instructions sheet). "
        "Leave a row's shaded cells blank if you have no update for that action."
    )
    for i, column in enumerate(UPDATE_COLUMNS, start=1):
        head = sheet.cell(row=HEADER_ROW, column=i, value=column.heading)
        head.font = Font(bold=True)
        head.fill = FILL if column.fill else HEAD
        head.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[head.column_letter].width = column.width
    last = FIRST_ROW + len(spec.rows) - 1
    for r, row in enumerate(spec.rows, start=FIRST_ROW):
        values = _given(row)
        for i, column in enumerate(UPDATE_COLUMNS, start=1):
            _put(sheet, r, i, values.get(column.key), column.kind, column.fill)
    if spec.rows:
        for i, column in enumerate(UPDATE_COLUMNS, start=1):
            if column.fill:
                letter = sheet.cell(row=HEADER_ROW, column=i).column_letter
                _validation(column.kind, sheet, f"{letter}{FIRST_ROW}:{letter}{last}")
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=2)
    _protect(sheet)


def _given(row: ActionRow) -> dict[str, object]:
    return {
        "ref": row.ref,
        "recommendation": int(row.recommendation),
        "action": row.text,
        "workstream": row.workstream,
        "due": row.due,
        "last_due": row.last_due,
        "last_status": row.last_status,
        "last_percent": row.last_percent,
        "last_comment": row.last_comment,
        "changed": row.changed,
    }


def _commentary(book: Workbook, spec: WorkbookSpec, rec: RecContext) -> None:
    sheet = book.create_sheet(commentary_sheet(rec.ref))
    sheet["A1"] = f"Recommendation {rec.ref}: commentary for {spec.period.long_label}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = rec.title
    sheet["A3"] = f"Rating on the data so far: {rec.rating.title()}. {rec.reason}"
    for letter, width in zip("ABCD", (30, 60, 12, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    row = 5
    for field in commentary_fields():
        row = _field(sheet, row, field, rec) + 1
    _protect(sheet)


def _field(sheet: Worksheet, row: int, field: CommentaryField, rec: RecContext) -> int:
    help_text = field.help
    if field.red_amber_only and rec.rating in RAGS[:2]:
        help_text += f" Needed: this recommendation is {rec.rating} on the data so far."
    note = sheet.cell(row=row, column=2, value=help_text)
    note.font = Font(italic=True)
    note.alignment = Alignment(wrap_text=True)
    row += 1
    if field.shape == "table":
        for i, part in enumerate(field.parts, start=2):
            head = sheet.cell(row=row, column=i, value=part.label)
            head.font = Font(bold=True)
            head.fill = HEAD
        row += 1
    for label, part_key, _index in slot_labels(field):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        if field.shape == "table":
            for i, part in enumerate(field.parts, start=2):
                _slot(sheet, row, i, part.kind)
        else:
            kind = next((p.kind for p in field.parts if p.key == part_key), field.kind)
            _slot(sheet, row, 2, kind)
        row += 1
    return row


def _slot(sheet: Worksheet, row: int, col: int, kind: CellKind) -> None:
    _put(sheet, row, col, None, kind, fill=True)
    if kind == "long":
        sheet.row_dimensions[row].height = 60
    if kind != "long" and kind != "text":
        _validation(kind, sheet, sheet.cell(row=row, column=col).coordinate)


def _instructions(book: Workbook, spec: WorkbookSpec) -> None:
    sheet = book.create_sheet(INSTRUCTIONS_SHEET)
    sheet.column_dimensions["A"].width = 110
    recs = ", ".join(spec.assignment.recommendations) or "none"
    lines = [
        f"{spec.programme}: updates for {spec.period.long_label}",
        f"For {spec.assignment.lead}. Plan: {spec.plan}.",
        "",
        "1. On the Updates sheet, for each action you have news on, fill the shaded cells:",
        f"   Status: choose from the list ({', '.join(ACTION_STATUSES)}).",
        "   Revised due: only if the due date has moved; type any date in the new month.",
        "   % complete: how far through the action is, 0 to 100.",
        "   Completed on: the date it was finished, when the status is complete.",
        "   Comment: one or two sentences the board will read.",
        "   Leave all of a row's shaded cells blank if there is nothing to report; "
        "that action is then listed as still awaiting an update.",
        f"2. Commentary sheets (recommendations {recs}): "
        + "; ".join(f"{f.label}: {f.help}" for f in commentary_fields()),
        "3. Save the workbook as .xlsx (not .xlsm, not .xls; no formulas or links to "
        f"other files) and email it back to {spec.return_to}.",
        "",
        "The other cells are locked so they cannot be changed by accident. Do not rename "
        "the sheets or the workbook's hidden sheet: they tell reportgen which month, plan "
        "and person this is for.",
        f"Made {spec.generated:%d %B %Y %H:%M} UTC.",
    ]
    for i, text in enumerate(lines, start=1):
        sheet.cell(row=i, column=1, value=text).alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=14)
    _protect(sheet)


def _meta(book: Workbook, spec: WorkbookSpec) -> None:
    sheet = book.create_sheet(META_SHEET)
    rows: list[tuple[str, str]] = [
        ("format", FORMAT),
        ("period", str(spec.period)),
        ("plan", spec.plan),
        ("lead", spec.assignment.lead),
        ("actions", " ".join(spec.assignment.actions)),
        ("recommendations", " ".join(spec.assignment.recommendations)),
        ("generated", spec.generated.isoformat()),
    ]
    rows += [(f"rating {ref}", rec.rating) for ref, rec in spec.recs.items()]
    for i, (key, value) in enumerate(rows, start=1):
        sheet.cell(row=i, column=1, value=key)
        sheet.cell(row=i, column=2, value=value)
    sheet.sheet_state = "hidden"
    _protect(sheet)


def workbook_bytes(spec: WorkbookSpec) -> bytes:
    """The finished .xlsx as bytes, for an atomic write."""
    book = Workbook()
    _updates(book, spec)
    for ref in spec.assignment.recommendations:
        _commentary(book, spec, spec.recs[ref])
    _instructions(book, spec)
    _meta(book, spec)
    book.properties.creator = "reportgen"
    book.properties.title = f"Updates for {spec.period.long_label}: {spec.assignment.lead}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
