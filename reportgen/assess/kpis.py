"""Assess one KPI for one month: value, target, RAG, travel and SPC.

A KPI's series is its organisation-wide values (rows without a team); team
breakdowns are carried in the data but not judged against plan targets,
which the plan sets for the whole service.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from reportgen.assess import spc as spc_mod
from reportgen.assess.rag import kpi_rag
from reportgen.assess.results import Comparison, KpiResult, Movement, Travel
from reportgen.assess.targets import target_at
from reportgen.load.plan import Kpi, RagRules
from reportgen.load.records import DataPoint
from reportgen.periods import Period, period_range


def series_for(kpi_id: str, points: Sequence[DataPoint]) -> dict[Period, float]:
    """Whole-service values for one KPI, by month."""
    return {p.period: p.value for p in points if p.kpi == kpi_id and p.team is None}


def parts_for(kpi_id: str, points: Sequence[DataPoint]) -> dict[Period, tuple[float, float]]:
    """Whole-service numerator and denominator by month, where both are supplied."""
    return {
        p.period: (p.numerator, p.denominator)
        for p in points
        if p.kpi == kpi_id
        and p.team is None
        and p.numerator is not None
        and p.denominator is not None
    }


def travel(kpi: Kpi, now: float, then: float) -> Travel:
    change = now - then
    if abs(change) < 1e-9:
        return "no change"
    if kpi.direction == "neither":
        return "up" if change > 0 else "down"
    better = change > 0 if kpi.direction == "higher" else change < 0
    return "improving" if better else "deteriorating"


def movement(
    direction: str, previous: Comparison | None, spc: spc_mod.SpcResult | None, period: Period
) -> Movement:
    """See :data:`Movement`: SPC decides when it can, else the raw move."""
    latest = spc.latest if spc is not None else None
    segment = spc.latest_segment if spc is not None else None
    if (
        latest is not None
        and segment is not None
        and segment.has_limits
        and latest.period == period
        and latest.point_type is not None
    ):
        if latest.point_type == "special_cause_improvement":
            return "improving"
        if latest.point_type == "special_cause_concern":
            return "deteriorating"
        if latest.point_type == "special_cause_neutral":
            return "higher" if latest.side == "high" else "lower"
        return "no significant change"
    if previous is None:
        return "n/a"
    raw = previous.travel
    if raw == "up":
        return "higher"
    if raw == "down":
        return "lower"
    return raw


def _compare(kpi: Kpi, values: dict[Period, float], now: Period, then: Period) -> Comparison | None:
    if now not in values:
        return None
    old = values.get(then)
    if old is None:
        return Comparison(then, None, None, "n/a")
    return Comparison(then, old, values[now] - old, travel(kpi, values[now], old))


def assess_kpi(
    kpi: Kpi,
    recommendation: str,
    values: dict[Period, float],
    period: Period,
    first_period: Period,
    rules: RagRules,
    rebase: Sequence[Period] = (),
    parts: dict[Period, tuple[float, float]] | None = None,
    as_at: Period | None = None,
) -> KpiResult:
    """Judge ``kpi`` in ``period`` using only values up to that month.

    How old the latest value is (and so whether it is stale) is judged from
    ``as_at``, the month of the as-at date (default: ``period``): a pack
    built "as at" long after its data says the data is old.
    """
    months = period_range(first_period, period) if period >= first_period else [period]
    known = {p: v for p, v in values.items() if p <= period}
    first = min(known) if known else None
    start = (first, known[first]) if first is not None else None
    target = target_at(kpi, period, start)
    value = known.get(period)
    status = kpi_rag(kpi, value, target, rules)
    latest_period = max(known) if known else None
    latest_value = known[latest_period] if latest_period else None
    age = (as_at or period).months_since(latest_period) if latest_period else None
    stale = kpi.measure == "quantitative" and (
        latest_period is None or (age is not None and age > rules.stale_after_months)
    )
    series = tuple((p, known.get(p)) for p in months)
    month_targets = {p: target_at(kpi, p, start) for p in months}
    targets = tuple(month_targets[p].value for p in months)
    spc_result = _spc(kpi, series, targets, rebase) if kpi.measure == "quantitative" else None
    met_before = any(
        kpi_rag(kpi, v, month_targets.get(p) or target_at(kpi, p, start), rules) == "green"
        for p, v in known.items()
        if p < period
    )
    previous = _compare(kpi, known, period, period.shift(-1))
    numerator, denominator = (parts or {}).get(period, (None, None))
    return KpiResult(
        id=kpi.id,
        title=kpi.title,
        recommendation=recommendation,
        measure=kpi.measure,
        unit=kpi.unit,
        direction=kpi.direction,
        period=period,
        value=value,
        latest_value=latest_value,
        latest_period=latest_period,
        age_months=age,
        stale=stale,
        target=target,
        status=status,
        previous=previous,
        year_ago=_compare(kpi, known, period, period.shift(-12)),
        series=series,
        targets=targets,
        spc=spc_result,
        met_before=met_before,
        gaps=tuple(kpi.gaps),
        decimals=kpi.decimals,
        numerator=numerator if value is not None else None,
        denominator=denominator if value is not None else None,
        movement=movement(kpi.direction, previous, spc_result, period),
    )


def _spc(
    kpi: Kpi,
    series: tuple[tuple[Period, float | None], ...],
    targets: tuple[float | None, ...],
    rebase: Sequence[Period],
) -> spc_mod.SpcResult | None:
    present = [(p, v) for p, v in series if v is not None]
    if not present:
        return None
    improvement: Literal["increase", "decrease", "neutral"] = (
        "increase"
        if kpi.direction == "higher"
        else "decrease"
        if kpi.direction == "lower"
        else "neutral"
    )
    final = kpi.target.value if kpi.target is not None else None
    return spc_mod.spc(
        [v for _, v in series],
        [p for p, _ in series],
        improvement=improvement,
        target=final if kpi.direction != "neither" else None,
        rebase=list(rebase),
        resolution=1.0 if kpi.unit == "count" else None,  # counts move in whole steps
    )
