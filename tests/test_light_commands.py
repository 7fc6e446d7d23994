"""``validate``, ``assess`` and ``export`` stay light: no PDF renderer, no chart library.

They are what an analyst runs over and over while fixing inputs, and on a
machine without Pango they must still work.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from build_project import write_project

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
