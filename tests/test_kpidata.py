"""KPI data files: the messy forms analysts send are read, bad values are located.

Every file here is written to a temporary folder by the test itself (CSV as
bytes, so BOMs and line endings are exactly what is on disk; xlsx with
openpyxl, including a real percent-formatted cell and a date cell).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from reportgen.errors import Problem
from reportgen.load.kpidata import kpi_ref, load_kpi_file
from reportgen.load.parsing import parse_date, parse_number, parse_percent, parse_period
from reportgen.load.plan import Plan, parse_plan
from reportgen.load.records import DataPoint
from reportgen.load.yamlsource import parse_yaml
from reportgen.periods import Period

PLAN_YAML = """\
title: Test plan
organisation: Test council
start: 2019-09
end: 2020-12
workstreams:
  - id: practice
    name: Practice
recommendations:
  - ref: "1"
    title: Visits
    kpis:
      - id: "42"
        title: Children seen within timescale
        unit: percent
        direction: higher
        target: {value: 90, by: 2020-12}
        as_written: 90% of children seen within timescale
      - id: "7"
        title: Children in care
        unit: count
        as_written: Number of children in care
      - id: "9"
        title: Case audit quality
        measure: audit
        as_written: Audits show improved quality
"""

OCT = Period(2019, 10)
NOV = Period(2019, 11)


@pytest.fixture(scope="module")
def plan() -> Plan:
    source, problems = parse_yaml(PLAN_YAML, "plan.yaml")
    assert source is not None and problems == []
    parsed, problems = parse_plan(source)
    assert parsed is not None, problems
    return parsed


def write_csv(tmp_path: Path, text: str, name: str = "kpis.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def load(path: Path, plan: Plan) -> tuple[list[DataPoint], list[Problem]]:
    return load_kpi_file(path, f"data/{path.name}", plan)


def only(problems: list[Problem], severity: str = "error") -> Problem:
    matching = [p for p in problems if p.severity == severity]
    assert len(matching) == 1, [str(p) for p in problems]
    return matching[0]


def values(points: list[DataPoint]) -> list[tuple[str, Period, float]]:
    return [(p.kpi, p.period, p.value) for p in points]


# -- accepted messy inputs ---------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("85%", 85.0),
        ("85.0 %", 85.0),
        ("85", 85.0),
        (" 85.5 ", 85.5),
        ('"85 "', 85.0),
    ],
)
def test_percent_value_forms(tmp_path: Path, plan: Plan, cell: str, expected: float) -> None:
    points, problems = load(write_csv(tmp_path, f"kpi,period,value\n42,2019-10,{cell}\n"), plan)
    assert problems == []
    assert values(points) == [("42", OCT, expected)]


@pytest.mark.parametrize(
    "cell",
    [
        "2019-10",
        "Oct-19",
        "Oct 2019",
        "October 2019",
        "31/10/2019",
        "1/10/2019",
        "2019-10-31",
        "oct-2019",
        "Sept 2019",
        "31-10-2019",
        "10/2019",
        "31 Oct 2019",
    ],
)
def test_period_forms(tmp_path: Path, plan: Plan, cell: str) -> None:
    expected = Period(2019, 9) if cell.startswith("Sept") else OCT
    points, problems = load(write_csv(tmp_path, f"kpi,period,value\n7,{cell},12\n"), plan)
    assert problems == []
    assert [p.period for p in points] == [expected]


def test_thousands_separator_bom_crlf_whitespace(tmp_path: Path, plan: Plan) -> None:
    text = '\ufeff KPI , Period ,Value\r\n 7 , 2019-10 ,"1,234"\r\n\r\n7,2019-11, 12 \r\n'
    points, problems = load(write_csv(tmp_path, text), plan)
    assert problems == []
    assert values(points) == [("7", OCT, 1234.0), ("7", NOV, 12.0)]
    assert [p.source.line for p in points] == [2, 4]
    assert points[0].source.path == "data/kpis.csv"


def test_blank_and_na_values_are_missing_not_errors(tmp_path: Path, plan: Plan) -> None:
    text = "kpi,period,value\n42,2019-10,\n42,2019-11,n/a\n7,2019-10,-\n7,2019-11,5\n7,2019-12,NA\n"
    points, problems = load(write_csv(tmp_path, text), plan)
    assert problems == []
    assert values(points) == [("7", NOV, 5.0)]


def test_semicolon_delimited(tmp_path: Path, plan: Plan) -> None:
    text = "kpi;period;value;note\n42;Oct 2019;85%;with, a comma\n"
    points, problems = load(write_csv(tmp_path, text), plan)
    assert problems == []
    assert values(points) == [("42", OCT, 85.0)]
    assert points[0].note == "with, a comma"


def test_tab_delimited_with_aliases(tmp_path: Path, plan: Plan) -> None:
    text = "KPI id\tMonth\tValue\tComments\n42\t2019-10\t85\tok\n"
    points, problems = load(write_csv(tmp_path, text, name="kpis.txt"), plan)
    assert problems == []
    assert values(points) == [("42", OCT, 85.0)]
    assert points[0].note == "ok"


def test_optional_columns_and_derived_value(tmp_path: Path, plan: Plan) -> None:
    text = (
        "kpi,period,value,numerator,denominator,team,note\n"
        "42,2019-10,85,17,20,North,on track\n"
        "42,2019-10,,9,10,South,\n"
        "42,2019-10,80.0,4,5,,\n"
    )
    points, problems = load(write_csv(tmp_path, text), plan)
    assert problems == []
    assert [(p.value, p.numerator, p.denominator, p.team, p.note) for p in points] == [
        (85.0, 17.0, 20.0, "North", "on track"),
        (90.0, 9.0, 10.0, "South", None),
        (80.0, 4.0, 5.0, None, None),
    ]


def test_multiline_quoted_note_keeps_line_numbers(tmp_path: Path, plan: Plan) -> None:
    text = 'kpi,period,value,note\n42,2019-10,85,"first line\nsecond line"\n42,2019-11,abc,\n'
    points, problems = load(write_csv(tmp_path, text), plan)
    assert values(points) == [("42", OCT, 85.0)]
    assert points[0].note == "first line\nsecond line"
    bad = only(problems)
    assert (bad.line, bad.field) == (4, "value")


def test_wide_csv(tmp_path: Path, plan: Plan) -> None:
    text = "Period,42,KPI 7\nOct-19,85%,120\nNov-19,,121\n"
    points, problems = load(write_csv(tmp_path, text), plan)
    assert problems == []
    assert values(points) == [("42", OCT, 85.0), ("7", OCT, 120.0), ("7", NOV, 121.0)]
    assert [p.source.line for p in points] == [2, 2, 3]


def test_windows_1252_file_is_read_with_a_warning(tmp_path: Path, plan: Plan) -> None:
    text = "kpi,period,value,note\n42,2019-10,85,cost £5\n"
    points, problems = load(write_csv(tmp_path, text, encoding="cp1252"), plan)
    assert points[0].note == "cost £5"
    warning = only(problems, "warning")
    assert warning.line == 2
    assert "CSV UTF-8" in warning.message


def write_xlsx(path: Path, rows: list[list[object]], percent_cells: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    for ref in percent_cells:
        ws[ref].number_format = "0%"
    wb.save(path)
    return path


def test_xlsx_long(tmp_path: Path, plan: Plan) -> None:
    path = write_xlsx(
        tmp_path / "kpis.xlsx",
        [
            ["KPI", "Period", "Value", "Note"],
            [42, datetime(2019, 10, 1), 0.85, "percent-formatted"],
            [None, None, None, None],
            ["KPI 7", "Nov-19", 1234, None],
            ["42", "30/11/2019", "85.5%", None],
        ],
        percent_cells=("C2",),
    )
    points, problems = load(path, plan)
    assert problems == []
    assert values(points) == [("42", OCT, 85.0), ("7", NOV, 1234.0), ("42", NOV, 85.5)]
    assert [p.source.line for p in points] == [2, 4, 5]


def test_xlsx_wide(tmp_path: Path, plan: Plan) -> None:
    path = write_xlsx(
        tmp_path / "wide.xlsx",
        [
            ["Month", "KPI 42", "7"],
            [date(2019, 10, 31), 0.9, 10],
            ["November 2019", 0.875, 11.0],
        ],
        percent_cells=("B2", "B3"),
    )
    points, problems = load(path, plan)
    assert problems == []
    assert values(points) == [
        ("42", OCT, 90.0),
        ("7", OCT, 10.0),
        ("42", NOV, 87.5),
        ("7", NOV, 11.0),
    ]


def test_xlsx_reads_first_sheet_and_warns_about_others(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["kpi", "period", "value"])
    wb.active.append(["7", "2019-10", 3])
    other = wb.create_sheet("Old data")
    other.append(["kpi", "period", "value"])
    other.append(["7", "2019-11", 4])
    wb.create_sheet("Empty")
    wb.save(path)
    points, problems = load(path, plan)
    assert values(points) == [("7", OCT, 3.0)]
    warning = only(problems, "warning")
    assert "'Old data'" in warning.message and "Empty" not in warning.message


def test_xlsx_rejects_bad_cells_with_row_numbers(tmp_path: Path, plan: Plan) -> None:
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            ["kpi", "period", "value"],
            [42, "2019-10", 1.2],
            [7, "2019-10", "#DIV/0!"],
            [7, "2019-11", 0.5],
            [7, datetime(2019, 12, 1), datetime(2019, 12, 1)],
        ],
        percent_cells=("C2", "C4"),
    )
    points, problems = load(path, plan)
    assert points == []
    assert [(p.path, p.line, p.field) for p in problems] == [
        ("data/bad.xlsx", 2, "value"),
        ("data/bad.xlsx", 3, "value"),
        ("data/bad.xlsx", 4, "value"),
        ("data/bad.xlsx", 5, "value"),
    ]
    assert "120 is not a percentage between 0 and 100" in problems[0].message
    assert "Excel error" in problems[1].message
    assert "written with % but KPI 7 is measured in count" in problems[2].message
    assert "holds a date or time" in problems[3].message


# -- rejections ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, field, message",
    [
        (
            "kpi,period,value\n7,2019-10,12\n7,2019-11,twelve\n",
            3,
            "value",
            "'twelve' is not a number; write a number such as 85",
        ),
        (
            'kpi,period,value\n7,2019-10,"12,5"\n',
            2,
            "value",
            "uses a comma for decimals; use a full stop (12.5)",
        ),
        (
            "kpi,period,value\n42,2019-10,101\n",
            2,
            "value",
            "101 is not a percentage between 0 and 100",
        ),
        (
            "kpi,period,value\n42,2019-10,-1%\n",
            2,
            "value",
            "-1 is not a percentage between 0 and 100",
        ),
        (
            "kpi,period,value\n7,2019-10,12%\n",
            2,
            "value",
            "written with % but KPI 7 is measured in count",
        ),
        (
            "kpi,period,value\n7,2019-10,-3\n",
            2,
            "value",
            "-3 is negative",
        ),
        (
            "kpi,period,value,numerator,denominator\n42,2019-10,,21,20\n",
            2,
            "numerator",
            "the numerator (21) is larger than the denominator (20)",
        ),
        (
            "kpi,period,value,numerator,denominator\n42,2019-10,,0,0\n",
            2,
            "denominator",
            "the denominator is 0; it must be more than 0",
        ),
        (
            "kpi,period,value,numerator,denominator\n42,2019-10,,1,-4\n",
            2,
            "denominator",
            "the denominator is -4; it must be more than 0",
        ),
        (
            "kpi,period,value,numerator,denominator\n42,2019-10,80,17,20\n",
            2,
            "value",
            "the value 80 does not match numerator/denominator (17/20 = 85.0%)",
        ),
        (
            "kpi,period,value,numerator,denominator\n42,2019-10,,17,\n",
            2,
            "denominator",
            "numerator is given but denominator is blank; give both or neither",
        ),
        (
            "kpi,period,value\n7,2019-10,1\n7,2019-11,2\n7,Oct 2019,3\n",
            4,
            "value",
            "KPI 7 already has a value for Oct 2019 on line 2",
        ),
        (
            "kpi,period,value,team\n7,2019-10,1,North\n7,2019-10,2,South\n7,2019-10,3,north \n",
            4,
            "value",
            "KPI 7 already has a value for Oct 2019 for team 'north' on line 2",
        ),
        (
            "kpi,period,value\n24,2019-10,1\n",
            2,
            "kpi",
            "'24' is not a KPI in the plan; did you mean '42'?",
        ),
        (
            "kpi,period,value\nKPI 4,2019-10,1\n",
            2,
            "kpi",
            "'KPI 4' is not a KPI in the plan; did you mean '42'",
        ),
        (
            "kpi,period,value\n,2019-10,1\n",
            2,
            "kpi",
            "the KPI id is blank",
        ),
        (
            "kpi,period,value\n7,2019-08,1\n",
            2,
            "period",
            "Aug 2019 is outside the plan, which runs from Sep 2019 to Dec 2020",
        ),
        (
            "kpi,period,value\n7,Oct 2021,1\n",
            2,
            "period",
            "Oct 2021 is outside the plan",
        ),
        (
            "kpi,period,value\n7,Octobre 19,1\n",
            2,
            "period",
            "'Octobre' in 'Octobre 19' is not a month name",
        ),
        (
            "kpi,period,value\n7,10/31/2019,1\n",
            2,
            "period",
            "'10/31/2019' has month 31, which is not 1-12",
        ),
        (
            "kpi,period,value\n7,31/02/2020,1\n",
            2,
            "period",
            "'31/02/2020' is not a real date",
        ),
        (
            "kpi,period,value\n7,,1\n",
            2,
            "period",
            "the month is blank",
        ),
        (
            "kpi,period,value\n7,2019-10,1,234\n",
            2,
            None,
            "the row has 4 cells but the header has 3 columns; put any value that contains a comma",
        ),
        (
            "Period,42,KPI 99\n2019-10,85,1\n",
            1,
            "KPI 99",
            "'KPI 99' is not a KPI in the plan",
        ),
        (
            "Period,42,KPI 42\n2019-10,85,1\n",
            1,
            "KPI 42",
            "KPI 42 already has a column ('42')",
        ),
        (
            "Period,42,7\nsoon,85,1\n",
            2,
            "Period",
            "'soon' is not a month; write the month like 2019-10",
        ),
        (
            "Period,42,7\n2019-10,,1%\n",
            2,
            "7",
            "written with % but KPI 7 is measured in count",
        ),
        (
            "kpi,value\n7,1\n",
            1,
            "period",
            "the header has no 'period' column",
        ),
        (
            "42,7\n85,1\n",
            1,
            "period",
            "the header has no period column",
        ),
        (
            "kpi,period,value,Value\n7,2019-10,1,2\n",
            1,
            "Value",
            "column 'value' appears twice (columns 3 and 4)",
        ),
    ],
)
def test_rejections(
    tmp_path: Path, plan: Plan, text: str, line: int, field: str | None, message: str
) -> None:
    points, problems = load(write_csv(tmp_path, text), plan)
    problem = only(problems)
    assert (problem.path, problem.line, problem.field) == ("data/kpis.csv", line, field)
    assert all(p.source.line != line for p in points), "a rejected value must not be loaded"
    assert message in problem.message
    assert str(problem).startswith(f"data/kpis.csv:{line}: ")


def test_bad_rows_do_not_stop_good_rows(tmp_path: Path, plan: Plan) -> None:
    text = "kpi,period,value\n7,2019-10,1\n7,2019-11,x\n42,2019-11,200\n99,2019-12,5\n7,2019-12,3\n"
    points, problems = load(write_csv(tmp_path, text), plan)
    assert values(points) == [("7", OCT, 1.0), ("7", Period(2019, 12), 3.0)]
    assert [(p.line, p.field) for p in problems] == [(3, "value"), (4, "value"), (5, "kpi")]


def test_every_problem_on_a_row_is_reported(tmp_path: Path, plan: Plan) -> None:
    text = "kpi,period,value\n99,someday,lots\n"
    points, problems = load(write_csv(tmp_path, text), plan)
    assert points == []
    assert [(p.line, p.field) for p in problems] == [(2, "kpi"), (2, "period"), (2, "value")]


def test_missing_header_columns_each_reported(tmp_path: Path, plan: Plan) -> None:
    points, problems = load(write_csv(tmp_path, "kpi,month\n7,2019-10\n"), plan)
    assert points == []
    assert [(p.line, p.field) for p in problems] == [(1, "value")]
    points, problems = load(write_csv(tmp_path, "name,amount\nx,1\n"), plan)
    # Nothing like a header at all: one problem, not one per missing column.
    assert [str(p) for p in problems] == [
        "data/kpis.csv:1: no header row found: row 1 reads 'name', 'amount' and none of the "
        "first 10 rows heads the columns; the header row should be row 1: use either long "
        "form (columns kpi, period, value) or wide form (a period column plus one column per "
        "KPI, headed by its id such as 42 or 'KPI 42')"
    ]


def test_title_rows_above_an_excel_header_are_skipped(tmp_path: Path, plan: Plan) -> None:
    rows: list[list[object]] = [
        ["Children's services performance 2019-20"],
        [],
        ["Source: performance team, October return"],
        ["KPI", "Period", "Value"],
        [42, "2019-10", 71],
        [7, "2019-10", 16],
    ]
    points, problems = load(write_xlsx(tmp_path / "kpis.xlsx", rows), plan)
    assert problems == []
    assert values(points) == [("42", OCT, 71.0), ("7", OCT, 16.0)]
    assert [p.source.line for p in points] == [5, 6]


def test_a_sheet_with_only_a_title_and_no_header_is_reported_once(
    tmp_path: Path, plan: Plan
) -> None:
    rows: list[list[object]] = [["KPI returns 2019-20"], ["Supervision", "Oct", 71]]
    _points, problems = load(write_xlsx(tmp_path / "kpis.xlsx", rows), plan)
    assert len(problems) == 1
    assert str(problems[0]).startswith(
        "data/kpis.xlsx:1: no header row found: row 1 reads 'KPI returns 2019-20' and none of "
        "the first 10 rows heads the columns; the header row should be row 1"
    )


def test_audit_kpi_value_is_a_warning_and_ignored(tmp_path: Path, plan: Plan) -> None:
    text = "kpi,period,value\n9,2019-10,3\n7,2019-10,4\n"
    points, problems = load(write_csv(tmp_path, text), plan)
    assert values(points) == [("7", OCT, 4.0)]
    warning = only(problems, "warning")
    assert (warning.line, warning.field) == (2, "kpi")
    assert "KPI 9 is an audit measure" in warning.message
    assert "value was ignored" in warning.message


def test_audit_kpi_wide_column_is_a_warning_and_ignored(tmp_path: Path, plan: Plan) -> None:
    text = "period,9,7,Comments\n2019-10,3,4,fine\n"
    points, problems = load(write_csv(tmp_path, text), plan)
    assert values(points) == [("7", OCT, 4.0)]
    assert [(p.line, p.field, p.severity) for p in problems] == [
        (1, "9", "warning"),
        (1, "Comments", "warning"),
    ]


@pytest.mark.parametrize("text", ["", "\ufeff", "\r\n\r\n", " , ,\n"])
def test_empty_file(tmp_path: Path, plan: Plan, text: str) -> None:
    points, problems = load(write_csv(tmp_path, text), plan)
    assert points == []
    problem = only(problems)
    assert (problem.path, problem.line, problem.field) == ("data/kpis.csv", None, None)
    assert "the file is empty" in problem.message


def test_header_only_is_a_warning(tmp_path: Path, plan: Plan) -> None:
    points, problems = load(write_csv(tmp_path, "kpi,period,value\n"), plan)
    assert points == []
    assert only(problems, "warning").line == 1


def test_fractions_for_a_percent_kpi_are_an_error_naming_the_cell(
    tmp_path: Path, plan: Plan
) -> None:
    text = "kpi,period,value\n42,2019-10,0.85\n42,2019-11,0.9\n"
    _points, problems = load(write_csv(tmp_path, text), plan)
    assert [str(p) for p in problems] == [
        "data/kpis.csv:2: value: 0.85 for percent KPI 42 looks like a fraction (and 1 more on "
        "lines 3): percentages are read on a 0-100 scale, so it would be reported as 0.85%. "
        "Write 85 or 85%, or, if the data gives fractions, head the column 'value (fraction)' "
        "or set 'fractions: true' on KPI 42 in the plan"
    ]


def test_a_column_declared_as_fractions_is_read_as_percentages(tmp_path: Path, plan: Plan) -> None:
    text = "kpi,period,value (fraction)\n42,2019-10,0.85\n42,2019-11,90%\n"
    points, problems = load(write_csv(tmp_path, text), plan)
    assert problems == []
    assert [p.value for p in points] == [85.0, 90.0]
    wide = "period,KPI 42 (fraction)\n2019-10,0.5\n"
    points, problems = load(write_csv(tmp_path, wide), plan)
    assert problems == [] and [p.value for p in points] == [50.0]


def test_a_kpi_declared_as_fractions_in_the_plan_is_read_as_percentages(
    tmp_path: Path, plan: Plan
) -> None:
    recs = [
        r.model_copy(update={"kpis": [k.model_copy(update={"fractions": True}) for k in r.kpis]})
        for r in plan.recommendations
    ]
    declared = plan.model_copy(update={"recommendations": recs})
    points, problems = load(write_csv(tmp_path, "kpi,period,value\n42,2019-10,0.55\n"), declared)
    assert problems == [] and [p.value for p in points] == [55.0]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("kpis.xls", b"\xd0\xcf\x11\xe0", "old-style Excel .xls"),
        ("kpis.ods", b"x", "unsupported file type '.ods'"),
        ("kpis.xlsx", b"not a zip", "cannot open the workbook"),
        ("kpis.csv", b"PK\x03\x04rest", "Excel workbook with a .csv name"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, plan: Plan, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    points, problems = load(path, plan)
    assert points == []
    assert message in only(problems).message


def test_missing_file(tmp_path: Path, plan: Plan) -> None:
    points, problems = load(tmp_path / "gone.csv", plan)
    assert points == [] and only(problems).message == "file not found"


# -- the parsing helpers the other loaders share ---------------------------------


def test_parse_number_and_percent() -> None:
    assert parse_number("1,234,567.5").value == 1234567.5
    assert parse_number("85 %").percent_sign
    assert parse_number(12).value == 12.0
    assert parse_percent("85%") == 85.0
    with pytest.raises(ValueError, match="between 0 and 100"):
        parse_percent(120)
    for bad in ("1,23", "12.3.4", "abc", "", "nan", "inf", True):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_parse_period_and_date() -> None:
    assert parse_period(datetime(2020, 2, 29)) == Period(2020, 2)
    assert parse_period("10/2019") == OCT
    assert parse_period("1st October 2019") == OCT
    assert parse_date("31/10/2019") == date(2019, 10, 31)
    assert parse_date("2019-10-31") == date(2019, 10, 31)
    assert parse_date("31 Oct 2019") == date(2019, 10, 31)
    with pytest.raises(ValueError, match="day first"):
        parse_date("10/31/2019")
    with pytest.raises(ValueError, match="is a number, not a month"):
        parse_period(201910)


def test_kpi_ref() -> None:
    assert kpi_ref("KPI 42") == "42"
    assert kpi_ref("kpi_4A") == "4a"
    assert kpi_ref("12-Parent") == "12-parent"
    assert kpi_ref("Comments") is None
