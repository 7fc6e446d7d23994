"""Which packs a build makes, and what each one contains.

A pack is a template plus a :class:`~reportgen.render.context.PackContext`.
This module decides the list of packs for ``--pack``/``--only`` and fills
each context from the one shared assessment, so the same recommendation
section is identical in every pack that shows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from reportgen import __version__
from reportgen.assess.drivers import EXCEPTION_STATES, exceptions_first
from reportgen.assess.results import (
    ACTION_CHANGES,
    Assessment,
    RecommendationResult,
    WorkstreamResult,
)
from reportgen.errors import ReportgenError, concerning
from reportgen.periods import Period
from reportgen.present import sentences
from reportgen.present.briefing import briefing
from reportgen.present.numbers import long_date
from reportgen.present.reasons import kpi_reason
from reportgen.registry import BUILTIN_REGISTRY, PACKS_FILE, PackKind, Registry
from reportgen.render.context import ChartRef, Cover, PackContext, Section
from reportgen.render.source_notes import plan_notes, recommendation_notes


@dataclass(frozen=True)
class PackSpec:
    """One PDF to produce: its kind, the recommendation or workstream, its path."""

    pack_kind: PackKind
    ref: str | None
    path: str
    title: str
    """The pack's name in the manifest and the email (the kind's label)."""
    values: Mapping[str, str] = field(default_factory=dict)
    """What the kind's placeholders stand for in this pack."""

    @property
    def kind(self) -> str:
        return self.pack_kind.name


def slugify(text: str, limit: int = 48) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "untitled"


def recommendation_slug(result: RecommendationResult) -> str:
    title = result.title.lstrip("… ").removeprefix("The ")
    return f"rec-{int(result.ref):02d}-{slugify(title, 40)}"


def _items(kind: PackKind, assessment: Assessment, only: Sequence[str]) -> list[dict[str, str]]:
    """What one kind selects: the placeholder values of each of its packs."""
    period = {"period": str(assessment.period), "period_label": assessment.period.long_label}
    if kind.selects == "recommendation":
        return [
            {**period, "ref": r.ref, "slug": recommendation_slug(r), "name": r.title}
            for r in assessment.recommendations
            if not only or r.ref in only
        ]
    if kind.selects == "workstream":
        return [
            {**period, "ref": w.id, "slug": w.id, "name": w.name}
            for w in assessment.workstreams
            if not only or w.id in only
        ]
    return [period]


def plan_packs(
    assessment: Assessment,
    kinds: Sequence[str],
    only: Sequence[str] = (),
    registry: Registry = BUILTIN_REGISTRY,
) -> list[PackSpec]:
    """The packs for ``--pack`` kinds, narrowed by ``--only`` refs or workstream ids.

    Unknown ``--only`` values are an error rather than an empty build, so a
    typo never silently produces nothing. Whole-plan packs come first: they
    are the longest to lay out, so they start first in the worker pool.
    """
    rec_refs = {r.ref for r in assessment.recommendations}
    ws_ids = {w.id for w in assessment.workstreams}
    unknown = [o for o in only if o not in rec_refs and o not in ws_ids]
    if unknown:
        raise ReportgenError(
            f"--only {', '.join(unknown)}: not a recommendation ref "
            f"({', '.join(sorted(rec_refs, key=int))}) "
            f"or workstream id ({', '.join(sorted(ws_ids))})"
        )
    strange = [k for k in kinds if k not in registry.choices]
    if strange:
        raise ReportgenError(
            f"--pack {', '.join(strange)}: not a pack kind; use {', '.join(registry.choices)}"
        )
    chosen = registry.selected(tuple(kinds))
    specs: list[PackSpec] = []
    made: dict[str, str] = {}
    for kind in sorted(chosen, key=lambda k: k.per_item):
        for values in _items(kind, assessment, only):
            path = kind.path.format(**values)
            if path in made:
                raise ReportgenError(
                    f"pack kinds {made[path]!r} and {kind.name!r} both write {path}; "
                    f"give one of them another path in {PACKS_FILE}"
                )
            made[path] = kind.name
            specs.append(
                PackSpec(
                    kind, values.get("ref"), path, kind.manifest_label.format(**values), values
                )
            )
    return specs


def _section(
    result: RecommendationResult,
    assessment: Assessment,
    charts: Mapping[str, ChartRef],
    notes: Mapping[str, Markup],
    workstream: WorkstreamResult | None = None,
) -> Section:
    plan_rec = assessment.plan.recommendation(result.ref)
    actions = exceptions_first(result.actions)
    changes = result.changes
    if workstream is not None:
        actions = tuple(a for a in actions if a.workstream == workstream.id)
        mine = {a.ref for a in actions}
        changes = tuple(c for c in changes if c.kind not in ACTION_CHANGES or c.ref in mine)
    return Section(
        result=result,
        plan=plan_rec,
        anchor=f"rec-{result.ref}",
        actions=actions,
        kpis=result.kpis,
        charts={k.id: charts[k.id] for k in result.kpis if k.id in charts},
        # A lead's note covers the whole recommendation, other workstreams'
        # actions included, so a workstream pack points to it instead.
        note_html=None if workstream is not None else notes.get(result.ref),
        changes=changes,
        hidden_actions=len(result.actions) - len(actions),
        commentary_elsewhere=workstream is not None and result.note is not None,
        source_notes=recommendation_notes(
            plan_rec, None if workstream is None else (a.ref for a in actions)
        ),
        exceptions=tuple(a for a in actions if a.state in EXCEPTION_STATES),
        open_actions=tuple(a for a in actions if a.state != "complete"),
        completed=tuple(a for a in actions if a.state == "complete"),
    )


def rule_text(assessment: Assessment) -> tuple[str, ...]:
    """The RAG rules in words, printed in every board pack's glossary."""
    rag = assessment.plan.rag
    ru = rag.rollup
    return (
        f"KPI green: on or better than the target for the month (the straight-line trajectory "
        f"between interim targets); better than it where the plan says 'less than' or 'more "
        f"than', so a value exactly on such a target is amber. Amber: short by at most "
        f"{rag.amber_points:g} percentage points (percent KPIs) or {rag.amber_relative:.0%} "
        f"of the target (others), unless "
        f"the KPI sets its own tolerance. Red: further short. No target: TBC, audit-judged or "
        f"no numeric target. No data: nothing reported for the month.",
        f"Recommendation red: at least {ru.red_if_red_kpi_share:.0%} of judged KPIs red, an "
        f"action overdue more than {ru.red_if_overdue_weeks} weeks, or an action blocked or off "
        f"track. Amber: any KPI red or amber, any action at risk or overdue. A lead may "
        f"override with a stated reason; the computed RAG is always shown beside it.",
        f"Actions are due at the end of their due month; 'due soon' means within "
        f"{rag.due_soon_weeks} weeks. KPI data older than {rag.stale_after_months} months is "
        f"marked stale.",
    )


def glossary(assessment: Assessment) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(assessment.plan.glossary.items(), key=lambda kv: kv[0].lower()))


def newest_data(assessment: Assessment) -> str:
    """How old the newest KPI value is, counted to the as-at date, for the cover.

    A pack can be built "as at" long after its data (``--as-of today``);
    the reader must see that, not only an as-at date.
    """
    months = [k.latest_period for k in assessment.kpis if k.latest_period is not None]
    if not months:
        return "no KPI data yet"
    newest = max(months)
    age = Period.of(assessment.as_of).months_since(newest)
    if age <= 0:
        return newest.long_label
    plural = "s" if age != 1 else ""
    return (
        f"{newest.long_label}, {age} month{plural} before the as-at date "
        f"({long_date(assessment.as_of)})"
    )


def data_quality(assessment: Assessment, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """Plain sentences for the data-quality appendix."""
    items: list[str] = [f"Newest KPI data: {newest_data(assessment)}."]
    said: set[str] = set()  # the KPIs whose missing or stale data is said here
    for k in assessment.kpis:
        if k.measure != "quantitative":
            continue
        if k.latest_period is None:
            gap = "no data reported yet"
        elif k.value is None:
            gap = kpi_reason(k)
        elif k.stale:
            gap = f"stale, last value {k.latest_period.label}"
        else:
            gap = None
        if gap is not None:
            items.append(f"KPI {k.id} ({k.title}): {gap}.")
            said.add(concerning(f"KPI {k.id}", assessment.period))
        if k.spc is not None and (shift := k.spc.sustained_shift) is not None:
            items.append(sentences.shift_for_review(k, shift))
    for r in assessment.recommendations:
        if r.note is None:
            items.append(
                f"Recommendation {r.ref}: no lead's note for {assessment.period.long_label}."
            )
    # The input check's warning about the same KPI's data, in the words of a
    # file check ("2019-11"), would say the same thing twice, differently.
    items.extend(
        str(w)
        for w in assessment.warnings
        if w.about not in said and "no data" not in w.message.lower()
    )
    items.extend(extra)
    return tuple(dict.fromkeys(items))


def context_for(
    spec: PackSpec,
    assessment: Assessment,
    charts: Mapping[str, ChartRef],
    notes: Mapping[str, Markup],
    built: date,
    extra_quality: Sequence[str] = (),
    cover: Cover | None = None,
) -> PackContext:
    """Fill the template context for one pack."""
    plan = assessment.plan
    kind = spec.pack_kind
    contains = set(kind.contains)
    workstream = None
    results = list(assessment.recommendations)
    if kind.selects == "recommendation":
        results = [assessment.recommendation(spec.ref or "")]
    elif kind.selects == "workstream":
        workstream = next(w for w in assessment.workstreams if w.id == spec.ref)
        results = [r for r in results if r.ref in workstream.recommendations]
    sections = (
        tuple(_section(r, assessment, charts, notes, workstream) for r in results)
        if "sections" in contains
        else ()
    )
    return PackContext(
        kind=kind.name,
        title=kind.title.format(**spec.values),
        subtitle=kind.cover_subtitle.format(**spec.values),
        filename=spec.path,
        plan=plan,
        assessment=assessment,
        period=assessment.period,
        as_of=assessment.as_of,
        built=built,
        version=plan.version or __version__,
        cover=cover or Cover(),
        briefing=briefing(assessment) if "briefing" in contains else None,
        workstream_exceptions=(
            tuple(a for a in exceptions_first(workstream.actions) if a.state in EXCEPTION_STATES)
            if workstream is not None
            else ()
        ),
        marking=plan.protective_marking,
        sections=sections,
        workstream=workstream,
        glossary=glossary(assessment),
        data_quality=data_quality(assessment, extra_quality) if "data_quality" in contains else (),
        newest_data=newest_data(assessment),
        plan_notes=plan_notes(plan) if "plan_notes" in contains else None,
        rule_text=rule_text(assessment),
    )


__all__ = ["PackSpec", "context_for", "plan_packs"]
