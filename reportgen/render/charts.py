"""KPI trend charts as PNG, drawn once and cached by content.

The chart takes plain values (periods, numbers, limits), not ``assess``
types, so the drawing code does not change when the assessment does and a
chart can be keyed by exactly what it shows.

Design choices, each for a reader of a printed (often greyscale) pack:

* Okabe-Ito colours, which stay distinct for the common colour-vision
  deficiencies, and every series also differs by line style and marker, so
  meaning survives a black-and-white printer;
* special-cause points are marked by shape as well as colour (square for
  improvement, diamond for concern, circle for neither) and named in the
  legend;
* "Higher is better" / "Lower is better" is printed on the chart;
* fixed figure size and margins (``subplots_adjust``, not ``tight_layout``)
  so every chart in a pack lines up and the layout never depends on label
  lengths; PNG metadata is stripped so the bytes depend only on the spec.

Drawing costs tens of milliseconds, and a board pack has dozens of charts
that rarely change month to month, so :class:`ChartCache` stores each PNG
under the SHA-256 of its spec and never draws the same chart twice.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import math
import textwrap
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, cast

from reportgen.atomic import atomic_write_bytes
from reportgen.load.plan import Direction
from reportgen.periods import Period
from reportgen.present.labels import CHART_SIGNALS
from reportgen.present.numbers import number
from reportgen.present.numbers import target as format_target
from reportgen.render.chart_canvas import canvas_class

SpecialCause = Literal["improvement", "concern", "neutral"]

# Bump when the drawing code changes what a given spec looks like, so cached
# PNGs from older versions are not reused.
CHART_STYLE_VERSION = "4"

DPI = 150
WIDTH_IN = 6.8
"""The text width of an A4 pack, so charts print at their drawn size."""
MARGINS_IN = {"left": 0.61, "right": 0.17, "top": 0.51}
PLOT_HEIGHT_IN = 1.54
"""The same on every chart, so charts in a pack line up; what sits below sets the height."""
TICK_LABELS_IN = 0.42
"""Under the axes: two-line month labels, then the legend."""
LEGEND_ROW_IN = 0.19
NOTES_GAP_IN = 0.06
NOTE_LINE_IN = 0.18
FOOT_IN = 0.06
LEGEND_HANDLE_EM = 3.0
LEGEND_GAP_EM = 1.4


def figure_height(legend_rows: int, note_lines: int) -> float:
    """Inches: fixed margins and plot, plus the legend rows and note lines below."""
    below = TICK_LABELS_IN + LEGEND_ROW_IN * legend_rows + FOOT_IN
    if note_lines:
        below += NOTES_GAP_IN + NOTE_LINE_IN * note_lines
    return MARGINS_IN["top"] + PLOT_HEIGHT_IN + below


FIG_SIZE_IN = (WIDTH_IN, figure_height(3, 0))
"""A chart with a three-row legend and no notes (the common case)."""
FONT_PT = 8.5
"""Smallest text on a chart. Charts print at their drawn width, so this is the printed size."""

# Colours. None is a RAG colour (red #a33a00, amber #e69f00, green #009e73,
# grey #e0e0e0 in styles/base.css), so a line never seems to mean a status;
# special-cause colours are the ones the tables' SPC icons use. Every line
# and marker is at least 3:1 against white (WCAG 1.4.11); ratios in brackets.
INK = "#1A1A1A"  # values; special cause concern, as the tables' bold ink icon (17.4:1)
GREY = "#6B6B6B"  # mean, process limits, recalculation marks (5.3:1)
NAVY = "#0B2E4F"  # target and trajectory towards it (13.8:1)
BLUE = "#0072B2"  # special cause improvement (5.2:1)
PURPLE = "#CC79A7"  # special cause neither (3.1:1, with an ink edge)
GRID = "#DDDDDD"  # decorative gridlines only

_SPECIAL_STYLE: dict[str, tuple[str, str, str]] = {
    "improvement": ("s", BLUE, CHART_SIGNALS["improvement"]),
    "concern": ("D", INK, CHART_SIGNALS["concern"]),
    "neutral": ("o", PURPLE, CHART_SIGNALS["neutral"]),
}


@dataclass(frozen=True)
class ChartSpec:
    """Everything a KPI trend chart shows, as plain values.

    ``values``, ``mean``, ``lower``, ``upper`` and ``special`` are per period
    (``None`` where there is nothing to show); ``mean``/``lower``/``upper``/
    ``special`` may be empty when there is no SPC. ``unit`` ``"percent"``
    means values are 0-100.
    """

    title: str
    periods: tuple[Period, ...]
    values: tuple[float | None, ...]
    unit: str = "number"
    direction: Direction = "higher"
    target: float | None = None
    target_by: Period | None = None
    target_interim: bool = False
    """True when the plan's last target is an interim one (it sets no final target)."""
    trajectory: tuple[tuple[Period, float], ...] = ()
    mean: tuple[float | None, ...] = ()
    lower: tuple[float | None, ...] = ()
    upper: tuple[float | None, ...] = ()
    special: tuple[SpecialCause | None, ...] = ()
    y_label: str = ""
    decimals: int | None = None
    """The KPI's own decimals, so the target label matches the table."""
    recalculated: tuple[tuple[Period, str], ...] = ()
    """First month of each set of recalculated limits, with the reason for it."""
    provisional_limits: bool = False
    """True when the latest limits rest on too few values to be firm."""
    notes: tuple[str, ...] = ()
    """Sentences printed under the legend (recalculations, provisional limits, cautions)."""

    def __post_init__(self) -> None:
        n = len(self.periods)
        if len(self.values) != n:
            raise ValueError(f"{len(self.values)} values for {n} periods")
        for name in ("mean", "lower", "upper", "special"):
            got = len(getattr(self, name))
            if got not in (0, n):
                raise ValueError(f"{name} has {got} entries for {n} periods")
        if list(self.periods) != sorted(set(self.periods)):
            raise ValueError("periods must be strictly increasing")
        for when, _ in self.recalculated:
            if when not in self.periods:
                raise ValueError(f"limits recalculated from {when}, which is not a period shown")

    def canonical(self) -> dict[str, Any]:
        """JSON-ready form; what the cache key is computed from."""
        return {
            "style": CHART_STYLE_VERSION,
            "title": self.title,
            "periods": [str(p) for p in self.periods],
            "values": list(self.values),
            "unit": self.unit,
            "direction": self.direction,
            "target": self.target,
            "target_by": str(self.target_by) if self.target_by else None,
            "target_interim": self.target_interim,
            "trajectory": [[str(p), v] for p, v in self.trajectory],
            "mean": list(self.mean),
            "lower": list(self.lower),
            "upper": list(self.upper),
            "special": list(self.special),
            "y_label": self.y_label,
            "decimals": self.decimals,
            "recalculated": [[str(p), why] for p, why in self.recalculated],
            "provisional_limits": self.provisional_limits,
            "notes": list(self.notes),
        }


def chart_key(spec: ChartSpec) -> str:
    """SHA-256 of the spec (and the matplotlib version that draws it)."""
    payload = {"spec": spec.canonical(), "matplotlib": _matplotlib_version()}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def target_label(spec: ChartSpec) -> str:
    """The target line's legend entry: the plan's goal and when it is due."""
    if spec.target is None:
        return ""
    word = "Interim target" if spec.target_interim else "Target"
    label = f"{word} {format_target(spec.target, spec.unit, spec.decimals)}"
    if spec.target_by is not None:
        label += f" by {spec.target_by.label}"
    return label


@cache
def _matplotlib_version() -> str:
    """The installed version, read without importing matplotlib (a build whose
    charts are all cached never needs it)."""
    return importlib.metadata.version("matplotlib")


TITLE_LINE_CHARS = 52
"""Characters of bold title that fit on a line beside the "Higher is better" note."""


def wrap_title(title: str) -> str:
    """The title on at most two lines, broken between words.

    Only a title too long for two lines loses its end (to "…"); the margins
    leave room for two lines on every chart, so wrapping never moves the axes.
    """
    lines = textwrap.wrap(title, TITLE_LINE_CHARS, break_long_words=True)
    if len(lines) <= 2:
        return "\n".join(lines)
    second = textwrap.shorten(" ".join(lines[1:]), TITLE_LINE_CHARS, placeholder=" …")
    return f"{lines[0]}\n{second}"


# --- drawing -------------------------------------------------------------

_FIGURE: Any = None


def _figure() -> Any:
    """One Figure per process, cleared between charts (creating one is slow)."""
    global _FIGURE
    if _FIGURE is None:
        from matplotlib.figure import Figure

        _FIGURE = Figure(figsize=FIG_SIZE_IN, dpi=DPI, facecolor="white")
        canvas_class()(_FIGURE)
    # Figure.clear would first clear the old Axes (as slow as making one) only
    # to throw it away; taking it off the figure first skips that.
    for ax in list(_FIGURE.axes):
        _FIGURE.delaxes(ax)
    _FIGURE.clear()
    return _FIGURE


_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10.5,
    "axes.labelsize": 9,
    "xtick.labelsize": FONT_PT,
    "ytick.labelsize": FONT_PT,
    "legend.fontsize": FONT_PT,
    "axes.edgecolor": GREY,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "path.simplify": False,
    "svg.hashsalt": "reportgen",
    # Titles and labels are the plan's words: "$" is a dollar sign, never
    # the start of mathtext (which fails on "$\\foo$" and eats "($) vs $").
    "text.parse_math": False,
    "text.usetex": False,
}


_CONFIGURED = False


def _configure() -> None:
    """Put matplotlib's settings to the charts' own, once per process.

    Starting from matplotlib's defaults, not the user's matplotlibrc, makes
    a chart the same on every machine. Validating every setting costs more
    than a tenth of drawing a chart, so it is done once, not per chart: a
    process that draws reportgen's charts (a build worker, or any process
    calling :func:`draw_chart`) keeps these settings. Forked workers inherit
    them with the rest of their parent's memory.
    """
    global _CONFIGURED
    if _CONFIGURED:
        return
    import matplotlib

    matplotlib.rcParams.update(matplotlib.rcParamsDefault)
    matplotlib.rcParams.update(cast(Any, _RC))
    _CONFIGURED = True


@contextmanager
def drawn(spec: ChartSpec) -> Iterator[Any]:
    """The matplotlib Figure with ``spec`` drawn on it, valid inside the ``with``.

    Tests read lines, colours and text sizes back from it.
    """
    _configure()
    fig = _figure()
    _draw(fig, spec)
    fig.canvas.draw()
    yield fig


def draw_chart(spec: ChartSpec) -> bytes:
    """Draw ``spec`` as PNG bytes; same spec, same bytes.

    The image is saved as opaque RGB through Pillow rather than matplotlib's
    RGBA ``savefig``: an alpha channel would make WeasyPrint embed a second
    (mask) image per chart for no visible difference, and Pillow writes no
    text chunks (software name, dates), so the bytes depend only on the spec.
    """
    from PIL import Image

    with drawn(spec) as fig:
        rgba = fig.canvas.buffer_rgba()
        width, height = fig.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG", dpi=(DPI, DPI), compress_level=PNG_LEVEL)
    return buffer.getvalue()


PNG_LEVEL = 1
"""zlib level of the cached PNGs: the fastest. WeasyPrint decodes every PNG and
compresses it again for the PDF, so this sets only the cache's size on disk
(about the same as level 6 for these flat-coloured images), never a pack's."""


def chart_text(spec: ChartSpec) -> list[str]:
    """Every piece of text drawn on the chart: title, notes, legend and tick labels.

    What a reader sees, read back from the drawing itself, so a test can
    check a chart without reading pixels.
    """
    from matplotlib.text import Text

    with drawn(spec) as fig:
        return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def note_lines(spec: ChartSpec) -> list[str]:
    """The notes as printed under the legend, wrapped to the plot's width."""
    return [line for note in spec.notes for line in _wrap_note(note)]


@lru_cache(maxsize=1024)
def _wrap_note(note: str) -> tuple[str, ...]:
    """One note's lines. Cached: most charts of a month carry the same few notes
    ("Provisional limits: ..."), and measuring every word of them again would
    cost more than a tenth of each chart."""
    room = (WIDTH_IN - MARGINS_IN["left"] - MARGINS_IN["right"]) * 72
    lines: list[str] = []
    line = ""
    for word in note.split():
        candidate = f"{line} {word}" if line else word
        if line and _text_pt(candidate) > room:
            lines.append(line)
            candidate = word
        line = candidate
    if line:
        lines.append(line)
    return tuple(lines)


@lru_cache(maxsize=4096)
def _text_pt(text: str) -> float:
    """Width in points of ``text`` at the chart's smallest size (never read as mathtext).

    Cached, as the legend's labels ("Value", "Mean", ...) recur on every chart;
    the width depends only on the text, as the font and size are fixed.
    """
    from matplotlib.textpath import TextToPath

    width, _height, _descent = TextToPath().get_text_width_height_descent(
        text, _note_font(), ismath=False
    )
    return float(width)


@cache
def _note_font() -> Any:
    """The chart's smallest text's font (made once: FontProperties parses its family)."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=_RC["font.family"], size=FONT_PT)


def _draw(fig: Any, spec: ChartSpec) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax = fig.add_subplot(1, 1, 1)
    start = _x_start(spec)

    def x(p: Period) -> int:
        return p.months_since(start)

    xs = [x(p) for p in spec.periods]
    nan = float("nan")

    def series(values: tuple[float | None, ...]) -> list[float]:
        return [nan if v is None else float(v) for v in values]

    # Each set of limits is drawn on its own, so recalculated limits step
    # rather than slope from one level to the next.
    cuts = [0, *(spec.periods.index(p) for p, _ in spec.recalculated), len(xs)]
    pieces = [(a, b) for a, b in pairwise(cuts) if a < b]
    limits_label = "Process limits (provisional)" if spec.provisional_limits else "Process limits"

    # SPC limits and mean first, so the data line sits on top.
    for line, style, width_pt, label in (
        (spec.upper, (0, (5, 3)), 0.9, limits_label),
        (spec.lower, (0, (5, 3)), 0.9, None if spec.upper else limits_label),
        (spec.mean, "-", 1.0, "Mean"),
    ):
        if not line:
            continue
        ys_line = series(line)
        for n, (a, b) in enumerate(pieces):
            ax.plot(
                xs[a:b],
                ys_line[a:b],
                color=GREY,
                linestyle=style,
                linewidth=width_pt,
                label=label if n == 0 else None,
                zorder=2,
            )
    if spec.trajectory:
        tx = [x(p) for p, _ in spec.trajectory]
        ty = [v for _, v in spec.trajectory]
        ax.plot(
            tx,
            ty,
            color=NAVY,
            linestyle=(0, (1, 2)),
            linewidth=1.6,
            marker="x",
            markersize=4.5,
            label="Trajectory",
            zorder=3,
        )
    if spec.target is not None:
        label = target_label(spec)
        ax.axhline(spec.target, color=NAVY, linestyle=(0, (6, 2, 1, 2)), linewidth=1.3, zorder=3)
        # A proxy artist gives the legend the same dash pattern as the line.
        ax.plot([], [], color=NAVY, linestyle=(0, (6, 2, 1, 2)), linewidth=1.3, label=label)
        if spec.target_by is not None:
            ax.plot(
                [x(spec.target_by)],
                [spec.target],
                marker="*",
                markersize=8,
                color=NAVY,
                linestyle="none",
                zorder=4,
            )
    ys = series(spec.values)
    ax.plot(
        xs,
        ys,
        color=INK,
        linewidth=1.4,
        marker="o",
        markersize=3.5,
        markerfacecolor="white",
        markeredgewidth=1.0,
        label="Value",
        zorder=5,
    )
    if spec.special:
        for kind in ("improvement", "concern", "neutral"):
            px = [xv for xv, s in zip(xs, spec.special, strict=True) if s == kind]
            py = [yv for yv, s in zip(ys, spec.special, strict=True) if s == kind]
            if not px:
                continue
            marker, colour, name = _SPECIAL_STYLE[kind]
            ax.plot(
                px,
                py,
                linestyle="none",
                marker=marker,
                markersize=6,
                color=colour,
                markeredgecolor=INK,
                markeredgewidth=0.6,
                label=name,
                zorder=6,
            )

    _x_axis(ax, spec, start)
    _y_axis(ax, spec, FuncFormatter, MaxNLocator)
    for when, _ in spec.recalculated:
        _mark_recalculation(ax, spec, spec.periods.index(when), x(when) - 0.5)
    # An explicit y keeps matplotlib from measuring the whole y axis on every
    # draw to see whether its offset text ("1e6") would hit the title; these
    # formatters never print one, so the title sits where it always did.
    ax.set_title(wrap_title(spec.title), loc="left", fontweight="bold", pad=8, y=1.0)
    if spec.direction != "neither":
        arrow = "\u2191" if spec.direction == "higher" else "\u2193"
        ax.text(
            1.0,
            1.02,
            f"{arrow} {spec.direction.capitalize()} is better",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=FONT_PT,
            color=GREY,
        )
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _lay_out_below(fig, ax, spec)


def _lay_out_below(fig: Any, ax: Any, spec: ChartSpec) -> None:
    """Size the figure for its legend and notes, and place them under the axes.

    The plot area is the same size on every chart; a legend of more than
    three rows, or notes, make the figure taller rather than the plot smaller.
    """
    handles, labels = ax.get_legend_handles_labels()
    # The data line first, then what it is judged against.
    pairs = sorted(zip(handles, labels, strict=True), key=lambda hl: _legend_rank(hl[1]))
    columns = _legend_columns([label for _, label in pairs])
    rows = -(-len(pairs) // columns)
    notes = note_lines(spec)
    width, height = WIDTH_IN, figure_height(rows, len(notes))
    fig.set_size_inches(width, height)
    bottom = height - MARGINS_IN["top"] - PLOT_HEIGHT_IN
    fig.subplots_adjust(
        left=MARGINS_IN["left"] / width,
        right=1 - MARGINS_IN["right"] / width,
        top=1 - MARGINS_IN["top"] / height,
        bottom=bottom / height,
    )
    if pairs:
        ax.legend(
            [h for h, _ in pairs],
            [label for _, label in pairs],
            loc="upper center",
            bbox_to_anchor=(0.5, (bottom - TICK_LABELS_IN) / height),
            bbox_transform=fig.transFigure,
            ncol=columns,
            frameon=False,
            handlelength=LEGEND_HANDLE_EM,
            columnspacing=LEGEND_GAP_EM,
            borderaxespad=0.0,
            borderpad=0.2,
        )
    for i, line in enumerate(notes):
        fig.text(
            MARGINS_IN["left"] / width,
            (FOOT_IN + NOTE_LINE_IN * (len(notes) - i)) / height,
            line,
            ha="left",
            va="top",
            fontsize=FONT_PT,
            color=INK,
        )


def _legend_columns(labels: list[str]) -> int:
    """Three columns when they fit across the figure, else two (or one)."""
    room = (WIDTH_IN - 0.1) * 72
    for columns in (3, 2):
        rows = -(-len(labels) // columns)
        cells = [labels[c * rows : (c + 1) * rows] for c in range(columns)]
        needed = sum(
            max(map(_text_pt, cell)) + (LEGEND_HANDLE_EM + 0.8) * FONT_PT for cell in cells if cell
        ) + LEGEND_GAP_EM * FONT_PT * (columns - 1)
        if needed <= room:
            return min(columns, max(1, len(labels)))
    return 1


def _mark_recalculation(ax: Any, spec: ChartSpec, index: int, at: float) -> None:
    """A dotted line between the months either side of a recalculation, and its label.

    The label goes to the top or the bottom of the plot, whichever band has
    fewer values near the line and no target line, on a white ground that
    covers gridlines and limits but never data.
    """
    ax.axvline(at, color=GREY, linestyle=(0, (1, 1.5)), linewidth=1.0, zorder=1)
    bottom, top = (float(v) for v in ax.get_ylim())

    def height(v: float) -> float:
        return (v - bottom) / (top - bottom)

    near = [height(v) for v in spec.values[max(0, index - 2) : index + 3] if v is not None]
    target = height(spec.target) if spec.target is not None else None
    crowd_top = sum(h > 0.8 for h in near) + (3 if target is not None and target > 0.8 else 0)
    crowd_bottom = sum(h < 0.2 for h in near) + (3 if target is not None and target < 0.2 else 0)
    high = crowd_top > crowd_bottom
    ax.text(
        at + 0.12,
        0.04 if high else 0.96,
        "Limits recalculated",
        transform=ax.get_xaxis_transform(),
        ha="left",
        va="bottom" if high else "top",
        fontsize=FONT_PT,
        color=GREY,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
        zorder=4,
    )


_LEGEND_PREFIXES = (
    "Value",
    "Target",
    "Trajectory",
    "Mean",
    "Process",
    CHART_SIGNALS["improvement"],
    CHART_SIGNALS["concern"],
)


def _legend_rank(label: str) -> int:
    for rank, prefix in enumerate(_LEGEND_PREFIXES):
        if label.startswith(prefix):
            return rank
    return 99


def _x_start(spec: ChartSpec) -> Period:
    candidates = list(spec.periods) + [p for p, _ in spec.trajectory]
    if spec.target_by is not None:
        candidates.append(spec.target_by)
    return min(candidates) if candidates else Period(2000, 1)


def _x_axis(ax: Any, spec: ChartSpec, start: Period) -> None:
    candidates = list(spec.periods) + [p for p, _ in spec.trajectory]
    if spec.target_by is not None:
        candidates.append(spec.target_by)
    end = max(candidates) if candidates else start
    span = end.months_since(start)
    step = 1 if span <= 12 else 2 if span <= 24 else 3 if span <= 36 else 6
    ticks = list(range(0, span + 1, step))
    labels = []
    for i in ticks:
        p = start.shift(i)
        labels.append(f"{p.label[:3]}\n{p.year}" if i == 0 or p.month <= step else p.label[:3])
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels)
    ax.set_xlim(-0.5, span + 0.5)


def _y_axis(ax: Any, spec: ChartSpec, formatter: Any, locator: Any) -> None:
    seen = [v for v in spec.values if v is not None]
    seen += [v for v in spec.mean if v is not None]
    seen += [v for v in spec.lower if v is not None]
    seen += [v for v in spec.upper if v is not None]
    seen += [v for _, v in spec.trajectory]
    if spec.target is not None:
        seen.append(spec.target)
    if spec.unit == "percent":
        lo, hi = 0.0, 100.0
        if seen and min(seen) >= 40:
            lo = max(0.0, math.floor((min(seen) - 5) / 10) * 10)
        if seen and max(seen) <= 60:
            hi = min(100.0, math.ceil((max(seen) + 5) / 10) * 10)
        ax.set_ylim(lo, hi)
        ax.yaxis.set_major_formatter(formatter(lambda v, _pos: f"{v:.0f}%"))
    else:
        if seen:
            lo, hi = min(seen), max(seen)
            pad = (hi - lo) * 0.12 or max(abs(hi) * 0.1, 1.0)
            bottom = 0.0 if lo >= 0 and lo - pad <= 0 else lo - pad
            ax.set_ylim(bottom, hi + pad)
        ax.yaxis.set_major_formatter(formatter(lambda v, _pos: number(v)))
    ax.yaxis.set_major_locator(locator(nbins=5))
    if spec.y_label:
        ax.set_ylabel(spec.y_label)


# --- cache ---------------------------------------------------------------


@dataclass
class ChartCache:
    """PNG files named by :func:`chart_key` in one folder, reused across builds."""

    directory: Path
    hits: int = field(default=0, init=False)
    draws: int = field(default=0, init=False)

    def path_for(self, spec: ChartSpec) -> Path:
        return self.directory / f"{chart_key(spec)}.png"

    def get(self, spec: ChartSpec) -> Path:
        """The PNG for ``spec``, drawing it only if no earlier build has."""
        path = self.path_for(spec)
        if path.is_file():
            self.hits += 1
            return path
        atomic_write_bytes(path, draw_chart(spec))
        self.draws += 1
        return path

    def get_many(
        self,
        specs: Sequence[ChartSpec],
        pool: Executor | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Path]:
        """The PNGs for ``specs``, drawing the missing ones (in ``pool``'s workers if given).

        Drawing is CPU-bound matplotlib, so a build with many new charts
        draws them in its worker processes, all cores at once. Each distinct
        chart is drawn once even if several specs are equal. ``progress(done,
        total)`` is called as charts are found or drawn.
        """
        paths = [self.path_for(spec) for spec in specs]
        missing: dict[Path, ChartSpec] = {}
        for spec, path in zip(specs, paths, strict=True):
            if path in missing or path.is_file():
                self.hits += 1
            else:
                missing[path] = spec
        total, done = len(specs), len(specs) - len(missing)
        if progress and done:
            progress(done, total)
        if pool is None:
            for path, spec in missing.items():
                draw_chart_file(spec, path)
                self.draws += 1
                done += 1
                if progress:
                    progress(done, total)
            return paths
        futures = [pool.submit(draw_chart_file, spec, path) for path, spec in missing.items()]
        for future in as_completed(futures):
            future.result()
            self.draws += 1
            done += 1
            if progress:
                progress(done, total)
        return paths


def draw_chart_file(spec: ChartSpec, path: Path) -> None:
    """Draw ``spec`` into ``path`` atomically (a top-level function, for worker processes)."""
    atomic_write_bytes(path, draw_chart(spec))
