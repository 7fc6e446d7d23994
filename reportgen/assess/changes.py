"""What changed since the previous month: the first thing a board asks.

Computed by comparing two assessments (this month and last), never by
re-reading inputs, so the list is exactly consistent with both packs.
"""

from __future__ import annotations

from typing import Literal

from reportgen.assess.results import STATUS_ORDER, Change, ChangeKind, RecommendationResult

_RANK = {s: i for i, s in enumerate(("red", "amber", "green"))}


def _moved(before: str, after: str) -> Literal["better", "worse", "other"]:
    if before in _RANK and after in _RANK:
        return "better" if _RANK[after] > _RANK[before] else "worse"
    return "other"


def changes(now: RecommendationResult, before: RecommendationResult | None) -> list[Change]:
    """Changes for one recommendation; ``before`` is None in the first month."""
    out: list[Change] = []
    if before is not None and before.status != now.status:
        way = _moved(before.status, now.status)
        kind: ChangeKind = "rag-improved" if way == "better" else "rag-worsened"
        out.append(Change(kind, now.ref, before.status, now.status))
    old_kpis = {k.id: k for k in before.kpis} if before else {}
    for k in now.kpis:
        old = old_kpis.get(k.id)
        if old is not None and old.status != k.status and k.status in STATUS_ORDER:
            out.append(Change("kpi-rag", k.id, old.status, k.status))
        if k.status == "green" and not k.met_before and k.target.value is not None:
            out.append(Change("target-met", k.id))
        if (
            k.spc is not None
            and k.spc.last_special_cause
            and not (old is not None and old.spc is not None and old.spc.last_special_cause)
        ):
            out.append(Change("new-signal", k.id, kpi=k))
    old_actions = {a.ref: a for a in before.actions} if before else {}
    for a in now.actions:
        prev = old_actions.get(a.ref)
        if a.state == "overdue" and (prev is None or prev.state != "overdue"):
            out.append(Change("newly-overdue", a.ref))
        if a.state == "complete" and prev is not None and prev.state != "complete":
            out.append(Change("completed", a.ref))
    return out
