"""YAML slips in a hand-edited plan are named in plain words, with the line to look at."""

from __future__ import annotations

import re

import pytest

from reportgen.load.yamlsource import parse_yaml

CASES = [
    (
        "organisation: Example\n  oops: x\n",
        "plan.yaml:2: invalid YAML: this line is indented 2 spaces, more than the line above "
        "(0 spaces), so it reads as part of that line's value; indent it exactly like the key "
        "it belongs with",
    ),
    (
        "recommendations:\n  - ref: '1'\n    title: T\n   actions: []\n",
        "plan.yaml:4: invalid YAML: this line is indented 3 spaces, which does not line up with "
        "the lines around it (the list or section it belongs to starts on line 2); entries at "
        "the same level must start in the same column, and a list item's keys line up under "
        "the first key after its '- '",
    ),
    (
        "title: Children First: the plan\n",
        "plan.yaml:1:22: invalid YAML: the value of 'title' contains a colon (':'); put the "
        'whole value in double quotes, e.g. title: "...: ..."',
    ),
    (
        "workstreams:\n\t- id: a\n",
        "plan.yaml:2:1: invalid YAML: the line is indented with a tab; YAML needs spaces, so "
        "replace the tab with spaces lined up with the lines above",
    ),
    (
        "title: 'Children's plan\norganisation: X\n",
        "plan.yaml:1:18: invalid YAML: there is text after a closing quote; put the whole value "
        "in quotes (an apostrophe inside single quotes ends them: write it as '' or use double "
        "quotes)",
    ),
    (
        'title: "Children First\norganisation: X\n',
        "plan.yaml:1: invalid YAML: a quote opened on this line is never closed; add the closing "
        "quote (inside single quotes, write an apostrophe as '')",
    ),
    (
        "defaults:\n  unit: percent\nkpi:\n  <<: percent\n  id: '6'\n",
        "plan.yaml:4:7: invalid YAML: '<<:' merges a mapping written elsewhere into this one, "
        "so its value must name one with an alias (<<: *defaults) or list several "
        "(<<: [*a, *b]); remove the '<<' line or point it at an anchored mapping",
    ),
    (
        "title: X\norganisation\nstart: 2019-04\n",
        "plan.yaml:2: invalid YAML: this line has no ':' after its key; write it as "
        "'key: value', start it with '- ' if it is a list item, or close a quote left open above",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_yaml_slips_are_explained(text: str, expected: str) -> None:
    source, problems = parse_yaml(text, "plan.yaml")
    assert source is None
    assert [str(p) for p in problems] == [expected]
    assert "block end" not in expected and not re.search(r"<[a-z ]+>", expected)


MERGED = """\
defaults: &pct
  unit: percent
  direction: higher is better
kpis:
  - <<: *pct
    id: '6'
  - <<: [*pct]
    id: '7'
    unit: count
"""


def test_merge_keys_copy_the_named_mapping_and_explicit_keys_win() -> None:
    source, problems = parse_yaml(MERGED, "plan.yaml")
    assert problems == []
    assert source is not None
    assert source.data["kpis"] == [
        {"unit": "percent", "direction": "higher is better", "id": "6"},
        {"unit": "count", "direction": "higher is better", "id": "7"},
    ]


def test_a_problem_in_a_merged_value_points_at_the_line_it_is_written_on() -> None:
    source, _ = parse_yaml(MERGED, "plan.yaml")
    assert source is not None
    # 'direction' is written once, on line 3, and merged into both KPIs.
    assert (
        str(source.problem(("kpis", 0, "direction"), "bad"))
        == "plan.yaml:3: kpis[0].direction: bad"
    )
    # KPI 7's own 'unit' (line 9) wins over the merged one (line 2).
    assert str(source.problem(("kpis", 1, "unit"), "bad")) == "plan.yaml:9: kpis[1].unit: bad"


def test_a_key_written_twice_beside_a_merge_is_still_a_duplicate() -> None:
    text = "a: &x\n  k: 1\nb:\n  <<: *x\n  j: 1\n  j: 2\n"
    source, problems = parse_yaml(text, "plan.yaml")
    assert source is None
    assert [str(p) for p in problems] == [
        "plan.yaml:6:3: invalid YAML: duplicate key 'j' (first on line 5); keep only one"
    ]
