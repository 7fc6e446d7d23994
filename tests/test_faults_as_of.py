"""An as-at date outside the plan is refused like a period outside it, or said plainly.

``--as-of 2002-03-31`` (a typo for 2020) used to build an all-green pack
seventeen years before the plan; ``--as-of today`` long after the data built
a pack "as at" today with nothing saying the data was years old.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from build_project import write_project
from click.testing import CliRunner
from pypdf import PdfReader

from reportgen.assess.engine import assess
from reportgen.cli import main
from reportgen.pipeline import load_for_period


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["build", "assess"])
def test_as_of_before_the_plan_is_refused_as_validate_refuses_the_month(
    tmp_path: Path, command: str
) -> None:
    root = write_project(tmp_path / "p")
    code, out = cli(command, "-p", str(root), "--as-of", "2002-03-31")
    assert code == 1, out
    assert "inputs/plan.yaml: period: 2002-03 is outside the plan (2019-04 to 2020-03)" in out
    assert "--as-of: warning: 2002-03-31 gives that month; check the year" in out
    assert "Traceback" not in out
    assert not (root / "outputs" / "2002-03").exists()
    code, out = cli("validate", "-p", str(root), "--period", "2002-03")
    assert code == 1 and "2002-03 is outside the plan (2019-04 to 2020-03)" in out


def test_staleness_is_judged_against_the_as_at_date(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    project, period = load_for_period(root, None, None)
    fresh = assess(project, period)
    assert [k.stale for k in fresh.kpis] == [False] * len(fresh.kpis)
    project, period = load_for_period(root, None, date(2026, 12, 2))
    assert str(period) == "2019-10"
    late = assess(project, period, date(2026, 12, 2))
    assert all(k.stale for k in late.kpis if k.measure == "quantitative")
    assert {k.age_months for k in late.kpis if k.latest_period} == {86}
    said = [str(w) for w in project.warnings if w.path == "--as-of"]
    assert said == [
        "--as-of: warning: 2026-12-02 is after the plan ends (March 2020); actions are judged "
        "as at a date the plan does not cover",
        "--as-of: warning: 2026-12-02 is 86 months after the newest KPI data (October 2019; "
        "data is stale after 2 months): every KPI is judged stale",
    ]


@pytest.mark.slow
def test_a_pack_as_at_long_after_its_data_says_how_old_the_data_is(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    code, out = cli(
        "build", "-p", str(root), "--as-of", "2026-12-02", "--pack", "board", "-j", "1", "-q"
    )
    assert code == 0, out
    assert "warning: --as-of 2026-12-02 is after the plan ends (March 2020)" in out
    assert "warning: --as-of 2026-12-02 is 86 months after the newest KPI data" in out
    assert "; 2 warnings;" in out
    pages = [
        " ".join(p.extract_text().split())
        for p in PdfReader(root / "outputs/2019-10/board-pack-2019-10.pdf").pages
    ]
    newest = "October 2019, 86 months before the as-at date (2 December 2026)"
    assert f"Newest data {newest}" in pages[0]  # the cover
    appendix = next(p for p in pages if "Appendix A: Data quality" in p and "Newest KPI" in p)
    assert f"Newest KPI data: {newest}." in appendix
    assert "stale" in appendix
