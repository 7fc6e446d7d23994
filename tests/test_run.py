"""`reportgen run`: the unattended monthly run, end to end with real PDFs and SMTP."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from build_project import write_project
from click.testing import CliRunner
from test_distribute_helpers import Handler, mail_block

from reportgen.cli import main
from reportgen.lock import EXIT_BUSY
from reportgen.periods import Period
from reportgen.pipeline import last_complete_month
from reportgen.scheduled import EXIT_FAILED, scheduled_run

pytestmark = pytest.mark.slow

DISTRIBUTION = """\
schema_version: 1
mail: {mail}
retry: {{attempts: 3, base_delay_seconds: 0.001, max_delay_seconds: 0.01}}
groups:
  - id: board
    name: Improvement Board
    packs: {{board: true, summary: true}}
  - id: tfg-workforce
    name: Workforce task-and-finish group
    packs: {{workstreams: [workforce]}}
recipients:
  - name: Board Chair
    email: chair@example.org
    groups: [board]
  - name: Workforce Lead
    email: workforce@example.org
    groups: [tfg-workforce]
    packs: {{recommendations: ["2"]}}
"""


@pytest.fixture
def smtp(handler: Handler, server: Controller) -> tuple[Handler, int]:
    return handler, server.port


def project_with_mail(root: Path, port: int) -> Path:
    write_project(root)
    (root / "inputs" / "distribution.yaml").write_text(
        DISTRIBUTION.format(mail=mail_block(port)), encoding="utf-8"
    )
    return root


@contextmanager
def lock_held_elsewhere(outputs: Path) -> Iterator[None]:
    """Another process holds the project lock for the ``with`` block."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from reportgen.lock import project_lock\n"
            "with project_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)",
            str(outputs),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_last_complete_month() -> None:
    from datetime import date

    assert last_complete_month(date(2019, 11, 1)) == Period(2019, 10)
    assert last_complete_month(date(2020, 1, 15)) == Period(2019, 12)


def test_run_builds_and_sends_each_reader_their_packs_once(
    tmp_path: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    root = project_with_mail(tmp_path / "p", port)
    result = CliRunner().invoke(main, ["run", "-p", str(root), "--period", "2019-10"])
    assert result.exit_code == 0, result.output
    got = {
        rcpt: {name for m in msgs for name in m.attachments()}
        for rcpt, msgs in handler.by_recipient().items()
    }
    assert got == {
        "chair@example.org": {"board-pack-2019-10.pdf", "rag-summary-2019-10.pdf"},
        "workforce@example.org": {"workforce-2019-10.pdf", "rec-02-neglect.pdf"},
    }
    # Attachments are the built files, byte for byte.
    out = root / "outputs" / "2019-10"
    chair = handler.by_recipient()["chair@example.org"][0].attachments()
    assert chair["board-pack-2019-10.pdf"] == (out / "board-pack-2019-10.pdf").read_bytes()
    logs = list((root / "outputs" / "logs").glob("run-2019-10-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text()
    assert "built 6 packs" in text and "run for 2019-10 complete" in text
    # A second scheduled run (same inputs) sends nothing new.
    again = scheduled_run(root, period=Period(2019, 10))
    assert again.status == 0
    assert len(handler.messages) == 2


def test_run_refuses_to_overlap(tmp_path: Path, smtp: tuple[Handler, int]) -> None:
    handler, port = smtp
    root = project_with_mail(tmp_path / "p", port)
    (root / "outputs").mkdir()
    with lock_held_elsewhere(root / "outputs"):
        started = time.monotonic()
        result = scheduled_run(root, period=Period(2019, 10))
        assert result.status == EXIT_BUSY
        assert time.monotonic() - started < 10
    assert handler.messages == []
    assert not (root / "outputs" / "2019-10").exists()


def test_run_with_bad_inputs_sends_nothing_and_logs_why(
    tmp_path: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    root = project_with_mail(tmp_path / "p", port)
    (root / "inputs/kpis/kpis.csv").write_text("kpi,period,value\n42,2019-10,150%\n")
    result = CliRunner().invoke(main, ["run", "-p", str(root), "--period", "2019-10"])
    assert result.exit_code == EXIT_FAILED
    assert handler.messages == []
    log = next((root / "outputs" / "logs").glob("run-2019-10-*.log")).read_text()
    assert "inputs/kpis/kpis.csv:2" in log
    assert "nothing was built or sent" in log


def test_build_refuses_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    (root / "outputs").mkdir()
    with lock_held_elsewhere(root / "outputs"):
        result = CliRunner().invoke(
            main, ["build", "-p", str(root), "--period", "2019-10", "--pack", "summary", "-q"]
        )
    assert result.exit_code == EXIT_BUSY == 4
    assert "the project is busy (process " in result.output
    assert "wait for it to finish and run again" in result.output
    assert "Traceback" not in result.output
    assert not (root / "outputs" / "2019-10").exists()


def test_send_exits_4_like_build_and_run_while_the_project_is_busy(
    tmp_path: Path, smtp: tuple[Handler, int]
) -> None:
    _handler, port = smtp
    root = project_with_mail(tmp_path / "p", port)
    (root / "outputs").mkdir()
    with lock_held_elsewhere(root / "outputs"):
        result = CliRunner().invoke(main, ["send", "-p", str(root), "--period", "2019-10"])
    assert result.exit_code == EXIT_BUSY
    assert "the project is busy" in result.output
    assert "Traceback" not in result.output
