"""`reportgen run` when outputs/ cannot be written: exit 1 and a message, never a traceback.

Tests run as root, for whom chmod does not make a folder read-only; a file
where the folder should be fails for everyone, and so does a folder with the
immutable attribute (see ``immutable.py``).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from build_project import write_project
from immutable import immutable

from reportgen.scheduled import EXIT_FAILED


def run_cli(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "-p", str(root), "--period", "2019-10"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("fault", "named"),
    [
        ("file in place of outputs/", "outputs"),
        ("file in place of outputs/logs/", "outputs/logs"),
        ("read-only outputs/", "outputs/logs"),
    ],
)
def test_run_with_unwritable_outputs_exits_1_with_a_message(
    tmp_path: Path, fault: str, named: str
) -> None:
    root = write_project(tmp_path / "p")
    with contextlib.ExitStack() as stack:
        if fault.startswith("file in place of"):
            target = root / named
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("not a folder\n")
        else:
            (root / "outputs").mkdir()
            stack.enter_context(immutable(root / "outputs"))
        result = run_cli(root)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == EXIT_FAILED
    assert "cannot write the run log" in result.stderr
    assert "nothing was built or sent; no log written" in result.stderr
    assert named in result.stderr  # names the file in the way
