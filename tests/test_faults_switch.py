"""A period's outputs change as one set: a reader sees the old set or the new, never a mix.

A real build runs in a child process; the moment anything in the period
folder changes, the test freezes the build (SIGSTOP, so it cannot finish
the job while the test looks), checks that the folder as a reader sees it is
a consistent set (every PDF the manifest lists has the manifest's hash),
then kills it with SIGKILL: the folder must still be consistent, and the
next build must work and clear up after the killed one.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from build_project import write_project

pytestmark = pytest.mark.slow

PERIOD = "2019-10"
BUILD = [sys.executable, "-m", "reportgen", "build", "--period", PERIOD, "-j", "1", "-q"]
PACKS = ["--pack", "summary", "--pack", "recommendation"]


def build(root: Path, epoch: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}  # a new date changes every PDF
    return subprocess.Popen(
        [*BUILD, "-p", str(root), *PACKS],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def visible(folder: Path) -> dict[str, int]:
    """What a reader of the folder sees now: each file's identity (inode)."""
    seen: dict[str, int] = {}
    for rel in WATCHED:
        try:
            seen[rel] = (folder / rel).stat().st_ino
        except FileNotFoundError:
            seen[rel] = 0
    return seen


WATCHED = [
    "manifest.json",
    f"rag-summary-{PERIOD}.pdf",
    "recommendations/rec-01-supervision.pdf",
    "recommendations/rec-02-neglect.pdf",
]


def consistent(folder: Path) -> str | None:
    """None when every output the manifest lists is there with its hash; else what is wrong."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for output in manifest["outputs"]:
        data = (folder / output["path"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != output["sha256"]:
            return f"{output['path']} does not match manifest built {manifest['built']}"
    return None


def test_a_reader_never_sees_a_mixed_set_even_when_the_build_is_killed(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    folder = root / "outputs" / PERIOD
    first = build(root, 1_572_566_400)  # 2019-11-01
    assert first.wait(300) == 0, first.stderr.read() if first.stderr else ""
    before = visible(folder)
    assert all(before.values()), before
    old_built = json.loads((folder / "manifest.json").read_text())["built"]

    second = build(root, 1_573_171_200)  # 2019-11-08
    try:
        deadline = time.monotonic() + 300
        while visible(folder) == before:
            assert second.poll() is None, "the build ended before any change was seen"
            assert time.monotonic() < deadline, "no change within 300 s"
        os.kill(second.pid, signal.SIGSTOP)  # freeze it at the first change a reader could see
        problem = consistent(folder)
        os.kill(second.pid, signal.SIGKILL)
    finally:
        if second.poll() is None:
            os.kill(second.pid, signal.SIGKILL)
        second.wait(30)
    assert problem is None, f"a reader saw a mixed set: {problem}"
    assert consistent(folder) is None
    built = json.loads((folder / "manifest.json").read_text())["built"]
    assert built in (old_built, "2019-11-08T00:00:00Z")

    # The next build works and leaves exactly one set behind.
    third = build(root, 1_573_776_000)  # 2019-11-15
    assert third.wait(300) == 0, third.stderr.read() if third.stderr else ""
    assert consistent(folder) is None
    assert json.loads((folder / "manifest.json").read_text())["built"] == "2019-11-15T00:00:00Z"
    leftovers = [
        p.name
        for p in (root / "outputs").rglob("*")
        if p.name.startswith(".staging-") or p.name.endswith(".tmp")
    ]
    assert leftovers == []
