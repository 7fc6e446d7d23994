"""What a KPI's trend chart shows, worked out from its assessment and its plan entry.

The drawing code (:mod:`reportgen.render.charts`) takes plain values; this
module decides which values. It needs the plan's own KPI as well as the
month's assessment because the month's target is not the goal: a KPI on a
trajectory ("9 days by Dec 2024, 5 days by Sep 2025") has a different target
every month, and the chart's target line must show where the plan is heading
(5 days by Sep 2025), with the trajectory drawn through its milestones.
"""

from __future__ import annotations

from reportgen.assess import spc as spc_mod
from reportgen.assess.results import KpiResult
from reportgen.assess.targets import milestones
from reportgen.load.plan import Kpi
from reportgen.periods import Period
from reportgen.present import sentences
from reportgen.render.charts import ChartSpec, SpecialCause


def chart_spec(k: KpiResult, kpi: Kpi) -> ChartSpec | None:
    """What ``k``'s trend chart shows; None when there is nothing to draw."""
    if not k.quantitative or not any(v is not None for _, v in k.series):
        return None
    periods = tuple(p for p, _ in k.series)
    goal, goal_by, interim = _goal(kpi)
    start = next((p, v) for p, v in k.series if v is not None)
    trajectory: tuple[tuple[Period, float], ...] = tuple(
        (p, t) for (p, _), t in zip(k.series, k.targets, strict=True) if t is not None
    )
    # Milestones after the last month carry the line on to the goal's marker.
    later = [m for m in milestones(kpi, start) if m.period > periods[-1]]
    trajectory += tuple((m.period, m.value) for m in later)
    if len({t for _, t in trajectory}) <= 1:
        trajectory = ()  # a flat line is just the target line
    mean: tuple[float | None, ...] = ()
    lower: tuple[float | None, ...] = ()
    upper: tuple[float | None, ...] = ()
    special: tuple[SpecialCause | None, ...] = ()
    recalculated: tuple[tuple[Period, str], ...] = ()
    provisional = False
    notes: list[str] = []
    if k.spc is not None and any(pt.upper_limit is not None for pt in k.spc.points):
        by_period = {pt.period: pt for pt in k.spc.points}
        pts = [by_period.get(p) for p in periods]
        mean = tuple(pt.mean if pt else None for pt in pts)
        lower = tuple(pt.lower_limit if pt else None for pt in pts)
        upper = tuple(pt.upper_limit if pt else None for pt in pts)
        special = tuple(_special(pt.point_type) if pt else None for pt in pts)
        recalculated = _recalculated(k.spc, kpi)
        notes += [sentences.recalculation_note(p, why) for p, why in recalculated]
        latest = k.spc.latest_segment
        if latest is not None and latest.trial_limits:
            provisional = True
            notes.append(sentences.provisional_limits_note(latest.n_baseline))
        if (shift := k.spc.sustained_shift) is not None:
            notes.append(sentences.shift_note(shift.period))
        if k.spc.chunky:
            notes.append(sentences.SMALL_COUNTS_NOTE)
    return ChartSpec(
        title=f"KPI {k.id}: {k.title}",
        periods=periods,
        values=tuple(v for _, v in k.series),
        unit=k.unit or "number",
        direction=k.direction,
        target=goal,
        target_by=goal_by,
        target_interim=interim,
        trajectory=trajectory,
        mean=mean,
        lower=lower,
        upper=upper,
        special=special,
        decimals=k.decimals,
        recalculated=recalculated,
        provisional_limits=provisional,
        notes=tuple(notes),
    )


def _recalculated(result: spc_mod.SpcResult, kpi: Kpi) -> tuple[tuple[Period, str], ...]:
    """Where each later set of limits starts, with the plan's reason for it.

    A recalculation month with no value starts the new limits at the next
    month shown, so each segment takes the reason of the last recorded
    recalculation at or before its first month.
    """
    out: list[tuple[Period, str]] = []
    for segment in result.segments[1:]:
        recorded = [r for r in kpi.rebase if r.period <= segment.start]
        if recorded:
            out.append((segment.start, max(recorded, key=lambda r: r.period).reason))
    return tuple(out)


def _goal(kpi: Kpi) -> tuple[float | None, Period | None, bool]:
    """Where the plan is heading: its final target, else its last interim target.

    Returns the value, its date and whether it is an interim target. A plan
    with interim targets and a final target "to be confirmed" still shows the
    last milestone it does give.
    """
    if kpi.target is not None and kpi.target.value is not None:
        return kpi.target.value, kpi.target.by, False
    if kpi.interim_targets:
        last = max(kpi.interim_targets, key=lambda t: t.by)
        return last.value, last.by, True
    return None, None, False


def _special(point_type: str | None) -> SpecialCause | None:
    if point_type == "special_cause_improvement":
        return "improvement"
    if point_type == "special_cause_concern":
        return "concern"
    if point_type == "special_cause_neutral":
        return "neutral"
    return None
