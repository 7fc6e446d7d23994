"""One reportgen at a time per project.

Two sends racing on one ledger could both decide a pack is unsent and mail
it twice; a build racing a send could swap a PDF under the checksum check.
An advisory ``flock`` on ``outputs/.reportgen.lock`` prevents both and is
released by the kernel if the process dies, so a crash never leaves a stale
lock behind. It is taken through :func:`reportgen.pipeline.exclusive` by
every command that writes under outputs/ or inputs/ (build, send, run,
collect, ingest). The lock is re-entrant within a process so ``reportgen
run`` can hold it around build and send, which take it again themselves.

``fcntl`` is imported only when a lock is taken, so that importing reportgen
(``validate``, ``assess``, the library from Python) works where it is
missing. Every command that finds the project busy exits with
:data:`EXIT_BUSY`, so a scheduler can tell "try later" from "broken".

The lock belongs to the process that took it, never to its children: a
``flock`` lives as long as any process has the file open, and a forked
worker inherits every open file. So a child closes its copies as it
starts, and a killed build cannot leave a worker holding the project.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from reportgen.errors import ReportgenError

LOCK_NAME = ".reportgen.lock"
EXIT_BUSY = 4
"""Exit status of build, send and run when another process holds the lock."""

_guard = threading.Lock()
_held: dict[Path, tuple[int, int, int]] = {}  # path -> (fd, depth, owning thread id)


def _forget_in_child() -> None:
    global _guard
    _guard = threading.Lock()  # another thread may have held it at the fork
    # Closing (never unlocking: that would release the parent's lock too)
    # drops only this process's reference to the locked file.
    for fd, _depth, _owner in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


class LockHeldError(ReportgenError):
    """Another reportgen process is working on the same project."""


@contextlib.contextmanager
def project_lock(outputs_dir: Path) -> Iterator[Path]:
    """Hold the project's lock for the ``with`` block; raise if another holds it."""
    outputs_dir.mkdir(parents=True, exist_ok=True)
    path = (outputs_dir / LOCK_NAME).resolve()
    me = threading.get_ident()
    with _guard:
        held = _held.get(path)
        if held is not None:
            fd, depth, owner = held
            if owner != me:
                raise LockHeldError(_held_message(path, "another thread of this process"))
            _held[path] = (fd, depth + 1, owner)
        else:
            fd = _acquire(path)
            _held[path] = (fd, 1, me)
    try:
        yield path
    finally:
        with _guard:
            fd, depth, owner = _held[path]
            if depth > 1:
                _held[path] = (fd, depth - 1, owner)
            else:
                del _held[path]
                _release(fd)


def _acquire(path: Path) -> int:
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read_holder(fd)
        os.close(fd)
        raise LockHeldError(_held_message(path, holder)) from None
    except BaseException:
        os.close(fd)
        raise
    # Record who holds it, for the message another process will show.
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _release(fd: int) -> None:
    import fcntl

    try:
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return f"process {text}" if text.isdigit() else "another process"


def _held_message(path: Path, holder: str) -> str:
    return (
        f"{path}: the project is busy ({holder} is building or sending); "
        "wait for it to finish and run again"
    )
