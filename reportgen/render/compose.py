"""Join separately laid-out PDFs into one accessible pack, with its page furniture.

Laying out is nearly all of a build's time, and most packs repeat sections
other packs contain (a recommendation's section is in its own report and in
the board pack). So each distinct section (a *part*) is laid out once, on its
own, and a pack is composed from its parts' PDFs here, at the PDF level:

* pages are copied in order; the parts' structure trees (PDF/UA tags:
  headings, tables, figures with their alt text, links) become one tree under
  one ``Document`` element, with the parent tree renumbered
  (``/StructParents`` of pages, ``/StructParent`` of link annotations);
* bookmarks (outlines) are chained part after part, and the named
  destinations of all parts are merged, first name wins as in WeasyPrint;
* a link whose target is in another part cannot be resolved while that part
  is laid out alone, so the part's HTML points it at :data:`PART_LINK` (see
  :func:`external_links`) and the link becomes an internal one here;
* page furniture (running header, marking, "Page X of Y") depends on the
  whole pack, so parts are laid out without it and the pack's *furniture
  document* (one page per pack page, only margin boxes, laid out by
  WeasyPrint with the same stylesheets) is drawn over each page as a marked
  artifact. The furniture document also gives the pack its title, language,
  dates and PDF/UA identification (XMP metadata and document information).

The output is deterministic: the same parts and furniture give the same bytes
(objects are written in a fixed order and the file identifier is derived from
the content).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pikepdf

PART_LINK = "https://part-link.reportgen.invalid/#"
"""Prefix of a link, in a part's HTML, to an anchor in another part of the pack."""

_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')


def external_links(html: str) -> str:
    """Point links to anchors outside ``html`` at :data:`PART_LINK`, for :func:`compose`.

    WeasyPrint drops a link to an anchor it cannot find, so a part's link
    to another part would be lost before the parts are joined.
    """
    ids = set(_ID.findall(html))

    def swap(match: re.Match[str]) -> str:
        name = match.group(1)
        return match.group(0) if name in ids else f'href="{PART_LINK}{name}"'

    return _HREF.sub(swap, html)


class ComposeError(Exception):
    """The parts cannot be joined (page counts or sizes do not match the furniture)."""


@dataclass(frozen=True)
class Composed:
    pdf: bytes
    pages: int
    unresolved: tuple[str, ...] = ()
    """Anchors that links point to but no part has: those links do nothing (as
    WeasyPrint drops a link to a missing anchor)."""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def page_sizes(pdf: Path | bytes) -> list[tuple[float, float]]:
    """Width and height of every page, in points (what the furniture must match)."""
    with _open(pdf) as doc:
        return [_size(page) for page in doc.pages]


def anchors(pdf: Path | bytes) -> dict[str, int]:
    """Each named destination of a laid-out PDF and its page index (from 0)."""
    with _open(pdf) as doc:
        index = {page.obj.objgen: i for i, page in enumerate(doc.pages)}
        found: dict[str, int] = {}
        names = doc.Root.get("/Names")
        if names is None or "/Dests" not in names:
            return found
        for name, dest in pikepdf.NameTree(names.Dests).items():
            target = dest[0] if isinstance(dest, pikepdf.Array) else dest.D[0]
            found.setdefault(str(name), index[target.objgen])
        return found


def compose(parts: Sequence[Path | bytes], furniture: Path | bytes) -> Composed:
    """One PDF of ``parts`` in order, each page overlaid with ``furniture``'s page."""
    buffer = io.BytesIO()
    pages, unresolved = compose_into(parts, furniture, buffer)
    return Composed(buffer.getvalue(), pages, unresolved)


def compose_into(
    parts: Sequence[Path | bytes], furniture: Path | bytes, stream: BinaryIO
) -> tuple[int, tuple[str, ...]]:
    """:func:`compose`, written to ``stream``: its page count and unresolved anchors.

    A build writes each pack straight to its file, so the largest pack is
    never held in memory whole beside the objects it is made from.
    """
    out = pikepdf.new()
    with _open(furniture) as furn:
        sources = [_open(p) for p in parts]
        try:
            total = sum(len(s.pages) for s in sources)
            if total != len(furn.pages):
                raise ComposeError(
                    f"the parts have {total} pages but the furniture has {len(furn.pages)}"
                )
            out.Root.Type = pikepdf.Name.Catalog
            _copy_document_facts(furn, out)
            root = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
            document = out.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root)
            )
            kids = pikepdf.Array()
            nums = pikepdf.Array()
            dests: dict[str, pikepdf.Object] = {}
            outlines: list[tuple[pikepdf.Object, int]] = []
            key = 0
            version = furn.pdf_version
            for src in sources:
                version = max(version, src.pdf_version, key=_version_key)
                first = len(out.pages)
                out.pages.extend(src.pages)
                key = _merge_tags(src, out, first, key, document, kids, nums)
                _collect_dests(src, out, dests)
                outlines.extend(_top_outlines(src, out))
            document.K = kids
            root.K = pikepdf.Array([document])
            root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=nums))
            root.ParentTreeNextKey = key
            out.Root.StructTreeRoot = root
            if dests:
                tree = pikepdf.NameTree.new(out)
                for name in sorted(dests):
                    tree[name] = dests[name]
                out.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
            _chain_outlines(out, outlines)
            unresolved = _resolve_part_links(out, dests)
            for i, page in enumerate(out.pages):
                _overlay(out, page, furn, i)
            out.save(
                stream,
                deterministic_id=True,
                min_version=version,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
            )
        finally:
            for src in sources:
                src.close()
    return total, unresolved


def _open(pdf: Path | bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def _size(page: pikepdf.Page) -> tuple[float, float]:
    box = [float(x) for x in page.mediabox]
    return (round(box[2] - box[0], 2), round(box[3] - box[1], 2))


def _copy_document_facts(furn: pikepdf.Pdf, out: pikepdf.Pdf) -> None:
    """Title, language, dates, PDF/UA identification: the furniture document's, the pack's."""
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/PageMode"):
        if key in furn.Root:
            out.Root[key] = _copy(furn, out, furn.Root[key])
    out.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    out.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    info = pikepdf.Dictionary()
    for key, value in furn.docinfo.items():
        info[key] = _copy(furn, out, value)
    out.trailer.Info = out.make_indirect(info)


def _copy(src: pikepdf.Pdf, out: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """``obj`` of ``src`` as an object of ``out`` (pikepdf copies only indirect objects)."""
    if not obj.is_indirect:
        obj = src.make_indirect(obj)
    return out.copy_foreign(obj)


def _merge_tags(
    src: pikepdf.Pdf,
    out: pikepdf.Pdf,
    first_page: int,
    key: int,
    document: pikepdf.Object,
    kids: pikepdf.Array,
    nums: pikepdf.Array,
) -> int:
    """Move ``src``'s structure tree under ``document``; returns the next free parent-tree key.

    Keys are renumbered in the order WeasyPrint gives them (pages first, then
    link annotations), offset by the keys of the parts before.
    """
    tree = src.Root.get("/StructTreeRoot")
    if tree is None:
        return key
    part_doc = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
    for kid in part_doc.get("/K", pikepdf.Array()):
        copied = _copy(src, out, kid)
        if isinstance(copied, pikepdf.Dictionary):
            copied.P = document
        kids.append(copied)
    old = src.Root.StructTreeRoot.ParentTree.get("/Nums", pikepdf.Array())
    mapping: dict[int, int] = {}
    for i in range(0, len(old), 2):
        mapping[int(old[i])] = key
        nums.append(key)
        nums.append(_copy(src, out, old[i + 1]))
        key += 1
    for page in list(out.pages)[first_page:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = mapping[int(page.obj.StructParents)]
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            if "/StructParent" in annot:
                annot.StructParent = mapping[int(annot.StructParent)]
    return key


def _collect_dests(src: pikepdf.Pdf, out: pikepdf.Pdf, dests: dict[str, pikepdf.Object]) -> None:
    names = src.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return
    for name, dest in pikepdf.NameTree(names.Dests).items():
        if name not in dests:
            dests[name] = _copy(src, out, dest)


def _top_outlines(src: pikepdf.Pdf, out: pikepdf.Pdf) -> list[tuple[pikepdf.Object, int]]:
    """The part's top-level bookmarks (copied) with how many entries each shows open."""
    outlines = src.Root.get("/Outlines")
    found: list[tuple[pikepdf.Object, int]] = []
    item = outlines.get("/First") if outlines is not None else None
    while item is not None:
        count = int(item.get("/Count", 0))
        found.append((out.copy_foreign(item), max(count, 0)))
        item = item.get("/Next")
    return found


def _chain_outlines(out: pikepdf.Pdf, items: list[tuple[pikepdf.Object, int]]) -> None:
    if not items:
        return
    root = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    for i, (item, _) in enumerate(items):
        item.Parent = root
        if i:
            item.Prev = items[i - 1][0]
        elif "/Prev" in item:
            del item.Prev
        if i + 1 < len(items):
            item.Next = items[i + 1][0]
        elif "/Next" in item:
            del item.Next
    root.First = items[0][0]
    root.Last = items[-1][0]
    root.Count = sum(1 + open_count for _, open_count in items)
    out.Root.Outlines = root


def _resolve_part_links(out: pikepdf.Pdf, dests: dict[str, pikepdf.Object]) -> tuple[str, ...]:
    """Turn links to :data:`PART_LINK` into internal links, as WeasyPrint writes them.

    A link to an anchor no part has (a note linking to another
    recommendation, in that recommendation's own report) keeps its place in
    the structure tree but does nothing; the names are returned for a warning.
    """
    missing: list[str] = []
    for page in out.pages:
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            action = annot.get("/A")
            if action is None or action.get("/S") != "/URI":
                continue
            uri = str(action.URI)
            if not uri.startswith(PART_LINK):
                continue
            name = uri.removeprefix(PART_LINK)
            del annot.A
            annot.Contents = pikepdf.String(name)
            if name in dests:
                annot.Dest = pikepdf.String(name)
            elif name not in missing:
                missing.append(name)
    return tuple(missing)


_MARKED = {"BDC", "BMC"}


def _artifact_stream(page: pikepdf.Page) -> bytes:
    """The furniture page's content, every marked-content sequence an artifact.

    WeasyPrint tags margin-box text with MCIDs of its own document; drawn
    on another document's page they would clash with its tags, and page
    furniture is an artifact by definition (PDF/UA-1, 7.8).
    """
    ops: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for instruction in pikepdf.parse_content_stream(page):
        if (
            isinstance(instruction, pikepdf.ContentStreamInstruction)
            and str(instruction.operator) in _MARKED
        ):
            instruction = pikepdf.ContentStreamInstruction(
                [pikepdf.Name.Artifact], pikepdf.Operator("BMC")
            )
        ops.append(instruction)
    return bytes(pikepdf.unparse_content_stream(ops))


def _shallow_copy(dictionary: pikepdf.Object) -> pikepdf.Dictionary:
    return pikepdf.Dictionary({str(k): v for k, v in dictionary.items()})


def _overlay(out: pikepdf.Pdf, page: pikepdf.Page, furniture_pdf: pikepdf.Pdf, index: int) -> None:
    furniture = furniture_pdf.pages[index]
    if _size(page) != _size(furniture):
        raise ComposeError(
            f"page {index + 1}: the part's page is {_size(page)} points, "
            f"the furniture's {_size(furniture)}"
        )
    furn_resources = furniture.obj.get("/Resources", pikepdf.Dictionary())
    form = pikepdf.Stream(out, _artifact_stream(furniture))
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = pikepdf.Array([float(x) for x in furniture.mediabox])
    form.Resources = _copy(furniture_pdf, out, furn_resources)
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj.Resources = pikepdf.Dictionary()
    elif resources.is_indirect:
        # Parts share one resources object between pages; give this page its own.
        resources = page.obj.Resources = _shallow_copy(resources)
    xobjects = resources.get("/XObject")
    xobjects = _shallow_copy(xobjects) if xobjects is not None else pikepdf.Dictionary()
    name = "/Furniture"
    while name in xobjects:
        name += "X"
    xobjects[name] = out.make_indirect(form)
    resources.XObject = xobjects
    before = pikepdf.Stream(out, b"q\n")
    after = pikepdf.Stream(out, f"\nQ\n/Artifact BMC q {name} Do Q EMC\n".encode())
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    page.obj.Contents = pikepdf.Array([before, *streams, after])
