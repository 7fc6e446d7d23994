"""Leads' notes: untrusted Markdown to HTML that is safe to lay out.

Notes come from many authors and go into documents that are printed, emailed
and read by a board. The rules are therefore strict and explained to the
author rather than silently applied:

* Markdown only. Raw HTML is never interpreted; tags that look like HTML are
  taken out of the text and reported, so a board member never reads
  ``<b>`` and the author learns to write ``**bold**``.
* No images and no fetched resources of any kind: an image in a note could
  read a local file (``file:///etc/passwd``) or tell a third party when the
  pack was built. Every image is removed and reported.
* Links may only be ``http``, ``https`` or ``mailto``. On paper a link is
  useless unless the reader can see where it goes, so the URL is printed
  after the link text.
* ``#`` and ``##`` headings become ``<h3>``: the pack owns the top two levels
  of the document outline and a note must not break it (PDF/UA checkers
  flag skipped or misplaced heading levels).

markdown-it-py does the parsing (CommonMark, tables on, HTML off) and nh3
then cleans the result against an allow-list, as a second, independent
line of defence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "span",
        "hr",
    }
)
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_ALIGN_CLASSES = frozenset({"align-left", "align-center", "align-right"})

_WIDTH_CLASSES = {10: "table-widest", 7: "table-wide"}
"""Column count from which a note's table is set smaller (styles/base.css), widest first."""
MAX_READABLE_COLUMNS = 13
"""Columns a note's table can have and still be read on a portrait page (see ``_fit_table``)."""

# Anything that looks like an HTML tag, a comment or a declaration. A bare
# "<" followed by a space or a digit ("x < 5", "<3") is ordinary text.
_RAW_TAG = re.compile(
    r"<!--.*?-->|<![A-Za-z\[][^>]*>|</?([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?/?>", re.S
)
_IMG_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_HEADING_FLOOR = 3


@dataclass(frozen=True)
class SafeNote:
    """Sanitised HTML for one note, and what had to be taken out of it.

    ``removed`` is for the build report: each entry says what was removed and
    why, in words the note's author can act on. ``warnings`` says what was
    kept but changed to fit the page (a table set in small type).
    """

    html: Markup
    removed: tuple[str, ...]
    warnings: tuple[str, ...] = ()


class _TrustingParser(MarkdownIt):
    """Parser that lets every link through so that we, not markdown-it, decide.

    markdown-it drops links it dislikes by printing them as literal
    ``[x](y)``, which would hide the problem from the author's report.
    """

    def validateLink(self, url: str) -> bool:
        return True


_MD = _TrustingParser("commonmark", {"html": False}).enable("table")


def note_to_html(markdown_text: str) -> SafeNote:
    """Turn one note's Markdown into safe HTML and the list of removals."""
    removed: list[str] = []
    warnings: list[str] = []
    tokens = _MD.parse(markdown_text)
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            warnings.extend(_fit_table(token, tokens[index:]))
        elif token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            token.tag = f"h{max(level, _HEADING_FLOOR)}"
        elif token.type in ("th_open", "td_open"):
            _align_to_class(token)
        elif token.type == "inline" and token.children is not None:
            token.children = _clean_inline(token.children, removed)
    rendered = _MD.renderer.render(tokens, _MD.options, {})
    cleaned = nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        allowed_classes={
            "table": set(_WIDTH_CLASSES.values()),
            "th": set(_ALIGN_CLASSES),
            "td": set(_ALIGN_CLASSES),
            "span": {"link-url"},
        },
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    return SafeNote(Markup(cleaned), tuple(removed), tuple(warnings))


def _fit_table(table: Token, following: list[Token]) -> list[str]:
    """Mark a wide table with a class that sets it smaller; warn when it is very wide.

    A note's table is as wide as its author made it, but the page is not:
    the stylesheet lets every cell wrap, even inside a long number, so no
    column is ever lost past the page edge, and these classes shrink the
    type so that wrapping inside numbers is rare. Past
    :data:`MAX_READABLE_COLUMNS` even small type has to break numbers, so the
    author is told.
    """
    columns = 0
    for token in following[1:]:
        if token.type in ("th_open", "td_open"):
            columns += 1
        elif token.type == "tr_close":
            break
    width_class = next((c for n, c in _WIDTH_CLASSES.items() if columns >= n), None)
    if width_class:
        table.attrSet("class", width_class)
    if columns > MAX_READABLE_COLUMNS:
        return [
            f"a table with {columns} columns is set in small type and its cells wrap to "
            f"fit the page; tables of more than {MAX_READABLE_COLUMNS} columns are hard to "
            "read, so split it (for example one table per year) or turn rows into columns"
        ]
    return []


def _align_to_class(token: Token) -> None:
    style = token.attrGet("style")
    if style is None:
        return
    token.attrs.pop("style", None)
    match = re.fullmatch(r"text-align:(left|center|right)", str(style))
    if match:
        token.attrSet("class", f"align-{match.group(1)}")


def _clean_inline(children: list[Token], removed: list[str]) -> list[Token]:
    out: list[Token] = []
    dropping_link = False
    open_href: str | None = None
    link_text: list[str] = []
    for child in children:
        if child.type == "image":
            src = str(child.attrGet("src") or "")
            removed.append(_image_message(src))
            continue
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            if _link_allowed(href):
                open_href = href
                link_text = []
                out.append(child)
            else:
                dropping_link = True
                removed.append(
                    f"link {href!r} removed (text kept): only http, https and mailto "
                    "links are allowed"
                )
            continue
        if child.type == "link_close":
            if dropping_link:
                dropping_link = False
                continue
            out.append(child)
            if open_href is not None:
                out.extend(_printed_url(open_href, "".join(link_text)))
            open_href = None
            continue
        if child.type == "text":
            child.content = _strip_raw_html(child.content, removed)
            if open_href is not None:
                link_text.append(child.content)
        out.append(child)
    return out


def _printed_url(href: str, text: str) -> list[Token]:
    """Tokens for " (URL)" after a link, unless the text already is the URL."""
    shown = href.removeprefix("mailto:") if href.lower().startswith("mailto:") else href
    if text.strip() in (href, shown):
        return []
    lead = Token("text", "", 0)
    lead.content = " "
    span_open = Token("html_inline", "", 0)
    span_open.content = '<span class="link-url">'
    url = Token("text", "", 0)
    url.content = f"({shown})"
    span_close = Token("html_inline", "", 0)
    span_close.content = "</span>"
    return [lead, span_open, url, span_close]


def _link_allowed(href: str) -> bool:
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in LINK_SCHEMES:
        return False
    return scheme == "mailto" or bool(parts.netloc)


def _strip_raw_html(text: str, removed: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        tag = (match.group(1) or "").lower()
        if tag == "img":
            src = _IMG_SRC.search(match.group(0))
            value = next((g for g in src.groups() if g is not None), "") if src else ""
            removed.append(_image_message(value))
        elif not match.group(0).startswith("</"):
            # Closing tags go silently: the opening tag has been reported.
            shown = match.group(0) if len(match.group(0)) <= 60 else match.group(0)[:57] + "..."
            removed.append(
                f"raw HTML {shown!r} removed: notes are Markdown; write **bold**, "
                "*italic*, lists and tables in Markdown instead"
            )
        return ""

    return _RAW_TAG.sub(replace, text)


def _image_message(src: str) -> str:
    return f"image {src!r} removed: notes may not embed images or fetch files"
