"""One deadline for a whole SMTP conversation, however slowly the server talks.

A socket timeout bounds each wait for data, so a server that sends one byte
a second (a greeting line every second, a final reply a byte at a time)
resets it forever. A timer instead cuts the connection when the
conversation's deadline passes: the blocked read ends at once, and the
caller turns the broken connection into a failure that says why.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import threading
from typing import Any


class Deadline:
    """``with Deadline(seconds) as d:`` ... ``d.watch(smtp)``; ``d.expired`` says if it cut."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._smtp: smtplib.SMTP | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, smtp: smtplib.SMTP | None) -> None:
        """The connection to cut when time runs out (its socket may change with STARTTLS)."""
        with self._lock:
            self._smtp = smtp
            late = self.expired
        if late:
            self._cut()

    def _cut(self) -> None:
        with self._lock:
            self.expired = True
            sock = getattr(self._smtp, "sock", None)
        if isinstance(sock, socket.socket):
            # The plain socket call, also for TLS sockets: no TLS goodbye to a
            # server that is not listening, just end the blocked read now.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _ShowsSocket:
    """Mixin: hand the new socket to a :class:`Deadline` before the greeting is read."""

    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        self._deadline = deadline
        super().__init__(*args, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> Any:
        # smtplib's hook between connecting and reading the greeting (not in typeshed).
        sock = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self.sock = sock
        self._deadline.watch(self)  # type: ignore[arg-type]  # always mixed into SMTP
        return sock


class WatchedSMTP(_ShowsSocket, smtplib.SMTP):
    """smtplib.SMTP under a :class:`Deadline` from its first byte."""


class WatchedSMTP_SSL(_ShowsSocket, smtplib.SMTP_SSL):
    """smtplib.SMTP_SSL under a :class:`Deadline` from its first byte."""
