"""Write small but complete projects to disk for build tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from assess_factory import PLAN_YAML

KPI_CSV = """kpi,period,value,numerator,denominator
42,2019-04,58,58,100
42,2019-05,60,60,100
42,2019-06,61,61,100
42,2019-07,63,63,100
42,2019-08,65,65,100
42,2019-09,68,68,100
42,2019-10,71,71,100
27,2019-04,12,,
27,2019-05,12,,
27,2019-06,13,,
27,2019-07,14,,
27,2019-08,15,,
27,2019-09,15,,
27,2019-10,16,,
12,2019-04,40,,
12,2019-05,44,,
12,2019-06,47,,
12,2019-07,50,,
12,2019-08,52,,
12,2019-09,55,,
12,2019-10,57,,
"""

UPDATES_CSV = """ref,status,revised_due,percent_complete,comment
1.1,on track,2019-11,60,Training booked for November.
1.2,not started,,0,
2.1,at risk,,50,Waiting for partners to sign off the strategy.
"""

NOTE_1 = """---
recommendation: "1"
period: 2019-10
author: Sally Allen
date: 2019-11-04
---
Supervision recording has risen for the **sixth** month running.

- Practice managers now get a weekly list of overdue supervisions.
- Training is booked for November.
"""

NOTE_2 = """---
recommendation: "2"
period: 2019-10
author: Jon Brydon
date: 2019-11-04
---
The neglect strategy is with partners for sign-off.
"""


def write_project(
    root: Path, plan_yaml: str = PLAN_YAML, notes: dict[str, str] | None = None
) -> Path:
    """A project folder with a plan, one KPI CSV, one updates file and notes for Oct 2019."""
    inputs = root / "inputs"
    (inputs / "kpis").mkdir(parents=True)
    (inputs / "updates").mkdir()
    (inputs / "notes" / "2019-10").mkdir(parents=True)
    (inputs / "plan.yaml").write_text(plan_yaml, encoding="utf-8")
    (inputs / "kpis" / "kpis.csv").write_text(KPI_CSV, encoding="utf-8")
    (inputs / "updates" / "2019-10.csv").write_text(UPDATES_CSV, encoding="utf-8")
    for name, text in (notes or {"rec-01.md": NOTE_1, "rec-02.md": NOTE_2}).items():
        (inputs / "notes" / "2019-10" / name).write_text(text, encoding="utf-8")
    return root


def big_plan_yaml(recommendations: int) -> str:
    """A plan with many recommendations and long, realistic titles."""
    lines = [
        "title: Large test plan",
        "organisation: Test Council",
        "start: 2019-04",
        "end: 2020-03",
        "workstreams:",
        "  - {id: practice, name: Practice}",
        "recommendations:",
    ]
    for i in range(1, recommendations + 1):
        lines += [
            f'  - ref: "{i}"',
            f"    title: The quality and timeliness of assessment, planning and review for children"
            f" in need of help and protection, including recording, number {i}.",
            "    actions:",
            f'      - {{ref: "{i}.1", text: Action {i}, due: 2019-06, workstream: practice,'
            " workstream_reason: practice}",
            "    kpis:",
            f'      - {{id: "{i}", title: Measure {i}, unit: percent, direction: higher,'
            f' as_written: "Target 90%", target: {{value: 90}}}}',
        ]
    return "\n".join(lines) + "\n"


def big_kpi_csv(recommendations: int) -> str:
    rows = ["kpi,period,value"]
    for i in range(1, recommendations + 1):
        for m in range(4, 11):
            rows.append(f"{i},2019-{m:02d},{60 + (i * 7 + m * 3) % 35}")
    return "\n".join(rows) + "\n"


def copy_build(built: Path, dest: Path) -> Path:
    """A private copy of a built project (the session's ``example_build``) to change.

    Symbolic links are copied as links (``outputs/<period>`` points into
    ``outputs/.builds`` by a relative link), so the copy is a complete build
    that a rebuild finds unchanged.
    """
    shutil.copytree(built, dest, symlinks=True)
    return dest
