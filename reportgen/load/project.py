"""A whole project folder: the plan, KPI data, action updates and notes.

This is the load stage's single entry point. It reads every input file,
collects every problem from all of them (so one ``validate`` run lists
everything to fix), records a SHA-256 of each file read (for the manifest
and for caching), and, for a reporting period, warns about what is missing
or out of date before a pack is built on it.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from reportgen.errors import (
    InputError,
    Problem,
    concerning,
    sort_problems,
    without_knock_on,
)
from reportgen.load.inside import path_problem
from reportgen.load.kpidata import load_kpi_file
from reportgen.load.notes import load_notes, note_path_for
from reportgen.load.plan import Plan, load_plan
from reportgen.load.records import ActionUpdate, DataPoint, InputFile, Note, Project
from reportgen.load.updates import load_updates
from reportgen.periods import Period

INPUTS = "inputs"
PLAN = f"{INPUTS}/plan.yaml"
KPIS = f"{INPUTS}/kpis"
UPDATES = f"{INPUTS}/updates"
NOTES = f"{INPUTS}/notes"

WITHOUT_PLAN = (
    "inputs/plan.yaml could not be read, so KPI ids, action refs, recommendation numbers, "
    "units and the plan's months were not checked in the other files; fix the plan and "
    "run again to check those"
)
"""What ``validate`` says it could not check when the plan is unusable."""

KPI_SUFFIXES = frozenset({".csv", ".xlsx", ".xlsm", ".xls"})
"""Files in inputs/kpis/ that are loaded (.xls only to explain that it must be resaved)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _display(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def load_project(
    root: Path, *, period: Period | None = None
) -> tuple[Project | None, list[Problem]]:
    """Load ``root``; return the project (None if the plan is unusable) and every problem.

    Never raises for bad input. With ``period``, also warns about what a pack
    for that month would be missing (see :func:`period_warnings`).
    """
    inputs = root / INPUTS
    if not inputs.is_dir():
        return None, [
            Problem(
                str(root),
                None,
                None,
                None,
                f"no {INPUTS}/ folder here; pass --project with the project folder, "
                "or create one with 'reportgen new DIR'",
            )
        ]
    for folder, shown in ((inputs, INPUTS), (root / PLAN, PLAN)):
        refused = path_problem(folder, shown, root)
        if refused:
            return None, [refused]
    plan_path = root / PLAN
    if not plan_path.is_file():
        problems = [
            Problem.whole_file(
                PLAN,
                "file not found; every project needs its plan in inputs/plan.yaml "
                "('reportgen new DIR' writes a commented example)",
            )
        ]
        plan = None
    else:
        plan, problems = load_plan(plan_path, PLAN)
    read: list[Path] = [plan_path]

    # Without a plan the other files are still checked for everything that
    # does not need it, so one run lists every problem (see WITHOUT_PLAN).
    points, kpi_problems, kpi_files = _load_kpis(root, plan)
    problems.extend(kpi_problems)
    read.extend(kpi_files)
    updates, more, files = load_updates(root / UPDATES, UPDATES, plan, root=root)
    problems.extend(more)
    read.extend(files)
    notes, more, files = load_notes(root / NOTES, NOTES, plan, root=root)
    problems.extend(more)
    read.extend(files)
    if plan is None:
        return None, without_knock_on(sort_problems(problems))

    if period is not None:
        problems.extend(period_warnings(plan, points, updates, notes, period, root))

    project = Project(
        root_display=str(root),
        plan=plan,
        points=points,
        updates=updates,
        notes=notes,
        inputs=sorted(
            (InputFile(_display(root, p), _sha256(p)) for p in read), key=lambda f: f.path
        ),
        problems=without_knock_on(sort_problems(problems)),
    )
    return project, project.problems


def read_project(root: Path, *, period: Period | None = None) -> Project:
    """Like :func:`load_project` but raises :class:`InputError` if there is any error."""
    project, problems = load_project(root, period=period)
    if project is None or any(p.is_error for p in problems):
        raise InputError(problems)
    return project


def _load_kpis(root: Path, plan: Plan | None) -> tuple[list[DataPoint], list[Problem], list[Path]]:
    points: list[DataPoint] = []
    problems: list[Problem] = []
    read: list[Path] = []
    folder = root / KPIS
    if not folder.is_dir():
        return points, problems, read
    for path in sorted(folder.iterdir()):
        name = path.name
        display = _display(root, path)
        # Hidden files and Excel's "~$" lock files (a workbook open on someone's desk).
        if name.startswith((".", "~$")):
            continue
        refused = path_problem(path, display, root)
        if refused:
            problems.append(refused)
            continue
        if path.is_dir() or path.suffix.lower() not in KPI_SUFFIXES:
            problems.append(
                Problem.whole_file(
                    display,
                    "not read: KPI data files are .csv or .xlsx",
                    "warning",
                )
            )
            continue
        read.append(path)
        found, more = load_kpi_file(path, display, plan)
        points.extend(found)
        problems.extend(more)
    problems.extend(_cross_file_duplicates(points))
    return points, problems, read


def _cross_file_duplicates(points: list[DataPoint]) -> list[Problem]:
    """The same KPI and month in two files: one of them is stale, and we cannot tell which.

    Duplicates within one file are the KPI loader's to report.
    """
    problems: list[Problem] = []
    first: dict[tuple[str, Period, str | None], DataPoint] = {}
    for point in points:
        key = (point.kpi, point.period, point.team)
        earlier = first.get(key)
        if earlier is None:
            first[key] = point
            continue
        if earlier.source.path == point.source.path:
            continue
        where = earlier.source.path
        if earlier.source.line is not None:
            where += f" line {earlier.source.line}"
        team = f" for team {point.team}" if point.team else ""
        problems.append(
            Problem(
                point.source.path,
                point.source.line,
                None,
                f"KPI {point.kpi}",
                f"{point.period}{team} also has a value in {where}; "
                "keep each KPI month in one file only",
            )
        )
    return problems


def period_warnings(
    plan: Plan,
    points: list[DataPoint],
    updates: list[ActionUpdate],
    notes: list[Note],
    period: Period,
    root: Path | None = None,
) -> list[Problem]:
    """What a pack for ``period`` would lack: data, notes, updates on overdue actions.

    These are warnings, not errors: a board may well need the pack on time
    with a gap shown, rather than no pack.
    """
    if not plan.start <= period <= plan.end:
        return [
            Problem(
                PLAN,
                None,
                None,
                "period",
                f"{period} is outside the plan ({plan.start} to {plan.end}); "
                "choose a month within it",
            )
        ]
    out: list[Problem] = []
    out.extend(_kpi_warnings(plan, points, period))
    have_note = {n.recommendation for n in notes if n.period == period}
    for rec in plan.recommendations:
        if rec.ref not in have_note:
            out.append(
                Problem(
                    f"{NOTES}/{period}",
                    None,
                    None,
                    f"recommendation {rec.ref}",
                    f"no note for {period}; add {note_path_for(NOTES, period, rec.ref)}",
                    "warning",
                    about=concerning(f"recommendation {rec.ref}", period),
                )
            )
    out.extend(_action_warnings(plan, updates, period, root))
    return out


def _kpi_warnings(plan: Plan, points: list[DataPoint], period: Period) -> list[Problem]:
    out: list[Problem] = []
    stale_after = plan.rag.stale_after_months
    by_kpi: dict[str, list[DataPoint]] = {}
    for point in points:
        if point.period <= period:
            by_kpi.setdefault(point.kpi, []).append(point)
    for rec in plan.recommendations:
        for kpi in rec.kpis:
            if kpi.measure != "quantitative":
                continue
            field = f"KPI {kpi.id}"
            series = by_kpi.get(kpi.id, [])
            if any(p.period == period for p in series):
                continue
            if not series:
                out.append(
                    Problem(
                        KPIS,
                        None,
                        None,
                        field,
                        f"no data for {period} or any earlier month; add its values "
                        f"to a file in {KPIS}/",
                        "warning",
                    )
                )
                continue
            latest = max(series, key=lambda p: p.period)
            age = period.months_since(latest.period)
            if age > stale_after:
                message = (
                    f"stale: the latest value is for {latest.period}, {age} months before "
                    f"{period} (values are stale after {stale_after} months); add recent data"
                )
            else:
                message = f"no data for {period}; the latest value is for {latest.period}"
            out.append(
                Problem(
                    latest.source.path or KPIS,
                    latest.source.line,
                    None,
                    field,
                    message,
                    "warning",
                    about=concerning(field, period),
                )
            )
    return out


def _action_warnings(
    plan: Plan, updates: list[ActionUpdate], period: Period, root: Path | None
) -> list[Problem]:
    out: list[Problem] = []
    history: dict[str, list[ActionUpdate]] = {}
    for update in updates:
        if update.period <= period:
            history.setdefault(update.ref, []).append(update)
    target = f"{UPDATES}/{period}.csv"
    shown = target if root is None or (root / target).is_file() else UPDATES
    for ref, (_, action) in plan.actions().items():
        past = sorted(history.get(ref, []), key=lambda u: u.period)
        if any(u.status == "complete" for u in past):
            continue
        if past and past[-1].period == period:
            continue
        revised = next((u.revised_due for u in reversed(past) if u.revised_due), None)
        due = revised or action.due
        if due is None or due >= period:
            continue
        which = "revised due date" if revised else "due date"
        out.append(
            Problem(
                shown,
                None,
                None,
                f"action {ref}",
                f"{which} {due} has passed and there is no update for {period}; "
                f"add a row for {ref} to {target}",
                "warning",
                about=concerning(f"action {ref}", period),
            )
        )
    return out


def latest_data_period(points: list[DataPoint]) -> Period | None:
    """The last month with any KPI data: the natural default month to report on."""
    return max((p.period for p in points), default=None)


def describe(project: Project) -> str:
    """Counts for a one-line summary, e.g. ``12 recommendations, 93 actions, ...``."""
    plan = project.plan
    kpis = [k for r in plan.recommendations for k in r.kpis]
    quantitative = sum(1 for k in kpis if k.measure == "quantitative")
    return (
        f"{len(plan.recommendations)} recommendations, {len(plan.actions())} actions, "
        f"{len(kpis)} KPIs ({quantitative} quantitative), {len(project.points)} data points, "
        f"{len(project.updates)} action updates, {len(project.notes)} notes"
    )


AS_OF = "--as-of"
"""Where the problems about the as-at date are (the build prints these with its summary)."""


def as_of_warnings(project: Project, period: Period, as_of: date | None) -> list[Problem]:
    """An as-at date past the plan's end, or far past the newest data, said plainly.

    Actions and KPIs are judged as at that date, so a pack "as at" years
    after its data would otherwise show everything overdue and stale with
    nothing to say why.
    """
    if as_of is None:
        return []
    plan = project.plan
    out: list[Problem] = []

    def warn(message: str) -> None:
        out.append(Problem(AS_OF, None, None, None, message, "warning"))

    if Period.of(as_of) > plan.end:
        warn(
            f"{as_of} is after the plan ends ({plan.end.long_label}); actions are judged "
            "as at a date the plan does not cover"
        )
    newest = latest_data_period([p for p in project.points if p.period <= period])
    stale_after = plan.rag.stale_after_months
    if newest is not None and Period.of(as_of).months_since(newest) > stale_after:
        age = Period.of(as_of).months_since(newest)
        warn(
            f"{as_of} is {age} months after the newest KPI data ({newest.long_label}; "
            f"data is stale after {stale_after} months): every KPI is judged stale"
        )
    return out
