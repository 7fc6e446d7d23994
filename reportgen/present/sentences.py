"""Sentences built from assessment results: reasons, summaries, alt text, captions.

Every sentence formats its numbers with :mod:`reportgen.present.numbers`
using the KPI's own unit and decimals, so "61.9%" in an SPC sentence is the
same string as in the KPI table beside it (never "61.88" or "target (90)").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from reportgen.assess.results import KpiResult
from reportgen.assess.spc import TRIAL_LIMIT_POINTS, SpcPoint, SpcResult, SpcSegment
from reportgen.load.plan import Kpi
from reportgen.periods import Period
from reportgen.present import labels
from reportgen.present.numbers import (
    amount,
    change,
    month,
    plural,
    target,
    upper_first,
    value,
    with_parts,
)

_Fmt = Callable[[float | None], str]


def kpi_value(k: KpiResult) -> str:
    """The month's value as every output prints it, with counts when supplied.

    ``52.3% (113 of 216)``; ``no data`` when the month has none (the table
    adds the last value and its month beside it).
    """
    return with_parts(k.value, k.unit, k.decimals, k.numerator, k.denominator)


def value_text(k: KpiResult) -> str:
    """The month's value as the tables print it; the last value and its month if none.

    ``82.7% (348 of 421)``, ``64% (Jul 2019)``, or an en dash when there is no value yet.
    """
    if k.value is not None:
        return kpi_value(k)
    if k.latest_value is not None and k.latest_period is not None:
        return f"{value(k.latest_value, k.unit, k.decimals)} ({k.latest_period.label})"
    return "–"


def target_text(k: KpiResult) -> str:
    """The month's target as a bare figure (``95%``), or an en dash."""
    return "–" if k.target.value is None else target(k.target.value, k.unit, k.decimals)


def target_label(k: KpiResult) -> str:
    """The month's target in words: ``interim target 70% (Oct 2019)``.

    A trajectory says where it is heading (``trajectory 62% (Jul 2019,
    towards 70% by Oct 2019)``) or, before it is under way, where it starts.
    """
    t = k.target
    if t.kind == "not-numeric":
        return f"judged through {k.measure}, no numeric target"
    if t.kind == "tbc":
        return "target to be confirmed (TBC in the plan)"
    if t.value is None:
        return "no target set in the plan"
    shown = target(t.value, k.unit, k.decimals)
    if t.kind == "trajectory" and t.start is not None:
        return f"trajectory starts at {shown} ({t.start.label})"
    if t.kind == "trajectory" and t.towards is not None and t.by is not None:
        heading = target(t.towards, k.unit, k.decimals)
        return f"trajectory {shown} ({k.period.label}, towards {heading} by {t.by.label})"
    word = "interim target" if t.kind == "interim" else "target"
    return f"{word} {shown}" + (f" ({t.by.label})" if t.by is not None else "")


_SPC_PHRASE: dict[str | None, str] = {
    "special_cause_improvement": "Special cause variation, improving",
    "special_cause_concern": "Special cause variation, deteriorating",
    "special_cause_neutral": "Special cause variation, neither better nor worse",
    "common_cause": "Common cause variation",
}


def spc_sentence(r: SpcResult, unit: str | None = None, decimals: int | None = None) -> str:
    """One plain-English line on what the SPC chart says now."""
    latest = r.latest
    segment = r.latest_segment
    if latest is None or segment is None:
        return "SPC: no values to analyse."
    if not segment.has_limits and segment.mean_moving_range == 0:
        return (
            "SPC: no process limits; the values change only across missing months, "
            "so the month-to-month variation cannot be measured."
        )
    if not segment.has_limits:
        n = segment.n_values
        return (
            f"SPC: too few values for process limits ({n} value{'s' if n != 1 else ''}; "
            "at least 2 consecutive values are needed)."
        )

    def fmt(x: float | None) -> str:
        return value(x, unit, decimals)

    goal = "" if latest.target is None else target(latest.target, unit, decimals)
    assurance = _assurance_clause(r, latest, segment, goal)
    phrase = _SPC_PHRASE[latest.point_type]
    if latest.point_type == "special_cause_neutral":
        phrase += f" ({'higher' if latest.side == 'high' else 'lower'})"
    text = f"{phrase}: {_signal_clause(r, latest, segment, fmt)}"
    if assurance:
        text += f"; {assurance}"
    if segment.trial_limits:
        text += f" (provisional limits from {segment.n_baseline} values)"
    return text + "."


def recalculation_note(start: Period, reason: str) -> str:
    """Under a chart whose limits step: when, and the reason the plan records."""
    return f"Limits recalculated from {month(start)}: {reason.rstrip('.')}."


def provisional_limits_note(n_values: int) -> str:
    """Under a chart whose latest limits rest on too few values to be firm."""
    return (
        f"Provisional limits: from {plural(n_values, 'value')} ({TRIAL_LIMIT_POINTS} make "
        "them firm); they will move as values are added."
    )


SMALL_COUNTS_NOTE = (
    "Caution, small counts: whole-number steps make the limits too tight, so a signal may "
    "be a false alarm."
)
"""Under a chart of chunky counts (:attr:`reportgen.assess.spc.SpcSegment.chunky`)."""


def shift_note(start: Period) -> str:
    """Under a chart with a sustained shift and no recorded recalculation."""
    return (
        f"Sustained shift from {month(start)}: if the process changed then, consider "
        "recalculating the limits (see the data-quality appendix)."
    )


def shift_for_review(k: KpiResult, shift: SpcPoint) -> str:
    """The data-quality appendix entry for a shift the plan has not recorded."""
    spc = k.spc
    n = sum(1 for p in spc.points if p.period >= shift.period and p.value is not None) if spc else 0
    side = "above" if shift.side == "high" else "below"
    return (
        f"KPI {k.id} ({k.title}): consider recalculating limits from {month(shift.period)}. "
        f"The {n} values since then are all {side} the mean and steady, a sustained shift; "
        "if the process changed then, record the month and the reason in the plan (limits "
        "are never recalculated automatically)."
    )


def _signal_clause(r: SpcResult, latest: SpcPoint, segment: SpcSegment, fmt: _Fmt) -> str:
    index = r.points.index(latest)
    label = latest.period.label
    if latest.outside_limits:
        if latest.side == "high":
            return (
                f"the latest value ({label}) is above the upper process limit "
                f"({fmt(segment.upper_limit)})"
            )
        return (
            f"the latest value ({label}) is below the lower process limit "
            f"({fmt(segment.lower_limit)})"
        )
    if latest.trend:
        n = r.streak(index, trend=True)
        word = "higher" if latest.side == "high" else "lower"
        return f"each of the last {n} values is {word} than the one before"
    if latest.two_in_three:
        beyond = sum(p.two_in_three for p in r.points[max(0, index - 2) : index + 1])
        if latest.side == "high":
            line = f"above the upper two-sigma line ({fmt(segment.upper_two_sigma)})"
        else:
            line = f"below the lower two-sigma line ({fmt(segment.lower_two_sigma)})"
        return f"{beyond} of the last 3 values are {line}"
    if latest.run:
        n = r.streak(index, trend=False)
        where = "above" if latest.side == "high" else "below"
        return f"the last {n} values are {where} the mean ({fmt(segment.mean)})"
    return (
        f"no significant change at the latest value ({label}); mean {fmt(segment.mean)}, "
        f"process limits {fmt(segment.lower_limit)} to {fmt(segment.upper_limit)}"
    )


def _assurance_clause(r: SpcResult, latest: SpcPoint, segment: SpcSegment, goal: str) -> str:
    if r.assurance is None or latest.target is None:
        return ""
    side = "above the upper" if latest.target > (segment.upper_limit or 0) else "below the lower"
    if r.assurance == "consistent_pass":
        return f"the target of {goal} is {side} process limit, so it should be met consistently"
    if r.assurance == "consistent_fail":
        return (
            f"the target of {goal} is {side} process limit, so it will not be met "
            "without a change to the process"
        )
    return f"the target of {goal} is inside the process limits, so it will be hit and miss"


def kpi_summary(k: KpiResult) -> str:
    """Where a KPI started, where it is now, against what target, and what SPC says.

    It is the chart's alt text and the board member's one-line read, so it
    quotes the month's value exactly as the table prints it.
    """
    name = f"KPI {k.id}, {k.title}"
    if k.measure != "quantitative":
        return f"{name}: judged through {k.measure}; no data series."
    present = [(p, v) for p, v in k.series if v is not None]
    if not present:
        return f"{name}: no data reported up to {k.period.label}."
    (p0, v0), (p1, v1) = present[0], present[-1]
    now = kpi_value(k) if p1 == k.period else value(v1, k.unit, k.decimals)
    sentence = f"{name}: {now} in {p1.label}"
    if p1 != p0:
        sentence += (
            f", from {value(v0, k.unit, k.decimals)} in {p0.label} "
            f"({change(v1 - v0, k.unit, k.decimals)})"
        )
    sentence += "."
    if k.target.value is not None:
        sentence += f" {upper_first(target_label(k))}: {labels.rag(k.status).lower()}."
    else:
        sentence += f" {upper_first(target_label(k))}."
    if k.spc is not None:
        sentence += f" {spc_sentence(k.spc, k.unit, k.decimals)}"
    return sentence


def gap_words(gap: float, unit: str | None, decimals: int | None, direction: str) -> str:
    """``9 points short``, ``3 days above``: how far a value misses its target."""
    side = "above" if direction == "lower" else "short"
    return f"{amount(round(gap, 6), unit, decimals)} {side}"


def chart_caption(k: KpiResult) -> str:
    """Visible caption under a chart: the full title and the month's target."""
    return f"KPI {k.id}: {k.title}. {upper_first(target_label(k))}."


FIGURES_WORDS: dict[str, str] = {
    "published": "published figures",
    "illustrative": "illustrative figures, not real data",
    "provisional": "provisional figures, subject to revision",
}


def source_line(kpi: Kpi) -> str:
    """One line under each chart: where the figures come from and whether they are real.

    ``Source: Mosaic; owner Performance team; monthly (illustrative figures, not real data).``
    """
    parts = [p for p in (kpi.source_system, kpi.data_owner, kpi.frequency) if p]
    if kpi.data_owner:
        parts[parts.index(kpi.data_owner)] = f"owner {kpi.data_owner}"
    lead = "; ".join(parts) if parts else "not stated in the plan"
    status = FIGURES_WORDS.get(kpi.figures or "", "")
    return f"Source: {lead}" + (f" ({status})." if status else ".")


def definition_rows(kpi: Kpi) -> tuple[tuple[str, str], ...]:
    """The KPI definitions appendix entry: (label, text) pairs the plan supplies."""
    rows = [
        ("Definition", kpi.definition)
        if kpi.definition
        else ("As the plan words it", kpi.as_written),
        ("Numerator", kpi.numerator),
        ("Denominator", kpi.denominator),
        ("Source system", kpi.source_system),
        ("Data owner", kpi.data_owner),
        ("Frequency", kpi.frequency),
        ("Figures", FIGURES_WORDS.get(kpi.figures or "", "")),
    ]
    return tuple((label, text) for label, text in rows if text)


def override_reason(status: str, author: str, reason: str, computed_reason: str) -> str:
    """An overridden RAG's reason: who overrode what was computed, from what, and why.

    ``Green: Lead overrode the computed amber (KPI 55 Agency staff 8.9% vs 5%,
    3.9 points above). Reason: the gap is closing.`` Every pack and email says
    an override this way; :func:`override_summary` is the same sentence
    without the computed drivers, for a summary row.
    """
    label, _, details = computed_reason.partition(": ")
    return (
        f"{_override_head(status, author, label)} ({details or computed_reason}). "
        f"Reason: {reason.strip().rstrip('.;')}."
    )


def _override_head(status: str, author: str, computed_label: str) -> str:
    return f"{labels.rag(status)}: {author} overrode the computed {computed_label.lower()}"


def override_note(status: str, computed_status: str) -> str:
    """Beside an overridden RAG badge: ``(computed amber, overridden to green)``."""
    return (
        f"(computed {labels.rag(computed_status).lower()}, "
        f"overridden to {labels.rag(status).lower()})"
    )


def override_summary(status: str, computed_status: str, author: str, why: str, limit: int) -> str:
    """:func:`override_reason` for a summary row: without the computed drivers.

    ``Green: Lead overrode the computed amber. Reason: The vacancy gap has…``;
    only the lead's reason is shortened, so who overrode what is always said.
    """
    head = f"{_override_head(status, author, labels.rag(computed_status))}. Reason: "
    return head + shorten(why.strip(), max(limit - len(head), 30))


def and_list(items: Sequence[object]) -> str:
    """``1, 2 and 5``: a list as a sentence says it (empty for no items)."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


class RagMove(Protocol):
    """What :func:`moved_since` needs of a recommendation's result."""

    @property
    def ref(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def previous_status(self) -> str | None: ...


def moved_since(recommendations: Sequence[RagMove]) -> str:
    """Every change of RAG since last month in one sentence, grouped by move.

    ``Since last month, recommendations 3 and 12 improved from red to amber,
    and recommendation 10 from amber to green.`` Better or worse is judged
    by :data:`labels.RAG_KEY` order (red, amber, green).
    """
    order = {s: i for i, s in enumerate(("red", "amber", "green"))}
    groups: dict[tuple[str, str], list[str]] = {}
    for r in recommendations:
        if r.previous_status is not None and r.previous_status != r.status:
            groups.setdefault((r.previous_status, r.status), []).append(r.ref)
    if not groups:
        return "No recommendation's RAG moved since last month."
    parts: list[str] = []
    for (was, now), refs in groups.items():
        noun = "recommendations" if len(refs) > 1 else "recommendation"
        if was in order and now in order:
            verb = "improved" if order[now] > order[was] else "deteriorated"
        else:
            verb = "moved"
        parts.append(
            f"{noun} {and_list(refs)} {verb} from {labels.rag(was).lower()} "
            f"to {labels.rag(now).lower()}"
        )
    return f"Since last month, {and_list(parts) if len(parts) < 3 else '; '.join(parts)}."


def short_driver(text: str, title: str | None, limit: int) -> str:
    """A named driver cut to about ``limit`` characters without losing its numbers.

    A KPI driver reads ``KPI 27 <title> 32.6% vs 10%, 22.6 points above``:
    where it is too long only the KPI's title is cut (at a word), so the
    value, target and gap are always said; other drivers are cut as
    :func:`shorten` cuts.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if title and title in text:
        room = len(title) - (len(text) - limit)
        if room >= 12:
            return text.replace(title, shorten(title, room), 1)
    return shorten(text, limit)


_WEAK_ENDINGS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "since",
        "the",
        "to",
        "than",
        "vs",
        "with",
        "while",
        "yet",
    ]
)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters at a clause or word boundary.

    Where space is short a reason is cut at the last clause ("; " or ", ")
    that keeps most of it, else at a space, never inside a word or a number ("69.7%"), and never
    leaving a dangling "since" or "vs"; the full text is always in the
    recommendation's own section.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    clause = max(head.rfind("; "), head.rfind(", "))
    if clause < limit * 0.6:
        clause = head.rfind("; ") if head.rfind("; ") >= limit * 0.35 else -1
    if clause > 0:
        cut = head[:clause]
    else:
        cut = head[: head.rfind(" ")] if " " in head else head[:limit]
        words = cut.split(" ")
        while len(words) > 1 and words[-1].lower().strip(",;:(") in _WEAK_ENDINGS:
            words.pop()
        cut = " ".join(words)
    return cut.rstrip(" ,;:(-–") + "…"
