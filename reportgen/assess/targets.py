"""A KPI's target at any month: the final target or the trajectory towards it.

Plans set a final target and sometimes interim targets ("70% by Oct 2019,
95% by Mar 2020"). Between those milestones a board expects steady progress,
so the target for a month is read off a straight line joining the starting
point (the stated baseline, or else the first value reported) to each
milestone in turn. After the last milestone the last target holds. Before
the first milestone with no starting point, the first milestone's value
holds. "TBC" and audit-judged measures have no numeric target and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from reportgen.assess.results import TargetAt
from reportgen.load.plan import Kpi
from reportgen.periods import Period


@dataclass(frozen=True)
class Milestone:
    period: Period
    value: float
    kind: Literal["start", "interim", "final"]


def milestones(kpi: Kpi, start: tuple[Period, float] | None) -> list[Milestone]:
    """Dated points the trajectory passes through, in order.

    ``start`` is the first reported value, used when the plan states no
    baseline. A final target without a date has no place on the line and is
    handled by :func:`target_at`.
    """
    points: list[Milestone] = []
    if kpi.baseline is not None:
        period = kpi.baseline.period or (start[0] if start else None)
        if period is not None:
            points.append(Milestone(period, kpi.baseline.value, "start"))
    elif start is not None:
        points.append(Milestone(start[0], start[1], "start"))
    for interim in kpi.interim_targets:
        points.append(Milestone(interim.by, interim.value, "interim"))
    if kpi.target is not None and kpi.target.value is not None and kpi.target.by is not None:
        points.append(Milestone(kpi.target.by, kpi.target.value, "final"))
    # A start after the first milestone (data began late) cannot anchor the line.
    if len(points) > 1 and points[0].kind == "start" and points[0].period >= points[1].period:
        points = points[1:]
    return points


def target_at(kpi: Kpi, period: Period, start: tuple[Period, float] | None = None) -> TargetAt:
    """The target for ``period``; see the module docstring for the rule."""
    if kpi.measure != "quantitative":
        return TargetAt(None, "not-numeric")
    if kpi.target is not None and kpi.target.tbc and not kpi.interim_targets:
        return TargetAt(None, "tbc")
    final = kpi.target.value if kpi.target is not None else None
    points = milestones(kpi, start)
    goals = [m for m in points if m.kind != "start"]
    if not goals:
        return TargetAt(None, "none") if final is None else TargetAt(final, "final")

    last = goals[-1]
    if period >= last.period:
        undated_final = kpi.target is None or kpi.target.by is None
        if final is not None and undated_final and last.kind == "interim" and period > last.period:
            # Undated final target: it applies once the last interim date has passed.
            return TargetAt(final, "final")
        return _at_milestone(last)
    first = points[0]
    if period <= first.period:
        if first.kind == "start":
            return TargetAt(first.value, "trajectory", goals[0].period, start=first.period)
        return _at_milestone(first)
    for before, after in pairwise(points):
        if before.period <= period <= after.period:
            if period == after.period:
                return _at_milestone(after)
            span = after.period.months_since(before.period)
            done = period.months_since(before.period)
            target = before.value + (after.value - before.value) * done / span
            return TargetAt(round(target, 2), "trajectory", after.period, towards=after.value)
    return _at_milestone(last)  # pragma: no cover - loop covers every gap


def _at_milestone(m: Milestone) -> TargetAt:
    return TargetAt(m.value, "interim" if m.kind == "interim" else "final", m.period)


def trajectory(
    kpi: Kpi, periods: list[Period], start: tuple[Period, float] | None
) -> list[float | None]:
    """Target for each month, for charts (None where there is no numeric target)."""
    return [target_at(kpi, p, start).value for p in periods]
