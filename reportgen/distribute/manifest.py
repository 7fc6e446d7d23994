"""Read what the render stage built: ``outputs/<period>/manifest.json``.

Distribution never looks at the plan or the data; the manifest is its only
view of a build. The reader keeps just what sending needs and ignores keys
it does not know, so the render stage can add to the manifest without
breaking distribution. Paths are checked to stay inside the period folder
because the manifest decides which files leave the building.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.periods import Period

MANIFEST_NAME = "manifest.json"


class ManifestError(ReportgenError):
    """The manifest is missing or unfit to send from."""


@dataclass(frozen=True)
class PackFile:
    """One built PDF, as the manifest lists it."""

    path: str
    kind: str
    ref: str | None
    title: str
    sha256: str
    bytes: int | None = None
    pages: int | None = None

    @property
    def filename(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class SummaryRow:
    """One recommendation's RAG line, for the table in the email body."""

    ref: str
    title: str
    rag: str
    reason: str


@dataclass(frozen=True)
class AskRow:
    """A decision, escalation or risk from the leads' notes, listed in the email."""

    ref: str
    kind: str
    text: str


@dataclass(frozen=True)
class KpiRow:
    """One KPI's month as the packs print it, for the email's KPI list."""

    id: str
    recommendation: str
    title: str
    value: str
    target: str
    rag: str


@dataclass(frozen=True)
class Manifest:
    """A period's build: the packs to send and the RAG summary to quote."""

    period: str
    as_of: str | None
    built: str | None
    version: str | None
    outputs: tuple[PackFile, ...]
    summary: tuple[SummaryRow, ...]
    folder: Path
    asks: tuple[AskRow, ...] = ()
    kpis: tuple[KpiRow, ...] = ()

    def file(self, pack: PackFile) -> Path:
        return self.folder / pack.path

    def find(self, kind: str, ref: str | None = None) -> PackFile | None:
        for pack in self.outputs:
            if pack.kind == kind and (ref is None or pack.ref == ref):
                return pack
        return None


def period_folder(outputs_dir: Path, period: Period) -> Path:
    return outputs_dir / str(period)


def read_manifest(period_dir: Path) -> Manifest:
    """Load and check a manifest; every defect is named with its location."""
    path = period_dir / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(
            f"{path}: no manifest for this period; run `reportgen build --period "
            f"{period_dir.name}` first"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); rebuild with `reportgen build`"
        ) from None
    return parse_manifest(data, period_dir, str(path))


def parse_manifest(data: Any, folder: Path, where: str) -> Manifest:
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ManifestError(f"{where}: expected a JSON object at the top level")
    outputs: list[PackFile] = []
    raw_outputs = data.get("outputs")
    if not isinstance(raw_outputs, list):
        errors.append("outputs: expected a list of built files")
        raw_outputs = []
    for i, item in enumerate(raw_outputs):
        pack = _pack(item, f"outputs[{i}]", errors)
        if pack is not None:
            outputs.append(pack)
    summary = [
        SummaryRow(
            ref=_text(item.get("ref")),
            title=_text(item.get("title")),
            rag=_text(item.get("rag")).lower(),
            reason=_text(item.get("reason")),
        )
        for item in _objects(data, "summary", errors)
    ]
    asks = [
        AskRow(_text(item.get("ref")), _text(item.get("kind")), _text(item.get("text")))
        for item in _objects(data, "asks", errors)
    ]
    kpis = [
        KpiRow(
            id=_text(item.get("id")),
            recommendation=_text(item.get("recommendation")),
            title=_text(item.get("title")),
            value=_text(item.get("value")),
            target=_text(item.get("target")),
            rag=_text(item.get("rag")).lower(),
        )
        for item in _objects(data, "kpis", errors)
    ]
    period = data.get("period")
    if not isinstance(period, str):
        errors.append("period: expected a YYYY-MM string")
        period = ""
    elif period != folder.name:
        errors.append(f"period: says {period!r} but the manifest is in folder {folder.name!r}")
    seen: set[str] = set()
    for pack in outputs:
        if pack.path in seen:
            errors.append(f"outputs: {pack.path!r} is listed twice")
        seen.add(pack.path)
    if errors:
        raise ManifestError(
            "\n".join(f"{where}: {e}" for e in errors)
            + "\nThe manifest is written by `reportgen build`; rebuild rather than edit it."
        )
    return Manifest(
        period=period,
        as_of=_optional(data.get("as_of")),
        built=_optional(data.get("built")),
        version=_optional(data.get("version")),
        outputs=tuple(outputs),
        summary=tuple(summary),
        folder=folder,
        asks=tuple(asks),
        kpis=tuple(kpis),
    )


def _objects(data: dict[str, Any], key: str, errors: list[str]) -> list[dict[str, Any]]:
    """The objects of an optional list field; anything else is noted in ``errors``."""
    raw = data.get(key, [])
    if not isinstance(raw, list):
        errors.append(f"{key}: expected a list")
        return []
    objects: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        if isinstance(item, dict):
            objects.append(item)
        else:
            errors.append(f"{key}[{i}]: expected an object")
    return objects


def _pack(item: Any, where: str, errors: list[str]) -> PackFile | None:
    if not isinstance(item, dict):
        errors.append(f"{where}: expected an object")
        return None
    path, kind, digest = item.get("path"), item.get("kind"), item.get("sha256")
    ok = True
    if not isinstance(path, str) or not _safe_relative(path):
        errors.append(
            f"{where}.path: expected a relative path inside the period folder, got {path!r}"
        )
        ok = False
    if not isinstance(kind, str) or not kind:
        errors.append(f"{where}.kind: expected text such as 'board', got {kind!r}")
        ok = False
    if not isinstance(digest, str) or len(digest) != 64:
        errors.append(f"{where}.sha256: expected a 64-character hex digest, got {digest!r}")
        ok = False
    if not ok:
        return None
    ref = item.get("ref")
    return PackFile(
        path=str(path),
        kind=str(kind),
        ref=None if ref is None else str(ref),
        title=_text(item.get("title")) or PurePosixPath(str(path)).name,
        sha256=str(digest).lower(),
        bytes=_int(item.get("bytes")),
        pages=_int(item.get("pages")),
    )


def _safe_relative(path: str) -> bool:
    p = PurePosixPath(path)
    return bool(path) and not p.is_absolute() and ".." not in p.parts and "\\" not in path


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
