"""Command line: a thin click layer over load -> assess -> render -> distribute.

Domain errors (:class:`~reportgen.errors.ReportgenError`) become click errors
here and nowhere else, so the library stays usable from Python and the
command line never shows a traceback for bad input.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from reportgen import __version__
from reportgen.errors import InputError, ReportgenError
from reportgen.periods import Period

F = TypeVar("F", bound=Callable[..., Any])


class PeriodType(click.ParamType):
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


def domain_errors(func: F) -> F:
    """Report domain errors as ``path:line: field: message`` lines and exit 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            errors = sum(1 for p in exc.problems if p.is_error)
            click.echo(
                f"reportgen: {errors} error(s) in the inputs; nothing was written.", err=True
            )
            sys.exit(1)
        except ReportgenError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


project_option = click.option(
    "--project",
    "-p",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder holding inputs/ (and optionally templates/, styles/).",
)


@click.group()
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """Board packs for an improvement plan, from its plan, KPI data and notes."""


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@main.command()
@project_option
@click.option(
    "--period",
    type=PERIOD,
    default=None,
    help="Month to check for missing KPI data, notes and action updates "
    "(default: the latest month that has any KPI data).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit status 1).")
@domain_errors
def validate(project: Path, period: Period | None, strict: bool) -> None:
    """Check every input file and list each problem as path:line: field: message.

    Exits 0 when there are no errors (and, with --strict, no warnings), else 1.
    """
    from reportgen.load.project import check_project, describe

    started = time.perf_counter()
    loaded, problems, period = check_project(project, period=period)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    failed = errors > 0 or (strict and warnings > 0)
    verdict = "inputs invalid" if failed else "inputs valid"
    month = f" for {period}" if period is not None else ""
    what = describe(loaded) if loaded is not None else "the plan could not be read"
    elapsed = time.perf_counter() - started
    click.echo(
        f"{verdict}{month}: {what}; {_count(errors, 'error')}, "
        f"{_count(warnings, 'warning')} ({elapsed:.1f} s)"
    )
    if failed:
        sys.exit(1)


@main.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Write into a folder that is not empty (overwrites same names)."
)
@domain_errors
def new(directory: Path, force: bool) -> None:
    """Start a project folder (plan, KPI data, updates, notes) to edit into your own."""
    from reportgen.newproject import create_project

    written = create_project(directory, force=force)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"next: edit {directory / 'inputs' / 'plan.yaml'}, then run "
        f"'reportgen validate --project {directory}'"
    )
