"""The assessment as plain data, for ``reportgen assess --format json``.

Analysts diff this output between runs and feed it to their own tools, so
it is stable: keys sorted, months as ``YYYY-MM``, dates as ISO strings,
floats rounded to 4 places, and a ``schema`` number bumped on any breaking
change. The shape is documented in ``docs/assessment-json.md`` and a test
checks the documentation against the code.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from enum import Enum
from typing import Any

from reportgen import __version__
from reportgen.assess.results import Assessment
from reportgen.periods import Period
from reportgen.present.printed import printed_kpi

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
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def to_data(assessment: Assessment) -> dict[str, Any]:
    """The documented JSON document for one assessment."""
    recs = []
    for r in assessment.recommendations:
        data = plain(r)
        for kpi, result in zip(data["kpis"], r.kpis, strict=True):
            kpi["printed"] = printed_kpi(result)
        note = r.note
        data["note"] = (
            None
            if note is None
            else {
                "author": note.author,
                "date": note.date.isoformat(),
                "path": note.source.path,
                "decisions": plain(note.decisions),
                "risks": plain(note.risks),
                "escalations": plain(note.escalations),
                "recovery": plain(note.recovery),
            }
        )
        recs.append(data)
    done, judged = assessment.on_time
    return {
        "schema": SCHEMA,
        "tool": {"name": "reportgen", "version": __version__},
        "plan": {"title": assessment.plan.title, "organisation": assessment.plan.organisation},
        "period": str(assessment.period),
        "as_of": assessment.as_of.isoformat(),
        "status_counts": assessment.status_counts,
        "actions_on_time": {"on_time": done, "completed_with_due_date": judged},
        "recommendations": recs,
        "workstreams": [plain(w) for w in assessment.workstreams],
        "warnings": [str(w) for w in assessment.warnings],
    }


def to_json(assessment: Assessment) -> str:
    return json.dumps(to_data(assessment), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
