"""Fixtures shared across test modules.

* A real SMTP server on loopback for the mail tests.
* The worked example and the small test project each built once per session
  (:func:`example_build`, :func:`small_build`): most of the suite's time
  used to go on building the same projects again in each module that reads
  their PDFs. Tests that only read the build share it; a
  test that must change inputs or outputs (send, rebuild, crash) works on
  :func:`copy_of_build`, or builds its own project.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from test_distribute_helpers import Handler, free_port, start_server

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_PERIOD = "2020-03"
EXAMPLE_MEETING_DATE = date(2020, 4, 21)
"""The cover's meeting date in the shared build (the board meets after the month ends)."""


@pytest.fixture
def handler() -> Handler:
    """Records what the server accepts; tests tell it when to fail."""
    return Handler()


@pytest.fixture
def server(handler: Handler) -> Iterator[Controller]:
    """A plain (no TLS) aiosmtpd server on a free loopback port."""
    controller = start_server(handler, free_port())
    yield controller
    controller.stop()


def _fingerprint(root: Path) -> dict[str, str]:
    """Every file and link under ``root`` with its content (links: their target)."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = f"-> {path.readlink()}"
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@contextmanager
def _unchanged(root: Path) -> Iterator[Path]:
    """Yield ``root``; fail the session if anything under it changed meanwhile.

    The tests run as root, so file permissions cannot keep a test from
    writing into a shared build; instead the whole tree is fingerprinted
    now and again when the session ends (a test that writes must work on a
    ``build_project.copy_build``).
    """
    before = _fingerprint(root)
    yield root
    after = _fingerprint(root)
    changed = sorted(set(before) ^ set(after) | {k for k in before if after.get(k) != before[k]})
    assert not changed, f"a test changed the shared build {root}: {changed[:10]}"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the worked example with every pack built for March 2020, shared
    by the whole session: READ ONLY (see :func:`_unchanged`).

    Built in-process like ``reportgen build --period 2020-03``, with the
    board's meeting date on the cover.
    """
    from reportgen.periods import Period
    from reportgen.pipeline import run_build
    from reportgen.render.context import Cover

    root = tmp_path_factory.mktemp("example-build")
    shutil.copytree(REPO / "inputs", root / "inputs")
    run_build(
        root,
        period=Period.parse(EXAMPLE_PERIOD),
        jobs=2,
        cover=Cover(meeting_date=EXAMPLE_MEETING_DATE),
    )
    with _unchanged(root):
        yield root


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``build_project.write_project``'s small project with every pack built for
    October 2019, shared by the whole session: READ ONLY (see :func:`_unchanged`)."""
    from build_project import write_project

    from reportgen.periods import Period
    from reportgen.pipeline import run_build

    root = write_project(tmp_path_factory.mktemp("small-build"))
    run_build(root, period=Period.parse("2019-10"), jobs=2)
    with _unchanged(root):
        yield root
