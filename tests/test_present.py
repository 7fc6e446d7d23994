"""The presentation layer: one way to print each number, label and sentence."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from assess_factory import P, project, series

from reportgen.assess.engine import assess
from reportgen.load.plan import Kpi
from reportgen.present import labels, numbers, sentences


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        (72.5, "percent", None, "72.5%"),
        (65.0, "percent", None, "65%"),
        (1234.0, "percent", None, "1,234%"),
        (1204.0, "number", None, "1,204"),
        (18.0, "days", None, "18 days"),
        (1.0, "days", None, "1 day"),
        (2.0, "weeks", None, "2 weeks"),
        (2.4, "count", None, "2.4"),
        (2.01, "percent", 2, "2.01%"),
        (2.01, "percent", None, "2%"),
        (65.0, "percent", 1, "65.0%"),
        (-0.01, "number", None, "0"),
        (None, "percent", None, "no data"),
        (float("nan"), "number", None, "no data"),
    ],
)
def test_value(value: float | None, unit: str, decimals: int | None, text: str) -> None:
    assert numbers.value(value, unit, decimals) == text


def test_amounts_are_points_for_percentages_and_units_otherwise() -> None:
    assert numbers.amount(9.0, "percent") == "9 points"
    assert numbers.amount(-1.0, "percent") == "1 point"
    assert numbers.amount(3.0, "days") == "3 days"
    assert numbers.amount(12.0, "count") == "12"
    assert numbers.change(3.24, "percent") == "up 3.2 points"
    assert numbers.change(-2.0, "days") == "down 2 days"
    assert numbers.change(0.01, "percent") == "no change"


def test_counts_never_read_one_of_one() -> None:
    assert numbers.share(1, 1, "KPI") == "its one KPI"
    assert numbers.share(3, 3, "KPI") == "all 3 KPIs"
    assert numbers.share(2, 6, "KPI") == "2 of 6 KPIs"
    assert numbers.plural(1, "action") == "1 action"
    assert numbers.plural(2, "action") == "2 actions"


def test_parts_and_dates() -> None:
    assert numbers.with_parts(52.3, "percent", None, 113.0, 216.0) == "52.3% (113 of 216)"
    assert numbers.with_parts(52.3, "percent", None, None, 216.0) == "52.3%"
    assert numbers.long_date(date(2019, 11, 3)) == "3 November 2019"
    assert numbers.w3c_date(datetime(2019, 11, 3, 12, 0)) == "2019-11-03T12:00:00Z"
    assert numbers.month(P("2020-03")) == "Mar 2020"
    assert numbers.month(None) == "–"


def test_every_status_has_words_and_unknowns_never_crash() -> None:
    assert [labels.rag(s) for s in labels.RAG_KEY] == [
        "Red",
        "Amber",
        "Green",
        "No target",
        "No data",
    ]
    assert labels.rag("blue") == "Complete"
    assert labels.rag("") == "Not rated"
    assert labels.movement("improving").symbol == "↑"
    assert labels.movement("deteriorating").symbol == "↓"
    assert labels.movement("no significant change").short == "No significant change"
    assert labels.variation(None).short == "Too few values"
    assert labels.assurance("consistent_fail").symbol == "F"


def test_movement_words_follow_the_good_direction_not_the_value() -> None:
    # KPI 27 is lower-is-better: a run of 7 below the mean is special-cause
    # improvement, shown with the "improving" arrow although the value fell.
    values = [20.0, 21.0, 20.0, 21.0, 20.0, 21.0, 20.0, 15.0, 14.0, 15.0, 14.0, 15.0, 14.0, 13.0]
    k = assess(project(series("27", "2019-04", values)), P("2020-05")).recommendation("1").kpis[1]
    assert k.id == "27" and k.direction == "lower"
    assert k.spc is not None and k.spc.variation == "special_cause_improvement_low"
    assert k.movement == "improving"
    assert labels.movement(k.movement).symbol == "↑"
    assert labels.variation(k.spc.variation).short == "Improving"
    # The same fall on a higher-is-better KPI is deteriorating.
    k42 = assess(project(series("42", "2019-04", values)), P("2020-05")).recommendation("1").kpis[0]
    assert k42.movement == "deteriorating"
    assert labels.movement(k42.movement).symbol == "↓"


def test_a_move_within_common_cause_variation_is_no_significant_change() -> None:
    # 76.7 -> 76.2 in a noisy but stable series: down, yet no signal.
    values = [74.0, 78.0, 75.0, 77.5, 76.0, 78.5, 75.5, 77.0, 76.7, 76.2]
    k = assess(project(series("42", "2019-04", values)), P("2020-01")).recommendation("1").kpis[0]
    assert k.previous is not None and k.previous.travel == "deteriorating"
    assert k.spc is not None and k.spc.variation == "common_cause"
    assert k.movement == "no significant change"
    assert "no significant change" in sentences.kpi_summary(k)


def test_summary_and_sentences_use_the_kpis_own_format() -> None:
    values = [55.0, 58.0, 61.88, 60.0, 62.0, 59.0, 61.0]
    k = assess(project(series("42", "2019-04", values)), P("2019-10")).recommendation("1").kpis[0]
    summary = sentences.kpi_summary(k)
    assert "Target: target" not in summary
    assert "61.88" not in summary
    assert summary.startswith(f"KPI 42, {k.title}: 61% in Oct 2019, from 55% in Apr 2019")
    spc_text = sentences.spc_sentence(k.spc) if k.spc else ""
    assert "%" not in spc_text  # unit-less without the KPI's unit ...
    assert "%" in sentences.spc_sentence(k.spc, k.unit) if k.spc else False  # ... with it


def test_override_reason_is_said_once() -> None:
    text = sentences.override_reason(
        "green", "Lead (illustrative)", "the gap is closing.", "Amber: its one KPI amber"
    )
    assert text == (
        "Green: Lead (illustrative) overrode the computed amber (its one KPI amber). "
        "Reason: the gap is closing."
    )
    short = sentences.override_summary(
        "green", "amber", "Lead (illustrative)", "The gap is closing, and fast, as planned.", 80
    )
    assert short == (
        "Green: Lead (illustrative) overrode the computed amber. "
        "Reason: The gap is closing, and fast…"
    )


def test_source_line_and_definitions() -> None:
    kpi = Kpi.model_validate(
        {
            "id": "54",
            "title": "Vacancy rate",
            "unit": "percent",
            "as_written": "Vacancy rate",
            "source_system": "Workforce return",
            "data_owner": "HR business partner",
            "frequency": "monthly",
            "figures": "published",
            "numerator": "vacant posts",
            "denominator": "established posts",
        }
    )
    assert sentences.source_line(kpi) == (
        "Source: Workforce return; owner HR business partner; monthly (published figures)."
    )
    bare = Kpi.model_validate({"id": "1", "title": "T", "unit": "count", "as_written": "T"})
    assert sentences.source_line(bare) == "Source: not stated in the plan."
    rows = dict(sentences.definition_rows(kpi))
    assert rows["Numerator"] == "vacant posts"
    assert rows["As the plan words it"] == "Vacancy rate"
    defined = kpi.model_copy(update={"definition": "Vacant posts as a share of posts"})
    assert (
        dict(sentences.definition_rows(defined))["Definition"] == "Vacant posts as a share of posts"
    )


def test_json_export_carries_each_kpis_printed_strings() -> None:
    from reportgen.present.assessment_json import to_data

    pts = series("42", "2019-04", [58, 60, 61, 63, 65, 68, 71.25])
    data = to_data(assess(project(pts), P("2019-10")))
    printed = data["recommendations"][0]["kpis"][0]["printed"]
    assert printed["value"] == "71.2%"
    assert printed["target"] == "70%"
    assert printed["status"] == "Green"
    assert printed["movement"] in {"Improving", "No significant change"}


class _Rec:
    def __init__(self, ref: str, previous: str | None, now: str) -> None:
        self.ref, self.previous_status, self.status = ref, previous, now


def test_moved_since_groups_every_rag_change_in_one_sentence() -> None:
    recs = [
        _Rec("1", "red", "red"),
        _Rec("3", "red", "amber"),
        _Rec("10", "amber", "green"),
        _Rec("12", "red", "amber"),
        _Rec("13", None, "red"),
    ]
    assert sentences.moved_since(recs) == (
        "Since last month, recommendations 3 and 12 improved from red to amber "
        "and recommendation 10 improved from amber to green."
    )
    assert sentences.moved_since([_Rec("2", "green", "red")]) == (
        "Since last month, recommendation 2 deteriorated from green to red."
    )
    assert sentences.moved_since(recs[:1]) == "No recommendation's RAG moved since last month."


def test_a_short_driver_cuts_the_kpi_title_never_its_numbers() -> None:
    title = "Children on CP plans for longer than 18 months"
    text = f"KPI 27 {title} 32.6% vs 10%, 22.6 points above"
    assert sentences.short_driver(text, title, 200) == text
    assert sentences.short_driver(text, title, 70) == (
        "KPI 27 Children on CP plans for longer… 32.6% vs 10%, 22.6 points above"
    )
    # An action driver has no title to cut: cut at a word, as reasons are.
    action = "Action 6.1.4 blocked (revised to Jun 2020) while the supplier fixes the form"
    assert sentences.short_driver(action, None, 45) == "Action 6.1.4 blocked (revised to Jun 2020)…"


@pytest.mark.parametrize(
    ("items", "said"),
    [([], ""), (["1"], "1"), ([1, 2], "1 and 2"), (["1", "2", "5"], "1, 2 and 5")],
)
def test_lists_are_said_as_a_sentence_says_them(items: list[object], said: str) -> None:
    assert sentences.and_list(items) == said
