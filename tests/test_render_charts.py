"""KPI charts: deterministic PNG bytes and a content-hash cache."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from reportgen.periods import Period, period_range
from reportgen.render.charts import DPI, ChartCache, ChartSpec, chart_key, draw_chart

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


def test_png_is_opaque_fixed_size_and_carries_no_text_metadata() -> None:
    data = draw_chart(spc_spec())
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.mode == "RGB"
    assert image.size == (1020, 465)  # 6.8 x 3.1 in at 150 dpi, whatever the labels
    assert round(image.info["dpi"][0]) == DPI
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"tIME"):
        assert chunk not in data


def test_size_does_not_depend_on_label_length() -> None:
    long_title = spc_spec(title="A very long KPI title " * 5)
    assert Image.open(io.BytesIO(draw_chart(long_title))).size == (1020, 465)


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
    assert image.size == (1020, 465)


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
