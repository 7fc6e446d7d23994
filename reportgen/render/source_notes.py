"""The source plan's gaps, gathered into an annex a board member can read.

A transcribed plan records what its source left out or contradicted on the
plan, each recommendation, each action and each KPI. Printed where they
arise, those notes crowded every section (the same "no due date or lead"
sentence on most action rows), so packs show one marker per section and
collect the notes here, one group per recommendation. Notes that several
actions or KPIs share are printed once with the list of refs they apply to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportgen.load.plan import Plan, Recommendation


@dataclass(frozen=True)
class SourceNote:
    """One note, and what it is about ("" when about the group as a whole)."""

    about: str
    text: str


@dataclass(frozen=True)
class SourceNotes:
    """The notes for the plan as a whole or for one recommendation."""

    anchor: str
    heading: str
    notes: tuple[SourceNote, ...]


def plan_notes(plan: Plan) -> SourceNotes | None:
    """Notes on the plan as a whole, or None when it has none."""
    if not plan.gaps:
        return None
    notes = tuple(SourceNote("", g) for g in plan.gaps)
    return SourceNotes("source-notes-plan", "The plan as a whole", notes)


def recommendation_notes(
    rec: Recommendation, action_refs: Iterable[str] | None = None
) -> SourceNotes | None:
    """Notes on one recommendation, its actions and its KPIs; None when it has none.

    ``action_refs`` narrows the action notes to the actions a pack shows (a
    workstream pack holds only its own), so no pack carries notes about
    actions it does not print.
    """
    shown = None if action_refs is None else set(action_refs)
    notes = [SourceNote("", g) for g in rec.gaps]
    actions = [(a.ref, a.gaps) for a in rec.actions if shown is None or a.ref in shown]
    notes.extend(_shared(actions, "Action", "Actions"))
    notes.extend(_shared([(k.id, k.gaps) for k in rec.kpis], "KPI", "KPIs"))
    if not notes:
        return None
    heading = f"Recommendation {rec.ref}: {rec.display_title}"
    return SourceNotes(f"source-notes-{rec.ref}", heading, tuple(notes))


def _shared(items: Sequence[tuple[str, Sequence[str]]], one: str, many: str) -> list[SourceNote]:
    """One note per distinct text, naming every ref it applies to, in first-seen order."""
    refs_by_text: dict[str, list[str]] = {}
    for ref, gaps in items:
        for text in gaps:
            refs_by_text.setdefault(text, []).append(ref)
    return [
        SourceNote(f"{one} {refs[0]}" if len(refs) == 1 else f"{many} {_and(refs)}", text)
        for text, refs in refs_by_text.items()
    ]


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


__all__ = ["SourceNote", "SourceNotes", "plan_notes", "recommendation_notes"]
