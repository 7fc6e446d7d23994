"""RAG for one KPI in one month, with the reason in words.

The rule is deliberately simple and printed in every pack's glossary so a
board member can check it by hand: green when the value is on or better than
the target for that month; amber when it falls short by no more than the
tolerance; red beyond it. Percent KPIs use a tolerance in percentage points
(``rag.amber_points``); others a share of the target (``rag.amber_relative``);
a KPI's own ``tolerance`` (in its unit) overrides both. KPIs without a
numeric target are grey; a month with no value is "no data", never a guess.
"""

from __future__ import annotations

from reportgen.assess.results import Status, TargetAt
from reportgen.load.plan import Kpi, RagRules
from reportgen.present.numbers import value as fmt_value
from reportgen.present.sentences import gap_words


def tolerance(kpi: Kpi, target: float, rules: RagRules) -> float:
    """Width of the amber band for this KPI and target, in the KPI's unit."""
    if kpi.tolerance is not None:
        return kpi.tolerance
    if kpi.unit == "percent":
        return rules.amber_points
    return abs(target) * rules.amber_relative


def shortfall(kpi: Kpi, value: float, target: float) -> float:
    """How far ``value`` is on the wrong side of ``target`` (<= 0 means met)."""
    if kpi.direction == "lower":
        return value - target
    return target - value


def _strict(kpi: Kpi, target: TargetAt) -> bool:
    """Whether this month's target is the plan's final one, worded 'less than' or 'more than'."""
    final = kpi.target
    return final is not None and final.strict and target.kind == "final"


def kpi_rag(kpi: Kpi, value: float | None, target: TargetAt, rules: RagRules) -> tuple[Status, str]:
    """Status and a one-line reason.

    For example "Red: 71% vs interim target 80% (Oct 2019), 9 points short".
    """
    if kpi.measure != "quantitative":
        return "grey", f"No target: judged through {kpi.measure}, not a numeric series"
    if value is None:
        return "no-data", "No data for this period"
    shown = fmt_value(value, kpi.unit, kpi.decimals)
    if target.value is None:
        return "grey", f"No target: {shown}; {target.label}"
    if kpi.direction == "neither":
        return "grey", f"No target direction: {shown} vs {target.label}"
    gap = shortfall(kpi, value, target.value)
    if abs(gap) <= 1e-9 and _strict(kpi, target):
        side = "below" if kpi.direction == "lower" else "above"
        return "amber", f"Amber: {shown} vs {target.label}, on it but not {side} it"
    if gap <= 1e-9:
        return "green", f"Green: {shown} vs {target.label}, met"
    words = gap_words(gap, kpi.unit, kpi.decimals, kpi.direction)
    band = tolerance(kpi, target.value, rules)
    if gap <= band + 1e-9:
        return "amber", f"Amber: {shown} vs {target.label}, {words}"
    return "red", f"Red: {shown} vs {target.label}, {words}"
