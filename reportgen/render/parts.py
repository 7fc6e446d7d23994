"""Which parts each pack is composed of, as HTML.

A part is a run of whole pages that can be laid out on its own: the board
pack's cover and executive summary, its contents, its RAG summary and
scorecard, each recommendation's section, its appendices; a
recommendation's report is its cover, the same section as the board pack's
and its annex. Every part starts on a new page in the pack anyway (the
stylesheets break pages there), so laying it out alone gives the same
pages; :mod:`reportgen.render.compose` joins them and draws the page
furniture. A recommendation's section is rendered from the same template
with the same values for both packs, so its HTML (and so its laid-out PDF,
see :mod:`reportgen.render.layout`) is one and the same.

The one-page RAG summary and the workstream packs are laid out whole: they
share no page with another pack, and a workstream pack's sections flow on
from one another rather than starting new pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from reportgen.render.compose import PART_LINK, external_links
from reportgen.render.context import Cover, PackContext, Section
from reportgen.render.packs import PackSpec

Render = Callable[[str, dict[str, Any]], str]
"""``render(template_name, variables)``: a template rendered to HTML (build.py's, with
its located errors)."""

PART_TEMPLATE = "part.html"
FURNITURE_TEMPLATE = "furniture.html"


@dataclass(frozen=True)
class Numbered:
    """A part that prints page numbers of the pack (the contents, the executive
    summary's page references): rendered once the pages of the others are known."""

    render: Callable[[Mapping[str, int]], str]
    """HTML of the part for ``{anchor: page number in the pack}``."""


@dataclass(frozen=True)
class PackParts:
    """One pack as parts. ``furniture`` is None for a pack laid out whole (one part,
    with its own page furniture)."""

    spec: PackSpec
    parts: tuple[str | Numbered, ...]
    furniture: Callable[[Sequence[bool]], str] | None

    @property
    def whole(self) -> bool:
        return self.furniture is None


_PAGE_REF = re.compile(r'<a class="page-ref" href="(?:#|' + re.escape(PART_LINK) + r')([^"]+)"')


def page_refs(html: str, pages: Mapping[str, int]) -> str:
    """``html`` with each ``a.page-ref`` given its target's page number (``data-page``)."""

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in pages:
            return match.group(0)
        return f'{match.group(0)} data-page="{pages[name]}"'

    return _PAGE_REF.sub(number, html)


def pack_parts(
    spec: PackSpec,
    context: PackContext,
    render: Render,
    sections: dict[str, str] | None = None,
    *,
    whole: bool = False,
) -> PackParts:
    """The parts of one pack (see the module docstring).

    ``sections`` keeps each recommendation's section part by ref across the
    packs of one build, so it is rendered once too. ``whole`` lays the pack
    out as one document from its pack template: a project that overrides
    ``board.html`` or ``recommendation.html`` gets its own template, not
    the built-in partials.
    """
    shared = {} if sections is None else sections

    def section(s: Section) -> str:
        if s.result.ref not in shared:
            shared[s.result.ref] = section_part(s, context, render)
        return shared[s.result.ref]

    def part(title: str, templates: Sequence[str], **extra: Any) -> str:
        variables = {"pack": context, "part_title": title, "part_templates": list(templates)}
        return external_links(render(PART_TEMPLATE, {**variables, **extra}))

    def furniture(landscape: Sequence[bool]) -> str:
        return render(FURNITURE_TEMPLATE, {"pack": context, "furniture_pages": list(landscape)})

    if spec.kind == "board" and not whole:
        template = "partials/board_contents.html"

        def contents(pages: Mapping[str, int]) -> str:
            return part("Contents", [template], contents_pages=pages)

        front = part(context.title, ["partials/board_front.html"])

        def front_numbered(pages: Mapping[str, int]) -> str:
            return page_refs(front, pages)

        return PackParts(
            spec,
            (
                Numbered(front_numbered),
                Numbered(contents),
                part("RAG summary and KPI scorecard", ["partials/board_overview.html"]),
                *(section(s) for s in context.sections),
                part("Appendices", ["partials/board_appendices.html"]),
            ),
            furniture,
        )
    if spec.kind == "recommendation" and not whole:
        (only,) = context.sections
        parts = [part(context.title, ["partials/rec_cover.html"]), section(only)]
        if only.source_notes:
            parts.append(part("Annex", ["partials/rec_annex.html"]))
        return PackParts(spec, tuple(parts), furniture)
    return PackParts(spec, (render(spec.pack_kind.template, {"pack": context}),), None)


def section_part(section: Section, context: PackContext, render: Render) -> str:
    """A recommendation's section, the same HTML in every pack that shows it whole.

    It is rendered as the board pack renders it (heading level 1, the board
    pack's page rules) from the values every pack shares, so a
    recommendation's report and the board pack get identical HTML.
    """
    shared = replace(
        context,
        kind="board",
        title=f"Recommendation {section.result.ref}",
        subtitle="",
        filename="",
        sections=(section,),
        cover=Cover(),
        briefing=None,
        plan_notes=None,
        data_quality=(),
        workstream=None,
        workstream_exceptions=(),
    )
    html = render(
        PART_TEMPLATE,
        {
            "pack": shared,
            "part_title": shared.title,
            "part_templates": ["partials/section.html"],
            "section": section,
            "level": 1,
        },
    )
    return external_links(html)


__all__ = ["Numbered", "PackParts", "Render", "pack_parts", "page_refs", "section_part"]
