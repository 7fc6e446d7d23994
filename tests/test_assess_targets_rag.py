"""Targets over time and KPI RAG, against hand-worked values."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.assess.kpis import assess_kpi
from reportgen.assess.rag import kpi_rag
from reportgen.assess.results import KpiResult
from reportgen.assess.targets import target_at
from reportgen.load.plan import Kpi, RagRules
from reportgen.periods import Period
from reportgen.present.reasons import kpi_reason
from reportgen.present.sentences import target_label

P = Period.parse
RULES = RagRules()


def kpi(**kw: Any) -> Kpi:
    base: dict[str, Any] = {
        "id": "42",
        "title": "Supervision in 6 weeks",
        "unit": "percent",
        "direction": "higher",
        "as_written": "as written",
    }
    base.update(kw)
    return Kpi.model_validate(base)


def judged(k: Kpi, month: str, values: dict[str, float]) -> KpiResult:
    """``k`` assessed in ``month`` from ``values`` (the first is the trajectory's start)."""
    return assess_kpi(k, "1", {P(m): v for m, v in values.items()}, P(month), P("2019-04"), RULES)


# KPI 42 in the plan: interim 70% by Oct 2019, final 95% by Mar 2020.
K42 = kpi(
    target={"value": 95, "by": "2020-03"},
    interim_targets=[{"value": 70, "by": "2019-10"}],
)


def test_trajectory_from_first_value_to_interim() -> None:
    # First value 58% in Apr 2019; 6 months to Oct at 70%: +2 points a month.
    start = (P("2019-04"), 58.0)
    t = target_at(K42, P("2019-07"), start)
    assert t.value == pytest.approx(64.0)  # 58 + 3 * 2
    assert t.kind == "trajectory"
    label = target_label(judged(K42, "2019-07", {"2019-04": 58.0}))
    assert label == "trajectory 64% (Jul 2019, towards 70% by Oct 2019)"


def test_interim_target_on_its_month_and_between_interim_and_final() -> None:
    start = (P("2019-04"), 58.0)
    at_oct = target_at(K42, P("2019-10"), start)
    assert (at_oct.value, at_oct.kind) == (70.0, "interim")
    label = target_label(judged(K42, "2019-10", {"2019-04": 58.0}))
    assert label == "interim target 70% (Oct 2019)"
    # Oct 70 -> Mar 95 over 5 months: +5 a month; Dec is 2 months on = 80.
    assert target_at(K42, P("2019-12"), start).value == pytest.approx(80.0)
    final = target_at(K42, P("2020-03"), start)
    assert (final.value, final.kind) == (95.0, "final")
    # After the last milestone the final target holds.
    assert target_at(K42, P("2020-06"), start).value == 95.0


def test_without_a_start_the_first_milestone_holds_before_it() -> None:
    t = target_at(K42, P("2019-05"), None)
    assert (t.value, t.kind) == (70.0, "interim")


def test_lower_is_better_trajectory_from_baseline() -> None:
    # KPI 68: baseline 51%, interim 30% by Dec 2019, 20% by Mar 2020 (lower is better).
    k = kpi(
        id="68",
        direction="lower",
        baseline={"value": 51, "as_written": "51%"},
        interim_targets=[{"value": 30, "by": "2019-12"}],
        target={"value": 20, "by": "2020-03"},
    )
    start = (P("2019-05"), 49.0)  # undated baseline anchors at the first data month
    # May 51 -> Dec 30: 7 months, -3 a month. Aug = 51 - 9 = 42.
    assert target_at(k, P("2019-08"), start).value == pytest.approx(42.0)
    # Dec 30 -> Mar 20: 3 months. Jan = 26.67.
    assert target_at(k, P("2020-01"), start).value == pytest.approx(26.67, abs=0.01)


def test_flat_final_target_and_tbc_and_audit() -> None:
    flat = kpi(target={"value": 95})
    assert target_at(flat, P("2019-04")).value == 95.0
    tbc = kpi(id="28", target={"tbc": True, "as_written": "Target: TBC"})
    t = target_at(tbc, P("2019-10"))
    assert (t.value, t.kind) == (None, "tbc")
    audit = kpi(id="44", measure="audit", unit=None)
    assert target_at(audit, P("2019-10")).kind == "not-numeric"
    none = kpi(id="18", direction="neither", unit="count")
    assert target_at(none, P("2019-10")).kind == "none"


def test_interim_only_target_holds_after_its_date() -> None:
    k = kpi(id="65", interim_targets=[{"value": 80, "by": "2019-11"}])
    assert target_at(k, P("2020-02"), (P("2019-04"), 60.0)).value == 80.0


@pytest.mark.parametrize(
    ("value", "status", "reason"),
    [
        (80.0, "green", "Green: 80% vs interim target 80% (Oct 2019), met"),
        (76.0, "amber", "Amber: 76% vs interim target 80% (Oct 2019), 4 points short"),
        (75.0, "amber", "Amber: 75% vs interim target 80% (Oct 2019), 5 points short"),
        (71.0, "red", "Red: 71% vs interim target 80% (Oct 2019), 9 points short"),
    ],
)
def test_percent_rag_uses_points(value: float, status: str, reason: str) -> None:
    k = kpi(interim_targets=[{"value": 80, "by": "2019-10"}], target={"value": 95, "by": "2020-03"})
    t = target_at(k, P("2019-10"))
    assert kpi_rag(k, value, t, RULES) == status
    assert kpi_reason(judged(k, "2019-10", {"2019-10": value})) == reason


def test_lower_is_better_rag() -> None:
    k = kpi(id="27", direction="lower", target={"value": 10})
    t = target_at(k, P("2019-10"))
    assert kpi_rag(k, 9.5, t, RULES) == "green"
    assert kpi_rag(k, 14.0, t, RULES) == "amber"
    assert kpi_reason(judged(k, "2019-10", {"2019-10": 14.0})) == (
        "Amber: 14% vs target 10%, 4 points above"
    )
    assert kpi_rag(k, 16.0, t, RULES) == "red"


def test_a_less_than_target_is_not_met_by_a_value_on_it() -> None:
    # KPI 54: "Vacancy gap to be less than 10%".
    k = kpi(id="54", direction="lower", target={"value": 10, "strict": True})
    t = target_at(k, P("2020-03"))
    assert kpi_rag(k, 9.9, t, RULES) == "green"
    assert kpi_rag(k, 10.0, t, RULES) == "amber"
    on_it = judged(k, "2020-03", {"2020-03": 10.0})
    assert kpi_reason(on_it) == "Amber: 10% vs target 10%, on it but not below it"
    at_most = kpi(id="54", direction="lower", target={"value": 10})
    assert kpi_rag(at_most, 10.0, target_at(at_most, P("2020-03")), RULES) == "green"
    assert kpi_reason(judged(at_most, "2020-03", {"2020-03": 10.0})) == (
        "Green: 10% vs target 10%, met"
    )


def test_strict_needs_a_target_value() -> None:
    with pytest.raises(ValueError, match="'strict: true' needs a target value"):
        kpi(target={"tbc": True, "strict": True})


def test_relative_tolerance_and_override_for_counts() -> None:
    k = kpi(id="36", unit="count", target={"value": 20})
    t = target_at(k, P("2019-10"))
    assert kpi_rag(k, 18.0, t, RULES) == "amber"  # 10% of 20 = 2
    assert kpi_rag(k, 17.0, t, RULES) == "red"
    tight = kpi(id="36", unit="count", target={"value": 20}, tolerance=0.5)
    assert kpi_rag(tight, 19.0, t, RULES) == "red"


def test_no_data_and_no_target() -> None:
    assert kpi_rag(K42, None, target_at(K42, P("2019-10")), RULES) == "no-data"
    tbc = kpi(target={"tbc": True})
    assert kpi_rag(tbc, 50.0, target_at(tbc, P("2019-10")), RULES) == "grey"
    assert kpi_reason(judged(tbc, "2019-10", {"2019-10": 50.0})) == (
        "No target: 50%; target to be confirmed (TBC in the plan)"
    )
