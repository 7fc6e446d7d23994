"""What is driving a recommendation's RAG, named, and what to look at first.

A board member reading "Red: 4 of 8 KPIs red" still has to hunt for which
KPI and by how much. A driver names it: the KPI with its value against the
month's target and the gap, or the action with its state and how many weeks
it is overdue. The same ordering puts an action list's exceptions first, so
the one at-risk action of twenty is never on the third page.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.assess.results import (
    ActionResult,
    ActionState,
    Driver,
    KpiResult,
    OutcomesAgainstActivity,
)

ACTION_ORDER: tuple[ActionState, ...] = (
    "blocked",
    "overdue",
    "off track",
    "at risk",
    "due soon",
    "on track",
    "not started",
    "no due date",
    "complete",
)
"""Action states in the order a board reads them: what needs help first."""

EXCEPTION_STATES = frozenset({"blocked", "overdue", "off track", "at risk"})
"""States that make an action an exception to report by name."""


def action_rank(action: ActionResult) -> int:
    return ACTION_ORDER.index(action.state)


def exceptions_first(actions: Sequence[ActionResult]) -> tuple[ActionResult, ...]:
    """Actions by urgency (longest overdue first), plan order within a state."""
    indexed = list(enumerate(actions))
    indexed.sort(key=lambda ia: (action_rank(ia[1]), -(ia[1].overdue_weeks or 0), ia[0]))
    return tuple(a for _, a in indexed)


def kpi_gap(k: KpiResult) -> float | None:
    """How far the month's value is on the wrong side of the month's target."""
    if k.value is None or k.target.value is None or k.direction == "neither":
        return None
    return k.value - k.target.value if k.direction == "lower" else k.target.value - k.value


def _kpi_weight(k: KpiResult) -> float:
    """Bigger for KPIs further from target, relative to the target's size."""
    gap = kpi_gap(k) or 0.0
    target = abs(k.target.value or 0.0)
    return gap / target if target > 1e-9 else gap


def drivers(kpis: Sequence[KpiResult], actions: Sequence[ActionResult]) -> tuple[Driver, ...]:
    """Every red or amber KPI and exception action, most serious first.

    Red before amber; within a colour, KPIs (the outcomes) before actions,
    KPIs furthest from target first, actions in :data:`ACTION_ORDER`.
    """
    found: list[tuple[int, int, float, Driver]] = []
    for k in kpis:
        if k.status in ("red", "amber"):
            driver = Driver("kpi", k.id, k.status, k.status, k)
            found.append((0 if k.status == "red" else 1, 0, -_kpi_weight(k), driver))
    for a in exceptions_first(actions):
        if a.state in EXCEPTION_STATES and a.status in ("red", "amber"):
            driver = Driver("action", a.ref, a.status, a.state, a)
            found.append((0 if a.status == "red" else 1, 1, float(action_rank(a)), driver))
    found.sort(key=lambda t: t[:3])
    return tuple(d for *_, d in found)


DELIVERED_SHARE = 0.75
"""Share of actions complete above which activity reads as delivered, whatever else."""
ON_COURSE_SHARE = 0.5
"""Share complete above which activity reads as delivered when no action is behind."""


def outcomes_against_activity(
    kpis: Sequence[KpiResult], actions: Sequence[ActionResult]
) -> OutcomesAgainstActivity | None:
    """Whether outcomes (KPIs) and activity (actions) disagree, and which way.

    KPIs red while the actions are largely complete asks whether the actions
    are having an impact; KPIs on target while actions are behind asks
    whether the late actions still matter. Both are what a board most needs
    asked, and neither shows in a RAG alone.
    """
    judged = [k for k in kpis if k.status in ("red", "amber", "green")]
    red = sum(1 for k in judged if k.status == "red")
    amber = sum(1 for k in judged if k.status == "amber")
    if not judged or not actions:
        return None
    done = sum(1 for a in actions if a.state == "complete")
    behind = any(a.state in EXCEPTION_STATES for a in actions)
    if red:
        delivered = done / len(actions)
        if delivered < DELIVERED_SHARE and (behind or delivered < ON_COURSE_SHARE):
            return None
        return "kpis-red-actions-done"
    if not amber and behind:
        return "kpis-met-actions-behind"
    return None
