"""Progress for long builds: a bar on a terminal, plain lines in logs.

A scheduled run writes to a log file where a redrawn bar is noise, so the
choice is made from whether stderr is a terminal.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as a build advances."""

log = logging.getLogger("reportgen.build")

_LABELS = {"charts": "Drawing charts", "sections": "Laying out sections", "packs": "Writing packs"}


@contextmanager
def progress_reporter(enabled: bool = True) -> Iterator[Progress | None]:
    """Yield a progress callback suited to where stderr goes (or None)."""
    if not enabled:
        yield None
        return
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            transient=True,
        )
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_LABELS.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        with bar:
            yield update
        return

    def lines(stage: str, done: int, total: int) -> None:
        if done == total or done == 1 or done % 10 == 0:
            log.info("%s: %d/%d", _LABELS.get(stage, stage).lower(), done, total)

    yield lines
