"""Who is asked for what, and the `leads` section of distribution.yaml."""

from __future__ import annotations

from pathlib import Path

from assess_factory import PLAN_YAML
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.collect.assign import assign
from reportgen.collect.prefill import what_changed
from reportgen.distribute.config import Lead
from reportgen.load.plan import Plan
from reportgen.load.records import ActionUpdate
from reportgen.load.yamlsource import parse_yaml
from reportgen.periods import Period

P = Period.parse


def plan_with_leads() -> Plan:
    text = PLAN_YAML.replace(
        '{ref: "1.1", text: Train supervisors,',
        '{ref: "1.1", leads: [JS, Housing], text: Train supervisors,',
    )
    source, problems = parse_yaml(text, "plan.yaml")
    assert source is not None and not problems
    return Plan.model_validate(source.data)


def lead(name: str, **kw: object) -> Lead:
    return Lead.model_validate({"name": name, "email": f"{name.split()[0].lower()}@x.org", **kw})


def test_named_leads_then_workstream_leads_and_one_author_per_recommendation() -> None:
    plan = plan_with_leads()
    leads = [
        lead("Jo Smith", plan_names=["js"], recommendations=["1"]),
        lead("Pat Practice", workstreams=["practice"]),
    ]
    found = assign(plan, leads, [], P("2020-03"))
    got = {a.lead: (a.actions, a.recommendations, a.email) for a in found}
    assert got == {
        "Jo Smith": (("1.1",), ("1",), "jo@x.org"),
        "Pat Practice": (("1.2", "2.1"), ("2",), "pat@x.org"),
        "Housing": (("1.1",), (), None),
    }


def test_actions_completed_earlier_are_left_out_and_unled_workstreams_are_named() -> None:
    plan = plan_with_leads()
    done = ActionUpdate("2.1", P("2020-01"), "complete")
    got = {a.lead: a.actions for a in assign(plan, [], [done], P("2020-03"))}
    assert got == {"Practice lead": ("1.2",), "JS": ("1.1",), "Housing": ("1.1",)}


def test_what_changed_names_the_news_a_lead_should_react_to() -> None:
    past = [
        ActionUpdate("1.2", P("2019-12"), "on track", percent_complete=40),
        ActionUpdate("1.2", P("2020-01"), "at risk", P("2020-06"), percent_complete=55),
    ]
    assert what_changed(past, P("2020-02"), P("2020-03")) == (
        "due Feb 2020 has passed; no update since Jan 2020; on track to at risk in Jan 2020; "
        "revised due set to Jun 2020 in Jan 2020; +15 points in Jan 2020"
    )
    assert what_changed([], None, P("2020-03")) == "no update yet"


def test_leads_in_distribution_are_checked_against_the_plan_and_each_other(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    runner.invoke(main, ["new", str(tmp_path / "p")])
    path = tmp_path / "p" / "inputs" / "distribution.yaml"
    scaffold = path.read_text()
    path.write_text(
        scaffold[: scaffold.index("\nleads:\n")]
        + "\nleads:\n"
        + "  - {name: Jo Smith, email: jo@example.org, plan_names: [JS]}\n"
        + "  - {name: js, email: js@example.org, workstreams: [nowhere]}\n"
    )
    lines = path.read_text().splitlines()
    second = next(i for i, t in enumerate(lines, 1) if "name: js," in t)
    result = runner.invoke(main, ["validate", "-p", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert (
        f"inputs/distribution.yaml:{second}: lead js: name: 'js' is already a lead on line "
        f"{second - 1}; a name can belong to one lead only"
    ) in result.output
    assert (
        f"inputs/distribution.yaml:{second}: lead js, workstreams item 1: the plan has no "
        "workstream 'nowhere'" in result.output
    )


def test_initials_are_expanded_through_the_plans_people() -> None:
    text = PLAN_YAML.replace("workstreams:\n", "people: {HQ: Head of QA}\nworkstreams:\n", 1)
    text = text.replace('{ref: "2.1", text:', '{ref: "2.1", leads: [HQ], text:')
    source, problems = parse_yaml(text, "plan.yaml")
    assert source is not None and not problems
    plan = Plan.model_validate(source.data)
    found = assign(plan, [lead("Head of QA")], [], P("2020-03"))
    assert {a.lead: a.actions for a in found}["Head of QA"] == ("2.1",)
