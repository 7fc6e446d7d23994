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
import io
import json
import math
import textwrap
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from reportgen.atomic import atomic_write_bytes
from reportgen.periods import Period
from reportgen.present.numbers import number
from reportgen.present.numbers import value as format_value

Direction = Literal["higher", "lower", "neither"]
SpecialCause = Literal["improvement", "concern", "neutral"]

# Bump when the drawing code changes what a given spec looks like, so cached
# PNGs from older versions are not reused.
CHART_STYLE_VERSION = "3"

DPI = 150
FIG_SIZE_IN = (6.8, 3.1)
MARGINS = {"left": 0.09, "right": 0.975, "top": 0.835, "bottom": 0.34}

# Okabe & Ito (2008) colour-blind-safe palette.
INK = "#1A1A1A"
GREY = "#6B6B6B"
BLUE = "#0072B2"
VERMILION = "#D55E00"
GREEN = "#009E73"
ORANGE = "#E69F00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"

_SPECIAL_STYLE: dict[str, tuple[str, str, str]] = {
    "improvement": ("s", BLUE, "Special cause: improvement"),
    "concern": ("D", VERMILION, "Special cause: concern"),
    "neutral": ("o", PURPLE, "Special cause: neither"),
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
        }


def chart_key(spec: ChartSpec) -> str:
    """SHA-256 of the spec (and the matplotlib version that draws it)."""
    import matplotlib

    payload = {"spec": spec.canonical(), "matplotlib": matplotlib.__version__}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def target_label(spec: ChartSpec) -> str:
    """The target line's legend entry: the plan's goal and when it is due."""
    if spec.target is None:
        return ""
    word = "Interim target" if spec.target_interim else "Target"
    label = f"{word} {format_value(spec.target, spec.unit, spec.decimals)}"
    if spec.target_by is not None:
        label += f" by {spec.target_by.label}"
    return label


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
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        _FIGURE = Figure(figsize=FIG_SIZE_IN, dpi=DPI, facecolor="white")
        FigureCanvasAgg(_FIGURE)
    _FIGURE.clear()
    return _FIGURE


_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10.5,
    "axes.labelsize": 9,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
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


def draw_chart(spec: ChartSpec) -> bytes:
    """Draw ``spec`` as PNG bytes; same spec, same bytes.

    The image is saved as opaque RGB through Pillow rather than matplotlib's
    RGBA ``savefig``: an alpha channel would make WeasyPrint embed a second
    (mask) image per chart for no visible difference, and Pillow writes no
    text chunks (software name, dates), so the bytes depend only on the spec.
    """
    import matplotlib
    from PIL import Image

    # Start from matplotlib's defaults, not the user's matplotlibrc, so the
    # chart is the same on every machine.
    with matplotlib.rc_context():
        matplotlib.rcParams.update(matplotlib.rcParamsDefault)
        matplotlib.rcParams.update(cast(Any, _RC))
        fig = _figure()
        _draw(fig, spec)
        fig.canvas.draw()
        rgba = fig.canvas.buffer_rgba()
        width, height = fig.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG", dpi=(DPI, DPI), compress_level=6)
    return buffer.getvalue()


def chart_text(spec: ChartSpec) -> list[str]:
    """Every piece of text drawn on the chart, top to bottom as matplotlib holds it.

    What a reader sees, read back from the drawing itself (title, notes,
    legend, tick labels), so a test can check a chart without reading pixels.
    """
    import matplotlib
    from matplotlib.text import Text

    with matplotlib.rc_context():
        matplotlib.rcParams.update(matplotlib.rcParamsDefault)
        matplotlib.rcParams.update(cast(Any, _RC))
        fig = _figure()
        _draw(fig, spec)
        fig.canvas.draw()
        return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _draw(fig: Any, spec: ChartSpec) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig.subplots_adjust(**MARGINS)
    ax = fig.add_subplot(1, 1, 1)
    start = _x_start(spec)

    def x(p: Period) -> int:
        return p.months_since(start)

    xs = [x(p) for p in spec.periods]
    nan = float("nan")

    def series(values: tuple[float | None, ...]) -> list[float]:
        return [nan if v is None else float(v) for v in values]

    # SPC limits and mean first, so the data line sits on top.
    if spec.upper or spec.lower:
        first = True
        for limits in (spec.upper, spec.lower):
            if limits:
                ax.plot(
                    xs,
                    series(limits),
                    color=GREY,
                    linestyle=(0, (5, 3)),
                    linewidth=0.9,
                    label="Process limits" if first else None,
                    zorder=2,
                )
                first = False
    if spec.mean:
        ax.plot(
            xs, series(spec.mean), color=GREY, linestyle="-", linewidth=1.0, label="Mean", zorder=2
        )
    if spec.trajectory:
        tx = [x(p) for p, _ in spec.trajectory]
        ty = [v for _, v in spec.trajectory]
        ax.plot(
            tx,
            ty,
            color=ORANGE,
            linestyle=(0, (1, 2)),
            linewidth=1.6,
            marker="x",
            markersize=4.5,
            label="Trajectory",
            zorder=3,
        )
    if spec.target is not None:
        label = target_label(spec)
        ax.axhline(spec.target, color=GREEN, linestyle=(0, (6, 2, 1, 2)), linewidth=1.3, zorder=3)
        # A proxy artist gives the legend the same dash pattern as the line.
        ax.plot([], [], color=GREEN, linestyle=(0, (6, 2, 1, 2)), linewidth=1.3, label=label)
        if spec.target_by is not None:
            ax.plot(
                [x(spec.target_by)],
                [spec.target],
                marker="*",
                markersize=8,
                color=GREEN,
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
    ax.set_title(wrap_title(spec.title), loc="left", fontweight="bold", pad=8)
    if spec.direction != "neither":
        arrow = "\u2191" if spec.direction == "higher" else "\u2193"
        ax.text(
            1.0,
            1.02,
            f"{arrow} {spec.direction.capitalize()} is better",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8.5,
            color=GREY,
        )
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        # The data line first, then what it is judged against.
        pairs = sorted(zip(handles, labels, strict=True), key=lambda hl: _legend_rank(hl[1]))
        ax.legend(
            [h for h, _ in pairs],
            [label for _, label in pairs],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22),
            ncol=min(len(pairs), 3),
            frameon=False,
            handlelength=3.0,
            columnspacing=1.6,
        )


_LEGEND_PREFIXES = (
    "Value",
    "Target",
    "Trajectory",
    "Mean",
    "Process",
    "Special cause: imp",
    "Special cause: c",
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
