"""The pipeline: which month, the project loaded for it, and one run at a time.

Every caller (the CLI, the scheduled ``run``, a script using reportgen as a
library) goes through these functions, so each gets the same guarantees:

- one rule for the month: the one given, else the latest month with KPI
  data (up to ``--as-of``), for ``validate``, ``assess``, ``export`` and
  ``build`` alike (``run``: the last complete month), and a month outside
  the plan refused the same way by each;
- the project lock (:mod:`reportgen.lock`) held around everything that
  writes under ``outputs/``: :func:`build`, :func:`send` and the scheduled
  run (which holds it across both, so nothing slips in between).

The stages themselves (:mod:`reportgen.build`, :mod:`reportgen.distribute`)
neither pick a month nor lock; they are handed a loaded project or a period
folder. Importing this module loads no renderer and no mail code: those are
imported when :func:`build` or :func:`send` is called, so ``validate``,
``assess`` and ``export`` stay quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.errors import InputError, Problem, ReportgenError, sort_problems, without_knock_on
from reportgen.load.project import (
    AS_OF,
    as_of_warnings,
    latest_data_period,
    load_project,
    period_warnings,
    read_project,
)
from reportgen.load.records import Project
from reportgen.lock import project_lock
from reportgen.periods import Period
from reportgen.progress import Progress

if TYPE_CHECKING:
    from reportgen.build import BuildOptions, BuildReport
    from reportgen.distribute.send import SendReport
    from reportgen.render.context import Cover

OUTPUTS = "outputs"


def outputs_dir(root: Path, out_dir: Path | None = None) -> Path:
    """Where a project's builds, ledgers and lock live: ``outputs/``, or ``out_dir`` if given."""
    return out_dir.resolve() if out_dir else root.resolve() / OUTPUTS


@contextmanager
def exclusive(root: Path, out_dir: Path | None = None) -> Iterator[Path]:
    """Hold the project's lock for the ``with`` block (re-entrant in this thread).

    Raises :class:`~reportgen.lock.LockHeldError` at once when another
    process holds it; the CLI turns that into exit status 4.
    """
    with project_lock(outputs_dir(root, out_dir)) as path:
        yield path


def last_complete_month(today: date) -> Period:
    """The month before ``today``'s: the one a monthly scheduled run reports on."""
    return Period.of(today).shift(-1)


def latest_month(project: Project, as_of: date | None = None) -> Period | None:
    """The last month with any KPI data (up to ``as_of``): the month a pack is most
    likely built for next, so the default for every command; None without data."""
    cutoff = Period.of(as_of) if as_of is not None else None
    return latest_data_period([p for p in project.points if cutoff is None or p.period <= cutoff])


def choose_period(project: Project, period: Period | None, as_of: date | None) -> Period:
    """The given period; else the latest month with data by --as-of (or its own month);
    else the latest month with data, or the plan's first month when there is none."""
    if period is not None:
        return period
    if as_of is not None:
        return latest_month(project, as_of) or Period.of(as_of)
    return latest_month(project) or project.plan.start


def check_project(
    root: Path, *, period: Period | None = None, as_of: date | None = None
) -> tuple[Project | None, list[Problem], Period | None]:
    """Load for ``validate``: every problem, never raising, for ``period`` or the
    month a build would choose (:func:`choose_period`; no month at all when
    there is no data to choose by), judged as at ``as_of`` as a build would."""
    project, problems = load_project(root, period=period)
    if project is None:
        return project, problems, period
    extra: list[Problem] = []
    if period is None:
        period = choose_period(project, None, as_of) if as_of is not None else latest_month(project)
        if period is not None:
            found = _month_warnings(project, period, root)
            extra.extend(found)
            if as_of is not None and any(p.is_error for p in found):
                extra.append(_as_of_source(as_of))
    if as_of is not None and period is not None:
        if Period.of(as_of) < period:
            extra.append(
                Problem(
                    AS_OF,
                    None,
                    None,
                    None,
                    _before_period(as_of, period),
                )
            )
        extra.extend(as_of_warnings(project, period, as_of))
    if extra:
        project.problems = without_knock_on(sort_problems([*project.problems, *extra]))
        problems = project.problems
    return project, problems, period


def load_for_period(
    root: Path, period: Period | None, as_of: date | None
) -> tuple[Project, Period]:
    """Load the project and settle the reporting month (see :func:`choose_period`).

    Shared by ``assess``, ``export`` and ``build``, so the month a table
    shows is the month a pack is built for.
    """
    project = read_project(root, period=period)
    chosen = choose_period(project, period, as_of)
    if period is None:
        # The month was not known when loading: add its warnings now, and
        # refuse a month outside the plan (a typo in --as-of) as validate does.
        found = _month_warnings(project, chosen, root)
        if any(p.is_error for p in found):
            raise InputError([*found, _as_of_source(as_of)] if as_of else found)
        project.problems.extend(found)
    if as_of is not None and Period.of(as_of) < chosen:
        raise ReportgenError(f"{AS_OF} {_before_period(as_of, chosen)}")
    project.problems.extend(as_of_warnings(project, chosen, as_of))
    return project, chosen


def _before_period(as_of: date, period: Period) -> str:
    return f"{as_of} is before the period {period}; choose a later date or an earlier period"


def _month_warnings(project: Project, period: Period, root: Path) -> list[Problem]:
    # For a month chosen after loading (the files are read before it is known).
    return period_warnings(
        project.plan, project.points, project.updates, project.notes, period, root
    )


def _as_of_source(as_of: date) -> Problem:
    return Problem(AS_OF, None, None, None, f"{as_of} gives that month; check the year", "warning")


def build(root: Path, options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the packs ``options`` ask for, holding the project lock throughout."""
    from reportgen import build as stage

    root = root.resolve()
    with exclusive(root, options.out_dir):
        return stage.build(
            root,
            options,
            lambda: load_for_period(root, options.period, options.as_of),
            progress,
            outputs_root=outputs_dir(root, options.out_dir),
        )


def run_build(
    root: Path,
    *,
    period: Period | None = None,
    as_of: date | None = None,
    packs: Sequence[str] = ("all",),
    only: Sequence[str] = (),
    jobs: int | None = None,
    progress: Progress | None = None,
    cover: Cover | None = None,
) -> BuildReport:
    """:func:`build` with keyword options (the CLI, the scheduled run, tests)."""
    from reportgen.build import BuildOptions
    from reportgen.render.context import Cover

    options = BuildOptions(period, as_of, tuple(packs), tuple(only), jobs, cover=cover or Cover())
    return build(root, options, progress)


def send(
    root: Path,
    period: Period,
    *,
    dry_run: bool = False,
    to: Sequence[str] = (),
    resend: bool = False,
    progress: Callable[[str], None] | None = None,
) -> SendReport:
    """Email ``period``'s packs to everyone who has not had them, holding the project lock."""
    from reportgen.distribute.send import send_period

    with exclusive(root):
        return send_period(root, period, dry_run=dry_run, to=to, resend=resend, progress=progress)
