"""Assess a whole project for one month: the single source of every number.

Every pack (summary, recommendation, board, workstream) is drawn from one
:class:`Assessment`, so the same KPI never shows two different RAGs in two
packs. The previous month is assessed the same way to derive direction of
travel and "what changed".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from reportgen.assess.actions import assess_action, delivered_on_time_share
from reportgen.assess.changes import changes
from reportgen.assess.drivers import drivers, outcomes_against_activity
from reportgen.assess.kpis import assess_kpi, parts_for, series_for
from reportgen.assess.results import (
    ActionResult,
    Assessment,
    Override,
    RagTravel,
    RecommendationResult,
    Status,
    WorkstreamResult,
)
from reportgen.assess.rollup import kpi_counts, rollup
from reportgen.load.plan import Plan, Recommendation
from reportgen.load.records import ActionUpdate, DataPoint, Note, Project
from reportgen.periods import Period

_RANK = {"red": 0, "amber": 1, "green": 2}


def _assess_recommendation(
    plan: Plan,
    rec: Recommendation,
    points: Sequence[DataPoint],
    updates: Sequence[ActionUpdate],
    note: Note | None,
    period: Period,
    as_of: date,
) -> RecommendationResult:
    kpis = tuple(
        assess_kpi(
            k,
            rec.ref,
            series_for(k.id, points),
            period,
            plan.start,
            plan.rag,
            rebase=[r.period for r in k.rebase],
            parts=parts_for(k.id, points),
            as_at=Period.of(as_of),
        )
        for k in rec.kpis
    )
    actions = tuple(
        assess_action(a, rec.ref, updates, period, as_of, plan.rag) for a in rec.actions
    )
    computed = rollup(kpis, actions, plan.rag.rollup)
    override = None
    status = computed
    if note is not None and note.rag_override is not None:
        override = Override(note.rag_override, note.override_reason or "", note.author)
        status = note.rag_override
    return RecommendationResult(
        ref=rec.ref,
        title=rec.display_title,
        status=status,
        computed_status=computed,
        override=override,
        kpis=kpis,
        actions=actions,
        kpi_counts=kpi_counts(kpis),
        note=note,
        travel="n/a",
        previous_status=None,
        drivers=drivers(kpis, actions),
        outcomes_against_activity=outcomes_against_activity(kpis, actions),
    )


def _travel(now: Status, before: Status | None) -> RagTravel:
    if before is None or now not in _RANK or before not in _RANK:
        return "n/a"
    if _RANK[now] > _RANK[before]:
        return "improving"
    if _RANK[now] < _RANK[before]:
        return "deteriorating"
    return "no change"


def _month(project: Project, period: Period, as_of: date) -> list[RecommendationResult]:
    notes = {(n.recommendation, n.period): n for n in project.notes}
    return [
        _assess_recommendation(
            project.plan,
            rec,
            project.points,
            project.updates,
            notes.get((rec.ref, period)),
            period,
            as_of,
        )
        for rec in project.plan.recommendations
    ]


def assess(project: Project, period: Period, as_of: date | None = None) -> Assessment:
    """Assess every recommendation, KPI and action for ``period``.

    ``as_of`` (default: the last day of the period) is the date against which
    actions are judged overdue; data after ``period`` is never used.
    """
    as_of = as_of or period.last_day
    now = _month(project, period, as_of)
    before_period = period.shift(-1)
    before = (
        {r.ref: r for r in _month(project, before_period, before_period.last_day)}
        if before_period >= project.plan.start
        else {}
    )
    recs = tuple(
        replace(
            r,
            travel=_travel(r.status, before[r.ref].status if r.ref in before else None),
            previous_status=before[r.ref].status if r.ref in before else None,
            changes=tuple(changes(r, before.get(r.ref))),
        )
        for r in now
    )
    all_actions = [a for r in recs for a in r.actions]
    workstreams = tuple(
        WorkstreamResult(
            id=ws.id,
            name=ws.name,
            actions=tuple(a for a in all_actions if a.workstream == ws.id),
            recommendations=tuple(
                r.ref for r in recs if any(a.workstream == ws.id for a in r.actions)
            ),
            action_counts=_state_counts([a for a in all_actions if a.workstream == ws.id]),
        )
        for ws in project.plan.workstreams
    )
    return Assessment(
        plan=project.plan,
        period=period,
        as_of=as_of,
        recommendations=recs,
        workstreams=workstreams,
        on_time=delivered_on_time_share(all_actions),
        warnings=tuple(project.warnings),
    )


def _state_counts(actions: Sequence[ActionResult]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for a in actions:
        counts[a.state] = counts.get(a.state, 0) + 1
    return dict(sorted(counts.items()))
