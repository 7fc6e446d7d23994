"""``outputs/<period>/manifest.json``: what a build produced, for distribution.

The distribute stage must not re-derive anything from the plan or the
inputs (data flows one way), so everything it needs to address and attach
packs is written here: which files exist, what each is, its title, page
count and hash, and the one-line RAG summary per recommendation.

The file is stable: keys sorted, lists in a fixed order, no timestamps other
than the build date passed in, so two builds from the same inputs write the
same bytes. Paths are POSIX and relative to the manifest's folder.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast, get_args

from reportgen.atomic import atomic_write_text
from reportgen.errors import ReportgenError

OutputKind = Literal["summary", "recommendation", "board", "workstream"]
OUTPUT_KINDS: tuple[str, ...] = get_args(OutputKind)
MANIFEST_NAME = "manifest.json"


class ManifestError(ReportgenError):
    """A manifest on disk does not match the contract."""


@dataclass(frozen=True, order=True)
class ManifestInput:
    path: str
    sha256: str


@dataclass(frozen=True)
class ManifestOutput:
    """One PDF. ``ref`` is the recommendation ref or workstream id; ``None`` for
    whole-plan packs (summary, board)."""

    path: str
    kind: OutputKind
    ref: str | None
    title: str
    pages: int
    sha256: str
    bytes: int


@dataclass(frozen=True)
class SummaryRow:
    ref: str
    title: str
    rag: str
    reason: str


@dataclass(frozen=True)
class AskRow:
    """Something a lead asks of the board: ``kind`` is decide, note, escalation or risk."""

    ref: str
    kind: str
    text: str


@dataclass(frozen=True)
class KpiRow:
    """One KPI with a data series, its figures already printed by reportgen.present.

    The email quotes these strings, so it says exactly what the packs say.
    """

    id: str
    recommendation: str
    title: str
    value: str
    target: str
    rag: str


_KPI_FIELDS = tuple(f.name for f in dataclasses.fields(KpiRow))


@dataclass(frozen=True)
class Manifest:
    tool: str
    version: str
    period: str
    as_of: str
    built: str
    options: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[ManifestInput, ...] = ()
    outputs: tuple[ManifestOutput, ...] = ()
    summary: tuple[SummaryRow, ...] = ()
    warnings: tuple[str, ...] = ()
    asks: tuple[AskRow, ...] = ()
    kpis: tuple[KpiRow, ...] = ()

    def to_json(self) -> str:
        data = {
            "tool": self.tool,
            "version": self.version,
            "period": self.period,
            "as_of": self.as_of,
            "built": self.built,
            "options": self.options,
            "inputs": [{"path": i.path, "sha256": i.sha256} for i in sorted(self.inputs)],
            "outputs": [
                {
                    "path": o.path,
                    "kind": o.kind,
                    "ref": o.ref,
                    "title": o.title,
                    "pages": o.pages,
                    "sha256": o.sha256,
                    "bytes": o.bytes,
                }
                for o in sorted(self.outputs, key=_output_order)
            ],
            "summary": [
                {"ref": s.ref, "title": s.title, "rag": s.rag, "reason": s.reason}
                for s in self.summary
            ],
            "warnings": list(self.warnings),
            "asks": [{"ref": a.ref, "kind": a.kind, "text": a.text} for a in self.asks],
            "kpis": [dataclasses.asdict(k) for k in self.kpis],
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _output_order(o: ManifestOutput) -> tuple[int, str, str]:
    return (OUTPUT_KINDS.index(o.kind), _natural(o.ref), o.path)


def _natural(ref: str | None) -> str:
    # "2" before "10": refs are recommendation numbers in most plans.
    if ref is None:
        return ""
    return ref.zfill(8) if ref.isdigit() else ref


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write ``folder/manifest.json`` atomically; returns its path."""
    for output in manifest.outputs:
        _check_relative(output.path)
        if output.kind not in OUTPUT_KINDS:
            raise ManifestError(f"output {output.path}: kind {output.kind!r} not in {OUTPUT_KINDS}")
    path = folder / MANIFEST_NAME
    atomic_write_text(path, manifest.to_json())
    return path


def _check_relative(path: str) -> None:
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or ".." in parts:
        raise ManifestError(f"manifest path {path!r} must be relative to the period folder")


def read_manifest(path: Path) -> Manifest:
    """Read a manifest back, checking the contract (for distribution and tests)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: cannot read manifest: {exc}") from exc
    try:
        outputs = []
        for o in data["outputs"]:
            if o["kind"] not in OUTPUT_KINDS:
                raise ManifestError(f"{path}: output {o['path']}: unknown kind {o['kind']!r}")
            _check_relative(str(o["path"]))
            outputs.append(
                ManifestOutput(
                    path=str(o["path"]),
                    kind=cast(OutputKind, o["kind"]),
                    ref=None if o["ref"] is None else str(o["ref"]),
                    title=str(o["title"]),
                    pages=int(o["pages"]),
                    sha256=str(o["sha256"]),
                    bytes=int(o["bytes"]),
                )
            )
        return Manifest(
            tool=str(data["tool"]),
            version=str(data["version"]),
            period=str(data["period"]),
            as_of=str(data["as_of"]),
            built=str(data["built"]),
            options=dict(data["options"]),
            inputs=tuple(ManifestInput(str(i["path"]), str(i["sha256"])) for i in data["inputs"]),
            outputs=tuple(outputs),
            summary=tuple(
                SummaryRow(str(s["ref"]), str(s["title"]), str(s["rag"]), str(s["reason"]))
                for s in data["summary"]
            ),
            warnings=tuple(str(w) for w in data["warnings"]),
            asks=tuple(
                AskRow(str(a["ref"]), str(a["kind"]), str(a["text"])) for a in data.get("asks", [])
            ),
            kpis=tuple(KpiRow(**{f: str(k[f]) for f in _KPI_FIELDS}) for k in data.get("kpis", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(f"{path}: manifest does not match the contract: {exc!r}") from exc
