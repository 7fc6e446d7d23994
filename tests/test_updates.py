"""Action updates: inputs/updates/YYYY-MM.csv read against a real plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from minimal_project import PLAN, write

from reportgen.errors import Problem
from reportgen.load.plan import Plan, load_plan
from reportgen.load.records import ActionUpdate, Source
from reportgen.load.updates import load_update_file, load_updates, normalise_status
from reportgen.periods import Period

HEADER = "ref,status,revised_due,percent_complete,comment\n"
SHOWN = "inputs/updates/2019-10.csv"


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    loaded, problems = load_plan(write(tmp_path, "plan.yaml", PLAN))
    assert loaded is not None, problems
    return loaded


def load(
    tmp_path: Path, plan: Plan, text: str, name: str = "2019-10.csv"
) -> tuple[list[ActionUpdate], list[Problem]]:
    path = write(tmp_path, f"inputs/updates/{name}", text)
    return load_update_file(path, f"inputs/updates/{name}", plan)


def err(line: int | None, field: str | None, message: str, path: str = SHOWN) -> Problem:
    return Problem(path, line, None, field, message)


def warn(line: int | None, field: str | None, message: str) -> Problem:
    return Problem(SHOWN, line, None, field, message, "warning")


def test_reads_rows_with_messy_but_accepted_values(tmp_path: Path, plan: Plan) -> None:
    text = (
        "Ref,Status,Revised Due,Percent Complete,Comment,completed_on\n"
        '1.1,Complete,,100%,"Done, signed off",31/10/2019\n'
        "1.2,On-Track,Jan 2020,50 %,\n"
        "2.1,AT_RISK,2019-12,0,Waiting\n"
    )
    updates, problems = load(tmp_path, plan, text)
    assert problems == []
    october = Period(2019, 10)
    assert updates == [
        ActionUpdate(
            "1.1",
            october,
            "complete",
            None,
            100.0,
            "Done, signed off",
            date(2019, 10, 31),
            Source(SHOWN, 2),
        ),
        ActionUpdate(
            "1.2", october, "on track", Period(2020, 1), 50.0, None, None, Source(SHOWN, 3)
        ),
        ActionUpdate(
            "2.1", october, "at risk", Period(2019, 12), 0.0, "Waiting", None, Source(SHOWN, 4)
        ),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on track", "on track"),
        ("On Track", "on track"),
        ("on-track", "on track"),
        ("  NOT_started ", "not started"),
        ("Blocked", "blocked"),
        ("done", None),
        ("", None),
    ],
)
def test_status_spellings(text: str, expected: str | None) -> None:
    assert normalise_status(text) == expected


def test_every_row_rejection_is_located_and_explained(tmp_path: Path, plan: Plan) -> None:
    text = HEADER + (
        "1.3,on track,,10,typo in ref\n"  # line 2
        "1.1,finished,,100,bad status\n"  # line 3
        "1.2,on track,,150,too far\n"  # line 4
        "2.1,on track,,-5,negative\n"  # line 5
        "2.1,on track,,20,second row for 2.1\n"  # line 6
        ",on track,,20,no ref\n"  # line 7
    )
    updates, problems = load(tmp_path, plan, text)
    assert updates == []
    allowed = "not started, on track, at risk, off track, complete, blocked"
    assert problems == [
        err(
            2,
            "ref",
            "unknown action '1.3' (did you mean '1.2'?); use a ref from the plan's actions",
        ),
        err(3, "status", f"unknown status 'finished'; use one of: {allowed}"),
        err(
            4,
            "percent_complete",
            "150 is outside 0-100; write how far through the action is as a percentage, "
            "e.g. 50 or 50%",
        ),
        err(
            5,
            "percent_complete",
            "-5 is outside 0-100; write how far through the action is as a percentage, "
            "e.g. 50 or 50%",
        ),
        err(6, "ref", "action 2.1 already has an update on line 5; keep one row per action"),
        err(7, "ref", "the action ref is blank; write the plan's ref, e.g. 1.2"),
    ]


def test_bad_cells_use_the_shared_parsers_messages(tmp_path: Path, plan: Plan) -> None:
    text = HEADER + "1.1,on track,next year,half,\n"
    _, problems = load(tmp_path, plan, text)
    assert [(p.line, p.field) for p in problems] == [(2, "revised_due"), (2, "percent_complete")]
    assert problems[0].message.startswith("'next year' is not a month; write the month like")
    assert problems[1].message.startswith("'half' is not a number; write a number such as")


def test_complete_below_100_percent_is_a_warning_and_still_loads(
    tmp_path: Path, plan: Plan
) -> None:
    updates, problems = load(tmp_path, plan, HEADER + "1.1,complete,,90,nearly\n")
    assert [u.ref for u in updates] == ["1.1"]
    assert problems == [
        warn(
            2,
            "percent_complete",
            "status is complete but percent_complete is 90; set it to 100 or change the status",
        )
    ]


def test_completed_on_after_the_month_is_an_error(tmp_path: Path, plan: Plan) -> None:
    text = "ref,status,completed_on\n1.1,complete,2019-11-02\n"
    updates, problems = load(tmp_path, plan, text)
    assert updates == []
    assert problems == [
        err(
            2,
            "completed_on",
            "2019-11-02 is after the end of October 2019, the month of this file; check the date",
        )
    ]


def test_file_month_outside_the_plan(tmp_path: Path, plan: Plan) -> None:
    updates, problems = load(tmp_path, plan, HEADER + "1.1,on track,,,\n", name="2020-04.csv")
    assert updates == []
    assert problems == [
        err(
            None,
            "file name",
            "2020-04 is outside the plan (2019-04 to 2020-03); check the month in the file name",
            path="inputs/updates/2020-04.csv",
        )
    ]


def test_header_problems(tmp_path: Path, plan: Plan) -> None:
    updates, problems = load(tmp_path, plan, "ref,stauts,percent,owner\n1.1,on track,5,AB\n")
    known = "ref, status, revised_due, percent_complete, comment, completed_on, note"
    assert updates == []
    assert problems == [
        err(1, "stauts", f"unknown column (did you mean 'status'?); the columns are {known}"),
        err(
            1,
            "percent",
            f"unknown column (did you mean 'percent_complete'?); the columns are {known}",
        ),
        err(1, "owner", f"unknown column; the columns are {known}"),
        err(
            1,
            "status",
            f"required column 'status' is missing from the header row; the columns are {known}",
        ),
    ]


def test_folder_reports_misnamed_files_and_collects_every_file(tmp_path: Path, plan: Plan) -> None:
    folder = tmp_path / "inputs" / "updates"
    write(tmp_path, "inputs/updates/2019-09.csv", HEADER + "1.1,on track,,50,\n")
    write(tmp_path, "inputs/updates/2019-10.csv", HEADER + "9.9,on track,,50,\n")
    write(tmp_path, "inputs/updates/october.csv", HEADER)
    write(tmp_path, "inputs/updates/2019-11.xlsx", "not really a workbook")
    write(tmp_path, "inputs/updates/.hidden.csv", "ignored")
    updates, problems, read = load_updates(folder, "inputs/updates", plan)
    assert [(u.ref, str(u.period)) for u in updates] == [("1.1", "2019-09")]
    assert [p.name for p in read] == ["2019-09.csv", "2019-10.csv", "october.csv"]
    assert [(p.path, p.line, p.field, p.severity) for p in problems] == [
        ("inputs/updates/2019-10.csv", 2, "ref", "error"),
        ("inputs/updates/2019-11.xlsx", None, None, "error"),
        ("inputs/updates/october.csv", None, None, "error"),
    ]
    assert problems[1].message == (
        "not read: action updates are CSV files named for their month, e.g. 2019-11.csv"
    )
    assert problems[2].message == (
        "not read: update files are named for their month, e.g. 2019-11.csv"
    )


def test_problems_name_the_column_as_headed(tmp_path: Path, plan: Plan) -> None:
    _, problems = load(tmp_path, plan, "Action Ref,Status,% Complete\n1.1,on track,101\n")
    assert [(p.line, p.field) for p in problems] == [(2, "% Complete")]


def test_a_title_row_above_the_header_is_skipped(tmp_path: Path, plan: Plan) -> None:
    text = "Action updates for October 2019,,\n,,\nref,status,comment\n1.1,on track,Booked.\n"
    updates, problems = load(tmp_path, plan, text)
    assert problems == []
    assert [(u.ref, u.status, u.source.line) for u in updates] == [("1.1", "on track", 4)]
