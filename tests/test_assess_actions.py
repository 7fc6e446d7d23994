"""Action status as at a date, slippage and on-time share, hand-worked."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportgen.assess.actions import assess_action, delivered_on_time_share
from reportgen.load.plan import Action, RagRules
from reportgen.load.records import ActionUpdate
from reportgen.periods import Period
from reportgen.present.reasons import action_reason, state_label

P = Period.parse
RULES = RagRules()


def action(due: str | None = "2019-08", **kw: Any) -> Action:
    data: dict[str, Any] = {
        "ref": "2.1.3",
        "text": "Scrutinise open neglect cases",
        "due": due,
        "leads": ["Head of QA"],
        "workstream": "practice-and-standards",
        "workstream_reason": "quality assurance of practice",
    }
    data.update(kw)
    return Action.model_validate(data)


def update(period: str, status: str, revised: str | None = None, **kw: Any) -> ActionUpdate:
    return ActionUpdate(
        ref="2.1.3",
        period=P(period),
        status=status,  # type: ignore[arg-type]
        revised_due=P(revised) if revised else None,
        **kw,
    )


def test_overdue_counts_whole_weeks_after_end_of_due_month() -> None:
    # Due Aug 2019 -> end 31 Aug. As at 12 Oct 2019: 42 days = 6 weeks.
    r = assess_action(action(), "2", [], P("2019-10"), date(2019, 10, 12), RULES)
    assert r.state == "overdue"
    assert r.overdue_weeks == 6
    assert r.status == "amber"  # 6 weeks is within the 8-week red threshold
    assert action_reason(r) == "Overdue 6 weeks (due Aug 2019)"
    assert state_label(r) == "Overdue 6 wk"


def test_long_overdue_is_red() -> None:
    # Due Jan 2019 (the plan's own date before it was written): as at 31 Oct 2019
    # that is 273 days after 31 Jan = 39 weeks.
    r = assess_action(action("2019-01"), "2", [], P("2019-10"), date(2019, 10, 31), RULES)
    assert (r.state, r.overdue_weeks, r.status) == ("overdue", 39, "red")


def test_revised_due_date_moves_the_deadline_and_records_slippage() -> None:
    ups = [update("2019-08", "on track", "2019-11")]
    r = assess_action(action(), "2", ups, P("2019-10"), date(2019, 10, 12), RULES)
    assert r.revised_due == P("2019-11")
    assert r.slippage_months == 3
    # 30 Nov is 49 days after 12 Oct: more than 4 weeks, so still on track.
    assert r.state == "on track"
    assert r.status == "green"


def test_due_soon_within_four_weeks() -> None:
    r = assess_action(action("2019-10"), "2", [], P("2019-10"), date(2019, 10, 10), RULES)
    assert r.state == "due soon"  # 21 days to 31 Oct


def test_complete_on_time_and_late() -> None:
    on_time = assess_action(
        action(), "2", [update("2019-08", "complete")], P("2019-10"), date(2019, 10, 31), RULES
    )
    assert (on_time.state, on_time.on_time, on_time.completed_in) == (
        "complete",
        True,
        P("2019-08"),
    )
    late = assess_action(
        action(), "2", [update("2019-09", "complete")], P("2019-10"), date(2019, 10, 31), RULES
    )
    assert late.on_time is False
    assert delivered_on_time_share([on_time, late]) == (1, 2)


def test_blocked_and_reported_states() -> None:
    blocked = assess_action(
        action("2020-02"),
        "2",
        [update("2019-10", "blocked")],
        P("2019-10"),
        date(2019, 10, 31),
        RULES,
    )
    assert (blocked.state, blocked.status) == ("blocked", "red")
    risk = assess_action(
        action("2020-02"),
        "2",
        [update("2019-10", "at risk")],
        P("2019-10"),
        date(2019, 10, 31),
        RULES,
    )
    assert (risk.state, risk.status) == ("at risk", "amber")


def test_updates_after_the_period_are_ignored() -> None:
    ups = [update("2019-11", "complete")]
    r = assess_action(action(), "2", ups, P("2019-10"), date(2019, 10, 31), RULES)
    assert r.state == "overdue"
    assert r.updated_in is None


def test_no_due_date_and_no_update_is_grey() -> None:
    r = assess_action(action(None), "9", [], P("2019-10"), date(2019, 10, 31), RULES)
    assert (r.state, r.status) == ("no due date", "grey")
