"""The monthly scheduled run: validate, build, send, once, unattended.

A scheduler (cron, a systemd timer) runs ``reportgen run`` on the first
working day of the month. Nobody watches it, so it logs to a file under
``outputs/logs/`` as well as stderr, holds the project lock so two runs
never overlap, and reports its outcome as an exit status a scheduler can
alert on:

====  =========================================================
0     packs built and every recipient has their packs
1     inputs invalid, the build failed, or outputs/ not writable: nothing was sent
3     some recipients did not get their packs (the rest did)
4     another reportgen run holds the project lock: nothing done
====  =========================================================
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportgen.errors import InputError, ReportgenError, os_error_message
from reportgen.lock import EXIT_BUSY, LockHeldError
from reportgen.periods import Period
from reportgen.pipeline import exclusive, last_complete_month, run_build, send

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 3

log = logging.getLogger("reportgen")


@contextmanager
def run_log(outputs_dir: Path, period: Period, started: datetime) -> Iterator[Path]:
    """Send reportgen's log records to a file for this run (and keep stderr)."""
    folder = outputs_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"run-{period}-{started:%Y%m%dT%H%M%S}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("reportgen")
    root.addHandler(handler)
    previous = root.level
    root.setLevel(min(previous or logging.INFO, logging.INFO))
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()


@dataclass(frozen=True)
class RunResult:
    status: int
    period: Period
    log_path: Path | None
    message: str


def scheduled_run(
    root: Path,
    *,
    period: Period | None = None,
    today: date | None = None,
    dry_run: bool = False,
    jobs: int | None = None,
) -> RunResult:
    """Validate, build and send ``period`` (default: last complete month)."""
    started = time.perf_counter()
    period = period or last_complete_month(today or date.today())
    outputs_dir = root / "outputs"
    try:
        with run_log(outputs_dir, period, datetime.now()) as log_path:
            return _run(root, period, log_path, dry_run, jobs, started)
    except OSError as exc:
        # Not even the log could be written (outputs/ read-only, or a file
        # where a folder should be): say so on stderr; nothing was attempted.
        message = f"cannot write the run log: {os_error_message(exc)}; nothing was built or sent"
        log.error("%s", message)
        return RunResult(EXIT_FAILED, period, None, message)


def _run(
    root: Path,
    period: Period,
    log_path: Path,
    dry_run: bool,
    jobs: int | None,
    started: float,
) -> RunResult:
    log.info("scheduled run for %s in %s", period, root.resolve())
    try:
        with exclusive(root):
            report = run_build(root, period=period, jobs=jobs)
            for warning in report.warnings:
                log.warning("%s", warning)
            log.info("%s", report.summary_line())
            sent = send(root, period, dry_run=dry_run, progress=log.info)
            for line in sent.lines():
                log.info("%s", line)
    except LockHeldError as exc:
        log.error("%s", exc)
        return RunResult(EXIT_BUSY, period, log_path, str(exc))
    except InputError as exc:
        for problem in exc.problems:
            log.error("%s", problem)
        message = f"{len(exc.problems)} problem(s) in the inputs; nothing was built or sent"
        log.error("%s", message)
        return RunResult(EXIT_FAILED, period, log_path, message)
    except ReportgenError as exc:
        log.error("%s", exc)
        return RunResult(EXIT_FAILED, period, log_path, str(exc))
    except OSError as exc:
        message = f"stopped: {os_error_message(exc)}"
        log.error("%s", message)
        return RunResult(EXIT_FAILED, period, log_path, message)
    seconds = time.perf_counter() - started
    if not sent.ok:
        message = f"run for {period} finished with recipients not sent ({seconds:.1f} s)"
        log.error("%s", message)
        return RunResult(EXIT_PARTIAL, period, log_path, message)
    message = f"run for {period} complete ({seconds:.1f} s)"
    log.info("%s", message)
    return RunResult(EXIT_OK, period, log_path, message)
