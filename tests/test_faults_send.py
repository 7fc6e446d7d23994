"""Sending under faults: a server that trickles its replies, a ledger that cannot be written.

The slow server is a real one on loopback (a few lines of socket code, since
aiosmtpd cannot be made to dawdle mid-reply); each test runs ``reportgen
send`` in a child process with a hard timeout, so a regression fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from aiosmtpd.controller import Controller
from immutable import immutable
from test_distribute_helpers import PERIOD, Handler, make_build, write_distribution

from reportgen.contract import LEDGER_NAME

Trickle = Literal["greeting", "final-reply"]
DRIP_SECONDS = 0.2


class SlowSmtp(socketserver.ThreadingTCPServer):
    """Speaks just enough SMTP, but drips one reply a byte (or a line) at a time, forever."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, trickle: Trickle) -> None:
        super().__init__(("127.0.0.1", 0), _SlowHandler)
        self.trickle = trickle
        self.stopping = threading.Event()
        self.messages = 0

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _SlowHandler(socketserver.StreamRequestHandler):
    server: SlowSmtp

    def handle(self) -> None:
        try:
            self._converse()
        except OSError:
            return

    def _drip(self, first: bytes, more: bytes) -> None:
        # Never finishes: the client must give up on its own deadline.
        self.wfile.write(first)
        while not self.server.stopping.wait(DRIP_SECONDS):
            self.wfile.write(more)

    def _converse(self) -> None:
        if self.server.trickle == "greeting":
            self._drip(b"220-slow.example ESMTP\r\n", b"220-still here\r\n")
            return
        self.wfile.write(b"220 slow.example ESMTP\r\n")
        while not self.server.stopping.is_set():
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250-slow.example\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.server.messages += 1
                self._drip(b"2", b"5")  # "2555555...": the end-of-data reply, a byte at a time
                return
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def slow_server(request: pytest.FixtureRequest) -> Iterator[SlowSmtp]:
    server = SlowSmtp(request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()


def send_cli(project: Path, timeout: float = 60) -> tuple[int, str, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "send", "--period", PERIOD, "-p", str(project)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


@pytest.mark.parametrize("slow_server", ["greeting", "final-reply"], indirect=True)
def test_a_trickling_server_cannot_stretch_the_conversation_deadline(
    tmp_path: Path, slow_server: SlowSmtp
) -> None:
    make_build(tmp_path)
    write_distribution(
        tmp_path, slow_server.port, attempts=2, timeout_seconds=1, deadline_seconds=2
    )
    code, out, seconds = send_cli(tmp_path, timeout=40)
    assert "Traceback" not in out
    assert code == 3, out
    # Two attempts of at most 2 s each, then everyone else is not attempted.
    assert seconds < 15, f"took {seconds:.1f} s"
    assert "did not finish within mail.deadline_seconds (2 s)" in out
    assert "NOT SENT to Board Chair <chair@example.org>" in out


@pytest.mark.parametrize("fault", ["read-only file", "folder in its place"])
def test_an_unwritable_ledger_is_found_before_anything_is_sent(
    tmp_path: Path, handler: Handler, server: Controller, fault: str
) -> None:
    make_build(tmp_path)
    write_distribution(tmp_path, server.port)
    ledger = tmp_path / "outputs" / PERIOD / LEDGER_NAME
    with contextlib.ExitStack() as stack:
        if fault == "read-only file":
            ledger.write_text("")
            stack.enter_context(immutable(ledger))
        else:
            ledger.mkdir()
        for _ in range(3):
            code, out, _seconds = send_cli(tmp_path)
            assert "Traceback" not in out
            assert code == 1, out
            assert f"{LEDGER_NAME}: the delivery ledger cannot be written" in out
            assert "nothing was sent" in out
    assert handler.messages == []


def test_slow_server_helper_really_trickles() -> None:
    """The fault is real: a plain socket read sees the greeting go on and on."""
    server = SlowSmtp("greeting")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=1) as s:
            time.sleep(3 * DRIP_SECONDS)
            assert s.recv(4096).count(b"220-") >= 2
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
