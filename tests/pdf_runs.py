"""Text runs of a PDF page with the size a reader sees them at.

pypdf's text visitor gives each run's font size; scaled by the text and page
matrices it is the printed size, whatever the stylesheet says it should be.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    text: str
    size: float
    y: float


def runs(page: object) -> list[Run]:
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append(Run(text.strip(), round(size * tm[3] * cm[3], 2), tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found
