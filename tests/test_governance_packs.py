"""The worked example's packs read back as a board member would: exceptions
first, named causes, decisions asked (issue 9)."""

from __future__ import annotations

import functools
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from build_project import copy_build
from pdf_checks import contents_entries, heading_for, page_numbers_missing
from pypdf import PdfReader

from reportgen.assess.drivers import EXCEPTION_STATES
from reportgen.assess.engine import assess
from reportgen.assess.results import Assessment
from reportgen.distribute.send import send_period
from reportgen.load.project import read_project
from reportgen.periods import Period
from reportgen.present.reasons import driver_text

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PERIOD = Period.parse("2020-03")


def flat(text: str) -> str:
    """Text without line breaks or runs of spaces: PDF lines break anywhere."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, example_build: Path) -> Path:
    # The session's build of every pack, with the meeting date on the cover.
    root = copy_build(example_build, tmp_path_factory.mktemp("example") / "project")
    # Mail only the board's chair (a dry run: written, not sent), who receives
    # the board pack and the RAG summary.
    dist = root / "inputs" / "distribution.yaml"
    head = dist.read_text(encoding="utf-8").split("\nrecipients:")[0]
    dist.write_text(
        head + "\nrecipients:\n  - name: Improvement Board Chair\n"
        "    email: board.chair@example.org\n    groups: [improvement-board]\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def assessment(example: Path) -> Assessment:
    return assess(read_project(example, period=PERIOD), PERIOD)


def pages(path: Path) -> tuple[str, ...]:
    """Each page's text, flattened; a file is read once while it is unchanged
    (extracting the board pack's text takes seconds, and most tests read it)."""
    stat = path.stat()
    return _pages(path, stat.st_size, stat.st_mtime_ns)


@functools.cache
def _pages(path: Path, size: int, mtime_ns: int) -> tuple[str, ...]:
    return tuple(flat(p.extract_text()) for p in PdfReader(path).pages)


def out(example: Path, name: str) -> Path:
    return example / "outputs" / str(PERIOD) / name


def exec_summary(example: Path) -> str:
    texts = pages(out(example, f"board-pack-{PERIOD}.pdf"))
    page = next(t for t in texts if "Executive summary" in t and "Asked of the board" in t)
    assert texts.index(page) == 1, "the executive summary is the page after the cover"
    return page


def test_the_example_has_exceptions_of_every_kind(assessment: Assessment) -> None:
    states = {a.state for a in assessment.actions}
    assert {"overdue", "off track", "blocked", "at risk"} <= states


def test_executive_summary_names_a_driver_for_every_red_and_amber_recommendation(
    example: Path, assessment: Assessment
) -> None:
    texts = pages(out(example, f"board-pack-{PERIOD}.pdf"))
    page = exec_summary(example)
    off = [r for r in assessment.recommendations if r.status in ("red", "amber")]
    assert off
    for r in off:
        first = r.drivers[0]
        # The driver's opening words: "KPI 6 Staff with appraisals 69.7% vs 95%" or
        # "Action 6.1.4 blocked": the id, the name and the value or state; before
        # them the page of the recommendation's exception report.
        said = driver_text(first)
        named = re.escape(flat(said)[:30])
        found = re.search(rf"\b{r.ref} (\S+ )?(Red|Amber) report p\. (\d+) {named}", page)
        assert found, (r.ref, said)
        report = texts[int(found.group(3)) - 1]
        assert f"RECOMMENDATION {r.ref} " in report and "Exception report:" in report, r.ref
    assert "Outcomes against activity" in page
    assert "Are the actions having the intended impact?" in page


def test_every_decision_and_escalation_reaches_the_summary_and_the_email(
    example: Path, assessment: Assessment
) -> None:
    asked = [
        (r.ref, text)
        for r in assessment.recommendations
        if r.note is not None
        for text in [d.text for d in r.note.decisions] + list(r.note.escalations)
    ]
    assert len(asked) >= 4
    page = exec_summary(example)
    for ref, text in asked:
        assert f"(recommendation {ref}) {flat(text)}" in page, text

    report = send_period(example, PERIOD, dry_run=True)
    assert report.outbox is not None
    chair = next(p for p in sorted(report.outbox.glob("*.eml")) if b"board-pack" in p.read_bytes())
    msg = message_from_bytes(chair.read_bytes(), policy=default)
    assert isinstance(msg, EmailMessage)
    for kind in ("plain", "html"):
        body = msg.get_body((kind,))
        assert body is not None
        content = flat(body.get_content()).replace("&#39;", "'")
        assert "Asked of the board" in content
        for ref, text in asked:
            assert f"(recommendation {ref}): {flat(text)}" in content.replace(
                "</strong> (recommendation", " (recommendation"
            ).replace("<strong>", ""), (kind, text)


def test_recommendation_9_lists_its_exceptions_before_any_completed_action(
    example: Path, assessment: Assessment
) -> None:
    rec9 = assessment.recommendation("9")
    exceptions = [a.ref for a in rec9.actions if a.state in EXCEPTION_STATES]
    completed = [a.ref for a in rec9.actions if a.state == "complete"]
    assert "9.6" in exceptions and completed
    pdf = next((example / "outputs" / str(PERIOD) / "recommendations").glob("rec-09-*.pdf"))
    text = " ".join(pages(pdf))
    actions = text[text.index("2 actions need attention and are listed first.") :]

    def where(ref: str) -> int:
        found = re.search(rf"(?<![\d.]){re.escape(ref)}(?![\d.])", actions)
        assert found, ref
        return found.start()

    assert max(where(ref) for ref in exceptions) < min(where(ref) for ref in completed)
    assert f"{len(completed)} actions complete, listed at the end of this section" in text
    # The exception report: drivers, cause, recovery, owner and revised date.
    assert "Exception report" in text
    assert "Illustrative: audit capacity lost to the neglect deep-dive in February." in text
    assert "Head of Quality Assurance (illustrative)" in text
    assert "Back on track by September 2020" in text


def test_each_workstream_pack_opens_with_its_own_exceptions_and_no_other(
    example: Path, assessment: Assessment
) -> None:
    for ws in assessment.workstreams:
        first = pages(out(example, f"workstreams/{ws.id}-{PERIOD}.pdf"))[0]
        assert "Needs the group's attention" in first
        for a in assessment.actions:
            ref = re.compile(rf"(?<![\d.]){re.escape(a.ref)}(?![\d.])")
            if a.state not in EXCEPTION_STATES:
                continue
            if a.workstream == ws.id:
                assert ref.search(first), (ws.id, a.ref)
                assert "".join((a.comment or "").split())[:40] in "".join(first.split())
            else:
                assert not ref.search(first), (ws.id, a.ref)


def test_cover_names_the_meeting_and_the_packs_own_version_not_the_plans(
    example: Path,
) -> None:
    texts = pages(out(example, f"board-pack-{PERIOD}.pdf"))
    cover = texts[0]
    assert "For Improvement Board, 21 April 2020" in cover
    assert "Pack version 1.0 (Final)" in cover
    assert "Owner Children First Improvement Programme" in cover
    assert "plan version DRAFT JULY 2019; the plan's status: Draft July 2019" in cover
    assert "Version DRAFT JULY 2019" not in cover
    # The marking once at the top and once at the bottom: not again in the cover's body.
    assert cover.count("OFFICIAL-SENSITIVE") == 2
    for i, text in enumerate(texts):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {i + 1}: marking top and bottom"


def test_summary_keeps_one_page_with_the_headline(example: Path) -> None:
    texts = pages(out(example, f"rag-summary-{PERIOD}.pdf"))
    assert len(texts) == 1
    assert "Of 12 recommendations," in texts[0]
    assert "Asked of the board:" in texts[0]
    assert "since…" not in texts[0]


def test_a_green_override_is_shown_as_an_override_on_every_page_not_an_exception(
    example: Path, assessment: Assessment
) -> None:
    # Recommendation 10: amber as computed, green by its lead's override.
    r10 = assessment.recommendation("10")
    assert r10.override is not None
    assert (r10.status, r10.computed_status) == ("green", "amber")
    who = "Recommendation 10 lead (illustrative)"
    said = f"Green: {who} overrode the computed amber"
    why = flat(r10.override.reason)
    driver = "KPI 55 Agency staff 8.9% vs 5%, 3.9 points above"

    board = pages(out(example, f"board-pack-{PERIOD}.pdf"))
    section = next(t for t in board if "RECOMMENDATION 10 " in t)
    # The override's record, not an exception report asking for a recovery plan.
    assert "Exception report" not in section
    assert "No recovery plan" not in section
    assert "RAG override: ✔ Green (computed amber, overridden to green)" in section
    assert f"Overridden by {who}" in section
    assert f"Because {why}" in section
    assert "Computed amber" in section and driver in section

    # The summaries say who overrode what, and why, in the same words.
    summary_page = f"{said}. Reason: {why[:15]}"
    assert f"Override, recommendation 10: {summary_page}" in exec_summary(example)
    rag_page = next(t for t in board if "RAG summary Of " in t)
    assert summary_page in rag_page
    (rag_pack,) = pages(out(example, f"rag-summary-{PERIOD}.pdf"))
    assert summary_page in rag_pack

    # The email gives the whole sentence, with the computed drivers.
    report = send_period(example, PERIOD, dry_run=True)
    assert report.outbox is not None
    chair = next(p for p in sorted(report.outbox.glob("*.eml")) if b"board-pack" in p.read_bytes())
    msg = message_from_bytes(chair.read_bytes(), policy=default)
    assert isinstance(msg, EmailMessage)
    body = msg.get_body(("plain",))
    assert body is not None
    assert f"{said} ({driver}). Reason: {why}" in flat(body.get_content())


def test_every_composed_pack_numbers_its_pages_and_contents_from_its_real_pages(
    example: Path,
) -> None:
    for path in sorted((example / "outputs" / str(PERIOD)).rglob("*.pdf")):
        assert page_numbers_missing(path) == [], path.name
    entries = contents_entries(out(example, f"board-pack-{PERIOD}.pdf"))
    assert len(entries) == 19  # 3 summaries, 12 recommendations, 4 appendices
    for anchor, printed, target, start in entries:
        assert printed == target, anchor
        assert start.upper().startswith(heading_for(anchor).upper()), (anchor, start)
