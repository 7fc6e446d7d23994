"""The template context: everything a pack template may use, as one type.

Templates are the part of reportgen that councils customise (a project's own
``templates/`` overrides the built-ins), so what they receive is a documented
contract, not whatever a view happened to pass. :class:`PackContext` and
:class:`Section` are that contract; ``docs/template-context.md`` describes
every field and a test fails when the two drift apart.

Filtering happens here, not in templates: a workstream pack's sections hold
only that workstream's actions, so a template cannot leak another group's
work by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from reportgen.assess.results import (
    ActionResult,
    Assessment,
    Change,
    KpiResult,
    RecommendationResult,
    WorkstreamResult,
)
from reportgen.load.plan import Plan, Recommendation
from reportgen.periods import Period
from reportgen.present.briefing import Briefing
from reportgen.render.source_notes import SourceNotes


@dataclass(frozen=True)
class ChartRef:
    """A drawn chart as the template embeds it."""

    src: str
    alt: str
    caption: str
    source: str = ""
    """One line on where the figures come from ("Source: …")."""


@dataclass(frozen=True)
class Cover:
    """What a cover says about the pack itself, as against the plan it reports on.

    The plan's own status and version ("Draft July 2019") describe the plan;
    a board secretary issues each pack with its own version, status, owner
    and the meeting it is for.
    """

    meeting: str | None = None
    meeting_date: date | None = None
    version: str = "1.0"
    status: str = "Final"
    owner: str | None = None


@dataclass(frozen=True)
class Section:
    """One recommendation as a pack shows it."""

    result: RecommendationResult
    plan: Recommendation
    anchor: str
    actions: tuple[ActionResult, ...]
    kpis: tuple[KpiResult, ...]
    charts: dict[str, ChartRef]
    note_html: Markup | None
    changes: tuple[Change, ...]
    hidden_actions: int = 0
    commentary_elsewhere: bool = False
    source_notes: SourceNotes | None = None
    exceptions: tuple[ActionResult, ...] = ()
    """Blocked, overdue, off track and at-risk actions among ``actions``, worst first."""
    open_actions: tuple[ActionResult, ...] = ()
    """Every action not complete, exceptions first (what the action table lists)."""
    completed: tuple[ActionResult, ...] = ()
    """Completed actions, counted under the table and listed at the end of the section."""


@dataclass(frozen=True)
class PackContext:
    """What every pack template receives (as the variable ``pack``)."""

    kind: str
    """The pack kind's name in the registry (:mod:`reportgen.registry`)."""
    title: str
    subtitle: str
    filename: str
    plan: Plan
    assessment: Assessment
    period: Period
    as_of: date
    built: date
    version: str
    marking: str
    sections: tuple[Section, ...]
    workstream: WorkstreamResult | None = None
    glossary: tuple[tuple[str, str], ...] = ()
    data_quality: tuple[str, ...] = ()
    newest_data: str = ""
    plan_notes: SourceNotes | None = None
    rule_text: tuple[str, ...] = field(default_factory=tuple)
    cover: Cover = field(default_factory=Cover)
    briefing: Briefing | None = None
    workstream_exceptions: tuple[ActionResult, ...] = ()
