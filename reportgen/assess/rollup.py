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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportgen.assess.actions import ActionResult
from reportgen.assess.kpis import KpiResult
from reportgen.assess.rag import Status, count_statuses
from reportgen.load.plan import RollupRules
from reportgen.present import labels
from reportgen.present.numbers import plural, share, weeks


@dataclass(frozen=True)
class Override:
    status: Status
    reason: str
    author: str


def kpi_counts(kpis: Sequence[KpiResult]) -> dict[str, int]:
    return count_statuses(k.status for k in kpis)


def rollup(
    kpis: Sequence[KpiResult], actions: Sequence[ActionResult], rules: RollupRules
) -> tuple[Status, str]:
    """Computed RAG and its reason in words.

    For example "Amber: 2 of 6 KPIs red, 1 action overdue 6 weeks".
    """
    judged = [k for k in kpis if k.status in ("red", "amber", "green")]
    red = [k for k in judged if k.status == "red"]
    amber = [k for k in judged if k.status == "amber"]
    overdue = [a for a in actions if a.state == "overdue"]
    blocked = [a for a in actions if a.state in ("blocked", "off track")]
    at_risk = [a for a in actions if a.state == "at risk"]
    worst_overdue = max((a.overdue_weeks or 0 for a in overdue), default=0)

    facts: list[str] = []
    if red:
        facts.append(f"{share(len(red), len(judged), 'KPI')} red")
    if amber:
        facts.append(f"{share(len(amber), len(judged), 'KPI')} amber")
    if overdue:
        n = len(overdue)
        facts.append(
            f"{plural(n, 'action')} overdue"
            + (f" (longest {weeks(worst_overdue)})" if n > 1 else f" {weeks(worst_overdue)}")
        )
    if blocked:
        facts.append(f"{plural(len(blocked), 'action')} blocked or off track")
    if at_risk:
        facts.append(f"{plural(len(at_risk), 'action')} at risk")

    status: Status
    if (
        (red and len(red) / len(judged) >= rules.red_if_red_kpi_share)
        or (overdue and worst_overdue > rules.red_if_overdue_weeks)
        or (blocked and rules.red_if_blocked)
    ):
        status = "red"
    elif (
        (red and rules.amber_if_any_red_kpi)
        or amber
        or at_risk
        or (overdue and rules.amber_if_any_overdue)
        or blocked
    ):
        status = "amber"
    elif judged or actions:
        status = "green"
        done = sum(1 for a in actions if a.state == "complete")
        bits = []
        if judged:
            bits.append(f"{share(len(judged), len(judged), 'KPI')} on target")
        if actions:
            bits.append(f"{share(done, len(actions), 'action')} complete, none overdue")
        facts = bits
    else:
        status = "grey"
        facts = ["no KPI or action could be judged"]
    return status, f"{labels.rag(status)}: {', '.join(facts)}"
