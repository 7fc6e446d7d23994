"""`reportgen assess` and the as-at date, on a project written to disk."""

from __future__ import annotations

import json
from pathlib import Path

from build_project import write_project
from click.testing import CliRunner

from reportgen.cli import main


def test_assess_table_shows_every_recommendation_kpi_and_action(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    result = CliRunner().invoke(main, ["assess", "-p", str(root), "--period", "2019-10"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "assessment for October 2019 (as at 31 Oct 2019)" in out
    assert "Red: 16% vs target 10%, 6 points above" in out  # KPI 27
    assert "Red: KPI 27 CP plans over 18 months 16% vs 10%, 6 points above" in out  # rec 1
    for ref in ("1.1", "1.2", "2.1"):
        assert f"\n{ref} " in out


def test_assess_json_with_as_of_judges_actions_at_that_date(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    args = ["assess", "-p", str(root), "--period", "2019-10", "--format", "json"]
    late = CliRunner().invoke(main, [*args, "--as-of", "2020-01-15"])
    assert late.exit_code == 0, late.output
    data = json.loads(late.output)
    assert data["as_of"] == "2020-01-15"
    actions = {a["ref"]: a for r in data["recommendations"] for a in r["actions"]}
    # 1.1 was revised to Nov 2019: as at 15 Jan 2020 that is 45 days = 6 weeks overdue.
    assert (actions["1.1"]["state"], actions["1.1"]["overdue_weeks"]) == ("overdue", 6)
    assert actions["1.1"]["slippage_months"] == 3


def test_as_of_before_the_period_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    result = CliRunner().invoke(
        main, ["assess", "-p", str(root), "--period", "2019-10", "--as-of", "2019-09-01"]
    )
    assert result.exit_code == 1
    assert "is before the period 2019-10" in result.output


def test_as_of_picks_the_latest_month_with_data(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    result = CliRunner().invoke(
        main, ["assess", "-p", str(root), "--as-of", "2019-12-02", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # No data after October, so the on-demand pack reports October, as at 2 December.
    assert (data["period"], data["as_of"]) == ("2019-10", "2019-12-02")


def test_bad_as_of_is_a_usage_error(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    result = CliRunner().invoke(main, ["assess", "-p", str(root), "--as-of", "next week"])
    assert result.exit_code == 2
    assert "use YYYY-MM-DD or 'today'" in result.output


def test_assess_with_bad_inputs_says_what_to_do_not_that_nothing_was_written(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "p")
    (root / "inputs/updates/2019-10.csv").write_text("ref,status\n1.1,in progress\n")
    result = CliRunner().invoke(main, ["assess", "-p", str(root), "--period", "2019-10"])
    assert result.exit_code == 1
    assert "inputs/updates/2019-10.csv:2: status: unknown status 'in progress'" in result.output
    assert "reportgen: 1 error in the inputs; fix them and run again" in result.output
    assert "nothing was written" not in result.output
    assert "add a row for 1.1" not in result.output  # no knock-on warning from that row
