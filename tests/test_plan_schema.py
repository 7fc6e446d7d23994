"""Plan validation: every problem located by file, line and field, all at once."""

from __future__ import annotations

from pathlib import Path

from reportgen.errors import Problem
from reportgen.load.plan import load_plan

GOOD_HEAD = """\
title: Test plan
organisation: Test Council
start: 2019-04
end: 2020-03
workstreams:
  - id: practice
    name: Practice
"""


def problems_for(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    plan, problems = load_plan(path, "inputs/plan.yaml")
    assert plan is None
    return sorted(problems)


def test_every_kind_of_error_is_reported_together_with_its_line(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "recommendations:\n"  # line 8
        '  - ref: "1"\n'  # 9
        "    title: Supervision\n"  # 10
        "    colour: red\n"  # 11  unknown key
        "    actions:\n"  # 12
        '      - ref: "1.1"\n'  # 13
        "        text: Train supervisors\n"  # 14
        "        workstream: workforce\n"  # 15  unknown workstream
        "        workstream_reason: training\n"  # 16
        '      - ref: "1.1"\n'  # 17  duplicate ref
        "        text: Audit\n"  # 18
        "        workstream: practice\n"  # 19
        "        workstream_reason: audit\n"  # 20
        "        due: Nov 2019\n"  # 21  wrong type
        "    kpis:\n"  # 22
        '      - id: "42"\n'  # 23
        "        title: Supervision in 6 weeks\n"  # 24
        "        unit: percent\n"  # 25
        "        direction: higher\n"  # 26
        "        as_written: x\n"  # 27
        "        target: {value: 95, by: 2020-03}\n"  # 28
        "        interim_targets:\n"  # 29
        "          - {value: 70, by: 2020-06}\n"  # 30  after the final target
    )
    # Located by the plan's own references, counted as the plan counts them.
    assert [str(p) for p in problems_for(tmp_path, text)] == [
        "inputs/plan.yaml:11: recommendation 1: colour: unknown key; check the spelling "
        "against 'reportgen docs plan'",
        "inputs/plan.yaml:15: recommendation 1, action 1.1: workstream (id of the workstream "
        "that delivers it): unknown workstream 'workforce'; use one of: practice",
        "inputs/plan.yaml:17: recommendation 1, action 1.1: ref (action reference, e.g. "
        "2.1.3): duplicate action ref '1.1' (first defined on line 13)",
        "inputs/plan.yaml:21: recommendation 1, action 1.1: due: expected a month as YYYY-MM, "
        "got 'Nov 2019'",
        "inputs/plan.yaml:30: recommendation 1, KPI 42, interim target 1: by (month it should "
        "be met): interim target date 2020-06 is after the final target date 2020-03; an "
        "interim target must come before the final one",
    ]


def test_wrong_types_and_missing_fields(tmp_path: Path) -> None:
    text = GOOD_HEAD.replace("title: Test plan\n", "") + (
        "recommendations:\n"
        '  - ref: "2"\n'
        "    kpis:\n"
        '      - id: "12"\n'
        "        title: NIMT\n"
        "        unit: percent\n"
        "        as_written: x\n"
        "        target: {value: ninety}\n"  # line 14
        "        tolerance: -1\n"  # line 15
    )
    assert [str(p) for p in problems_for(tmp_path, text)] == [
        "inputs/plan.yaml:1: title: required field is missing",
        "inputs/plan.yaml:14: recommendation 2, KPI 12: target.value (numeric target): Input "
        "should be a valid number, unable to parse string as a number (got 'ninety')",
        "inputs/plan.yaml:15: recommendation 2, KPI 12: tolerance (amber band for this KPI, "
        "overriding rag.amber_points): Input should be greater than or equal to 0 (got -1)",
    ]


def test_a_missing_field_is_named_by_the_plans_references_and_explained(
    tmp_path: Path,
) -> None:
    text = GOOD_HEAD + (
        "recommendations:\n"
        '  - ref: "1"\n'
        "    title: A\n"
        '  - ref: "2"\n'
        "    title: B\n"
        "    kpis:\n"
        '      - id: "5"\n'
        "        title: X\n"
        "        unit: count\n"
        "        as_written: x\n"
        '      - id: "6"\n'  # line 18: recommendations[1].kpis[1], without as_written
        "        title: Y\n"
        "        unit: count\n"
    )
    assert [str(p) for p in problems_for(tmp_path, text)] == [
        "inputs/plan.yaml:18: recommendation 2, KPI 6: as_written (the KPI's text exactly as "
        "the plan gives it) is missing; add it"
    ]


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, GOOD_HEAD + "recommendations: [\n  - oops: : :\n")
    assert len(problems) == 1
    assert problems[0].line is not None and problems[0].line >= 8
    assert problems[0].column is not None
    assert problems[0].message.startswith("invalid YAML")


def test_duplicate_yaml_keys_are_errors_not_silently_dropped(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, GOOD_HEAD + "title: Again\nrecommendations: []\n")
    assert [p.line for p in problems] == [8]
    assert "duplicate key 'title' (first on line 1); keep only one" in problems[0].message


def test_tbc_and_value_conflict_and_percent_range(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "recommendations:\n"
        '  - ref: "4"\n'
        "    kpis:\n"
        '      - id: "28"\n'
        "        title: CIN over 2 years\n"
        "        unit: percent\n"
        "        as_written: x\n"
        "        target: {value: 120, tbc: true}\n"  # line 15
    )
    assert [str(p) for p in problems_for(tmp_path, text)] == [
        "inputs/plan.yaml:15: recommendation 4, KPI 28: target (final target): a target is "
        "either 'tbc: true' or has a value, not both",
        "inputs/plan.yaml:15: recommendation 4, KPI 28: target.value (numeric target): percent "
        "target 120 is outside 0-100",
    ]


def test_a_limits_recalculation_needs_its_reason(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "recommendations:\n"
        '  - ref: "4"\n'
        "    kpis:\n"
        '      - id: "28"\n'
        "        title: CIN over 2 years\n"
        "        as_written: x\n"
        "        rebase:\n"
        "          - 2019-07\n"  # line 15: a bare month, as the old schema had it
        "          - {period: 2019-10}\n"  # line 16: no reason
    )
    shown = [str(p) for p in problems_for(tmp_path, text)]
    assert (
        "inputs/plan.yaml:15: recommendation 4, KPI 28, limits recalculation 1: give the month "
        "and the reason, e.g. {period: 2019-07, reason: New recording system}; limits are "
        "recalculated only for a known change"
    ) in shown
    assert (
        "inputs/plan.yaml:16: recommendation 4, KPI 28, limits recalculation 2: reason (what "
        "changed then, as readers will see it on the chart) is missing; add it"
    ) in shown


def test_problem_renders_as_path_line_field_message() -> None:
    p = Problem("inputs/plan.yaml", 12, None, "recommendations[0].ref", "duplicate")
    assert str(p) == "inputs/plan.yaml:12: recommendations[0].ref: duplicate"
