"""``docs/pack-kinds.md``, written from the pack registry.

Run ``python -m reportgen.registry_doc > docs/pack-kinds.md`` after changing
:mod:`reportgen.registry`; a test fails when the page and the registry
differ, so the docs cannot list a kind the tool does not have, or miss one.
The field descriptions are the attribute docstrings in the registry's source,
so each is written once.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap

from reportgen.registry import (
    BUILTIN,
    CONTENT_MEANING,
    PACKS_FILE,
    PLACEHOLDER_MEANING,
    PLACEHOLDERS,
    SELECTION_MEANING,
    PackKind,
)

EXAMPLE = """\
kinds:
  - name: outcomes
    description: Outcomes against activity for each recommendation, for the scrutiny panel.
    template: outcomes.html
    path: outcomes-{period}.pdf
    selects: plan
    title: Outcomes report
    contains: [briefing, sections]
    mail_order: 5
"""


def field_docs() -> dict[str, str]:
    """Each :class:`PackKind` field's docstring, in one line, from the source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(PackKind)))
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    docs: dict[str, str] = {}
    for node, after in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = " ".join(after.value.value.split()).replace("``", "`")
    return docs


def _default(field: dataclasses.Field[object]) -> str:
    if field.default is dataclasses.MISSING:
        return "required"
    if field.default == "":
        return "see meaning"
    if isinstance(field.default, tuple):
        return "`[" + ", ".join(str(v) for v in field.default) + "]`"
    return f"`{field.default}`"


def _code(value: str) -> str:
    return f"`{value}`" if value else ""


def render() -> str:
    docs = field_docs()
    lines = [
        "# Pack kinds",
        "",
        "Generated from `reportgen/registry.py` by `python -m reportgen.registry_doc`; "
        "do not edit by hand (a test fails when this page and the registry differ).",
        "",
        "Each kind of pack is declared once, in the pack registry: its template, where its "
        "PDF goes, what it covers, what it contains and its key in `distribution.yaml`. "
        "`reportgen build --pack KIND`, the manifest's `kind`, the `packs:` keys of "
        "`distribution.yaml` and the order of attachments in an email all come from it.",
        "",
        "## Built-in kinds",
        "",
        "| kind | covers | template | file in `outputs/<period>/` | `distribution.yaml` | "
        "description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind in BUILTIN:
        value = f"`{kind.key}: true`" if kind.selects == "plan" else f"`{kind.key}:` refs or `all`"
        lines.append(
            f"| `{kind.name}` | {kind.selects} | `{kind.template}` | `{kind.path}` | "
            f"{value} | {kind.description} |"
        )
    lines += [
        "",
        "| kind | cover title | name in the manifest and email | contains | email order |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind in BUILTIN:
        lines.append(
            f"| `{kind.name}` | {kind.title} | {kind.manifest_label} | "
            f"{', '.join(kind.contains) or '(cover only)'} | {kind.mail_order} |"
        )
    lines += [
        "",
        "## A project's own kinds",
        "",
        f"A project adds kinds in `{PACKS_FILE}` at the top of its folder (beside "
        "`inputs/` and `templates/`), and puts each kind's template in its own "
        "`templates/` folder. That is all: `reportgen build --pack KIND` builds it, the "
        "manifest lists it and `distribution.yaml` sends it, under its own key. For example:",
        "",
        "```yaml",
        EXAMPLE.rstrip("\n"),
        "```",
        "",
        "with `templates/outcomes.html` extending the built-in `base.html` (see "
        "'reportgen docs templates' for what a template receives) and, in "
        "`distribution.yaml`, `packs: {outcomes: true}` for whoever should receive it.",
        "",
        f"`{PACKS_FILE}` is data, not code: a kind chooses what it covers and what it "
        "contains from the fixed lists below, so reportgen never runs anything from a "
        "project folder. A kind that needs other data needs a change to reportgen. "
        "Its name, `distribution.yaml` key and path must not be another kind's; "
        "`reportgen validate` and `build` report every problem with its line, and no "
        "kind from the file is used until all are fixed.",
        "",
        "### Keys of a kind",
        "",
        "| key | default | meaning |",
        "| --- | --- | --- |",
    ]
    for field in dataclasses.fields(PackKind):
        lines.append(f"| `{field.name}` | {_default(field)} | {docs[field.name]} |")
    lines += ["", "### `selects`", "", "| value | meaning | placeholders |", "| --- | --- | --- |"]
    for selection, meaning in SELECTION_MEANING.items():
        names = ", ".join(f"`{{{p}}}`" for p in PLACEHOLDER_MEANING if p in PLACEHOLDERS[selection])
        lines.append(f"| `{selection}` | {meaning} | {names} |")
    lines += ["", "### `contains`", "", "| value | the template receives |", "| --- | --- |"]
    lines += [f"| `{content}` | {meaning} |" for content, meaning in CONTENT_MEANING.items()]
    lines += ["", "### Placeholders", "", "| placeholder | stands for |", "| --- | --- |"]
    lines += [f"| `{{{name}}}` | {meaning} |" for name, meaning in PLACEHOLDER_MEANING.items()]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
