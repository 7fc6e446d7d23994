"""Roll-up, overrides, changes and the whole-project assessment."""

from __future__ import annotations

import json
from datetime import date

from assess_factory import P, note, project, series

from reportgen.assess.engine import assess
from reportgen.load.records import ActionUpdate
from reportgen.present.assessment_json import to_data, to_json
from reportgen.present.reasons import change_text, kpi_reason, recommendation_reason


def _points() -> list:  # type: ignore[type-arg]
    # KPI 42: Apr..Oct; Oct value 71 vs interim 70 -> green.
    return (
        series("42", "2019-04", [58, 60, 61, 63, 65, 68, 71])
        # KPI 27 (lower better, target 10): Oct 16 -> red (6 points above).
        + series("27", "2019-04", [12, 12, 13, 14, 15, 15, 16])
        # KPI 12 (target 70 by Jan 2020): trajectory from 40 in Apr;
        # 9 months to Jan, +3.33/month; Oct = 40 + 6*3.33 = 60. Value 57 -> amber.
        + series("12", "2019-04", [40, 44, 47, 50, 52, 55, 57])
    )


def test_kpi_results_in_one_recommendation() -> None:
    a = assess(project(_points()), P("2019-10"))
    rec1 = a.recommendation("1")
    k42, k27, k44 = rec1.kpis
    assert (k42.status, k42.target.value) == ("green", 70.0)
    assert k27.status == "red"
    assert kpi_reason(k27) == "Red: 16% vs target 10%, 6 points above"
    assert k44.status == "grey"
    assert rec1.kpi_counts == {"red": 1, "amber": 0, "green": 1, "grey": 1, "no-data": 0}
    k12 = a.recommendation("2").kpis[0]
    assert k12.target.value == 60.0
    assert k12.status == "amber"


def test_rollup_reason_names_the_kpis_and_actions_driving_it() -> None:
    # Action 1.1 due Aug 2019, no update: as at 31 Oct, 61 days -> 8 weeks overdue
    # (not more than 8, so amber); 1 of 2 judged KPIs red = 50% share -> red.
    a = assess(project(_points()), P("2019-10"))
    rec1 = a.recommendation("1")
    assert rec1.status == "red"
    assert recommendation_reason(rec1) == (
        "Red: KPI 27 CP plans over 18 months 16% vs 10%, 6 points above; "
        "Action 1.1 overdue 8 weeks (due Aug 2019)"
    )
    assert [(d.kind, d.ref) for d in rec1.drivers] == [("kpi", "27"), ("action", "1.1")]
    # Rec 2: KPI amber, action 2.1 due Jun 2019 -> 4 months overdue (122 days = 17 weeks):
    # the red driver (the action) is named before the amber one (the KPI).
    rec2 = a.recommendation("2")
    assert recommendation_reason(rec2) == (
        "Red: Action 2.1 overdue 17 weeks (due Jun 2019); "
        "KPI 12 NIMT use 57% vs 60%, 3 points short"
    )


def test_green_when_everything_is_on_track() -> None:
    pts = series("42", "2019-04", [58, 60, 62, 64, 66, 68, 71]) + series(
        "27", "2019-04", [9, 9, 9, 9, 9, 9, 9]
    )
    ups = [
        ActionUpdate(ref="1.1", period=P("2019-08"), status="complete"),
        ActionUpdate(ref="1.2", period=P("2019-10"), status="on track"),
    ]
    rec1 = assess(project(pts, ups), P("2019-10")).recommendation("1")
    assert rec1.status == "green"
    assert (
        recommendation_reason(rec1)
        == "Green: all 2 KPIs on target, 1 of 2 actions complete, none overdue"
    )


def test_override_needs_and_shows_reason() -> None:
    notes = [note("1", "2019-10", "amber", "audit shows improving practice")]
    rec1 = assess(project(_points(), notes=notes), P("2019-10")).recommendation("1")
    assert rec1.status == "amber"
    assert rec1.computed_status == "red"
    assert rec1.override is not None
    assert recommendation_reason(rec1) == (
        "Amber: Sally Allen overrode the computed red (KPI 27 CP plans over 18 months "
        "16% vs 10%, 6 points above; Action 1.1 overdue 8 weeks (due Aug 2019)). "
        "Reason: audit shows improving practice."
    )


def test_no_data_shows_last_value_and_age() -> None:
    pts = series("42", "2019-04", [58, 60, 62, 64])  # last value Jul 2019
    k42 = assess(project(pts), P("2019-10")).recommendation("1").kpis[0]
    assert k42.status == "no-data"
    assert kpi_reason(k42) == "No data for Oct 2019; last value 64% in Jul 2019 (3 months old)"
    assert k42.stale  # older than the default 2 months


def test_direction_of_travel_previous_month_and_year() -> None:
    pts = series("27", "2019-04", [12, 12, 13, 14, 15, 15, 16, 14, 12, 11, 10, 9])
    a = assess(project(pts), P("2020-03"))
    k27 = a.recommendation("1").kpis[1]
    assert k27.previous is not None
    assert (k27.previous.change, k27.previous.travel) == (-1.0, "improving")
    assert k27.year_ago is not None and k27.year_ago.travel == "n/a"  # no Mar 2019 value


def test_changes_since_previous_month() -> None:
    # KPI 27 goes from 11 (Sep, amber) to 9.5 (Oct, green: first time met).
    pts = series("27", "2019-04", [12, 12, 13, 14, 15, 11, 9.5])
    a = assess(project(pts), P("2019-10"))
    texts = [change_text(c) for c in a.recommendation("1").changes]
    assert "KPI 27 moved from Amber to Green" in texts
    assert "KPI 27 met its target for the first time" in texts
    # Action 2.1 was already overdue in September, so it is not "newly" overdue;
    # action 1.1 (due Aug) was overdue in Sep too.
    assert not any("became overdue" in t for t in texts)
    sep = assess(project(pts), P("2019-09"))
    assert "Action 1.1 became overdue" in [change_text(c) for c in sep.recommendation("1").changes]


def test_workstreams_hold_only_their_actions() -> None:
    a = assess(project(_points()), P("2019-10"))
    ws = {w.id: w for w in a.workstreams}
    assert [x.ref for x in ws["workforce"].actions] == ["1.1"]
    assert ws["workforce"].recommendations == ("1",)
    assert [x.ref for x in ws["practice"].actions] == ["1.2", "2.1"]
    assert ws["practice"].recommendations == ("1", "2")


def test_json_is_stable_and_documented_shape() -> None:
    a = assess(project(_points()), P("2019-10"), as_of=date(2019, 11, 5))
    text = to_json(a)
    assert text == to_json(assess(project(_points()), P("2019-10"), as_of=date(2019, 11, 5)))
    data = json.loads(text)
    assert data["period"] == "2019-10"
    assert data["as_of"] == "2019-11-05"
    assert data["recommendations"][0]["kpis"][0]["series"][0] == ["2019-04", 58.0]
    assert set(data) == set(to_data(a))
