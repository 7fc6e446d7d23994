"""A small real project on disk, for load-stage and CLI tests.

Tests write it into ``tmp_path`` and then edit single files, so each test
shows exactly which input it breaks. It deliberately does not use the
example ``inputs/plan.yaml`` in the repository.
"""

from __future__ import annotations

from pathlib import Path

PLAN = """\
title: Test Improvement Plan
organisation: Test Council
start: 2019-04
end: 2020-03
rag:
  stale_after_months: 2
workstreams:
  - id: practice
    name: Practice
  - id: workforce
    name: Workforce
recommendations:
  - ref: "1"
    title: Timely assessments
    actions:
      - ref: "1.1"
        text: Review open assessments.
        due: 2019-06
        workstream: practice
        workstream_reason: Practice.
      - ref: "1.2"
        text: Recruit social workers.
        due: 2019-12
        workstream: workforce
        workstream_reason: Recruitment.
    kpis:
      - id: "1"
        title: Assessments in time
        unit: percent
        direction: higher
        target: {value: 90, by: 2020-03}
        as_written: 90% in time
      - id: "2"
        title: Open assessments
        unit: count
        direction: lower
        target: {value: 10, by: 2020-03}
        as_written: at most 10 open
  - ref: "2"
    title: Oversight
    actions:
      - ref: "2.1"
        text: Audit supervision.
        due: 2019-09
        workstream: practice
        workstream_reason: Practice.
    kpis:
      - id: "3"
        title: Audits good
        measure: audit
        as_written: audits show good oversight
"""

KPIS = """\
kpi,period,value
1,2019-08,70
1,2019-09,74
1,2019-10,78
2,2019-08,40
2,2019-09,35
2,2019-10,30
"""

UPDATES = """\
ref,status,revised_due,percent_complete,comment
1.1,complete,,100,Done.
1.2,on track,,50,Half way.
2.1,at risk,2019-12,60,Slipping.
"""


def note(rec: int, period: str = "2019-10", extra: str = "") -> str:
    return (
        f"---\nrecommendation: {rec}\nperiod: {period}\nauthor: A. Lead\n"
        f"date: 2019-11-04\n{extra}---\nProgress this month.\n"
    )


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_project(root: Path) -> Path:
    """A project that validates clean for 2019-10 (no errors, no warnings)."""
    write(root, "inputs/plan.yaml", PLAN)
    write(root, "inputs/kpis/data.csv", KPIS)
    write(root, "inputs/updates/2019-10.csv", UPDATES)
    write(root, "inputs/notes/2019-10/rec-01.md", note(1))
    write(root, "inputs/notes/2019-10/rec-02.md", note(2))
    return root
