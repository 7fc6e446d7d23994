"""What a KPI chart shows: its spec from the assessment and plan, and the text drawn.

These tests check the chart a reader sees (target value and date, trajectory,
limits, flagged points, title), not only that a PNG is produced.
"""

from __future__ import annotations

import pytest

from reportgen.assess.kpis import assess_kpi
from reportgen.load.plan import Kpi, RagRules
from reportgen.periods import Period, period_range
from reportgen.render.charts import ChartSpec, chart_text, wrap_title
from reportgen.render.kpichart import chart_spec

P = Period.parse
MONTHS = period_range(P("2024-04"), P("2025-03"))


def kpi(**fields: object) -> Kpi:
    base: dict[str, object] = {
        "id": "7",
        "title": "Average days to first visit",
        "unit": "days",
        "direction": "lower",
        "as_written": "Average days to first visit: 9 days by Dec 2024, 5 days by Sep 2025",
    }
    base.update(fields)
    return Kpi.model_validate(base)


def spec_for(k: Kpi, values: list[float | None], period: str = "2025-03") -> ChartSpec:
    series = {p: v for p, v in zip(MONTHS, values, strict=False) if v is not None}
    result = assess_kpi(k, "1", series, P(period), MONTHS[0], RagRules())
    spec = chart_spec(result, k)
    assert spec is not None
    return spec


TRAJECTORY = kpi(
    baseline={"value": 12, "period": "2024-04"},
    interim_targets=[{"value": 9, "by": "2024-12"}],
    target={"value": 5, "by": "2025-09", "as_written": "5 days by Sep 2025"},
)
VALUES: list[float | None] = [12, 11.5, 11, 11.2, 10.4, 10, 9.8, 9.5, 9, 8.8, 8.5, 8.6]


def test_an_interim_trajectory_keeps_the_final_target_on_the_target_line() -> None:
    # Mar 2025 is 3 of the 9 months from 9 days (Dec 2024) to 5 days (Sep 2025):
    # the month's target is 9 - 4 * 3 / 9 = 7.67 days, but the plan's target is 5 by Sep 2025.
    spec = spec_for(TRAJECTORY, VALUES)
    assert (spec.target, spec.target_by, spec.target_interim) == (5.0, P("2025-09"), False)
    text = chart_text(spec)
    assert "Target 5 days by Sep 2025" in text
    assert not any("7.7" in t for t in text)
    # The trajectory runs through every milestone, on to the target's date.
    path = dict(spec.trajectory)
    assert path[P("2024-04")] == 12.0
    assert path[P("2024-12")] == 9.0
    assert path[P("2025-03")] == pytest.approx(7.67)
    assert path[P("2025-09")] == 5.0
    assert max(path) == P("2025-09")


def test_an_interim_only_target_is_labelled_as_interim() -> None:
    k = kpi(interim_targets=[{"value": 9, "by": "2024-12"}])
    spec = spec_for(k, VALUES)
    assert (spec.target, spec.target_by, spec.target_interim) == (9.0, P("2024-12"), True)
    assert "Interim target 9 days by Dec 2024" in chart_text(spec)


def test_an_undated_target_has_no_date_and_no_trajectory() -> None:
    spec = spec_for(kpi(target={"value": 5}), VALUES)
    assert (spec.target, spec.target_by, spec.trajectory) == (5.0, None, ())
    assert "Target 5 days" in chart_text(spec)


def test_no_target_draws_no_target_line() -> None:
    spec = spec_for(kpi(direction="neither"), VALUES)
    assert (spec.target, spec.trajectory) == (None, ())
    assert not any(t.startswith("Target") for t in chart_text(spec))


def test_limits_and_flagged_points_come_from_the_spc() -> None:
    values: list[float | None] = [10, 11, 10, 11, 10, 4, 5, 4, 5, 4, 5, 4]
    spec = spec_for(kpi(target={"value": 5}), values)
    # mean = (52 + 31) / 12 = 6.9167; moving ranges 1,1,1,1,6,1,1,1,1,1,1 (16 / 11);
    # 6 >= 3.267 * 16 / 11 = 4.75 is screened out, so mrbar = 10 / 10 = 1 and the
    # limits are 6.9167 +/- 2.66 = 4.2567 to 9.5767.
    assert spec.mean == pytest.approx((83 / 12,) * 12)
    assert spec.upper == pytest.approx((83 / 12 + 2.66,) * 12)
    assert spec.lower == pytest.approx((83 / 12 - 2.66,) * 12)
    # Lower is better: 10 and 11 are above the upper limit (concern); the last
    # seven are a run of seven below the mean (improvement), the 4s also below the limit.
    assert list(spec.special) == ["concern"] * 5 + ["improvement"] * 7


def test_titles_wrap_to_two_lines_instead_of_being_cut() -> None:
    title = "KPI 11c-alone: Children seen alone during the child and family assessment"
    wrapped = wrap_title(title)
    assert wrapped.count("\n") == 1
    assert wrapped.replace("\n", " ") == title
    assert "…" not in wrapped
    spec = spec_for(kpi(title="Children seen alone during the child and family assessment"), VALUES)
    assert "KPI 7: Children seen alone during the child and\nfamily assessment" in chart_text(spec)


def test_only_a_title_too_long_for_two_lines_is_shortened() -> None:
    wrapped = wrap_title("word " * 40)
    assert wrapped.count("\n") == 1
    assert wrapped.endswith("…")
