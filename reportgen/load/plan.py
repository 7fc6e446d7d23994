"""The improvement plan: a typed schema and its loader.

The schema is strict (unknown keys are errors) because a misspelt key in a
hand-edited YAML file would otherwise silently drop a target from a board
pack. Pydantic checks shapes and types; :func:`check_plan` then checks what
spans several fields (duplicate refs, unknown workstreams, interim targets
after the final target). Every problem from both passes is reported together,
each with the line it was written on.

Gaps in the source plan are first-class: ``gaps`` lists on the plan,
recommendations, actions and KPIs say what the source document left out or
contradicted, so packs can show them instead of papering over them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    model_validator,
)

from reportgen.errors import InputError, Problem
from reportgen.load.yamlsource import Loc, Names, YamlSource, load_yaml, pydantic_problems
from reportgen.periods import Period
from reportgen.reference import hint


def _to_period(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    if isinstance(value, str):
        return Period.parse(value)
    raise ValueError(f"expected a month as YYYY-MM, got {value!r}")


def _to_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")


Month = Annotated[Period, BeforeValidator(_to_period), PlainSerializer(str, return_type=str)]
"""A calendar month written ``YYYY-MM``."""

Day = Annotated[date, BeforeValidator(_to_date), PlainSerializer(str, return_type=str)]
"""A date written ``YYYY-MM-DD``."""

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
ActionRef = Annotated[str, Field(pattern=r"^\d+(\.\d+)+\.?$")]
KpiId = Annotated[str, Field(pattern=r"^\d+[a-z]?(-[a-z]+)?$")]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base: unknown keys are errors, objects are immutable once loaded."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )


class Signatory(Strict):
    name: Text
    """Name as printed in the plan."""
    role: Text
    """Their role."""


class Workstream(Strict):
    """A strand of delivery with its own task-and-finish group."""

    id: Slug
    """Short id used by actions and file names, e.g. `partnerships`."""
    name: Text
    """Name shown in packs."""
    description: str = ""
    """One line on what the workstream covers."""


class Inspection(Strict):
    """The inspection whose recommendations the plan answers.

    Packs name the regulator from here, so a plan answering CQC or HMICFRS
    never prints as Ofsted's.
    """

    regulator: Text = "Ofsted"
    """Who inspected, as packs name them (e.g. `Ofsted`, `CQC`, `HMICFRS`)."""
    name: Text = "inspection"
    """What the inspection is called, e.g. `inspection of local authority children's services`."""
    published: Month | None = None
    """Month the inspection report was published, if known."""


class Target(Strict):
    """A KPI's final target, or a record that the plan left it to be confirmed."""

    value: float | None = None
    """Numeric target (percent KPIs in 0-100)."""
    by: Month | None = None
    """Month the target should be met; omitted when the plan gives no date."""
    tbc: bool = False
    """True where the plan says the target is to be confirmed."""
    strict: bool = False
    """True where the plan says 'less than' or 'more than': a value on the target is not met."""
    as_written: str | None = Field(default=None, description="The target as the plan words it.")

    @model_validator(mode="after")
    def _value_or_tbc(self) -> Target:
        if self.tbc and self.value is not None:
            raise ValueError("a target is either 'tbc: true' or has a value, not both")
        if not self.tbc and self.value is None:
            raise ValueError("give the target a value, or mark it 'tbc: true'")
        if self.strict and self.value is None:
            raise ValueError("'strict: true' needs a target value to be strictly below or above")
        return self


class InterimTarget(Strict):
    """A milestone on the way to the final target."""

    value: float
    """Interim target value."""
    by: Month
    """Month it should be met."""
    as_written: str | None = None
    """The interim target as the plan words it."""


class Baseline(Strict):
    """Where the measure started, used as the start of the target trajectory."""

    value: float
    """Starting value."""
    period: Month | None = Field(
        default=None, description="None when the plan gives no date; the first data month is used."
    )
    as_written: str | None = None
    """The baseline as the plan words it."""


class Recalculation(Strict):
    """A month from which a KPI's SPC limits are recalculated, and why.

    Making Data Count advises recalculating limits only after a sustained
    shift with a known cause (a new process, a new recording system), so the
    reason is required: it is printed on the chart beside the step.
    """

    period: Month
    """First month of the new limits."""
    reason: Text
    """What changed then, as readers will see it on the chart."""


def _recalculation(value: Any) -> Any:
    if isinstance(value, str | Period):
        raise ValueError(
            f"give the month and the reason, e.g. {{period: {value}, reason: New recording "
            "system}; limits are recalculated only for a known change"
        )
    return value


Unit = Literal["percent", "count", "number", "days", "weeks", "ratio"]
Direction = Literal["higher", "lower", "neither"]
Measure = Literal["quantitative", "audit", "milestone", "narrative"]


class Kpi(Strict):
    """A key performance indicator or measure of success.

    ``measure`` says how it is judged: ``quantitative`` measures have a data
    series; ``audit`` ones are judged through case audit; ``milestone`` ones
    are done or not (a protocol in place); ``narrative`` ones are evidence
    described in words. Only quantitative measures get charts and SPC.
    """

    id: KpiId
    """KPI number in the plan (`42`), or a sub-measure (`11a`, `11c-alone`)."""
    title: Text
    """Short title for tables and charts."""
    measure: Measure = "quantitative"
    """How it is judged: `quantitative` (a data series), `audit`, `milestone` or `narrative`."""
    unit: Unit | None = None
    """Unit of a quantitative KPI."""
    direction: Direction = "neither"
    """Whether higher or lower values are better (`neither` for trend-only measures)."""
    target: Target | None = None
    """Final target; omit when the plan sets none."""
    interim_targets: list[InterimTarget] = Field(default_factory=list)
    """Milestones before the final target, in date order."""
    baseline: Baseline | None = None
    """Where the measure started (anchors the trajectory)."""
    tolerance: float | None = Field(
        default=None, ge=0, description="Amber band for this KPI, overriding rag.amber_points."
    )
    as_written: Text = Field(description="The KPI's text exactly as the plan gives it.")
    fractions: bool = False
    """Percent KPIs: the data gives values as fractions (0.85 for 85%), to be multiplied by 100."""
    rebase: list[Annotated[Recalculation, BeforeValidator(_recalculation)]] = Field(
        default_factory=list,
        description="Months from which SPC limits are recalculated, each with its reason.",
    )
    gaps: list[str] = Field(default_factory=list)
    """What the source plan leaves out or contradicts for this KPI."""
    decimals: int | None = Field(
        default=None,
        ge=0,
        le=4,
        description="Decimals to print (e.g. 2 for a published 2.01%); default up to 1.",
    )
    definition: str | None = None
    """What exactly is counted, in words, for the KPI definitions appendix."""
    source_system: str | None = None
    """Where the figures come from (e.g. `Mosaic case management system`)."""
    data_owner: str | None = None
    """Who is responsible for the figures (a role or team)."""
    frequency: str | None = None
    """How often the figure is produced (e.g. `monthly`)."""
    numerator: str | None = None
    """What the numerator counts, for a rate or percentage."""
    denominator: str | None = None
    """What the denominator counts, for a rate or percentage."""
    figures: Literal["published", "illustrative", "provisional"] | None = Field(
        default=None,
        description="Whether the figures are published, illustrative (not real) or provisional.",
    )


class Action(Strict):
    """One action from the plan's 'Action Required' column."""

    ref: ActionRef
    """Action reference, e.g. `2.1.3`."""
    text: Text
    """Action text as the plan gives it."""
    due: Month | None = None
    """Due month; omitted where the plan gives none."""
    due_as_written: str | None = None
    """Due date as the plan words it (e.g. `Nov 2019 & ongoing`)."""
    leads: list[str] = Field(default_factory=list)
    """Leads, with initials expanded to names."""
    workstream: Slug
    """Id of the workstream that delivers it."""
    workstream_reason: Text = Field(description="Why the action sits in this workstream.")
    gaps: list[str] = Field(default_factory=list)
    """What the source plan leaves out or contradicts for this action."""


class Recommendation(Strict):
    """One of the inspection's 'what needs to improve' recommendations."""

    ref: Annotated[str, Field(pattern=r"^\d+$")]
    """Recommendation number."""
    title: str | None = Field(default=None, description="None where the source is cut off.")
    title_fragment: str | None = Field(
        default=None, description="What survives of a cut-off title, shown with an ellipsis."
    )
    ofsted_refs: list[str] = Field(default_factory=list)
    """Where the inspection report raises it (e.g. `Pg 3 Para 2`), whoever the regulator."""
    actions: list[Action] = Field(default_factory=list)
    """The actions."""
    kpis: list[Kpi] = Field(default_factory=list)
    """The KPIs and measures of success."""
    what_good_looks_like: str = ""
    """The plan's improvement outcomes; paragraphs separated by blank lines."""
    gaps: list[str] = Field(default_factory=list)
    """What the source plan leaves out or contradicts for this recommendation."""

    @property
    def number(self) -> int:
        return int(self.ref)

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.title_fragment:
            return f"… {self.title_fragment}"
        return f"Recommendation {self.ref} (title missing from the source plan)"


class RollupRules(Strict):
    """How KPI and action results combine into one RAG per recommendation."""

    red_if_red_kpi_share: float = Field(0.5, ge=0, le=1)
    """Red when at least this share of judged KPIs is red."""
    amber_if_any_red_kpi: bool = True
    """Amber when any KPI is red."""
    red_if_overdue_weeks: int = Field(8, ge=0)
    """Red when an action is overdue by more than this many weeks."""
    amber_if_any_overdue: bool = True
    """Amber when any action is overdue."""
    red_if_blocked: bool = True
    """Red when an action is blocked or off track."""


class RagRules(Strict):
    """Defaults for judging KPIs and actions; each KPI may override its tolerance."""

    amber_points: float = Field(
        5.0, ge=0, description="Percent KPIs: amber within this many points of target."
    )
    amber_relative: float = Field(
        0.10, ge=0, description="Other KPIs: amber within this share of the target."
    )
    stale_after_months: int = Field(2, ge=0)
    """KPI data older than this many months is stale."""
    due_soon_weeks: int = Field(4, ge=0)
    """Actions due within this many weeks are 'due soon'."""
    rollup: RollupRules = Field(default_factory=RollupRules)
    """How a recommendation's RAG is rolled up."""


class Plan(Strict):
    """A whole improvement plan: the root of ``plan.yaml``."""

    schema_version: Literal[1] = 1
    """Version of this file format."""
    title: Text
    """Plan title for covers and running headers."""
    organisation: Text
    """The council or organisation."""
    short_name: str | None = None
    """Short name, if any."""
    status: str | None = Field(default=None, description="e.g. 'Draft July 2019'.")
    written: Day | None = Field(default=None, description="When the plan was written.")
    start: Month = Field(description="First reporting month.")
    end: Month = Field(description="Last reporting month.")
    protective_marking: str = "OFFICIAL"
    """Printed centred at the top and bottom of every page."""
    version: str | None = None
    """Plan version printed on the cover."""
    inspection: Inspection = Field(default_factory=Inspection)
    """The inspection the plan answers; packs take the regulator's name from it."""
    foreword: str = ""
    """Foreword text."""
    approach: str = ""
    """The plan's approach text."""
    signatories: list[Signatory] = Field(default_factory=list)
    """Who signed the plan."""
    people: dict[str, str] = Field(
        default_factory=dict, description="Initials used in the plan and the names they stand for."
    )
    glossary: dict[str, str] = Field(default_factory=dict)
    """Abbreviations and their meanings, printed in the board pack."""
    rag: RagRules = Field(default_factory=RagRules)
    """RAG rules."""
    workstreams: list[Workstream]
    """The workstreams (task-and-finish groups)."""
    recommendations: list[Recommendation]
    """The recommendations, in order."""
    gaps: list[str] = Field(default_factory=list)
    """What the source plan leaves out or contradicts as a whole."""
    notes: str = Field(default="", description="Transcription notes: how the plan was read.")

    def workstream(self, ws_id: str) -> Workstream:
        for ws in self.workstreams:
            if ws.id == ws_id:
                return ws
        raise KeyError(ws_id)

    def recommendation(self, ref: str) -> Recommendation:
        for rec in self.recommendations:
            if rec.ref == ref:
                return rec
        raise KeyError(ref)

    def kpis(self) -> dict[str, tuple[Recommendation, Kpi]]:
        return {k.id: (r, k) for r in self.recommendations for k in r.kpis}

    def actions(self) -> dict[str, tuple[Recommendation, Action]]:
        return {a.ref: (r, a) for r in self.recommendations for a in r.actions}

    @property
    def periods(self) -> list[Period]:
        from reportgen.periods import period_range

        return period_range(self.start, self.end)


def check_plan(source: YamlSource) -> list[Problem]:
    """Rules that span fields, checked on the raw data.

    Working on the raw mapping (defensively) rather than the validated model
    means these problems are reported alongside pydantic's, in one pass,
    even when some other part of the file does not validate.
    """
    problems: list[Problem] = []
    data = source.data if isinstance(source.data, dict) else {}

    def add(loc: Loc, message: str) -> None:
        problems.append(source.problem(loc, message))

    start, end = _month(data.get("start")), _month(data.get("end"))
    if start and end and end < start:
        add(("end",), f"end {end} is before start {start}")

    workstreams = _items(data.get("workstreams"))
    ws_ids = [str(w.get("id")) for _, w in workstreams]
    _duplicates(workstreams, ("workstreams",), "id", "workstream id", add)
    recs = _items(data.get("recommendations"))
    _duplicates(recs, ("recommendations",), "ref", "recommendation ref", add)

    actions: list[tuple[Loc, dict[str, Any]]] = []
    kpis: list[tuple[Loc, dict[str, Any]]] = []
    for ri, rec in recs:
        for ai, action in _items(rec.get("actions")):
            loc: Loc = ("recommendations", ri, "actions", ai)
            actions.append((loc, action))
            ws = action.get("workstream")
            if ws is not None and str(ws) not in ws_ids:
                add(
                    (*loc, "workstream"),
                    f"unknown workstream {ws!r}; "
                    f"use one of: {', '.join(ws_ids) or '(none defined)'}",
                )
        for ki, kpi in _items(rec.get("kpis")):
            loc = ("recommendations", ri, "kpis", ki)
            kpis.append((loc, kpi))
            problems.extend(_check_kpi(kpi, loc, source))

    for label, key, found in (("action ref", "ref", actions), ("KPI id", "id", kpis)):
        seen: dict[str, Loc] = {}
        for loc, item in found:
            value = item.get(key)
            if value is None:
                continue
            if str(value) in seen:
                line, _ = source.where(seen[str(value)])
                add((*loc, key), f"duplicate {label} {value!r} (first defined on line {line})")
            else:
                seen[str(value)] = loc
    return problems


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _month(value: Any) -> Period | None:
    try:
        return _to_period(value)
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _duplicates(
    items: list[tuple[int, dict[str, Any]]],
    base: Loc,
    field_name: str,
    label: str,
    add: Any,
) -> None:
    seen: dict[str, int] = {}
    for i, item in items:
        key = item.get(field_name)
        if key is None:
            continue
        if str(key) in seen:
            add((*base, i, field_name), f"duplicate {label} {key!r}")
        else:
            seen[str(key)] = i


def _check_kpi(kpi: dict[str, Any], loc: Loc, source: YamlSource) -> list[Problem]:
    problems: list[Problem] = []
    raw_target = kpi.get("target")
    target: dict[str, Any] = raw_target if isinstance(raw_target, dict) else {}
    final_by = _month(target.get("by"))
    previous: Period | None = None
    for ii, interim in _items(kpi.get("interim_targets")):
        iloc: Loc = (*loc, "interim_targets", ii, "by")
        by = _month(interim.get("by"))
        if by is None:
            continue
        if final_by is not None and by > final_by:
            problems.append(
                source.problem(
                    iloc,
                    f"interim target date {by} is after the final target date {final_by}; "
                    "an interim target must come before the final one",
                )
            )
        if previous is not None and by <= previous:
            problems.append(source.problem(iloc, "interim targets must be listed in date order"))
        previous = by
    measure = kpi.get("measure", "quantitative")
    if measure == "quantitative" and kpi.get("unit") is None:
        problems.append(
            source.problem((*loc, "unit"), "a quantitative KPI needs a unit (e.g. percent)")
        )
    if kpi.get("unit") == "percent":
        candidates: list[tuple[tuple[str | int, ...], Any]] = [
            (("interim_targets", ii, "value"), i.get("value"))
            for ii, i in _items(kpi.get("interim_targets"))
        ]
        candidates.append((("target", "value"), target.get("value")))
        for sub, raw in candidates:
            v = _number(raw)
            if v is not None and not 0 <= v <= 100:
                problems.append(
                    source.problem((*loc, *sub), f"percent target {v:g} is outside 0-100")
                )
    return problems


def describe_field(loc: Loc) -> str | None:
    """What the field at ``loc`` means, from its docstring in the schema (for messages)."""
    model: type[BaseModel] | None = Plan
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        info = model.model_fields[part]
        model = _inner_model(info.annotation)
    if info is None or not info.description:
        return None
    text = info.description.strip().split("\n")[0].split(";")[0].rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``list[Kpi]``, ``Target | None`` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


PLAN_NAMES = Names(
    items={
        "recommendations": ("recommendation", "ref"),
        "actions": ("action", "ref"),
        "kpis": ("KPI", "id"),
        "workstreams": ("workstream", "id"),
        "interim_targets": ("interim target", None),
        "signatories": ("signatory", None),
        "rebase": ("limits recalculation", None),
    },
    describe=describe_field,
)
"""Plan locations in the plan's own references: "recommendation 3, KPI 6"."""


def parse_plan(source: YamlSource) -> tuple[Plan | None, list[Problem]]:
    """Validate already-parsed YAML; return the plan or every problem found."""
    source.names = PLAN_NAMES
    if not isinstance(source.data, dict):
        return None, [source.problem((), "the plan must be a YAML mapping", field_name="")]
    problems = check_plan(source)
    try:
        plan = Plan.model_validate(source.data)
    except ValidationError as exc:
        return None, pydantic_problems(exc, source, hint("plan")) + problems
    if any(p.is_error for p in problems):
        return None, problems
    return plan, problems


def load_plan(path: Path, display: str | None = None) -> tuple[Plan | None, list[Problem]]:
    """Read and validate a plan file; never raises for bad input."""
    source, problems = load_yaml(path, display)
    if source is None:
        return None, problems
    return parse_plan(source)


def read_plan(path: Path, display: str | None = None) -> Plan:
    """Like :func:`load_plan` but raises :class:`InputError` on any error."""
    plan, problems = load_plan(path, display)
    if plan is None:
        raise InputError(problems)
    return plan
