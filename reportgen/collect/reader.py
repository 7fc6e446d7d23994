"""Read a returned workbook and check every cell a lead wrote.

Rows are found by their ref, not their position, and columns by their
heading, so a lead who sorted the rows or saved the workbook from another
program is still read correctly. The values are checked by the same
loaders as ``inputs/updates/*.csv`` and ``inputs/notes/``: the workbook's
rows become an updates table and each Commentary sheet becomes a note's
text, and each problem those loaders find is traced back to its cell.
"""

from __future__ import annotations

import hashlib
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from reportgen.collect.fields import (
    BODY,
    FILL_COLUMNS,
    FORMAT,
    META_SHEET,
    UPDATE_COLUMNS,
    UPDATES_SHEET,
    CommentaryField,
    commentary_fields,
    commentary_sheet,
    slot_labels,
)
from reportgen.collect.prefill import plan_identity
from reportgen.collect.problems import CellProblem
from reportgen.errors import Problem, Severity
from reportgen.load.limits import check_workbook
from reportgen.load.notes import parse_note
from reportgen.load.parsing import clean_text, is_missing
from reportgen.load.plan import Plan
from reportgen.load.records import ActionUpdate, Note
from reportgen.load.tabular import Row, Table, _excel_value, header_key
from reportgen.load.updates import parse_updates
from reportgen.periods import Period

RESAVE = "open it in Excel and use File > Save As > Excel Workbook (.xlsx)"


@dataclass
class Returned:
    """A returned workbook: what it says, and everything wrong with it."""

    display: str
    sha256: str = ""
    period: Period | None = None
    lead: str = ""
    returned_at: datetime | None = None
    updates: list[ActionUpdate] = field(default_factory=list)
    notes: list[tuple[Note, str]] = field(default_factory=list)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Where each item was written, ``"action 9.6" -> ("Updates", "K12")``, for messages."""
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def add(
        self,
        message: str,
        sheet: str | None = None,
        cell: str | None = None,
        subject: str | None = None,
        severity: Severity = "error",
    ) -> None:
        self.problems.append(CellProblem(self.display, sheet, cell, subject, message, severity))


def _container_problem(path: Path) -> str | None:
    """Why the file is refused before any cell is read (macros, links, not a workbook)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        return f"macro-enabled workbooks ({suffix}) are refused; {RESAVE}"
    if suffix == ".xls":
        return f"old-style .xls workbooks are not read; {RESAVE}"
    if suffix != ".xlsx":
        return f"not an .xlsx workbook ({suffix or 'no extension'}); return the workbook as sent"
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return f"cannot open the workbook ({exc}); {RESAVE}"
    names = [m.filename.lower() for m in members]
    if any(n.endswith("vbaproject.bin") for n in names):
        return f"the workbook contains macros, which are refused; {RESAVE}"
    if any(n.startswith("xl/externallinks/") for n in names):
        return (
            "the workbook links to other workbooks (external links); in Excel use "
            "Data > Edit Links > Break Link, save, and send it again"
        )
    return check_workbook(path)


def read_returned(path: Path, display: str, plan: Plan, expected: Period | None = None) -> Returned:
    """Read and check one returned workbook; never raises for bad input."""
    import openpyxl

    out = Returned(display)
    if not path.is_file():
        out.add("file not found")
        return out
    refused = _container_problem(path)
    if refused is not None:
        out.add(refused)
        return out
    data = path.read_bytes()
    out.sha256 = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops (extensions, slicers);
            # none of them carry a lead's answers.
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(path, data_only=True)
            formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        out.add(f"cannot read the workbook ({type(exc).__name__}: {exc}); {RESAVE}")
        return out
    meta = _meta(values, out, plan, expected)
    if meta is None:
        return out
    out.returned_at = _returned_at(values, path)
    sheets = _Sheets(values, formulas, out)
    _read_updates(sheets, out, plan, meta)
    for ref in meta["recommendations"].split():
        _read_commentary(sheets, out, plan, ref, meta.get(f"rating {ref}", ""))
    if out.clean and not out.updates and not out.notes:
        out.add(
            "nothing is filled in (no action has a status, no commentary is written); "
            "nothing to merge",
            severity="warning",
        )
    return out


def _meta(book: Any, out: Returned, plan: Plan, expected: Period | None) -> dict[str, str] | None:
    if META_SHEET not in book.sheetnames:
        out.add(
            f"not a workbook from 'reportgen collect' (its hidden '{META_SHEET}' sheet is "
            "missing); ask the lead to fill in the workbook they were sent"
        )
        return None
    sheet = book[META_SHEET]
    meta = {
        str(k): "" if v is None else str(v)
        for k, v in sheet.iter_rows(min_col=1, max_col=2, values_only=True)
        if k is not None
    }
    if meta.get("format") != FORMAT:
        out.add(
            f"made by a different version of 'reportgen collect' ({meta.get('format')!r}); "
            "send the lead a new workbook"
        )
        return None
    if meta.get("plan") != plan_identity(plan):
        out.add(
            f"this workbook is for another plan ({meta.get('plan')!r}), not "
            f"{plan_identity(plan)!r}; ingest it in that plan's project"
        )
        return None
    try:
        period = Period.parse(meta.get("period", ""))
    except ValueError:
        out.add(f"the hidden '{META_SHEET}' sheet is damaged (no period); send a new workbook")
        return None
    if expected is not None and period != expected:
        out.add(
            f"this workbook is for {period.long_label}, not {expected.long_label}; "
            f"ingest it with --period {period}, or ask the lead for the {expected} workbook"
        )
        return None
    if not plan.start <= period <= plan.end:
        out.add(f"{period} is outside the plan ({plan.start} to {plan.end})")
        return None
    out.period = period
    out.lead = meta.get("lead", "")
    meta.setdefault("actions", "")
    meta.setdefault("recommendations", "")
    return meta


def _returned_at(book: Any, path: Path) -> datetime:
    """When the lead last saved it (the workbook's own record), else the file's time."""
    modified = book.properties.modified
    if isinstance(modified, datetime):
        return modified.replace(tzinfo=None, microsecond=0)
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return stamp.replace(tzinfo=None, microsecond=0)


class _Sheets:
    """Cell values as last calculated; formulas without a saved result are refused."""

    def __init__(self, values: Any, formulas: Any, out: Returned) -> None:
        self.values = values
        self.formulas = formulas
        self.out = out

    def has(self, name: str) -> bool:
        return name in self.values.sheetnames

    def value(self, sheet: str, coordinate: str, subject: str | None) -> Any:
        cell = self.values[sheet][coordinate]
        raw = self.formulas[sheet][coordinate].value
        value = _excel_value(cell)
        if isinstance(raw, str) and raw.startswith("=") and value is None:
            self.out.add(
                f"the cell holds a formula ({raw}) with no saved result; type the value "
                "itself (or open and save the workbook in Excel so the result is kept)",
                sheet,
                coordinate,
                subject,
            )
            return None
        if isinstance(value, str) and value.strip().startswith("#"):
            return value  # an Excel error such as #REF!: the loaders explain it
        return value


def _header(sheets: _Sheets) -> tuple[int, dict[str, int]] | None:
    sheet = sheets.values[UPDATES_SHEET]
    wanted = {header_key(c.heading): c.key for c in UPDATE_COLUMNS}
    for number, row in enumerate(sheet.iter_rows(max_row=20, values_only=True), start=1):
        found = {
            wanted[header_key(str(v))]: i + 1
            for i, v in enumerate(row)
            if v is not None and header_key(str(v)) in wanted
        }
        if "ref" in found:
            return number, found
    return None


def _read_updates(sheets: _Sheets, out: Returned, plan: Plan, meta: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    assert out.period is not None
    if not sheets.has(UPDATES_SHEET):
        out.add(f"the '{UPDATES_SHEET}' sheet is missing; return the workbook as sent")
        return
    header = _header(sheets)
    if header is None:
        out.add("no heading row with 'Ref' found; return the workbook as sent", UPDATES_SHEET)
        return
    header_row, columns = header
    missing = [c.heading for c in FILL_COLUMNS if c.key not in columns]
    if missing:
        out.add(
            f"column(s) {', '.join(missing)} are missing; return the workbook as sent",
            UPDATES_SHEET,
            f"A{header_row}",
        )
        return
    keys = ["ref", *(c.key for c in FILL_COLUMNS)]
    letter = {k: get_column_letter(columns[k]) for k in keys}
    sent = set(meta["actions"].split())
    rows: list[Row] = []
    refs: dict[int, str] = {}
    last = sheets.values[UPDATES_SHEET].max_row
    for r in range(header_row + 1, last + 1):

        def at(key: str, r: int = r) -> Any:
            subject = f"action {refs[r]}" if r in refs else None
            return sheets.value(UPDATES_SHEET, f"{letter[key]}{r}", subject)

        ref = clean_text(at("ref"))
        if ref is not None:
            refs[r] = ref
        cells = [at(k) for k in keys[1:]]
        if all(is_missing(c) for c in cells):
            continue  # nothing reported for this action this month
        if ref is not None and ref not in sent:
            out.add(
                f"action {ref} was not in this workbook as sent; report it in the "
                "workbook of the lead it was sent to",
                UPDATES_SHEET,
                f"{letter['ref']}{r}",
                f"action {ref}",
            )
            continue
        rows.append(Row(r, (ref, *cells)))
        if ref is not None:
            out.cells[f"action {ref}"] = (UPDATES_SHEET, f"{letter['status']}{r}")
    if not rows:
        return
    table = Table(keys, header_row, rows, "xlsx")
    assert out.period is not None
    updates, problems = parse_updates(table, out.display, plan, out.period)
    for p in problems:
        column = p.field if p.field in letter else "ref"
        cell = f"{letter[column]}{p.line}" if p.line else None
        subject = f"action {refs[p.line]}" if p.line in refs else None
        heading = next(c.heading for c in UPDATE_COLUMNS if c.key == column)
        message = p.message.replace(column, heading) if "_" in column else p.message
        out.add(message, UPDATES_SHEET, cell, subject, p.severity)
    out.updates.extend(updates)


def _read_commentary(sheets: _Sheets, out: Returned, plan: Plan, ref: str, rating: str) -> None:
    assert out.period is not None
    name = commentary_sheet(ref)
    subject = f"recommendation {ref}"
    if not sheets.has(name):
        out.add(f"the '{name}' sheet is missing; return the workbook as sent", subject=subject)
        return
    sheet = sheets.values[name]
    rows = {
        str(v).strip(): r
        for r, (v,) in enumerate(sheet.iter_rows(min_col=1, max_col=1, values_only=True), 1)
        if v is not None
    }
    cells: dict[str, str] = {}
    slots: dict[str, dict[str, str]] = {}
    front: dict[str, Any] = {}
    body = ""
    for spec in commentary_fields():
        value, where = _field_value(spec, rows, lambda c: sheets.value(name, c, subject), out, name)
        if where:
            cells[spec.key] = where[""]
            slots[spec.key] = where
        if value is None:
            continue
        if spec.key == BODY:
            body = str(value)
        else:
            front[spec.key] = value
    if not front and not body:
        return  # no commentary this month: chase lists it
    if not body.strip():
        out.add(
            "the summary is blank; write a few sentences for the board (other commentary "
            "fields are filled in)",
            name,
            cells.get(BODY),
            subject,
        )
        return
    if rating in ("red", "amber") and "recovery" in cells and "recovery" not in front:
        out.add(
            f"no recovery plan for a recommendation that is {rating} on the data so far; "
            "fill in the cause, recovery action, owner and revised date",
            name,
            cells["recovery"],
            subject,
            "warning",
        )
    assert out.returned_at is not None
    text = note_text(ref, out.period, out.lead, out.returned_at.date(), front, body)
    note, problems = parse_note(text, out.display, plan, out.period, ref)
    for p in problems:
        out.add(p.message, name, _cell_of(p, slots), subject, p.severity)
    if note is not None and not any(p.is_error for p in problems):
        out.notes.append((note, text))
        out.cells[subject] = (name, cells.get(BODY, "B6"))


def _cell_of(problem: Problem, slots: dict[str, dict[str, str]]) -> str | None:
    """The cell a notes-loader problem is about: ``risks[1].rating`` -> that row's rating."""
    if problem.field is None:
        return None
    key = problem.field.split("[")[0].split(".")[0]
    where = slots.get(key, {})
    rest = problem.field[len(key) :]
    while rest and rest not in where:
        rest = rest[: max(rest.rfind("["), rest.rfind("."), 0)]
    return where.get(rest)


def _field_value(
    spec: CommentaryField,
    rows: dict[str, int],
    value: Callable[[str], Any],
    out: Returned,
    sheet: str,
) -> tuple[Any, dict[str, str]]:
    """A field's value as note front matter (None when blank), and where each part was.

    The places are keyed as the notes loader names them after the field:
    ``""`` for the field, ``[1]`` for its second item as written (blank rows
    are skipped, so item numbers need not be row numbers), ``[1].rating``,
    ``.cause``.
    """
    from openpyxl.utils import get_column_letter

    where: dict[str, str] = {}
    items: list[Any] = []
    record: dict[str, Any] = {}
    for label, part_key, _index in slot_labels(spec):
        r = rows.get(label)
        if r is None:
            out.add(f"the row labelled {label!r} is missing; return the workbook as sent", sheet)
            continue
        where.setdefault("", f"B{r}")
        if spec.shape == "table":
            columns = {p.key: get_column_letter(i) for i, p in enumerate(spec.parts, start=2)}
            entry = {k: _plain(value(f"{c}{r}")) for k, c in columns.items()}
            if any(v is not None for v in entry.values()):
                where[f"[{len(items)}]"] = f"B{r}"
                where.update({f"[{len(items)}].{k}": f"{c}{r}" for k, c in columns.items()})
                items.append({k: v for k, v in entry.items() if v is not None})
        elif spec.shape == "list":
            if (v := _plain(value(f"B{r}"))) is not None:
                where[f"[{len(items)}]"] = f"B{r}"
                items.append(v)
        elif spec.shape == "record":
            where[f".{part_key}"] = f"B{r}"
            raw = value(f"B{r}")
            kind = next(p.kind for p in spec.parts if p.key == part_key)
            if kind == "month" and isinstance(raw, date):
                raw = str(Period.of(raw))  # a month, written as the notes loader reads one
            if (v := _plain(raw)) is not None:
                record[str(part_key)] = v
        else:
            return _plain(value(f"B{r}")), where
    if spec.shape == "record":
        return (record or None), where
    return (items or None), where


def _plain(value: Any) -> Any:
    """A cell as YAML-friendly data: trimmed text, a number, or an ISO date."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def note_text(
    ref: str, period: Period, author: str, written: date, front: dict[str, Any], body: str
) -> str:
    """A note file's text: front matter in the notes loader's keys, then the summary."""
    data: dict[str, Any] = {
        "recommendation": int(ref),
        "period": str(period),
        "author": author,
        "date": written.isoformat(),
        **front,
    }
    matter = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{matter}---\n\n{body.strip()}\n"
