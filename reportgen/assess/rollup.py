"""One RAG per recommendation from its KPIs, actions and any override.

The rule (configurable under ``rag.rollup`` in the plan):

* **Red** when at least ``red_if_red_kpi_share`` of the KPIs that have a
  RAG are red, or any action is overdue by more than
  ``red_if_overdue_weeks`` weeks, or (``red_if_blocked``) any action is
  blocked or reported off track.
* **Amber** when (``amber_if_any_red_kpi``) any KPI is red, any KPI is amber,
  any action is at risk, or (``amber_if_any_overdue``) any action is overdue.
* **Green** otherwise, if anything could be judged; **grey** ("No target")
  when nothing could.

A lead's note may override the result; an override must carry a reason and
is always shown as an override, beside the computed RAG.

What drives a red or amber result is recorded with the recommendation
(:func:`reportgen.assess.drivers.drivers`), so its reason can name them.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.assess.results import ActionResult, KpiResult, Status, count_statuses
from reportgen.load.plan import RollupRules


def kpi_counts(kpis: Sequence[KpiResult]) -> dict[str, int]:
    return count_statuses(k.status for k in kpis)


def rollup(
    kpis: Sequence[KpiResult], actions: Sequence[ActionResult], rules: RollupRules
) -> Status:
    """The computed RAG; :func:`reportgen.present.reasons.computed_reason` says why."""
    judged = [k for k in kpis if k.status in ("red", "amber", "green")]
    red = [k for k in judged if k.status == "red"]
    amber = [k for k in judged if k.status == "amber"]
    overdue = [a for a in actions if a.state == "overdue"]
    blocked = [a for a in actions if a.state in ("blocked", "off track")]
    at_risk = [a for a in actions if a.state == "at risk"]
    worst_overdue = max((a.overdue_weeks or 0 for a in overdue), default=0)

    if (
        (red and len(red) / len(judged) >= rules.red_if_red_kpi_share)
        or (overdue and worst_overdue > rules.red_if_overdue_weeks)
        or (blocked and rules.red_if_blocked)
    ):
        return "red"
    if (
        (red and rules.amber_if_any_red_kpi)
        or amber
        or at_risk
        or (overdue and rules.amber_if_any_overdue)
        or blocked
    ):
        return "amber"
    return "green" if judged or actions else "grey"
