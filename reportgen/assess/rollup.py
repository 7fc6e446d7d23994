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

The reason names what drives a red or amber result (up to
:data:`NAMED_DRIVERS` KPIs or actions, most serious first) and counts the
rest, so the "why" can be read without opening the section.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.assess.drivers import drivers, named_reason
from reportgen.assess.results import ActionResult, KpiResult, Status, count_statuses
from reportgen.load.plan import RollupRules
from reportgen.present import labels
from reportgen.present.numbers import share

NAMED_DRIVERS = 2
"""How many drivers a reason names; a board reads one or two, not a list."""


def kpi_counts(kpis: Sequence[KpiResult]) -> dict[str, int]:
    return count_statuses(k.status for k in kpis)


def rollup(
    kpis: Sequence[KpiResult], actions: Sequence[ActionResult], rules: RollupRules
) -> tuple[Status, str]:
    """Computed RAG and its reason in words.

    For example "Red: KPI 6 Staff with appraisals 69.7% vs 95%, 25.3 points
    short; Action 3.2 overdue 6 weeks (due Nov 2019); also 2 KPIs amber".
    """
    judged = [k for k in kpis if k.status in ("red", "amber", "green")]
    red = [k for k in judged if k.status == "red"]
    amber = [k for k in judged if k.status == "amber"]
    overdue = [a for a in actions if a.state == "overdue"]
    blocked = [a for a in actions if a.state in ("blocked", "off track")]
    at_risk = [a for a in actions if a.state == "at risk"]
    worst_overdue = max((a.overdue_weeks or 0 for a in overdue), default=0)

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
    else:
        status = "green" if judged or actions else "grey"
    found = drivers(kpis, actions)
    if status in ("red", "amber") and found:
        named = found[:NAMED_DRIVERS]
        return status, named_reason(labels.rag(status), named, found[NAMED_DRIVERS:])
    facts: list[str] = []
    if judged:
        met = sum(1 for k in judged if k.status == "green")
        facts.append(f"{share(met, len(judged), 'KPI')} on target")
    if actions:
        done = sum(1 for a in actions if a.state == "complete")
        facts.append(f"{share(done, len(actions), 'action')} complete, none overdue")
    if not facts:
        facts = ["no KPI or action could be judged"]
    return status, f"{labels.rag(status)}: {', '.join(facts)}"
