"""A synthetic project N times the size of a real one, for the scaling benchmark.

The point of the 10x run is to learn how build time and memory grow with the
size of a plan, so the synthetic plan must be like the real one in every way
except size: same mix of KPI kinds, same text lengths, same gaps, same data
density, same notes. The surest way to get that is to copy the source
project's recommendations N times under new numbers (recommendation r of copy
c becomes r + c x R, KPI 11a becomes 1011a, ...), each copy with its own set
of workstreams, rather than to invent text with different statistics.

The plan is copied as YAML data; KPI values, action updates and notes are
read through reportgen's own loaders and written back in the plain formats
(long KPI CSV, one updates CSV per month, one note per recommendation and
month), so the copy does not depend on how the source spreads its data
across files.

Usage: python bench/synthetic.py SOURCE_PROJECT OUT_DIR [--factor 10]
"""

from __future__ import annotations

import argparse
import copy
import csv
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from reportgen.errors import InputError  # noqa: E402
from reportgen.load.project import read_project  # noqa: E402
from reportgen.load.records import ActionUpdate, DataPoint, Note  # noqa: E402

KPI_ID = re.compile(r"^(\d+)(.*)$")


@dataclass(frozen=True)
class SyntheticStats:
    """What was written, for the benchmark's report."""

    recommendations: int
    kpis: int
    quantitative_kpis: int
    actions: int
    workstreams: int
    data_points: int
    updates: int
    notes: int


@dataclass(frozen=True)
class _Renumber:
    """How one copy renames things: copy 0 keeps the source's names."""

    copy: int
    rec_count: int

    def rec(self, ref: str) -> str:
        return str(int(ref) + self.copy * self.rec_count)

    def action(self, ref: str) -> str:
        head, _, rest = ref.partition(".")
        return f"{self.rec(head)}.{rest}"

    def kpi(self, kpi_id: str) -> str:
        match = KPI_ID.match(kpi_id)
        if match is None:  # the plan schema guarantees a leading number
            raise ValueError(f"KPI id {kpi_id!r} does not start with a number")
        return f"{int(match.group(1)) + 1000 * self.copy}{match.group(2)}"

    def workstream(self, ws_id: str) -> str:
        return ws_id if self.copy == 0 else f"{ws_id}-g{self.copy + 1}"


def scaled_plan(data: dict[str, Any], factor: int) -> dict[str, Any]:
    """The plan mapping with its recommendations and workstreams repeated ``factor`` times."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    recs = data["recommendations"]
    out = copy.deepcopy(data)
    out["title"] = f"{data['title']} (synthetic, {factor}x)"
    out["workstreams"] = []
    out["recommendations"] = []
    for c in range(factor):
        names = _Renumber(c, len(recs))
        for ws in data["workstreams"]:
            new_ws = copy.deepcopy(ws)
            new_ws["id"] = names.workstream(str(ws["id"]))
            if c:
                new_ws["name"] = f"{ws['name']} (group {c + 1})"
            out["workstreams"].append(new_ws)
        for rec in recs:
            new_rec = copy.deepcopy(rec)
            new_rec["ref"] = names.rec(str(rec["ref"]))
            for action in new_rec.get("actions") or []:
                action["ref"] = names.action(str(action["ref"]))
                action["workstream"] = names.workstream(str(action["workstream"]))
            for kpi in new_rec.get("kpis") or []:
                kpi["id"] = names.kpi(str(kpi["id"]))
            out["recommendations"].append(new_rec)
    return out


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return repr(float(value))


def _write_points(path: Path, points: list[DataPoint], factor: int, rec_count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["kpi", "period", "value", "numerator", "denominator", "team", "note"])
        for c in range(factor):
            names = _Renumber(c, rec_count)
            for p in points:
                out.writerow(
                    [
                        names.kpi(p.kpi),
                        str(p.period),
                        _number(p.value),
                        _number(p.numerator),
                        _number(p.denominator),
                        p.team or "",
                        p.note or "",
                    ]
                )


def _write_updates(folder: Path, updates: list[ActionUpdate], factor: int, rec_count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    by_period: dict[str, list[ActionUpdate]] = defaultdict(list)
    for u in updates:
        by_period[str(u.period)].append(u)
    for period, rows in sorted(by_period.items()):
        with (folder / f"{period}.csv").open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(
                ["ref", "status", "revised_due", "percent_complete", "comment", "completed_on"]
            )
            for c in range(factor):
                names = _Renumber(c, rec_count)
                for u in rows:
                    out.writerow(
                        [
                            names.action(u.ref),
                            u.status,
                            str(u.revised_due) if u.revised_due else "",
                            _number(u.percent_complete),
                            u.comment or "",
                            u.completed_on.isoformat() if u.completed_on else "",
                        ]
                    )


def _write_notes(folder: Path, notes: list[Note], factor: int, rec_count: int) -> None:
    for c in range(factor):
        names = _Renumber(c, rec_count)
        for n in notes:
            ref = names.rec(n.recommendation)
            front: dict[str, Any] = {
                "recommendation": int(ref),
                "period": str(n.period),
                "author": n.author,
                "date": n.date.isoformat(),
            }
            if n.title:
                front["title"] = n.title
            if n.rag_override:
                front["rag"] = n.rag_override
                front["rag_reason"] = n.override_reason or ""
            path = folder / str(n.period) / f"rec-{int(ref):02d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
            path.write_text(f"---\n{head}---\n{n.body}", encoding="utf-8")


def write_synthetic_project(source: Path, out: Path, factor: int = 10) -> SyntheticStats:
    """Write a project ``factor`` times the size of ``source`` into ``out``.

    ``out`` must not hold an ``inputs/`` folder yet (nothing is overwritten).
    Raises :class:`~reportgen.errors.InputError` if the source does not load.
    """
    project = read_project(source)
    inputs = out / "inputs"
    if inputs.exists():
        raise FileExistsError(f"{inputs} already exists; choose an empty folder")
    raw = yaml.safe_load((source / "inputs" / "plan.yaml").read_text(encoding="utf-8"))
    plan = scaled_plan(raw, factor)
    rec_count = len(raw["recommendations"])
    inputs.mkdir(parents=True)
    (inputs / "plan.yaml").write_text(
        "# Synthetic plan for the benchmark: the source plan repeated "
        f"{factor} times (bench/synthetic.py).\n"
        + yaml.safe_dump(plan, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    _write_points(inputs / "kpis" / "kpis.csv", project.points, factor, rec_count)
    _write_updates(inputs / "updates", project.updates, factor, rec_count)
    _write_notes(inputs / "notes", project.notes, factor, rec_count)
    kpis = [k for r in project.plan.recommendations for k in r.kpis]
    return SyntheticStats(
        recommendations=rec_count * factor,
        kpis=len(kpis) * factor,
        quantitative_kpis=sum(k.measure == "quantitative" for k in kpis) * factor,
        actions=sum(len(r.actions) for r in project.plan.recommendations) * factor,
        workstreams=len(project.plan.workstreams) * factor,
        data_points=len(project.points) * factor,
        updates=len(project.updates) * factor,
        notes=len(project.notes) * factor,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="project folder to copy (holds inputs/)")
    parser.add_argument("out", type=Path, help="new project folder to write")
    parser.add_argument("--factor", type=int, default=10, help="how many copies (default 10)")
    args = parser.parse_args(argv)
    try:
        stats = write_synthetic_project(args.source, args.out, args.factor)
    except InputError as exc:
        print(f"synthetic: the source project does not load:\n{exc}", file=sys.stderr)
        return 1
    except (FileExistsError, ValueError) as exc:
        print(f"synthetic: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {stats}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
