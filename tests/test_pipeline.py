"""The pipeline: one rule for the month, and the library's entry points stay light."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from assess_factory import P, project, series
from build_project import NOTE_1, write_project

from reportgen.pipeline import (
    check_project,
    choose_period,
    last_complete_month,
    load_for_period,
    outputs_dir,
)


def test_the_month_given_wins_then_as_of_then_the_latest_data() -> None:
    loaded = project(series("42", "2019-04", [58, 60, 61, 63, 65, 68, 71]))  # to 2019-10
    assert choose_period(loaded, P("2019-06"), date(2019, 9, 30)) == P("2019-06")
    # --as-of picks the latest month with data on or before it ...
    assert choose_period(loaded, None, date(2019, 8, 15)) == P("2019-08")
    # ... or its own month when there is none by then,
    assert choose_period(loaded, None, date(2019, 1, 15)) == P("2019-01")
    # ... and the data's latest month when nothing else is said.
    assert choose_period(loaded, None, None) == P("2019-10")
    # No data at all: the plan's first month, which validate warns about.
    assert choose_period(project([]), None, None) == loaded.plan.start


def test_a_scheduled_run_reports_on_the_last_complete_month() -> None:
    assert last_complete_month(date(2019, 11, 1)) == P("2019-10")
    assert last_complete_month(date(2020, 1, 31)) == P("2019-12")


def test_load_for_period_adds_the_chosen_months_warnings(tmp_path: Path) -> None:
    # The month is not known when the files are read; its warnings come after.
    root = write_project(tmp_path / "p", notes={"rec-01.md": NOTE_1})
    loaded, period = load_for_period(root, None, None)
    assert period == P("2019-10")
    assert [str(p) for p in loaded.warnings] == [
        "inputs/notes/2019-10: recommendation 2: warning: no note for 2019-10; "
        "add inputs/notes/2019-10/rec-02.md"
    ]


def test_outputs_dir_is_the_projects_or_the_one_given(tmp_path: Path) -> None:
    assert outputs_dir(tmp_path) == tmp_path.resolve() / "outputs"
    assert outputs_dir(tmp_path, tmp_path / "elsewhere") == tmp_path.resolve() / "elsewhere"


def test_importing_the_pipeline_loads_no_renderer_or_mail_code() -> None:
    probe = (
        "import sys, reportgen.pipeline, reportgen.progress\n"
        "print(' '.join(sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'weasyprint', 'matplotlib', 'jinja2', 'rich'} or n.startswith("
        "('reportgen.render', 'reportgen.build', 'reportgen.distribute')))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_validate_checks_the_month_a_build_would_choose(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    _, _, checked = check_project(root)
    _, chosen = load_for_period(root, None, None)
    assert checked == chosen == P("2019-10")
    # With no KPI data there is nothing to choose by: validate names no month.
    (root / "inputs" / "kpis" / "kpis.csv").unlink()
    loaded, _, checked = check_project(root)
    assert loaded is not None and checked is None
