"""``reportgen validate``: problem lines, one summary line, exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from minimal_project import make_project, write

from reportgen.cli import main

REPO = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(
    r"^inputs (?P<verdict>valid|invalid)(?: for (?P<period>\d{4}-\d{2}))?: (?P<what>.*); "
    r"(?P<errors>\d+) errors?, (?P<warnings>\d+) warnings? \(\d+\.\d s\)$"
)


def run(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.splitlines()


def test_clean_project_exits_0_with_one_summary_line(tmp_path: Path) -> None:
    code, lines = run("--project", str(make_project(tmp_path)))
    assert code == 0
    assert len(lines) == 1
    m = SUMMARY.match(lines[0])
    assert m, lines[0]
    assert m["verdict"] == "valid"
    assert m["period"] == "2019-10"  # the latest month with KPI data
    assert m["what"] == (
        "2 recommendations, 3 actions, 3 KPIs (2 quantitative), 6 data points, "
        "3 action updates, 2 notes"
    )
    assert (m["errors"], m["warnings"]) == ("0", "0")


def test_errors_are_listed_then_summarised_and_exit_1(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/updates/2019-10.csv", "ref,status\n1.1,done\n1.7,complete\n")
    code, lines = run("--project", str(root))
    assert code == 1
    # Sorted by file then line, as an editor lists them; the summary comes last.
    # Action 1.1's row is an error, so no "there is no update" warning repeats it.
    assert lines[:-1] == [
        "inputs/updates/2019-10.csv: action 2.1: warning: due date 2019-09 has passed and "
        "there is no update for 2019-10; add a row for 2.1 to inputs/updates/2019-10.csv",
        "inputs/updates/2019-10.csv:2: status: unknown status 'done'; use one of: "
        "not started, on track, at risk, off track, complete, blocked",
        "inputs/updates/2019-10.csv:3: ref: unknown action '1.7' (did you mean '1.2'?); "
        "use a ref from the plan's actions",
    ]
    m = SUMMARY.match(lines[-1])
    assert m, lines[-1]
    assert m["verdict"] == "invalid"
    assert (m["errors"], m["warnings"]) == ("2", "1")


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "inputs" / "notes" / "2019-10" / "rec-01.md").unlink()
    code, lines = run("--project", str(root))
    assert code == 0
    assert lines[0] == (
        "inputs/notes/2019-10: recommendation 1: warning: no note for 2019-10; "
        "add inputs/notes/2019-10/rec-01.md"
    )
    m = SUMMARY.match(lines[1])
    assert m and m["verdict"] == "valid" and m["warnings"] == "1"

    code, lines = run("--project", str(root), "--strict")
    assert code == 1
    m = SUMMARY.match(lines[-1])
    assert m and m["verdict"] == "invalid" and (m["errors"], m["warnings"]) == ("0", "1")


def test_explicit_period(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    code, lines = run("--project", str(root), "--period", "2019-09")
    # September has data for both KPIs but no notes and no updates file.
    assert code == 0
    assert [line.split(": ")[1] for line in lines[:-1]] == [
        "recommendation 1",
        "recommendation 2",
        "action 1.1",
    ]
    m = SUMMARY.match(lines[-1])
    assert m and m["period"] == "2019-09"


def test_bad_period_option_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["validate", "--project", str(make_project(tmp_path)), "--period", "Sept"]
    )
    assert result.exit_code == 2
    assert "expected a month as YYYY-MM, got 'Sept'" in result.output


def test_unreadable_plan(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/plan.yaml", "title: Plan\n")
    code, lines = run("--project", str(root))
    assert code == 1
    assert "inputs/plan.yaml:1: organisation: required field is missing" in lines
    m = SUMMARY.match(lines[-1])
    assert m and m["period"] is None
    assert m["what"] == (
        "inputs/plan.yaml could not be read, so KPI ids, action refs, recommendation numbers, "
        "units and the plan's months were not checked in the other files; fix the plan and "
        "run again to check those"
    )


def test_a_broken_plan_does_not_hide_the_other_files_problems(tmp_path: Path) -> None:
    # Five mistakes in five files: one run lists all of them, not one round each.
    root = tmp_path / "p"
    assert CliRunner().invoke(main, ["new", str(root)]).exit_code == 0
    edits = {
        "inputs/plan.yaml": (
            "organisation: Example County Council",
            "organisation: Example\n  oops: x",
        ),
        "inputs/kpis/kpis.csv": ("2,2025-04,41,,,", "2,2025-04,4l,,,"),
        "inputs/updates/2025-06.csv": ("2.2,on track,", "2.2,in progress,"),
        "inputs/notes/2025-06/rec-01.md": ("date: 2025-07-03", "date: 2025-07-33"),
        "inputs/distribution.yaml": ("port: 587", "port: lots"),
    }
    for name, (old, new) in edits.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new), encoding="utf-8")
    code, lines = run("--project", str(root))
    assert code == 1
    assert lines[0].startswith("inputs/distribution.yaml:10: mail.port: ")
    assert lines[1:-1] == [
        "inputs/kpis/kpis.csv:5: value: '4l' is not a number; write a number such as 85, 85.5, "
        "1,234 or 85% (leave the cell blank if there is no value)",
        "inputs/notes/2025-06/rec-01.md:5: date: must be a date as YYYY-MM-DD "
        "(e.g. 2019-11-28), got '2025-07-33'",
        "inputs/plan.yaml:15: invalid YAML: this line is indented 2 spaces, more than the line "
        "above (0 spaces), so it reads as part of that line's value; indent it exactly like "
        "the key it belongs with",
        "inputs/updates/2025-06.csv:5: status: unknown status 'in progress'; use one of: "
        "not started, on track, at risk, off track, complete, blocked",
    ]
    m = SUMMARY.match(lines[-1])
    assert m, lines[-1]
    assert m["what"].startswith("inputs/plan.yaml could not be read, so KPI ids, action refs")
    assert (m["errors"], m["warnings"]) == ("5", "0")


@pytest.mark.skipif(
    not (REPO / "inputs" / "plan.yaml").is_file(), reason="example inputs not generated yet"
)
def test_the_example_inputs_validate_without_errors() -> None:
    code, lines = run("--project", str(REPO))
    assert code == 0, "\n".join(lines)
    m = SUMMARY.match(lines[-1])
    assert m and m["verdict"] == "valid" and m["errors"] == "0"
    assert m["period"] == "2020-03"


def test_as_of_gives_the_month_and_the_warnings_a_build_would(tmp_path: Path) -> None:
    project = str(make_project(tmp_path))
    # A date in a month with data: that month, nothing to say.
    code, lines = run("--project", project, "--as-of", "2019-10-31")
    assert code == 0 and SUMMARY.match(lines[-1])["period"] == "2019-10"  # type: ignore[index]
    # Years after the plan: said plainly, as the build says it, still valid.
    code, lines = run("--project", project, "--as-of", "2031-01-15")
    assert code == 0, lines
    assert any(
        line.startswith("--as-of: warning: 2031-01-15 is after the plan ends") for line in lines
    ), lines
    assert any("every KPI is judged stale" in line for line in lines), lines
    # Before the month asked for: an error, exit 1.
    code, lines = run("--project", project, "--period", "2019-10", "--as-of", "2019-09-01")
    assert code == 1
    assert (
        "--as-of: 2019-09-01 is before the period 2019-10; choose a later date or an "
        "earlier period" in lines
    )
    # Not a date: click's usage error, no traceback.
    code, lines = run("--project", project, "--as-of", "soon")
    assert code == 2 and any("is not a date" in line for line in lines), lines
