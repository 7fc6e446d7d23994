"""The build manifest: a stable JSON contract written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportgen.render.manifest import (
    AskRow,
    KpiRow,
    Manifest,
    ManifestError,
    ManifestInput,
    ManifestOutput,
    SummaryRow,
    read_manifest,
    write_manifest,
)


def sample(**changes: object) -> Manifest:
    fields: dict[str, object] = {
        "tool": "reportgen",
        "version": "0.1.0",
        "period": "2019-10",
        "as_of": "2019-10-31",
        "built": "2019-11-03",
        "options": {"jobs": 2, "only": None},
        "inputs": (
            ManifestInput("kpis/2019-10.csv", "b" * 64),
            ManifestInput("plan.yaml", "a" * 64),
        ),
        "outputs": (
            ManifestOutput("board.pdf", "board", None, "Board pack", 12, "c" * 64, 1000),
            ManifestOutput("rec/rec-10.pdf", "recommendation", "10", "Rec 10", 3, "d" * 64, 10),
            ManifestOutput("rec/rec-2.pdf", "recommendation", "2", "Rec 2", 2, "e" * 64, 20),
            ManifestOutput("summary.pdf", "summary", None, "RAG summary", 1, "f" * 64, 30),
            ManifestOutput("ws/ws-a.pdf", "workstream", "A", "Workstream A", 4, "0" * 64, 40),
        ),
        "summary": (SummaryRow("1", "Assessments", "red", "2 of 3 KPIs red"),),
        "warnings": ("kpis/2019-10.csv:4: value missing",),
        "asks": (AskRow("1", "decide", "Agree two more auditors"),),
        "kpis": (KpiRow("11b", "1", "Assessments in 45 days", "52.3% (113 of 216)", "95%", "red"),),
    }
    fields.update(changes)
    return Manifest(**fields)  # type: ignore[arg-type]


def test_written_json_has_the_contract_shape(tmp_path: Path) -> None:
    path = write_manifest(tmp_path / "2019-10", sample())
    assert path == tmp_path / "2019-10" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(data) == [
        "as_of", "asks", "built", "inputs", "kpis", "options", "outputs", "period", "summary",
        "tool",
        "version", "warnings",
    ]  # fmt: skip
    assert data["kpis"] == [
        {
            "id": "11b",
            "recommendation": "1",
            "title": "Assessments in 45 days",
            "value": "52.3% (113 of 216)",
            "target": "95%",
            "rag": "red",
        }
    ]
    assert data["outputs"][0] == {
        "path": "summary.pdf",
        "kind": "summary",
        "ref": None,
        "title": "RAG summary",
        "pages": 1,
        "sha256": "f" * 64,
        "bytes": 30,
    }
    # Fixed order: summary, recommendations (2 before 10), board, workstreams.
    assert [o["path"] for o in data["outputs"]] == [
        "summary.pdf",
        "rec/rec-2.pdf",
        "rec/rec-10.pdf",
        "board.pdf",
        "ws/ws-a.pdf",
    ]
    assert [i["path"] for i in data["inputs"]] == ["kpis/2019-10.csv", "plan.yaml"]
    assert data["summary"] == [
        {"ref": "1", "title": "Assessments", "rag": "red", "reason": "2 of 3 KPIs red"}
    ]
    assert data["asks"] == [{"ref": "1", "kind": "decide", "text": "Agree two more auditors"}]


def test_same_manifest_same_bytes_and_round_trip(tmp_path: Path) -> None:
    a = write_manifest(tmp_path / "a", sample()).read_bytes()
    shuffled = sample(outputs=tuple(reversed(sample().outputs)))
    b = write_manifest(tmp_path / "b", shuffled).read_bytes()
    assert a == b
    back = read_manifest(tmp_path / "a" / "manifest.json")
    assert back.to_json().encode() == a


@pytest.mark.parametrize("bad", ["/etc/passwd", "../board.pdf", "a/../../b.pdf", "a\\b.pdf", ""])
def test_paths_must_stay_in_the_period_folder(tmp_path: Path, bad: str) -> None:
    manifest = sample(outputs=(ManifestOutput(bad, "board", None, "x", 1, "c" * 64, 1),))
    with pytest.raises(ManifestError, match="relative to the period folder"):
        write_manifest(tmp_path, manifest)
    assert not (tmp_path / "manifest.json").exists()


def test_reader_rejects_a_broken_contract(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, sample())
    data = json.loads(path.read_text(encoding="utf-8"))
    data["outputs"][0]["kind"] = "poster"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match="unknown kind 'poster'"):
        read_manifest(path)
    del data["outputs"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match="does not match the contract"):
        read_manifest(path)


def test_rewrite_replaces_atomically(tmp_path: Path) -> None:
    write_manifest(tmp_path, sample())
    write_manifest(tmp_path, sample(built="2019-11-04"))
    assert read_manifest(tmp_path / "manifest.json").built == "2019-11-04"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
