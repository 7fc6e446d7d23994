"""YAML slips in a hand-edited plan are named in plain words, with the line to look at."""

from __future__ import annotations

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
    assert "block end" not in expected and "<" not in expected
