"""``reportgen chase``: who has not returned, and what is still missing.

Worked out from what was handed out (``workbooks.json``), what came back
(the returns log) and what is now in ``inputs/`` (an update typed in by the
officer counts as received too), so the list is what the pack would lack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportgen.collect.mail import Letter, MailReport, send_letters
from reportgen.collect.make import DISTRIBUTION, Handout, collect_dir, read_handouts, read_ratings
from reportgen.collect.merge import read_log
from reportgen.distribute.config import read_distribution
from reportgen.errors import InputError
from reportgen.load.project import load_project
from reportgen.periods import Period
from reportgen.registry import registry_for

CONCERN = ("red", "amber")


@dataclass(frozen=True)
class Outstanding:
    """One lead's position for the month."""

    handout: Handout
    returned: str | None
    actions: tuple[str, ...]
    commentary: tuple[str, ...]

    @property
    def done(self) -> bool:
        return not self.actions and not self.commentary


def outstanding(project_dir: Path, period: Period) -> list[Outstanding]:
    """Every lead who was sent a workbook, with what they still owe."""
    handouts = read_handouts(project_dir, period)
    ratings = read_ratings(project_dir, period)
    project, problems = load_project(project_dir)
    if project is None:
        raise InputError(problems)
    updated = {u.ref for u in project.updates if u.period == period}
    noted = {n.recommendation for n in project.notes if n.period == period}
    log = read_log(project_dir, period)
    out: list[Outstanding] = []
    for h in handouts:
        stamps = [r.ingested_at for r in log if r.lead == h.lead]
        out.append(
            Outstanding(
                handout=h,
                returned=max(stamps) if stamps else None,
                actions=tuple(a for a in h.actions if a not in updated),
                commentary=tuple(
                    r for r in h.recommendations if r not in noted and ratings.get(r) in CONCERN
                ),
            )
        )
    return out


def _cut(items: tuple[str, ...], limit: int = 8) -> str:
    if not items:
        return "-"
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def chase_table(rows: list[Outstanding], period: Period) -> list[str]:
    """An aligned text table, then one line of totals."""
    head = ("Lead", "Returned", "Actions with no update", "Red/amber recs, no commentary")
    body = [
        (
            r.handout.lead,
            (r.returned or "not yet").replace("T", " ")[:16],
            _cut(r.actions),
            _cut(r.commentary),
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(x, widths, strict=True)).rstrip() for x in [head]]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(x, widths, strict=True)).rstrip() for x in body]
    missing = sum(1 for r in rows if r.returned is None)
    actions = sum(len(r.actions) for r in rows)
    recs = sorted({c for r in rows for c in r.commentary}, key=int)
    lines.append(
        f"{period}: {missing} of {len(rows)} leads have not returned a workbook; "
        f"{actions} action(s) with no update; "
        f"{len(recs)} red/amber recommendation(s) with no commentary"
        + (f" ({', '.join(recs)})" if recs else "")
    )
    return lines


def remind(
    project_dir: Path,
    period: Period,
    rows: list[Outstanding],
    *,
    today: date,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda _line: None,
) -> MailReport:
    """A polite reminder, with the workbook again, to each lead still owing something."""
    dist = read_distribution(
        project_dir / DISTRIBUTION, DISTRIBUTION, registry=registry_for(project_dir)
    )
    mail = dist.config.mail
    back = mail.reply_to or mail.sender
    folder = collect_dir(project_dir, period)
    letters: list[Letter] = []
    for r in rows:
        if r.done:
            continue
        owed: list[str] = []
        if r.actions:
            owed.append(f"an update on action(s) {', '.join(r.actions)}")
        if r.commentary:
            owed.append(f"commentary for recommendation(s) {', '.join(r.commentary)}")
        workbook = folder / r.handout.file
        text = (
            f"Dear {r.handout.lead},\n\n"
            f"A gentle reminder: for the {period.long_label} report we are still waiting for "
            f"{' and '.join(owed)}. Your workbook is attached again in case it is easier to "
            f"start afresh; please fill in the shaded cells and send it to {back}.\n\n"
            "If you have already sent it, thank you, and please ignore this message.\n\n"
            f"{mail.sender_name or mail.programme}\n"
        )
        letters.append(
            Letter(
                lead=r.handout.lead,
                email=r.handout.email,
                key=f"reminder {today.isoformat()}",
                subject=f"Reminder: {mail.programme} updates for {period.long_label}",
                text=text,
                attachment=(r.handout.file, workbook.read_bytes()) if workbook.is_file() else None,
            )
        )
    return send_letters(project_dir, period, letters, dry_run=dry_run, progress=progress)
