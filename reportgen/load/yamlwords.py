"""YAML syntax errors in words an analyst can act on.

PyYAML describes the parser's state ("while parsing a block collection
expected <block end>, but found '<block mapping start>'"). Almost every
mistake in a hand-edited plan is one of a few slips: a line indented one
space too far or too little, a tab, a colon or quote inside an unquoted
value, an unclosed quote or bracket. This module names the slip, the line
to look at and the fix, and keeps PyYAML's words only when it cannot tell.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Explained:
    line: int | None
    column: int | None
    message: str


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def explain(exc: yaml.MarkedYAMLError, text: str) -> Explained:
    """The likely cause of ``exc`` in ``text``, with the 1-based line to look at."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    opened = exc.context_mark.line + 1 if exc.context_mark else None
    problem = exc.problem or ""
    context = exc.context or ""

    def source(n: int | None) -> str:
        return lines[n - 1] if n is not None and 0 < n <= len(lines) else ""

    here = source(line)
    if "'\\t'" in problem:
        return Explained(
            line, column, "the line is indented with a tab; YAML needs spaces, so replace "
            "the tab with spaces lined up with the lines above"
        )  # fmt: skip
    if problem == "mapping values are not allowed here":
        before = here[: (column or 1) - 1]
        if ":" in before:
            key = before.split(":", 1)[0].strip().lstrip("- ")
            return Explained(
                line, column, f"the value of {key!r} contains a colon (':'); put the whole "
                f"value in double quotes, e.g. {key}: \"...: ...\""
            )  # fmt: skip
        above = next((source(n) for n in range((line or 1) - 1, 0, -1) if source(n).strip()), "")
        return Explained(
            line, None, f"this line is indented {_indent(here)} spaces, more than the line "
            f"above ({_indent(above)} spaces), so it reads as part of that line's value; indent it "
            "exactly like the key it belongs with"
        )  # fmt: skip
    if "expected <block end>" in problem and "'<scalar>'" in problem:
        return Explained(
            line, column, "there is text after a closing quote; put the whole value in "
            "quotes (an apostrophe inside single quotes ends them: write it as '' or use "
            "double quotes)"
        )  # fmt: skip
    if "expected <block end>" in problem or "expected <block mapping end>" in problem:
        where = f" (the list or section it belongs to starts on line {opened})" if opened else ""
        return Explained(
            line, None, f"this line is indented {_indent(here)} spaces, which does not line "
            f"up with the lines around it{where}; entries at the same level must start in "
            "the same column, and a list item's keys line up under the first key after "
            "its '- '"
        )  # fmt: skip
    if "that cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else "this character"
        return Explained(
            line, column, f"a value cannot start with {char!r}; put the value in double quotes"
        )
    if "scanning a quoted scalar" in context:
        return Explained(
            opened, None, "a quote opened on this line is never closed; add the closing "
            "quote (inside single quotes, write an apostrophe as '')"
        )  # fmt: skip
    if "could not find expected ':'" in problem:
        return Explained(
            opened, None, "this line has no ':' after its key; write it as 'key: value', "
            "start it with '- ' if it is a list item, or close a quote left open above"
        )  # fmt: skip
    if "flow sequence" in context or "flow mapping" in context:
        pair = "[ ... ]" if "sequence" in context else "{ ... }"
        return Explained(
            opened, None, f"the {pair[0]!r} on this line is not closed with {pair[-1]!r}, "
            f"or a value inside {pair} contains a comma or colon; close it or quote the value"
        )  # fmt: skip
    if "found undefined alias" in problem:
        return Explained(
            line, column, "a value starting with '*' is read as a reference to an anchor; "
            "put the value in double quotes"
        )  # fmt: skip
    if "duplicate key" in problem:
        return Explained(line, column, problem.removeprefix("found "))
    if "for merging" in problem:
        return Explained(
            line, column, "'<<:' merges a mapping written elsewhere into this one, so its "
            "value must name one with an alias (<<: *defaults) or list several "
            "(<<: [*a, *b]); remove the '<<' line or point it at an anchored mapping"
        )  # fmt: skip
    if "constructing a mapping" in context:  # our own loader's words (keys), already plain
        return Explained(line, column, f"{context} {problem}")
    what = " ".join(x for x in (context, problem) if x)
    return Explained(line, column, f"{what} (check this line's indentation, colons and quotes)")
