"""XmR chart rules, checked against values worked out by hand.

Constants: process limits = mean +/- 2.66 * mrbar; two-sigma lines = mean +/-
(2/3 * 2.66 = 1.77333...) * mrbar. Each series is small enough to add up in the
comments, so a failure says which rule or number moved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from reportgen.assess.spc import SpcResult, spc
from reportgen.periods import Period
from reportgen.present.labels import ASSURANCE, VARIATION
from reportgen.present.sentences import spc_sentence

JAN_2019 = Period(2019, 1)


def months(n: int, start: Period = JAN_2019) -> list[Period]:
    return [start.shift(i) for i in range(n)]


def run(values: Sequence[float | None], **kwargs: object) -> SpcResult:
    improvement = kwargs.pop("improvement", "increase")
    return spc(values, months(len(values)), improvement=improvement, **kwargs)  # type: ignore[arg-type]


def flags(result: SpcResult, rule: str) -> list[bool]:
    return [bool(getattr(p, rule)) for p in result.points]


# 5, 7, 6, 8, 4: mean = 30 / 5 = 6; moving ranges 2, 1, 2, 4 -> mrbar = 9 / 4 = 2.25
# (none screened: 3.267 * 2.25 = 7.35). Limits 6 +/- 2.66 * 2.25 = 6 +/- 5.985;
# two-sigma lines 6 +/- 1.77333 * 2.25 = 6 +/- 3.99.
SMALL = [5.0, 7.0, 6.0, 8.0, 4.0]


def test_mean_moving_range_and_limits_of_a_small_series() -> None:
    r = run(SMALL)
    (seg,) = r.segments
    assert seg.mean == 6.0
    assert seg.mean_moving_range == pytest.approx(2.25)
    assert seg.lower_limit == pytest.approx(0.015)
    assert seg.upper_limit == pytest.approx(11.985)
    assert seg.lower_two_sigma == pytest.approx(2.01)
    assert seg.upper_two_sigma == pytest.approx(9.99)
    assert [p.moving_range for p in r.points] == [None, 2.0, 1.0, 2.0, 4.0]
    assert all(p.upper_limit == seg.upper_limit and p.mean == 6.0 for p in r.points)
    assert [p.point_type for p in r.points] == ["common_cause"] * 5
    assert r.variation == "common_cause"
    assert r.last_special_cause is False


def test_screening_drops_huge_moving_ranges_and_tightens_the_limits() -> None:
    # 10 12 10 12 10 40 10 12 10 12: sum = 5*10 + 4*12 + 40 = 138 -> mean 13.8.
    # Moving ranges: 2 2 2 2 30 30 2 2 2 -> sum 74 over 9 -> 8.2222.
    # Screen at 3.267 * 8.2222 = 26.86: both 30s go; mrbar = 14 / 7 = 2.
    values = [10.0, 12, 10, 12, 10, 40, 10, 12, 10, 12]
    screened = run(values)
    seg = screened.segments[0]
    assert seg.mean == pytest.approx(13.8)
    assert seg.unscreened_mean_moving_range == pytest.approx(74 / 9)
    assert seg.mean_moving_range == pytest.approx(2.0)
    assert (seg.moving_ranges_used, seg.moving_ranges_screened_out) == (7, 2)
    assert seg.upper_limit == pytest.approx(13.8 + 5.32)
    assert seg.lower_limit == pytest.approx(13.8 - 5.32)
    assert [p.moving_range_excluded for p in screened.points] == [False] * 5 + [True, True] + [
        False
    ] * 3

    plain = run(values, screen_outliers=False)
    seg = plain.segments[0]
    assert seg.mean == pytest.approx(13.8)  # screening never touches the mean
    assert seg.mean_moving_range == pytest.approx(74 / 9)
    assert seg.upper_limit == pytest.approx(13.8 + 2.66 * 74 / 9)  # 35.67
    assert seg.moving_ranges_screened_out == 0
    assert not any(p.moving_range_excluded for p in plain.points)
    # 40 is above both upper limits (19.12 and 35.67); the 10s stay above the
    # screened lower limit 8.48, so only 40 is outside either way.
    assert flags(screened, "outside_limits") == [False] * 5 + [True] + [False] * 4
    assert flags(plain, "outside_limits") == [False] * 5 + [True] + [False] * 4


def test_a_point_outside_the_limits_is_special_cause_on_its_side() -> None:
    # 5 7 6 8 4 6 30: mean = 66 / 7 = 9.4286; MRs 2 1 2 4 2 24 -> 35 / 6 = 5.8333;
    # screen at 19.06 drops 24 -> mrbar 11 / 5 = 2.2; upper limit 9.4286 + 5.852 = 15.28.
    r = run([*SMALL, 6.0, 30.0])
    assert r.segments[0].mean_moving_range == pytest.approx(2.2)
    assert r.segments[0].upper_limit == pytest.approx(66 / 7 + 2.66 * 2.2)
    last = r.points[-1]
    assert (last.outside_limits, last.side, last.point_type) == (
        True,
        "high",
        "special_cause_improvement",
    )
    assert last.rules == ("outside_limits",)
    assert r.variation == "special_cause_improvement_high"
    assert spc_sentence(r).startswith(
        "Special cause variation, improving: the latest value (Jul 2019) is above the upper "
        "process limit (15.3)"
    )
    decrease = run([*SMALL, 6.0, 30.0], improvement="decrease")
    assert decrease.points[-1].point_type == "special_cause_concern"
    assert decrease.variation == "special_cause_concern_high"


def test_a_value_exactly_on_a_limit_is_inside() -> None:
    # Baseline 9 11 x6 (fix_after=12): mean 10, MRs all 2 -> mrbar 2, upper limit 15.32.
    baseline = [9.0, 11.0] * 6
    on = run([*baseline, 15.32], fix_after=12)
    assert on.segments[0].upper_limit == pytest.approx(15.32)
    limit = on.segments[0].upper_limit
    assert limit is not None
    exact = run([*baseline, limit], fix_after=12)
    assert exact.points[-1].outside_limits is False
    above = run([*baseline, 15.33], fix_after=12)
    assert above.points[-1].outside_limits is True


# Runs: 7 above then 7 below a mean of exactly 10.
# Above 10.5 12.5 10.5 12.5 10.5 12.5 10.5 = 79.5; below 9.5 7.5 9.5 7.5 9.5 7.5 9.5 = 60.5;
# total 140 / 14 = 10. MRs: twelve 2s and one 1 -> 25 / 13 = 1.923; two-sigma lines
# 10 +/- 3.41 (12.5 and 7.5 stay inside), limits 10 +/- 5.12. Alternating: no trend.
ABOVE7 = [10.5, 12.5, 10.5, 12.5, 10.5, 12.5, 10.5]
BELOW7 = [9.5, 7.5, 9.5, 7.5, 9.5, 7.5, 9.5]


def test_run_of_seven_on_each_side_is_flagged_in_full() -> None:
    r = run(ABOVE7 + BELOW7)
    assert r.segments[0].mean == 10.0
    assert r.segments[0].mean_moving_range == pytest.approx(25 / 13)
    assert flags(r, "run") == [True] * 14
    assert not any(flags(r, "trend") + flags(r, "two_in_three") + flags(r, "outside_limits"))
    assert [p.side for p in r.points] == ["high"] * 7 + ["low"] * 7
    assert [p.point_type for p in r.points] == ["special_cause_improvement"] * 7 + [
        "special_cause_concern"
    ] * 7
    assert r.variation == "special_cause_concern_low"
    assert spc_sentence(r) == (
        "Special cause variation, deteriorating: the last 7 values are below the mean (10)."
    )


def test_run_of_six_is_not_a_signal() -> None:
    # 10.5 12.5 x3 = 69 and 9.5 7.5 x3 = 51: 120 / 12 = 10; six each side.
    r = run(ABOVE7[:6] + BELOW7[:6])
    assert r.segments[0].mean == 10.0
    assert not any(p.special_cause for p in r.points)
    assert r.variation == "common_cause"


def test_run_length_is_configurable() -> None:
    r = run(ABOVE7[:6] + BELOW7[:6], run_length=6)
    assert flags(r, "run") == [True] * 12


def test_a_value_on_the_mean_breaks_the_run() -> None:
    # 10.5 12.5 10.5 [10] 12.5 10.5 12.5 10.5 + BELOW7: 79.5 + 10 + 60.5 = 150 / 15 = 10.
    # The above side splits into runs of 3 and 4; the 7 below still count.
    r = run([*ABOVE7[:3], 10.0, *ABOVE7[3:], *BELOW7])
    assert r.segments[0].mean == 10.0
    assert flags(r, "run") == [False] * 8 + [True] * 7
    assert r.points[3].side is None


def test_a_missing_value_breaks_the_run_and_is_left_out_of_the_mean() -> None:
    # As above with None in place of the 10: mean = 140 / 14 = 10.
    r = run([*ABOVE7[:3], None, *ABOVE7[3:], *BELOW7])
    assert r.segments[0].mean == 10.0
    assert flags(r, "run") == [False] * 8 + [True] * 7
    gap = r.points[3]
    assert (gap.value, gap.point_type, gap.special_cause, gap.moving_range) == (
        None,
        None,
        False,
        None,
    )
    assert r.points[4].moving_range is None  # never bridged across the gap
    assert r.segments[0].n_points == 15 and r.segments[0].n_values == 14


def test_missing_values_skip_moving_ranges_and_are_reported() -> None:
    # 5 . 7 6 8 4: mean 30 / 5 = 6; MRs only 7-6, 6-8, 8-4 = 1 2 4 -> mrbar 7 / 3.
    r = run([5.0, None, 7.0, 6.0, 8.0, 4.0])
    seg = r.segments[0]
    assert seg.mean == 6.0
    assert seg.mean_moving_range == pytest.approx(7 / 3)
    assert seg.upper_limit == pytest.approx(6 + 2.66 * 7 / 3)
    assert [p.moving_range for p in r.points] == [None, None, None, 1.0, 2.0, 4.0]
    assert any("1 month has no value (Feb 2019)" in w for w in r.warnings)
    nan = run([5.0, math.nan, 7.0, 6.0, 8.0, 4.0])
    assert nan.points[1].value is None
    assert nan.segments[0].mean_moving_range == pytest.approx(7 / 3)


def test_improvement_and_concern_follow_the_direction() -> None:
    values = ABOVE7 + BELOW7
    decrease = run(values, improvement="decrease")
    assert [p.point_type for p in decrease.points] == ["special_cause_concern"] * 7 + [
        "special_cause_improvement"
    ] * 7
    assert decrease.variation == "special_cause_improvement_low"
    rising_end = run(BELOW7 + ABOVE7)
    assert rising_end.variation == "special_cause_improvement_high"
    assert run(BELOW7 + ABOVE7, improvement="decrease").variation == "special_cause_concern_high"


def test_neutral_direction_reports_side_not_judgement() -> None:
    r = run(ABOVE7 + BELOW7, improvement="neutral")
    assert [p.point_type for p in r.points] == ["special_cause_neutral"] * 14
    assert [p.side for p in r.points] == ["high"] * 7 + ["low"] * 7
    assert r.variation == "special_cause_neutral_low"
    assert run(BELOW7 + ABOVE7, improvement="neutral").variation == "special_cause_neutral_high"
    assert spc_sentence(r).startswith(
        "Special cause variation, neither better nor worse (lower): the last 7 values are below"
    )


# Trends. 8 20 8 20 | 12 13 14 15 16 17 18 | 7: sum 56 + 105 + 7 = 168 -> mean 14.
# MRs 12 12 12 8 1 1 1 1 1 1 11 = 61 / 11 = 5.545 (none screened: 18.1); limits
# 14 +/- 14.75, two-sigma 14 +/- 9.83: nothing outside or near. Sides around 14:
# - + - + - - 0 + + + + -, so no run of 7.
RISING = [8.0, 20, 8, 20, 12, 13, 14, 15, 16, 17, 18, 7]


def test_trend_of_seven_rising_values_is_flagged_in_full() -> None:
    r = run(RISING)
    assert r.segments[0].mean == 14.0
    assert r.segments[0].mean_moving_range == pytest.approx(61 / 11)
    assert flags(r, "trend") == [False] * 4 + [True] * 7 + [False]
    assert not any(flags(r, "run") + flags(r, "outside_limits") + flags(r, "two_in_three"))
    assert {r.points[i].point_type for i in range(4, 11)} == {"special_cause_improvement"}
    assert {r.points[i].side for i in range(4, 11)} == {"high"}
    # The icon reads the latest value only, which is common cause.
    assert r.variation == "common_cause"
    assert r.last_special_cause is False


def test_trend_of_six_is_not_a_signal() -> None:
    # Drop the 18: 12..17 is six rising values.
    r = run([*RISING[:10], 7.0])
    assert not any(flags(r, "trend"))


def test_a_tie_breaks_the_trend() -> None:
    # 12 13 14 14 15 16 17 18: eight values, never falling, but the repeated 14
    # splits them into rising runs of 3 and 5.
    r = run([8.0, 20, 8, 20, 12, 13, 14, 14, 15, 16, 17, 18, 7])
    assert not any(flags(r, "trend"))


def test_falling_trend_at_the_end_sets_the_icon() -> None:
    # 8 20 8 20 16 15 14 13 12 11 10: 20 down to 10 is a falling trend of 8 values.
    # Sum 56 + 91 = 147 / 11 = 13.36; sides
    # - + - + + + + - - - -: no run of 7; MRs 12 12 12 4 1 x6 -> 46 / 10 = 4.6
    # (limits 13.36 +/- 12.24, two-sigma +/- 8.16: nothing outside or near).
    values = [8.0, 20, 8, 20, 16, 15, 14, 13, 12, 11, 10]
    r = run(values, improvement="decrease")
    assert r.segments[0].mean == pytest.approx(147 / 11)
    assert r.segments[0].mean_moving_range == pytest.approx(4.6)
    assert flags(r, "trend") == [False] * 3 + [True] * 8
    assert r.variation == "special_cause_improvement_low"
    assert spc_sentence(r) == (
        "Special cause variation, improving: each of the last 8 values is lower than the one "
        "before (provisional limits from 11 values)."
    )
    assert run(values, improvement="increase").variation == "special_cause_concern_low"


def test_trend_length_is_configurable() -> None:
    r = run([*RISING[:10], 7.0], trend_length=6)
    assert flags(r, "trend") == [False] * 4 + [True] * 6 + [False]


# Two-in-three: a baseline of 9 11 x7 fixes the limits (fix_after=14): mean 10,
# every MR 2 -> mrbar 2; limits 10 +/- 5.32 = 4.68 / 15.32; two-sigma lines
# 10 +/- 3.5467 = 6.4533 / 13.5467. Later values are judged against them.
BASE = [9.0, 11.0] * 7


def judged(tail: Sequence[float]) -> SpcResult:
    r = run([*BASE, *tail], fix_after=14)
    seg = r.segments[0]
    assert (seg.mean, seg.mean_moving_range, seg.n_baseline) == (10.0, 2.0, 14)
    assert seg.upper_two_sigma == pytest.approx(13.546666, abs=1e-5)
    return r


def test_two_of_three_beyond_two_sigma_on_the_same_side() -> None:
    r = judged([12.0, 14.0, 14.0, 12.0])
    assert flags(r, "two_in_three")[14:] == [False, True, True, False]
    assert [p.point_type for p in r.points[14:]] == [
        "common_cause",
        "special_cause_improvement",
        "special_cause_improvement",
        "common_cause",
    ]
    assert not any(flags(r, "two_in_three")[:14])


def test_one_beyond_two_sigma_is_not_enough() -> None:
    r = judged([12.0, 14.0, 12.0, 12.0])
    assert not any(flags(r, "two_in_three"))


def test_two_in_three_needs_all_three_on_the_same_side_of_the_mean() -> None:
    # 14 14 are beyond the upper line, but every window holding both also holds an 8.
    r = judged([8.0, 14.0, 14.0, 8.0])
    assert not any(flags(r, "two_in_three"))


def test_beyond_two_sigma_on_opposite_sides_is_not_a_signal() -> None:
    # 14 > 13.5467 and 6 < 6.4533, within three values of each other.
    r = judged([14.0, 11.0, 6.0, 11.0])
    assert not any(flags(r, "two_in_three"))
    assert not any(p.special_cause for p in r.points)


def test_a_value_outside_the_limits_counts_towards_two_in_three() -> None:
    # 14 is between the two-sigma line and the limit, 16 is above the limit 15.32:
    # Making Data Count (since late 2023) counts both, so 14 is flagged too.
    r = judged([12.0, 14.0, 16.0, 12.0])
    tail = r.points[14:]
    assert [p.two_in_three for p in tail] == [False, True, True, False]
    assert [p.outside_limits for p in tail] == [False, False, True, False]
    assert tail[2].rules == ("outside_limits", "two_in_three")


def test_two_in_three_at_the_latest_value_is_described() -> None:
    r = judged([12.0, 14.0, 14.0])
    assert r.variation == "special_cause_improvement_high"
    assert spc_sentence(r) == (
        "Special cause variation, improving: 2 of the last 3 values are above the upper "
        "two-sigma line (13.5)."
    )
    low = judged([8.0, 6.0, 6.0])
    assert low.variation == "special_cause_concern_low"


# Assurance uses SMALL's limits 0.015 .. 11.985.


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("increase", 0.0, "consistent_pass"),  # target below the lower limit
        ("increase", 12.0, "consistent_fail"),  # target above the upper limit
        ("increase", 6.0, "hit_and_miss"),
        ("decrease", 12.0, "consistent_pass"),
        ("decrease", 0.0, "consistent_fail"),
        ("decrease", 11.0, "hit_and_miss"),
        ("neutral", 0.0, None),
    ],
)
def test_assurance(improvement: str, target: float, expected: str | None) -> None:
    assert run(SMALL, improvement=improvement, target=target).assurance == expected


def test_assurance_without_target_or_with_a_series_of_targets() -> None:
    assert run(SMALL).assurance is None
    # One target per month: the latest value's target (12) counts, not earlier ones.
    assert run(SMALL, target=[0.0, 0.0, 0.0, 0.0, 12.0]).assurance == "consistent_fail"
    assert run(SMALL, target=[0.0, 0.0, 0.0, 0.0, None]).assurance is None
    r = run(SMALL, target=12.0)
    assert spc_sentence(r) == (
        "Common cause variation: no significant change at the latest value (May 2019); "
        "mean 6, process limits 0 to 12; the target of 12 is above the upper process limit, "
        "so it will not be met without a change to the process (provisional limits from 5 values)."
    )


def test_no_values() -> None:
    r = spc([], [], improvement="increase", target=5.0)
    assert (r.points, r.segments, r.variation, r.assurance) == ((), (), None, None)
    assert r.warnings == ("no values: SPC needs at least 2 consecutive values",)
    assert spc_sentence(r) == "SPC: no values to analyse."
    assert r.latest is None and r.last_special_cause is False


def test_one_value_has_a_mean_but_no_limits() -> None:
    r = run([3.0], target=1.0)
    seg = r.segments[0]
    assert (seg.mean, seg.mean_moving_range, seg.upper_limit, seg.lower_limit) == (
        3.0,
        None,
        None,
        None,
    )
    assert (r.variation, r.assurance, r.trial_limits) == (None, None, False)
    assert r.points[0].point_type == "common_cause"
    assert r.warnings == ("only 1 value: process limits need at least 2 consecutive values",)
    assert spc_sentence(r) == (
        "SPC: too few values for process limits (1 value; at least 2 consecutive values "
        "are needed)."
    )


def test_two_values_give_trial_limits() -> None:
    # 3 5: mean 4, one MR of 2 -> limits 4 +/- 5.32.
    r = run([3.0, 5.0])
    seg = r.segments[0]
    assert seg.mean == 4.0
    assert seg.lower_limit == pytest.approx(-1.32)
    assert seg.upper_limit == pytest.approx(9.32)
    assert r.variation == "common_cause"
    assert r.trial_limits is True


def test_values_separated_by_gaps_have_no_limits() -> None:
    r = run([3.0, None, 5.0])
    assert r.segments[0].mean == 4.0
    assert r.segments[0].upper_limit is None
    assert "2 values but gaps between every one" in r.warnings[0]


def test_constant_series_has_limits_on_the_mean_and_no_signals() -> None:
    r = run([7.0] * 13, target=8.0)
    seg = r.segments[0]
    assert (seg.mean, seg.mean_moving_range) == (7.0, 0.0)
    assert seg.lower_limit == seg.upper_limit == seg.upper_two_sigma == 7.0
    assert seg.moving_ranges_screened_out == 0
    assert not any(p.special_cause for p in r.points)
    assert r.assurance == "consistent_fail"  # the only value the process gives is 7
    assert any("no variation" in w for w in r.warnings)
    # 0.1 does not add up exactly in binary; the mean must still equal the value,
    # or a flat line would look like a run of seven above (or below) its mean.
    tenths = run([0.1] * 15)
    assert tenths.segments[0].mean == 0.1
    assert not any(p.special_cause for p in tenths.points)


def test_values_that_change_only_across_gaps_get_no_limits_and_no_signals() -> None:
    # 5 5 - 7 7 - 5 5 - 7 7: every moving range is 0 (each pair is equal), yet the
    # values plainly vary. Limits on the mean (6 to 6) would flag every value.
    values = [5.0, 5.0, None, 7.0, 7.0, None, 5.0, 5.0, None, 7.0, 7.0]
    r = run(values, target=6.5)
    seg = r.segments[0]
    assert (seg.mean, seg.mean_moving_range) == (6.0, 0.0)
    assert (seg.lower_limit, seg.upper_limit, seg.trial_limits) == (None, None, False)
    assert not any(p.special_cause for p in r.points)
    assert (r.variation, r.assurance) == (None, None)
    assert not any("every value" in w for w in r.warnings)
    assert r.warnings[0] == (
        "no process limits: the values change only across missing months, and every pair "
        "of consecutive values is the same, so the month-to-month variation cannot be measured"
    )
    assert spc_sentence(r) == (
        "SPC: no process limits; the values change only across missing months, so the "
        "month-to-month variation cannot be measured."
    )


def test_trial_limits_below_thirteen_values() -> None:
    twelve = run([9.0, 11.0] * 6)
    assert twelve.trial_limits is True
    assert twelve.segments[0].trial_limits is True
    assert twelve.warnings == (
        "provisional (trial) limits: the limits rest on 12 values (fewer than 13); they will "
        "move as values are added",
    )
    thirteen = run([9.0, 11.0] * 6 + [9.0])
    assert thirteen.trial_limits is False
    assert thirteen.warnings == ()


def test_rebase_gives_each_segment_its_own_limits() -> None:
    # SMALL then SMALL + 10: each part has mean 6 / 16 and mrbar 9 / 4 = 2.25;
    # the 4 -> 15 step is not a moving range of either part.
    values = [*SMALL, *(v + 10 for v in SMALL)]
    r = run(values, rebase=[Period(2019, 6)])
    first, second = r.segments
    assert (first.start, first.end, second.start, second.end) == (
        Period(2019, 1),
        Period(2019, 5),
        Period(2019, 6),
        Period(2019, 10),
    )
    assert (first.mean, second.mean) == (6.0, 16.0)
    assert first.mean_moving_range == pytest.approx(2.25)
    assert second.mean_moving_range == pytest.approx(2.25)
    assert second.upper_limit == pytest.approx(21.985)
    assert r.points[5].moving_range is None
    assert [p.segment for p in r.points] == [0] * 5 + [1] * 5
    assert not any(p.special_cause for p in r.points)
    # Without the rebase the jump is a signal: mean 11, and 14..18 sit high.
    whole = run(values)
    assert whole.segments[0].mean == 11.0
    assert any(p.special_cause for p in whole.points)


def test_runs_do_not_cross_a_rebase() -> None:
    # Part 1: 9.5 7.5 9.5 7.5 10.5 12.5 10.5 12.5 -> (34 + 46) / 8 = 10, last 4 above.
    # Part 2: 10.5 12.5 10.5 9.5 7.5 9.5 7.5 -> 67.5 / 7 = 9.64, first 3 above.
    # Seven in a row sit above their own segment's mean, but in two segments.
    part1 = [9.5, 7.5, 9.5, 7.5, 10.5, 12.5, 10.5, 12.5]
    part2 = [10.5, 12.5, 10.5, 9.5, 7.5, 9.5, 7.5]
    r = run(part1 + part2, rebase=[Period(2019, 9)])
    assert [s.mean for s in r.segments] == [10.0, pytest.approx(67.5 / 7)]
    assert not any(p.special_cause for p in r.points)
    # Unsplit, the mean is 147.5 / 15 = 9.83 and those seven values are a run.
    whole = run(part1 + part2)
    assert whole.segments[0].mean == pytest.approx(147.5 / 15)
    assert flags(whole, "run") == [False] * 4 + [True] * 7 + [False] * 4


def test_a_gap_breaks_two_in_three() -> None:
    # 14 . 14: both beyond the upper two-sigma line, but no window of three holds both
    # without the gap.
    r = run([*BASE, 12.0, 14.0, None, 14.0, 12.0], fix_after=14)
    assert not any(flags(r, "two_in_three"))
    assert flags(judged([12.0, 14.0, 12.0, 14.0, 12.0]), "two_in_three")[14:] == [
        False,
        True,
        False,
        True,
        False,
    ]


def test_rebase_outside_the_data() -> None:
    r = run(SMALL, rebase=[Period(2018, 1), Period(2019, 3), Period(2020, 1)])
    # 2018-01 is before the data: no split; 2020-01 is after it: ignored with a warning.
    assert [s.start for s in r.segments] == [Period(2019, 1), Period(2019, 3)]
    assert any("rebase at Jan 2020 is after the last month (May 2019)" in w for w in r.warnings)
    # A rebase month missing from the data starts the segment at the next month present.
    gappy = spc(
        [1.0, 2.0, 3.0, 4.0],
        [Period(2019, 1), Period(2019, 2), Period(2019, 5), Period(2019, 6)],
        improvement="increase",
        rebase=[Period(2019, 3)],
    )
    assert [s.start for s in gappy.segments] == [Period(2019, 1), Period(2019, 5)]


def test_periods_are_sorted_and_must_be_unique() -> None:
    r = spc(
        [8.0, 4.0, 5.0, 7.0, 6.0],
        [Period(2019, 4), Period(2019, 5), Period(2019, 1), Period(2019, 2), Period(2019, 3)],
        improvement="increase",
    )
    assert [p.value for p in r.points] == SMALL
    assert r.segments[0].mean_moving_range == pytest.approx(2.25)
    with pytest.raises(ValueError, match="repeated: 2019-01"):
        spc([1.0, 2.0], [JAN_2019, JAN_2019], improvement="increase")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1.0], "periods": months(2)}, "1 values but 2 periods"),
        ({"values": [1.0, math.inf], "periods": months(2)}, "finite"),
        ({"values": [1.0], "periods": months(1), "run_length": 1}, "run_length"),
        ({"values": [1.0], "periods": months(1), "target": [1.0, 2.0]}, "2 targets"),
        ({"values": [1.0], "periods": months(1), "improvement": "up"}, "improvement"),
        ({"values": [1.0], "periods": months(1), "fix_after": 1}, "fix_after"),
    ],
)
def test_malformed_arguments_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"improvement": "increase", **kwargs}
    with pytest.raises(ValueError, match=message):
        spc(**args)  # type: ignore[arg-type]


def test_every_icon_and_assurance_has_words() -> None:
    from typing import get_args

    from reportgen.assess.spc import Assurance, VariationIcon

    assert set(VARIATION) == set(get_args(VariationIcon))
    assert set(ASSURANCE) == set(get_args(Assurance))
    assert VARIATION[run(ABOVE7 + BELOW7).variation or "common_cause"].label == (
        "Special cause variation, deteriorating: significantly lower"
    )


def test_small_counts_are_chunky() -> None:
    # 25 23 23 23 23 26 26 27 26 26 25 26: moving ranges 2 0 0 0 3 0 1 1 0 1 1 -> 9 / 11
    # = 0.818; the 3 is screened (>= 2.67), leaving 6 / 10 = 0.6. Upper range limit
    # 3.267 * 0.6 = 1.96, so only moving ranges of 0 and 1 fit below it: chunky.
    counts = [25.0, 23, 23, 23, 23, 26, 26, 27, 26, 26, 25, 26]
    r = run(counts, resolution=1.0)
    assert r.segments[0].mean_moving_range == pytest.approx(0.6)
    assert r.chunky is True and r.segments[0].chunky is True
    # The same numbers as tenths of a percent are not chunky (0 to 26 steps fit).
    assert run(counts, resolution=0.1).chunky is False
    # Without a resolution nothing is judged.
    assert run(counts).chunky is False
    # Counts that vary more than their step are fine: 0, 1, ..., 13 fit under 3.267 * 4.
    assert run([20.0, 24, 20, 24, 20, 24, 20, 24], resolution=1.0).chunky is False


def test_resolution_must_be_positive() -> None:
    with pytest.raises(ValueError, match="resolution must be a positive step, not 0"):
        run(SMALL, resolution=0.0)


def test_a_steady_run_to_the_latest_value_is_a_sustained_shift() -> None:
    # Three months near 70, then nine near 83 (a new recording process): the
    # nine are a run above the mean, steady among themselves.
    values = [70.4, 71.9, 69.3, 82.7, 82.8, 83.7, 81.5, 83.1, 82.4, 81.6, 82.9, 82.8]
    r = run(values)
    shift = r.sustained_shift
    assert shift is not None and shift.period == Period(2019, 4)
    # Recalculating from the shift leaves nothing to suggest.
    assert run(values, rebase=[Period(2019, 4)]).sustained_shift is None


def test_a_trend_is_not_a_sustained_shift() -> None:
    # Rising every month: the last values are a run above the mean, but the
    # run is itself a trend, so there is no new level to recalculate from.
    rising = [69.4, 71.2, 73.5, 78, 78.8, 83.6, 83.9, 87.5, 90, 90.4, 91.7, 94.1]
    r = run(rising)
    assert r.latest is not None and r.latest.run
    assert r.sustained_shift is None


def test_a_gradual_rise_is_not_a_sustained_shift() -> None:
    # Rising then levelling off: the last seven values are a run above the mean
    # (73.9) and steady among themselves, but no step leads into them.
    values = [70.0, 71.5, 72.0, 73.5, 73.0, 74.5, 74.0, 75.0, 74.5, 75.5, 75.0, 75.5]
    r = run(values)
    assert r.latest is not None and r.latest.run and not r.latest.trend
    assert r.sustained_shift is None


def test_no_shift_without_a_run_at_the_latest_value() -> None:
    assert run(SMALL).sustained_shift is None
    # A run that ended earlier is history, not a shift to recalculate from.
    assert run([1.0] * 7 + [9.0, 1.0, 9.0, 1.0, 9.0]).sustained_shift is None
