"""The assessment as plain data, for ``reportgen assess --format json``.

Analysts diff this output between runs and feed it to their own tools, so
it is stable: keys sorted, months as ``YYYY-MM``, dates as ISO strings,
floats rounded to 4 places, and a ``schema`` number bumped on any breaking
change. The shape is documented in ``docs/assessment-json.md`` and a test
checks the documentation against the code.

The numbers and enums are the assessment's own fields; the words beside
them (reasons, summaries, labels, ``printed``) are made here by the
presentation layer, the same functions the packs use, so the JSON quotes
exactly what a pack prints.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from enum import Enum
from typing import Any

from reportgen import __version__
from reportgen.assess.results import (
    ActionResult,
    Assessment,
    Change,
    Driver,
    KpiResult,
    RecommendationResult,
    WorkstreamResult,
)
from reportgen.periods import Period
from reportgen.present.printed import printed_kpi
from reportgen.present.reasons import (
    action_reason,
    change_subject,
    change_text,
    computed_reason,
    driver_text,
    kpi_reason,
    outcomes_text,
    recommendation_reason,
)
from reportgen.present.sentences import kpi_summary, target_label

SCHEMA = 1


def plain(value: Any) -> Any:
    """Convert assessment objects to JSON-ready values, recursively."""
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _fields(obj: Any, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        f.name: plain(getattr(obj, f.name))
        for f in dataclasses.fields(obj)
        if f.name not in leave_out
    }


def _kpi(k: KpiResult) -> dict[str, Any]:
    data = _fields(k, leave_out=("target",))
    # ``start`` and ``towards`` only shape the target's words, which say them.
    target = _fields(k.target, leave_out=("start", "towards"))
    target["label"] = target_label(k)
    data.update(target=target, reason=kpi_reason(k), summary=kpi_summary(k), printed=printed_kpi(k))
    return data


def _action(a: ActionResult) -> dict[str, Any]:
    return _fields(a) | {"reason": action_reason(a)}


def _change(c: Change) -> dict[str, Any]:
    return {"kind": c.kind, "subject": change_subject(c), "text": change_text(c)}


def _driver(d: Driver) -> dict[str, Any]:
    # ``result`` is the KPI or action itself, exported in its own place.
    return {
        "kind": d.kind,
        "ref": d.ref,
        "status": d.status,
        "state": d.state,
        "text": driver_text(d),
    }


def _recommendation(r: RecommendationResult) -> dict[str, Any]:
    data = _fields(r, leave_out=("kpis", "actions", "changes", "drivers", "note"))
    note = r.note
    data.update(
        reason=recommendation_reason(r),
        computed_reason=computed_reason(r),
        outcomes_against_activity=outcomes_text(r),
        kpis=[_kpi(k) for k in r.kpis],
        actions=[_action(a) for a in r.actions],
        changes=[_change(c) for c in r.changes],
        drivers=[_driver(d) for d in r.drivers],
        note=None
        if note is None
        else {
            "author": note.author,
            "date": note.date.isoformat(),
            "path": note.source.path,
            "decisions": plain(note.decisions),
            "risks": plain(note.risks),
            "escalations": plain(note.escalations),
            "recovery": plain(note.recovery),
        },
    )
    return data


def _workstream(w: WorkstreamResult) -> dict[str, Any]:
    return _fields(w, leave_out=("actions",)) | {"actions": [_action(a) for a in w.actions]}


def to_data(assessment: Assessment) -> dict[str, Any]:
    """The documented JSON document for one assessment."""
    done, judged = assessment.on_time
    return {
        "schema": SCHEMA,
        "tool": {"name": "reportgen", "version": __version__},
        "plan": {"title": assessment.plan.title, "organisation": assessment.plan.organisation},
        "period": str(assessment.period),
        "as_of": assessment.as_of.isoformat(),
        "status_counts": assessment.status_counts,
        "actions_on_time": {"on_time": done, "completed_with_due_date": judged},
        "recommendations": [_recommendation(r) for r in assessment.recommendations],
        "workstreams": [_workstream(w) for w in assessment.workstreams],
        "warnings": [str(w) for w in assessment.warnings],
    }


def to_json(assessment: Assessment) -> str:
    return json.dumps(to_data(assessment), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
