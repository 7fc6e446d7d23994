"""Where each action stands as at a date, and how far delivery has slipped.

Dates in the plan are months ("Nov 2019"), so an action is due by the end of
its due month. The latest update on or before the reporting month gives the
lead's status and any revised due date; an action with no update is judged
on its dates alone. Overdue is counted in whole weeks past the end of the
effective (revised, else original) due month, because "6 weeks overdue" is
how boards talk about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportgen.assess.results import ActionResult, ActionState, Status
from reportgen.load.plan import Action, RagRules
from reportgen.load.records import ActionUpdate
from reportgen.periods import Period


def assess_action(
    action: Action,
    recommendation: str,
    updates: Sequence[ActionUpdate],
    period: Period,
    as_of: date,
    rules: RagRules,
) -> ActionResult:
    """Status of ``action`` as at ``as_of``, from updates up to ``period``."""
    mine = sorted(
        (u for u in updates if u.ref == action.ref and u.period <= period), key=lambda u: u.period
    )
    latest = mine[-1] if mine else None
    revised = next((u.revised_due for u in reversed(mine) if u.revised_due), None)
    due = revised or action.due
    completed_in = next((u.period for u in mine if u.status == "complete"), None)
    if latest is not None and latest.status != "complete":
        completed_in = None  # re-opened after being reported complete
    if latest is not None and latest.completed_on is not None and completed_in is not None:
        completed_in = Period.of(latest.completed_on)
    on_time = (
        completed_in <= action.due if completed_in is not None and action.due is not None else None
    )
    slippage = revised.months_since(action.due) if revised and action.due else None

    overdue_weeks: int | None = None
    reported = latest.status if latest else None
    state: ActionState
    if completed_in is not None:
        state = "complete"
    elif reported == "blocked":
        state = "blocked"
    elif due is not None and as_of > due.last_day:
        state = "overdue"
        overdue_weeks = max(1, (as_of - due.last_day).days // 7)
    elif reported in ("off track", "at risk"):
        state = reported
    elif due is not None and (due.last_day - as_of).days <= rules.due_soon_weeks * 7:
        state = "due soon"
    elif reported == "not started":
        state = "not started"
    elif due is None and reported is None:
        state = "no due date"
    else:
        state = "on track"

    status = _rag(state, overdue_weeks, rules)
    return ActionResult(
        ref=action.ref,
        text=action.text,
        leads=tuple(action.leads),
        workstream=action.workstream,
        recommendation=recommendation,
        original_due=action.due,
        revised_due=revised,
        due_as_written=action.due_as_written,
        state=state,
        status=status,
        overdue_weeks=overdue_weeks,
        slippage_months=slippage,
        completed_in=completed_in,
        on_time=on_time,
        reported_status=reported,
        percent_complete=latest.percent_complete if latest else None,
        comment=latest.comment if latest else None,
        updated_in=latest.period if latest else None,
        gaps=tuple(action.gaps),
    )


def _rag(state: ActionState, overdue_weeks: int | None, rules: RagRules) -> Status:
    if state in ("blocked", "off track"):
        return "red"
    if state == "overdue":
        return "red" if (overdue_weeks or 0) > rules.rollup.red_if_overdue_weeks else "amber"
    if state == "at risk":
        return "amber"
    if state == "no due date":
        return "grey"
    return "green"


def delivered_on_time_share(results: Sequence[ActionResult]) -> tuple[int, int]:
    """(delivered by original date, completed with an original date)."""
    judged = [r for r in results if r.on_time is not None]
    return sum(1 for r in judged if r.on_time), len(judged)
