"""Hostile inputs meet a named limit before they cost memory or time (issue 12, items 2 and 3).

Each test writes the real attack into a small project and runs the real
CLI in a child process with capped memory (see ``hostile_files``), so a limit
that acts too late fails the test with a MemoryError rather than passing.
Every refusal must name the file, the line where there is one, and the limit.
"""

from __future__ import annotations

import re
from pathlib import Path

from hostile_files import (
    alias_bomb,
    deep_nesting,
    run_cli_capped,
    workbook_with_sheet,
    zip_bomb_workbook,
)
from minimal_project import PLAN, make_project, note, write

from reportgen.load.limits import (
    MAX_NOTE_CHARS,
    MAX_TABLE_BYTES,
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    MAX_WORKBOOK_BYTES,
    MAX_YAML_ALIASES,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
)
from reportgen.load.project import load_project
from reportgen.load.tabular import read_table


def validate(root: Path) -> tuple[int, list[str]]:
    result = run_cli_capped("validate", "--project", str(root))
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "MemoryError" not in output, output
    return result.returncode, output.splitlines()


def messages(root: Path) -> list[str]:
    _project, problems = load_project(root)
    return [str(p) for p in problems]


# --- YAML --------------------------------------------------------------------


def test_alias_bomb_in_note_front_matter_is_refused_and_other_problems_still_listed(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    # 9 levels of 9 aliases: 387 million values from a 500-byte front matter.
    write(root, "inputs/notes/2019-10/rec-01.md", note(1, extra=alias_bomb(9)))
    write(root, "inputs/updates/2019-10.csv", "ref,status\n1.1,done\n")
    code, lines = validate(root)
    assert code == 1
    # The first level whose expansion passes the limit: l5 holds 9**6 values
    # (plus the lists that hold them), on line 11 of the .md file.
    assert (
        "inputs/notes/2019-10/rec-01.md:11:5: not read: with its aliases (*name) expanded "
        f"this holds 597,871 values; the limit is {MAX_YAML_VALUES:,}; write the values out "
        "instead of nesting aliases"
    ) in lines
    assert any(
        ln.startswith("inputs/updates/2019-10.csv:2: status: unknown status") for ln in lines
    )


def test_alias_bomb_in_plan_is_refused_at_its_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/plan.yaml", PLAN + "x_bomb:\n" + alias_bomb(9, indent="  "))
    code, lines = validate(root)
    assert code == 1
    plan_lines = PLAN.count("\n")
    assert (
        f"inputs/plan.yaml:{plan_lines + 7}:7: not read: with its aliases (*name) expanded "
        f"this holds 597,871 values; the limit is {MAX_YAML_VALUES:,}; write the values out "
        "instead of nesting aliases"
    ) in lines


def test_alias_bomb_in_distribution_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/distribution.yaml", alias_bomb(9))
    code, lines = validate(root)
    assert code == 1
    assert any(
        ln.startswith("inputs/distribution.yaml:6:5: not read: with its aliases (*name) expanded")
        for ln in lines
    ), lines


def test_600_levels_of_nesting_are_refused_at_the_limit_with_the_other_problems(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/notes/2019-10/rec-01.md", note(1, extra=deep_nesting(600)))
    write(root, "inputs/notes/2019-10/rec-02.md", note(2, extra="colour: red\n"))
    code, lines = validate(root)
    assert code == 1
    assert (
        f"inputs/notes/2019-10/rec-01.md:6:{6 + MAX_YAML_DEPTH}: not read: nested more than "
        f"{MAX_YAML_DEPTH} levels deep, the limit; check the indentation and brackets"
    ) in lines
    assert any(
        ln.startswith("inputs/notes/2019-10/rec-02.md:6: colour: unknown key") for ln in lines
    )


def test_plan_nested_past_the_limit_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/plan.yaml", PLAN + deep_nesting(600))
    assert messages(root) == [
        f"inputs/plan.yaml:{PLAN.count(chr(10)) + 1}:{7 + MAX_YAML_DEPTH - 1}: not read: nested "
        f"more than {MAX_YAML_DEPTH} levels deep, the limit; check the indentation and brackets"
    ]


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/notes/2019-10/rec-01.md", note(1, extra="loop: &a [1, *a]\n"))
    assert (
        "inputs/notes/2019-10/rec-01.md:6:14: not read: alias *a is used inside the value it "
        "names (&a), which would repeat forever; remove it"
    ) in messages(root)


def test_too_many_aliases_are_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    many = "one: &one 1\nmany: [" + ", ".join(["*one"] * (MAX_YAML_ALIASES + 1)) + "]\n"
    write(root, "inputs/notes/2019-10/rec-01.md", note(1, extra=many))
    [refusal] = [m for m in messages(root) if "rec-01" in m]
    assert refusal.startswith("inputs/notes/2019-10/rec-01.md:7:")
    assert refusal.endswith(
        f"not read: more than {MAX_YAML_ALIASES:,} aliases (*name), the limit; "
        "write the values out instead"
    )


def test_a_plan_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    with (root / "inputs/plan.yaml").open("r+b") as handle:
        handle.truncate(MAX_YAML_BYTES + 1)  # sparse: costs no disk
    assert messages(root) == [
        f"inputs/plan.yaml: the file is {MAX_YAML_BYTES + 1:,} bytes; the limit is "
        f"{MAX_YAML_BYTES:,} bytes, so it was not read; check it is the right file"
    ]


def test_the_example_plan_is_well_inside_the_yaml_limits() -> None:
    plan = Path(__file__).resolve().parent.parent / "inputs/plan.yaml"
    assert plan.stat().st_size * 10 < MAX_YAML_BYTES


# --- workbooks -----------------------------------------------------------------


def test_xlsx_zip_bomb_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    bomb = zip_bomb_workbook(root / "inputs/kpis/bomb.xlsx", 2 * MAX_WORKBOOK_BYTES)
    assert bomb.stat().st_size < MAX_WORKBOOK_BYTES / 100
    code, lines = validate(root)
    assert code == 1
    [refusal] = [ln for ln in lines if ln.startswith("inputs/kpis/bomb.xlsx")]
    assert refusal.startswith("inputs/kpis/bomb.xlsx: the workbook unzips to ")
    assert refusal.endswith(
        f" bytes; the limit is {MAX_WORKBOOK_BYTES:,} bytes (a small file that unzips this "
        "large is a 'zip bomb'), so it was not opened; keep only the KPI data in it and "
        "save it again"
    )


def test_a_sheet_of_far_right_cells_is_refused_by_the_column_limit(tmp_path: Path) -> None:
    # 100 tiny rows, each with one cell in the last column Excel has (XFD):
    # a reader pads every row to 16,384 cells, 1.6 million in all.
    root = make_project(tmp_path)
    rows = (f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(1, 101))
    workbook_with_sheet(root / "inputs/kpis/wide.xlsx", rows, dimension="A1:XFD1048576")
    code, lines = validate(root)
    assert code == 1
    assert (
        "inputs/kpis/wide.xlsx: a sheet (xl/worksheets/sheet1.xml) has a cell in column "
        f"16,384; worksheets are limited to {MAX_TABLE_COLUMNS:,} columns; delete the columns "
        "to the right of the data and save it again"
    ) in lines


def test_a_sheet_padded_past_the_cell_limit_is_refused(tmp_path: Path) -> None:
    # Each row holds one cell in the last column allowed, so a reader pads it
    # to 1,000 cells; 1,001 such rows pass the limit from a file of a few KB.
    root = make_project(tmp_path)
    last = "ALL"  # column 1,000
    rows = (f'<row r="{r}"><c r="{last}{r}"><v>1</v></c></row>' for r in range(1, 1002))
    path = workbook_with_sheet(root / "inputs/kpis/wide.xlsx", rows)
    assert path.stat().st_size < 50_000
    code, lines = validate(root)
    assert code == 1
    assert (
        f"inputs/kpis/wide.xlsx: the workbook has more than {MAX_TABLE_CELLS:,} cells (the "
        "limit), counting empty cells between filled ones, so it was not loaded; keep only the "
        "KPI data in it, delete unused rows and columns, and save it again"
    ) in lines


def test_a_row_numbered_past_the_row_limit_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    rows = [
        '<row r="1"><c r="A1" t="inlineStr"><is><t>kpi</t></is></c></row>',
        '<row r="999999999"><c r="A999999999"><v>1</v></c></row>',
    ]
    workbook_with_sheet(root / "inputs/kpis/wide.xlsx", rows)
    assert (
        "inputs/kpis/wide.xlsx: a sheet (xl/worksheets/sheet1.xml) has a row numbered "
        f"999,999,999; worksheets are limited to {MAX_TABLE_ROWS:,} rows; delete the rows "
        "below the data and save it again"
    ) in messages(root)


def test_a_workbook_that_claims_a_huge_dimension_still_loads_its_real_cells(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    (root / "inputs/kpis/data.csv").unlink()
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{k}</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>2019-10</t></is></c><c r="C{r}"><v>{v}</v></c></row>'
        for r, k, v in ((2, 1, 78), (3, 2, 30))
    )
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>kpi</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>period</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>value</t></is></c></row>'
    )
    workbook_with_sheet(root / "inputs/kpis/data.xlsx", [header, cells], dimension="A1:XFD1048576")
    project, problems = load_project(root)
    assert project is not None
    assert [(p.kpi, str(p.period), p.value) for p in project.points] == [
        ("1", "2019-10", 78.0),
        ("2", "2019-10", 30.0),
    ]
    assert not [p for p in problems if p.is_error]


# --- CSV -------------------------------------------------------------------------


def test_a_csv_file_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    with (root / "inputs/kpis/data.csv").open("r+b") as handle:
        handle.truncate(MAX_TABLE_BYTES + 1)
    assert (
        f"inputs/kpis/data.csv: the file is {MAX_TABLE_BYTES + 1:,} bytes; the limit is "
        f"{MAX_TABLE_BYTES:,} bytes, so it was not read; check it is the right file"
    ) in messages(root)


def test_a_csv_file_with_more_rows_than_the_limit_stops_at_the_limit(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/kpis/data.csv", "kpi,period,value\n" + "1,2019-10,5\n" * MAX_TABLE_ROWS)
    assert (
        f"inputs/kpis/data.csv:{MAX_TABLE_ROWS + 1}: the file has more than "
        f"{MAX_TABLE_ROWS:,} rows (the limit), so reading stopped here; split the data "
        "into smaller files"
    ) in messages(root)


def test_a_csv_row_wider_than_the_column_limit_stops_reading(tmp_path: Path) -> None:
    # 2 million columns in 8 MB once took two minutes and 760 MB, and printed
    # a problem per column.
    root = make_project(tmp_path)
    header = "period," + ",".join(["1"] * 2_000_000)
    write(root, "inputs/kpis/data.csv", header + "\n2019-10," + ",".join(["5"] * 2_000_000))
    code, lines = validate(root)
    assert code == 1
    assert [ln for ln in lines if ln.startswith("inputs/kpis/data.csv")] == [
        "inputs/kpis/data.csv:1: this row has 2,000,001 cells; files are limited to "
        f"{MAX_TABLE_COLUMNS:,} columns, so reading stopped here; delete the unused columns"
    ]


def test_a_csv_file_with_more_cells_than_the_limit_stops_at_the_limit(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    row = ",".join(["1"] * MAX_TABLE_COLUMNS) + "\n"
    rows = MAX_TABLE_CELLS // MAX_TABLE_COLUMNS + 1
    write(root, "inputs/kpis/data.csv", row * rows)
    assert (
        f"inputs/kpis/data.csv:{rows}: the file has more than {MAX_TABLE_CELLS:,} cells (the "
        "limit), so reading stopped here; split the data into smaller files"
    ) in messages(root)


def test_a_csv_file_of_exactly_the_row_limit_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path, "data.csv", "kpi,period,value\n" + "1,2019-10,5\n" * (MAX_TABLE_ROWS - 1)
    )
    table, problems = read_table(path, "data.csv")
    assert table is not None
    assert len(table.rows) == MAX_TABLE_ROWS - 1
    assert problems == []


# --- notes -----------------------------------------------------------------------


def test_a_400_mb_note_is_refused_after_reading_only_the_limit(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    with (root / "inputs/notes/2019-10/rec-01.md").open("r+b") as handle:
        handle.truncate(400 << 20)  # sparse: 400 MB on paper, nothing on disk
    code, lines = validate(root)
    assert code == 1
    assert (
        f"inputs/notes/2019-10/rec-01.md: the note is longer than {MAX_NOTE_CHARS:,} "
        "characters, the limit for a note; shorten it or link to the full document"
    ) in lines


def test_the_limits_documented_are_the_limits_enforced() -> None:
    from reportgen.load import limits

    doc = (Path(__file__).resolve().parent.parent / "docs/inputs-kpis.md").read_text()
    table = doc[doc.index("## Limits on input files") : doc.index("## Links")]
    documented = {int(m.replace(",", "")) for m in re.findall(r"\| ([\d,]+)(?: \w+)? \|", table)}
    enforced = {v for k, v in vars(limits).items() if k.startswith("MAX_")}
    assert documented == enforced
