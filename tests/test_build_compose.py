"""Packs composed from once-laid-out parts, read back from a real build.

A composed pack must read exactly like the same pack laid out as one
document: the same pages with the same text, page furniture numbered in the
whole pack, contents numbers and bookmarks on the pages their headings are
on, links that land, one structure tree with every figure's alt text. And a
note change must lay out only the section that shows it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest
from build_project import NOTE_1, write_project
from pdf_checks import contents_entries, dest_page, heading_for, top_bookmarks
from pdf_tags import figure_alts, struct_nodes
from pypdf import PdfReader

from reportgen.assess.engine import assess
from reportgen.build import build_date, draw_charts
from reportgen.periods import Period
from reportgen.pipeline import load_for_period, run_build
from reportgen.render.charts import ChartCache
from reportgen.render.packs import context_for, plan_packs
from reportgen.render.pdf import render_pdf
from reportgen.render.resources import Resources, render_template

pytestmark = pytest.mark.slow
P = Period.parse
PLAN_GAPS = (
    "    title: Supervision\n",
    "    title: Supervision\n    gaps: [Two leads, three actions.]\n",
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assess_factory import PLAN_YAML

    root = write_project(tmp_path_factory.mktemp("compose"), PLAN_YAML.replace(*PLAN_GAPS))
    run_build(root, period=P("2019-10"), jobs=2)
    return root


def _lines(path: Path | bytes) -> list[list[str]]:
    import io

    reader = PdfReader(io.BytesIO(path) if isinstance(path, bytes) else path)
    return [
        sorted(" ".join(line.split()) for line in p.extract_text().splitlines())
        for p in reader.pages
    ]


def _whole(root: Path, kind: str) -> bytes:
    """The pack laid out as one document from its whole-pack template, as before composing."""
    project, period = load_for_period(root, P("2019-10"), None)
    assessment = assess(project, period, None)
    cache = ChartCache(root / "outputs/.cache/charts")
    charts = draw_charts(assessment, cache)
    (spec,) = [s for s in plan_packs(assessment, [kind]) if s.ref in (None, "1")]
    context = context_for(spec, assessment, charts, {}, build_date(), ())
    resources = Resources.for_project(root)
    html = render_template(resources, spec.pack_kind.template, {"pack": context})
    policy = resources.fetch_policy(cache.directory)
    return render_pdf(html, base_url=cache.directory, policy=policy).pdf


def test_the_composed_board_pack_has_the_pages_and_text_of_the_whole_document(
    project: Path, tmp_path: Path
) -> None:
    # Without notes, so that the whole-document layout here (which does not
    # render the notes' Markdown) gets the same HTML as the build.
    import shutil

    bare = tmp_path / "bare"
    shutil.copytree(project / "inputs", bare / "inputs")
    for note in (bare / "inputs/notes/2019-10").iterdir():
        note.unlink()
    run_build(bare, period=P("2019-10"), packs=["board"], jobs=1)
    path = bare / "outputs/2019-10/board-pack-2019-10.pdf"
    whole_pdf = _whole(bare, "board")
    composed, whole = _lines(path), _lines(whole_pdf)
    assert len(composed) == len(whole)
    for number, (mine, theirs) in enumerate(zip(composed, whole, strict=True), 1):
        assert mine == theirs, f"page {number}"
    # The same tags a screen reader walks: headings in order, tables, figures
    # with their alt text, lists and links (the composed pack has one Part per
    # part where the whole document had one).
    mine_tags, their_tags = _tags(path.read_bytes()), _tags(whole_pdf)
    assert [t for t in mine_tags if t != "/Part"] == [t for t in their_tags if t != "/Part"]


def _tags(pdf: bytes) -> list[str]:
    import io

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [
            f"{n.S}{f' {n.Alt}' if '/Alt' in n else ''}" for n in struct_nodes(doc) if "/S" in n
        ]


def test_every_pack_numbers_its_pages_links_and_bookmarks_in_the_whole_pack(
    project: Path,
) -> None:
    out = project / "outputs/2019-10"
    for path in sorted(out.rglob("*.pdf")):
        pages = [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]
        for number, text in enumerate(pages, 1):
            assert f"Page {number} of {len(pages)}" in text, (path.name, number)
            assert text.count("OFFICIAL-SENSITIVE") >= 2, (path.name, number)
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for annot in page.obj.get("/Annots", []):
                    assert "/A" not in annot or "reportgen.invalid" not in str(annot.A.URI)
                    if "/Dest" in annot:
                        target = dest_page(pdf, annot.Dest)
                        assert 1 <= target <= len(pages)
            for item in top_bookmarks(pdf):
                title = " ".join(str(item.Title).split())
                text = pages[dest_page(pdf, item.Dest) - 1]
                assert title.upper()[:20] in text.upper(), (path.name, title)


def test_board_contents_numbers_are_where_the_headings_are(project: Path) -> None:
    entries = contents_entries(project / "outputs/2019-10/board-pack-2019-10.pdf")
    assert [e[0] for e in entries] == [
        "executive-summary",
        "summary",
        "scorecard",
        "rec-1",
        "rec-2",
        "data-quality",
        "source-notes",
        "glossary",
        "kpi-definitions",
    ]
    for anchor, printed, target, start in entries:
        assert printed == target, anchor
        assert start.upper().startswith(heading_for(anchor).upper()), (anchor, start)


def test_structure_tree_has_every_chart_with_its_alt_text(project: Path) -> None:
    out = project / "outputs/2019-10"

    def figures(path: Path) -> list[str]:
        with pikepdf.open(path) as pdf:
            (document,) = pdf.Root.StructTreeRoot.K
            assert document.S == "/Document"
            return figure_alts(pdf)

    rec = figures(next(out.glob("recommendations/rec-01-*.pdf")))
    board = figures(out / "board-pack-2019-10.pdf")
    assert len(rec) == 2 and all(a.startswith("KPI ") for a in rec)
    assert all(a in board for a in rec)


def test_two_builds_are_byte_identical(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1573000000")
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        shutil.copytree(project / "inputs", root / "inputs")
    run_build(a, period=P("2019-10"), jobs=1)
    run_build(b, period=P("2019-10"), jobs=2)
    files = sorted(
        p.relative_to(a / "outputs/2019-10") for p in (a / "outputs/2019-10").rglob("*.pdf")
    )
    assert len(files) == 6
    for rel in files:
        assert (a / "outputs/2019-10" / rel).read_bytes() == (
            b / "outputs/2019-10" / rel
        ).read_bytes(), rel


def test_a_note_change_lays_out_only_that_recommendations_section(
    project: Path, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "p"
    shutil.copytree(project / "inputs", root / "inputs")
    first = run_build(root, period=P("2019-10"), jobs=2)
    assert first.parts_laid_out > 10
    # A word of the same length: the section keeps its pages, so the contents
    # and page furniture are unchanged too.
    note = root / "inputs/notes/2019-10/rec-01.md"
    note.write_text(NOTE_1.replace("sixth", "fifth"), encoding="utf-8")
    stored = root / "outputs/.cache/parts"
    before = {p.name for p in stored.iterdir()}
    again = run_build(root, period=P("2019-10"), jobs=2)
    assert again.parts_laid_out == 1
    # The old section's PDF is dropped from the store, with the page facts kept
    # beside it (sizes, anchors): the store does not grow with every edit.
    after = {p.name for p in stored.iterdir()}
    assert sorted(n.rsplit(".")[1] for n in after - before) == ["json", "pdf"]
    assert sorted(n.rsplit(".")[1] for n in before - after) == ["json", "pdf"]
    assert len({n.split(".")[0] for n in after ^ before}) == 2
    assert "parts: 1 laid out" in again.summary_line()
    rewritten = {o.path for o in again.outputs} - {
        o.path for o in again.outputs if o.sha256 in {p.sha256 for p in first.outputs}
    }
    assert rewritten == {"board-pack-2019-10.pdf", "recommendations/rec-01-supervision.pdf"}
    assert (again.rendered, again.reused) == (2, 4)
    text = " ".join(
        p.extract_text() for p in PdfReader(root / "outputs/2019-10/board-pack-2019-10.pdf").pages
    )
    assert "fifth" in text and "sixth" not in text


def test_a_project_that_overrides_a_pack_template_gets_it_laid_out_whole(
    project: Path, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "p"
    shutil.copytree(project / "inputs", root / "inputs")
    (root / "templates").mkdir()
    (root / "templates" / "recommendation.html").write_text(
        '{% extends "pack.html" %}{% block content %}'
        "<h1>Our own report for recommendation {{ pack.sections[0].result.ref }}</h1>"
        "{% endblock %}",
        encoding="utf-8",
    )
    report = run_build(root, period=P("2019-10"), packs=["recommendation"], only=["1"])
    assert report.parts_laid_out == 1  # the whole report, no cover or section part
    (out,) = report.outputs
    (page,) = PdfReader(root / "outputs/2019-10" / out.path).pages
    text = " ".join(page.extract_text().split())
    assert "Our own report for recommendation 1" in text and "Page 1 of 1" in text


def test_page_facts_kept_beside_parts_are_what_the_parts_hold(
    project: Path, tmp_path: Path
) -> None:
    import shutil

    from reportgen.render.compose import anchors, page_sizes

    stored = project / "outputs/.cache/parts"
    facts = sorted(stored.glob("*.json"))
    assert len(facts) > 5
    for path in facts:
        part = path.with_suffix(".pdf")
        record = json.loads(path.read_text(encoding="utf-8"))
        assert [tuple(s) for s in record["sizes"]] == page_sizes(part)
        assert record["anchors"] == anchors(part)
    # Facts that do not read are read again from the part, and the packs are the same.
    root = tmp_path / "p"
    shutil.copytree(project / "inputs", root / "inputs")
    shutil.copytree(project / "outputs", root / "outputs", symlinks=True)
    for path in (root / "outputs/.cache/parts").glob("*.json"):
        path.write_text('{"sizes": [[1, 2]], "anch', encoding="utf-8")
    again = run_build(root, period=P("2019-10"), jobs=1)
    assert (again.parts_laid_out, again.rendered) == (0, 0)
    for path in (root / "outputs/.cache/parts").glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["sizes"]
