"""Command line: a thin click layer over load -> assess -> render -> distribute.

Domain errors (:class:`~reportgen.errors.ReportgenError`) become click errors
here and nowhere else, so the library stays usable from Python and the
command line never shows a traceback for bad input.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from reportgen import __version__
from reportgen.errors import InputError, ReportgenError, os_error_message, sort_problems
from reportgen.lock import EXIT_BUSY, LockHeldError
from reportgen.periods import Period
from reportgen.redact import redact
from reportgen.registry import BUILTIN_REGISTRY

F = TypeVar("F", bound=Callable[..., Any])


class PeriodType(click.ParamType):  # type: ignore[type-arg]
    """A ``YYYY-MM`` month on the command line."""

    name = "YYYY-MM"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Period:
        if isinstance(value, Period):
            return value
        try:
            return Period.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


PERIOD = PeriodType()


class PackChoice(click.Choice):  # type: ignore[type-arg]
    """``--pack``: the built-in kinds in ``--help``, a project's own kinds as well.

    Which kinds a project has is only known once ``--project`` is, so the
    value is checked by :func:`_pack_kinds` in the command, against the
    project's registry, with click's own message for a wrong choice.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value


def _pack_kinds(project: Path, packs: tuple[str, ...]) -> tuple[str, ...]:
    """``--pack`` values checked against the project's kinds (:mod:`reportgen.registry`)."""
    from reportgen.registry import registry_for

    ctx = click.get_current_context()
    param = next(p for p in ctx.command.params if p.name == "packs")
    choice = click.Choice(registry_for(project).choices)
    return tuple(choice.convert(value, param, ctx) for value in packs)


_NOT_DONE = {
    "build": "no pack was written",
    "send": "nothing was sent",
    "export": "nothing was written",
}
"""What a command did not do because of input errors (``assess`` writes nothing anyway)."""


def domain_errors(func: F) -> F:
    """Report domain errors as ``path:line: field: message`` lines and exit 1.

    A busy project exits :data:`~reportgen.lock.EXIT_BUSY` (4) from every
    command, so a scheduler can retry it instead of raising an alarm.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            errors = sum(1 for p in exc.problems if p.is_error)
            command = click.get_current_context().command.name or ""
            not_done = _NOT_DONE.get(command, "fix them and run again")
            click.echo(f"reportgen: {_count(errors, 'error')} in the inputs; {not_done}", err=True)
            sys.exit(1)
        except LockHeldError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_BUSY)
        except ReportgenError as exc:
            raise click.ClickException(redact(str(exc))) from None
        except OSError as exc:  # a folder not writable, a disk full: say which file
            raise click.ClickException(redact(os_error_message(exc))) from None

    return wrapper  # type: ignore[return-value]


project_option = click.option(
    "--project",
    "-p",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Project folder holding inputs/ (and optionally templates/, styles/).",
)


@click.group()
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """Board packs for an improvement plan, from its plan, KPI data and notes."""
    _log_to_stderr()


def _log_to_stderr() -> None:
    """Plain log lines on stderr (progress in logs, warnings), set up once."""
    logger = logging.getLogger("reportgen")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("reportgen: %(message)s"))
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is now (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging must never break a run
            self.handleError(record)


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def parse_as_of(value: str | None) -> date | None:
    """``today``, ``YYYY-MM-DD`` or nothing."""
    if value is None:
        return None
    if value.strip().lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD or 'today'", param_hint="--as-of"
        ) from None


as_of_option = click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE|today",
    help="Judge actions as at this date (default: the last day of the period).",
)


@main.command()
@project_option
@click.option(
    "--period",
    type=PERIOD,
    default=None,
    help="Month to check for missing KPI data, notes and action updates "
    "(default: the latest month that has any KPI data).",
)
@as_of_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit status 1).")
@domain_errors
def validate(project: Path, period: Period | None, as_of: str | None, strict: bool) -> None:
    """Check every input file and list each problem as path:line: field: message.

    With --as-of, also what a build as at that date would warn of (the month
    it gives, a date past the plan's end or far past the newest data).
    Exits 0 when there are no errors (and, with --strict, no warnings), else 1.
    """
    from reportgen.load.project import INPUTS, WITHOUT_PLAN, describe
    from reportgen.pipeline import check_project

    started = time.perf_counter()
    loaded, problems, period = check_project(project, period=period, as_of=parse_as_of(as_of))
    problems = sort_problems([*problems, *_project_file_problems(project, loaded)])
    for problem in problems:
        click.echo(str(problem))
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    failed = errors > 0 or (strict and warnings > 0)
    verdict = "inputs invalid" if failed else "inputs valid"
    month = f" for {period}" if period is not None else ""
    if loaded is not None:
        what = describe(loaded)
    elif (project / INPUTS).is_dir():
        what = WITHOUT_PLAN
    else:
        what = "nothing was checked"
    elapsed = time.perf_counter() - started
    click.echo(
        f"{verdict}{month}: {what}; {_count(errors, 'error')}, "
        f"{_count(warnings, 'warning')} ({elapsed:.1f} s)"
    )
    if failed:
        sys.exit(1)


@main.command("assess")
@project_option
@click.option("--period", type=PERIOD, default=None, help="Month to assess (default: latest data).")
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Aligned text for reading, or stable JSON ('reportgen docs assessment-json').",
)
@domain_errors
def assess_command(project: Path, period: Period | None, as_of: str | None, fmt: str) -> None:
    """Print the assessment of every recommendation, KPI and action, before any PDF exists."""
    from reportgen.assess.engine import assess
    from reportgen.pipeline import load_for_period
    from reportgen.present.assessment_json import to_json
    from reportgen.present.table import to_table

    when = parse_as_of(as_of)
    loaded, chosen = load_for_period(project, period, when)
    result = assess(loaded, chosen, when)
    click.echo(to_json(result) if fmt == "json" else to_table(result), nl=False)


@main.command("export")
@project_option
@click.option("--period", type=PERIOD, default=None, help="Month to export (default: latest data).")
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="One Excel workbook with three sheets, or three CSV files.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write to (default: outputs/exports/<period>/).",
)
@domain_errors
def export_command(
    project: Path, period: Period | None, as_of: str | None, fmt: str, out: Path | None
) -> None:
    """Write the month's KPIs, actions and recommendations for analysts ('reportgen docs export').

    KPIs: every month's value, target, RAG, SPC mean, limits and signal.
    Actions: state, due, revised due, lead, comment. Recommendations: RAG and reason.
    """
    from reportgen.assess.engine import assess
    from reportgen.pipeline import load_for_period
    from reportgen.workbook import write_export

    when = parse_as_of(as_of)
    loaded, chosen = load_for_period(project, period, when)
    result = assess(loaded, chosen, when)
    folder = out if out is not None else project / "outputs" / "exports" / str(chosen)
    for path in write_export(result, folder, "csv" if fmt == "csv" else "xlsx"):
        click.echo(f"wrote {path}")


@main.command("build")
@project_option
@click.option("--period", type=PERIOD, default=None, help="Month to report (default: latest data).")
@as_of_option
@click.option(
    "--pack",
    "packs",
    multiple=True,
    type=PackChoice(BUILTIN_REGISTRY.choices),
    default=("all",),
    show_default=True,
    help="Which packs to build (repeatable); a project's packs.yaml may add kinds "
    "('reportgen docs packs').",
)
@click.option(
    "--only",
    multiple=True,
    metavar="REF|WORKSTREAM",
    help="Only these recommendations or workstreams (repeatable).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for PDF layout (default: all cores).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress, only the summary line.")
@click.option(
    "--meeting",
    metavar="NAME",
    default=None,
    help="Meeting the packs are for, on the cover (default: the first group in "
    "inputs/distribution.yaml that receives the board pack).",
)
@click.option(
    "--meeting-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Date of the meeting, on the cover.",
)
@click.option(
    "--pack-version", default="1.0", show_default=True, help="The pack's own version, on the cover."
)
@click.option(
    "--pack-status",
    default="Final",
    show_default=True,
    help="The pack's own status, on the cover (e.g. Draft, Final).",
)
@click.option(
    "--owner",
    default=None,
    help="Who owns the pack, on the cover (default: mail.sender_name in distribution.yaml).",
)
@domain_errors
def build_command(
    project: Path,
    period: Period | None,
    as_of: str | None,
    packs: tuple[str, ...],
    only: tuple[str, ...],
    jobs: int | None,
    quiet: bool,
    meeting: str | None,
    meeting_date: datetime | None,
    pack_version: str,
    pack_status: str,
    owner: str | None,
) -> None:
    """Build the PDF packs into outputs/<period>/ (all or nothing) with a manifest.

    Exit status: 0 built; 1 inputs invalid or a pack failed (nothing replaced);
    4 another reportgen build, send or run holds the project lock.
    """
    from reportgen.pipeline import run_build
    from reportgen.progress import progress_reporter
    from reportgen.render.context import Cover

    packs = _pack_kinds(project, packs)
    with progress_reporter(enabled=not quiet) as progress:
        report = run_build(
            project,
            period=period,
            as_of=parse_as_of(as_of),
            packs=packs,
            only=only,
            jobs=jobs,
            progress=progress,
            cover=Cover(
                meeting=meeting,
                meeting_date=meeting_date.date() if meeting_date else None,
                version=pack_version,
                status=pack_status,
                owner=owner,
            ),
        )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.summary_line())


@main.command("run")
@project_option
@click.option(
    "--period",
    type=PERIOD,
    default=None,
    help="Month to report (default: the last complete month).",
)
@click.option("--dry-run", is_flag=True, help="Build, then write .eml files instead of sending.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="PDF workers.")
def run_command(project: Path, period: Period | None, dry_run: bool, jobs: int | None) -> None:
    """For the scheduler: validate, build and send, logging to outputs/logs/.

    Exit status: 0 done; 1 inputs invalid or build failed (nothing sent);
    3 some recipients not sent; 4 another build, send or run holds the project lock.
    """
    from reportgen.scheduled import scheduled_run

    result = scheduled_run(project, period=period, dry_run=dry_run, jobs=jobs)
    where = f"log: {result.log_path}" if result.log_path else "no log written"
    click.echo(redact(f"{result.message}; {where}"), err=result.status != 0)
    sys.exit(result.status)


def _project_file_problems(project: Path, loaded: Any) -> list[Any]:
    """packs.yaml and distribution.yaml are checked too, the latter against the plan's refs
    (when there is a plan) and the project's pack kinds."""
    from reportgen.distribute.config import load_distribution
    from reportgen.registry import load_registry

    registry, problems = load_registry(project)
    path = project / "inputs" / "distribution.yaml"
    if not path.is_file():
        return problems
    plan = loaded.plan if loaded is not None else None
    _dist, found = load_distribution(path, "inputs/distribution.yaml", plan=plan, registry=registry)
    return [*problems, *found]


@main.command("new")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--project",
    "-p",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The new project folder (the same as giving DIRECTORY; like every other command).",
)
@click.option(
    "--force", is_flag=True, help="Write into a folder that is not empty (overwrites same names)."
)
@domain_errors
def new(directory: Path | None, project: Path | None, force: bool) -> None:
    """Start a project folder (plan, KPI data, updates, notes) to edit into your own.

    The folder is DIRECTORY or --project DIR. 'reportgen docs' prints the
    reference for every file it writes.
    """
    from reportgen.newproject import create_project

    if directory is not None and project is not None and directory != project:
        raise click.UsageError(
            f"two folders given ({directory} and --project {project}); give one of them"
        )
    target = directory or project
    if target is None:
        raise click.UsageError(
            "name the new project folder: 'reportgen new DIR' or 'reportgen new --project DIR'"
        )
    written = create_project(target, force=force)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"next: edit {target / 'inputs' / 'plan.yaml'}, then run "
        f"'reportgen validate --project {target}'; 'reportgen docs plan' explains every field"
    )


@main.command("docs")
@click.argument("topic", required=False)
@domain_errors
def docs_command(topic: str | None) -> None:
    """Print a reference page (plan, kpis, updates, distribution, assessment-json, ...).

    Without TOPIC, list the topics. The pages come with the installed package,
    so they match this version of reportgen.
    """
    from reportgen.reference import index, page

    if topic is None:
        click.echo(index(), nl=False)
        return
    click.echo_via_pager(page(topic))


@main.command("send")
@click.option("--period", type=PERIOD, required=True, help="Month whose packs to send.")
@click.option(
    "--dry-run", is_flag=True, help="Write .eml files to outputs/<period>/outbox/; send nothing."
)
@click.option(
    "--to",
    "to",
    multiple=True,
    metavar="GROUP|EMAIL",
    help="Only these groups or people (repeatable). Default: everyone.",
)
@click.option(
    "--resend", is_flag=True, help="Send again packs the ledger says were already delivered."
)
@project_option
@domain_errors
def send(period: Period, dry_run: bool, to: tuple[str, ...], resend: bool, project: Path) -> None:
    """Email each recipient their packs for PERIOD, once ('reportgen docs distribution').

    Exit status: 0 all sent (or already sent), 1 nothing sent because of a
    problem, 3 some recipients did not get their packs (listed), 4 another
    reportgen build, send or run holds the project lock.
    """
    from reportgen import pipeline
    from reportgen.distribute.send import EXIT_PARTIAL

    report = pipeline.send(
        project,
        period,
        dry_run=dry_run,
        to=to,
        resend=resend,
        progress=lambda line: click.echo(redact(line), err=True),
    )
    for line in report.lines():
        click.echo(redact(line))
    if report.outbox is not None and report.by_status("written"):
        click.echo(f"messages written to {report.outbox}")
    if not report.ok:
        sys.exit(EXIT_PARTIAL)


@main.command("collect")
@click.option("--period", type=PERIOD, required=True, help="Month the leads report on.")
@click.option(
    "--send",
    "send_them",
    is_flag=True,
    help="Email each lead their workbook, once (writing the workbooks first if needed).",
)
@click.option("--dry-run", is_flag=True, help="With --send: write .eml files; send nothing.")
@project_option
@domain_errors
def collect_command(period: Period, send_them: bool, dry_run: bool, project: Path) -> None:
    """Write one prefilled workbook per lead into outputs/<period>/collect/.

    The monthly cycle (collect, send, ingest, chase, validate, build) is
    described by 'reportgen docs collect'.
    """
    from reportgen.collect.make import collect_dir, read_handouts, write_workbooks

    folder = collect_dir(project, period)
    if not send_them or not (folder / "workbooks.json").is_file():
        started = time.perf_counter()
        handouts = write_workbooks(project, period)
        for h in handouts:
            sheets = _count(len(h.recommendations), "commentary sheet")
            what = f"{_count(len(h.actions), 'action')}, {sheets}"
            click.echo(f"{folder / h.file}: {h.lead} ({what})")
        elapsed = time.perf_counter() - started
        click.echo(f"{_count(len(handouts), 'workbook')} for {period} ({elapsed:.1f} s)")
    if send_them:
        from reportgen.collect.mail import send_workbooks

        report = send_workbooks(
            project,
            period,
            read_handouts(project, period),
            dry_run=dry_run,
            progress=lambda line: click.echo(line, err=True),
        )
        for line in report.lines():
            click.echo(line)
        if not report.ok:
            sys.exit(3)


@main.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", type=PERIOD, default=None, help="Refuse workbooks for any other month.")
@click.option(
    "--force", is_flag=True, help="Replace updates that are newer or were typed in by hand."
)
@project_option
@domain_errors
def ingest_command(
    files: tuple[Path, ...], period: Period | None, force: bool, project: Path
) -> None:
    """Check returned workbooks and merge each clean one into inputs/.

    Every problem is listed as file: sheet!cell (action 9.6): message. A
    workbook with any problem is not merged at all. Exit status 1 when any
    workbook was refused.
    """
    from reportgen.collect.merge import ingest

    started = time.perf_counter()
    report = ingest(project, files, period=period, force=force)
    for wb in report.workbooks:
        for problem in wb.problems:
            click.echo(str(problem), err=problem.is_error)
    for wb in report.workbooks:
        saved = f", saved {wb.returned_at:%Y-%m-%d %H:%M}" if wb.returned_at else ""
        who = f" from {wb.lead}{saved}" if wb.lead else ""
        counts = (
            f"{_count(len(wb.updates), 'action update')}, "
            f"{_count(len(wb.notes), 'commentary', 'commentaries')}"
        )
        if wb in report.merged:
            click.echo(f"merged {wb.display}{who}: {counts}")
        elif wb in report.unchanged:
            click.echo(f"already merged {wb.display}{who}; nothing to do")
        else:
            errors = sum(1 for p in wb.problems if p.is_error)
            click.echo(
                f"refused {wb.display}{who}: {_count(errors, 'problem')}; nothing from it "
                "was merged. Fix the cells listed (or ask the lead to) and ingest it again"
            )
    for path in report.written:
        click.echo(f"wrote {path}")
    elapsed = time.perf_counter() - started
    click.echo(f"ingested {_count(len(report.workbooks), 'workbook')} in {elapsed:.1f} s")
    if not report.ok:
        sys.exit(1)


@main.command("chase")
@click.option("--period", type=PERIOD, required=True, help="Month being collected.")
@click.option(
    "--send",
    "send_them",
    is_flag=True,
    help="Email a polite reminder to each lead still owing something (at most once a day).",
)
@click.option("--dry-run", is_flag=True, help="With --send: write .eml files; send nothing.")
@project_option
@domain_errors
def chase_command(period: Period, send_them: bool, dry_run: bool, project: Path) -> None:
    """List who has not returned, actions with no update, red/amber recs with no commentary.

    Exit status 0 when nothing is outstanding, 2 when something is (so a
    scheduler can tell), 3 when a reminder could not be sent.
    """
    from reportgen.collect.chase import chase_table, outstanding, remind

    rows = outstanding(project, period)
    for line in chase_table(rows, period):
        click.echo(line)
    if send_them:
        report = remind(
            project,
            period,
            rows,
            today=date.today(),
            dry_run=dry_run,
            progress=lambda line: click.echo(line, err=True),
        )
        for line in report.lines():
            click.echo(line)
        if not report.ok:
            sys.exit(3)
    if not all(r.done for r in rows):
        sys.exit(2)
