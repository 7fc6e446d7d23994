"""Parse each linked stylesheet once per process instead of once per document.

A build lays out dozens of documents (pack parts, furniture) that all link the
same project stylesheets, and WeasyPrint tokenises them, validates every
declaration and compiles every selector again for each one: about 60 ms a
document, several times the layout of a one-page part.

WeasyPrint 70 has no public way to hand it parsed *author* stylesheets.
``HTML.render(stylesheets=...)`` adds them with the *user* origin, which
loses to every author rule (a ``<style>`` in the document would win whatever
its position) and wins with ``!important``: a different cascade. So the reuse
sits at the one place a ``<link rel=stylesheet>`` becomes a stylesheet:
``weasyprint.css.find_stylesheets`` builds it by calling the name ``CSS`` of
its module with ``url=`` and without a ``matcher`` (a ``<style>`` passes
``string=``; an ``@import`` passes its parent's ``matcher``). :func:`_css`
replaces that name, and does nothing of its own outside a render that opted
in with :func:`reusing`. tests/test_render_stylesheets.py fails if WeasyPrint
stops building linked stylesheets this way (nothing would be reused).

A reused sheet must be indistinguishable from a fresh parse, so:

* every file is still read through the document's own fetcher (the policy
  refuses exactly what it refused before), and a sheet is reused only if
  each file its parse read (the sheet, its ``@import``\\ s) comes back with
  the same bytes: a stylesheet edited on disk is parsed again;
* the cache belongs to one font configuration (see :class:`StylesheetCache`),
  because a parse registers the sheet's ``@font-face`` fonts in it;
* only a sheet whose parse touched nothing but itself is kept: no warning or
  refusal (they must be reported for every document), no ``@layer`` (layer
  order is shared by the document's sheets), no ``@counter-style`` or
  ``@color-profile`` (they live in the document). Any other sheet is parsed
  for every document, as before;
* a reused sheet's ``@page`` rules join the document's list at the point a
  parse would have added them, so the cascade order of every rule is as
  before; and the once-per-parse "Ignored ``var()``" warning flags are reset.

Renders in one process are sequential (worker processes, one document at a
time); the cache is not meant to be shared by concurrent threads.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import cssselect2
from weasyprint.css.tokens import Pending

from reportgen.render.fetcher import Fetched, GuardedFetcher

_ENTRY_LIMIT = 32
"""Distinct stylesheet URLs kept per font configuration (a build uses two)."""


@dataclass(frozen=True)
class Reuse:
    """How often linked stylesheets were parsed and reused in this process."""

    parsed: int = 0
    reused: int = 0


@dataclass(frozen=True)
class _Entry:
    fetched: tuple[Fetched, ...]
    """Every file the parse read, the sheet first: a reuse requires the same."""
    sheet: Any
    """The parsed ``weasyprint.CSS``, its ``@page`` rules in a list of its own."""
    page_rules: tuple[Any, ...]
    pending: tuple[Any, ...]
    """``var()`` values that warn once per parse; reset before each reuse."""


class StylesheetCache:
    """Linked stylesheets parsed with one font configuration (WeasyPrint's
    ``FontConfiguration``), by URL, media type and MIME check."""

    def __init__(self, font_config: Any) -> None:
        self.font_config = font_config
        self._entries: dict[tuple[str, str, bool], _Entry] = {}

    def sheet(self, fetcher: GuardedFetcher, kwargs: dict[str, Any]) -> Any:
        """The stylesheet WeasyPrint asked for with ``CSS(**kwargs)``: reused, or parsed."""
        global _REUSE
        key = (
            kwargs["url"],
            kwargs.get("media_type", "print"),
            bool(kwargs.get("_check_mime_type")),
        )
        entry = self._entries.get(key)
        if entry is not None and _unchanged(entry.fetched, fetcher):
            _REUSE = Reuse(_REUSE.parsed, _REUSE.reused + 1)
            return _reuse(entry, kwargs)
        css, entry = _parse(fetcher, kwargs)
        _REUSE = Reuse(_REUSE.parsed + 1, _REUSE.reused)
        self._entries.pop(key, None)
        if entry is not None:
            if len(self._entries) >= _ENTRY_LIMIT:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = entry
        return css


_REUSE = Reuse()


def reuse_counts() -> Reuse:
    """Linked stylesheets parsed and reused by this process so far."""
    return _REUSE


@dataclass(frozen=True)
class _Session:
    cache: StylesheetCache
    fetcher: GuardedFetcher


_SESSION: ContextVar[_Session | None] = ContextVar("reportgen_stylesheets", default=None)
_ORIGINAL_CSS: Any = None


@contextmanager
def reusing(cache: StylesheetCache, fetcher: GuardedFetcher) -> Iterator[None]:
    """Within this block, a document laid out with ``fetcher`` and the cache's
    font configuration reuses the cache's parsed linked stylesheets."""
    _install()
    token = _SESSION.set(_Session(cache, fetcher))
    try:
        yield
    finally:
        _SESSION.reset(token)


def _install() -> None:
    global _ORIGINAL_CSS
    if _ORIGINAL_CSS is None:
        import weasyprint.css

        _ORIGINAL_CSS = weasyprint.css.CSS
        weasyprint.css.CSS = _css


def _css(*args: Any, **kwargs: Any) -> Any:
    """Stands in for ``weasyprint.css.CSS``: a linked stylesheet of a document
    rendered within :func:`reusing` comes from its cache; anything else is
    built by WeasyPrint's own class, untouched."""
    session = _SESSION.get()
    if (
        session is None
        or args
        or kwargs.get("url") is None
        or kwargs.get("matcher") is not None
        or kwargs.get("layer") is not None
        or kwargs.get("page_rules") is None
        or kwargs.get("url_fetcher") is not session.fetcher
        or kwargs.get("font_config") is not session.cache.font_config
    ):
        return _ORIGINAL_CSS(*args, **kwargs)
    return session.cache.sheet(session.fetcher, kwargs)


def _unchanged(fetched: tuple[Fetched, ...], fetcher: GuardedFetcher) -> bool:
    """Read each file again through ``fetcher`` (its policy decides, as for a
    parse); True if every one is allowed and has the same bytes."""
    for before in fetched:
        try:
            now = fetcher.describe(before.url)
        except Exception:  # refused or gone: WeasyPrint's own parse reports it
            return False
        if now != before:
            return False
    return True


def _reuse(entry: _Entry, kwargs: dict[str, Any]) -> Any:
    for value in entry.pending:
        value._reported_error = False
    page_rules = kwargs["page_rules"]
    page_rules.extend(entry.page_rules)
    sheet = copy.copy(entry.sheet)
    sheet.page_rules = page_rules
    if kwargs.get("layers") is not None:
        sheet.layers = kwargs["layers"]
    return sheet


class _Warned(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.any = False

    def emit(self, record: logging.LogRecord) -> None:
        self.any = True


class _RecordingMatcher(cssselect2.Matcher):  # type: ignore[misc]
    """A matcher that also keeps each rule's declarations (to find ``var()`` values)."""

    def __init__(self) -> None:
        super().__init__()
        self.payloads: list[Any] = []

    def add_selector(self, selector: Any, payload: Any) -> None:
        super().add_selector(selector, payload)
        self.payloads.append(payload)


def _parse(fetcher: GuardedFetcher, kwargs: dict[str, Any]) -> tuple[Any, _Entry | None]:
    """Parse as WeasyPrint would for this document, and keep the result only
    if the parse touched nothing outside the sheet."""
    page_rules = kwargs["page_rules"]
    layers = kwargs.get("layers")
    shared = [kwargs.get("counter_style"), kwargs.get("color_profiles")]
    before = [None if d is None else dict(d) for d in shared]
    rules_before, layers_before = len(page_rules), None if layers is None else len(layers)
    matcher = _RecordingMatcher()
    warned = _Warned()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(warned)
    try:
        with fetcher.recording() as requests:
            css = _ORIGINAL_CSS(**kwargs, matcher=matcher)
    finally:
        logger.removeHandler(warned)
    fetched = tuple(r for r in requests if isinstance(r, Fetched))
    if (
        warned.any
        or len(fetched) != len(requests)  # something was refused
        or not fetched
        or fetched[0].url != kwargs["url"]
        or (layers is not None and len(layers) != layers_before)
        or not all(_same(b, d) for b, d in zip(before, shared, strict=True))
    ):
        return css, None
    own_rules = tuple(page_rules[rules_before:])
    sheet = copy.copy(css)
    sheet.page_rules = list(own_rules)
    if layers is not None:
        sheet.layers = []
    declarations = [payload[0] for payload in matcher.payloads]
    declarations += [rule[2] for rule in own_rules]
    return css, _Entry(fetched, sheet, own_rules, _pending(declarations))


def _same(before: dict[Any, Any] | None, now: Any) -> bool:
    """True if the parse added or replaced nothing in a document-wide mapping."""
    if before is None or now is None:
        return before is None and now is None
    return len(now) == len(before) and all(
        key in before and before[key] is value for key, value in now.items()
    )


def _pending(declaration_lists: list[Any]) -> tuple[Any, ...]:
    found: dict[int, Any] = {}
    for declarations in declaration_lists:
        for declaration in declarations:
            value = declaration[1]
            if isinstance(value, Pending):
                found[id(value)] = value
    return tuple(found.values())
