"""What a lead is shown before they write: last month's word on each action.

Computed from the loaded updates only (no files), so the workbook shows
exactly what ``validate`` and the packs see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportgen.load.plan import Plan
from reportgen.load.records import ActionUpdate
from reportgen.periods import Period


@dataclass(frozen=True)
class ActionRow:
    """The given cells of one Updates row."""

    ref: str
    recommendation: str
    text: str
    workstream: str
    due: Period | None
    last_due: Period | None
    last_status: str | None
    last_percent: float | None
    last_comment: str | None
    changed: str


def plan_identity(plan: Plan) -> str:
    """How a workbook names its plan, so one for another plan is refused on return."""
    return f"{plan.organisation}: {plan.title} ({plan.start} to {plan.end})"


def action_rows(
    plan: Plan, refs: Sequence[str], updates: Sequence[ActionUpdate], period: Period
) -> list[ActionRow]:
    actions = plan.actions()
    history: dict[str, list[ActionUpdate]] = {}
    for u in sorted(updates, key=lambda u: u.period):
        if u.period < period:
            history.setdefault(u.ref, []).append(u)
    rows: list[ActionRow] = []
    for ref in refs:
        rec, action = actions[ref]
        past = history.get(ref, [])
        last = past[-1] if past else None
        revised = next((u.revised_due for u in reversed(past) if u.revised_due), None)
        comment = f"{last.period.label}: {last.comment}" if last and last.comment else None
        rows.append(
            ActionRow(
                ref=ref,
                recommendation=rec.ref,
                text=action.text,
                workstream=plan.workstream(action.workstream).name,
                due=action.due,
                last_due=revised,
                last_status=last.status if last else None,
                last_percent=last.percent_complete if last else None,
                last_comment=comment,
                changed=what_changed(past, revised or action.due, period),
            )
        )
    return rows


def what_changed(past: Sequence[ActionUpdate], due: Period | None, period: Period) -> str:
    """The news a lead should react to: a slipped date, a status change, a silence."""
    notes: list[str] = []
    if due is not None and due < period:
        notes.append(f"due {due.label} has passed")
    if not past:
        notes.append("no update yet")
        return "; ".join(notes)
    last = past[-1]
    if last.period < period.shift(-1):
        notes.append(f"no update since {last.period.label}")
    if len(past) >= 2:
        before = past[-2]
        if before.status != last.status:
            notes.append(f"{before.status} to {last.status} in {last.period.label}")
        if last.revised_due and last.revised_due != before.revised_due:
            notes.append(f"revised due set to {last.revised_due.label} in {last.period.label}")
        if last.percent_complete is not None and before.percent_complete is not None:
            moved = last.percent_complete - before.percent_complete
            if moved:
                notes.append(f"{moved:+g} points in {last.period.label}")
    return "; ".join(notes) or "no change last month"
