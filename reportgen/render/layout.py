"""Lay out every distinct part once, never twice across builds, and compose the packs.

Layout (WeasyPrint) is nearly all of a build's time. Each part's PDF is kept
in ``outputs/.cache/parts/`` under the SHA-256 of its HTML and the layout
inputs (stylesheets, fonts, versions: see ``build.layout_inputs_digest``),
so a part is laid out once however many packs show it (a recommendation's
section: its report and the board pack) and never again while its HTML is
unchanged. After a lead's note changes, only that recommendation's section
and what quotes the note (the board pack's executive summary) are laid out;
the packs are then composed again from parts, which takes a fraction of a
second per pack.

Three rounds, each in the build's worker pool:

1. the parts, largest first (all of them for a build from nothing);
2. each pack's contents, numbered from the laid-out parts, and the page
   furniture of packs without contents; a contents part that turns out
   longer than assumed is laid out again with the numbers moved;
3. the furniture of packs with contents (their length is known only now);

then each pack is composed (:mod:`reportgen.render.compose`) in the pool.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportgen.atomic import atomic_write, atomic_write_bytes
from reportgen.errors import ReportgenError
from reportgen.render.compose import ComposeError, anchors, compose_into, page_sizes
from reportgen.render.parts import Numbered, PackParts
from reportgen.render.pdf import (
    PdfJob,
    PdfJobResult,
    finish_render,
    render_many,
    start_render,
    warm_up,
)
from reportgen.render.policy import FetchPolicy


class LayoutError(ReportgenError):
    """A part could not be laid out or composed; nothing was replaced."""


@dataclass(frozen=True)
class Doc:
    """One document to lay out. ``dated`` documents carry the build date in their
    metadata (packs laid out whole, furniture); a part's metadata is the pack's."""

    html: str
    dated: bool = False
    label: str = ""
    """Which packs it is for, for messages."""


@dataclass
class PartStore:
    """Laid-out documents on disk, by the hash of what decides their bytes."""

    directory: Path
    layout_digest: str
    created: datetime
    laid_out: int = 0
    reused: int = 0
    used: set[str] = field(default_factory=set)

    _keys: dict[tuple[str, bool], str] = field(default_factory=dict)

    def key(self, doc: Doc) -> str:
        """The part's name in the store; a build asks for it several times per part
        (started early, laid out, numbered), so the HTML is hashed once."""
        found = self._keys.get((doc.html, doc.dated))
        if found is None:
            h = hashlib.sha256(self.layout_digest.encode())
            if doc.dated:
                h.update(f"\0{self.created.isoformat()}".encode())
            h.update(b"\0")
            h.update(doc.html.encode("utf-8"))
            found = self._keys[(doc.html, doc.dated)] = h.hexdigest()
        return found

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.pdf"


@dataclass(frozen=True)
class Composed:
    """A pack ready to be written: its part files and the furniture, or one whole file."""

    spec_path: str
    parts: tuple[Path, ...]
    furniture: Path | None
    key: str


@dataclass
class Layout:
    """One build's layout: what the pool lays out and what every pack is made of."""

    store: PartStore
    base_url: Path
    policy: FetchPolicy
    pool: Executor | None
    jobs: int | None
    progress: Callable[[int, int], None] | None = None
    warnings: list[str] = field(default_factory=list)
    warming: bool = False
    _sizes: dict[Path, list[tuple[float, float]]] = field(default_factory=dict)
    _anchor_pages: dict[Path, dict[str, int]] = field(default_factory=dict)
    _started: dict[str, Future[PdfJobResult]] = field(default_factory=dict)

    def start(self, pack: PackParts) -> None:
        """Start laying out ``pack``'s new fixed parts now, in the pool.

        For a rebuild: the build calls this as it renders each pack's HTML,
        so a changed section is being laid out while the other packs are
        rendered; :meth:`ensure` then collects it. (A build from nothing
        does not: there, starting the largest parts first matters more.)
        """
        if self.pool is None:
            return
        for part in pack.parts:
            if not isinstance(part, str):
                continue
            doc = Doc(part, dated=pack.whole, label=pack.spec.path)
            key = self.store.key(doc)
            if key in self._started or self.store.path(key).is_file():
                continue
            self._warm()
            self.store.directory.mkdir(parents=True, exist_ok=True)
            self._started[key] = start_render(self.pool, self._job(key, doc))

    def ensure(self, docs: Iterable[Doc]) -> list[str]:
        """Lay out those of ``docs`` not stored yet; their keys, in order."""
        keys: list[str] = []
        todo: dict[str, Doc] = {}
        started: dict[str, Doc] = {}
        seen: set[str] = set()
        for doc in docs:
            key = self.store.key(doc)
            keys.append(key)
            self.store.used.add(key)
            pending = todo if key in todo else started if key in started else None
            if pending is not None:
                if doc.label not in pending[key].label:
                    pending[key] = Doc(doc.html, doc.dated, f"{pending[key].label}, {doc.label}")
                continue
            if key in seen:
                continue
            seen.add(key)
            if key in self._started:
                started[key] = doc
            elif self.store.path(key).is_file():
                self.store.reused += 1
            else:
                todo[key] = doc
        if not todo and not started:
            return keys
        self._warm()
        self.store.directory.mkdir(parents=True, exist_ok=True)
        jobs = [self._job(key, doc) for key, doc in todo.items()]
        base = self.store.laid_out
        total = len(jobs) + len(started)

        def done(n: int) -> None:
            if self.progress:
                self.progress(base + n, base + total)

        results = render_many(jobs, self.jobs, pool=self.pool, done=done) if jobs else []
        for key in started:
            results.append(finish_render(self._started.pop(key)))
            done(len(results))
        docs_done = [*todo.values(), *started.values()]
        failed = [(d, r) for d, r in zip(docs_done, results, strict=True) if not r.ok]
        if failed:
            lines = "; ".join(f"{d.label}: {r.error}" for d, r in failed)
            raise LayoutError(f"{len(failed)} pack(s) failed, nothing was replaced: {lines}")
        for doc, result in zip(docs_done, results, strict=True):
            self.warnings.extend(f"{doc.label}: {r}" for r in result.refusals)
            self.warnings.extend(f"{doc.label}: {w}" for w in result.warnings)
        self.store.laid_out += total
        return keys

    def _warm(self) -> None:
        if not self.warming:  # the first part to lay out: workers warm up while we go on
            warm_up(self.pool, self.jobs)
            self.warming = True

    def _job(self, key: str, doc: Doc) -> PdfJob:
        created = self.store.created if doc.dated else None
        return PdfJob(doc.html, self.store.path(key), self.base_url, self.policy, created)

    def plan(self, packs: Sequence[PackParts]) -> list[Composed]:
        """Lay out every part, contents and furniture the packs need (rounds 1-3).

        Rounds are as few as the dependencies allow, since each one waits for
        its slowest document while the other workers idle: a numbered part's
        first guess (every number a placeholder) goes with the fixed parts,
        and the furniture of packs whose length is already known goes with
        the numbered parts' first real numbers.
        """
        fixed = [
            Doc(p, dated=pack.whole, label=pack.spec.path)
            for pack in packs
            for p in pack.parts
            if isinstance(p, str)
        ]
        guesses = [
            Doc(self._numbered_html(pack, [None] * len(pack.parts), {}, n), label=pack.spec.path)
            for pack in packs
            for n, p in enumerate(pack.parts)
            if isinstance(p, Numbered)
        ]
        self.ensure(sorted([*fixed, *guesses], key=lambda d: -len(d.html)))
        files: list[list[Path | None]] = [
            [
                self.store.path(self.store.key(Doc(p, dated=pack.whole)))
                if isinstance(p, str)
                else None
                for p in pack.parts
            ]
            for pack in packs
        ]
        numbered = [any(isinstance(p, Numbered) for p in pack.parts) for pack in packs]
        early = [
            i for i, pack in enumerate(packs) if pack.furniture is not None and not numbered[i]
        ]
        furniture_keys = dict(zip(early, self._number_contents(packs, files, early), strict=True))
        late = [i for i, pack in enumerate(packs) if pack.furniture is not None and numbered[i]]
        furniture_keys.update(
            zip(late, self.ensure(self._furniture(packs, files, late)), strict=True)
        )
        composed: list[Composed] = []
        for i, (pack, paths) in enumerate(zip(packs, files, strict=True)):
            parts = tuple(_present(paths))
            furn = None if pack.whole else self.store.path(furniture_keys[i])
            key = hashlib.sha256(
                "\0".join(f.stem for f in (*parts, *([furn] if furn else []))).encode()
            ).hexdigest()
            composed.append(Composed(pack.spec.path, parts, furn, key))
        return composed

    def _furniture(
        self, packs: Sequence[PackParts], files: Sequence[Sequence[Path | None]], which: list[int]
    ) -> list[Doc]:
        """The furniture documents of packs ``which``, whose parts are all laid out."""
        docs = []
        for i in which:
            pack = packs[i]
            assert pack.furniture is not None
            landscape = [w > h for f in _present(files[i]) for (w, h) in self._page_sizes(f)]
            docs.append(Doc(pack.furniture(landscape), True, pack.spec.path))
        return docs

    def _page_sizes(self, path: Path) -> list[tuple[float, float]]:
        """A stored document's page sizes (see :func:`_facts`)."""
        return self._facts(path)[0]

    def _anchors(self, path: Path) -> dict[str, int]:
        """A stored document's named destinations and their pages (see :func:`_facts`)."""
        return self._facts(path)[1]

    def _facts(self, path: Path) -> tuple[list[tuple[float, float]], dict[str, int]]:
        """Page sizes and anchors of a stored document, read once.

        A stored file never changes (its name is the hash of what made it),
        so what the numbering needs from it is kept beside it in a small JSON
        file: a rebuild reads that instead of opening every part's PDF.
        """
        if path not in self._sizes:
            found = _read_facts(path)
            if found is None:
                found = page_sizes(path), anchors(path)
                record = {"sizes": found[0], "anchors": found[1]}
                atomic_write_bytes(_facts_path(path), json.dumps(record).encode())
            self._sizes[path], self._anchor_pages[path] = found
        return self._sizes[path], self._anchor_pages[path]

    def _number_contents(
        self, packs: Sequence[PackParts], files: list[list[Path | None]], furnish: list[int]
    ) -> list[str]:
        """Lay out each numbered part from the pages of the others (fills ``files``).

        A numbered part's own length and anchors are known only once it is
        laid out, so it is laid out with a guess (no numbers: see
        :meth:`plan`), then again with the numbers that gives, until its HTML
        no longer changes (the store makes a repeat free). The furniture of
        packs ``furnish`` is laid out beside the first real numbers; their keys
        are returned.
        """
        todo = {
            i: [n for n, x in enumerate(pack.parts) if isinstance(x, Numbered)]
            for i, pack in enumerate(packs)
        }
        todo = {i: slots for i, slots in todo.items() if slots}
        tentative: dict[int, dict[int, Path | None]] = {
            i: {n: self._guessed(packs[i], files[i], n) for n in slots} for i, slots in todo.items()
        }
        extra = self._furniture(packs, files, furnish)
        for _ in range(4):
            docs = [
                Doc(
                    self._numbered_html(packs[i], files[i], tentative[i], n),
                    label=packs[i].spec.path,
                )
                for i, slots in todo.items()
                for n in slots
            ]
            keys = iter(self.ensure([*docs, *extra]))
            changed = False
            for i, slots in todo.items():
                for n in slots:
                    path = self.store.path(next(keys))
                    changed |= tentative[i][n] != path
                    tentative[i][n] = path
            if extra:
                furniture_keys, extra = list(keys), []
            if not changed:
                break
        else:
            unsettled = ", ".join(packs[i].spec.path for i in todo)
            raise LayoutError(f"{unsettled}: the page numbers did not settle")
        for i, slots in todo.items():
            for n in slots:
                files[i][n] = tentative[i][n]
        return furniture_keys if furnish else []

    def _guessed(self, pack: PackParts, files: Sequence[Path | None], slot: int) -> Path:
        """Where the first guess of numbered part ``slot`` (round 1) is stored."""
        html = self._numbered_html(pack, [None] * len(files), {}, slot)
        return self.store.path(self.store.key(Doc(html, label=pack.spec.path)))

    def _numbered_html(
        self,
        pack: PackParts,
        files: Sequence[Path | None],
        tentative: Mapping[int, Path | None],
        slot: int,
    ) -> str:
        """Numbered part ``slot`` for the other parts' pages; with none laid out yet
        (the first guess), every number is a placeholder."""
        numbers: dict[str, int] = {}
        start = 1
        known = False
        for n, path in enumerate(files):
            path = tentative.get(n, path)
            if path is None:
                start += 1
                continue
            known = True
            for name, index in self._anchors(path).items():
                numbers.setdefault(name, start + index)
            start += len(self._page_sizes(path))
        part = pack.parts[slot]
        assert isinstance(part, Numbered)
        if not known:
            # A first guess: anchors get a placeholder rather than a layout
            # warning; the next round has them all.
            return part.render(_Guess(numbers))
        return part.render(numbers)


class _Guess(dict[str, int]):
    """Page numbers with a placeholder for any anchor not known yet."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> int:
        return 0


def _facts_path(part: Path) -> Path:
    return part.with_suffix(".json")


def _read_facts(part: Path) -> tuple[list[tuple[float, float]], dict[str, int]] | None:
    """The facts kept beside ``part``, or None when missing or not as written."""
    try:
        record = json.loads(_facts_path(part).read_text(encoding="utf-8"))
        sizes = [(float(w), float(h)) for w, h in record["sizes"]]
        names = {str(k): int(v) for k, v in record["anchors"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return sizes, names


def _present(paths: Iterable[Path | None]) -> list[Path]:
    return [p for p in paths if p is not None]


@dataclass(frozen=True)
class Written:
    """A pack written to the new set."""

    pages: int
    sha256: str
    size: int
    warnings: tuple[str, ...] = ()


def write_pack(item: Composed, target: Path) -> Written:
    """Write one pack to ``target``. Runs in a pool worker."""
    warnings: tuple[str, ...] = ()
    if item.furniture is None:
        (only,) = item.parts
        data = only.read_bytes()
        pages = len(page_sizes(data))
        atomic_write_bytes(target, data)
        return Written(pages, hashlib.sha256(data).hexdigest(), len(data), warnings)
    furniture = item.furniture
    made: list[tuple[int, tuple[str, ...]]] = []
    atomic_write(target, lambda handle: made.append(compose_into(item.parts, furniture, handle)))
    ((pages, unresolved),) = made
    warnings = tuple(
        f"a link points to #{name}, which is not in this pack; it does nothing"
        for name in unresolved
    )
    with target.open("rb") as written:
        digest = hashlib.file_digest(written, "sha256").hexdigest()
    return Written(pages, digest, target.stat().st_size, warnings)


def write_packs(
    items: Sequence[tuple[Composed, Path]],
    pool: Executor | None,
    done: Callable[[int], None] | None = None,
) -> list[Written]:
    """:func:`write_pack` for each, in ``pool`` when there is one; results in order.

    ``done(n)`` is called as each pack is written (n so far), for progress.
    """
    results: dict[int, Written] = {}
    current = 0
    try:
        if pool is None:
            for current, (item, target) in enumerate(items):
                results[current] = write_pack(item, target)
                if done:
                    done(len(results))
        else:
            futures = {
                pool.submit(write_pack, item, target): i for i, (item, target) in enumerate(items)
            }
            for future in as_completed(futures):
                current = futures[future]
                results[current] = future.result()
                if done:
                    done(len(results))
    except BrokenProcessPool as exc:
        raise LayoutError(
            f"a worker process stopped unexpectedly after {len(results)} of {len(items)} packs "
            "(often: out of memory); try again with fewer workers (--jobs 1)"
        ) from exc
    except (OSError, ValueError, ComposeError) as exc:
        raise LayoutError(f"{items[current][0].spec_path} could not be composed: {exc}") from exc
    return [results[i] for i in range(len(items))]


def prune(store: PartStore, keep_lists: Mapping[str, Sequence[str]]) -> None:
    """Delete stored parts that no period's latest build uses."""
    keep = set(store.used).union(*(set(v) for v in keep_lists.values()))
    if not store.directory.is_dir():
        return
    for path in store.directory.glob("*.pdf"):
        if path.stem not in keep:
            path.unlink(missing_ok=True)
    for path in store.directory.glob("*.json"):  # the facts kept beside each part
        if path.stem not in keep:
            path.unlink(missing_ok=True)


__all__ = [
    "Composed",
    "Doc",
    "Layout",
    "LayoutError",
    "PartStore",
    "Written",
    "prune",
    "write_packs",
]
