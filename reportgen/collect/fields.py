"""What a collection workbook holds: its columns and commentary fields, defined once.

The writer lays these out and the reader finds them again by the same
headings and labels, so a workbook's shape is described in exactly one
place. Fill columns are named as the updates CSV names them, and
commentary fields as the note front matter names them, so a returned
workbook is checked by the same loaders as a hand-written file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportgen.load.notes import ALLOWED_KEYS

FORMAT = "reportgen-collect-1"
"""Written into every workbook; a returned workbook must carry it."""

META_SHEET = "reportgen"
UPDATES_SHEET = "Updates"
INSTRUCTIONS_SHEET = "Instructions"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1

CellKind = Literal["text", "long", "month", "date", "percent", "status", "rag", "rating", "ask"]


@dataclass(frozen=True)
class Column:
    """One column of the Updates sheet; ``fill`` columns are the lead's to write."""

    key: str
    heading: str
    width: int
    kind: CellKind = "text"
    fill: bool = False


UPDATE_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Ref", 8),
    Column("recommendation", "Rec", 5),
    Column("action", "Action", 48, "long"),
    Column("workstream", "Workstream", 18),
    Column("due", "Due (plan)", 11, "month"),
    Column("last_due", "Revised due (so far)", 11, "month"),
    Column("last_status", "Last status", 11),
    Column("last_percent", "Last % complete", 9, "percent"),
    Column("last_comment", "Last comment", 36, "long"),
    Column("changed", "What changed since", 30, "long"),
    Column("status", "Status", 13, "status", fill=True),
    Column("revised_due", "Revised due", 12, "month", fill=True),
    Column("percent_complete", "% complete", 10, "percent", fill=True),
    Column("completed_on", "Completed on", 12, "date", fill=True),
    Column("comment", "Comment", 48, "long", fill=True),
)
FILL_COLUMNS = tuple(c for c in UPDATE_COLUMNS if c.fill)


@dataclass(frozen=True)
class Part:
    """A sub-field of a table or record field, e.g. a risk's rating."""

    key: str
    label: str
    kind: CellKind = "text"


@dataclass(frozen=True)
class CommentaryField:
    """One entry of a Commentary sheet: a note front-matter key (``body`` is the text)."""

    key: str
    label: str
    help: str
    shape: Literal["value", "list", "table", "record"] = "value"
    kind: CellKind = "long"
    parts: tuple[Part, ...] = ()
    rows: int = 1
    red_amber_only: bool = False


BODY = "body"

COMMENTARY_FIELDS: tuple[CommentaryField, ...] = (
    CommentaryField(
        BODY,
        "Summary",
        "What happened this month, in a few sentences for the board.",
    ),
    CommentaryField(
        "decisions",
        "Decision",
        "What the board is asked to decide, one per row; choose 'note' for an item it is "
        "only asked to note.",
        shape="table",
        parts=(
            Part("text", "Decision asked of the board", "long"),
            Part("ask", "Decide or note", "ask"),
        ),
        rows=3,
    ),
    CommentaryField(
        "risks",
        "Risk",
        "One risk per row: the risk, its rating, and what is being done about it.",
        shape="table",
        parts=(
            Part("risk", "Risk", "long"),
            Part("rating", "Rating", "rating"),
            Part("mitigation", "Mitigation", "long"),
        ),
        rows=4,
    ),
    CommentaryField(
        "escalations",
        "Escalation",
        "Anything the board must act on now, one per row.",
        shape="list",
        rows=2,
    ),
    CommentaryField(
        "recovery",
        "Recovery",
        "For a red or amber recommendation: why, what will bring it back, who, by when.",
        shape="record",
        parts=(
            Part("cause", "Cause", "long"),
            Part("action", "Recovery action", "long"),
            Part("owner", "Owner", "text"),
            Part("revised_date", "Back on track by (month)", "month"),
        ),
        red_amber_only=True,
    ),
    CommentaryField(
        "rag",
        "Your RAG rating (only to override)",
        "Leave blank to keep the computed rating; an override needs a reason.",
        kind="rag",
    ),
    CommentaryField(
        "rag_reason",
        "Reason for the override",
        "Why the computed rating is wrong this month.",
    ),
)


def commentary_fields() -> tuple[CommentaryField, ...]:
    """The fields the notes loader accepts, so nothing returned can be refused by it."""
    return tuple(f for f in COMMENTARY_FIELDS if f.key == BODY or f.key in ALLOWED_KEYS)


def slot_labels(field: CommentaryField) -> list[tuple[str, str | None, int]]:
    """Column-A labels of a field's rows: ``(label, part key, row index)``.

    The reader finds each slot by its label, so these strings are the
    contract between writer and reader.
    """
    if field.shape == "value":
        return [(field.label, None, 0)]
    if field.shape == "list" or field.shape == "table":
        return [(f"{field.label} {i + 1}", None, i) for i in range(field.rows)]
    return [(f"{field.label}: {p.label}", p.key, 0) for p in field.parts]


def commentary_sheet(ref: str) -> str:
    """Sheet name for a recommendation's commentary (Excel allows 31 characters)."""
    return f"Rec {ref} commentary"


def workbook_name(period: str, slug: str) -> str:
    return f"updates-{period}-{slug}.xlsx"
