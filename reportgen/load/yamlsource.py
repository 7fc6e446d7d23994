"""YAML that remembers where each value came from.

Pydantic reports an error by its location in the data (``recommendations.3
.kpis.2.target``); an analyst needs a line number. Composing the YAML node
tree once gives both the plain data and a map from each location to the line
and column where it was written.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from reportgen.errors import Problem
from reportgen.load.limits import (
    MAX_YAML_ALIASES,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
    file_too_big,
)
from reportgen.load.yamlwords import explain

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Names:
    """How a file's own words name a location, for messages.

    ``recommendations[2].kpis[1].as_written`` counts from zero and says
    nothing of what the field is; an analyst reads "recommendation 3, KPI 6:
    as_written (the KPI's text exactly as the plan gives it)". ``items`` maps
    a list's key to the word for one item and the key holding its reference
    (None: number items from 1); ``describe`` gives a field's meaning.
    """

    items: dict[str, tuple[str, str | None]]
    describe: Callable[[Loc], str | None] = lambda _loc: None

    def split(self, loc: Loc, data: Any) -> tuple[str, str]:
        """``(where, leaf)``: ``("recommendation 3, KPI 6", "as_written")``."""
        segments: list[str] = []
        pending: list[str] = []
        node = data
        for part in loc:
            if isinstance(part, int):
                container = pending.pop() if pending else ""
                node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
                mapped = self.items.get(container)
                # A plain list under the same key elsewhere (a recipient's
                # ``groups``, not the file's groups) is just numbered.
                if mapped and (mapped[1] is None or isinstance(node, dict)):
                    if pending:
                        segments.append(".".join(pending))
                    word, key = mapped
                else:
                    word, key = f"{'.'.join([*pending, container])} item", None
                pending = []
                ref = node.get(key) if key and isinstance(node, dict) else None
                shown = ref if isinstance(ref, str | int) and not isinstance(ref, bool) else None
                if isinstance(shown, str) and not _fit_to_name(shown):
                    shown = None  # a long or multi-line value: its position says more
                segments.append(f"{word} {shown if shown is not None else part + 1}")
            else:
                pending.append(part)
                node = node.get(part) if isinstance(node, dict) else None
        return ", ".join(segments), ".".join(pending)


def _fit_to_name(text: str) -> bool:
    """Whether a reference can name its item in a one-line message."""
    return 0 < len(text) <= MAX_NAME_IN_MESSAGE and text.isprintable() and text.strip() == text


MAX_NAME_IN_MESSAGE = 60


@dataclass
class YamlSource:
    """Parsed YAML data plus the position of every key and item in it."""

    path: Path
    display: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    names: Names | None = None
    """Set by a loader that knows the file's vocabulary (see :class:`Names`)."""

    def where(self, loc: Loc) -> tuple[int | None, int | None]:
        """Line and column (1-based) of ``loc``, or of its nearest parent."""
        probe = tuple(loc)
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (None, None))

    def problem(
        self, loc: Loc, message: str, severity: str = "error", field_name: str | None = None
    ) -> Problem:
        line, _column = self.where(loc)
        if field_name is None and self.names is not None:
            field_name, message = self._named(loc, message)
        return Problem(
            path=self.display,
            line=line,
            column=None,
            field=field_name if field_name is not None else dotted(loc),
            message=message,
            severity="warning" if severity == "warning" else "error",
        )

    def _named(self, loc: Loc, message: str) -> tuple[str | None, str]:
        assert self.names is not None
        where, leaf = self.names.split(loc, self.data)
        if not where:  # a top-level key: its name is the clearest label
            return None, message
        if not leaf:
            return where, message
        meaning = (self.names.describe(loc) or "").split("(")[0].replace("`", "").strip()
        if meaning.lower().startswith(leaf.rsplit(".", 1)[-1].replace("_", " ")):
            meaning = ""  # "due (due month)" says nothing more
        what = f"{leaf} ({meaning})" if meaning else leaf
        if message == MISSING:
            return where, f"{what} is missing; add it"
        return where, f"{what}: {message}"


MISSING = "required field is missing"


def dotted(loc: Loc) -> str:
    """``('recommendations', 3, 'kpis')`` -> ``recommendations[3].kpis``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class YamlLimitError(yaml.MarkedYAMLError):
    """A document passed one of the limits in :mod:`reportgen.load.limits`."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.message = message


class _LimitedComposer(yaml.composer.Composer):
    """A composer that refuses documents too costly to load.

    The limits are checked while composing the node tree, which costs no
    more than the text: an alias (``*name``) is only a second reference to
    one node there. The cost comes later, when the data is walked (for
    positions, by the constructor, by pydantic) and every alias is expanded;
    the expanded size of each node is counted here so that a "billion laughs"
    document is refused before anything walks it. Nesting depth is limited
    because composing, like walking, recurses once per level.
    """

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._aliases = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # the parser's
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise YamlLimitError(
                    f"more than {MAX_YAML_ALIASES:,} aliases (*name), the limit; "
                    "write the values out instead",
                    event.start_mark,
                )
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:
                raise YamlLimitError(
                    f"alias *{event.anchor} is used inside the value it names "
                    f"(&{event.anchor}), which would repeat forever; remove it",
                    event.start_mark,
                )
            return node
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise YamlLimitError(
                    f"nested more than {MAX_YAML_DEPTH} levels deep, the limit; "
                    "check the indentation and brackets",
                    event.start_mark,
                )
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:
            return None
        size = 1
        if isinstance(node, yaml.MappingNode):
            size += sum(self._sizes[id(k)] + self._sizes[id(v)] for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size += sum(self._sizes[id(item)] for item in node.value)
        if size > MAX_YAML_VALUES:
            raise YamlLimitError(
                f"with its aliases (*name) expanded this holds {size:,} values; the limit "
                f"is {MAX_YAML_VALUES:,}; write the values out instead of nesting aliases",
                node.start_mark,
            )
        self._sizes[id(node)] = size
        return node


class _UniqueKeyLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _LimitedComposer,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """SafeLoader that refuses duplicate keys and documents too costly to load.

    Pure Python: slow (about 0.2 s for the example plan) but its error
    messages are the ones :func:`reportgen.load.yamlwords.explain` words.
    """

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _LimitedComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


_FAST_LOADERS: list[type[Any]] = []
try:
    from yaml._yaml import CParser  # libyaml, bundled with PyYAML's wheels

    class _FastUniqueKeyLoader(
        _LimitedComposer,
        CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """The same loader with libyaml scanning and parsing (ten times faster).

        Only the events come from C: composing (with the limits), duplicate
        keys and constructing are the Python code above, so a document that
        loads gives the same data and positions. A document that fails is
        read again by :class:`_UniqueKeyLoader` for its error message.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _LimitedComposer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _FAST_LOADERS.append(_FastUniqueKeyLoader)
except ImportError:  # a PyYAML built without libyaml: the Python loader alone
    pass


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            # ``<<: *defaults`` is YAML's merge key; flatten_mapping below
            # copies the named mapping's keys in, explicit keys winning.
            continue
        key = loader.construct_object(key_node)
        if not isinstance(key, Hashable):
            raise _unusable_key(node, key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r} (first on line {seen[key].start_mark.line + 1}); "
                "keep only one",
                key_node.start_mark,
            )
        seen[key] = key_node
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


def _unusable_key(node: yaml.Node, key_node: yaml.Node) -> yaml.constructor.ConstructorError:
    """A list or mapping used as a key (``? [a, b]``): legal YAML, but no key of ours."""
    return yaml.constructor.ConstructorError(
        "while constructing a mapping",
        node.start_mark,
        "found a list or mapping used as a key; keys are plain words such as 'title'",
        key_node.start_mark,
    )


_loader: Any
for _loader in (_UniqueKeyLoader, *_FAST_LOADERS):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    # Keep dates as text: the schema decides what a date is, so "Nov 2019" and
    # "2019-11-30" get the same treatment and the same error messages.
    _loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _record(node: yaml.Node, loc: Loc, out: dict[Loc, tuple[int, int]]) -> None:
    out[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                _record_merged(value_node, loc, out)
                continue
            key = key_node.value
            out[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _record_children(value_node, (*loc, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record(item, (*loc, i), out)


def _record_merged(node: yaml.Node, loc: Loc, out: dict[Loc, tuple[int, int]]) -> None:
    """Positions for keys a merge (``<<: *name``) brings in: where they are written.

    A problem in a merged value is reported at the line of the anchored
    mapping that holds it, the only place the analyst can fix it. Keys
    written beside the merge are recorded afterwards and win, as in YAML.
    """
    sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
    saved = out.get(loc)
    for source in reversed(sources):  # earlier mappings in a list win
        if isinstance(source, yaml.MappingNode):
            _record(source, loc, out)
    if saved is not None:
        out[loc] = saved


def _record_children(node: yaml.Node, loc: Loc, out: dict[Loc, tuple[int, int]]) -> None:
    # The key's own position is already recorded for ``loc``; only descend.
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        saved = out[loc]
        _record(node, loc, out)
        out[loc] = saved


def load_yaml(path: Path, display: str | None = None) -> tuple[YamlSource | None, list[Problem]]:
    """Read ``path``; on a syntax error return no source and one located problem."""
    shown = display or str(path)
    too_big = file_too_big(path, MAX_YAML_BYTES, "the file")
    if too_big:
        return None, [Problem.whole_file(shown, too_big)]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [Problem.whole_file(shown, "file not found")]
    except UnicodeDecodeError as exc:
        return None, [Problem.whole_file(shown, f"not UTF-8 text ({exc.reason})")]
    return parse_yaml(text, shown, path)


def parse_yaml(
    text: str, display: str, path: Path | None = None
) -> tuple[YamlSource | None, list[Problem]]:
    """Parse YAML text (a file or a note's front matter) with positions."""
    for fast in _FAST_LOADERS:
        try:
            node, data = _compose_and_construct(fast, text)
        except Exception:  # read again below by the Python loader, for its message
            break
        return _with_positions(node, data, display, path)
    try:
        node, data = _compose_and_construct(_UniqueKeyLoader, text)
    except YamlLimitError as exc:
        mark = exc.problem_mark
        return None, [
            Problem(
                display,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
                None,
                f"not read: {exc.message}",
            )
        ]
    except yaml.MarkedYAMLError as exc:
        said = explain(exc, text)
        return None, [
            Problem(display, said.line, said.column, None, f"invalid YAML: {said.message}")
        ]
    except yaml.YAMLError as exc:
        return None, [Problem.whole_file(display, f"invalid YAML: {exc}")]
    return _with_positions(node, data, display, path)


def _compose_and_construct(loader_class: type[Any], text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _with_positions(
    node: yaml.Node | None, data: Any, display: str, path: Path | None
) -> tuple[YamlSource | None, list[Problem]]:
    positions: dict[Loc, tuple[int, int]] = {}
    if node is not None:
        _record(node, (), positions)
    return YamlSource(path or Path(display), display, data, positions), []


def pydantic_problems(exc: ValidationError, source: YamlSource, reference: str) -> list[Problem]:
    """Pydantic's errors as located problems, in words an analyst can act on.

    ``reference`` names the document that lists the valid keys, so an unknown
    key says where to look. Branch names pydantic adds for unions are dropped
    from locations (they are not keys in the file) and repeats are removed.
    """
    fixes = {
        "extra_forbidden": f"unknown key; check the spelling against {reference}",
        # The same two for a dataclass (reportgen.registry's PackKind).
        "unexpected_keyword_argument": f"unknown key; check the spelling against {reference}",
        "missing": MISSING,
        "missing_argument": MISSING,
        "finite_number": "must be an ordinary number; .inf, .nan and numbers too large to "
        "hold (such as 1.0e+999) are not allowed",
    }
    problems: list[Problem] = []
    seen: set[tuple[Loc, str]] = set()
    for err in exc.errors():
        loc: Loc = tuple(
            p for p in err["loc"] if isinstance(p, int) or not ("[" in p or p.startswith("literal"))
        )
        msg = fixes.get(err["type"], err["msg"])
        msg = msg.removeprefix("Value error, ")
        given = err.get("input")
        if (
            err["type"] not in fixes
            and "input" in err
            and not isinstance(given, dict | list)
            and "got " not in msg
            and not (isinstance(given, str) and given in msg)
        ):
            msg += f" (got {given!r})"
        if (loc, msg) not in seen:
            seen.add((loc, msg))
            problems.append(source.problem(loc, msg))
    return problems
