"""What a PDF render may read, as plain data that can cross a process boundary.

Kept apart from :mod:`reportgen.render.fetcher` (which subclasses WeasyPrint's
fetcher and so imports WeasyPrint) because the build, the resource lookup and
the pack cache need the policy long before anything is laid out, and a build
that lays nothing out must not pay for importing the layout engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Refusal:
    """A resource a document asked for and did not get."""

    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


@dataclass(frozen=True)
class FetchPolicy:
    """What a render may read. Plain data, so it can be sent to worker processes."""

    dirs: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()

    @classmethod
    def of(cls, dirs: Iterable[Path] = (), files: Iterable[Path] = ()) -> FetchPolicy:
        return cls(
            tuple(sorted({Path(d).resolve() for d in dirs})),
            tuple(sorted({Path(f).resolve() for f in files})),
        )

    def allows(self, path: Path) -> bool:
        """True when ``path`` (already resolved) may be read."""
        if path in self.files:
            return True
        return any(path.is_relative_to(d) for d in self.dirs)


BUILD_PREFIX = "/__reportgen_build__/"
BUILD_BASE_URL = "file://" + BUILD_PREFIX
"""Base URL documents are rendered against, standing for the build folder.

WeasyPrint names each embedded image after the MD5 of its URL. With the real
folder as base URL, the same pack built in two checkouts (or on two
machines) would differ by those names; with this fixed stand-in it does not.
The fetcher maps it back to the real folder before any checks.
"""
