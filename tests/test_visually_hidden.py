"""Captions for screen readers only: in the PDF's text and tags, drawn nowhere.

A recommendation pack is built twice from one small project: once as
shipped, once with ``.visually-hidden { display: none }`` added to a copy
of the built-in stylesheet in the project's ``styles/`` folder (which
replaces the built-in one). If the class hides its text properly, both
packs look the same pixel for pixel, yet only the first carries the
captions in its text and as the tables' Caption tags.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from build_project import write_project
from pypdf import PdfReader

from reportgen.periods import Period
from reportgen.pipeline import run_build

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PACK = "outputs/2019-10/recommendations/rec-01-supervision.pdf"
CAPTIONS = ("KPIs for recommendation 1", "Open actions for recommendation 1, exceptions first")


def _build(root: Path, *, drop_hidden: bool) -> Path:
    write_project(root)
    if drop_hidden:
        (root / "styles").mkdir()
        base = (REPO / "styles" / "base.css").read_text(encoding="utf-8")
        (root / "styles" / "base.css").write_text(
            base + "\n.visually-hidden { display: none; }\n", encoding="utf-8"
        )
    run_build(root, period=Period(2019, 10), packs=["recommendation"], only=["1"], jobs=1)
    return root / PACK


def _pictures(pdf: Path, out: Path) -> list[bytes]:
    out.mkdir()
    subprocess.run(
        ["pdftoppm", "-r", "50", "-gray", str(pdf), str(out / "page")], check=True, timeout=120
    )
    return [p.read_bytes() for p in sorted(out.glob("page-*.pgm"))]


def _caption_tags(pdf: Path) -> list[str]:
    """The structure type of each Caption's parent: ``/Table`` for a table's caption."""
    found: list[str] = []

    def walk(node: object, parent: str) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child, parent)
        elif isinstance(node, pikepdf.Dictionary):
            kind = str(node.get("/S", parent))
            if kind == "/Caption":
                found.append(parent)
            if "/K" in node:
                walk(node.K, kind)

    with pikepdf.open(pdf) as doc:
        walk(doc.Root.StructTreeRoot.K, "")
    return found


def flat(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


def test_visually_hidden_captions_are_read_but_not_seen(tmp_path: Path) -> None:
    shipped = _build(tmp_path / "shipped", drop_hidden=False)
    dropped = _build(tmp_path / "dropped", drop_hidden=True)

    for caption in CAPTIONS:
        assert caption in flat(shipped), caption
        assert caption not in flat(dropped), caption
    # Each hidden caption is still its table's Caption in the tag structure.
    assert _caption_tags(shipped).count("/Table") == len(CAPTIONS)
    assert _caption_tags(dropped).count("/Table") == 0

    seen = _pictures(shipped, tmp_path / "seen-shipped")
    assert seen, "pdftoppm drew no pages"
    assert seen == _pictures(dropped, tmp_path / "seen-dropped")
