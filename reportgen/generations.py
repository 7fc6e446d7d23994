"""A period's outputs change as one set: readers see the old set or the new, never a mix.

``outputs/<period>`` is a symbolic link to a folder under ``outputs/.builds/``
holding one complete set: the PDFs, ``manifest.json`` and whatever else
lives beside them (the delivery ledger, a dry run's outbox). A build fills a
new folder (files it does not rebuild are hard links to the current set,
so nothing is copied and the ledger stays one file), and only when it is
complete swaps the link with one ``rename``, which is atomic. A build killed
at any moment leaves the link pointing at a complete set: the old one, or
the new one if the swap had happened. Its half-built folder is removed by
the next build, as is the set the link left (after that build, never
during the one that replaced it, so a reader still holding it can finish).

Paths through ``outputs/<period>/`` keep working for everyone: ``send``,
the manifest's relative paths, a person opening the folder.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import time
from pathlib import Path

from reportgen.atomic import fsync_dir

BUILDS = ".builds"


def current(link: Path) -> Path | None:
    """The folder ``outputs/<period>`` shows now (a plain folder from older versions too)."""
    if link.is_symlink():
        target = link.resolve()
        return target if target.is_dir() else None
    return link if link.is_dir() else None


def start(outputs_root: Path, period: str, keep: set[str]) -> Path:
    """A new folder for ``period``'s next set, holding (as links) what the current set has.

    ``keep`` names files not to carry over, because the build writes them anew.
    """
    (outputs_root / BUILDS).mkdir(parents=True, exist_ok=True)
    stamp = f"{period}.{time.strftime('%Y%m%dT%H%M%S')}.{os.getpid()}"
    # Two builds in the same second in one process (a library caller, a
    # test) must not share a folder: count up until the name is free.
    for n in itertools.count():
        folder = outputs_root / BUILDS / (stamp if n == 0 else f"{stamp}.{n}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        break
    old = current(outputs_root / period)
    if old is not None:
        _link_tree(old, folder, keep)
    return folder


def _link_tree(source: Path, target: Path, keep: set[str]) -> None:
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if rel.as_posix() in keep or rel.parts[0].startswith(".staging-"):
            continue
        dest = target / rel
        if path.is_dir() and not path.is_symlink():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest, follow_symlinks=False)
        except OSError:  # a filesystem without hard links: copy
            shutil.copy2(path, dest, follow_symlinks=False)


def switch(outputs_root: Path, period: str, folder: Path) -> None:
    """Make ``outputs/<period>`` show ``folder``, in one atomic step."""
    link = outputs_root / period
    fresh = outputs_root / f".{period}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        fresh.unlink()
    fresh.symlink_to(Path(BUILDS) / folder.name)
    if link.is_dir() and not link.is_symlink():
        # A plain folder from an older reportgen cannot be swapped for a link
        # atomically: move it among the sets first (for an instant no folder).
        link.rename(outputs_root / BUILDS / f"{period}.before-sets.{os.getpid()}")
    fresh.replace(link)
    fsync_dir(outputs_root)


def remove_unused(outputs_root: Path) -> None:
    """Delete sets no period link shows: killed builds' and those replaced earlier.

    Only safe while holding the project lock (no other build is filling one).
    """
    builds = outputs_root / BUILDS
    if not builds.is_dir():
        return
    shown = {
        current(link)
        for link in outputs_root.iterdir()
        if link.is_symlink() and not link.name.startswith(".")
    }
    for folder in builds.iterdir():
        if folder.resolve() not in shown:
            shutil.rmtree(folder, ignore_errors=True)
    for stray in outputs_root.glob(".*.link-*"):
        with contextlib.suppress(OSError):
            stray.unlink()
