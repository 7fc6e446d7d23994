"""Commands import the PDF renderer and the chart library only when they use them.

``validate``, ``assess`` and ``export`` are what an analyst runs over and
over while fixing inputs, and on a machine without Pango they must still
work. ``send``, ``collect`` and ``chase`` never lay anything out, and a
``build`` with nothing to lay out or draw must not pay seconds for
importing WeasyPrint and matplotlib, in any of its processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from build_project import copy_build, write_project

PROBE = """
import sys
from click.testing import CliRunner
from reportgen.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
heavy = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {"weasyprint", "matplotlib", "pandas"}
    or name.startswith(("reportgen.render", "reportgen.build"))
)
print(result.exit_code, " ".join(heavy))
"""


@pytest.mark.parametrize(
    "command",
    [["validate"], ["assess"], ["assess", "--format", "json"], ["export", "--format", "csv"]],
    ids=" ".join,
)
def test_validate_and_assess_import_no_rendering_code(tmp_path: Path, command: list[str]) -> None:
    root = write_project(tmp_path / "p")
    args = [*command, "--project", str(root), "--period", "2019-10"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    code, _, heavy = done.stdout.strip().partition(" ")
    assert code == "0", done.stdout + done.stderr
    assert heavy == ""


def test_the_lock_module_imports_without_fcntl() -> None:
    # Importing reportgen must work where fcntl does not exist; only taking a lock needs it.
    probe = (
        "import sys; sys.modules['fcntl'] = None\n"
        "import reportgen.lock, reportgen.cli\n"
        "print(json.dumps(reportgen.lock.EXIT_BUSY))"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + probe], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == 4


LAYOUT_AND_CHARTS = {"weasyprint", "matplotlib"}


def _imported_by_every_process(args: list[str], root: Path) -> tuple[str, set[str]]:
    """Run ``reportgen ARGS`` with Python's import-time report on; return its output
    and the top-level packages imported by any of its processes (the report
    goes to stderr from forked workers too)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", *args, "--project", str(root)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    return done.stdout, names


@pytest.mark.slow
def test_a_build_imports_weasyprint_and_matplotlib_only_to_lay_out_and_draw(
    example_build: Path, tmp_path: Path
) -> None:
    root = copy_build(example_build, tmp_path / "example")
    args = ["build", "--period", "2020-03", "--pack", "recommendation", "--only", "1", "-q"]
    # Something to do: one chart missing from the cache, one note changed.
    next((root / "outputs" / ".cache" / "charts").glob("*.png")).unlink()
    note = root / "inputs" / "notes" / "2020-03" / "rec-01.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more sentence.\n", "utf-8")
    out, imported = _imported_by_every_process([*args, "--jobs", "2"], root)
    assert "1 laid out" in out and "charts: 1 drawn" in out, out
    assert imported >= LAYOUT_AND_CHARTS  # the report sees the workers' imports

    # The same build again: nothing to lay out or draw, so neither is imported anywhere.
    out, imported = _imported_by_every_process([*args, "--jobs", "2"], root)
    assert "0 laid out" in out and "charts: 0 drawn" in out, out
    assert imported & LAYOUT_AND_CHARTS == set()


@pytest.mark.slow
def test_send_collect_and_chase_import_no_rendering_code(
    example_build: Path, tmp_path: Path
) -> None:
    root = copy_build(example_build, tmp_path / "example")
    for command, code in (
        (["send", "--dry-run"], 0),
        (["collect"], 0),
        (["chase"], 0),  # the example has every March return in
    ):
        args = [*command, "--project", str(root), "--period", "2020-03"]
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
        )
        got, _, heavy = done.stdout.strip().partition(" ")
        assert got == str(code), (command, done.stdout + done.stderr)
        assert heavy == "", command
