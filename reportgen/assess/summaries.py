"""Plain-English sentences about a KPI's series.

They serve two readers: a screen-reader user (as a chart's alt text) and a
board member skimming the summary page. So each says, in one or two short
sentences, where the measure started, where it is now, how that compares
with its target, and whether SPC sees a signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.assess.targets import fmt_value, upper_first

if TYPE_CHECKING:
    from reportgen.assess.kpis import KpiResult


def _change_words(change: float, unit: str | None) -> str:
    if abs(change) < 1e-9:
        return "no change"
    amount = fmt_value(round(abs(change), 1), None)
    unit_word = " points" if unit == "percent" else ""
    return f"{'up' if change > 0 else 'down'} {amount}{unit_word}"


def kpi_summary(k: KpiResult) -> str:
    name = f"KPI {k.id}, {k.title}"
    if k.measure != "quantitative":
        return f"{name}: judged through {k.measure}; no data series."
    present = [(p, v) for p, v in k.series if v is not None]
    if not present:
        return f"{name}: no data reported up to {k.period.label}."
    (p0, v0), (p1, v1) = present[0], present[-1]
    parts = [f"{name}: {fmt_value(v0, k.unit)} in {p0.label}"]
    if p1 != p0:
        parts.append(f"{fmt_value(v1, k.unit)} in {p1.label} ({_change_words(v1 - v0, k.unit)})")
    sentence = ", ".join(parts) + "."
    if k.target.value is not None:
        sentence += f" Target: {k.target.label}; {k.status_label.lower()}."
    else:
        sentence += f" {upper_first(k.target.label)}."
    if k.spc is not None:
        sentence += f" {k.spc.describe()}"
    return sentence
