"""What is driving a recommendation's RAG, named, and what to look at first.

A board member reading "Red: 4 of 8 KPIs red" still has to hunt for which
KPI and by how much. A driver names it: the KPI with its value against the
month's target and the gap, or the action with its state and how many weeks
it is overdue. The same ordering puts an action list's exceptions first, so
the one at-risk action of twenty is never on the third page.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.assess.results import ActionResult, Driver, KpiResult
from reportgen.present.numbers import plural, share, upper_first, value, weeks
from reportgen.present.sentences import gap_words

ACTION_ORDER: tuple[str, ...] = (
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
    return ACTION_ORDER.index(action.state) if action.state in ACTION_ORDER else len(ACTION_ORDER)


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


def kpi_driver_text(k: KpiResult) -> str:
    """``KPI 6 Staff with appraisals 69.7% vs 95%, 25.3 points short``."""
    gap = kpi_gap(k)
    if gap is None or k.value is None or k.target.value is None:
        return f"KPI {k.id} {k.title}: {k.reason}"
    return (
        f"KPI {k.id} {k.title} {value(k.value, k.unit, k.decimals)} vs "
        f"{value(k.target.value, k.unit, k.decimals)}, "
        f"{gap_words(gap, k.unit, k.decimals, k.direction)}"
    )


def action_driver_text(a: ActionResult) -> str:
    """``Action 9.6 at risk`` / ``Action 3.2 overdue 6 weeks (due Nov 2019)``."""
    due = f" (due {a.due.label})" if a.due is not None else ""
    if a.state == "overdue":
        return f"Action {a.ref} overdue {weeks(a.overdue_weeks or 0)}{due}"
    revised = f" (revised to {a.revised_due.label})" if a.revised_due is not None else ""
    return f"Action {a.ref} {a.state}{revised}"


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
            driver = Driver("kpi", k.id, k.status, k.status, kpi_driver_text(k))
            found.append((0 if k.status == "red" else 1, 0, -_kpi_weight(k), driver))
    for a in exceptions_first(actions):
        if a.state in EXCEPTION_STATES and a.status in ("red", "amber"):
            driver = Driver("action", a.ref, a.status, a.state, action_driver_text(a))
            found.append((0 if a.status == "red" else 1, 1, float(action_rank(a)), driver))
    found.sort(key=lambda t: t[:3])
    return tuple(d for *_, d in found)


def named_reason(label: str, named: Sequence[Driver], rest: Sequence[Driver]) -> str:
    """``Red: <driver>; <driver>; also 2 KPIs red, 1 action at risk``."""
    text = f"{label}: " + "; ".join(d.text for d in named)
    if rest:
        text += "; also " + _counts(rest)
    return text


def _counts(rest: Sequence[Driver]) -> str:
    parts: list[str] = []
    for kind, noun, states in (
        ("kpi", "KPI", ("red", "amber")),
        ("action", "action", ACTION_ORDER),
    ):
        for state in states:
            n = sum(1 for d in rest if d.kind == kind and d.state == state)
            if n:
                parts.append(f"{plural(n, noun)} {state}")
    return ", ".join(parts)


DELIVERED_SHARE = 0.75
"""Share of actions complete above which activity reads as delivered, whatever else."""
ON_COURSE_SHARE = 0.5
"""Share complete above which activity reads as delivered when no action is behind."""


def outcomes_against_activity(
    kpis: Sequence[KpiResult], actions: Sequence[ActionResult]
) -> str | None:
    """A sentence when outcomes (KPIs) and activity (actions) disagree, else None.

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
    n = len(actions)
    done = sum(1 for a in actions if a.state == "complete")
    behind = [a for a in actions if a.state in EXCEPTION_STATES]
    if red:
        delivered = done / n
        if delivered < DELIVERED_SHARE and (behind or delivered < ON_COURSE_SHARE):
            return None
        doing = f"{share(done, n, 'action')} {'is' if done == 1 else 'are'} complete"
        if done < n:
            doing += f" and {len(behind)} behind" if behind else " and none is behind"
        off = f"{share(red, len(judged), 'KPI')} {'is' if red == 1 else 'are'} red"
        if amber:
            off += f" and {amber} amber"
        return f"{upper_first(doing)}, yet {off}. Are the actions having the intended impact?"
    if not amber and behind:
        refs = ", ".join(a.ref for a in behind[:3]) + (" and others" if len(behind) > 3 else "")
        return (
            f"{upper_first(share(len(judged), len(judged), 'judged KPI'))} "
            f"{'is' if len(judged) == 1 else 'are'} on target although "
            f"{plural(len(behind), 'action')} {'is' if len(behind) == 1 else 'are'} behind "
            f"({refs}). Is the delay putting the improvement at risk, and is the action "
            "still needed?"
        )
    return None
