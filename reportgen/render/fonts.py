"""The fonts every pack uses, shipped with matplotlib rather than the system.

A pack must look the same (and paginate the same) on every machine that
builds it, and a build must not depend on which fonts an operating system
happens to have. matplotlib is already a dependency and ships DejaVu Sans and
DejaVu Sans Mono, which cover Latin, Greek and Cyrillic text and have clear,
open shapes at small sizes. They are declared with ``@font-face`` under
family names of our own, so a same-named system font can never be picked
instead.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SANS_FAMILY = "Reportgen Sans"
MONO_FAMILY = "Reportgen Mono"


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: str
    style: str
    path: Path


_FACES: tuple[tuple[str, str, str, str], ...] = (
    (SANS_FAMILY, "normal", "normal", "DejaVuSans.ttf"),
    (SANS_FAMILY, "bold", "normal", "DejaVuSans-Bold.ttf"),
    (SANS_FAMILY, "normal", "italic", "DejaVuSans-Oblique.ttf"),
    (SANS_FAMILY, "bold", "italic", "DejaVuSans-BoldOblique.ttf"),
    (MONO_FAMILY, "normal", "normal", "DejaVuSansMono.ttf"),
    (MONO_FAMILY, "bold", "normal", "DejaVuSansMono-Bold.ttf"),
)


@cache
def font_dir() -> Path:
    """matplotlib's bundled TrueType folder, found without importing matplotlib
    (whose import costs a build that draws no chart most of a second)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("matplotlib is not installed; reinstall reportgen")
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"


@cache
def font_faces() -> tuple[FontFace, ...]:
    base = font_dir()
    return tuple(FontFace(fam, weight, style, base / name) for fam, weight, style, name in _FACES)


def font_files() -> tuple[Path, ...]:
    """The exact files the PDF fetcher may read for fonts."""
    return tuple(face.path for face in font_faces())


@cache
def font_face_css() -> str:
    """``@font-face`` rules pointing at the bundled files by ``file:`` URL."""
    rules = []
    for face in font_faces():
        rules.append(
            "@font-face { "
            f'font-family: "{face.family}"; font-weight: {face.weight}; '
            f'font-style: {face.style}; src: url("{face.path.resolve().as_uri()}"); }}'
        )
    return "\n".join(rules)
