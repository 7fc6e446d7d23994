"""The presentation layer as Jinja filters and globals, for packs and emails.

Templates are where councils customise reportgen, so they get the same
formatters as the code rather than their own copies: ``{{ 72.5 | kpi_value("percent") }}``,
``{{ rag_label("grey") }}``, ``{% set icon = variation_icon(k.spc.variation) %}``.
``docs/template-context.md`` lists them.
"""

from __future__ import annotations

from typing import Any

from reportgen.present import labels, numbers, reasons, sentences

FILTERS: dict[str, Any] = {
    "kpi_value": numbers.value,
    "number": numbers.number,
    "long_date": numbers.long_date,
    "w3c_date": numbers.w3c_date,
    "month": numbers.month,
    "long_month": numbers.long_month,
    "upper_first": numbers.upper_first,
    "shorten": sentences.shorten,
    "and_list": sentences.and_list,
}
"""Filters every template may use."""

GLOBALS: dict[str, Any] = {
    "rag_label": labels.rag,
    "rag_key": labels.RAG_KEY,
    "movement_icon": labels.movement,
    "variation_icon": labels.variation,
    "assurance_icon": labels.assurance,
    "signal_words": labels.SIGNAL_WORDS,
    "key_icons": labels.KEY_ICONS,
    "spc_glossary": labels.SPC_GLOSSARY,
    "plural": numbers.plural,
    "share": numbers.share,
    "kpi_value_text": sentences.kpi_value,
    "value_text": sentences.value_text,
    "target_text": sentences.target_text,
    "target_label": sentences.target_label,
    "kpi_reason": reasons.kpi_reason,
    "recommendation_reason": reasons.recommendation_reason,
    "computed_reason": reasons.computed_reason,
    "state_label": reasons.state_label,
    "driver_text": reasons.driver_text,
    "change_text": reasons.change_text,
    "outcomes_text": reasons.outcomes_text,
    "definition_rows": sentences.definition_rows,
    "override_note": sentences.override_note,
    "override_summary": sentences.override_summary,
    "short_driver": sentences.short_driver,
    "moved_since": sentences.moved_since,
}
"""Functions and tables every template may use."""


def install(env: Any) -> None:
    """Add the presentation filters and globals to a Jinja environment."""
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
