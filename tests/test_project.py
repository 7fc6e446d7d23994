"""Whole project folders: every file read, every problem collected, period warnings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from minimal_project import make_project, note, write

from reportgen.errors import InputError, Problem
from reportgen.load.project import load_project, read_project
from reportgen.periods import Period
from reportgen.pipeline import check_project

OCT = Period(2019, 10)


def test_clean_project_loads_everything(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    project, problems = load_project(root, period=OCT)
    assert problems == []
    assert project is not None
    assert len(project.points) == 6
    assert {u.ref: u.status for u in project.updates} == {
        "1.1": "complete",
        "1.2": "on track",
        "2.1": "at risk",
    }
    assert sorted(n.recommendation for n in project.notes) == ["1", "2"]
    assert [f.path for f in project.inputs] == [
        "inputs/kpis/data.csv",
        "inputs/notes/2019-10/rec-01.md",
        "inputs/notes/2019-10/rec-02.md",
        "inputs/plan.yaml",
        "inputs/updates/2019-10.csv",
    ]
    plan_sha = hashlib.sha256((root / "inputs" / "plan.yaml").read_bytes()).hexdigest()
    assert project.inputs[3].sha256 == plan_sha
    assert read_project(root, period=OCT).points == project.points


def test_problems_from_every_file_are_collected(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/kpis/more.csv", "kpi,period,value\n99,2019-10,5\n")
    write(root, "inputs/updates/2019-10.csv", "ref,status\n1.1,done\n")
    write(root, "inputs/notes/2019-10/rec-02.md", note(2, extra="rag: red\n"))
    project, problems = load_project(root)
    assert project is not None
    errors = [(p.path, p.line, p.field) for p in problems if p.is_error]
    assert errors == [
        ("inputs/kpis/more.csv", 2, "kpi"),
        ("inputs/notes/2019-10/rec-02.md", 6, "rag"),
        ("inputs/updates/2019-10.csv", 2, "status"),
    ]
    with pytest.raises(InputError) as caught:
        read_project(root)
    assert [p for p in caught.value.problems if p.is_error] == [p for p in problems if p.is_error]


def test_same_kpi_month_in_two_files_is_an_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/kpis/late.csv", "kpi,period,value\n2,2019-07,44\n1,2019-10,79\n")
    _, problems = load_project(root)
    assert problems == [
        Problem(
            "inputs/kpis/late.csv",
            3,
            None,
            "KPI 1",
            "2019-10 also has a value in inputs/kpis/data.csv line 4; "
            "keep each KPI month in one file only",
        )
    ]


def test_unusable_plan_returns_no_project(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/plan.yaml", "title: [\n")
    project, problems = load_project(root)
    assert project is None
    assert len(problems) == 1 and problems[0].path == "inputs/plan.yaml"
    assert problems[0].message.startswith("invalid YAML")


def test_missing_folders_are_explained(tmp_path: Path) -> None:
    project, problems = load_project(tmp_path)
    assert project is None
    assert problems == [
        Problem(
            str(tmp_path),
            None,
            None,
            None,
            "no inputs/ folder here; pass --project with the project folder, "
            "or create one with 'reportgen new DIR'",
        )
    ]
    (tmp_path / "inputs").mkdir()
    _, problems = load_project(tmp_path)
    assert [str(p) for p in problems] == [
        "inputs/plan.yaml: file not found; every project needs its plan in inputs/plan.yaml "
        "('reportgen new DIR' writes a commented example)"
    ]


def test_stray_files_in_kpis_are_warned_about_and_lock_files_ignored(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/kpis/README.md", "about the data")
    write(root, "inputs/kpis/~$data.xlsx", "lock")
    project, problems = load_project(root)
    assert project is not None
    assert [str(p) for p in problems] == [
        "inputs/kpis/README.md: warning: not read: KPI data files are .csv or .xlsx"
    ]
    assert "inputs/kpis/README.md" not in [f.path for f in project.inputs]


def test_period_warnings(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    # KPI 1 has September but not October; KPI 2 stops in July (stale after 2 months).
    write(
        root, "inputs/kpis/data.csv", "kpi,period,value\n1,2019-09,74\n2,2019-06,41\n2,2019-07,40\n"
    )
    # 1.2 is not due until December; 2.1 (due September) gets no October row.
    write(root, "inputs/updates/2019-10.csv", "ref,status\n1.1,complete\n1.2,on track\n")
    (root / "inputs" / "notes" / "2019-10" / "rec-02.md").unlink()
    project, problems = load_project(root, period=OCT)
    assert project is not None
    assert [str(p) for p in problems] == [
        "inputs/kpis/data.csv:2: KPI 1: warning: no data for 2019-10; "
        "the latest value is for 2019-09",
        "inputs/kpis/data.csv:4: KPI 2: warning: stale: the latest value is for 2019-07, "
        "3 months before 2019-10 (values are stale after 2 months); add recent data",
        "inputs/notes/2019-10: recommendation 2: warning: no note for 2019-10; "
        "add inputs/notes/2019-10/rec-02.md",
        "inputs/updates/2019-10.csv: action 2.1: warning: due date 2019-09 has passed and there "
        "is no update for 2019-10; add a row for 2.1 to inputs/updates/2019-10.csv",
    ]
    assert all(p.severity == "warning" for p in problems)
    # Without a period there is nothing to be late for.
    assert load_project(root)[1] == []


def test_revised_due_and_earlier_completion_govern_overdue_warnings(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(
        root,
        "inputs/updates/2019-08.csv",
        "ref,status,revised_due\n1.1,complete,\n2.1,at risk,2019-09\n",
    )
    write(root, "inputs/updates/2019-10.csv", "ref,status\n1.2,on track\n")
    _, problems = load_project(root, period=OCT)
    # 1.1 was completed in August, so no October row is needed; 2.1's revised date passed.
    assert [str(p) for p in problems] == [
        "inputs/updates/2019-10.csv: action 2.1: warning: revised due date 2019-09 has passed "
        "and there is no update for 2019-10; add a row for 2.1 to inputs/updates/2019-10.csv"
    ]


def test_data_with_no_history_and_a_period_outside_the_plan(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/kpis/data.csv", "kpi,period,value\n1,2019-10,74\n")
    _, problems = load_project(root, period=OCT)
    assert [str(p) for p in problems] == [
        "inputs/kpis: KPI 2: warning: no data for 2019-10 or any earlier month; add its "
        "values to a file in inputs/kpis/"
    ]
    _, problems = load_project(root, period=Period(2020, 4))
    assert [str(p) for p in problems] == [
        "inputs/plan.yaml: period: 2020-04 is outside the plan (2019-04 to 2020-03); "
        "choose a month within it"
    ]


def test_check_project_defaults_to_the_latest_data_month(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/kpis/data.csv", "kpi,period,value\n1,2019-10,74\n2,2019-11,30\n")
    project, problems, period = check_project(root)
    assert period == Period(2019, 11)
    assert project is not None and project.problems == problems
    assert {p.field for p in problems} == {
        "KPI 1",
        "recommendation 1",
        "recommendation 2",
    }
