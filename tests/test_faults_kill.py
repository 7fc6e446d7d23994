"""A real ``kill -9`` of a real build: nothing may stay behind to block or litter the project."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from build_project import write_project

from reportgen.lock import project_lock

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc"),
]


REPORTGEN = [sys.executable, "-m", "reportgen"]
SUMMARY_ONLY = ["--pack", "summary", "-j", "1", "-q"]


def children(pid: int) -> set[int]:
    """Live child processes of ``pid`` (from /proc, no third-party tools)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.update(int(p) for p in task.read_text().split())
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_until(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


def start(command: str, root: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reportgen",
            command,
            "-p",
            str(root),
            "--period",
            "2019-10",
            *list(extra),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # as cron runs it: nobody kills the group for us
    )


@pytest.mark.parametrize(("command", "options"), [("build", ["-q"]), ("run", [])])
def test_kill_9_of_build_or_run_leaves_nothing_running_locked_or_half_built(
    tmp_path: Path, command: str, options: list[str]
) -> None:
    root = write_project(tmp_path / "p")
    period_dir = root / "outputs" / "2019-10"
    sets = root / "outputs" / ".builds"
    build = start(command, root, "-j", "2", *options)
    assert build.stdout is not None
    try:
        # Kill the main process while its workers are laying out PDFs.
        wait_until(lambda: any(sets.glob("2019-10.*")), 120, "the build to start a new set")
        workers = children(build.pid)
        assert len(workers) >= 2, workers
        os.kill(build.pid, signal.SIGKILL)
        build.wait(10)

        wait_until(lambda: not any(alive(w) for w in workers), 5, "the workers to die")
        # A pipe reader (cron, `| mail`) sees end-of-file: nobody holds the pipe.
        ready, _, _ = select.select([build.stdout], [], [], 5)
        assert ready, "the output pipe is still held open"
        build.stdout.read()
        # The lock died with the main process: this process can take it at once.
        with project_lock(root / "outputs"):
            pass
    finally:
        for pid in children(build.pid) | {build.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        build.stdout.close()

    killed = list(sets.glob("2019-10.*"))
    assert killed, "the kill should have left a half-built set"
    assert not period_dir.exists(), "a half-built set must never be shown"
    again = subprocess.run(
        [
            *REPORTGEN,
            "build",
            "-p",
            str(root),
            "--period",
            "2019-10",
            "--pack",
            "summary",
            "-j",
            "1",
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert "built 1 pack" in again.stdout
    assert list(sets.iterdir()) == [period_dir.resolve()], "the killed build's set is left"
