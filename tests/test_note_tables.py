"""A note's table wider than the page keeps every column (issue 12, item 11).

A 13-column month table used to lose its last columns past the page edge:
the text was still in the PDF, drawn off the page, so only the position of
each piece of text shows the fault.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from minimal_project import make_project, note, write

from reportgen.cli import main
from reportgen.render.markdown import MAX_READABLE_COLUMNS, note_to_html

MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def month_table(columns: int) -> str:
    """A Markdown table of one label column and ``columns - 1`` month columns of numbers."""
    heads = ["Measure"] + [f"{MONTHS[i % 12]}-{2019 + (i + 3) // 12}" for i in range(columns - 1)]
    rows = ["| " + " | ".join(heads) + " |", "|" + "---|" * columns]
    for label in ("Assessments in time", "Open assessments", "Visits within 10 days"):
        cells = [f"{1000 + i * 37:,}.5" for i in range(columns - 1)]
        rows.append("| " + " | ".join([label, *cells]) + " |")
    return "\n".join(rows) + "\n"


def placed_text(page: pypdf.PageObject) -> list[tuple[str, float]]:
    """Each piece of text on ``page`` with the x position where it starts, in points."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found.append((text.strip(), cm[0] * tm[4] + cm[2] * tm[5] + cm[4]))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.slow
def test_a_13_column_note_table_keeps_every_column_on_the_page(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    body = "Progress this month.\n\n" + month_table(13)
    write(root, "inputs/notes/2019-10/rec-01.md", note(1).replace("Progress this month.\n", body))
    too_wide = "Too wide.\n\n" + month_table(MAX_READABLE_COLUMNS + 1)
    write(
        root, "inputs/notes/2019-10/rec-02.md", note(2).replace("Progress this month.\n", too_wide)
    )
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--period", "2019-10"])
    assert result.exit_code == 0, result.output
    [pdf] = (root / "outputs/2019-10/recommendations").glob("rec-01-*.pdf")
    # The report opens with its cover; the note is in the section after it.
    page = next(p for p in pypdf.PdfReader(pdf).pages if "1,407.5" in p.extract_text())
    width = float(page.mediabox.width)
    text = placed_text(page)
    last_column = [x for t, x in text if t == "1,407.5"]  # Mar-2020, the 13th column
    assert len(last_column) == 3, text  # one per row
    right_margin = 10 / 25.4 * 72  # at least 10 mm of paper to its right
    for t, x in text:
        assert x < width - right_margin, f"{t!r} starts at {x:.0f}pt on a {width:.0f}pt page"
    # Only the table past the readable width is reported, once, naming its note.
    assert "1 warning;" in result.output
    assert (
        f"warning: inputs/notes/2019-10/rec-02.md: a table with {MAX_READABLE_COLUMNS + 1} "
        "columns is set in small type"
    ) in result.output


def test_wide_tables_are_marked_to_be_set_smaller() -> None:
    assert "<table>" in note_to_html(month_table(6)).html
    assert '<table class="table-wide">' in note_to_html(month_table(7)).html
    assert '<table class="table-widest">' in note_to_html(month_table(13)).html
    assert note_to_html(month_table(13)).warnings == ()


def test_a_table_too_wide_to_read_is_reported() -> None:
    columns = MAX_READABLE_COLUMNS + 1
    safe = note_to_html(month_table(columns))
    assert '<table class="table-widest">' in safe.html
    assert safe.warnings == (
        f"a table with {columns} columns is set in small type and its cells wrap to fit the "
        f"page; tables of more than {MAX_READABLE_COLUMNS} columns are hard to read, so split "
        "it (for example one table per year) or turn rows into columns",
    )
    assert safe.removed == ()
