"""``outputs/<period>/manifest.json``: what a build produced, the only view distribution has.

Data flows one way: distribution must not re-derive anything from the plan
or the inputs, so everything it needs to address and attach packs is here:
which files exist, what each is, its title, page count and hash, the
one-line RAG summary per recommendation, what is asked of the board and
each KPI's figures as the packs print them.

The render stage writes it and the distribute stage reads it through these
models, so both agree by construction. The file is stable (keys sorted,
lists in a fixed order, no timestamp but the build date) so two builds of
the same inputs write the same bytes. Reading ignores keys it does not know,
so a newer reportgen can add to the manifest without breaking an older
sender; keys added after the first release (``asks``, ``kpis``) default to
empty so older manifests still read.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from reportgen.atomic import atomic_write_text
from reportgen.contract.errors import ContractError, explain
from reportgen.contract.paths import RELATIVE_PATH, RULE, check_relative
from reportgen.registry import BUILTIN_REGISTRY, Registry

MANIFEST_NAME = "manifest.json"
_REBUILD = "The manifest is written by `reportgen build`; rebuild rather than edit it."

REGISTRY = "registry"
"""Validation context key for the project's pack kinds (:class:`reportgen.registry.Registry`)."""


def check_kind(kind: str, info: ValidationInfo) -> str:
    """The one place a pack kind is checked: against the project's registry.

    The registry comes in the validation context (``{"registry": ...}``), as
    :func:`read_manifest` and the build pass it; without one only the
    built-in kinds are known.
    """
    registry = _registry(info.context)
    if kind not in registry:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(registry.names)}")
    return kind


def _registry(context: Any) -> Registry:
    found = context.get(REGISTRY) if isinstance(context, dict) else None
    return found if isinstance(found, Registry) else BUILTIN_REGISTRY


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


Sha256 = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(pattern=r"^[0-9a-f]{64}$"),
    Field(description="SHA-256 of the file's bytes, 64 lower-case hex digits."),
]
_PATTERN = RELATIVE_PATH.pattern
RelativePath = Annotated[
    str,
    AfterValidator(check_relative),
    Field(description=f"Path of the PDF: {RULE}.", json_schema_extra={"pattern": _PATTERN}),
]
Rag = Annotated[
    str,
    BeforeValidator(_lower),
    Field(description="RAG status: red, amber, green, grey (no target) or no-data."),
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", coerce_numbers_to_str=True)


class InputFile(_Record):
    """An input file the build read, so a reader can tell which data a pack shows."""

    path: str = Field(description="Path relative to the project folder, e.g. `inputs/plan.yaml`.")
    sha256: Sha256


class PackFile(_Record):
    """One built PDF."""

    path: RelativePath
    kind: Annotated[str, AfterValidator(check_kind)] = Field(
        description=f"What the pack is: {', '.join(BUILTIN_REGISTRY.names)}, or a kind the "
        "project declares in `packs.yaml` ('reportgen docs packs')."
    )
    ref: str | None = Field(
        description="The recommendation ref or workstream id; null for whole-plan packs "
        '(summary, board; `""` in manifests of the first release).'
    )
    title: str = Field(description="The pack's title, as on its cover.")
    pages: int = Field(ge=0, description="Number of pages.")
    sha256: Sha256
    bytes: int = Field(ge=0, description="File size in bytes.")

    @property
    def filename(self) -> str:
        return PurePosixPath(self.path).name


class SummaryRow(_Record):
    """One recommendation's RAG line, for the table in the email body."""

    ref: str = Field(description="Recommendation ref.")
    title: str = Field(description="Recommendation title.")
    rag: Rag
    reason: str = Field(description="Why it has that status, in one line.")


class AskRow(_Record):
    """Something a lead asks of the board, from the notes, listed in the email."""

    ref: str = Field(description="Recommendation ref.")
    kind: str = Field(description="decide, note, escalation or risk.")
    text: str = Field(description="What is asked, as the executive summary says it.")


class KpiRow(_Record):
    """One KPI's month with its figures already printed, for the email's KPI list.

    The email quotes these strings, so it says exactly what the packs say.
    """

    id: str = Field(description="KPI id, e.g. `11b`.")
    recommendation: str = Field(description="Ref of the recommendation the KPI belongs to.")
    title: str = Field(description="KPI title.")
    value: str = Field(description="This month's value as printed, e.g. `82.7% (348 of 421)`.")
    target: str = Field(description="The target as printed.")
    rag: Rag


class Manifest(_Record):
    """What one build of a period produced; written by `reportgen build`, read by `send`."""

    tool: str = Field(description="Always `reportgen`.")
    version: str = Field(description="The reportgen version that built the packs.")
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="The month reported on, `YYYY-MM`.")
    as_of: str = Field(description="Date actions were judged as at, `YYYY-MM-DD`.")
    built: str = Field(description="Build date, `YYYY-MM-DDT00:00:00Z`.")
    options: dict[str, Any] = Field(description="The build's options (packs, only, cover).")
    inputs: tuple[InputFile, ...] = Field(description="Every input file read, by path.")
    outputs: tuple[PackFile, ...] = Field(
        description="Every PDF in the period folder: summary, recommendations (2 before 10), "
        "board, workstreams, then the project's own kinds (the pack registry's order)."
    )
    summary: tuple[SummaryRow, ...] = Field(description="One row per recommendation.")
    warnings: tuple[str, ...] = Field(default=(), description="The build's warnings.")
    asks: tuple[AskRow, ...] = Field(default=(), description="Decisions, escalations, risks.")
    kpis: tuple[KpiRow, ...] = Field(default=(), description="Each quantitative KPI's figures.")

    @model_validator(mode="after")
    def _each_file_once(self) -> Manifest:
        seen: set[str] = set()
        for pack in self.outputs:
            if pack.path in seen:
                raise ValueError(f"outputs: {pack.path!r} is listed twice")
            seen.add(pack.path)
        return self

    def find(self, kind: str, ref: str | None = None) -> PackFile | None:
        """The first pack of ``kind`` (with ``ref``, when given)."""
        for pack in self.outputs:
            if pack.kind == kind and (ref is None or pack.ref == ref):
                return pack
        return None

    def to_json(self, registry: Registry = BUILTIN_REGISTRY) -> str:
        """The file's text; outputs in the registry's kind order, then by ref."""

        def order(o: PackFile) -> tuple[int, str, str]:
            return (registry.order(o.kind), _natural(o.ref), o.path)

        data = self.model_dump(mode="json")
        data["inputs"] = sorted(data["inputs"], key=lambda i: (i["path"], i["sha256"]))
        data["outputs"] = [o.model_dump(mode="json") for o in sorted(self.outputs, key=order)]
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _natural(ref: str | None) -> str:
    # "2" before "10": refs are recommendation numbers in most plans.
    if ref is None:
        return ""
    return ref.zfill(8) if ref.isdigit() else ref


def write_manifest(folder: Path, manifest: Manifest, registry: Registry = BUILTIN_REGISTRY) -> Path:
    """Write ``folder/manifest.json`` atomically; returns its path."""
    path = folder / MANIFEST_NAME
    atomic_write_text(path, manifest.to_json(registry))
    return path


def read_manifest(
    folder: Path, *, period: str | None = None, registry: Registry = BUILTIN_REGISTRY
) -> Manifest:
    """The manifest in ``folder``, checked; every defect is named with its location.

    With ``period``, a manifest that says it is for another month is refused
    (a folder copied or renamed by hand would otherwise send the wrong packs).
    ``registry`` is the project's pack kinds: a kind it lacks is refused.
    """
    path = folder / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContractError(
            f"{path}: no manifest for this period; run `reportgen build --period "
            f"{period or folder.name}` first"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"{path}: cannot read the manifest ({exc}); rebuild it") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); rebuild with `reportgen build`"
        ) from None
    return parse_manifest(data, str(path), period=period, registry=registry)


def parse_manifest(
    data: Any, where: str, *, period: str | None = None, registry: Registry = BUILTIN_REGISTRY
) -> Manifest:
    """``data`` (parsed JSON) as a :class:`Manifest`; ``where`` names it in errors."""
    if not isinstance(data, dict):
        raise ContractError(f"{where}: expected a JSON object at the top level")
    try:
        manifest = Manifest.model_validate(data, context={REGISTRY: registry})
    except ValidationError as exc:
        raise ContractError(explain(exc, where, _REBUILD)) from None
    if period is not None and manifest.period != period:
        raise ContractError(
            f"{where}: period: says {manifest.period!r} but the manifest is in the folder "
            f"for {period!r}\n{_REBUILD}"
        )
    return manifest
