"""The one rule for a path an outputs set lists: relative, and inside the set.

The manifest decides which files are attached to email and so leave the
building; a path in it must never reach outside the period's folder. As
text (checked when a manifest is written or read) a path is POSIX and
relative: not absolute, no ``..`` or ``.`` segment, no empty segment (two
spellings of one file would defeat the "listed twice" check), no backslash
(a Windows separator would mean something else on another machine), no
control characters. When a listed file is opened, :func:`resolve_inside`
also refuses one that a symbolic link leads out of the folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportgen.contract.errors import ContractError

_SEGMENT = r"(?:[^/\\.\x00-\x1f]|\.[^/\\.\x00-\x1f]|\.\.[^/\\\x00-\x1f])[^/\\\x00-\x1f]*"
RELATIVE_PATH = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*$")
"""The path rule as a pattern (no look-around, so JSON Schema tools can use it too)."""

RULE = "a relative POSIX path inside the period folder (no '..', '.', '//', '\\' or leading '/')"


def check_relative(path: str) -> str:
    """``path`` if it keeps to the rule, else :class:`ValueError` saying what is wrong."""
    if not RELATIVE_PATH.match(path):
        raise ValueError(f"expected {RULE}, got {path!r}")
    return path


def resolve_inside(folder: Path, path: str) -> Path:
    """``folder / path``, refusing a path that breaks the rule or leads out through a link.

    ``outputs/<period>`` is itself a link to the current set under
    ``outputs/.builds/``, so the folder is resolved too and the file must
    end up inside what it resolves to.
    """
    try:
        check_relative(path)
    except ValueError as exc:
        raise ContractError(f"{folder}: {exc}") from None
    target = folder / path
    base = folder.resolve()
    if not target.resolve().is_relative_to(base):
        raise ContractError(
            f"{target}: a symbolic link leads outside {folder}; only files inside the "
            "build's own folder are sent. Rebuild with `reportgen build` rather than "
            "linking files in"
        )
    return target
