"""Statistical process control: NHS England "Making Data Count" XmR charts.

A board needs to tell a real change from month-to-month noise before it acts.
This module applies the XmR (individuals and moving range) chart rules used by
NHS England's Making Data Count (MDC) programme, as implemented by the NHS-R
Community's NHSRplotthedots R package (version 0.2.2), and returns plain
dataclasses that the assessment, summary and chart code share. It is pure: no
I/O, no pandas, no NumPy, so the same series always gives the same answer.

Calculation (per segment; a segment is the whole series, or the part from one
rebase period to the next)
    * mean = average of the values; moving range (MR) = absolute difference
      between a value and the one before it in the same segment.
    * Screened moving ranges (default on, as in plotthedots; ``screen_outliers``
      switches it off to mimic the MDC Excel tool): moving ranges not below
      3.267 x the mean MR are dropped and the mean MR is recomputed once. Only
      the MR is screened; the mean keeps every value (plotthedots issue #152).
    * process limits = mean +/- 2.66 x mean MR; two-sigma lines =
      mean +/- (2/3) x 2.66 x mean MR.
    * ``fix_after`` (plotthedots' ``fix_after_n_points``) bases the mean and
      limits on the first N values of each segment only; later values are
      judged against them.

Special-cause rules (each applied within a segment; none crosses a rebase)
    * outside_limits: a value strictly above the upper or below the lower
      process limit (a value exactly on a limit is inside, as in plotthedots).
    * run: ``run_length`` (default 7) or more consecutive values on the same
      side of the mean. A value exactly on the mean breaks the run.
    * trend: ``trend_length`` (default 7) or more consecutive values each
      strictly higher (or lower) than the one before. A tie breaks the trend.
    * two_in_three: in three consecutive values all on the same side of the
      mean, at least two lie beyond that side's two-sigma line; only the values
      beyond the line are flagged.
    Every value in a qualifying run or trend is flagged, not only the one that
    completes it (plotthedots). When one value is caught by several rules its
    type comes from the first of: outside_limits, trend, two_in_three, run
    (plotthedots' precedence); every rule that fired is still reported.

Where the references differ, and what this module follows
    * Run and trend length: plotthedots fixes both at 7; the MDC Excel tool
      lets users choose 6 or 7 (plotthedots issue #202). Default 7 (the SPC
      convention both share; 6 is the run-chart rule), configurable.
    * Ties in a trend: a repeated value ends the trend (plotthedots). The 2017
      NHS Improvement run-chart guide lets a tie neither add nor cancel; we
      follow plotthedots because it is the stated reference and is stricter.
    * Two-in-three: plotthedots 0.2.2 counts only values strictly between the
      two-sigma line and the process limit, so a value beyond the limit does
      not count towards the pattern. The MDC single chart tool changed in
      late 2023 to count every value beyond two sigma, including those beyond
      the limit (announced in plotthedots issue #194). We follow MDC: a value
      beyond three sigma is beyond two sigma, and ignoring it was an artefact
      (plotthedots issue #153). Both tools require all three values on the
      same side of the mean and flag only the values beyond two sigma; we do
      the same, so a third value on the other side of the mean stops the rule.
    * Screening: on by default (plotthedots, after Nelson 1982); the MDC Excel
      tool does not screen. ``screen_outliers=False`` gives the Excel limits.
    * Improvement and concern at once (e.g. a rising trend below the mean):
      plotthedots' precedence above; the MDC Excel tool shows improvement.
    * Icons: the variation icon comes from the latest value's point type and,
      for a neutral KPI, its side (plotthedots ``ptd_get_icons``). plotthedots
      shows icons from 2 values; the MDC tool only from 13. We show them from
      2 values and flag trial limits instead.
    * Assurance: from the latest value's segment limits and target. With
      improvement upwards, target below the lower limit = consistent pass,
      above the upper limit = consistent fail, otherwise hit and miss (the
      plotthedots comparison, strict, so a target exactly on a limit is hit
      and miss); mirrored for improvement downwards; none for a neutral KPI.
      The MDC name "hit and miss" is used for plotthedots' "inconsistent".
    * Trial limits: fewer than 13 values behind a segment's limits (as
      plotthedots' short-group warning). We count values used for the limits,
      not rows, so missing months do not make limits look firmer than they are.

Beyond the references (both are silent on these; a board still needs them)
    * Chunky data (Wheeler, "Understanding Statistical Process Control"):
      when values move in steps that are coarse against their variation
      (a count of 23 to 27 children moves in whole children), few moving
      ranges are possible and the limits come out too tight, so false
      signals become likely. With ``resolution`` given (1 for a count), a
      segment is chunky when 3 or fewer multiples of it (0, 1, 2) lie below
      the upper range limit, 3.267 x mean MR. It is flagged for a caution;
      the limits are not changed.
    * Sustained shift: a run that reaches the latest value, starts with a
      jump beyond the upper range limit and is steady within itself (its own
      XmR chart shows no special cause) suggests the process has moved to a
      new level. MDC advises recalculating the limits
      from the change only when its cause is known, so this is offered as a
      candidate (:attr:`SpcResult.sustained_shift`), never applied.

Edge cases (decided here, since the references do not define them)
    * Missing values (``None`` or NaN): plotthedots keeps the row and lets the
      NA propagate: it is left out of the mean, the moving ranges either side
      of it are not computed, and no run, trend or two-in-three window that
      contains it can qualify. We do the same: a gap is left out of the mean
      and never bridged by a moving range (a range across a gap spans two
      intervals and would overstate variation), and it breaks runs, trends and
      two-in-three patterns. A missing point has no point type. Months simply
      absent from ``periods`` are not gaps: like plotthedots, consecutive
      entries are treated as consecutive; pass ``None`` to mark a gap.
    * Periods need not be sorted (they are sorted, as plotthedots does) but
      must be unique.
    * Constant series (mean MR 0): limits and two-sigma lines equal the mean,
      nothing is screened (plotthedots would divide the screen by zero and
      return no limits) and no value can be special cause, because none is
      beyond the limits or off the mean. A warning says so.
    * Mean MR 0 but values that differ (they change only across gaps, as in
      5, 5, -, 7, 7): the variation cannot be measured, so there are no
      limits (limits on the mean would flag every value) and a warning says
      why; runs and trends are still judged.
    * Fewer than 2 values in a segment, or no two consecutive values: no
      limits, and a warning; the mean is still given when there is a value.
    * Rebase periods that are not in the series start the new segment at the
      first later period; rebase periods after the last period are ignored
      with a warning; one at or before the first period changes nothing.
    * The "latest" value is the last one present; trailing missing months do
      not blank the icons (staleness is reported elsewhere).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from reportgen.periods import Period

Improvement = Literal["increase", "decrease", "neutral"]
PointType = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral",
]
Side = Literal["high", "low"]
VariationIcon = Literal[
    "common_cause",
    "special_cause_improvement_high",
    "special_cause_improvement_low",
    "special_cause_concern_high",
    "special_cause_concern_low",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
Assurance = Literal["consistent_pass", "consistent_fail", "hit_and_miss"]
Rule = Literal["outside_limits", "trend", "two_in_three", "run"]

LIMIT_FACTOR = 2.66
"""Process limits sit this many mean moving ranges from the mean (3 sigma)."""
TWO_SIGMA_FACTOR = 2 * LIMIT_FACTOR / 3
SCREEN_FACTOR = 3.267
"""Moving ranges at or above this many mean moving ranges are screened out."""
TRIAL_LIMIT_POINTS = 13
"""Limits from fewer values than this are trial limits (plotthedots, MDC)."""

CHUNKY_VALUES = 3
"""Chunky data: this few possible moving ranges (0, 1, 2 for a count) fit under the
upper range limit (3.267 x mean MR), so the steps of the data hide their variation."""


@dataclass(frozen=True)
class SpcPoint:
    """One month on the chart, with the limits of its segment and its signals."""

    period: Period
    value: float | None
    segment: int
    """Index into :attr:`SpcResult.segments`."""
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    lower_two_sigma: float | None
    upper_two_sigma: float | None
    target: float | None
    moving_range: float | None
    """|value - previous value| within the segment; None at a gap or segment start."""
    moving_range_excluded: bool
    """True when screening left this moving range out of the mean MR."""
    outside_limits: bool
    run: bool
    trend: bool
    two_in_three: bool
    special_cause: bool
    point_type: PointType | None
    """None only for a missing value."""
    side: Side | None
    """Which way the signal points (high = above the mean or rising); None if none."""

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules that fired, in precedence order."""
        fired: list[Rule] = []
        if self.outside_limits:
            fired.append("outside_limits")
        if self.trend:
            fired.append("trend")
        if self.two_in_three:
            fired.append("two_in_three")
        if self.run:
            fired.append("run")
        return tuple(fired)


@dataclass(frozen=True)
class SpcSegment:
    """A stretch of the series with its own mean and limits (split by rebasing)."""

    index: int
    start: Period
    end: Period
    first_point: int
    """Index into :attr:`SpcResult.points` of the segment's first point."""
    n_points: int
    n_values: int
    """Points with a value."""
    n_baseline: int
    """Values the mean and limits are calculated from (all, or the first ``fix_after``)."""
    mean: float | None
    mean_moving_range: float | None
    """Mean MR used for the limits (after screening when it is on)."""
    unscreened_mean_moving_range: float | None
    moving_ranges_used: int
    moving_ranges_screened_out: int
    lower_limit: float | None
    upper_limit: float | None
    lower_two_sigma: float | None
    upper_two_sigma: float | None
    trial_limits: bool
    chunky: bool = False
    """True when the values' smallest step is coarse against their variation (see CHUNKY_VALUES)."""

    @property
    def has_limits(self) -> bool:
        return self.upper_limit is not None


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart's numbers and verdicts for one KPI series."""

    points: tuple[SpcPoint, ...]
    segments: tuple[SpcSegment, ...]
    improvement: Improvement
    variation: VariationIcon | None
    """Icon for the latest value; None when its segment has no limits."""
    assurance: Assurance | None
    """None without a target, for a neutral KPI, or without limits."""
    trial_limits: bool
    """True when any segment's limits rest on fewer than 13 values."""
    warnings: tuple[str, ...]
    run_length: int
    trend_length: int
    screen_outliers: bool

    @property
    def latest(self) -> SpcPoint | None:
        """The last point with a value: the one icons and assurance describe."""
        for point in reversed(self.points):
            if point.value is not None:
                return point
        return None

    @property
    def latest_segment(self) -> SpcSegment | None:
        latest = self.latest
        return None if latest is None else self.segments[latest.segment]

    @property
    def chunky(self) -> bool:
        """True when the latest value's limits rest on chunky data (small counts)."""
        segment = self.latest_segment
        return segment is not None and segment.chunky

    @property
    def sustained_shift(self) -> SpcPoint | None:
        """First point of a shift the limits have not caught up with, else None.

        A shift is a run (``run_length`` or more values on one side of the
        mean) that reaches the latest value, starts with a jump (a moving
        range at or above the upper range limit, 3.267 x the mean MR) and is
        steady within itself (an XmR chart of the run alone shows no special
        cause). A gradual rise or fall also ends in a run, but without the
        jump, and limits recalculated part-way up a slope mean nothing, so it
        is never offered. Whether to recalculate is a judgement about the
        process, so this only finds candidates.
        """
        latest = self.latest
        if latest is None or not latest.run:
            return None
        index = self.points.index(latest)
        n = self.streak(index, trend=False)
        first = index - n + 1
        jump = self.points[first].moving_range
        typical = self.segments[latest.segment].unscreened_mean_moving_range
        if jump is None or typical is None or jump < SCREEN_FACTOR * typical:
            return None
        run = self.points[first : index + 1]
        alone = spc(
            [p.value for p in run],
            [p.period for p in run],
            improvement=self.improvement,
            screen_outliers=self.screen_outliers,
            run_length=self.run_length,
            trend_length=self.trend_length,
        )
        if any(p.special_cause for p in alone.points):
            return None
        return self.points[first]

    @property
    def last_special_cause(self) -> bool:
        """True when the latest value is special cause."""
        latest = self.latest
        return latest is not None and latest.special_cause

    def streak(self, index: int, *, trend: bool) -> int:
        """How many values, ending at ``index``, share its run side or trend direction."""
        end = self.points[index]
        side = 1 if end.side == "high" else -1
        n = 1
        while index - n >= 0:
            point, after = self.points[index - n], self.points[index - n + 1]
            if point.segment != end.segment or point.value is None or after.value is None:
                break
            if trend:
                step = after.value - point.value
                if step == 0 or (step > 0) != (side > 0):
                    break
            elif _sign(point.value, point.mean) != side:
                break
            n += 1
        return n


def spc(
    values: Sequence[float | None],
    periods: Sequence[Period],
    *,
    improvement: Improvement,
    target: float | Sequence[float | None] | None = None,
    rebase: Sequence[Period] = (),
    screen_outliers: bool = True,
    run_length: int = 7,
    trend_length: int = 7,
    fix_after: int | None = None,
    resolution: float | None = None,
) -> SpcResult:
    """Build an XmR chart for one series and judge its latest value.

    ``values[i]`` belongs to ``periods[i]``; ``None`` (or NaN) marks a month
    with no value. ``target`` is one number for every month, or one per month
    (None where there is none). Raises ``ValueError`` for malformed arguments
    (mismatched lengths, duplicate periods, infinite values, silly lengths):
    those are programming errors, since loaders validate the data first.
    ``resolution`` is the smallest step a value can take (1 for a count), for
    the chunky-data check; None skips it.
    """
    _check_arguments(values, periods, target, improvement, run_length, trend_length, fix_after)
    if resolution is not None and not resolution > 0:
        raise ValueError(f"resolution must be a positive step, not {resolution}")
    order = sorted(range(len(periods)), key=lambda i: periods[i])
    ordered_periods = [periods[i] for i in order]
    ordered_values = [_clean(values[i]) for i in order]
    targets = _targets(target, order)

    warnings: list[str] = []
    bounds = _segment_bounds(ordered_periods, rebase, warnings)
    segments: list[SpcSegment] = []
    points: list[SpcPoint] = []
    for index, (start, stop) in enumerate(bounds):
        seg_values = ordered_values[start:stop]
        segment, moving_ranges, excluded = _limits(
            index, start, ordered_periods[start:stop], seg_values, screen_outliers, fix_after
        )
        if resolution is not None and segment.mean_moving_range is not None and segment.has_limits:
            upper_range = SCREEN_FACTOR * segment.mean_moving_range
            steps = math.floor(upper_range / resolution + 1e-9) + 1
            segment = replace(segment, chunky=steps <= CHUNKY_VALUES)
        segments.append(segment)
        points.extend(
            _judge(
                segment,
                ordered_periods[start:stop],
                seg_values,
                targets[start:stop],
                moving_ranges,
                excluded,
                improvement,
                run_length,
                trend_length,
            )
        )
    warnings.extend(_segment_warnings(segments, len(bounds) > 1))
    missing = [p for p, v in zip(ordered_periods, ordered_values, strict=True) if v is None]
    if missing and len(missing) < len(ordered_values):
        shown = ", ".join(p.label for p in missing[:6]) + (", ..." if len(missing) > 6 else "")
        warnings.append(
            f"{len(missing)} month{'s have' if len(missing) != 1 else ' has'} no value "
            f"({shown}); left out of the mean and moving ranges, and they break runs, "
            "trends and two-in-three patterns"
        )

    result = SpcResult(
        points=tuple(points),
        segments=tuple(segments),
        improvement=improvement,
        variation=None,
        assurance=None,
        trial_limits=any(s.trial_limits for s in segments),
        warnings=tuple(warnings),
        run_length=run_length,
        trend_length=trend_length,
        screen_outliers=screen_outliers,
    )
    return replace(
        result,
        variation=_variation_icon(result),
        assurance=_assurance(result),
    )


def _check_arguments(
    values: Sequence[float | None],
    periods: Sequence[Period],
    target: float | Sequence[float | None] | None,
    improvement: str,
    run_length: int,
    trend_length: int,
    fix_after: int | None,
) -> None:
    if len(values) != len(periods):
        raise ValueError(f"{len(values)} values but {len(periods)} periods; they must pair up")
    if len(set(periods)) != len(periods):
        dupes = sorted(p for p, n in Counter(periods).items() if n > 1)
        raise ValueError(f"periods must be unique; repeated: {', '.join(map(str, dupes))}")
    if improvement not in ("increase", "decrease", "neutral"):
        raise ValueError(f"improvement must be increase, decrease or neutral, not {improvement!r}")
    for name, length in (("run_length", run_length), ("trend_length", trend_length)):
        if length < 2:
            raise ValueError(f"{name} must be at least 2, not {length}")
    if fix_after is not None and fix_after < 2:
        raise ValueError(f"fix_after must be at least 2 values, not {fix_after}")
    if isinstance(target, Sequence) and len(target) != len(values):
        raise ValueError(f"{len(target)} targets but {len(values)} values; give one per value")
    for v in values:
        if v is not None and math.isinf(v):
            raise ValueError("values must be finite numbers or None")


def _clean(value: float | None) -> float | None:
    if value is None or math.isnan(value):
        return None
    return float(value)


def _targets(target: float | Sequence[float | None] | None, order: list[int]) -> list[float | None]:
    if target is None:
        return [None] * len(order)
    if isinstance(target, Sequence):
        return [_clean(target[i]) for i in order]
    return [_clean(target)] * len(order)


def _segment_bounds(
    periods: list[Period], rebase: Sequence[Period], warnings: list[str]
) -> list[tuple[int, int]]:
    """Half-open index ranges, one per segment; a rebase starts a new one."""
    if not periods:
        return []
    starts = {0}
    for when in sorted(set(rebase)):
        later = [i for i, p in enumerate(periods) if p >= when]
        if not later:
            warnings.append(
                f"rebase at {when.label} is after the last month ({periods[-1].label}); ignored"
            )
            continue
        starts.add(later[0])
    ordered = sorted(starts)
    return list(zip(ordered, [*ordered[1:], len(periods)], strict=True))


def _mean(xs: Sequence[float]) -> float:
    """Mean that returns a constant series' value exactly.

    Otherwise float rounding could put every value of a flat series a hair
    off its own mean and fake a run of seven.
    """
    lo, hi = min(xs), max(xs)
    if lo == hi:
        return lo
    return min(max(math.fsum(xs) / len(xs), lo), hi)


def _limits(
    index: int,
    first_point: int,
    periods: list[Period],
    values: list[float | None],
    screen: bool,
    fix_after: int | None,
) -> tuple[SpcSegment, list[float | None], list[bool]]:
    """A segment's mean and limits, plus each point's moving range and screening."""
    present = [i for i, v in enumerate(values) if v is not None]
    baseline = set(present[:fix_after] if fix_after is not None else present)
    moving_ranges: list[float | None] = [None] * len(values)
    for i in range(1, len(values)):
        a, b = values[i - 1], values[i]
        if a is not None and b is not None:
            moving_ranges[i] = abs(b - a)
    # Only ranges between two baseline values set the limits.
    base_mr = {
        i: mr
        for i, mr in enumerate(moving_ranges)
        if mr is not None and i in baseline and i - 1 in baseline
    }
    excluded = [False] * len(values)
    base_values = [v for i, v in enumerate(values) if i in baseline and v is not None]
    mean = _mean(base_values) if base_values else None
    unscreened = math.fsum(base_mr.values()) / len(base_mr) if base_mr else None
    mr_bar = unscreened
    used = len(base_mr)
    if screen and unscreened is not None and unscreened > 0:
        keep = {i: mr for i, mr in base_mr.items() if mr < SCREEN_FACTOR * unscreened}
        for i in base_mr:
            excluded[i] = i not in keep
        mr_bar = math.fsum(keep.values()) / len(keep)
        used = len(keep)
    lower = upper = lower2 = upper2 = None
    # Values that differ only across gaps (5, 5, -, 7, 7) give a mean MR of 0
    # though the process plainly varies: limits on the mean would flag every
    # value, so there are none until consecutive values show the variation.
    unmeasured = mr_bar == 0 and len(set(base_values)) > 1
    if mean is not None and mr_bar is not None and not unmeasured:
        lower, upper = mean - LIMIT_FACTOR * mr_bar, mean + LIMIT_FACTOR * mr_bar
        lower2, upper2 = mean - TWO_SIGMA_FACTOR * mr_bar, mean + TWO_SIGMA_FACTOR * mr_bar
    segment = SpcSegment(
        index=index,
        start=periods[0],
        end=periods[-1],
        first_point=first_point,
        n_points=len(values),
        n_values=len(present),
        n_baseline=len(baseline),
        mean=mean,
        mean_moving_range=mr_bar,
        unscreened_mean_moving_range=unscreened,
        moving_ranges_used=used if mr_bar is not None else 0,
        moving_ranges_screened_out=len(base_mr) - used if mr_bar is not None else 0,
        lower_limit=lower,
        upper_limit=upper,
        lower_two_sigma=lower2,
        upper_two_sigma=upper2,
        trial_limits=upper is not None and len(baseline) < TRIAL_LIMIT_POINTS,
    )
    return segment, moving_ranges, excluded


def _sign(value: float | None, mean: float | None) -> int:
    """+1 above the mean, -1 below, 0 on it or missing."""
    if value is None or mean is None or value == mean:
        return 0
    return 1 if value > mean else -1


def _runs(signs: list[int], length: int) -> list[int]:
    """Side (+1/-1) of each point in a run of ``length`` or more, else 0."""
    out = [0] * len(signs)
    start = 0
    while start < len(signs):
        end = start
        while end + 1 < len(signs) and signs[end + 1] == signs[start]:
            end += 1
        if signs[start] != 0 and end - start + 1 >= length:
            out[start : end + 1] = [signs[start]] * (end - start + 1)
        start = end + 1
    return out


def _trends(values: list[float | None], length: int) -> list[int]:
    """Direction (+1 rising, -1 falling) of each point in a trend of ``length`` points, else 0.

    A point shared by two trends (a peak or trough) takes the later one, as
    plotthedots reads a point's direction from the step after it.
    """
    steps: list[int] = [0] * len(values)  # steps[i]: direction from i-1 to i
    for i in range(1, len(values)):
        a, b = values[i - 1], values[i]
        if a is not None and b is not None and a != b:
            steps[i] = 1 if b > a else -1
    out = [0] * len(values)
    i = 1
    while i < len(values):
        if steps[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < len(values) and steps[j + 1] == steps[i]:
            j += 1
        if j - i + 2 >= length:  # steps i..j join points i-1..j
            out[i - 1 : j + 1] = [steps[i]] * (j - i + 2)
        i = j + 1
    return out


def _two_in_three(values: list[float | None], signs: list[int], segment: SpcSegment) -> list[int]:
    """Side of each value beyond two sigma in a qualifying 3-window, else 0."""
    out = [0] * len(values)
    hi, lo = segment.upper_two_sigma, segment.lower_two_sigma
    if hi is None or lo is None:
        return out

    def beyond(i: int) -> bool:
        v = values[i]
        return v is not None and (v > hi if signs[i] > 0 else v < lo)

    for start in range(len(values) - 2):
        window = range(start, start + 3)
        side = signs[start]
        if side == 0 or any(signs[i] != side for i in window):
            continue
        hits = [i for i in window if beyond(i)]
        if len(hits) >= 2:
            for i in hits:
                out[i] = side
    return out


def _judge(
    segment: SpcSegment,
    periods: list[Period],
    values: list[float | None],
    targets: list[float | None],
    moving_ranges: list[float | None],
    excluded: list[bool],
    improvement: Improvement,
    run_length: int,
    trend_length: int,
) -> list[SpcPoint]:
    signs = [_sign(v, segment.mean) for v in values]
    runs = _runs(signs, run_length)
    trends = _trends(values, trend_length)
    pairs = _two_in_three(values, signs, segment)
    points = []
    for i, value in enumerate(values):
        outside = 0
        if value is not None and segment.upper_limit is not None:
            if value > segment.upper_limit:
                outside = 1
            elif segment.lower_limit is not None and value < segment.lower_limit:
                outside = -1
        side_sign = next((s for s in (outside, trends[i], pairs[i], runs[i]) if s != 0), 0)
        side: Side | None = "high" if side_sign > 0 else "low" if side_sign < 0 else None
        points.append(
            SpcPoint(
                period=periods[i],
                value=value,
                segment=segment.index,
                mean=segment.mean,
                lower_limit=segment.lower_limit,
                upper_limit=segment.upper_limit,
                lower_two_sigma=segment.lower_two_sigma,
                upper_two_sigma=segment.upper_two_sigma,
                target=targets[i],
                moving_range=moving_ranges[i],
                moving_range_excluded=excluded[i],
                outside_limits=outside != 0,
                run=runs[i] != 0,
                trend=trends[i] != 0,
                two_in_three=pairs[i] != 0,
                special_cause=side is not None,
                point_type=None if value is None else _point_type(side, improvement),
                side=side,
            )
        )
    return points


def _point_type(side: Side | None, improvement: Improvement) -> PointType:
    if side is None:
        return "common_cause"
    if improvement == "neutral":
        return "special_cause_neutral"
    good = "high" if improvement == "increase" else "low"
    return "special_cause_improvement" if side == good else "special_cause_concern"


def _variation_icon(result: SpcResult) -> VariationIcon | None:
    latest, segment = result.latest, result.latest_segment
    if latest is None or segment is None or not segment.has_limits:
        return None
    icons: dict[tuple[PointType | None, Side | None], VariationIcon] = {
        ("special_cause_improvement", "high"): "special_cause_improvement_high",
        ("special_cause_improvement", "low"): "special_cause_improvement_low",
        ("special_cause_concern", "high"): "special_cause_concern_high",
        ("special_cause_concern", "low"): "special_cause_concern_low",
        ("special_cause_neutral", "high"): "special_cause_neutral_high",
        ("special_cause_neutral", "low"): "special_cause_neutral_low",
    }
    return icons.get((latest.point_type, latest.side), "common_cause")


def _assurance(result: SpcResult) -> Assurance | None:
    latest, segment = result.latest, result.latest_segment
    if (
        result.improvement == "neutral"
        or latest is None
        or latest.target is None
        or segment is None
        or segment.lower_limit is None
        or segment.upper_limit is None
    ):
        return None
    target = latest.target
    if target < segment.lower_limit:
        return "consistent_pass" if result.improvement == "increase" else "consistent_fail"
    if target > segment.upper_limit:
        return "consistent_fail" if result.improvement == "increase" else "consistent_pass"
    return "hit_and_miss"


def _segment_warnings(segments: list[SpcSegment], rebased: bool) -> list[str]:
    out: list[str] = []
    if not segments or all(s.n_values == 0 for s in segments):
        return ["no values: SPC needs at least 2 consecutive values"]
    for s in segments:
        where = f"the limits from {s.start.label}" if rebased else "the limits"
        if s.n_values == 0:
            out.append(f"no values from {s.start.label} to {s.end.label}: no mean or limits")
        elif s.mean_moving_range is None:
            scope = f" from {s.start.label}" if rebased else ""
            if s.n_values == 1:
                found = f"only 1 value{scope}"
            else:
                found = f"{s.n_values} values{scope} but gaps between every one"
            out.append(f"{found}: process limits need at least 2 consecutive values")
        elif not s.has_limits:
            out.append(
                f"no process limits{' from ' + s.start.label if rebased else ''}: the values "
                "change only across missing months, and every pair of consecutive values is "
                "the same, so the month-to-month variation cannot be measured"
            )
        else:
            if s.trial_limits:
                out.append(
                    f"provisional (trial) limits: {where} rest on {s.n_baseline} values "
                    f"(fewer than {TRIAL_LIMIT_POINTS}); they will move as values are added"
                )
            if s.mean_moving_range == 0:
                out.append(
                    f"no variation: every value behind {where} is the same, so the "
                    "limits equal the mean"
                )
    return out
