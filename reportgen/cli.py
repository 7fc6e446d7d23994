"""Command line: a thin click layer over load -> assess -> render -> distribute.

Domain errors (:class:`~reportgen.errors.ReportgenError`) become click errors
here and nowhere else, so the library stays usable from Python and the
command line never shows a traceback for bad input.
"""

from __future__ import annotations

import sys
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

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Period:
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
            click.echo(f"reportgen: {errors} error(s) in the inputs; nothing was written.", err=True)
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
