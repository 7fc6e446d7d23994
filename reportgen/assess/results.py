"""What an assessment returns: every result type, in one place.

The functions that compute these (targets, rag, kpis, actions, changes,
drivers, rollup, engine) import them from here, and so do render, present
and the exports. Keeping the types apart from the rules means no assess
module has to import another's internals just to name a type, and the
plan's own vocabularies (``Unit``, ``Direction``, ``Measure``) carry
through to the results unwidened, so a type checker follows a KPI's unit
from the plan to the chart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from reportgen.assess.spc import SpcResult
from reportgen.errors import Problem
from reportgen.load.plan import Direction, Measure, Plan, Unit
from reportgen.load.records import ActionStatus, Note
from reportgen.periods import Period

Status = Literal["red", "amber", "green", "grey", "no-data"]
"""RAG of a KPI, an action or a recommendation: grey has no numeric target."""

STATUS_ORDER: tuple[Status, ...] = ("red", "amber", "green", "grey", "no-data")

TargetKind = Literal["final", "interim", "trajectory", "tbc", "none", "not-numeric"]


@dataclass(frozen=True)
class TargetAt:
    """The target that applies in one month, and where it comes from."""

    value: float | None
    kind: TargetKind
    by: Period | None = None
    """Month of the milestone the target belongs to or heads towards."""
    start: Period | None = None
    """A trajectory not yet under way: the month it starts from (``value`` is its start)."""
    towards: float | None = None
    """A trajectory between milestones: the value of the milestone at ``by``."""

    @property
    def numeric(self) -> bool:
        return self.value is not None


Travel = Literal["improving", "deteriorating", "no change", "up", "down", "n/a"]
"""A raw move between two months, judged by the KPI's good direction."""

Movement = Literal[
    "improving", "deteriorating", "no significant change", "no change", "higher", "lower", "n/a"
]
"""What a pack says about the latest month (Making Data Count).

With SPC limits, only a special-cause signal at the latest value is a
movement (improving or deteriorating by the KPI's good direction, higher or
lower when it has none); a move inside common-cause variation is "no
significant change". Without limits the raw move since last month is used.
"""

RagTravel = Literal["improving", "deteriorating", "no change", "n/a"]
"""A recommendation's RAG against last month's."""


@dataclass(frozen=True)
class Comparison:
    """Movement against an earlier month, judged by the KPI's direction."""

    against: Period
    value: float | None
    change: float | None
    travel: Travel


@dataclass(frozen=True)
class KpiResult:
    """Everything a pack shows about one KPI for the reporting month."""

    id: str
    title: str
    recommendation: str
    measure: Measure
    unit: Unit | None
    direction: Direction
    period: Period
    value: float | None
    latest_value: float | None
    latest_period: Period | None
    age_months: int | None
    stale: bool
    target: TargetAt
    status: Status
    previous: Comparison | None
    year_ago: Comparison | None
    series: tuple[tuple[Period, float | None], ...]
    targets: tuple[float | None, ...]
    spc: SpcResult | None
    met_before: bool
    gaps: tuple[str, ...] = field(default_factory=tuple)
    decimals: int | None = None
    """Decimals the plan asks for (None: up to one)."""
    numerator: float | None = None
    """The month's numerator, when the KPI data supplies it."""
    denominator: float | None = None
    """The month's denominator, when the KPI data supplies it."""
    movement: Movement = "n/a"

    @property
    def quantitative(self) -> bool:
        return self.measure == "quantitative"


ActionState = Literal[
    "complete",
    "blocked",
    "overdue",
    "off track",
    "at risk",
    "due soon",
    "on track",
    "not started",
    "no due date",
]


@dataclass(frozen=True)
class ActionResult:
    ref: str
    text: str
    leads: tuple[str, ...]
    workstream: str
    recommendation: str
    original_due: Period | None
    revised_due: Period | None
    due_as_written: str | None
    state: ActionState
    status: Status
    overdue_weeks: int | None
    slippage_months: int | None
    completed_in: Period | None
    on_time: bool | None
    reported_status: ActionStatus | None
    percent_complete: float | None
    comment: str | None
    updated_in: Period | None
    gaps: tuple[str, ...]

    @property
    def due(self) -> Period | None:
        return self.revised_due or self.original_due


ChangeKind = Literal[
    "rag-improved",
    "rag-worsened",
    "kpi-rag",
    "newly-overdue",
    "new-signal",
    "target-met",
    "completed",
]

ACTION_CHANGES: frozenset[ChangeKind] = frozenset({"newly-overdue", "completed"})
"""Changes about an action (the rest are about the recommendation or a KPI)."""


@dataclass(frozen=True)
class Change:
    """One thing that moved since last month, for the recommendation it belongs to."""

    kind: ChangeKind
    ref: str
    """The recommendation's, KPI's or action's ref, by ``kind``."""
    before: Status | None = None
    """A RAG change's old status."""
    after: Status | None = None
    """A RAG change's new status."""
    kpi: KpiResult | None = None
    """A new signal's KPI, whose SPC result says what the signal is."""


@dataclass(frozen=True)
class Driver:
    """One KPI or action that makes a recommendation red or amber."""

    kind: Literal["kpi", "action"]
    ref: str
    status: Status
    state: str
    """The KPI's RAG (red, amber) or the action's state (overdue, at risk, ...)."""
    result: KpiResult | ActionResult
    """The KPI or action itself, with the figures that say how far off it is."""


OutcomesAgainstActivity = Literal["kpis-red-actions-done", "kpis-met-actions-behind"]
"""Outcomes and activity disagree: KPIs red while the actions are largely
complete, or KPIs on target while actions are behind."""


@dataclass(frozen=True)
class Override:
    status: Status
    reason: str
    author: str


@dataclass(frozen=True)
class RecommendationResult:
    ref: str
    title: str
    status: Status
    computed_status: Status
    override: Override | None
    kpis: tuple[KpiResult, ...]
    actions: tuple[ActionResult, ...]
    kpi_counts: dict[str, int]
    note: Note | None
    travel: RagTravel
    previous_status: Status | None
    changes: tuple[Change, ...] = field(default_factory=tuple)
    drivers: tuple[Driver, ...] = field(default_factory=tuple)
    """Red and amber KPIs and exception actions, most serious first."""
    outcomes_against_activity: OutcomesAgainstActivity | None = None
    """When KPIs and actions disagree (off target yet delivered, or the reverse)."""

    @property
    def overdue(self) -> tuple[ActionResult, ...]:
        return tuple(a for a in self.actions if a.state == "overdue")

    def _signals(self, word: str) -> int:
        return sum(1 for k in self.kpis if k.spc is not None and word in (k.spc.variation or ""))

    @property
    def spc_improving(self) -> int:
        """KPIs whose latest value is special-cause improvement."""
        return self._signals("improvement")

    @property
    def spc_concern(self) -> int:
        """KPIs whose latest value is special-cause concern."""
        return self._signals("concern")


@dataclass(frozen=True)
class WorkstreamResult:
    id: str
    name: str
    actions: tuple[ActionResult, ...]
    recommendations: tuple[str, ...]
    action_counts: dict[str, int]


def count_statuses(statuses: Iterable[str]) -> dict[str, int]:
    """How many of each status, every status present (zeros included), in order."""
    found = list(statuses)
    return {s: found.count(s) for s in STATUS_ORDER}


@dataclass(frozen=True)
class Assessment:
    plan: Plan
    period: Period
    as_of: date
    recommendations: tuple[RecommendationResult, ...]
    workstreams: tuple[WorkstreamResult, ...]
    on_time: tuple[int, int]
    warnings: tuple[Problem, ...]

    def recommendation(self, ref: str) -> RecommendationResult:
        for r in self.recommendations:
            if r.ref == ref:
                return r
        raise KeyError(ref)

    @property
    def kpis(self) -> tuple[KpiResult, ...]:
        return tuple(k for r in self.recommendations for k in r.kpis)

    @property
    def actions(self) -> tuple[ActionResult, ...]:
        return tuple(a for r in self.recommendations for a in r.actions)

    @property
    def status_counts(self) -> dict[str, int]:
        return count_statuses(r.status for r in self.recommendations)
