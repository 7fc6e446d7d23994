"""matplotlib's Agg canvas for the KPI charts, with text drawn once per process.

A month's charts share most of their text (month and percent tick labels,
legend entries, notes) at the same sizes and often the same places, and
drawing text is most of drawing a chart: measuring it, shaping it into
glyphs and rasterising the glyphs. The canvas and renderer here remember
each of those per process, keyed by everything the result depends on, so a
chart's pixels are exactly what matplotlib's own canvas draws (tested).
Importing this module does not import matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

_RENDERERS_KEPT = 8
"""Image sizes whose renderer a process keeps (a month's charts come in a handful)."""


@cache
def canvas_class() -> Any:
    """An Agg canvas that keeps a renderer for each image size it has drawn.

    matplotlib's own canvas makes a new renderer whenever the figure's size
    changes, and its cache of text sizes is per renderer; charts change height
    with their legend and notes, so about every other chart would measure all
    its text (tick labels, legend) again. A renderer is cleared before each
    draw, so reusing one leaves nothing of the last chart behind.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    new_renderer = renderer_class()

    class Canvas(FigureCanvasAgg):
        def __init__(self, figure: Any) -> None:
            self._kept: dict[tuple[int, int, float], Any] = {}
            super().__init__(figure)

        def get_renderer(self) -> Any:
            width, height = self.get_width_height(physical=True)
            key = (width, height, float(self.figure.dpi))
            kept = self._kept
            if key not in kept:
                if len(kept) >= _RENDERERS_KEPT:
                    kept.clear()
                kept[key] = new_renderer(width, height, self.figure.dpi)
            self.renderer, self._lastKey = kept[key], key
            return self.renderer

    return Canvas


_LAYOUTS_KEPT = 4096
_LAYOUTS: dict[tuple[Any, ...], Any] = {}
"""Glyph layouts of texts drawn in this process (see :func:`renderer_class`)."""


@cache
def renderer_class() -> Any:
    """An Agg renderer that lays out each distinct text once per process,
    and rasterises its glyphs through :class:`_GlyphMemo`.

    Shaping a text (choosing and placing its glyphs) is about a tenth of a
    chart's drawing, and a month's charts repeat most of their texts: month
    and percent tick labels, legend entries, notes. A layout depends only on
    the text, the font and its size, and the resolution, which form the key.
    This relies on how matplotlib's Agg renderer draws text (``_prepare_font``,
    then ``FT2Font._layout``, then each glyph from the layout's font), so with
    a matplotlib that draws otherwise the plain renderer is used; tests check
    the pixels are the plain renderer's.
    """
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.ft2font import FT2Font

    if not (hasattr(RendererAgg, "_prepare_font") and hasattr(FT2Font, "_layout")):
        return RendererAgg

    class LaidOutOnce:
        """The renderer's font, with ``_layout`` remembered; all else is the font's."""

        def __init__(self, font: Any, key: tuple[Any, ...]) -> None:
            self._font, self._key = font, key

        def __getattr__(self, name: str) -> Any:
            return getattr(self._font, name)

        def _layout(self, text: str, **options: Any) -> Any:
            key = (*self._key, text, repr(sorted(options.items())))
            items = _LAYOUTS.get(key)
            if items is None:
                if len(_LAYOUTS) >= _LAYOUTS_KEPT:
                    _LAYOUTS.clear()
                items = _LAYOUTS[key] = tuple(
                    _Placed(_glyphs(item.ft_object), item.glyph_index, item.x, item.y)
                    for item in self._font._layout(text, **options)
                )
            return items

    prepare_font: Any = RendererAgg._prepare_font  # untyped in matplotlib's stubs

    class Renderer(RendererAgg):
        def _prepare_font(self, font_prop: Any) -> Any:
            font = prepare_font(self, font_prop)
            return LaidOutOnce(font, (font, font_prop.get_size_in_points(), self.dpi))

    return Renderer


@dataclass(frozen=True)
class _Placed:
    """A glyph of a laid-out text, drawn from ``ft_object`` (the fields matplotlib reads)."""

    ft_object: Any
    glyph_index: int
    x: float
    y: float


@dataclass(frozen=True)
class _Bitmap:
    buffer: Any
    left: int
    top: int


_GLYPHS_KEPT = 16384


@cache
def _glyphs(font: Any) -> Any:
    """The one memo of ``font``'s glyphs in this process (fonts are few and kept by matplotlib)."""
    return _GlyphMemo(font)


class _GlyphMemo:
    """``font``, with each glyph rendered once per size, transform and sub-pixel offset.

    Rasterising glyphs is the largest part of drawing a chart's text, and the
    same labels sit at the same places on chart after chart. A glyph moved by
    whole pixels renders to the same bitmap, moved; so the bitmap is kept
    under the offset's fraction of a pixel and shifted. Size and transform
    still reach the font, so anything else asked of it sees them.
    """

    def __init__(self, font: Any) -> None:
        self._font = font
        self._size: tuple[float, float] = (0.0, 0.0)
        self._matrix: tuple[int, ...] = ()
        self._delta = (0, 0)
        self._kept: dict[tuple[Any, ...], _Bitmap] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._font, name)

    def set_size(self, size: float, dpi: float) -> None:
        self._font.set_size(size, dpi)
        self._size = (size, dpi)

    def _set_transform(self, matrix: Any, delta: Any) -> None:
        self._font._set_transform(matrix, delta)
        self._matrix, self._delta = tuple(matrix.ravel().tolist()), (int(delta[0]), int(delta[1]))

    def _render_glyph(self, index: int, flags: Any, mode: Any) -> Any:
        dx, dy = self._delta
        if getattr(mode, "name", None) != "NORMAL":  # matplotlib rescales a 1-bit glyph in place
            return self._font._render_glyph(index, flags, mode)
        key = (self._size, self._matrix, dx % 64, dy % 64, index, flags)
        kept = self._kept.get(key)
        if kept is None:
            bitmap = self._font._render_glyph(index, flags, mode)
            if len(self._kept) >= _GLYPHS_KEPT:
                self._kept.clear()
            kept = self._kept[key] = _Bitmap(
                bitmap.buffer.copy(), bitmap.left - dx // 64, bitmap.top - dy // 64
            )
        return _Bitmap(kept.buffer, kept.left + dx // 64, kept.top + dy // 64)
