"""The only way a PDF render can read anything: an allow-list fetcher.

WeasyPrint fetches whatever a document points at: ``file:`` URLs anywhere on
disk, ``http(s)`` URLs anywhere on the network, stylesheets, fonts, images.
Packs contain text written by many people, so a single overlooked path (an
``<img>`` in a note, a ``url()`` in a project stylesheet) could put
``/etc/passwd`` into a board pack or tell a third party when packs are built.

The rule here is simple enough to audit:

* ``file:`` URLs are served only when the resolved path (symlinks followed)
  is one of the allowed files or lies inside one of the allowed folders:
  the template and style folders in use, the build's chart folder, and the
  bundled font files;
* everything else is refused: ``http``, ``https``, ``ftp``, any other
  scheme, and ``data:`` too. Every image we draw is a file in the chart
  folder, so no pack needs ``data:``; refusing it keeps the rule "every
  resource in a pack is a file we can name" without exceptions.

A refusal is recorded (for the build report) and raised as an ordinary
error, which WeasyPrint turns into a missing resource; it never reaches the
network or the file.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from reportgen.render.policy import BUILD_PREFIX, FetchPolicy, Refusal

_MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    """One file served: the URL asked for, the file's own URL, its type and a
    digest of its bytes. Equal records mean the same answer to the same request."""

    url: str
    file_url: str
    content_type: str
    sha256: str


class GuardedFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint URL fetcher that serves only what its policy allows.

    ``build_dir`` is the real folder behind :data:`BUILD_BASE_URL`.
    """

    def __init__(self, policy: FetchPolicy, build_dir: Path | None = None) -> None:
        super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
        self.policy = policy
        self.build_dir = build_dir
        self._refusals: list[Refusal] = []
        self._served: list[Path] = []
        self._recording: list[Fetched | Refusal] | None = None
        self._lock = threading.Lock()

    @property
    def refusals(self) -> tuple[Refusal, ...]:
        """Refusals in the order they happened, without repeats."""
        with self._lock:
            return tuple(dict.fromkeys(self._refusals))

    @property
    def served(self) -> tuple[Path, ...]:
        with self._lock:
            return tuple(dict.fromkeys(self._served))

    @contextmanager
    def recording(self) -> Iterator[list[Fetched | Refusal]]:
        """Every request made within the block, served or refused, in order
        (see :mod:`reportgen.render.stylesheets`, which reuses a parsed
        stylesheet only while the files its parse read are unchanged)."""
        fetched: list[Fetched | Refusal] = []
        with self._lock:
            outer, self._recording = self._recording, fetched
        try:
            yield fetched
        finally:
            with self._lock:
                self._recording = outer

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path, body, content_type = self._serve(url)
        except _Refused as refused:
            with self._lock:
                self._refusals.append(refused.refusal)
                if self._recording is not None:
                    self._recording.append(refused.refusal)
            raise
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": content_type})

    def describe(self, url: str) -> Fetched:
        """Read ``url`` with the same checks as :meth:`fetch` and describe what
        would be served. A failed check raises but is not recorded as a
        refusal: it answers a question of ours, not a request of the document
        (whose own request, if it makes it, is refused and recorded as usual)."""
        path, body, content_type = self._serve(url)
        return Fetched(url, path.as_uri(), content_type, hashlib.sha256(body).hexdigest())

    def _serve(self, url: str) -> tuple[Path, bytes, str]:
        path = self._check(url)
        with path.open("rb") as handle:
            body = handle.read(_MAX_BYTES + 1)
        if len(body) > _MAX_BYTES:
            self._refuse(url, f"file is larger than {_MAX_BYTES // (1024 * 1024)} MiB")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        with self._lock:
            self._served.append(path)
            if self._recording is not None:
                digest = hashlib.sha256(body).hexdigest()
                self._recording.append(Fetched(url, path.as_uri(), content_type, digest))
        return path, body, content_type

    def _check(self, url: str) -> Path:
        try:
            parts = urlsplit(url)
        except ValueError:
            self._refuse(url, "not a valid URL")
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            self._refuse(url, "network resources are never fetched")
        if scheme == "data":
            self._refuse(url, "data: URLs are not used in packs")
        if scheme != "file":
            self._refuse(url, f"{scheme or 'relative'} URLs are not allowed")
        if parts.netloc not in ("", "localhost"):
            self._refuse(url, "file URLs on other hosts are not allowed")
        local = unquote(parts.path)
        if local.startswith(BUILD_PREFIX):
            if self.build_dir is None:
                self._refuse(url, "no build folder for this document")
            local = str(self.build_dir / local.removeprefix(BUILD_PREFIX))
        try:
            path = Path(local).resolve(strict=True)
        except (OSError, RuntimeError):
            self._refuse(url, "file does not exist")
        if not path.is_file():
            self._refuse(url, "not a regular file")
        if not self.policy.allows(path):
            self._refuse(url, "file is outside the template, style, chart and font folders")
        return path

    def _refuse(self, url: str, reason: str) -> NoReturn:
        shown = url if len(url) <= 200 else url[:197] + "..."
        raise _Refused(Refusal(shown, reason))


class _Refused(PermissionError):
    """What WeasyPrint sees of a refusal (it reports it as a missing resource)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"refused {refusal.url}: {refusal.reason}")
        self.refusal = refusal
