"""Monthly action updates: ``inputs/updates/YYYY-MM.csv``.

Each lead reports, per action, a status, an optional revised due month, how
far through it is and a short comment. The file name carries the month so a
row cannot be filed against the wrong period by a typo in a cell. Rows are
checked against the plan (every ref must be one of its actions) and every
problem is located by line and column name, like the KPI files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from reportgen.errors import Problem, Severity, concerning
from reportgen.load.inside import path_problem
from reportgen.load.notes import closest
from reportgen.load.parsing import clean_text, is_missing, parse_date, parse_number, parse_period
from reportgen.load.plan import Plan
from reportgen.load.records import ACTION_STATUSES, ActionStatus, ActionUpdate, Source
from reportgen.load.tabular import Row, Table, header_key, read_table
from reportgen.periods import Period

UPDATE_NAME = re.compile(r"^(\d{4}-\d{2})\.csv$", re.IGNORECASE)

REQUIRED_COLUMNS = ("ref", "status")
OPTIONAL_COLUMNS = ("revised_due", "percent_complete", "comment", "completed_on", "note")
"""``note`` is for whoever maintains the file (e.g. "illustrative"); it is not shown in packs."""

_ALIASES = {
    "ref": "ref",
    "action": "ref",
    "action ref": "ref",
    "status": "status",
    "revised due": "revised_due",
    "revised due date": "revised_due",
    "percent complete": "percent_complete",
    "% complete": "percent_complete",
    "complete %": "percent_complete",
    "comment": "comment",
    "comments": "comment",
    "completed on": "completed_on",
    "completed": "completed_on",
    "note": "note",
}


def is_update_header(cells: list[str]) -> bool:
    """An updates file's header names the action ref and status columns."""
    keys = {_ALIASES.get(header_key(c)) for c in cells if c}
    return set(REQUIRED_COLUMNS) <= keys


@dataclass(frozen=True)
class _Cell:
    column: str
    raw: object
    line: int


def normalise_status(text: str) -> ActionStatus | None:
    """``On Track``, ``on-track`` and ``ON_TRACK`` all mean ``on track``."""
    key = " ".join(re.sub(r"[-_]", " ", text).split()).casefold()
    for status in ACTION_STATUSES:
        if key == status:
            return status
    return None


def update_period(name: str) -> Period | None:
    """The month an updates file is for, from its name (``2019-11.csv``)."""
    m = UPDATE_NAME.match(name)
    if not m:
        return None
    try:
        return Period.parse(m.group(1))
    except ValueError:
        return None


def _columns(table: Table, display: str) -> tuple[dict[str, int], list[Problem]]:
    problems: list[Problem] = []
    found: dict[str, int] = {}
    known = list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    for index, title in enumerate(table.header):
        key = header_key(title)
        if not key:
            continue
        column = _ALIASES.get(key)
        if column is None:
            problems.append(
                Problem(
                    display,
                    table.header_line,
                    None,
                    title,
                    f"unknown column{closest(key.replace(' ', '_'), known)}; "
                    f"the columns are {', '.join(known)}",
                )
            )
        elif column in found:
            problems.append(
                Problem(
                    display,
                    table.header_line,
                    None,
                    title,
                    f"column {column!r} appears twice; delete one of them",
                )
            )
        else:
            found[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in found:
            problems.append(
                Problem(
                    display,
                    table.header_line,
                    None,
                    column,
                    f"required column {column!r} is missing from the header row; "
                    f"the columns are {', '.join(known)}",
                )
            )
    return found, problems


T = TypeVar("T")


def _optional(c: _Cell, parse: Callable[[Any], T], bad: Callable[[_Cell, str], None]) -> T | None:
    """A cell's parsed value; None when blank, or (reported) when it does not parse."""
    if is_missing(c.raw):
        return None
    try:
        return parse(c.raw)
    except ValueError as exc:
        bad(c, str(exc))
        return None


def parse_updates(
    table: Table, display: str, plan: Plan | None, period: Period
) -> tuple[list[ActionUpdate], list[Problem]]:
    """Check every row of an updates table for ``period`` (without a plan, any ref goes)."""
    columns, problems = _columns(table, display)
    if any(p.is_error for p in problems):
        return [], problems
    by_ref = {ref.rstrip("."): ref for ref in plan.actions()} if plan is not None else None
    updates: list[ActionUpdate] = []
    first_line: dict[str, int] = {}

    for row in table.rows:

        def cell(column: str, row: Row = row) -> _Cell:
            # Problems name the column as the file heads it, so it can be found.
            index = columns.get(column)
            if index is None:
                return _Cell(column, None, row.line)
            return _Cell(table.header[index] or column, row.get(index), row.line)

        def bad(c: _Cell, message: str, severity: str = "error") -> None:
            problems.append(
                Problem(
                    display,
                    c.line,
                    None,
                    c.column,
                    message,
                    "warning" if severity == "warning" else "error",
                )
            )

        errors_before = sum(p.is_error for p in problems)
        row_start = len(problems)
        ref_cell = cell("ref")
        ref_text = clean_text(ref_cell.raw)
        ref: str | None = None
        if ref_text is None:
            bad(ref_cell, "the action ref is blank; write the plan's ref, e.g. 1.2")
        else:
            ref = by_ref.get(ref_text.rstrip(".")) if by_ref is not None else ref_text
            if ref is None:
                bad(
                    ref_cell,
                    f"unknown action {ref_text!r}{closest(ref_text, list(by_ref or ()))}; "
                    "use a ref from the plan's actions",
                )
            elif ref in first_line:
                bad(
                    ref_cell,
                    f"action {ref} already has an update on line {first_line[ref]}; "
                    "keep one row per action",
                )
                ref = None
            else:
                first_line[ref] = row.line

        status_cell = cell("status")
        status_text = clean_text(status_cell.raw)
        status: ActionStatus | None = None
        allowed = ", ".join(ACTION_STATUSES)
        if status_text is None:
            bad(status_cell, f"the status is blank; use one of: {allowed}")
        else:
            status = normalise_status(status_text)
            if status is None:
                bad(status_cell, f"unknown status {status_text!r}; use one of: {allowed}")

        due_cell = cell("revised_due")
        revised = _optional(due_cell, parse_period, bad)

        pct_cell = cell("percent_complete")
        percent = _optional(pct_cell, lambda raw: parse_number(raw).value, bad)
        if percent is not None and not 0 <= percent <= 100:
            bad(
                pct_cell,
                f"{percent:g} is outside 0-100; write how far through the "
                "action is as a percentage, e.g. 50 or 50%",
            )
            percent = None

        done_cell = cell("completed_on")
        completed = _optional(done_cell, parse_date, bad)
        if completed is not None and completed > period.last_day:
            bad(
                done_cell,
                f"{completed} is after the end of {period.long_label}, the "
                "month of this file; check the date",
            )
            completed = None

        if status == "complete" and percent is not None and percent < 100:
            bad(
                pct_cell,
                f"status is complete but percent_complete is {percent:g}; "
                "set it to 100 or change the status",
                "warning",
            )
        if completed is not None and status not in (None, "complete"):
            bad(
                done_cell,
                f"completed_on is set but the status is {status!r}; set the status "
                "to complete or clear completed_on",
                "warning",
            )

        comment = clean_text(cell("comment").raw)
        if sum(p.is_error for p in problems) > errors_before:
            if ref is not None:  # its "no update this month" warning would only repeat this
                about = concerning(f"action {ref}", period)
                problems[row_start:] = [replace(p, about=about) for p in problems[row_start:]]
            continue
        assert ref is not None and status is not None
        updates.append(
            ActionUpdate(
                ref=ref,
                period=period,
                status=status,
                revised_due=revised,
                percent_complete=percent,
                comment=comment,
                completed_on=completed,
                source=Source(display, row.line),
            )
        )
    return updates, problems


def load_update_file(
    path: Path, display: str, plan: Plan | None
) -> tuple[list[ActionUpdate], list[Problem]]:
    """Read and check one ``YYYY-MM.csv``; never raises for bad input."""
    period = update_period(path.name)
    if period is None:
        return [], [
            Problem.whole_file(
                display,
                "not read: update files are named for their month, e.g. 2019-11.csv",
            )
        ]
    if plan is not None and not plan.start <= period <= plan.end:
        return [], [
            Problem(
                display,
                None,
                None,
                "file name",
                f"{period} is outside the plan ({plan.start} to {plan.end}); "
                "check the month in the file name",
            )
        ]
    table, problems = read_table(path, display, is_update_header)
    if table is None:
        return [], problems
    if not table.rows:
        problems.append(
            Problem.whole_file(
                display,
                "no updates in the file; add one row per action",
                "warning",
            )
        )
        return [], problems
    updates, more = parse_updates(table, display, plan, period)
    return updates, problems + more


def load_updates(
    updates_dir: Path, display_dir: str, plan: Plan | None, *, root: Path | None = None
) -> tuple[list[ActionUpdate], list[Problem], list[Path]]:
    """Every updates file in ``updates_dir``, with problems and the files read.

    Nothing is read through a link that leads out of ``root`` (the project;
    by default ``updates_dir`` itself).
    """
    updates: list[ActionUpdate] = []
    problems: list[Problem] = []
    read: list[Path] = []
    if not updates_dir.is_dir():
        return updates, problems, read
    for path in sorted(updates_dir.iterdir()):
        if path.name.startswith("."):
            continue
        display = f"{display_dir}/{path.name}"
        refused = path_problem(path, display, root or updates_dir)
        if refused:
            problems.append(refused)
            continue
        if path.is_dir():
            continue
        if path.suffix.lower() != ".csv":
            severity: Severity = "error" if path.suffix.lower() in (".xlsx", ".xls") else "warning"
            problems.append(
                Problem.whole_file(
                    display,
                    "not read: action updates are CSV files named for their "
                    "month, e.g. 2019-11.csv",
                    severity,
                )
            )
            continue
        read.append(path)
        found, more = load_update_file(path, display, plan)
        updates.extend(found)
        problems.extend(more)
    return updates, problems, read
