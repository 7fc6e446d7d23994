"""Typed records for the data that arrives each period.

These are what the ``load`` stage hands to ``assess``: already validated,
already normalised (a percentage is a float in 0-100, a period is a
:class:`Period`), and each carrying where it came from so that later stages
can point at the source line without re-reading any file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from reportgen.errors import Problem
from reportgen.load.plan import Plan
from reportgen.periods import Period


@dataclass(frozen=True)
class Source:
    """Where a record was read: display path and 1-based line (row for CSV/Excel)."""

    path: str
    line: int | None = None


@dataclass(frozen=True)
class DataPoint:
    """One KPI value for one month (optionally for one team)."""

    kpi: str
    period: Period
    value: float
    numerator: float | None = None
    denominator: float | None = None
    team: str | None = None
    note: str | None = None
    source: Source = field(default_factory=lambda: Source(""))


ActionStatus = Literal["not started", "on track", "at risk", "off track", "complete", "blocked"]
ACTION_STATUSES: tuple[ActionStatus, ...] = (
    "not started",
    "on track",
    "at risk",
    "off track",
    "complete",
    "blocked",
)


@dataclass(frozen=True)
class ActionUpdate:
    """A lead's report on one action for one month."""

    ref: str
    period: Period
    status: ActionStatus
    revised_due: Period | None = None
    percent_complete: float | None = None
    comment: str | None = None
    completed_on: date | None = None
    source: Source = field(default_factory=lambda: Source(""))


Rag = Literal["red", "amber", "green"]

RiskRating = Literal["high", "medium", "low"]
RISK_RATINGS: tuple[RiskRating, ...] = ("high", "medium", "low")
"""Ratings in order of severity; a pack lists the highest first."""

AskKind = Literal["decide", "note"]


@dataclass(frozen=True)
class Decision:
    """What a lead asks the board to decide (or only to note)."""

    text: str
    ask: AskKind = "decide"


@dataclass(frozen=True)
class Risk:
    """A risk to the recommendation's delivery, as the lead rates it."""

    risk: str
    rating: RiskRating
    mitigation: str | None = None


@dataclass(frozen=True)
class Recovery:
    """The exception report's recovery plan for a red or amber recommendation."""

    cause: str
    action: str
    owner: str
    revised_date: Period


@dataclass(frozen=True)
class Note:
    """A lead's narrative for one recommendation and month.

    ``body`` is the raw Markdown as written: untrusted. It is only ever turned
    into HTML by the render stage's sanitiser.
    """

    recommendation: str
    period: Period
    author: str
    date: date
    body: str
    rag_override: Rag | None = None
    override_reason: str | None = None
    title: str | None = None
    source: Source = field(default_factory=lambda: Source(""))
    decisions: tuple[Decision, ...] = ()
    risks: tuple[Risk, ...] = ()
    escalations: tuple[str, ...] = ()
    recovery: Recovery | None = None


@dataclass(frozen=True)
class InputFile:
    """An input file read for this run, for the manifest and for caching."""

    path: str
    sha256: str


@dataclass
class Project:
    """Everything loaded for one run: the output of the ``load`` stage."""

    root_display: str
    plan: Plan
    points: list[DataPoint]
    updates: list[ActionUpdate]
    notes: list[Note]
    inputs: list[InputFile]
    problems: list[Problem] = field(default_factory=list)
    distribution_path: str | None = None

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]
