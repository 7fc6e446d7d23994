"""The assessment as a plain-text table, for analysts checking numbers.

Plain text (not rich markup) so it pastes into an email or a ticket and
diffs cleanly between runs.
"""

from __future__ import annotations

from reportgen.assess.results import Assessment
from reportgen.present import labels
from reportgen.present.reasons import kpi_reason, recommendation_reason, state_label
from reportgen.present.sentences import target_text, value_text


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [_row(header, widths), _row(["-" * w for w in widths], widths)] + [
        _row(r, widths) for r in rows
    ]


def to_table(a: Assessment) -> str:
    """Recommendations, then KPIs and actions of each, as aligned text."""
    lines = [
        f"{a.plan.title} — assessment for {a.period.long_label} (as at {a.as_of:%d %b %Y})",
        "",
    ]
    lines += _table(
        ["Rec", "RAG", "Travel", "R", "A", "G", "Overdue", "Reason"],
        [
            [
                r.ref,
                labels.rag(r.status) + (" (override)" if r.override else ""),
                r.travel,
                str(r.kpi_counts["red"]),
                str(r.kpi_counts["amber"]),
                str(r.kpi_counts["green"]),
                str(len(r.overdue)),
                recommendation_reason(r),
            ]
            for r in a.recommendations
        ],
    )
    for r in a.recommendations:
        lines += ["", f"Recommendation {r.ref}: {r.title}"]
        if r.kpis:
            lines += _table(
                ["KPI", "Value", "Target", "RAG", "Movement", "SPC", "Assurance", "Reason"],
                [
                    [
                        k.id,
                        value_text(k),
                        target_text(k),
                        labels.rag(k.status),
                        labels.movement(k.movement).short,
                        labels.variation(k.spc.variation).short if k.spc else "–",
                        labels.assurance(k.spc.assurance).short if k.spc else "–",
                        kpi_reason(k),
                    ]
                    for k in r.kpis
                ],
            )
        if r.actions:
            lines += _table(
                ["Action", "Due", "Revised", "State", "RAG", "Workstream"],
                [
                    [
                        x.ref,
                        x.original_due.label if x.original_due else "–",
                        x.revised_due.label if x.revised_due else "–",
                        state_label(x),
                        labels.rag(x.status),
                        x.workstream,
                    ]
                    for x in r.actions
                ],
            )
    done, judged = a.on_time
    lines += ["", f"Actions delivered by their original date: {done} of {judged} completed."]
    return "\n".join(lines) + "\n"
