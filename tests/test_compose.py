"""Composing a pack from separately laid-out parts, read back from the real PDFs.

The parts are laid out by WeasyPrint from the real part and furniture
templates and stylesheets; the composed file is read back with pikepdf and
pypdf as a reader (and a screen reader) would see it.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest
from pdf_checks import dest_page, top_bookmarks
from pdf_tags import struct_nodes

from reportgen.periods import Period, period_range
from reportgen.render.charts import ChartSpec, draw_chart
from reportgen.render.compose import (
    PART_LINK,
    ComposeError,
    anchors,
    compose,
    external_links,
    page_sizes,
)
from reportgen.render.fonts import font_files
from reportgen.render.pdf import render_pdf
from reportgen.render.policy import FetchPolicy
from reportgen.render.resources import Resources, render_template

PARTS = {
    "t_front.html": (
        '<section class="cover" aria-label="Cover"><h1 class="cover-title">Test plan</h1>'
        "<p>Board pack</p></section>"
    ),
    "t_contents.html": (
        '<nav class="contents" aria-labelledby="c-h"><h1 id="c-h">Contents</h1><ol>'
        '{% for a, t in [("rec-1", "Recommendation 1"), ("wide", "Wide table"), '
        '("appendix", "Appendix")] %}'
        '<li><a href="#{{ a }}"{% if a in contents_pages %} data-page="{{ contents_pages[a] }}"'
        "{% endif %}>{{ t }}</a></li>{% endfor %}</ol></nav>"
    ),
    "t_section.html": (
        '<section class="recommendation" id="rec-1" aria-labelledby="rec-1-h">'
        '<h1 id="rec-1-h">Recommendation 1</h1><h2>Trends</h2>'
        '<figure class="chart"><img src="c1.png" alt="Line chart rising from 60% to 74%.">'
        "<figcaption>Caption</figcaption></figure>"
        '<p>See <a href="#appendix">the appendix</a>.</p>'
        "{% for i in range(60) %}<p>Paragraph {{ i }} of the section.</p>{% endfor %}"
        '</section><section class="summary-page landscape" id="wide"><h1>Wide table</h1>'
        "<table><tr><th scope='col'>A</th></tr><tr><td>1</td></tr></table></section>"
    ),
    "t_appendix.html": (
        '<section class="appendix" id="appendix" aria-labelledby="app-h">'
        '<h1 id="app-h">Appendix</h1><p>Back to <a href="#rec-1">recommendation 1</a>.</p>'
        '<p>A note may link to <a href="#rec-9">a section this pack lacks</a>.</p>'
        "</section>"
    ),
}


def _pack(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "kind": "board",
        "plan": {"title": "Test plan for composing"},
        "period": Period(2019, 10),
        "marking": "OFFICIAL-SENSITIVE",
        "as_of": date(2019, 10, 31),
        "built": date(2019, 11, 3),
    }


class Project:
    def __init__(self, root: Path) -> None:
        (root / "templates").mkdir(parents=True)
        for name, text in PARTS.items():
            (root / "templates" / name).write_text(text, encoding="utf-8")
        self.charts = root / "charts"
        self.charts.mkdir()
        periods = tuple(period_range(Period(2019, 4), Period(2019, 10)))
        spec = ChartSpec("Timely", periods, (60, 62, None, 65, 70, 71, 74), unit="percent")
        (self.charts / "c1.png").write_bytes(draw_chart(spec))
        self.resources = Resources.for_project(root)
        self.policy = FetchPolicy.of(
            dirs=[*self.resources.readable_dirs, self.charts], files=font_files()
        )

    def part(self, template: str, **extra: Any) -> bytes:
        html = render_template(
            self.resources,
            "part.html",
            {"pack": _pack(template), "part_title": template, "part_templates": [template]} | extra,
        )
        return render_pdf(external_links(html), base_url=self.charts, policy=self.policy).pdf

    def furniture(self, parts: list[bytes]) -> bytes:
        landscape = [w > h for p in parts for w, h in page_sizes(p)]
        html = render_template(
            self.resources,
            "furniture.html",
            {"pack": _pack("Composed board pack"), "furniture_pages": landscape},
        )
        created = datetime(2019, 11, 3)
        return render_pdf(html, base_url=self.charts, policy=self.policy, created=created).pdf


FURNITURE: list[bytes] = []
UNRESOLVED: list[tuple[str, ...]] = []


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[bytes]]:
    project = Project(tmp_path_factory.mktemp("compose"))
    front = project.part("t_front.html")
    section = project.part("t_section.html")
    appendix = project.part("t_appendix.html")
    # The contents is numbered from the other parts, as the build does it.
    numbers: dict[str, int] = {}
    start = 1
    for part in (front, None, section, appendix):
        if part is None:
            start += 1
            continue
        for name, index in anchors(part).items():
            numbers.setdefault(name, start + index)
        start += len(page_sizes(part))
    contents = project.part("t_contents.html", contents_pages=numbers)
    parts = [front, contents, section, appendix]
    FURNITURE[:] = [project.furniture(parts)]
    result = compose(parts, FURNITURE[0])
    UNRESOLVED[:] = [result.unresolved]
    return result.pdf, parts


def _texts(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _heading_pages(pdf: bytes) -> dict[str, int]:
    """Page number (from 1) where each heading's text is, after the contents (page 2)."""
    found: dict[str, int] = {}
    for number, text in enumerate(_texts(pdf)[2:], 3):
        for heading in ("Recommendation 1 Trends", "Wide table", "Appendix Back to"):
            if heading in text:
                found.setdefault(heading.split(" ")[0], number)
    return found


def test_every_page_has_its_furniture_numbered_in_the_whole_pack(
    composed: tuple[bytes, list[bytes]],
) -> None:
    pdf, parts = composed
    texts = _texts(pdf)
    total = sum(len(page_sizes(p)) for p in parts)
    assert len(texts) == total > 4  # the section runs over several pages
    for number, text in enumerate(texts, 1):
        assert f"Page {number} of {total}" in text
        assert text.count("OFFICIAL-SENSITIVE") == 2, number
        assert "Built 3 November 2019" in text
    # The first page (the cover) drops the running title, as a whole pack's does.
    assert "Test plan for composing" not in texts[0].replace("Test plan Board", "")
    assert all("Test plan for composing" in t and "October 2019" in t for t in texts[1:])


def test_contents_numbers_are_the_pages_the_headings_are_on(
    composed: tuple[bytes, list[bytes]],
) -> None:
    pdf, _ = composed
    contents = _texts(pdf)[1]
    where = _heading_pages(pdf)
    assert set(where) == {"Recommendation", "Wide", "Appendix"}
    for label, key in (
        ("Recommendation 1", "Recommendation"),
        ("Wide table", "Wide"),
        ("Appendix", "Appendix"),
    ):
        after = contents[contents.index(label) + len(label) :].lstrip(". ")
        assert after.split()[0] == str(where[key]), (label, contents)


def test_the_landscape_page_keeps_its_size_and_its_furniture(
    composed: tuple[bytes, list[bytes]],
) -> None:
    pdf, _ = composed
    sizes = page_sizes(pdf)
    wide = _heading_pages(pdf)["Wide"] - 1
    assert sizes[wide][0] > sizes[wide][1]
    assert all(w < h for i, (w, h) in enumerate(sizes) if i != wide)
    assert f"Page {wide + 1} of {len(sizes)}" in _texts(pdf)[wide]


def test_links_between_parts_are_internal_and_land_on_their_headings(
    composed: tuple[bytes, list[bytes]],
) -> None:
    pdf, _ = composed
    where = _heading_pages(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        links: dict[str, set[int]] = {}
        inert = []
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                assert "/A" not in annot, "no link is left pointing at the part-link URI"
                if "/Dest" not in annot:
                    inert.append(str(annot.Contents))
                    continue
                links.setdefault(str(annot.Dest), set()).add(dest_page(doc, annot.Dest))
        assert links == {
            "rec-1": {where["Recommendation"]},
            "wide": {where["Wide"]},
            "appendix": {where["Appendix"]},
        }
        assert PART_LINK.encode() not in pdf
        # A link to an anchor no part has does nothing, and is reported.
        assert set(inert) == {"rec-9"}
        assert UNRESOLVED == [("rec-9",)]


def test_bookmarks_follow_the_parts_and_point_at_their_pages(
    composed: tuple[bytes, list[bytes]],
) -> None:
    pdf, _ = composed
    where = _heading_pages(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        top = []
        for item in top_bookmarks(doc):
            assert item.Parent.objgen == doc.Root.Outlines.objgen
            top.append((str(item.Title), dest_page(doc, item.Dest)))
        assert top == [
            ("Test plan", 1),
            ("Contents", 2),
            ("Recommendation 1", where["Recommendation"]),
            ("Wide table", where["Wide"]),
            ("Appendix", where["Appendix"]),
        ]
        child = doc.Root.Outlines.First.Next.Next.First
        assert str(child.Title) == "Trends"
        assert int(doc.Root.Outlines.Count) == 6


def test_one_structure_tree_with_headings_figure_alt_and_a_consistent_parent_tree(
    composed: tuple[bytes, list[bytes]],
) -> None:
    pdf, _ = composed
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root.StructTreeRoot
        (document,) = root.K
        assert document.S == "/Document"
        nodes = [n for n in struct_nodes(doc)[1:] if "/S" in n]  # [0] is the Document
        headings = [n for n in nodes if str(n.S) == "/H1"]
        assert len(headings) == 5  # cover, contents, section, wide table, appendix
        figures = [n for n in nodes if str(n.S) == "/Figure"]
        assert [str(f.Alt) for f in figures] == ["Line chart rising from 60% to 74%."]
        assert all(kid.P.objgen == document.objgen for kid in document.K)
        nums = root.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert keys == list(range(len(keys))) and int(root.ParentTreeNextKey) == len(keys)
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for number, page in enumerate(doc.pages, 1):
            marked = parents[int(page.obj.StructParents)]
            # Every MCID on the page is in the page's parent-tree array, and the
            # element it names is on this page.
            mcids = [
                int(i.operands[1].MCID)
                for i in pikepdf.parse_content_stream(page)
                if isinstance(i, pikepdf.ContentStreamInstruction)
                and str(i.operator) == "BDC"
                and isinstance(i.operands[1], pikepdf.Dictionary)
                and "/MCID" in i.operands[1]
            ]
            assert mcids and max(mcids) < len(marked), number
            assert all(marked[m].Pg.objgen == page.obj.objgen for m in mcids), number
            for annot in page.obj.get("/Annots", []):
                element = parents[int(annot.StructParent)]
                assert element.S == "/Link"


def test_furniture_is_drawn_as_artifacts_only(composed: tuple[bytes, list[bytes]]) -> None:
    pdf, _ = composed
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            form = page.Resources.XObject.Furniture
            ops = [
                i
                for i in pikepdf.parse_content_stream(form)
                if isinstance(i, pikepdf.ContentStreamInstruction)
            ]
            marks = [i for i in ops if str(i.operator) in ("BDC", "BMC")]
            assert marks and all(i.operands[0] == pikepdf.Name.Artifact for i in marks)
            last = pikepdf.parse_content_stream(page)[-6:]
            assert [str(i.operator) for i in last] == ["Q", "BMC", "q", "Do", "Q", "EMC"]


def test_the_pack_has_the_furniture_documents_title_language_and_pdfua_identification(
    composed: tuple[bytes, list[bytes]],
) -> None:
    pdf, _ = composed
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert str(doc.Root.Lang) == "en-GB"
        assert str(doc.docinfo["/Title"]) == "Composed board pack"
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20191103")
        assert bool(doc.Root.ViewerPreferences.DisplayDocTitle) is True
        assert bool(doc.Root.MarkInfo.Marked) is True
        meta = dict(doc.open_metadata())
        assert meta["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
        assert meta["{http://purl.org/dc/elements/1.1/}title"] == "Composed board pack"


def test_same_parts_give_the_same_bytes(composed: tuple[bytes, list[bytes]]) -> None:
    pdf, parts = composed
    assert compose(parts[:], FURNITURE[0]).pdf == pdf


def test_a_furniture_document_of_another_length_is_refused(
    composed: tuple[bytes, list[bytes]],
) -> None:
    _, parts = composed
    short = pikepdf.new()
    short.add_blank_page()
    buffer = io.BytesIO()
    short.save(buffer)
    with pytest.raises(ComposeError, match=r"the parts have \d+ pages but the furniture has 1"):
        compose(parts, buffer.getvalue())


def test_only_links_to_anchors_outside_the_part_are_pointed_elsewhere() -> None:
    html = '<h1 id="a">A</h1><a href="#a">here</a> <a href="#b">there</a> <a href="x.html">x</a>'
    assert external_links(html) == (
        f'<h1 id="a">A</h1><a href="#a">here</a> <a href="{PART_LINK}b">there</a> '
        '<a href="x.html">x</a>'
    )
