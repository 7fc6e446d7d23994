"""A KPI's figures and labels exactly as the packs print them, for the JSON export.

Analysts checking a pack against ``reportgen assess --format json`` can then
compare strings, not re-derive how a number was rounded or a status worded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.present import labels
from reportgen.present.sentences import target_text

if TYPE_CHECKING:
    from reportgen.assess.results import KpiResult


def printed_kpi(k: KpiResult) -> dict[str, str]:
    """The strings a pack shows for ``k``; see docs/assessment-json.md ("Printed")."""
    spc = k.spc
    return {
        "value": k.value_text,
        "target": target_text(k),
        "status": k.status_label,
        "movement": labels.movement(k.movement).short,
        "variation": labels.variation(spc.variation).label if spc else "–",
        "assurance": labels.assurance(spc.assurance).label if spc else "–",
    }
