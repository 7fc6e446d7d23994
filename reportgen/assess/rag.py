"""RAG for one KPI in one month.

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


def kpi_rag(kpi: Kpi, value: float | None, target: TargetAt, rules: RagRules) -> Status:
    """The KPI's status for one month; :func:`reportgen.present.reasons.kpi_reason` says why."""
    if kpi.measure != "quantitative":
        return "grey"
    if value is None:
        return "no-data"
    if target.value is None or kpi.direction == "neither":
        return "grey"
    gap = shortfall(kpi, value, target.value)
    if abs(gap) <= 1e-9 and _strict(kpi, target):
        return "amber"  # on a "less than" target, not beyond it
    if gap <= 1e-9:
        return "green"
    return "amber" if gap <= tolerance(kpi, target.value, rules) + 1e-9 else "red"
