"""Worker processes die with the process that started them.

``kill -9`` of a build's main process gives it no chance to stop its pool,
and orphaned workers would go on holding whatever they inherited: the
project lock's file, the pipe cron reads the output from. So each worker
asks the kernel to kill it when its parent goes (Linux ``PR_SET_PDEATHSIG``)
and, where that is not available, watches its parent and leaves on its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """Call first thing in a child process; ``parent`` is the pid that started it."""
    watched = not _ask_kernel()
    # The parent may have died before the request above took effect.
    if os.getppid() != parent:
        os._exit(1)
    if watched:
        threading.Thread(target=_watch, args=(parent,), name="lifeline", daemon=True).start()


def _ask_kernel() -> bool:
    """Have the kernel SIGKILL this process when its parent exits; False if it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)
