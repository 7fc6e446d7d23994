"""The transcribed Children First plan (inputs/plan.yaml) says what the source says.

The plan file is the worked example every other stage is tested and demonstrated
against, and board members read it; these checks pin the facts that were counted
by hand from the source document so an edit that drops an action, renumbers a KPI
or quietly fills a gap fails loudly. Only inputs/plan.yaml is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.load.plan import Plan, load_plan
from reportgen.periods import Period

PLAN_PATH = Path(__file__).resolve().parent.parent / "inputs" / "plan.yaml"

# Counted by hand from the source plan (children-first-practice-improvement-plan-2019),
# one entry per numbered action in the "Action Required" column, including the
# inferred 1.2.1 and the "1.3 Establish a Staff Workforce Group" line.
ACTIONS_PER_RECOMMENDATION = {
    "1": 11,
    "2": 6,
    "3": 6,
    "4": 8,
    "5": 6,
    "6": 8,
    "7": 2,
    "8": 7,
    "9": 20,
    "10": 6,
    "11": 9,
    "12": 7,
}

WORKSTREAMS = {
    "workforce-and-development",
    "practice-and-standards",
    "leadership-and-governance",
    "partnerships",
    "service-design",
}

EXPECTED_KPI_IDS = {str(n) for n in range(6, 72)} | {"11a", "11b", "11c", "11c-alone"}


@pytest.fixture(scope="module")
def plan() -> Plan:
    loaded, problems = load_plan(PLAN_PATH, "inputs/plan.yaml")
    assert problems == [], "\n".join(str(p) for p in problems)
    assert loaded is not None
    return loaded


def test_plan_level_facts(plan: Plan) -> None:
    assert plan.title == "Children First — Practice Improvement Plan"
    assert plan.organisation == "West Sussex County Council"
    assert plan.status == "Draft July 2019"
    assert str(plan.start) == "2019-04"
    assert str(plan.end) == "2020-03"
    assert plan.protective_marking == "OFFICIAL-SENSITIVE"
    assert [s.name for s in plan.signatories] == ["Paul Marshall", "John Readman"]
    assert plan.people == {
        "SA": "Sally Allen",
        "JW": "Jackie Wood",
        "SD": "Sarah Daly",
        "AP": "Aretha Pitkin",
        "JB": "Jon Brydon",
    }
    assert {w.id for w in plan.workstreams} == WORKSTREAMS
    # Foreword has four paragraphs and the approach three, as in the source.
    assert len(plan.foreword.split("\n\n")) == 4
    assert len(plan.approach.split("\n\n")) == 3
    assert "year one" in plan.approach
    assert plan.rag.amber_points == 5
    assert plan.rag.stale_after_months == 2


def test_twelve_recommendations_in_order(plan: Plan) -> None:
    assert [r.ref for r in plan.recommendations] == [str(n) for n in range(1, 13)]
    for rec in plan.recommendations[1:]:
        assert rec.title, f"recommendation {rec.ref} has no title"
        assert rec.ofsted_refs, f"recommendation {rec.ref} has no Ofsted references"
    for rec in plan.recommendations:
        assert rec.what_good_looks_like.strip(), f"recommendation {rec.ref} has no outcomes"


def test_action_counts_match_the_source(plan: Plan) -> None:
    counts = {r.ref: len(r.actions) for r in plan.recommendations}
    assert counts == ACTIONS_PER_RECOMMENDATION
    assert sum(counts.values()) == 96


def test_kpi_ids_present_and_missing_ones_recorded(plan: Plan) -> None:
    assert set(plan.kpis()) == EXPECTED_KPI_IDS
    for missing in ("1", "2", "3", "4", "5"):
        assert missing not in plan.kpis()
    rec1 = plan.recommendation("1")
    assert any("KPIs 1 to 5" in g for g in plan.gaps + rec1.gaps)


def test_recommendation_1_title_is_cut_off(plan: Plan) -> None:
    rec = plan.recommendation("1")
    assert rec.title is None
    assert rec.title_fragment == (
        "children's social care workforce, including practice guidance and procedures "
        "and the quality of staff induction and training."
    )
    assert rec.display_title.startswith("… children's social care workforce")
    assert rec.ofsted_refs == []
    first = rec.actions[0]
    assert first.ref == "1.2.1"
    assert first.gaps, "the inferred ref 1.2.1 must be recorded as a gap"


def test_action_2_1_2_keeps_its_impossible_date(plan: Plan) -> None:
    _, action = plan.actions()["2.1.2"]
    assert action.due == Period(2019, 1)
    assert action.due_as_written == "Jan 2019"
    assert any("Jan 2019" in g for g in action.gaps)


def test_every_action_is_in_one_known_workstream(plan: Plan) -> None:
    for _, action in plan.actions().values():
        assert action.workstream in WORKSTREAMS, action.ref
        assert action.workstream_reason.strip(), action.ref
    used = {a.workstream for _, a in plan.actions().values()}
    assert used == WORKSTREAMS, "every work stream should have at least one action"


def test_action_refs_unique_and_under_their_recommendation(plan: Plan) -> None:
    refs = [a.ref for r in plan.recommendations for a in r.actions]
    assert len(refs) == len(set(refs))
    for rec in plan.recommendations:
        for action in rec.actions:
            assert action.ref.split(".")[0] == rec.ref, action.ref


def test_due_dates_only_with_their_wording(plan: Plan) -> None:
    for _, action in plan.actions().values():
        if action.due is not None:
            assert action.due_as_written, action.ref
        else:
            # An action without a due date says why.
            assert any("due date" in g for g in action.gaps), action.ref


def test_leads_are_names_not_initials(plan: Plan) -> None:
    for _, action in plan.actions().values():
        for lead in action.leads:
            assert lead not in plan.people, f"{action.ref}: initials {lead!r} not expanded"
    assert plan.actions()["12.7"][1].leads == ["Jon Brydon", "Amanda Radley"]
    assert plan.actions()["3.4"][1].leads == ["Jackie Wood"]


def test_tbc_targets_are_marked(plan: Plan) -> None:
    tbc = {kid for kid, (_, k) in plan.kpis().items() if k.target is not None and k.target.tbc}
    assert tbc == {"28", "40"}
    for kid, (_, k) in plan.kpis().items():
        if "TBC" in k.as_written:
            assert k.target is not None and k.target.tbc, kid
            assert k.target.value is None, kid


@pytest.mark.parametrize(
    ("kpi_id", "interim", "final"),
    [
        ("42", [(70, "2019-10")], (95, "2020-03")),
        ("43", [(80, "2020-01")], (95, "2020-03")),
        ("45", [(70, "2019-10")], (90, "2020-02")),
        ("68", [(30, "2019-12")], (20, "2020-03")),
    ],
)
def test_interim_targets(
    plan: Plan, kpi_id: str, interim: list[tuple[float, str]], final: tuple[float, str]
) -> None:
    _, k = plan.kpis()[kpi_id]
    assert [(i.value, str(i.by)) for i in k.interim_targets] == interim
    assert k.target is not None
    assert (k.target.value, str(k.target.by)) == final


def test_interim_only_kpis_have_no_final_target(plan: Plan) -> None:
    for kid, by in (("64", "2020-02"), ("65", "2019-11")):
        _, k = plan.kpis()[kid]
        assert k.target is None
        assert [str(i.by) for i in k.interim_targets] == [by]


def test_kpi_68_baseline_has_no_date(plan: Plan) -> None:
    _, k = plan.kpis()["68"]
    assert k.baseline is not None
    assert k.baseline.value == 51
    assert k.baseline.period is None


@pytest.mark.parametrize("kpi_id", ["16", "27", "28", "54", "55", "68"])
def test_lower_is_better(plan: Plan, kpi_id: str) -> None:
    assert plan.kpis()[kpi_id][1].direction == "lower"


def test_kpi_11c_has_two_targets(plan: Plan) -> None:
    seen = plan.kpis()["11c"][1]
    alone = plan.kpis()["11c-alone"][1]
    assert seen.target is not None and seen.target.value == 95
    assert alone.target is not None and alone.target.value == 70


def test_measure_kinds(plan: Plan) -> None:
    kinds = {kid: k.measure for kid, (_, k) in plan.kpis().items()}
    for kid in ("11", "13", "21", "22", "29", "30", "31", "40", "44", "50", "52"):
        assert kinds[kid] == "audit", kid
    for kid in ("23", "24", "25"):
        assert kinds[kid] == "milestone", kid
    for kid in ("9", "46", "53", "57", "59", "60", "61", "63", "69", "71"):
        assert kinds[kid] == "narrative", kid
    for kid, (_, k) in plan.kpis().items():
        if k.measure == "quantitative":
            assert k.unit is not None, kid
        if k.unit == "percent" and k.target is not None and k.target.value is not None:
            assert f"{k.target.value:g}%" in k.as_written.replace(" %", "%"), kid


def test_known_gaps_are_recorded(plan: Plan) -> None:
    all_gaps = " ".join(
        plan.gaps
        + [g for r in plan.recommendations for g in r.gaps]
        + [g for _, a in plan.actions().values() for g in a.gaps]
        + [g for _, k in plan.kpis().values() for g in k.gaps]
    )
    assert "Anne Marie Dodds" in all_gaps and "Ann Marie Dodds" in all_gaps
    assert "KPI 2" in all_gaps
    assert "More to be confirmed with partners" in all_gaps
    assert "Multi-agency data reports" in all_gaps
    for ref in ("4.2.2", "9.6", "12.4"):
        assert any("joined" in g for g in plan.actions()[ref][1].gaps), ref


REC_12_OUTCOMES = [
    "Effective partnership working that can not only meet the statutory requirements but will "
    "actively work in collaboration to improve ways of working to enable the best outcomes for "
    "children, where Safeguarding is everybody's business. This will include features such as: "
    "Timely IHAs, CLA to remain in education, Care leavers support, effective partnership "
    "strategy discussions and more.",
    "Children's workforce, community groups and partners are fully aware of the LADO role and "
    "reporting requirements. Utilising the LADO as a point of consultation where appropriate.",
    "Effective progress tracking of allegations, which will improve timeliness and conclusion.",
    "Effective partnership working to understand roles and responsibilities. Creating safer "
    "laces for children and partners recognising and responding to exploitation more "
    "effectively.",
]


def test_recommendation_12_has_all_four_outcome_paragraphs_typo_kept_and_noted(
    plan: Plan,
) -> None:
    rec = plan.recommendation("12")
    paragraphs = [" ".join(p.split()) for p in rec.what_good_looks_like.split("\n\n")]
    assert paragraphs == REC_12_OUTCOMES
    assert any("'Creating safer laces for children'" in g for g in rec.gaps)


def test_readings_the_source_leaves_open_are_said(plan: Plan) -> None:
    first = plan.actions()["1.2.1"][1]
    assert any("the end of action 1.2 itself" in g for g in first.gaps)
    kpi_54 = plan.kpis()["54"][1]
    assert kpi_54.target is not None and kpi_54.target.strict
    assert any("exactly 10% is not counted as met" in g for g in kpi_54.gaps)
    assert any("six columns where the table has seven" in g for g in plan.recommendation("1").gaps)
    assert any("placements Timeliness" in g for g in plan.recommendation("6").gaps)
    rec_9 = " ".join(plan.recommendation("9").gaps)
    assert "next two pages" in rec_9 and "three later pages" not in rec_9


@pytest.mark.parametrize("ref", ["1.3.6", "1.3.7", "1.3.8", "8.2.2", "11.8", "11.9"])
def test_a_row_continued_on_the_next_page_is_not_said_to_have_no_lead(plan: Plan, ref: str) -> None:
    (gap,) = plan.actions()[ref][1].gaps
    assert gap.startswith("No due date or lead recorded. This action is on the next page")
    assert "looks like the continuation of the row" in gap


def test_leads_joined_by_a_slash_are_split_everywhere(plan: Plan) -> None:
    for _, action in plan.actions().values():
        for lead in action.leads:
            assert "/" not in lead, (action.ref, lead)
    assert plan.actions()["2.2"][1].leads == ["Learning and development", "PSW"]
    assert plan.actions()["2.1.0"][1].leads == ["Jon Brydon", "Anne Marie Dodds", "Amanda Radley"]


def test_the_transcribers_readings_are_marked_as_such(plan: Plan) -> None:
    for abbr in ("NIMT", "MOMO", "PA", "HoS / HOS", "D&B"):
        assert "not spelt out in the plan" in plan.glossary[abbr], abbr
    assert any("transcriber's assignment" in g for g in plan.gaps)


@pytest.mark.parametrize(("a", "b"), [("8.2.1", "11.5"), ("9.7.1", "4.2")])
def test_the_workstream_rule_is_applied_evenly(plan: Plan, a: str, b: str) -> None:
    # Both dashboards are tools (Service Design); both escalation processes are
    # quality assurance (Practice and Standards).
    assert plan.actions()[a][1].workstream == plan.actions()[b][1].workstream
