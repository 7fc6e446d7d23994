"""Why each status is what it is, in words: reasons, drivers, changes, action states.

``assess`` decides a status and records the facts behind it (the value and
target, the KPIs and actions driving it, what moved since last month); this
module says it, for the packs, the ``assess`` table, the JSON export and the
manifest alike. Each function reads only the result it is given, so the
reason printed beside a RAG can be checked against the numbers beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.assess.drivers import ACTION_ORDER, EXCEPTION_STATES, kpi_gap
from reportgen.assess.results import (
    ACTION_CHANGES,
    ActionResult,
    Change,
    Driver,
    KpiResult,
    RecommendationResult,
)
from reportgen.present import labels
from reportgen.present.numbers import plural, share, upper_first, value, weeks
from reportgen.present.sentences import (
    gap_words,
    override_reason,
    spc_sentence,
    target_label,
)

NAMED_DRIVERS = 2
"""How many drivers a reason names; a board reads one or two, not a list."""


def kpi_reason(k: KpiResult) -> str:
    """A KPI's RAG in one line: ``Red: 71% vs interim target 80% (Oct 2019), 9 points short``."""
    if k.measure != "quantitative":
        return f"No target: judged through {k.measure}, not a numeric series"
    if k.value is None:
        if k.latest_value is not None and k.latest_period is not None:
            age = k.age_months
            return (
                f"No data for {k.period.label}; last value "
                f"{value(k.latest_value, k.unit, k.decimals)} "
                f"in {k.latest_period.label} ({age} month{'s' if age != 1 else ''} old)"
            )
        return "No data for this period"
    shown = value(k.value, k.unit, k.decimals)
    target = target_label(k)
    if k.target.value is None:
        return f"No target: {shown}; {target}"
    gap = kpi_gap(k)
    if gap is None:
        return f"No target direction: {shown} vs {target}"
    if abs(gap) <= 1e-9 and k.status == "amber":  # a "less than" target met exactly
        side = "below" if k.direction == "lower" else "above"
        return f"Amber: {shown} vs {target}, on it but not {side} it"
    if gap <= 1e-9:
        return f"Green: {shown} vs {target}, met"
    words = gap_words(gap, k.unit, k.decimals, k.direction)
    return f"{labels.rag(k.status)}: {shown} vs {target}, {words}"


def action_reason(a: ActionResult) -> str:
    """An action's RAG in words: ``Overdue 6 weeks (due Aug 2019)``."""
    due = f" (due {a.due.label})" if a.due else ""
    if a.state == "complete":
        return "Complete"
    if a.state == "blocked":
        return f"Blocked{due}"
    if a.state == "overdue":
        return f"Overdue {weeks(a.overdue_weeks or 0)}{due}"
    if a.state in ("off track", "at risk"):
        return f"Reported {a.state}{due}"
    if a.state == "due soon":
        return f"Due soon{due}"
    if a.state == "no due date":
        return "No due date in the plan and no update"
    if a.reported_status is None:
        return f"Not yet due{due}; no update"
    return f"{a.reported_status.capitalize()}{due}"


def state_label(a: ActionResult) -> str:
    """An action's state in a table cell: ``Overdue 6 wk``, ``At risk``."""
    if a.state == "overdue" and a.overdue_weeks is not None:
        return f"Overdue {a.overdue_weeks} wk"
    return labels.ACTION_STATES[a.state]


def kpi_driver_text(k: KpiResult) -> str:
    """``KPI 6 Staff with appraisals 69.7% vs 95%, 25.3 points short``."""
    gap = kpi_gap(k)
    if gap is None or k.value is None or k.target.value is None:
        return f"KPI {k.id} {k.title}: {kpi_reason(k)}"
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


def driver_text(d: Driver) -> str:
    """What drives a red or amber recommendation, named, with its figures."""
    if isinstance(d.result, KpiResult):
        return kpi_driver_text(d.result)
    return action_driver_text(d.result)


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


def computed_reason(r: RecommendationResult) -> str:
    """The roll-up's reason, naming what drives a red or amber result.

    ``Red: KPI 6 Staff with appraisals 69.7% vs 95%, 25.3 points short;
    Action 3.2 overdue 6 weeks (due Nov 2019); also 2 KPIs amber``; for a
    green or grey result, how much is on target and complete.
    """
    status = r.computed_status
    label = labels.rag(status)
    if status in ("red", "amber") and r.drivers:
        text = f"{label}: " + "; ".join(driver_text(d) for d in r.drivers[:NAMED_DRIVERS])
        if rest := r.drivers[NAMED_DRIVERS:]:
            text += "; also " + _counts(rest)
        return text
    judged = [k for k in r.kpis if k.status in ("red", "amber", "green")]
    facts: list[str] = []
    if judged:
        met = sum(1 for k in judged if k.status == "green")
        facts.append(f"{share(met, len(judged), 'KPI')} on target")
    if r.actions:
        done = sum(1 for a in r.actions if a.state == "complete")
        facts.append(f"{share(done, len(r.actions), 'action')} complete, none overdue")
    if not facts:
        facts = ["no KPI or action could be judged"]
    return f"{label}: {', '.join(facts)}"


def recommendation_reason(r: RecommendationResult) -> str:
    """The reason shown beside a recommendation's RAG: the override's, when a lead overrode it."""
    if r.override is None:
        return computed_reason(r)
    o = r.override
    return override_reason(r.status, o.author, o.reason, computed_reason(r))


def change_subject(c: Change) -> str:
    """What changed: ``Recommendation 2``, ``KPI 27``, ``Action 2.1``."""
    if c.kind in ("rag-improved", "rag-worsened"):
        return f"Recommendation {c.ref}"
    if c.kind in ACTION_CHANGES:
        return f"Action {c.ref}"
    return f"KPI {c.ref}"


def change_text(c: Change) -> str:
    """One change since last month in words."""
    if c.kind in ("rag-improved", "rag-worsened"):
        return f"Overall RAG moved from {labels.rag(c.before)} to {labels.rag(c.after)}"
    if c.kind == "kpi-rag":
        return f"KPI {c.ref} moved from {labels.rag(c.before)} to {labels.rag(c.after)}"
    if c.kind == "target-met":
        return f"KPI {c.ref} met its target for the first time"
    if c.kind == "new-signal":
        spc = c.kpi.spc if c.kpi is not None else None
        said = spc_sentence(spc, c.kpi.unit, c.kpi.decimals) if c.kpi and spc else "SPC signal"
        return f"KPI {c.ref}: new signal — {said}"
    if c.kind == "newly-overdue":
        return f"Action {c.ref} became overdue"
    return f"Action {c.ref} was completed"


def outcomes_text(r: RecommendationResult) -> str | None:
    """The question a board should ask when KPIs and actions disagree, else None.

    KPIs red while the actions are largely complete asks whether the actions
    are having an impact; KPIs on target while actions are behind asks
    whether the late actions still matter.
    """
    if r.outcomes_against_activity is None:
        return None
    judged = [k for k in r.kpis if k.status in ("red", "amber", "green")]
    red = sum(1 for k in judged if k.status == "red")
    amber = sum(1 for k in judged if k.status == "amber")
    n = len(r.actions)
    done = sum(1 for a in r.actions if a.state == "complete")
    behind = [a for a in r.actions if a.state in EXCEPTION_STATES]
    if r.outcomes_against_activity == "kpis-red-actions-done":
        doing = f"{share(done, n, 'action')} {'is' if done == 1 else 'are'} complete"
        if done < n:
            doing += f" and {len(behind)} behind" if behind else " and none is behind"
        off = f"{share(red, len(judged), 'KPI')} {'is' if red == 1 else 'are'} red"
        if amber:
            off += f" and {amber} amber"
        return f"{upper_first(doing)}, yet {off}. Are the actions having the intended impact?"
    refs = ", ".join(a.ref for a in behind[:3]) + (" and others" if len(behind) > 3 else "")
    return (
        f"{upper_first(share(len(judged), len(judged), 'judged KPI'))} "
        f"{'is' if len(judged) == 1 else 'are'} on target although "
        f"{plural(len(behind), 'action')} {'is' if len(behind) == 1 else 'are'} behind "
        f"({refs}). Is the delay putting the improvement at risk, and is the action "
        "still needed?"
    )
