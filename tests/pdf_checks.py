"""Checks of a composed pack read back from its PDF, shared by the build tests.

Each returns what it found, so a test asserts on plain values: the printed
"Page X of Y" of every page, and each contents entry's printed number beside
the page its link lands on and that page's opening words.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pikepdf
from pypdf import PdfReader


def dest_page(pdf: pikepdf.Pdf, dest: Any) -> int:
    """The page (from 1) a named or explicit destination lands on."""
    if isinstance(dest, pikepdf.String):
        dest = pikepdf.NameTree(pdf.Root.Names.Dests)[str(dest)]
    index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    return int(index[dest[0].objgen]) + 1


def top_bookmarks(pdf: pikepdf.Pdf) -> list[Any]:
    """The outline's top-level items in order (none when the file has no outline)."""
    found = []
    item = pdf.Root.Outlines.First if "/Outlines" in pdf.Root else None
    while item is not None:
        found.append(item)
        item = item.get("/Next")
    return found


def page_numbers_missing(path: Path) -> list[int]:
    """Pages whose footer does not say "Page X of Y" with their own X and the file's Y."""
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]
    return [n for n, t in enumerate(texts, 1) if f"Page {n} of {len(texts)}" not in t]


def contents_entries(path: Path) -> list[tuple[str, int, int, str]]:
    """Each contents entry: (anchor, printed number, page its link lands on, that page's start)."""
    pages = [p.extract_text() for p in PdfReader(path).pages]
    at = next(i for i, t in enumerate(pages) if t.lstrip().startswith("Contents"))
    printed = re.findall(r"^(.+?)\s*\.{3,}\s+(\d+)$", pages[at], re.MULTILINE)
    with pikepdf.open(path) as pdf:
        targets = dict.fromkeys(
            (str(a.Dest), dest_page(pdf, a.Dest))
            for a in pdf.pages[at].obj.get("/Annots", [])
            if "/Dest" in a
        )
    found = []
    for (_, number), (anchor, target) in zip(printed, targets, strict=True):
        start = " ".join(pages[target - 1].split()[:14])
        found.append((anchor, int(number), target, start))
    return found


HEADINGS = {
    "executive-summary": "Executive summary",
    "summary": "RAG summary",
    "scorecard": "KPI scorecard",
    "data-quality": "Appendix A",
    "source-notes": "Appendix B",
    "glossary": "Appendix C",
    "kpi-definitions": "Appendix D",
}


def heading_for(anchor: str) -> str:
    """What the page a board contents entry points at starts with (rec-3: RECOMMENDATION 3)."""
    if anchor.startswith("rec-"):
        return f"RECOMMENDATION {anchor.removeprefix('rec-')}"
    return HEADINGS[anchor]
