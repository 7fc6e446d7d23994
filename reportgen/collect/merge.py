"""Merge clean returned workbooks into ``inputs/``, and record who returned what.

A workbook is merged whole or not at all. Before anything is written, each
action and recommendation it reports is checked against what is already
there: an update from a workbook saved later, or one typed into the CSV by
hand, is never replaced without ``--force``. Every file is replaced
atomically, data first and the returns log (``inputs/returns/YYYY-MM.csv``)
last, so an interrupted ingest can leave an unlogged row (which the next
ingest refuses to overwrite silently) but never a half-written file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reportgen.atomic import atomic_write_text
from reportgen.collect.reader import Returned, read_returned
from reportgen.errors import InputError, ReportgenError
from reportgen.load.notes import note_path_for
from reportgen.load.plan import Plan, read_plan
from reportgen.load.project import NOTES, PLAN, UPDATES
from reportgen.load.records import ActionUpdate
from reportgen.load.tabular import read_table
from reportgen.load.updates import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, load_update_file
from reportgen.load.updates import _columns as update_columns
from reportgen.periods import Period
from reportgen.pipeline import exclusive

RETURNS = "inputs/returns"
LOG_COLUMNS = ("item", "lead", "returned_at", "ingested_at", "workbook", "sha256")
CSV_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


@dataclass(frozen=True)
class LogRow:
    item: str
    lead: str
    returned_at: str
    ingested_at: str
    workbook: str
    sha256: str


@dataclass
class IngestReport:
    workbooks: list[Returned] = field(default_factory=list)
    merged: list[Returned] = field(default_factory=list)
    unchanged: list[Returned] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(w.clean for w in self.workbooks)


def returns_path(project_dir: Path, period: Period) -> Path:
    return project_dir / RETURNS / f"{period}.csv"


def read_log(project_dir: Path, period: Period) -> list[LogRow]:
    """Who returned what for ``period``, oldest first; empty before the first ingest."""
    path = returns_path(project_dir, period)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    rows = list(csv.DictReader(io.StringIO(text)))
    try:
        return [LogRow(**{k: r[k] or "" for k in LOG_COLUMNS}) for r in rows]
    except (KeyError, TypeError):
        raise ReportgenError(
            f"{RETURNS}/{period}.csv: damaged returns log (columns should be "
            f"{', '.join(LOG_COLUMNS)}); restore it from version control"
        ) from None


def _log_text(rows: Sequence[LogRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LOG_COLUMNS)
    for r in rows:
        writer.writerow([getattr(r, k) for k in LOG_COLUMNS])
    return buffer.getvalue()


def _csv_cells(u: ActionUpdate, lead: str) -> dict[str, str]:
    return {
        "ref": u.ref,
        "status": u.status,
        "revised_due": str(u.revised_due) if u.revised_due else "",
        "percent_complete": f"{u.percent_complete:g}" if u.percent_complete is not None else "",
        "comment": u.comment or "",
        "completed_on": u.completed_on.isoformat() if u.completed_on else "",
        "note": f"returned by {lead}",
    }


class _Month:
    """One period's updates file, notes and log, as they will be after the merge."""

    def __init__(self, project_dir: Path, plan: Plan, period: Period) -> None:
        self.project_dir = project_dir
        self.period = period
        self.display = f"{UPDATES}/{period}.csv"
        self.path = project_dir / self.display
        self.header: list[str] = list(CSV_COLUMNS)
        self.columns = {k: i for i, k in enumerate(CSV_COLUMNS)}
        self.rows: list[list[str]] = []
        if self.path.is_file():
            self._read_existing(plan)
        self.log = read_log(project_dir, period)
        self.notes: dict[str, str] = {}
        self.changed = False

    def _read_existing(self, plan: Plan) -> None:
        _updates, problems = load_update_file(self.path, self.display, plan)
        errors = [p for p in problems if p.is_error]
        if errors:
            raise InputError(errors)
        table, _ = read_table(self.path, self.display)
        assert table is not None
        columns, _ = update_columns(table, self.display)
        self.header = list(table.header)
        for key in CSV_COLUMNS:
            if key not in columns:
                columns[key] = len(self.header)
                self.header.append(key)
        self.columns = columns
        width = len(self.header)
        for row in table.rows:
            cells = ["" if c is None else str(c) for c in row.cells]
            self.rows.append(cells + [""] * (width - len(cells)))

    def latest(self, item: str) -> LogRow | None:
        found = [r for r in self.log if r.item == item]
        return max(found, key=lambda r: r.returned_at) if found else None

    def logged(self, item: str, sha256: str) -> bool:
        return any(r.item == item and r.sha256 == sha256 for r in self.log)

    def _row(self, ref: str) -> list[str] | None:
        col = self.columns["ref"]
        return next((r for r in self.rows if r[col].strip().rstrip(".") == ref.rstrip(".")), None)

    def has_update(self, ref: str) -> bool:
        return self._row(ref) is not None

    def note_file(self, ref: str) -> Path:
        return self.project_dir / note_path_for(NOTES, self.period, ref)

    def put_update(self, cells: dict[str, str]) -> None:
        row = self._row(cells["ref"])
        if row is None:
            row = [""] * len(self.header)
            self.rows.append(row)
        for key, value in cells.items():
            row[self.columns[key]] = value
        self.changed = True

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return buffer.getvalue()


def _conflicts(month: _Month, wb: Returned, force: bool) -> bool:
    """Report (as errors on ``wb``) what it would overwrite; True when already ingested."""
    assert wb.returned_at is not None
    stamp = wb.returned_at.isoformat()
    items = [f"action {u.ref}" for u in wb.updates]
    items += [f"recommendation {n.recommendation}" for n, _ in wb.notes]
    if items and all(month.logged(i, wb.sha256) for i in items):
        return True
    for item in items:
        prev = month.latest(item)
        sheet, cell = wb.cells.get(item, (None, None))
        kind, ref = item.split(" ", 1)
        if prev is not None and prev.lead != wb.lead and (force or prev.returned_at <= stamp):
            wb.add(
                f"replaces the {'update' if kind == 'action' else 'commentary'} from "
                f"{prev.lead}'s workbook (saved {prev.returned_at}); check the two agree",
                sheet,
                cell,
                item,
                "warning",
            )
        if force:
            continue
        if prev is not None:
            if prev.returned_at > stamp:
                wb.add(
                    f"a newer {'update' if kind == 'action' else 'commentary'} is already "
                    f"merged (from {prev.lead}'s workbook saved {prev.returned_at}, this one "
                    f"was saved {stamp}); ingest with --force to replace it",
                    sheet,
                    cell,
                    item,
                )
            continue
        exists = month.has_update(ref) if kind == "action" else month.note_file(ref).exists()
        if exists:
            where = (
                month.display
                if kind == "action"
                else str(note_path_for(NOTES, month.period, ref).as_posix())
            )
            wb.add(
                f"{where} already has this {'update' if kind == 'action' else 'commentary'}, "
                "not from a returned workbook (typed in by hand?); ingest with --force to "
                "replace it",
                sheet,
                cell,
                item,
            )
    return False


def ingest(
    project_dir: Path,
    files: Sequence[Path],
    *,
    period: Period | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> IngestReport:
    """Check every workbook, then merge the clean ones (see the module docstring)."""
    plan = read_plan(project_dir / PLAN, PLAN)
    report = IngestReport()
    ingested_at = (now or datetime.now(UTC)).replace(microsecond=0, tzinfo=None).isoformat()
    with exclusive(project_dir):
        for path in files:
            report.workbooks.append(read_returned(path, str(path), plan, period))
        months: dict[Period, _Month] = {}
        ordered = sorted(
            (w for w in report.workbooks if w.clean),
            key=lambda w: (w.returned_at or datetime.min, w.display),
        )
        for wb in ordered:
            assert wb.period is not None and wb.returned_at is not None
            month = months.get(wb.period)
            if month is None:
                month = months[wb.period] = _Month(project_dir, plan, wb.period)
            if _conflicts(month, wb, force):
                report.unchanged.append(wb)
                continue
            if not wb.clean:
                continue
            _apply(month, wb, ingested_at, Path(wb.display).name)
            report.merged.append(wb)
        for month in months.values():
            if month.changed:
                report.written.extend(_write(month))
    return report


def _apply(month: _Month, wb: Returned, ingested_at: str, name: str) -> None:
    assert wb.returned_at is not None
    stamp = wb.returned_at.isoformat()

    def log(item: str) -> None:
        month.log.append(LogRow(item, wb.lead, stamp, ingested_at, name, wb.sha256))

    for update in wb.updates:
        month.put_update(_csv_cells(update, wb.lead))
        log(f"action {update.ref}")
    for note, text in wb.notes:
        month.notes[note.recommendation] = text
        log(f"recommendation {note.recommendation}")
    month.changed = True


def _write(month: _Month) -> list[str]:
    written: list[str] = []
    if month.rows:
        atomic_write_text(month.path, month.csv_text())
        written.append(month.display)
    for ref, text in sorted(month.notes.items()):
        atomic_write_text(month.note_file(ref), text)
        written.append(note_path_for(NOTES, month.period, ref).as_posix())
    path = returns_path(month.project_dir, month.period)
    atomic_write_text(path, _log_text(month.log))
    written.append(f"{RETURNS}/{month.period}.csv")
    return written
