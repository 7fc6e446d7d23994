"""How full a PDF page is, read from the page itself.

A page's fill is the share of its body (the area inside the page margins,
so the running header and footer do not count) that lies above its lowest
piece of content: the lowest text baseline or the foot of the lowest image
(charts are images). Packs are laid out top-down, so this is how far down
the page the content reaches; white space between blocks on a full page does
not lower it, and a page holding a heading and two lines scores near zero.
Text positions come from pypdf's text visitor and image positions from the
matrix in force when the image is drawn, so no renderer is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import Destination

MM = 72 / 25.4
PORTRAIT_MARGINS_PT = (24 * MM, 22 * MM)
"""Top and bottom page margins of the packs (styles/base.css, @page)."""
LANDSCAPE_MARGINS_PT = (20 * MM, 18 * MM)
"""The same for the landscape summary page (@page summary)."""
MIN_IMAGE_PT = 20.0
"""Drawn images at least this tall are content; smaller matrices are form
placements or decorations, not pictures."""


@dataclass(frozen=True)
class PageFill:
    number: int
    """1-based page number."""
    fill: float
    """0 (empty body) to 1 (content reaches the bottom margin)."""
    section_end: bool
    """The last page of the pack, or the page before a top-level section starts."""


def body_fill(page: Any) -> float:
    """The share of the page's body above its lowest text or image."""
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    top_margin, bottom_margin = LANDSCAPE_MARGINS_PT if width > height else PORTRAIT_MARGINS_PT
    top, bottom = height - top_margin, bottom_margin
    lows: list[float] = []

    def text(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            lows.append(tm[5] * cm[3] + cm[5])

    def operator(op: bytes, args: list[Any], cm: list[float], tm: list[float]) -> None:
        if op == b"Do" and cm[3] >= MIN_IMAGE_PT:
            lows.append(cm[5])

    page.extract_text(visitor_text=text, visitor_operand_before=operator)
    inside = [y for y in lows if bottom <= y <= top]
    if not inside:
        return 0.0
    return (top - min(inside)) / (top - bottom)


def _top_level_starts(reader: PdfReader) -> set[int]:
    """0-based pages on which a top-level bookmark (a pack's h1) lands."""
    pages = (
        reader.get_destination_page_number(item)
        for item in reader.outline
        if isinstance(item, Destination)
    )
    return {page for page in pages if page is not None}


def page_fills(pdf: Path) -> list[PageFill]:
    reader = PdfReader(pdf)
    starts = _top_level_starts(reader)
    count = len(reader.pages)
    return [
        PageFill(i + 1, body_fill(page), i == count - 1 or (i + 1) in starts)
        for i, page in enumerate(reader.pages)
    ]
