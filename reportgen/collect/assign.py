"""Who reports on what: each open action and each recommendation's commentary, to one lead.

An action goes to each lead the plan names for it; an action the plan gives
no lead goes to its workstream's lead (from distribution.yaml ``leads``).
A recommendation's commentary goes to the lead distribution.yaml names for
it, else to whoever leads most of its actions, so every recommendation has
exactly one author. Names are matched ignoring case and spacing, and a
lead's ``plan_names`` (a team name, another spelling) count as theirs; initials
are first expanded through the plan's ``people``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from reportgen.distribute.config import Lead
from reportgen.load.plan import Plan
from reportgen.load.records import ActionUpdate
from reportgen.periods import Period


@dataclass(frozen=True)
class Assignment:
    """One lead's share of the month: their workbook's contents."""

    lead: str
    slug: str
    email: str | None
    actions: tuple[str, ...]
    recommendations: tuple[str, ...]


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "lead"


def completed_before(updates: Sequence[ActionUpdate], period: Period) -> set[str]:
    """Actions reported complete in an earlier month: nothing left to report."""
    return {u.ref for u in updates if u.status == "complete" and u.period < period}


def assign(
    plan: Plan, leads: Sequence[Lead], updates: Sequence[ActionUpdate], period: Period
) -> list[Assignment]:
    """Every lead with something to report for ``period``, config order then by name."""
    by_name = {name_key(n): lead for lead in leads for n in lead.names}
    ws_lead = {ws: lead.name for lead in leads for ws in lead.workstreams}
    rec_lead = {ref: lead.name for lead in leads for ref in lead.recommendations}

    def canonical(name: str) -> str:
        name = plan.people.get(name.strip(), name)  # initials, as the plan's 'people' expands them
        lead = by_name.get(name_key(name))
        return lead.name if lead is not None else " ".join(name.split())

    def owners(action_leads: Sequence[str], workstream: str) -> list[str]:
        if action_leads:
            return list(dict.fromkeys(canonical(n) for n in action_leads))
        return [ws_lead.get(workstream) or f"{plan.workstream(workstream).name} lead"]

    done = completed_before(updates, period)
    actions: dict[str, list[str]] = {}
    recs: dict[str, list[str]] = {}
    for rec in plan.recommendations:
        tally: Counter[str] = Counter()
        for action in rec.actions:
            names = owners(action.leads, action.workstream)
            tally.update(names)
            if action.ref in done:
                continue
            for name in names:
                actions.setdefault(name, []).append(action.ref)
        author = rec_lead.get(rec.ref)
        if author is None and tally:
            author = max(tally, key=lambda n: (tally[n], -list(tally).index(n)))
        if author is not None:
            recs.setdefault(author, []).append(rec.ref)

    email = {lead.name: lead.email for lead in leads}
    rank = {lead.name: i for i, lead in enumerate(leads)}
    names = sorted(set(actions) | set(recs), key=lambda n: (rank.get(n, len(rank)), n.casefold()))
    out: list[Assignment] = []
    slugs: set[str] = set()
    for name in names:
        slug = base = slugify(name)
        n = 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        out.append(
            Assignment(
                lead=name,
                slug=slug,
                email=email.get(name),
                actions=tuple(actions.get(name, ())),
                recommendations=tuple(recs.get(name, ())),
            )
        )
    return out
