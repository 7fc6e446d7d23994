"""Every pack of the worked example, read back from its PDF as a reader would see it.

Font sizes and positions come from the PDFs' own text runs (pypdf's text
visitor: the font size scaled by the text and page matrices), so these
checks hold whatever the stylesheet says it does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from page_fill import page_fills
from pdf_runs import Run, runs
from pypdf import PdfReader

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
MIN_PT = 8.5
FOOTER_PT = 62.0
"""Text below this height (22 mm) is the running footer, not the page's body."""
HEADING_PT = 12.5
"""Headings (h3 and up) are set at this size or larger; body text is 11 pt or smaller."""


@pytest.fixture(scope="module")
def example(example_build: Path) -> dict[str, Path]:
    """Every pack of the example (the session's shared build): output path -> PDF file."""
    out = example_build / "outputs" / "2020-03"
    outputs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    return {o["path"]: out / o["path"] for o in outputs}


@pytest.fixture(scope="module")
def packs(example: dict[str, Path]) -> dict[str, list[list[Run]]]:
    return {path: [runs(p) for p in PdfReader(pdf).pages] for path, pdf in example.items()}


def test_every_pack_of_the_example_is_built(packs: dict[str, list[list[Run]]]) -> None:
    kinds = sorted({path.split("/")[0] for path in packs if "/" in path})
    assert kinds == ["recommendations", "workstreams"]
    assert len(packs) == 19


SUMMARY_PAGE_MARKS = ("RAG summary", "Executive summary")
"""Headings of the one-page summaries in the board pack (its executive summary
and RAG summary); every page of the RAG summary pack is one too."""


def _heading(page: list[Run]) -> str:
    """The page's first heading-sized text, or ''."""
    return next((r.text for r in page if r.size >= HEADING_PT and r.y > FOOTER_PT), "")


def _is_summary(path: str, page: list[Run]) -> bool:
    if path.startswith("rag-summary"):
        return True
    return path.startswith("board-pack") and _heading(page).startswith(SUMMARY_PAGE_MARKS)


def _small(packs: dict[str, list[list[Run]]], summaries: bool) -> list[str]:
    return [
        f"{path} page {i + 1}: {r.size} pt {r.text[:40]!r}"
        for path, pages in packs.items()
        for i, page in enumerate(pages)
        if _is_summary(path, page) == summaries
        for r in page
        if r.size < MIN_PT - 0.01
    ]


def test_no_text_in_any_pack_is_smaller_than_8_5_pt(packs: dict[str, list[list[Run]]]) -> None:
    small = _small(packs, summaries=False)
    assert small == [], "\n".join(small[:20])


def test_the_one_page_summaries_are_not_smaller_than_8_5_pt(
    packs: dict[str, list[list[Run]]],
) -> None:
    summary_pages = [
        (path, i)
        for path, pages in packs.items()
        for i, page in enumerate(pages)
        if _is_summary(path, page)
    ]
    # The RAG summary pack, and the board pack's executive summary and RAG summary,
    # each on one page of its own: what follows each starts with its own heading.
    assert summary_pages == [
        ("rag-summary-2020-03.pdf", 0),
        ("board-pack-2020-03.pdf", 1),
        ("board-pack-2020-03.pdf", 3),
    ]
    assert len(packs["rag-summary-2020-03.pdf"]) == 1
    board = packs["board-pack-2020-03.pdf"]
    assert [_heading(board[i]) for i in (2, 4)] == ["Contents", "KPI scorecard"]
    assert _small(packs, summaries=True) == []


def test_no_page_ends_with_a_heading(packs: dict[str, list[list[Run]]]) -> None:
    stranded = []
    for path, pages in packs.items():
        for i, page in enumerate(pages):
            body = [r for r in page if r.y > FOOTER_PT]
            if not body:
                continue
            lowest = min(body, key=lambda r: r.y)
            if lowest.size >= HEADING_PT:
                stranded.append(f"{path} page {i + 1}: {lowest.text!r}")
    assert stranded == [], "\n".join(stranded)


HALF_FULL = 0.5
"""A page that is not the end of a section reaches at least half way down.

The tallest blocks that may not split are a chart with its caption and the
heading kept with it (about 42 % of a page body), so a page that breaks where
its content runs out is at least about 58 % full; under half means a forced
break, or a keep-together on a block too big to keep, left the page empty."""
NEARLY_EMPTY = 0.06
"""Content that stops above this (about three lines of text) leaves a page
nearly empty: a heading and a line or two, a contents line, a list's last
item on its own. Where a pack's last page falls depends on everything before
it, so a last page may well be short; it should not be nearly empty."""


def test_no_page_of_any_pack_is_nearly_empty(example: dict[str, Path]) -> None:
    empty = [
        f"{path} page {p.number}: {p.fill:.0%}"
        for path, pdf in example.items()
        for p in page_fills(pdf)
        if p.fill < NEARLY_EMPTY
    ]
    assert empty == [], "\n".join(empty)


def test_no_page_inside_a_section_is_less_than_half_full(example: dict[str, Path]) -> None:
    short = [
        f"{path} page {p.number}: {p.fill:.0%}"
        for path, pdf in example.items()
        for p in page_fills(pdf)
        if not p.section_end and p.fill < HALF_FULL
    ]
    assert short == [], "\n".join(short)
