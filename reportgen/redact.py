"""Secrets never reach a screen or a log, whichever way a message travels.

A credential can turn up where nobody put it on purpose: a mail server that
echoes the password in its 535 reply, an exception text, a third-party
library's debug line. Masking each message where it is written would miss
the path nobody thought of, so a secret is registered once, when it is read,
and then masked in every log record this process creates (whatever logger,
handler or traceback it goes through) and in every message the command line
prints (see :func:`redact`).
"""

from __future__ import annotations

import base64
import logging
import threading
from typing import Any

MASK = "********"

_lock = threading.Lock()
_secrets: list[str] = []
_installed = False


def register(secret: str, *, username: str = "") -> None:
    """Mask ``secret`` from now on, with the encodings SMTP AUTH sends it in."""
    if not secret:
        return
    forms = {
        secret,
        _b64(secret),  # AUTH LOGIN
        _b64(f"\0{username}\0{secret}"),  # AUTH PLAIN, as a server might echo it
    }
    with _lock:
        for form in forms:
            if form not in _secrets:
                _secrets.append(form)
        _secrets.sort(key=len, reverse=True)  # mask the longest form first
    install()


def forget_all() -> None:
    """Drop every registered secret (for tests; a process normally keeps them)."""
    with _lock:
        _secrets.clear()


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by asterisks."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def install() -> None:
    """Mask secrets in every log record created from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _secrets:
                _scrub(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


def _scrub(record: logging.LogRecord) -> None:
    try:
        text = record.getMessage()
    except Exception:  # a malformed record is logging's to report, not ours
        return
    masked = redact(text)
    if masked != text:
        record.msg, record.args = masked, None
    if record.exc_info and record.exc_info[1] is not None:
        # The formatter would render the traceback later, secrets and all:
        # render it now, masked, so every handler uses this text instead.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
