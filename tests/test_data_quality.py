"""The data-quality appendix says each KPI's missing or stale data once, in one voice."""

from __future__ import annotations

from pathlib import Path

from reportgen.assess.engine import assess
from reportgen.periods import Period
from reportgen.pipeline import load_for_period
from reportgen.render.packs import data_quality

REPO = Path(__file__).resolve().parents[1]


def test_missing_and_stale_kpis_are_said_once_in_the_packs_words() -> None:
    project, period = load_for_period(REPO, Period.parse("2020-03"), None)
    assessment = assess(project, period, None)
    # The input check warns of the same two KPIs, in a file check's words.
    checked = [str(w) for w in assessment.warnings if w.field in ("KPI 39", "KPI 65")]
    assert any("stale: the latest value is for 2019-11" in w for w in checked), checked
    items = data_quality(assessment)
    for kpi, month in (("39", "Jan 2020"), ("65", "Nov 2019")):
        about = [i for i in items if f"KPI {kpi}:" in i or f"KPI {kpi} (" in i]
        assert len(about) == 1, about
        assert f"in {month}" in about[0] and "months old" in about[0], about
    assert not any("2019-11" in i or "performance-2019-20.csv" in i for i in items), items
