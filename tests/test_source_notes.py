"""Gaps in the source plan: gathered into an annex for readers, one marker per section."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from assess_factory import PLAN_YAML
from build_project import write_project
from pypdf import PdfReader

from reportgen.load.plan import Plan, Recommendation, load_plan
from reportgen.periods import Period
from reportgen.pipeline import run_build
from reportgen.render.source_notes import SourceNote, plan_notes, recommendation_notes

EXAMPLE_PLAN = Path(__file__).resolve().parent.parent / "inputs" / "plan.yaml"


def _rec(**fields: object) -> Recommendation:
    base: dict[str, object] = {"ref": "4", "title": "Plans"}
    return Recommendation.model_validate({**base, **fields})


def _action(ref: str, *gaps: str, workstream: str = "practice") -> dict[str, object]:
    return {
        "ref": ref,
        "text": f"Action {ref}",
        "workstream": workstream,
        "workstream_reason": "test",
        "gaps": list(gaps),
    }


def test_a_note_shared_by_several_actions_is_printed_once_with_their_refs() -> None:
    shared = "No due date or lead: the row gives 3 dates for 5 actions."
    rec = _rec(
        gaps=["The row holding 4.1 to 4.2.2 lists Feb 2020; Feb 2020; Aug 2019."],
        actions=[
            _action("4.1", shared),
            _action("4.1.2", shared),
            _action("4.2", shared, "Text joined across a page break."),
            _action("4.3"),
        ],
        kpis=[
            {"id": "26", "title": "a", "unit": "percent", "as_written": "x", "gaps": ["No date."]},
            {"id": "27", "title": "b", "unit": "percent", "as_written": "y", "gaps": ["No date."]},
        ],
    )
    notes = recommendation_notes(rec)
    assert notes is not None
    assert notes.anchor == "source-notes-4"
    assert notes.heading == "Recommendation 4: Plans"
    assert notes.notes == (
        SourceNote("", "The row holding 4.1 to 4.2.2 lists Feb 2020; Feb 2020; Aug 2019."),
        SourceNote("Actions 4.1, 4.1.2 and 4.2", shared),
        SourceNote("Action 4.2", "Text joined across a page break."),
        SourceNote("KPIs 26 and 27", "No date."),
    )


def test_a_workstream_pack_gets_notes_only_on_the_actions_it_shows() -> None:
    rec = _rec(actions=[_action("4.1", "Only about 4.1."), _action("4.2", "Only about 4.2.")])
    notes = recommendation_notes(rec, ["4.2"])
    assert notes is not None
    assert [n.about for n in notes.notes] == ["Action 4.2"]
    assert recommendation_notes(rec, []) is None


def test_no_gaps_means_no_notes_and_no_marker() -> None:
    assert recommendation_notes(_rec(actions=[_action("4.1")])) is None


@pytest.fixture(scope="module")
def example() -> Plan:
    plan, problems = load_plan(EXAMPLE_PLAN)
    assert plan is not None, problems
    return plan


def _reader_texts(plan: Plan) -> list[str]:
    texts = list(plan.gaps) + list(plan.glossary.values())
    for rec in plan.recommendations:
        texts += rec.gaps
        texts += [g for a in rec.actions for g in a.gaps]
        texts += [g for k in rec.kpis for g in k.gaps]
    return texts


def test_the_example_notes_are_written_for_readers_not_in_schema_words(example: Plan) -> None:
    for text in _reader_texts(example):
        assert "`" not in text, text  # a field name quoted as code
        assert "**" not in text, text  # raw Markdown
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # title_fragment, as_written
        assert not re.search(r"\b(tbc|by|id): ", text), text  # a YAML key and its value
    joined = " ".join(_reader_texts(example))
    for phrase in ("given the id", "recorded as version", "Direction 'lower'", "see notes"):
        assert phrase not in joined
    assert plan_notes(example) is not None


@pytest.mark.slow
def test_sections_link_to_an_annex_and_the_regulator_comes_from_the_plan(tmp_path: Path) -> None:
    plan_yaml = PLAN_YAML.replace(
        "protective_marking: OFFICIAL-SENSITIVE\n",
        "protective_marking: OFFICIAL-SENSITIVE\n"
        "inspection: {regulator: CQC, name: well-led inspection, published: 2019-05}\n",
    ).replace(
        "    title: Supervision\n",
        "    title: Supervision\n"
        "    ofsted_refs: [Pg 3 Para 2]\n"
        "    gaps: [The row lists two leads for three actions.]\n",
    )
    plan_yaml = plan_yaml.replace(
        "due: 2019-08, workstream: workforce,",
        "due: 2019-08, workstream: workforce, gaps: [No lead given for this action.],",
    )
    root = write_project(tmp_path / "p", plan_yaml)
    report = run_build(root, period=Period.parse("2019-10"), packs=["recommendation"], only=["1"])
    (out,) = report.outputs
    pages = [p.extract_text() for p in PdfReader(root / "outputs/2019-10" / out.path).pages]
    text = " ".join(" ".join(pages).split())
    assert "CQC report references: Pg 3 Para 2" in text
    assert "A recommendation of CQC's well-led inspection, reported May 2019." in text
    assert "Ofsted" not in text
    # One marker in the section, linking to the annex; no note on the action row.
    assert text.count("Gaps in the source plan (annex)") == 1
    with pikepdf.open(root / "outputs/2019-10" / out.path) as pdf:
        index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        dests = pikepdf.NameTree(pdf.Root.Names.Dests)
        targets = {
            index[dests[str(a.Dest)][0].objgen]
            for page in pdf.pages
            for a in page.obj.get("/Annots", [])
            if str(a.get("/Dest", "")).startswith("source-notes")
        }
    assert len(targets) == 1
    assert "Annex: gaps in the source plan" in " ".join(pages[targets.pop()].split())
    assert "Source plan:" not in text
    annex = text[text.index("Annex: gaps in the source plan") :]
    assert "Recommendation 1: Supervision" in annex
    assert "The row lists two leads for three actions." in annex
    assert "Action 1.1: No lead given for this action." in annex
