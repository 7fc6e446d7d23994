"""HTML to accessible, reproducible PDF with WeasyPrint.

Three properties matter for a board pack and are enforced here rather than
left to each template:

* accessible: PDF/UA-1 (tagged, with a structure tree, document title shown
  in the title bar, natural language from ``<html lang>``);
* reproducible: the same inputs give byte-identical files, so a re-run is
  visibly a no-op and packs can be compared by hash. WeasyPrint 70 does not
  read ``SOURCE_DATE_EPOCH``; dates come only from ``dcterms.created`` /
  ``dcterms.modified`` metadata, which we set from the build's as-at date
  (never the clock), and the PDF file identifier is derived from the HTML;
* safe: every resource goes through :class:`GuardedFetcher`.

Writes are atomic (see :mod:`reportgen.atomic`), and several packs can
be rendered in parallel worker processes with :func:`render_many`.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reportgen.atomic import atomic_write_bytes
from reportgen.errors import ReportgenError
from reportgen.present.numbers import w3c_date
from reportgen.render.policy import BUILD_BASE_URL, FetchPolicy, Refusal

PDF_VARIANT = "pdf/ua-1"


class RenderError(ReportgenError):
    """WeasyPrint could not lay out a document."""


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF and what happened while rendering it."""

    pdf: bytes
    pages: int
    refusals: tuple[Refusal, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


# --- fonts and stylesheets --------------------------------------------------
#
# WeasyPrint copies every @font-face file into a fresh temporary folder for
# each document and deletes it only when the FontConfiguration is garbage
# collected, which for worker processes and at interpreter exit often never
# happens: each render left ~3 MB of font copies in /tmp. Sharing one
# configuration per process (and per fetch policy, since a project may
# declare other fonts, and a font loaded under one policy must not stay
# usable under another) writes the fonts once, skips re-registering them with
# fontconfig for every document, and lets us delete the folder ourselves.
#
# The parsed linked stylesheets live with it (see reportgen.render.stylesheets):
# a parse registers a sheet's @font-face rules in that configuration, so a
# parsed sheet is only reused with the same one, under the same policy.


@dataclass(frozen=True)
class _Shared:
    font_config: Any
    stylesheets: Any  # a StylesheetCache (whose module imports WeasyPrint)


_SHARED: dict[tuple[int, FetchPolicy], _Shared] = {}
_SHARED_LIMIT = 4
_FINALIZER_PID: int | None = None


def _shared(policy: FetchPolicy) -> _Shared:
    from weasyprint.text.fonts import FontConfiguration

    from reportgen.render.stylesheets import StylesheetCache

    global _FINALIZER_PID
    pid = os.getpid()
    key = (pid, policy)
    shared = _SHARED.get(key)
    if shared is not None:
        return shared
    mine = [k for k in _SHARED if k[0] == pid]
    if len(mine) >= _SHARED_LIMIT:
        _discard_shared(mine[0])
    config = FontConfiguration()
    shared = _SHARED[key] = _Shared(config, StylesheetCache(config))
    if pid != _FINALIZER_PID:
        # atexit for ordinary processes; multiprocessing's finalizers for pool
        # workers, which leave through os._exit and skip atexit.
        import atexit
        from multiprocessing import util

        atexit.register(_discard_all_shared)
        util.Finalize(None, _discard_all_shared, exitpriority=10)
        _FINALIZER_PID = pid
    return shared


def _discard_shared(key: tuple[int, FetchPolicy]) -> None:
    import shutil

    config = _SHARED.pop(key).font_config
    folder = getattr(config, "_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        config._folder = None


def _discard_all_shared() -> None:
    """Delete this process's font folders (never a parent's after fork)."""
    pid = os.getpid()
    for key in [k for k in _SHARED if k[0] == pid]:
        _discard_shared(key)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_messages() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings for the build report instead of stderr."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def render_pdf(
    html: str,
    *,
    base_url: Path,
    policy: FetchPolicy,
    created: datetime | None = None,
    image_cache: dict[str, Any] | None = None,
) -> PdfResult:
    """Lay out ``html`` and return the PDF bytes with its page count.

    ``base_url`` is the folder relative URLs resolve against (usually the
    build's chart folder); it is readable in addition to ``policy``, and it
    never appears in the PDF (see :data:`BUILD_BASE_URL`). ``created``, when
    given, overrides the document's ``dcterms.created``/``dcterms.modified``
    so the file does not depend on the template remembering to set them.

    ``image_cache`` lets several documents of one build share decoded and
    re-encoded images (the same chart appears in the board, recommendation
    and workstream packs). WeasyPrint keys it by URL, so only share it
    between documents with the same ``base_url`` whose files do not change
    meanwhile; :func:`render_many` does exactly that.
    """
    from weasyprint import HTML

    from reportgen.render.fetcher import GuardedFetcher
    from reportgen.render.stylesheets import reusing

    build_dir = base_url.resolve()
    effective = FetchPolicy.of(dirs=(*policy.dirs, build_dir), files=policy.files)
    fetcher = GuardedFetcher(effective, build_dir)
    shared = _shared(effective)
    with _weasyprint_messages() as messages:
        try:
            with reusing(shared.stylesheets, fetcher):
                document = HTML(string=html, base_url=BUILD_BASE_URL, url_fetcher=fetcher).render(
                    font_config=shared.font_config,
                    pdf_variant=PDF_VARIANT,
                    cache=image_cache,
                )
            if created is not None:
                document.metadata.created = w3c_date(created)
                document.metadata.modified = w3c_date(created)
            # The file identifier is a hash of the PDF's own objects, not of
            # the HTML: the HTML names stylesheets by where reportgen is
            # installed, and the same pack must be the same bytes from any
            # installation (reproducible builds).
            pdf = document.write_pdf(
                pdf_variant=PDF_VARIANT, pdf_identifier=True, cache=image_cache
            )
        except ReportgenError:
            raise
        except Exception as exc:  # WeasyPrint raises many types; report them as one.
            raise RenderError(f"PDF layout failed: {type(exc).__name__}: {exc}") from exc
    refused_urls = {r.url for r in fetcher.refusals}
    other = tuple(m for m in messages if not any(u in m for u in refused_urls))
    return PdfResult(bytes(pdf), len(document.pages), fetcher.refusals, other)


def write_pdf(
    html: str,
    path: Path,
    *,
    base_url: Path,
    policy: FetchPolicy,
    created: datetime | None = None,
    image_cache: dict[str, Any] | None = None,
) -> PdfResult:
    """Render and atomically replace ``path``; on failure the old file stays."""
    result = render_pdf(
        html, base_url=base_url, policy=policy, created=created, image_cache=image_cache
    )
    atomic_write_bytes(path, result.pdf)
    return result


@dataclass(frozen=True)
class PdfJob:
    """One document to render: plain data so it can cross a process boundary."""

    html: str
    path: Path
    base_url: Path
    policy: FetchPolicy
    created: datetime | None = None


@dataclass(frozen=True)
class PdfJobResult:
    """Outcome of one :class:`PdfJob`; ``error`` is set when it failed."""

    path: Path
    pages: int = 0
    sha256: str = ""
    size: int = 0
    refusals: tuple[Refusal, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    seconds: float = field(default=0.0, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None


# Image caches for the current render_many call (or worker_pool: one build),
# one per build folder. Reset at the start of every call (and in every new
# worker) so a file changed between two builds in one long-lived process is
# never served stale.
_IMAGE_CACHES: dict[Path, dict[str, Any]] = {}


def _run_job(job: PdfJob) -> PdfJobResult:
    import time

    start = time.perf_counter()
    cache = _IMAGE_CACHES.setdefault(job.base_url.resolve(), {})
    try:
        result = write_pdf(
            job.html,
            job.path,
            base_url=job.base_url,
            policy=job.policy,
            created=job.created,
            image_cache=cache,
        )
    except (ReportgenError, OSError) as exc:
        return PdfJobResult(job.path, error=str(exc), seconds=time.perf_counter() - start)
    return PdfJobResult(
        job.path,
        pages=result.pages,
        sha256=result.sha256,
        size=len(result.pdf),
        refusals=result.refusals,
        warnings=result.warnings,
        seconds=time.perf_counter() - start,
    )


def _start_worker(parent: int, warm: bool) -> None:
    """Initializer of every pool worker: tie its life to the build's, and warm up
    for layout only if the build is sure to lay something out (``warm``).

    Otherwise that is only known once the build has compared each pack's HTML
    with the last build's, and the warm-up is a job of its own
    (:func:`warm_up`): a build with nothing to lay out never imports WeasyPrint.
    """
    from reportgen.lifeline import die_with_parent

    die_with_parent(parent)
    _IMAGE_CACHES.clear()  # a forked worker must not inherit the parent's
    if warm:
        _warm_up()


_WARM: set[int] = set()
"""Processes that have paid the layout engine's one-off costs."""


def _warm_up() -> None:
    """Pay a worker's one-off layout costs (importing WeasyPrint, Pango/fontconfig
    start-up, font loading) before its first document, so they overlap with
    the build's own work rather than delaying the first pack."""
    import tempfile

    from reportgen.render.fonts import font_face_css, font_files

    if os.getpid() in _WARM:
        return
    html = f"<html lang='en-GB'><style>{font_face_css()}</style><p>warm</p></html>"
    with tempfile.TemporaryDirectory() as empty:
        render_pdf(html, base_url=Path(empty), policy=FetchPolicy.of(files=font_files()))
    _WARM.add(os.getpid())


def warm_up(pool: Executor | None, workers: int | None = None) -> None:
    """Start warming the ``workers`` of ``pool`` (from :func:`worker_pool`) for layout.

    Called by the build as soon as it knows something will be laid out. It
    does not wait. One job per worker; a worker that happens to take two
    warms once, and the other warms on its first document.
    """
    if pool is None:
        return
    for _ in range(default_workers() if workers is None else max(1, workers)):
        pool.submit(_warm_up)


def default_workers() -> int:
    return os.cpu_count() or 1


@contextmanager
def worker_pool(
    workers: int | None = None, *, eager: bool = False, warm: bool = False
) -> Iterator[Executor | None]:
    """One pool of worker processes for a whole build (None when one process will do).

    Charts and PDFs share it, so each worker imports and warms up once per
    build rather than once per stage or per document. Processes start on the
    first job submitted, or at once with ``eager``; with ``warm`` too, each
    warms up for layout as it starts, so that this overlaps the caller's own
    work (loading and assessing) instead of delaying the first document.
    """
    count = default_workers() if workers is None else max(1, workers)
    if count <= 1:
        yield None
        return
    with ProcessPoolExecutor(
        max_workers=count, initializer=_start_worker, initargs=(os.getpid(), warm)
    ) as pool:
        if eager:
            pool.submit(os.getpid)  # starts every worker (fork context starts all at once)
        yield pool


def start_render(pool: Executor, job: PdfJob) -> Future[PdfJobResult]:
    """Start ``job`` in ``pool`` now, ahead of the batch it belongs to;
    :func:`finish_render` collects it."""
    return pool.submit(_run_job, job)


def finish_render(started: Future[PdfJobResult]) -> PdfJobResult:
    """The result of a job from :func:`start_render` (waiting for it if need be)."""
    try:
        return started.result()
    except BrokenProcessPool as exc:
        raise _worker_stopped() from exc


def _worker_stopped(progress: str = "") -> RenderError:
    # A worker was killed (most often by the kernel, out of memory).
    return RenderError(
        f"a PDF worker process stopped unexpectedly{progress} (often: out of memory); "
        "try again with fewer workers (--jobs 1)"
    )


def render_many(
    jobs: Sequence[PdfJob],
    workers: int | None = None,
    *,
    pool: Executor | None = None,
    done: Callable[[int], None] | None = None,
) -> list[PdfJobResult]:
    """Render every job, in parallel processes when ``workers`` > 1 or in ``pool``.

    Results come back in the order of ``jobs``. A failing job does not stop
    the others: its result carries the error and its file is left as it was.
    Layout is CPU-bound Python, so threads would not help; processes do, up
    to the number of cores. Longest documents are started first so that one
    big pack does not finish alone at the end. ``done(n)`` is called as each
    document finishes (n so far), for progress. ``pool`` (from
    :func:`worker_pool`) is used as is and left running for the caller.
    """
    if pool is not None:
        return _render_in(pool, jobs, done)
    count = default_workers() if workers is None else max(1, workers)
    count = min(count, len(jobs))
    if count <= 1:
        _IMAGE_CACHES.clear()
        try:
            results = []
            for job in jobs:
                results.append(_run_job(job))
                if done:
                    done(len(results))
            return results
        finally:
            _IMAGE_CACHES.clear()
    with worker_pool(count) as own:
        assert own is not None
        return _render_in(own, jobs, done)


def _render_in(
    pool: Executor, jobs: Sequence[PdfJob], done: Callable[[int], None] | None
) -> list[PdfJobResult]:
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].html))
    results: dict[int, PdfJobResult] = {}
    try:
        futures = {pool.submit(_run_job, jobs[i]): i for i in order}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if done:
                done(len(results))
    except BrokenProcessPool as exc:
        raise _worker_stopped(f" after {len(results)} of {len(jobs)} documents") from exc
    return [results[i] for i in range(len(jobs))]
