"""Words and icons for every status a pack shows, and the key that explains them.

One vocabulary across every pack and the email, following NHS England's
Making Data Count (MDC):

* RAG is always a word beside its colour (never colour alone).
* Movement words and arrows are relative to the KPI's good direction:
  ↑ improving and ↓ deteriorating mean better and worse, whether the value
  rose or fell; → means no significant change. A month-on-month move inside
  common-cause variation is "no significant change", not a trend.
* SPC variation icons are MDC's: a letter in a circle, H (significantly
  higher) or L (lower), coloured for improving, deteriorating or neither,
  and ~ for common cause. Assurance icons are P (consistently passing the
  target), F (consistently failing) and ? (hit and miss).

Keys are the assessment's enum values (strings), so this module needs
nothing from ``assess`` and ``assess`` may use it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Icon:
    """A symbol, its CSS class (colour and shape) and the words it stands for."""

    symbol: str
    css: str
    label: str
    """Full words, for keys, alt text and the analyst's table."""
    short: str
    """Words printed beside the symbol in a narrow table cell."""


RAG_LABELS: dict[str, str] = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "grey": "No target",
    "no-data": "No data",
    "blue": "Complete",
}
"""Words shown beside every RAG colour: colour alone never carries meaning."""

RAG_KEY: tuple[str, ...] = ("red", "amber", "green", "grey", "no-data")
"""RAG statuses in the order keys list them."""


ACTION_STATES: dict[str, str] = {
    "complete": "Complete",
    "blocked": "Blocked",
    "overdue": "Overdue",
    "off track": "Off track",
    "at risk": "At risk",
    "due soon": "Due soon",
    "on track": "On track",
    "not started": "Not started",
    "no due date": "No due date",
}
"""Words for each :data:`reportgen.assess.results.ActionState` in a table cell."""


ASKS: dict[str, str] = {
    "decide": "Decision",
    "note": "To note",
    "escalation": "Escalation",
    "risk": "Risk",
}
"""Words for what a lead asks, in packs and emails alike."""


def rag(status: str | None) -> str:
    """``Red``, ``No target``; ``Not rated`` for anything unknown."""
    if not status:
        return "Not rated"
    return RAG_LABELS.get(status, status.replace("-", " ").capitalize())


MOVEMENT: dict[str, Icon] = {
    "improving": Icon("↑", "move-improving", "Improving", "Improving"),
    "deteriorating": Icon("↓", "move-deteriorating", "Deteriorating", "Deteriorating"),
    "no significant change": Icon(
        "→", "move-same", "No significant change (common-cause variation)", "No significant change"
    ),
    "no change": Icon("→", "move-same", "No change", "No change"),
    "higher": Icon("", "move-neutral", "Higher (neither better nor worse)", "Higher"),
    "lower": Icon("", "move-neutral", "Lower (neither better nor worse)", "Lower"),
    "n/a": Icon("", "move-none", "Not comparable", "–"),
}
"""Movement since last month, always judged by the KPI's good direction."""


def movement(key: str | None) -> Icon:
    return MOVEMENT.get(key or "n/a", MOVEMENT["n/a"])


VARIATION: dict[str, Icon] = {
    "common_cause": Icon(
        "~", "spc-common", "Common cause variation: no significant change", "No significant change"
    ),
    "special_cause_improvement_high": Icon(
        "H",
        "spc-improving",
        "Special cause variation, improving: significantly higher",
        "Improving",
    ),
    "special_cause_improvement_low": Icon(
        "L", "spc-improving", "Special cause variation, improving: significantly lower", "Improving"
    ),
    "special_cause_concern_high": Icon(
        "H",
        "spc-deteriorating",
        "Special cause variation, deteriorating: significantly higher",
        "Deteriorating",
    ),
    "special_cause_concern_low": Icon(
        "L",
        "spc-deteriorating",
        "Special cause variation, deteriorating: significantly lower",
        "Deteriorating",
    ),
    "special_cause_neutral_high": Icon(
        "H", "spc-neutral", "Special cause variation, neither better nor worse: higher", "Higher"
    ),
    "special_cause_neutral_low": Icon(
        "L", "spc-neutral", "Special cause variation, neither better nor worse: lower", "Lower"
    ),
}
"""MDC variation icons, keyed by :data:`reportgen.assess.spc.VariationIcon`."""

NO_VARIATION = Icon("–", "spc-none", "Too few values for SPC", "Too few values")

ASSURANCE: dict[str, Icon] = {
    "consistent_pass": Icon(
        "P",
        "assure-pass",
        "Consistently passing: the target is outside the process limits, on the good side",
        "Consistently passing",
    ),
    "consistent_fail": Icon(
        "F",
        "assure-fail",
        "Consistently failing: the target is outside the process limits, on the bad side",
        "Consistently failing",
    ),
    "hit_and_miss": Icon(
        "?",
        "assure-hit",
        "Hit and miss: the target is inside the process limits",
        "Hit and miss",
    ),
}
"""MDC assurance icons, keyed by :data:`reportgen.assess.spc.Assurance`."""

NO_ASSURANCE = Icon("–", "assure-none", "No assurance: no target or too few values", "–")


def variation(key: str | None) -> Icon:
    return VARIATION.get(key or "", NO_VARIATION)


def assurance(key: str | None) -> Icon:
    return ASSURANCE.get(key or "", NO_ASSURANCE)


SIGNAL_WORDS: dict[str, str] = {"improvement": "improving", "concern": "deteriorating"}
"""Summary counts of special-cause KPIs: "2 improving", "1 deteriorating"."""

CHART_SIGNALS: dict[str, str] = {
    "improvement": "Special cause: improving",
    "concern": "Special cause: deteriorating",
    "neutral": "Special cause: neither better nor worse",
}
"""Legend entries for a chart's special-cause points, in the icons' words."""


KEY_ICONS: tuple[tuple[Icon, str], ...] = (
    (MOVEMENT["improving"], "improving"),
    (MOVEMENT["deteriorating"], "deteriorating"),
    (MOVEMENT["no significant change"], "no significant change"),
    (VARIATION["common_cause"], "common cause"),
    (VARIATION["special_cause_improvement_high"], "special cause improving, H high / L low"),
    (VARIATION["special_cause_concern_low"], "special cause deteriorating"),
    (VARIATION["special_cause_neutral_high"], "special cause, neither"),
    (ASSURANCE["consistent_pass"], "consistently passing target"),
    (ASSURANCE["consistent_fail"], "consistently failing target"),
    (ASSURANCE["hit_and_miss"], "hit and miss"),
)
"""What the key on every pack with icons explains, in order."""


SPC_GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "Statistical process control (SPC)",
        "Charting a measure over time with its mean and process limits to tell a real "
        "change from month-to-month noise (NHS England, Making Data Count).",
    ),
    (
        "XmR chart",
        "An SPC chart of individual values (X) whose limits come from the average moving "
        "range (mR): the mean difference between consecutive months.",
    ),
    (
        "Mean",
        "The average of the values the limits are calculated from; the centre line.",
    ),
    (
        "Process limits",
        "Mean ± 2.66 × the average moving range. Nearly every value of a stable process "
        "falls between them.",
    ),
    (
        "Common cause variation",
        "The month-to-month noise of a stable process. A move within it is no significant "
        "change and needs no explanation.",
    ),
    (
        "Special cause variation",
        "A signal that something has changed: a value outside the process limits, a run of "
        "7 on one side of the mean, 7 values rising or falling, or 2 of 3 beyond two sigma "
        "on one side. Improving or deteriorating by the KPI's good direction.",
    ),
    (
        "Assurance",
        "Whether the process, as it is, will meet the target: consistently passing (P) or "
        "failing (F) when the target is outside the limits, hit and miss (?) when inside.",
    ),
    (
        "Provisional limits",
        "Limits from fewer than 13 values (also called trial limits); they will move as "
        "values are added.",
    ),
    (
        "Recalculated limits",
        "Limits worked out again from a recorded change in the process, shown as a step "
        "with its reason under the chart.",
    ),
    (
        "Sustained shift",
        "A jump followed by a steady run of 7 or more values on one side of the mean: the "
        "process may have moved to a new level. The limits are recalculated only when the "
        "plan records the change and its reason.",
    ),
    (
        "Small counts",
        "Counts that move in whole steps large against their variation make the limits too "
        "tight, so their signals are treated with caution.",
    ),
)
"""SPC terms for every pack's glossary, in reading order."""
