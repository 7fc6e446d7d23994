"""The executive summary: what is off track, why, and what the board must decide.

A board member with ten minutes reads one page. It says in words how many
recommendations are red, amber and green (what moved is said by
``reportgen.present.sentences.moved_since``); names, for every
red and amber recommendation, the one or two KPIs or actions driving it;
says where outcomes and activity disagree; and gathers what the leads ask
of the board (decisions, escalations) and their highest-rated risks from
the month's notes. Everything here is drawn from the one assessment, so the
summary cannot disagree with the sections behind it; it is built when a
pack or the manifest is made, since what fits on one page is a choice of
presentation, not of assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportgen.assess.results import Assessment, Driver, RecommendationResult, Status
from reportgen.load.records import RISK_RATINGS, Recovery, Risk
from reportgen.present import labels
from reportgen.present.numbers import plural
from reportgen.present.reasons import NAMED_DRIVERS, outcomes_text

TOP_RISKS = 3
"""Risks shown in the executive summary; the rest are in their sections."""

AskKind = Literal["decide", "note", "escalation"]


@dataclass(frozen=True)
class Ask:
    """One thing a lead asks of the board, with the recommendation it is for."""

    ref: str
    kind: AskKind
    text: str

    @property
    def label(self) -> str:
        return labels.ASKS[self.kind]


@dataclass(frozen=True)
class RatedRisk:
    ref: str
    risk: Risk


@dataclass(frozen=True)
class BriefingItem:
    """A red or amber recommendation as the executive summary shows it."""

    ref: str
    title: str
    status: Status
    travel: str
    overridden: bool
    drivers: tuple[Driver, ...]
    more: int
    outcomes_against_activity: str | None
    recovery: Recovery | None

    @property
    def status_label(self) -> str:
        return labels.rag(self.status)


@dataclass(frozen=True)
class Briefing:
    headline: str
    actions_line: str
    items: tuple[BriefingItem, ...]
    asks: tuple[Ask, ...]
    risks: tuple[RatedRisk, ...]
    more_risks: int
    impact: tuple[str, ...] = ()
    """Outcomes against activity across the plan, as questions for the board."""
    plan_order: tuple[str, ...] = ()

    @property
    def decisions(self) -> tuple[Ask, ...]:
        return tuple(a for a in self.asks if a.kind != "escalation")

    @property
    def escalations(self) -> tuple[Ask, ...]:
        return tuple(a for a in self.asks if a.kind == "escalation")

    @property
    def to_decide(self) -> int:
        return sum(1 for a in self.asks if a.kind == "decide")

    @property
    def ask_refs(self) -> tuple[str, ...]:
        """Recommendations with something for the board, in plan order."""
        refs = {a.ref for a in self.asks}
        return tuple(r for r in self.plan_order if r in refs)


def _headline(a: Assessment) -> str:
    counts = a.status_counts
    n = len(a.recommendations)
    parts = [f"{counts[s]} {labels.rag(s).lower()}" for s in ("red", "amber", "green")]
    text = f"Of {plural(n, 'recommendation')}, {', '.join(parts[:2])} and {parts[2]}"
    if counts["grey"] or counts["no-data"]:
        text += f", {counts['grey'] + counts['no-data']} not yet judged"
    overrides = sum(1 for r in a.recommendations if r.override is not None)
    if overrides:
        text += f" ({overrides} by a lead's override)"
    return text + f" in {a.period.long_label}."


def _actions_line(a: Assessment) -> str:
    actions = a.actions
    done = sum(1 for x in actions if x.state == "complete")
    states = [
        (s, sum(1 for x in actions if x.state == s))
        for s in ("blocked", "overdue", "off track", "at risk")
    ]
    behind = ", ".join(f"{n} {s}" for s, n in states if n) or "none blocked, overdue or at risk"
    return f"Actions: {done} of {len(actions)} complete; {behind}."


def _refs(refs: list[str]) -> str:
    word = "Recommendations" if len(refs) > 1 else "Recommendation"
    return f"{word} {', '.join(refs[:-1])} and {refs[-1]}" if len(refs) > 1 else f"{word} {refs[0]}"


def _impact(a: Assessment) -> tuple[str, ...]:
    flagged = [r for r in a.recommendations if r.outcomes_against_activity]
    off = [r.ref for r in flagged if r.kpi_counts["red"]]
    ahead = [r.ref for r in flagged if not r.kpi_counts["red"]]
    out: list[str] = []
    if off:
        out.append(
            f"{_refs(off)}: KPIs red although the actions are largely complete. "
            "Are the actions having the intended impact?"
        )
    if ahead:
        out.append(
            f"{_refs(ahead)}: KPIs on target although actions are behind. "
            "Is the delay putting the improvement at risk?"
        )
    return tuple(out)


def _item(r: RecommendationResult) -> BriefingItem:
    return BriefingItem(
        ref=r.ref,
        title=r.title,
        status=r.status,
        travel=r.travel,
        overridden=r.override is not None,
        drivers=r.drivers[:NAMED_DRIVERS],
        more=max(0, len(r.drivers) - NAMED_DRIVERS),
        outcomes_against_activity=outcomes_text(r),
        recovery=r.note.recovery if r.note is not None else None,
    )


def _asks(a: Assessment) -> tuple[Ask, ...]:
    out: list[Ask] = []
    for r in a.recommendations:
        if r.note is None:
            continue
        out.extend(Ask(r.ref, d.ask, d.text) for d in r.note.decisions)
        out.extend(Ask(r.ref, "escalation", e) for e in r.note.escalations)
    order = {"decide": 0, "escalation": 1, "note": 2}
    return tuple(sorted(out, key=lambda x: order[x.kind]))


def _risks(a: Assessment) -> list[RatedRisk]:
    found = [
        RatedRisk(r.ref, risk)
        for r in a.recommendations
        if r.note is not None
        for risk in r.note.risks
    ]
    return sorted(found, key=lambda x: RISK_RATINGS.index(x.risk.rating))


def briefing(a: Assessment) -> Briefing:
    """The executive summary of ``a``; red recommendations first, then amber."""
    exceptions = [r for r in a.recommendations if r.status in ("red", "amber")]
    exceptions.sort(key=lambda r: 0 if r.status == "red" else 1)
    # A green override keeps its computed drivers out of the summary but the
    # lead's ask, if any, still reaches the board through ``asks``.
    risks = _risks(a)
    return Briefing(
        headline=_headline(a),
        actions_line=_actions_line(a),
        items=tuple(_item(r) for r in exceptions),
        asks=_asks(a),
        risks=tuple(risks[:TOP_RISKS]),
        more_risks=max(0, len(risks) - TOP_RISKS),
        impact=_impact(a),
        plan_order=tuple(r.ref for r in a.recommendations),
    )
