"""Linked stylesheets are parsed once per process and reused, with real renders.

A reused stylesheet must be indistinguishable from a fresh parse: the same
bytes out, the same cascade position, the same refusals and warnings, and an
edited file on disk is parsed again. The reuse hooks into how WeasyPrint
builds a linked stylesheet (see reportgen/render/stylesheets.py); the
``reused`` counts below fail if WeasyPrint stops building them that way.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from reportgen.render.fonts import font_files
from reportgen.render.pdf import PdfResult, render_pdf
from reportgen.render.policy import FetchPolicy
from reportgen.render.stylesheets import Reuse, reuse_counts

MM = 72 / 25.4


def _page_size_mm(result: PdfResult) -> tuple[int, int]:
    box = pypdf.PdfReader(io.BytesIO(result.pdf)).pages[0].mediabox
    return round(float(box.width) / MM), round(float(box.height) / MM)


def _doc(sheet: Path, before: str = "", after: str = "", body: str = "<p>Text</p>") -> str:
    """A document with ``before`` and ``after`` as <style> elements around the link."""
    return f"""<!DOCTYPE html><html lang="en-GB"><head><title>Sheet test</title>
<style>{before}</style>
<link rel="stylesheet" href="{sheet.as_uri()}">
<style>{after}</style>
</head><body>{body}</body></html>"""


def _since(start: Reuse) -> Reuse:
    now = reuse_counts()
    return Reuse(now.parsed - start.parsed, now.reused - start.reused)


@pytest.fixture
def styles(tmp_path: Path) -> tuple[Path, Path, FetchPolicy]:
    """A style folder the policy allows and an (empty) build folder."""
    style_dir = tmp_path / "styles"
    style_dir.mkdir()
    build = tmp_path / "build"
    build.mkdir()
    return style_dir, build, FetchPolicy.of(dirs=[style_dir])


SHEET = """
@page { size: 100mm 150mm; margin: 10mm; }
:root { --gap: 2mm; --bad: not-a-length; }
p { margin-top: var(--gap); padding-left: var(--bad); color: #123456; }
h1 { font-size: 20pt; }
"""


def test_second_render_reuses_the_parse_and_gives_identical_bytes(
    styles: tuple[Path, Path, FetchPolicy],
) -> None:
    style_dir, build, policy = styles
    sheet = style_dir / "sheet.css"
    sheet.write_text(SHEET, encoding="utf-8")
    # An earlier <style> sets the page size too: the linked sheet, later in
    # the document, must still win; a later <style> (without @page) must not
    # change that when the sheet comes from the cache.
    html = _doc(sheet, before="@page { size: A4; }", after="h1 { color: #654321; }")
    start = reuse_counts()
    first = render_pdf(html, base_url=build, policy=policy)
    second = render_pdf(html, base_url=build, policy=policy)
    assert _since(start) == Reuse(parsed=1, reused=1)
    assert second.pdf == first.pdf
    assert _page_size_mm(first) == _page_size_mm(second) == (100, 150)
    # The bad var() is reported for every document, not only the first.
    for result in (first, second):
        assert result.refusals == ()
        assert [w for w in result.warnings if "padding-left" in w], result.warnings


def test_a_later_style_element_still_overrides_a_reused_sheet(
    styles: tuple[Path, Path, FetchPolicy],
) -> None:
    style_dir, build, policy = styles
    sheet = style_dir / "sheet.css"
    sheet.write_text(SHEET, encoding="utf-8")
    html = _doc(sheet, after="@page { size: 120mm 90mm; }")
    start = reuse_counts()
    sizes = [_page_size_mm(render_pdf(html, base_url=build, policy=policy)) for _ in range(2)]
    assert _since(start) == Reuse(parsed=1, reused=1)
    assert sizes == [(120, 90), (120, 90)]


def test_an_edited_stylesheet_is_parsed_again(styles: tuple[Path, Path, FetchPolicy]) -> None:
    style_dir, build, policy = styles
    sheet = style_dir / "sheet.css"
    sheet.write_text("@page { size: 100mm 150mm; }", encoding="utf-8")
    html = _doc(sheet)
    start = reuse_counts()
    first = render_pdf(html, base_url=build, policy=policy)
    # Same length, same path, same modification second: only the bytes differ.
    sheet.write_text("@page { size: 150mm 100mm; }", encoding="utf-8")
    second = render_pdf(html, base_url=build, policy=policy)
    third = render_pdf(html, base_url=build, policy=policy)
    assert _since(start) == Reuse(parsed=2, reused=1)
    sizes = [_page_size_mm(r) for r in (first, second, third)]
    assert sizes == [(100, 150), (150, 100), (150, 100)]


def test_an_edited_import_is_parsed_again(styles: tuple[Path, Path, FetchPolicy]) -> None:
    style_dir, build, policy = styles
    sheet = style_dir / "sheet.css"
    sheet.write_text('@import "sizes.css";\np { color: #123456; }', encoding="utf-8")
    sizes = style_dir / "sizes.css"
    sizes.write_text("@page { size: 100mm 150mm; }", encoding="utf-8")
    html = _doc(sheet)
    start = reuse_counts()
    first = render_pdf(html, base_url=build, policy=policy)
    sizes.write_text("@page { size: 150mm 100mm; }", encoding="utf-8")
    second = render_pdf(html, base_url=build, policy=policy)
    assert _since(start) == Reuse(parsed=2, reused=0)
    assert [_page_size_mm(r) for r in (first, second)] == [(100, 150), (150, 100)]


def test_a_stylesheet_outside_the_policy_is_refused_every_time(
    styles: tuple[Path, Path, FetchPolicy], tmp_path: Path
) -> None:
    _style_dir, build, policy = styles
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sheet = elsewhere / "sheet.css"
    sheet.write_text("@page { size: 100mm 150mm; }", encoding="utf-8")
    html = _doc(sheet)
    # Parsed and cached under a policy that allows it...
    allowed = FetchPolicy.of(dirs=[elsewhere])
    assert _page_size_mm(render_pdf(html, base_url=build, policy=allowed)) == (100, 150)
    assert _page_size_mm(render_pdf(html, base_url=build, policy=allowed)) == (100, 150)
    # ...and still refused, every time, under one that does not.
    for _ in range(2):
        result = render_pdf(html, base_url=build, policy=policy)
        assert [(r.url, r.reason) for r in result.refusals] == [
            (sheet.as_uri(), "file is outside the template, style, chart and font folders")
        ]
        assert _page_size_mm(result) == (210, 297)  # WeasyPrint's default A4


def test_a_sheet_with_parse_warnings_is_parsed_and_reported_every_time(
    styles: tuple[Path, Path, FetchPolicy],
) -> None:
    style_dir, build, policy = styles
    sheet = style_dir / "sheet.css"
    sheet.write_text("@page { size: 100mm 150mm; }\np { colr: red; }", encoding="utf-8")
    html = _doc(sheet)
    start = reuse_counts()
    results = [render_pdf(html, base_url=build, policy=policy) for _ in range(2)]
    assert _since(start) == Reuse(parsed=2, reused=0)
    for result in results:
        assert [w for w in result.warnings if "colr" in w], result.warnings
        assert _page_size_mm(result) == (100, 150)
    assert results[0].pdf == results[1].pdf


def test_documents_without_the_cache_are_left_to_weasyprint(
    styles: tuple[Path, Path, FetchPolicy],
) -> None:
    """WeasyPrint used directly (not through render_pdf) never sees the cache."""
    from weasyprint import HTML

    style_dir, _build, _policy = styles
    sheet = style_dir / "sheet.css"
    sheet.write_text("@page { size: 100mm 150mm; }", encoding="utf-8")
    start = reuse_counts()
    for _ in range(2):
        document = HTML(string=_doc(sheet)).render()
        assert round(document.pages[0].width / 96 * 25.4) == 100
    assert _since(start) == Reuse()


@pytest.mark.parametrize(
    "rule",
    [
        "@counter-style thumbs { system: cyclic; symbols: '+'; }",
        "@layer base { p { color: #123456; } }",
        '@font-face { font-family: "Odd"; src: url("file:///etc/hostname"); }',
    ],
    ids=["counter-style", "layer", "refused-font"],
)
def test_sheets_that_reach_outside_themselves_are_parsed_for_every_document(
    styles: tuple[Path, Path, FetchPolicy], rule: str
) -> None:
    """Counter styles and layers belong to the document, and a refusal must be
    reported for every document: such sheets are never reused."""
    style_dir, build, policy = styles
    sheet = style_dir / "sheet.css"
    sheet.write_text(f"@page {{ size: 100mm 150mm; }}\n{rule}", encoding="utf-8")
    html = _doc(sheet)
    start = reuse_counts()
    results = [render_pdf(html, base_url=build, policy=policy) for _ in range(2)]
    assert _since(start) == Reuse(parsed=2, reused=0)
    assert results[0].pdf == results[1].pdf
    assert results[0].refusals == results[1].refusals
    for result in results:
        assert _page_size_mm(result) == (100, 150)
    if "hostname" in rule:
        assert [r.url for r in results[1].refusals] == ["file:///etc/hostname"]


def test_checking_a_reused_sheet_adds_no_refusal_of_its_own(
    styles: tuple[Path, Path, FetchPolicy],
) -> None:
    """A font its first parse read is checked again before each reuse; once the
    font is registered WeasyPrint never asks for it again, so a font file
    gone since must not show up as a refusal of the document."""
    style_dir, build, policy = styles
    font = style_dir / "odd.ttf"
    font.write_bytes(font_files()[0].read_bytes())
    sheet = style_dir / "sheet.css"
    sheet.write_text(
        '@font-face { font-family: "Odd"; src: url("odd.ttf"); }\n'
        'p { font-family: "Odd"; }\n@page { size: 100mm 150mm; }',
        encoding="utf-8",
    )
    html = _doc(sheet)
    start = reuse_counts()
    first = render_pdf(html, base_url=build, policy=policy)
    second = render_pdf(html, base_url=build, policy=policy)
    font.unlink()
    third = render_pdf(html, base_url=build, policy=policy)
    assert _since(start) == Reuse(parsed=2, reused=1)
    assert [r.refusals for r in (first, second, third)] == [(), (), ()]
    assert first.pdf == second.pdf == third.pdf
