"""Leads' notes: front matter checked and located on the .md file's own lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from minimal_project import PLAN, note, write

from reportgen.errors import Problem
from reportgen.load.notes import load_notes, parse_note
from reportgen.load.plan import Plan, load_plan
from reportgen.load.records import Decision, Note, Recovery, Risk, Source
from reportgen.periods import Period

SHOWN = "inputs/notes/2019-10/rec-01.md"
OCT = Period(2019, 10)


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    loaded, problems = load_plan(write(tmp_path, "plan.yaml", PLAN))
    assert loaded is not None, problems
    return loaded


def parse(text: str, plan: Plan, file_ref: str | None = "1") -> tuple[Note | None, list[Problem]]:
    return parse_note(text, SHOWN, plan, OCT, file_ref)


def err(line: int | None, field: str | None, message: str) -> Problem:
    return Problem(SHOWN, line, None, field, message)


def test_a_good_note_keeps_its_body_raw(plan: Plan) -> None:
    body = "Progress <script>alert(1)</script>\n\n- one\n- two\n"
    text = (
        "---\nrecommendation: 1\nperiod: 2019-10\nauthor: A. Lead\ndate: 2019-11-04\n"
        "title: Illustrative\nrag: Amber\nrag_reason: Audits lag.\n---\n" + body
    )
    loaded, problems = parse(text, plan)
    assert problems == []
    assert loaded == Note(
        recommendation="1",
        period=OCT,
        author="A. Lead",
        date=date(2019, 11, 4),
        body=body,
        rag_override="amber",
        override_reason="Audits lag.",
        title="Illustrative",
        source=Source(SHOWN, 1),
    )


def test_errors_are_on_the_line_of_the_md_file(plan: Plan) -> None:
    text = (
        "---\n"  # 1
        "recommendation: 1\n"  # 2
        "period: 2019-10\n"  # 3
        "author: A. Lead\n"  # 4
        "date: 04/11/2019\n"  # 5
        "rag: purple\n"  # 6
        "colour: blue\n"  # 7
        "---\nbody\n"
    )
    loaded, problems = parse(text, plan)
    assert loaded is None
    assert problems == [
        err(
            7,
            "colour",
            "unknown key; allowed keys: recommendation, period, author, date, "
            "rag, rag_reason, title, decisions, risks, escalations, recovery",
        ),
        err(5, "date", "must be a date as YYYY-MM-DD (e.g. 2019-11-28), got '04/11/2019'"),
        err(6, "rag", "must be one of red, amber, green, got 'purple'"),
    ]


def test_yaml_syntax_error_is_located_in_the_md_file(plan: Plan) -> None:
    text = "---\nrecommendation: 1\nauthor: [unclosed\nperiod: 2019-10\n---\nbody\n"
    loaded, problems = parse(text, plan)
    assert loaded is None
    assert len(problems) == 1
    assert problems[0].path == SHOWN
    assert problems[0].line == 3  # where the '[' opens, in the .md file's numbering
    assert problems[0].message == (
        "invalid YAML: the '[' on this line is not closed with ']', or a value inside "
        "[ ... ] contains a comma or colon; close it or quote the value"
    )


def test_override_without_reason_is_rejected(plan: Plan) -> None:
    loaded, problems = parse(note(1, extra="rag: red\n"), plan)
    assert loaded is None
    assert problems == [
        err(6, "rag", "a RAG override needs a reason; add 'rag_reason: <why>' to the front matter")
    ]


def test_unknown_key_suggests_the_spelling(plan: Plan) -> None:
    _, problems = parse(note(1, extra="rag: red\nrag_reasn: x\n"), plan)
    assert problems[0] == err(
        7,
        "rag_reasn",
        "unknown key (did you mean 'rag_reason'?); allowed keys: recommendation, period, "
        "author, date, rag, rag_reason, title, decisions, risks, escalations, recovery",
    )


def test_missing_fields_and_wrong_types(plan: Plan) -> None:
    text = "---\nrecommendation: one\nauthor: 42\n---\nbody\n"
    loaded, problems = parse(text, plan)
    assert loaded is None
    assert problems == [
        err(1, "period", "required field is missing; add 'period: ...' to the front matter"),
        err(1, "date", "required field is missing; add 'date: ...' to the front matter"),
        err(2, "recommendation", "must be a recommendation number such as 3, got 'one'"),
        err(3, "author", "must be text, got 42"),
    ]


def test_unknown_recommendation_and_mismatches_with_the_path(plan: Plan) -> None:
    _, problems = parse(note(13), plan, file_ref="13")
    assert problems == [
        err(2, "recommendation", "unknown recommendation '13'; the plan's recommendations are 1, 2")
    ]
    _, problems = parse(note(2, period="2019-09"), plan, file_ref="1")
    assert problems == [
        err(
            2,
            "recommendation",
            "the file name says recommendation 1 but this says 2; "
            "rename the file to rec-02.md or correct the number",
        ),
        err(
            3,
            "period",
            "2019-09 does not match the folder 2019-10; "
            "move the note to the right month's folder or correct the period",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Just text\n",
            "missing front matter; a note starts with a line '---', then "
            "'key: value' lines, then another '---'",
        ),
        (
            "---\nrecommendation: 1\n",
            "front matter is not closed; add a line '---' after the last field",
        ),
        (
            "",
            "missing front matter; a note starts with a line '---', then 'key: value' lines, "
            "then another '---'",
        ),
    ],
)
def test_front_matter_shape(plan: Plan, text: str, message: str) -> None:
    loaded, problems = parse(text, plan)
    assert loaded is None
    assert problems == [err(1, None, message)]


def test_front_matter_that_is_not_a_mapping(plan: Plan) -> None:
    _, problems = parse("---\n- a list\n---\nbody\n", plan)
    assert problems == [
        err(
            2,
            None,
            "front matter must be 'key: value' lines; a note starts with a line '---', "
            "then 'key: value' lines, then another '---'",
        )
    ]


def test_empty_body_is_a_warning(plan: Plan) -> None:
    text = note(1).replace("Progress this month.\n", "\n")
    loaded, problems = parse(text, plan)
    assert loaded is not None
    assert problems == [
        Problem(
            SHOWN,
            6,
            None,
            None,
            "note has no text after the front matter; write the narrative below the closing '---'",
            "warning",
        )
    ]


def test_reason_without_override_is_a_warning(plan: Plan) -> None:
    loaded, problems = parse(note(1, extra="rag_reason: why\n"), plan)
    assert loaded is not None and loaded.rag_override is None
    assert [(p.line, p.field, p.severity) for p in problems] == [(6, "rag_reason", "warning")]


def test_folder_walk_checks_names_and_duplicates(tmp_path: Path, plan: Plan) -> None:
    write(tmp_path, "inputs/notes/2019-10/rec-01.md", note(1))
    write(tmp_path, "inputs/notes/2019-10/rec-1.md", note(1))
    write(tmp_path, "inputs/notes/2019-10/rec 2.md", note(2))
    write(tmp_path, "inputs/notes/2019-10/photo.png", "x")
    write(tmp_path, "inputs/notes/october/rec-01.md", note(1))
    write(tmp_path, "inputs/notes/stray.md", note(1))
    write(tmp_path, "inputs/notes/2019-09/rec-02.md", note(2, period="2019-09"))
    notes, problems, read = load_notes(tmp_path / "inputs" / "notes", "inputs/notes", plan)
    assert [(n.recommendation, str(n.period)) for n in notes] == [
        ("2", "2019-09"),
        ("1", "2019-10"),
    ]
    assert [p.relative_to(tmp_path).as_posix() for p in read] == [
        "inputs/notes/2019-09/rec-02.md",
        "inputs/notes/2019-10/rec-01.md",
        "inputs/notes/2019-10/rec-1.md",
    ]
    assert [str(p) for p in problems] == [
        "inputs/notes/2019-10/photo.png: warning: not read: note file names are rec-NN.md "
        "(e.g. rec-03.md); rename it",
        "inputs/notes/2019-10/rec 2.md: not read: note file names are rec-NN.md "
        "(e.g. rec-03.md); rename it",
        "inputs/notes/2019-10/rec-1.md: recommendation: a second note for recommendation 1 in "
        "2019-10 (the first is inputs/notes/2019-10/rec-01.md); merge them into one file",
        "inputs/notes/october: folder name must be a month as YYYY-MM (e.g. 2019-11)",
        "inputs/notes/stray.md: not read: notes belong in a month folder, as "
        "inputs/notes/YYYY-MM/rec-NN.md",
    ]


def test_non_utf8_note(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "inputs" / "notes" / "2019-10" / "rec-01.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(note(1).encode("utf-8") + b"caf\xe9\n")
    notes, problems, _ = load_notes(tmp_path / "inputs" / "notes", "inputs/notes", plan)
    assert notes == []
    assert problems == [
        Problem(
            SHOWN,
            None,
            None,
            None,
            "not UTF-8 text (invalid continuation byte); save the note as UTF-8",
        )
    ]


ASKS_NOTE = (
    "---\n"  # 1
    "recommendation: 1\n"  # 2
    "period: 2019-10\n"  # 3
    "author: A. Lead\n"  # 4
    "date: 2019-11-04\n"  # 5
    "decisions:\n"  # 6
    "  - Agree two agency IROs until June 2020\n"  # 7
    "  - text: Note the revised audit date\n"  # 8
    "    ask: note\n"  # 9
    "risks:\n"  # 10
    "  - risk: Vacancies in the east area\n"  # 11
    "    rating: High\n"  # 12
    "    mitigation: Agency cover agreed\n"  # 13
    "escalations: Legal capacity for care proceedings\n"  # 14
    "recovery:\n"  # 15
    "  cause: Audit backlog\n"  # 16
    "  action: Two extra auditors\n"  # 17
    "  owner: Head of QA\n"  # 18
    "  revised_date: 2020-06\n"  # 19
    "---\nbody\n"
)


def test_decisions_risks_escalations_and_recovery_are_read(plan: Plan) -> None:
    loaded, problems = parse(ASKS_NOTE, plan)
    assert problems == []
    assert loaded is not None
    assert loaded.decisions == (
        Decision("Agree two agency IROs until June 2020"),
        Decision("Note the revised audit date", "note"),
    )
    assert loaded.risks == (Risk("Vacancies in the east area", "high", "Agency cover agreed"),)
    assert loaded.escalations == ("Legal capacity for care proceedings",)
    assert loaded.recovery == Recovery(
        "Audit backlog", "Two extra auditors", "Head of QA", Period(2020, 6)
    )


def test_bad_asks_are_reported_as_path_line_field_message(plan: Plan) -> None:
    text = (
        ASKS_NOTE.replace("  - Agree two agency IROs until June 2020\n", '  - ""\n')
        .replace("rating: High", "rating: severe")
        .replace("  owner: Head of QA\n", "  ownr: Head of QA\n")
    )
    loaded, problems = parse(text, plan)
    assert loaded is None
    shown = [str(p) for p in problems]
    assert shown == [
        f"{SHOWN}:7: decisions[0]: a decision needs its text: what the board is asked "
        "to decide or note",
        f"{SHOWN}:12: risks[0].rating: unknown rating 'severe'; use one of high, medium, low",
        f"{SHOWN}:18: recovery.ownr: unknown key (did you mean 'owner'?); allowed keys: "
        "cause, action, owner, revised_date",
        f"{SHOWN}:15: recovery.owner: is missing; a recovery plan needs its owner: "
        "who owns the recovery",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  - text: Note the revised audit date\n",
            "  - txt: Note the revised audit date\n",
            ":8: decisions[1].txt: unknown key (did you mean 'text'?)",
        ),
        (
            "  - text: Note the revised audit date\n    ask: note\n",
            "  - text: ''\n    ask: note\n",
            ":8: decisions[1].text: a decision needs its text",
        ),
        ("    ask: note\n", "    ask: vote\n", ":9: decisions[1].ask: must be 'decide' or 'note'"),
        ("    rating: High\n", "", ":11: risks[0].rating: a risk needs a rating: one of high"),
        ("  revised_date: 2020-06\n", "  revised_date: June\n", ":19: recovery.revised_date: must"),
        ("escalations: Legal", "escalations: []\nx: Legal", ":14: escalations: is an empty list"),
        ("risks:\n  - risk:", "risks:\n    risk:", ":10: risks: must be a list"),
    ],
)
def test_each_bad_ask_names_its_line_and_field(
    plan: Plan, old: str, new: str, expected: str
) -> None:
    assert old in ASKS_NOTE
    loaded, problems = parse(ASKS_NOTE.replace(old, new), plan)
    assert loaded is None
    assert any(str(p).startswith(SHOWN + expected) for p in problems), [str(p) for p in problems]
