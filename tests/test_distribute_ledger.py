"""The delivery ledger survives crashes; the project lock keeps runs apart."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from build_project import write_project
from test_distribute_helpers import (
    EXPECTED,
    PERIOD,
    Handler,
    make_build,
    write_distribution,
)

from reportgen import pipeline
from reportgen.contract import LEDGER_NAME, ContractError, Entry, PackRecord
from reportgen.distribute import Ledger, send_period
from reportgen.lock import LOCK_NAME, LockHeldError, project_lock
from reportgen.periods import Period

P = Period.parse(PERIOD)


def entry(
    who: str, path: str = "a.pdf", digest: str = "a" * 64, status: str = "delivered"
) -> Entry:
    return Entry(
        time="2019-11-05T09:00:00+00:00",
        period=PERIOD,
        recipient=who,
        name=who.split("@")[0],
        status=status,
        message_id="<x@example.org>",
        response="250 ok",
        attempts=1,
        packs=(PackRecord(path=path, sha256=digest),),
    )


def test_append_and_read_back(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "p" / LEDGER_NAME)
    assert ledger.entries() == [] and ledger.delivered() == set()
    ledger.append(entry("A@example.org"))
    ledger.append(entry("b@example.org", status="rejected"))
    assert ledger.entries() == [entry("A@example.org"), entry("b@example.org", status="rejected")]
    # Only deliveries count; addresses compare case-insensitively.
    assert ledger.delivered() == {("a@example.org", "a.pdf", "a" * 64)}
    lines = ledger.path.read_text().splitlines()
    assert [json.loads(line)["recipient"] for line in lines] == ["A@example.org", "b@example.org"]


def test_torn_last_line_is_ignored_then_cut_off_before_appending(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / LEDGER_NAME
    whole = entry("a@example.org").to_json() + "\n"
    torn = entry("b@example.org").to_json()[:40]  # a crash part-way through a write
    path.write_text(whole + torn)
    ledger = Ledger(path)
    with caplog.at_level("WARNING", logger="reportgen.ledger"):
        assert ledger.entries() == [entry("a@example.org")]
    assert "incomplete last record" in caplog.text
    ledger.append(entry("c@example.org"))
    assert path.read_text() == whole + entry("c@example.org").to_json() + "\n"
    assert [e.recipient for e in Ledger(path).entries()] == ["a@example.org", "c@example.org"]


def test_damaged_line_in_the_middle_stops_sending(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    path.write_text(
        entry("a@example.org").to_json() + "\n{not json\n" + entry("b@example.org").to_json() + "\n"
    )
    with pytest.raises(ContractError, match=r"deliveries\.jsonl:2: damaged delivery record"):
        Ledger(path).delivered()


def test_crash_mid_write_then_rerun_sends_only_the_unrecorded(
    tmp_path: Path, handler: Handler, server: Controller
) -> None:
    make_build(tmp_path)
    write_distribution(tmp_path, server.port)
    send_period(tmp_path, P)
    assert len(handler.messages) == 4
    # Simulate a crash while writing the last record: its line is torn.
    path = tmp_path / "outputs" / PERIOD / LEDGER_NAME
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 5
    path.write_bytes(b"\n".join(lines[:3]) + b"\n" + lines[3][: len(lines[3]) // 2])

    report = send_period(tmp_path, P)
    assert report.ok
    # The three recorded deliveries are not repeated; the one whose record was
    # lost is sent again (with the same Message-ID, so it is recognisable).
    assert [o.status for o in report.outcomes] == ["skipped", "skipped", "skipped", "delivered"]
    design = handler.by_recipient()["design@example.org"]
    assert len(design) == 2 and design[0].message["Message-ID"] == design[1].message["Message-ID"]
    assert sum(len(v) for v in handler.by_recipient().values()) == 5
    recorded = Ledger(path).entries()
    assert len(recorded) == 4 and path.read_bytes().endswith(b"\n")
    assert {e.recipient.lower() for e in recorded} == set(EXPECTED)


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reportgen.lock import project_lock
    with project_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.readline()
    """
)


@pytest.fixture
def locked_elsewhere(tmp_path: Path) -> Iterator[Path]:
    """Another process holding the project's lock until the test ends."""
    outputs = tmp_path / "outputs"
    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(outputs)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=repo,
        env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield outputs
    finally:
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.close()
        proc.wait(timeout=30)


def test_lock_held_by_another_process_is_refused(locked_elsewhere: Path) -> None:
    with pytest.raises(LockHeldError) as err, project_lock(locked_elsewhere):
        pass
    assert "the project is busy (process " in str(err.value)
    assert str(locked_elsewhere / LOCK_NAME) in str(err.value)


def test_send_refuses_while_another_run_holds_the_lock(
    locked_elsewhere: Path, handler: Handler, server: Controller
) -> None:
    project = locked_elsewhere.parent
    make_build(project)
    write_distribution(project, server.port)
    with pytest.raises(LockHeldError):
        pipeline.send(project, P)
    assert handler.messages == []


def test_the_library_build_refuses_while_another_run_holds_the_lock(
    locked_elsewhere: Path,
) -> None:
    # Not only the CLI: any caller of the library's build gets the lock.
    project = write_project(locked_elsewhere.parent)
    with pytest.raises(LockHeldError, match="the project is busy"):
        pipeline.run_build(project, period=Period.parse(PERIOD), jobs=1)
    assert sorted(p.name for p in locked_elsewhere.iterdir()) == [LOCK_NAME]


def test_lock_is_reentrant_in_one_thread_and_released_after(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    with project_lock(outputs) as path, project_lock(outputs):
        assert path.read_text().strip().isdigit()
    # Released: a separate process can take it now.
    repo = Path(__file__).resolve().parents[1]
    code = "import sys;from pathlib import Path;from reportgen.lock import project_lock\n"
    code += "with project_lock(Path(sys.argv[1])): print('ok')"
    out = subprocess.run(
        [sys.executable, "-c", code, str(outputs)],
        capture_output=True,
        text=True,
        cwd=repo,
        env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert out.stdout.strip() == "ok"


def test_lock_refuses_another_thread(tmp_path: Path) -> None:
    import threading

    outputs = tmp_path / "outputs"
    errors: list[BaseException] = []

    def other() -> None:
        try:
            with project_lock(outputs):
                pass
        except LockHeldError as exc:
            errors.append(exc)

    with project_lock(outputs):
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert len(errors) == 1 and "another thread of this process" in str(errors[0])
