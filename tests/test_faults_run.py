"""`reportgen run` when outputs/ cannot be written: exit 1 and a message, never a traceback.

Tests run as root, for whom chmod does not make a folder read-only; a file
where the folder should be fails for everyone, so that is the fault used.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from build_project import write_project

from reportgen.scheduled import EXIT_FAILED


def run_cli(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "-p", str(root), "--period", "2019-10"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("blocked", ["outputs", "outputs/logs"])
def test_run_with_unwritable_outputs_exits_1_with_a_message(tmp_path: Path, blocked: str) -> None:
    root = write_project(tmp_path / "p")
    target = root / blocked
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("not a folder\n")
    result = run_cli(root)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == EXIT_FAILED
    assert "cannot write the run log" in result.stderr
    assert "nothing was built or sent; no log written" in result.stderr
    assert blocked in result.stderr  # names the file in the way
