"""The pack registry: every kind of pack declared once.

A kind of pack (the RAG summary, a recommendation report, the board pack, a
workstream pack, or one a project adds) is one :class:`PackKind` entry: its
template, where its PDF goes, what it selects from the assessment and what it
contains, its key in ``distribution.yaml`` and the one line that describes
it. Everything else reads the kinds from here: the ``--pack`` choices,
which packs a build plans (:func:`reportgen.render.packs.plan_packs`), the
manifest's check of each output's kind, the ``packs:`` keys
``distribution.yaml`` accepts, the order packs arrive in an email, and
``docs/pack-kinds.md``. The built-in kinds are registered exactly as a
project's own are, so the two cannot work differently.

A project adds kinds in ``packs.yaml`` at its top level (next to
``templates/``), choosing from a fixed set of selections and contents. It is
data, not code: reportgen runs nothing from a project folder.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import ClassVar, Literal

from reportgen.errors import InputError, Problem

Selection = Literal["plan", "recommendation", "workstream"]
"""What one pack of a kind covers (see :data:`SELECTION_MEANING`)."""

Content = Literal["briefing", "sections", "data_quality", "plan_notes"]
"""What a kind's packs contain beyond the cover (see :data:`CONTENT_MEANING`)."""

SELECTION_MEANING: dict[Selection, str] = {
    "plan": "one pack for the whole plan per build",
    "recommendation": "one pack per recommendation (narrowed by `--only REF`)",
    "workstream": "one pack per workstream, holding only that workstream's actions "
    "(narrowed by `--only WORKSTREAM`)",
}

CONTENT_MEANING: dict[Content, str] = {
    "briefing": "the executive summary's facts (`pack.briefing`)",
    "sections": "one section per recommendation the pack covers (`pack.sections`)",
    "data_quality": "the data-quality appendix (`pack.data_quality`)",
    "plan_notes": "the annex of gaps in the source plan (`pack.plan_notes`)",
}
"""What the template receives for each content; the rest of ``pack`` is always filled."""

PLACEHOLDER_MEANING: dict[str, str] = {
    "period": "the month, `2020-03`",
    "period_label": "the month in words, `March 2020`",
    "ref": "the recommendation's number or the workstream's id",
    "slug": "`rec-01-` and the recommendation's title shortened, or the workstream's id",
    "name": "the recommendation's title or the workstream's name",
}
"""The ``{placeholders}`` a kind's path and titles may use."""

PLACEHOLDERS: dict[Selection, frozenset[str]] = {
    "plan": frozenset({"period", "period_label"}),
    "recommendation": frozenset(PLACEHOLDER_MEANING),
    "workstream": frozenset(PLACEHOLDER_MEANING),
}
"""Which placeholders each selection fills."""

PACKS_FILE = "packs.yaml"
"""A project's own kinds, at the top of the project folder."""

ALL = "all"
"""The ``--pack`` choice meaning every kind."""

_NAME = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
_KEY = r"^[a-z][a-z0-9_]*$"

DEFAULT_SUBTITLES: dict[Selection, str] = {
    "plan": "{period_label}",
    "recommendation": "Recommendation {ref} · {period_label}",
    "workstream": "{name} workstream · {period_label}",
}


@dataclass(frozen=True)
class PackKind:
    """One kind of pack; a built-in and a project's kind are the same type."""

    # How pydantic reads a project's kinds from YAML: unknown keys are errors.
    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}

    name: str
    """What ``--pack`` and the manifest call it (lower case, digits and ``-``)."""
    description: str
    """One line for the docs: who it is for and what it holds."""
    template: str
    """Template file, looked up in the project's ``templates/`` first."""
    path: str
    """Where each PDF goes in ``outputs/<period>/``, with placeholders."""
    selects: Selection
    """One pack for the plan, or one per recommendation or workstream."""
    title: str
    """The cover's title, with placeholders."""
    label: str = ""
    """Its name in the manifest and the email's list of attachments
    (default: the title)."""
    subtitle: str = ""
    """The line under the cover's title (default: by selection)."""
    contains: tuple[Content, ...] = ("sections",)
    """What the template is given to show (see ``contains`` below)."""
    distribution_key: str = ""
    """Its key under ``packs:`` in distribution.yaml (default: the name with
    ``-`` as ``_``). A whole-plan kind takes ``true``/``false``, the others a
    list of refs or ``all``."""
    mail_order: int = 100
    """Where its packs come in a recipient's email, lower first."""

    @property
    def key(self) -> str:
        return self.distribution_key or self.name.replace("-", "_")

    @property
    def manifest_label(self) -> str:
        return self.label or self.title

    @property
    def cover_subtitle(self) -> str:
        return self.subtitle or DEFAULT_SUBTITLES[self.selects]

    @property
    def per_item(self) -> bool:
        """True when the kind makes one pack per recommendation or workstream."""
        return self.selects != "plan"

    def mistakes(self) -> list[tuple[str, str]]:
        """Rules across fields, as ``(field, message)``; pydantic checks each field alone."""
        found: list[tuple[str, str]] = []
        if not re.match(_NAME, self.name):
            found.append(("name", "use lower-case letters, digits and '-', e.g. outcomes-report"))
        if self.distribution_key and not re.match(_KEY, self.distribution_key):
            found.append(("distribution_key", "use lower-case letters, digits and '_'"))
        for field_name in ("description", "template", "title"):
            if not getattr(self, field_name).strip():
                found.append((field_name, "must not be empty"))
        allowed = PLACEHOLDERS[self.selects]
        for field_name in ("path", "title", "label", "subtitle"):
            pattern = getattr(self, field_name)
            try:
                used = {n for _, n, _, _ in string.Formatter().parse(pattern) if n is not None}
            except ValueError as exc:
                found.append((field_name, f"bad placeholder: {exc}"))
                continue
            unknown = sorted(used - allowed)
            if unknown:
                found.append(
                    (
                        field_name,
                        f"{{{unknown[0]}}} is not a placeholder for a kind that selects "
                        f"{self.selects!r}; use {', '.join(sorted(allowed))}",
                    )
                )
            if field_name == "path" and self.per_item and not used & {"ref", "slug"}:
                found.append(("path", "must contain {ref} or {slug}: one PDF per item"))
        rel = PurePosixPath(self.path)
        if rel.is_absolute() or ".." in rel.parts or "\\" in self.path:
            found.append(("path", "must be a relative path inside outputs/<period>/"))
        if rel.suffix != ".pdf":
            found.append(("path", "must end in .pdf"))
        return found


BUILTIN: tuple[PackKind, ...] = (
    PackKind(
        name="summary",
        description="The one-page RAG summary: each recommendation's status and why, and what "
        "is asked of the board.",
        template="summary.html",
        path="rag-summary-{period}.pdf",
        selects="plan",
        title="RAG summary",
        contains=("briefing",),
        distribution_key="summary",
        mail_order=1,
    ),
    PackKind(
        name="recommendation",
        description="One recommendation's progress report for its lead: actions, KPIs with "
        "charts and the lead's note.",
        template="recommendation.html",
        path="recommendations/{slug}.pdf",
        selects="recommendation",
        title="Recommendation {ref}: progress report",
        label="Recommendation {ref}",
        contains=("sections",),
        distribution_key="recommendations",
        mail_order=2,
    ),
    PackKind(
        name="board",
        description="The Improvement Board pack: executive summary, every recommendation's "
        "section, data-quality appendix and the source plan's gaps.",
        template="board.html",
        path="board-pack-{period}.pdf",
        selects="plan",
        title="Improvement Board pack",
        label="Board pack",
        contains=("briefing", "sections", "data_quality", "plan_notes"),
        distribution_key="board",
        mail_order=0,
    ),
    PackKind(
        name="workstream",
        description="A task-and-finish group's pack: its own exceptions first, then only its "
        "actions in each recommendation it works on.",
        template="workstream.html",
        path="workstreams/{ref}-{period}.pdf",
        selects="workstream",
        title="{name} task-and-finish group pack",
        label="{name}",
        contains=("sections",),
        distribution_key="workstreams",
        mail_order=3,
    ),
)
"""reportgen's own kinds, in ``--pack`` and manifest order."""


@dataclass(frozen=True)
class Registry:
    """The kinds one project can build: the built-ins, then its own."""

    kinds: tuple[PackKind, ...] = BUILTIN

    def __iter__(self) -> Iterator[PackKind]:
        return iter(self.kinds)

    def __getitem__(self, name: str) -> PackKind:
        kind = self.get(name)
        if kind is None:
            raise KeyError(name)
        return kind

    def get(self, name: str) -> PackKind | None:
        return next((kind for kind in self.kinds if kind.name == name), None)

    def __contains__(self, name: object) -> bool:
        return any(kind.name == name for kind in self.kinds)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(kind.name for kind in self.kinds)

    @property
    def choices(self) -> tuple[str, ...]:
        """What ``--pack`` accepts."""
        return (*self.names, ALL)

    def selected(self, wanted: tuple[str, ...] | list[str]) -> tuple[PackKind, ...]:
        """The kinds ``--pack`` values ask for, in registry order."""
        if ALL in wanted:
            return self.kinds
        return tuple(kind for kind in self.kinds if kind.name in wanted)

    def order(self, name: str) -> int:
        """A kind's place in the registry (unknown kinds last)."""
        return self.names.index(name) if name in self else len(self.kinds)

    def mail_rank(self, name: str) -> tuple[int, int]:
        """Where a kind's packs come in an email: by ``mail_order``, then registry order."""
        kind = self.get(name)
        return (kind.mail_order if kind else 1 << 30, self.order(name))


BUILTIN_REGISTRY = Registry()


@dataclass(frozen=True)
class ProjectPacks:
    """The root of a project's ``packs.yaml``."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}

    kinds: list[PackKind]


def load_registry(root: Path | None) -> tuple[Registry, list[Problem]]:
    """The built-in kinds plus the project's ``packs.yaml`` (if any); never raises for bad input.

    A kind that clashes with another (name, distribution key or path) or breaks
    a rule is reported at its line, and none of the file's kinds is used.
    """
    path = None if root is None else root / PACKS_FILE
    if path is None or not path.is_file():
        return BUILTIN_REGISTRY, []
    from pydantic import TypeAdapter, ValidationError

    from reportgen.load.yamlsource import load_yaml, pydantic_problems
    from reportgen.reference import hint

    source, problems = load_yaml(path, PACKS_FILE)
    if source is None:
        return BUILTIN_REGISTRY, problems
    try:
        declared = TypeAdapter(ProjectPacks).validate_python(source.data)
    except ValidationError as exc:
        return BUILTIN_REGISTRY, pydantic_problems(exc, source, hint("packs"))
    if not declared.kinds:
        return BUILTIN_REGISTRY, [source.problem(("kinds",), "list at least one kind")]
    taken = {
        "name": {k.name: "built-in" for k in BUILTIN} | {ALL: "built-in"},
        "key": {k.key: f"built-in kind {k.name!r}" for k in BUILTIN},
        "path": {k.path: f"built-in kind {k.name!r}" for k in BUILTIN},
    }
    for i, kind in enumerate(declared.kinds):
        loc = ("kinds", i)
        for field_name, message in kind.mistakes():
            problems.append(source.problem((*loc, field_name), message))
        for what, value, field_name in (
            ("name", kind.name, "name"),
            ("key", kind.key, "distribution_key"),
            ("path", kind.path, "path"),
        ):
            if value in taken[what]:
                problems.append(
                    source.problem(
                        (*loc, field_name),
                        f"{value!r} is already used by {taken[what][value]}; choose another",
                    )
                )
            taken[what].setdefault(value, f"kind {kind.name!r}")
    if any(p.is_error for p in problems):
        return BUILTIN_REGISTRY, problems
    return Registry((*BUILTIN, *declared.kinds)), problems


def registry_for(root: Path | None) -> Registry:
    """Like :func:`load_registry` but raises :class:`InputError` for a bad ``packs.yaml``."""
    registry, problems = load_registry(root)
    if any(p.is_error for p in problems):
        raise InputError(problems)
    return registry


__all__ = [
    "ALL",
    "BUILTIN",
    "BUILTIN_REGISTRY",
    "CONTENT_MEANING",
    "PACKS_FILE",
    "PLACEHOLDER_MEANING",
    "SELECTION_MEANING",
    "Content",
    "PackKind",
    "Registry",
    "Selection",
    "load_registry",
    "registry_for",
]
