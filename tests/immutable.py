"""Make a file or folder unwritable even for root (tests run as root, so chmod is no help).

``chattr +i`` sets the immutable attribute: nobody, root included, may write,
append to, rename or delete it until it is cleared. Tests that need a
read-only path skip when the attribute cannot be set (no chattr, or a
filesystem or container that does not allow it).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def immutable(path: Path) -> Iterator[Path]:
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed")
    if subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip(f"cannot make {path} immutable here")
    try:
        yield path
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)
