"""A KPI's figures and labels exactly as the packs print them, for the JSON export.

Analysts checking a pack against ``reportgen assess --format json`` can then
compare strings, not re-derive how a number was rounded or a status worded.
"""

from __future__ import annotations

from reportgen.assess.results import KpiResult
from reportgen.present import labels
from reportgen.present.sentences import target_text, value_text


def printed_kpi(k: KpiResult) -> dict[str, str]:
    """The strings a pack shows for ``k``; see docs/assessment-json.md ("Printed")."""
    spc = k.spc
    return {
        "value": value_text(k),
        "target": target_text(k),
        "status": labels.rag(k.status),
        "movement": labels.movement(k.movement).short,
        "variation": labels.variation(spc.variation).label if spc else "–",
        "assurance": labels.assurance(spc.assurance).label if spc else "–",
    }
