"""The note sanitiser: untrusted Markdown in, safe HTML and a list of removals out."""

from __future__ import annotations

import pytest

from reportgen.render.markdown import note_to_html


def test_plain_markdown_survives() -> None:
    note = note_to_html("We have **recruited** four *social workers*.\n\n- one\n- two\n")
    assert "<strong>recruited</strong>" in note.html
    assert "<em>social workers</em>" in note.html
    assert "<ul>" in note.html and "<li>one</li>" in note.html
    assert note.removed == ()


def test_script_is_never_markup() -> None:
    note = note_to_html("Before <script>alert('x')</script> after")
    assert "<script" not in note.html.lower()
    assert "Before" in note.html and "after" in note.html
    assert any("'<script>'" in r for r in note.removed)


def test_event_handler_attributes_are_gone() -> None:
    note = note_to_html('<p onclick="steal()">hi</p> <b onmouseover="x()">bold</b>')
    lowered = note.html.lower()
    assert "onclick" not in lowered and "onmouseover" not in lowered
    assert "steal" not in lowered
    assert "hi" in note.html


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:x",
        "file:///etc/passwd",
        "data:text/html,x",
    ],
)
def test_unsafe_links_are_removed_but_text_kept(href: str) -> None:
    note = note_to_html(f"See [the report]({href}) now")
    assert "<a" not in note.html
    assert "the report" in note.html
    assert note.removed == (
        f"link {href!r} removed (text kept): only http, https and mailto links are allowed",
    )


def test_relative_links_are_removed() -> None:
    note = note_to_html("[local](../secret.html)")
    assert "<a" not in note.html
    assert note.removed and "only http, https and mailto" in note.removed[0]


def test_http_link_is_printed_with_its_url() -> None:
    note = note_to_html("See [the audit](https://example.org/audit?x=1&y=2).")
    assert '<a href="https://example.org/audit?x=1&amp;y=2">the audit</a>' in note.html
    assert '<span class="link-url">(https://example.org/audit?x=1&amp;y=2)</span>' in note.html
    assert note.removed == ()


def test_mailto_shows_address_and_autolink_is_not_repeated() -> None:
    note = note_to_html("[Mail me](mailto:lead@example.org) or <https://example.org>")
    assert "(lead@example.org)" in note.html
    assert note.html.count("https://example.org") == 2  # href + text, no "(url)" copy


def test_markdown_image_removed_and_reported() -> None:
    note = note_to_html("Look: ![chart](file:///etc/passwd) done")
    assert "<img" not in note.html
    assert "passwd" not in note.html
    assert note.removed == (
        "image 'file:///etc/passwd' removed: notes may not embed images or fetch files",
    )


def test_raw_img_removed_and_reported_with_its_source() -> None:
    note = note_to_html('Tracking <img src="http://127.0.0.1:9/pixel.png" onerror="x()"> here')
    assert "<img" not in note.html and "&lt;img" not in note.html
    assert "pixel" not in note.html
    assert note.removed == (
        "image 'http://127.0.0.1:9/pixel.png' removed: notes may not embed images or fetch files",
    )


def test_raw_html_block_is_reported_and_not_interpreted() -> None:
    note = note_to_html(
        '<div style="color:red">\n<link rel="stylesheet" href="http://x/s.css">\nText\n</div>'
    )
    lowered = note.html.lower()
    for bad in ("<div", "<link", "style=", "&lt;link", "&lt;div", "url("):
        assert bad not in lowered
    assert "Text" in note.html
    assert any("'<div style=\"color:red\">'" in r for r in note.removed)
    assert any("<link" in r for r in note.removed)


def test_style_attribute_and_url_never_reach_output() -> None:
    note = note_to_html(
        '| a | b |\n|--:|:-:|\n| 1 | 2 |\n\n<span style="background:url(http://x/y)">z</span>'
    )
    assert "style" not in note.html
    assert "url(" not in note.html
    assert '<th class="align-right">a</th>' in note.html
    assert '<td class="align-center">2</td>' in note.html


def test_comparisons_are_text_not_tags() -> None:
    note = note_to_html("Caseloads < 18 and > 12; <3 stays")
    assert "Caseloads &lt; 18 and &gt; 12; &lt;3 stays" in note.html
    assert note.removed == ()


def test_code_keeps_angle_brackets_as_text() -> None:
    note = note_to_html("Use `<img src=x>` literally")
    assert "<code>&lt;img src=x&gt;</code>" in note.html
    assert note.removed == ()


def test_h1_and_h2_are_demoted_to_h3() -> None:
    note = note_to_html("# One\n\n## Two\n\n### Three\n\n#### Four\n")
    assert "<h1" not in note.html and "<h2" not in note.html
    assert note.html.count("<h3>") == 3
    assert "<h4>Four</h4>" in note.html


def test_comments_and_unknown_tags_are_stripped() -> None:
    note = note_to_html("a <!-- hidden --> b <iframe src='http://x'></iframe> c")
    assert "hidden" not in note.html
    assert "iframe" not in note.html.lower()
    assert "a" in note.html and "c" in note.html


def test_output_is_markup_safe_for_templates() -> None:
    from markupsafe import Markup

    assert isinstance(note_to_html("x").html, Markup)
