"""YAML that remembers where each value came from.

Pydantic reports an error by its location in the data (``recommendations.3
.kpis.2.target``); an analyst needs a line number. Composing the YAML node
tree once gives both the plain data and a map from each location to the line
and column where it was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from reportgen.errors import Problem

Loc = tuple[str | int, ...]


@dataclass
class YamlSource:
    """Parsed YAML data plus the position of every key and item in it."""

    path: Path
    display: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

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
        return Problem(
            path=self.display,
            line=line,
            column=None,
            field=field_name if field_name is not None else dotted(loc),
            message=message,
            severity="warning" if severity == "warning" else "error",
        )


def dotted(loc: Loc) -> str:
    """``('recommendations', 3, 'kpis')`` -> ``recommendations[3].kpis``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys instead of keeping the last."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
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


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)

# Keep dates as text: the schema decides what a date is, so "Nov 2019" and
# "2019-11-30" get the same treatment and the same error messages.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _record(node: yaml.Node, loc: Loc, out: dict[Loc, tuple[int, int]]) -> None:
    out[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _record_children(value_node, (*loc, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record(item, (*loc, i), out)


def _record_children(node: yaml.Node, loc: Loc, out: dict[Loc, tuple[int, int]]) -> None:
    # The key's own position is already recorded for ``loc``; only descend.
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        saved = out[loc]
        _record(node, loc, out)
        out[loc] = saved


def load_yaml(path: Path, display: str | None = None) -> tuple[YamlSource | None, list[Problem]]:
    """Read ``path``; on a syntax error return no source and one located problem."""
    shown = display or str(path)
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
    try:
        loader = _UniqueKeyLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        return None, [Problem(display, line, col, None, f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem.whole_file(display, f"invalid YAML: {exc}")]
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
        "missing": "required field is missing",
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
