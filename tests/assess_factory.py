"""A small, hand-checkable project for assessment tests (built in memory)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportgen.load.plan import Plan, parse_plan
from reportgen.load.records import ActionUpdate, DataPoint, Note, Project
from reportgen.load.yamlsource import parse_yaml
from reportgen.periods import Period

PLAN_YAML = """
title: Test plan
organisation: Test Council
start: 2019-04
end: 2020-03
protective_marking: OFFICIAL-SENSITIVE
workstreams:
  - {id: workforce, name: Workforce}
  - {id: practice, name: Practice}
recommendations:
  - ref: "1"
    title: Supervision
    actions:
      - {ref: "1.1", text: Train supervisors, due: 2019-08, workstream: workforce,
         workstream_reason: training}
      - {ref: "1.2", text: Audit supervision, due: 2020-02, workstream: practice,
         workstream_reason: audit}
    kpis:
      - id: "42"
        title: Supervision in 6 weeks
        unit: percent
        direction: higher
        as_written: "42. % supervision. Interim target by Oct 2019: 70% Target by Mar 2020: 95%"
        interim_targets: [{value: 70, by: 2019-10}]
        target: {value: 95, by: 2020-03}
      - id: "27"
        title: CP plans over 18 months
        unit: percent
        direction: lower
        as_written: "27. % CP plans > 18 months. Target: 10%"
        target: {value: 10}
      - id: "44"
        title: Oversight through audit
        measure: audit
        as_written: "44. Key decisions ... through audit"
  - ref: "2"
    title: Neglect
    actions:
      - {ref: "2.1", text: Neglect strategy, due: 2019-06, workstream: practice,
         workstream_reason: practice}
    kpis:
      - id: "12"
        title: NIMT use
        unit: percent
        direction: higher
        as_written: "12. Target 70% by Jan 2020"
        target: {value: 70, by: 2020-01}
"""

P = Period.parse


def plan() -> Plan:
    source, problems = parse_yaml(PLAN_YAML, "plan.yaml")
    assert source is not None and not problems
    parsed, problems = parse_plan(source)
    assert parsed is not None, problems
    return parsed


def series(kpi: str, start: str, values: Sequence[float | None]) -> list[DataPoint]:
    first = P(start)
    return [
        DataPoint(kpi=kpi, period=first.shift(i), value=v)
        for i, v in enumerate(values)
        if v is not None
    ]


def project(
    points: list[DataPoint] | None = None,
    updates: list[ActionUpdate] | None = None,
    notes: list[Note] | None = None,
) -> Project:
    return Project(
        root_display=".",
        plan=plan(),
        points=points if points is not None else [],
        updates=updates or [],
        notes=notes or [],
        inputs=[],
    )


def note(rec: str, period: str, rag: str | None = None, reason: str | None = None) -> Note:
    return Note(
        recommendation=rec,
        period=P(period),
        author="Sally Allen",
        date=date(2019, 11, 2),
        body="Progress is steady.",
        rag_override=rag,  # type: ignore[arg-type]
        override_reason=reason,
    )
