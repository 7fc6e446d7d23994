"""SPC as a board reads it: recorded recalculations, provisional limits, small counts, shifts.

Each test runs the real assessment on a small plan and checks what the chart
spec, the chart's own text and the data-quality appendix say.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import assess_factory as af

from reportgen.assess.engine import assess
from reportgen.build import draw_charts
from reportgen.load.plan import Kpi, Plan, Recalculation
from reportgen.load.project import read_project
from reportgen.periods import Period
from reportgen.render.charts import ChartCache, ChartSpec, chart_text
from reportgen.render.kpichart import chart_spec
from reportgen.render.packs import data_quality

ROOT = Path(__file__).resolve().parent.parent
P = Period.parse
MARCH = P("2020-03")
# KPI 12 (percent, higher is better): near 70 for three months, then a new
# level near 83 from July 2019; the 13.4-point jump is far beyond the upper
# range limit, and the nine values after it are steady.
STEP = [70.4, 71.9, 69.3, 82.7, 82.8, 83.7, 81.5, 83.1, 82.4, 81.6, 82.9, 82.8]
RECORDED = Recalculation(period=P("2019-07"), reason="New recording system from July 2019")


def with_kpi(plan: Plan, kpi_id: str, **changes: object) -> Plan:
    """The plan with one KPI's fields changed (the models are frozen)."""
    recs = []
    for rec in plan.recommendations:
        kpis = [k.model_copy(update=changes) if k.id == kpi_id else k for k in rec.kpis]
        recs.append(rec.model_copy(update={"kpis": kpis}))
    return plan.model_copy(update={"recommendations": recs})


def spec_and_quality(plan: Plan, kpi_id: str, values: list[float]) -> tuple[ChartSpec, list[str]]:
    project = replace(af.project(af.series(kpi_id, "2019-04", list(values))), plan=plan)
    assessment = assess(project, MARCH)
    kpi: Kpi = plan.kpis()[kpi_id][1]
    result = next(k for k in assessment.kpis if k.id == kpi_id)
    spec = chart_spec(result, kpi)
    assert spec is not None
    return spec, list(data_quality(assessment))


def test_a_shift_without_a_recorded_recalculation_is_listed_for_the_board() -> None:
    spec, quality = spec_and_quality(af.plan(), "12", STEP)
    assert spec.recalculated == ()
    assert (
        "Sustained shift from Jul 2019: if the process changed then, consider recalculating "
        "the limits (see the data-quality appendix)."
    ) in spec.notes
    assert (
        "KPI 12 (NIMT use): consider recalculating limits from Jul 2019. The 9 values since "
        "then are all above the mean and steady, a sustained shift; if the process changed "
        "then, record the month and the reason in the plan (limits are never recalculated "
        "automatically)."
    ) in quality
    # One set of limits over both levels: the first three are special cause.
    assert spec.special[:3] == ("concern", "concern", "concern")


def test_a_recorded_recalculation_steps_the_limits_and_shows_its_reason() -> None:
    plan = with_kpi(af.plan(), "12", rebase=[RECORDED])
    spec, quality = spec_and_quality(plan, "12", STEP)
    assert spec.recalculated == ((P("2019-07"), "New recording system from July 2019"),)
    # Limits before and after July come from their own values.
    assert spec.mean[0] == spec.mean[2] != spec.mean[3] == spec.mean[11]
    assert round(spec.mean[3] or 0, 2) == round(sum(STEP[3:]) / 9, 2)
    assert spec.special[:3] == (None, None, None)
    text = chart_text(spec)
    assert "Limits recalculated" in text
    assert "Limits recalculated from Jul 2019: New recording system from July 2019." in text
    assert not any("consider recalculating" in q for q in quality)
    assert not any("Sustained shift" in n for n in spec.notes)


def test_a_recalculation_month_without_a_value_starts_at_the_next_month_shown() -> None:
    values: list[float | None] = [*STEP[:3], None, *STEP[4:]]
    plan = with_kpi(af.plan(), "12", rebase=[RECORDED])
    project = replace(af.project(af.series("12", "2019-04", values)), plan=plan)
    result = next(k for k in assess(project, MARCH).kpis if k.id == "12")
    spec = chart_spec(result, plan.kpis()["12"][1])
    assert spec is not None
    # July has no value, so the new limits start in July still (it is a month shown).
    assert spec.recalculated == ((P("2019-07"), "New recording system from July 2019"),)


def test_limits_from_fewer_than_13_values_are_provisional_on_the_chart() -> None:
    spec, _ = spec_and_quality(af.plan(), "12", STEP)
    assert spec.provisional_limits is True
    text = chart_text(spec)
    assert "Process limits (provisional)" in text
    note = (
        "Provisional limits: from 12 values (13 make them firm); they will move as values "
        "are added."
    )
    assert note in spec.notes
    assert " ".join(note.split()) in " ".join(" ".join(text).split())


def test_small_counts_carry_a_caution() -> None:
    counts = [25.0, 23, 23, 23, 23, 26, 26, 27, 26, 26, 25, 26]
    plan = with_kpi(af.plan(), "12", unit="count", target=None, interim_targets=[])
    spec, _ = spec_and_quality(plan, "12", counts)
    caution = (
        "Caution, small counts: whole-number steps make the limits too tight, so a signal may "
        "be a false alarm."
    )
    assert caution in spec.notes
    # The same shape as a percentage of hundreds is not chunky.
    spec, _ = spec_and_quality(af.plan(), "12", [c * 3.1 for c in counts])
    assert caution not in spec.notes


def test_the_example_plan_records_one_illustrative_recalculation() -> None:
    project = read_project(ROOT)
    recorded = [(k.id, r) for _, k in project.plan.kpis().values() for r in k.rebase]
    assert [(kpi_id, str(r.period)) for kpi_id, r in recorded] == [("11b", "2019-07")]
    assert "(illustrative)" in recorded[0][1].reason
    assessment = assess(project, MARCH)
    result = next(k for k in assessment.kpis if k.id == "11b")
    spec = chart_spec(result, project.plan.kpis()["11b"][1])
    assert spec is not None
    assert spec.recalculated == (
        (P("2019-07"), "New recording process from July 2019 (illustrative)"),
    )
    # KPI 19 and 62 have the same illustrative step but no recorded recalculation.
    quality = data_quality(assessment)
    listed = [q.split(" (")[0] for q in quality if "consider recalculating limits" in q]
    assert "KPI 19" in listed and "KPI 62" in listed and "KPI 11b" not in listed


def test_a_charts_notes_are_in_its_alt_text(tmp_path: Path) -> None:
    plan = with_kpi(af.plan(), "12", rebase=[RECORDED])
    project = replace(af.project(af.series("12", "2019-04", list(STEP))), plan=plan)
    charts = draw_charts(assess(project, MARCH), ChartCache(tmp_path))
    alt = charts["12"].alt
    assert "Limits recalculated from Jul 2019: New recording system from July 2019." in alt
    assert "Provisional limits: from 9 values (13 make them firm)" in alt
