"""``reportgen new``: start a project folder for another council's plan.

The starting files live in ``reportgen/scaffold/`` and are installed as
package data, so a plain (non-editable) install can scaffold from any
folder. They form a small but complete project that validates clean, so a
new user's first ``validate`` run succeeds and every later problem is one
they introduced by editing.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from reportgen.errors import ReportgenError


def scaffold_root() -> Traversable:
    """The scaffold folder, from the installed package or else the source tree."""
    root = resources.files("reportgen").joinpath("scaffold")
    if root.is_dir():
        return root
    fallback = Path(__file__).resolve().parent / "scaffold"
    if fallback.is_dir():
        return fallback
    raise ReportgenError("the project templates are missing from this installation; reinstall")


def _walk(node: Traversable, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], bytes]]:
    out: list[tuple[tuple[str, ...], bytes]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name.startswith(".") or child.name == "__pycache__":
            continue
        if child.is_dir():
            out.extend(_walk(child, (*prefix, child.name)))
        else:
            out.append(((*prefix, child.name), child.read_bytes()))
    return out


def create_project(directory: Path, *, force: bool = False) -> list[Path]:
    """Write the scaffold into ``directory``; return the files written.

    Refuses a folder that already has anything in it unless ``force``, so a
    mistyped path cannot overwrite someone's plan.
    """
    if directory.exists() and not directory.is_dir():
        raise ReportgenError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise ReportgenError(
            f"{directory} is not empty; choose a new folder, or pass --force to write the "
            "example files into it (files with the same names are overwritten)"
        )
    files = _walk(scaffold_root())
    if not files:
        raise ReportgenError("the project templates are missing from this installation")
    written: list[Path] = []
    for parts, data in files:
        target = directory.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written
