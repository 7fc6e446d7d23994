"""The tagged structure of a PDF, as a screen reader walks it.

Several tests check what the tags say (headings, figures and their alt
text); they share this one walk rather than each writing its own.
"""

from __future__ import annotations

from typing import Any

import pikepdf


def struct_nodes(pdf: pikepdf.Pdf) -> list[Any]:
    """Every structure element under the document's StructTreeRoot, in reading order."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, pikepdf.Array):
            for item in node:
                walk(item)
        elif isinstance(node, pikepdf.Dictionary):
            found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def figure_alts(pdf: pikepdf.Pdf) -> list[str]:
    """The alt text of every Figure element, in reading order."""
    return [str(n.get("/Alt", "")) for n in struct_nodes(pdf) if n.get("/S") == "/Figure"]
