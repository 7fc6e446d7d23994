"""KPI charts: deterministic PNG bytes and a content-hash cache."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image

from reportgen.periods import Period, period_range
from reportgen.render.charts import (
    DPI,
    PNG_LEVEL,
    ChartCache,
    ChartSpec,
    chart_key,
    chart_text,
    draw_chart,
    drawn,
    figure_height,
)
from reportgen.render.fonts import font_files
from reportgen.render.pdf import render_pdf
from reportgen.render.policy import FetchPolicy
from reportgen.render.resources import builtin_styles_dir

CREATED = datetime(2020, 4, 1, tzinfo=UTC)
PERIODS = tuple(period_range(Period(2019, 4), Period(2020, 3)))


def spc_spec(**changes: object) -> ChartSpec:
    base: dict[str, object] = {
        "title": "Assessments completed within 45 working days",
        "periods": PERIODS,
        "values": (62, 64, None, 66, 71, 70, 73, 75, 74, 78, 80, None),
        "unit": "percent",
        "direction": "higher",
        "target": 85.0,
        "target_by": Period(2020, 9),
        "trajectory": ((Period(2019, 9), 70.0), (Period(2020, 3), 78.0), (Period(2020, 9), 85.0)),
        "mean": tuple(70.0 for _ in PERIODS),
        "lower": tuple(60.0 for _ in PERIODS),
        "upper": tuple(80.0 for _ in PERIODS),
        "special": (None,) * 7 + ("improvement", None, "concern", "neutral", None),
    }
    base.update(changes)
    return ChartSpec(**base)  # type: ignore[arg-type]


def test_same_spec_same_bytes_even_after_other_charts() -> None:
    first = draw_chart(spc_spec())
    other = draw_chart(spc_spec(unit="days", direction="lower", target=30.0, title="Other"))
    again = draw_chart(spc_spec())
    assert first == again
    assert other != first


def test_charts_of_different_heights_keep_their_bytes_in_any_order() -> None:
    # One renderer is kept per image size; drawing in turn with charts of
    # another height must leave nothing of them behind.
    tall, short = spc_spec(notes=("Limits recalculated from Oct 2019.",)), spc_spec()
    drawn_in_turn = [draw_chart(s) for s in (tall, short, short, tall, tall, short)]
    assert len(set(drawn_in_turn)) == 2
    assert drawn_in_turn[0] == drawn_in_turn[3] == drawn_in_turn[4]
    assert drawn_in_turn[1] == drawn_in_turn[2] == drawn_in_turn[5]
    heights = {Image.open(io.BytesIO(png)).size[1] for png in drawn_in_turn[:2]}
    assert len(heights) == 2


def test_text_laid_out_and_rasterised_once_per_process_draws_what_matplotlib_draws() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    # The texts both charts share are laid out and their glyphs rasterised
    # now; the second chart's come from memory, many at other places.
    draw_chart(spc_spec())
    with drawn(
        spc_spec(title="Another title", notes=("Provisional limits: from 9 values.",))
    ) as fig:
        ours, canvas = bytes(fig.canvas.buffer_rgba()), fig.canvas
        try:
            plain: Any = FigureCanvasAgg(fig)  # untyped in matplotlib's stubs
            plain.draw()
            theirs = bytes(plain.buffer_rgba())
        finally:
            fig.set_canvas(canvas)
    # With this matplotlib, layouts are remembered (the plain renderer is not in use).
    assert type(canvas.get_renderer()) is not RendererAgg
    assert ours == theirs


def _png(image: Image.Image, level: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI), compress_level=level)
    return out.getvalue()


@pytest.mark.slow
def test_png_compression_sets_the_cache_size_but_never_a_pack(tmp_path: Path) -> None:
    # The fast PNG_LEVEL is only free while WeasyPrint decodes each PNG and
    # compresses it again for the PDF; were it to embed the file's own data,
    # packs would grow, and this test says so.
    image = Image.open(io.BytesIO(draw_chart(spc_spec())))
    fast, small = _png(image, PNG_LEVEL), _png(image, 9)
    assert fast != small
    assert len(fast) < 1.1 * len(_png(image, 6))  # the cache stays about as small
    pdfs = []
    for name, data in (("fast", fast), ("small", small)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "chart.png").write_bytes(data)
        html = '<html lang="en-GB"><body><img src="chart.png" alt="A chart"></body></html>'
        policy = FetchPolicy.of(files=font_files())
        pdfs.append(render_pdf(html, base_url=folder, policy=policy, created=CREATED).pdf)
    assert pdfs[0] == pdfs[1]


# A KPI with a direction: improving and deteriorating points, never "neither".
DIRECTED = {"special": (None,) * 7 + ("improvement", None, "concern", None, None)}


def test_png_is_opaque_fixed_size_and_carries_no_text_metadata() -> None:
    data = draw_chart(spc_spec(**DIRECTED))
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.mode == "RGB"
    assert image.size == (1020, 465)  # 6.8 x 3.1 in at 150 dpi: a three-row legend
    assert round(image.info["dpi"][0]) == DPI
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"tIME"):
        assert chunk not in data


def test_size_does_not_depend_on_label_length() -> None:
    long_title = spc_spec(title="A very long KPI title " * 5, **DIRECTED)
    assert Image.open(io.BytesIO(draw_chart(long_title))).size == (1020, 465)


def test_a_legend_too_wide_for_three_columns_takes_two_and_the_chart_grows() -> None:
    # Eight entries, one of them "Special cause: neither better nor worse": four rows.
    image = Image.open(io.BytesIO(draw_chart(spc_spec())))
    assert image.width == 1020
    assert abs(image.height - figure_height(4, 0) * DPI) < 1
    with drawn(spc_spec()) as fig:
        legend = fig.axes[0].get_legend()
        box = legend.get_window_extent()
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width  # nothing cut off at the edges


def test_key_changes_with_any_shown_value() -> None:
    key = chart_key(spc_spec())
    assert key == chart_key(spc_spec())
    assert len(key) == 64
    changed = [
        spc_spec(values=(63, 64, None, 66, 71, 70, 73, 75, 74, 78, 80, None)),
        spc_spec(target=90.0),
        spc_spec(title="Other"),
        spc_spec(special=(None,) * 12),
        spc_spec(direction="lower"),
    ]
    assert len({chart_key(s) for s in changed} | {key}) == len(changed) + 1


def test_cache_draws_once_and_counts_hits(tmp_path: Path) -> None:
    cache = ChartCache(tmp_path / "charts")
    first = cache.get(spc_spec())
    assert (cache.draws, cache.hits) == (1, 0)
    second = cache.get(spc_spec())
    assert second == first
    assert (cache.draws, cache.hits) == (1, 1)
    cache.get(spc_spec(target=90.0))
    assert (cache.draws, cache.hits) == (2, 1)
    # A later build (new cache object, same folder) reuses the files.
    later = ChartCache(tmp_path / "charts")
    assert later.get(spc_spec()) == first
    assert (later.draws, later.hits) == (0, 1)
    assert first.name == f"{chart_key(spc_spec())}.png"
    assert first.read_bytes() == draw_chart(spc_spec())


def test_minimal_chart_without_spc_or_target() -> None:
    spec = ChartSpec("Count of audits", PERIODS[:3], (3.0, None, 5.0), direction="neither")
    image = Image.open(io.BytesIO(draw_chart(spec)))
    # One legend row ("Value"): shorter than a full chart, never narrower.
    assert image.width == 1020
    assert abs(image.height - figure_height(1, 0) * DPI) < 1


def test_every_chart_has_the_same_plot_area_whatever_sits_below_it() -> None:
    def plot_inches(spec: ChartSpec) -> tuple[float, ...]:
        with drawn(spec) as fig:
            box = fig.axes[0].get_position()
            w, h = fig.get_size_inches()
            return tuple(round(v, 3) for v in (box.x0 * w, box.width * w, box.height * h))

    full = plot_inches(spc_spec())
    minimal = ChartSpec("Count of audits", PERIODS[:3], (3.0, None, 5.0), direction="neither")
    noted = spc_spec(notes=("A note long enough to wrap onto a second line. " * 3,))
    assert plot_inches(minimal) == plot_inches(noted) == full
    assert full[1:] == (6.02, 1.54)


def test_all_missing_values_still_draw() -> None:
    spec = ChartSpec("Nothing yet", PERIODS[:4], (None, None, None, None), unit="percent")
    assert draw_chart(spec).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"values": (1.0, 2.0)}, "2 values for 12 periods"),
        ({"mean": (1.0,)}, "mean has 1 entries for 12 periods"),
        ({"special": ("concern",)}, "special has 1 entries"),
        ({"periods": tuple(reversed(PERIODS))}, "strictly increasing"),
    ],
)
def test_inconsistent_specs_are_rejected(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        spc_spec(**changes)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast_on_white(rgb: tuple[float, float, float]) -> float:
    return 1.05 / (_luminance(rgb) + 0.05)


def _rag_colours() -> dict[str, tuple[float, float, float]]:
    """The RAG key's colours, read from the stylesheet the packs use."""
    from matplotlib.colors import to_rgb

    css = (builtin_styles_dir() / "base.css").read_text(encoding="utf-8")
    found = dict(re.findall(r"--rag-(red|amber|green)-bg:\s*(#[0-9a-fA-F]{6})", css))
    assert set(found) == {"red", "amber", "green"}
    return {name: to_rgb(hex_) for name, hex_ in found.items()}


EVERYTHING = spc_spec(
    recalculated=((Period(2019, 9), "New recording system"),),
    provisional_limits=True,
    notes=("Limits recalculated from Sep 2019: New recording system",),
)


def test_lines_and_markers_are_3_to_1_on_white_and_never_a_rag_colour() -> None:
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    rag = _rag_colours()
    with drawn(EVERYTHING) as fig:
        ax = fig.axes[0]
        grid = set(ax.get_xgridlines()) | set(ax.get_ygridlines())
        colours: set[tuple[float, float, float]] = set()
        for line in fig.findobj(Line2D):
            if line in grid or not line.get_visible():
                continue
            for colour in (line.get_color(), line.get_markeredgecolor()):
                colours.add(to_rgba(colour)[:3])
            face = to_rgba(line.get_markerfacecolor())
            if face[3] > 0 and face[:3] != (1.0, 1.0, 1.0):
                colours.add(face[:3])
        texts = {to_rgba(t.get_color())[:3] for t in fig.findobj(Text) if t.get_text().strip()}
    assert len(colours) >= 4  # ink, grey, navy, blue, purple at least
    for rgb in colours:
        assert _contrast_on_white(rgb) >= 3.0, rgb
        for name, key in rag.items():
            distance = sum(abs(a - b) for a, b in zip(rgb, key, strict=True))
            assert distance > 0.25, f"chart colour {rgb} looks like RAG {name}"
    for rgb in texts:
        assert _contrast_on_white(rgb) >= 4.5, rgb


def test_no_chart_text_is_smaller_than_8_5_pt_as_printed() -> None:
    from matplotlib.text import Text

    with drawn(EVERYTHING) as fig:
        width_in = fig.get_size_inches()[0]
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
    # Packs print charts across the A4 text width (210 - 2 x 18 mm margins), so
    # a point drawn is at least a point printed.
    printed_scale = (210 - 2 * 18) / 25.4 / width_in
    assert printed_scale >= 1.0
    assert len(sizes) > 20
    assert min(sizes) * printed_scale >= 8.5


def test_recalculated_limits_step_and_are_marked() -> None:
    from matplotlib.lines import Line2D

    mean = (60.0,) * 5 + (75.0,) * 7
    spec = spc_spec(
        mean=mean,
        lower=tuple(m - 8 for m in mean),
        upper=tuple(m + 8 for m in mean),
        recalculated=((Period(2019, 9), "New recording system"),),
        notes=("Limits recalculated from Sep 2019: New recording system",),
    )
    with drawn(spec) as fig:
        ax = fig.axes[0]
        # The mean is drawn as two lines, one per set of limits, so it steps.
        means = [
            # matplotlib types the data as ArrayLike; a line drawn from floats holds floats.
            list(cast("Iterable[float]", line.get_ydata()))
            for line in ax.get_lines()
            if isinstance(line, Line2D)
            and line.get_linestyle() == "-"
            and line.get_color() == "#6B6B6B"
        ]
    assert means == [[60.0] * 5, [75.0] * 7]
    text = chart_text(spec)
    assert "Limits recalculated" in text
    assert "Limits recalculated from Sep 2019: New recording system" in text


def test_provisional_limits_are_named_in_the_legend() -> None:
    assert "Process limits (provisional)" in chart_text(spc_spec(provisional_limits=True))
    assert "Process limits" in chart_text(spc_spec())


def test_a_recalculation_must_be_a_month_shown() -> None:
    with pytest.raises(ValueError, match="limits recalculated from 2021-01, which is not a period"):
        spc_spec(recalculated=((Period(2021, 1), "x"),))


def test_long_notes_wrap_inside_the_chart() -> None:
    from matplotlib.text import Text

    note = "Limits recalculated from Sep 2019: " + "a new recording system, " * 12
    spec = spc_spec(notes=(note.strip(),))
    with drawn(spec) as fig:
        renderer = fig.canvas.get_renderer()
        lines = [t for t in fig.texts if isinstance(t, Text)]
        assert len(lines) >= 3
        for t in lines:
            assert t.get_window_extent(renderer).x1 <= fig.bbox.width
        assert " ".join(t.get_text() for t in lines) == note.strip()


MATPLOTLIB_SETUP_PROBE = """
import json
import matplotlib
from reportgen.periods import Period
from reportgen.render.charts import ChartSpec, draw_chart

settings = []
setitem = matplotlib.RcParams.__setitem__


def counting(self, key, value):
    settings.append(key)
    setitem(self, key, value)


matplotlib.RcParams.__setitem__ = counting
periods = (Period(2019, 4), Period(2019, 5), Period(2019, 6))
counts = []
for n in range(3):
    draw_chart(ChartSpec(f"Chart {n}", periods, (1.0, 2.0 + n, 3.0)))
    counts.append(len(settings))
print(json.dumps({
    "counts": counts,
    "family": list(matplotlib.rcParams["font.family"]),
    "parse_math": matplotlib.rcParams["text.parse_math"],
}))
"""


def test_matplotlib_is_set_up_once_per_process_not_per_chart() -> None:
    # A fresh process, so its first chart is the first matplotlib use.
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", MATPLOTLIB_SETUP_PROBE], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    first, second, third = got["counts"]
    assert first > 100  # every setting, from matplotlib's defaults and then the charts' own
    assert second == third == first  # no setting touched again for later charts
    # ...and what stays set is the charts' style, not the user's matplotlibrc.
    assert got["family"] == ["DejaVu Sans"] and got["parse_math"] is False
