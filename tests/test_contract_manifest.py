"""The manifest: one contract, written by render and read by distribute, stable and checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from reportgen.contract import ContractError, Manifest, PackFile, read_manifest, write_manifest
from reportgen.contract.manifest import AskRow, InputFile, KpiRow, SummaryRow


def pack(path: str, kind: str, ref: str | None, title: str, pages: int, digest: str) -> PackFile:
    return PackFile(
        path=path, kind=kind, ref=ref, title=title, pages=pages, sha256=digest, bytes=pages * 10
    )


def sample(**changes: Any) -> Manifest:
    fields: dict[str, Any] = {
        "tool": "reportgen",
        "version": "0.1.0",
        "period": "2019-10",
        "as_of": "2019-10-31",
        "built": "2019-11-03",
        "options": {"jobs": 2, "only": None},
        "inputs": (
            InputFile(path="kpis/2019-10.csv", sha256="b" * 64),
            InputFile(path="plan.yaml", sha256="a" * 64),
        ),
        "outputs": (
            pack("board.pdf", "board", None, "Board pack", 12, "c" * 64),
            pack("rec/rec-10.pdf", "recommendation", "10", "Rec 10", 3, "d" * 64),
            pack("rec/rec-2.pdf", "recommendation", "2", "Rec 2", 2, "e" * 64),
            pack("summary.pdf", "summary", None, "RAG summary", 1, "f" * 64),
            pack("ws/ws-a.pdf", "workstream", "A", "Workstream A", 4, "0" * 64),
        ),
        "summary": (SummaryRow(ref="1", title="Assessments", rag="red", reason="2 of 3 KPIs red"),),
        "warnings": ("kpis/2019-10.csv:4: value missing",),
        "asks": (AskRow(ref="1", kind="decide", text="Agree two more auditors"),),
        "kpis": (
            KpiRow(
                id="11b",
                recommendation="1",
                title="Assessments in 45 days",
                value="52.3% (113 of 216)",
                target="95%",
                rag="red",
            ),
        ),
    }
    fields.update(changes)
    return Manifest(**fields)


def test_written_json_has_the_contract_shape(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, sample())
    assert path == tmp_path / "manifest.json"
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
        "bytes": 10,
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
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_manifest(tmp_path / "a", sample()).read_bytes()
    shuffled = sample(outputs=tuple(reversed(sample().outputs)))
    b = write_manifest(tmp_path / "b", shuffled).read_bytes()
    assert a == b
    back = read_manifest(tmp_path / "a")
    assert back.to_json().encode() == a
    assert back.find("recommendation", "10") == sample().outputs[1]
    assert back.find("board") is not None and back.find("workstream", "B") is None


def test_a_first_release_manifest_still_reads(tmp_path: Path) -> None:
    """Written before ``asks``/``kpis`` existed, with ``""`` as the ref of whole-plan packs."""
    old = {
        "tool": "reportgen",
        "version": "0.1.0",
        "period": "2019-10",
        "as_of": "2019-10-31",
        "built": "2019-11-03",
        "options": {"packs": ["all"], "only": []},
        "inputs": [{"path": "inputs/plan.yaml", "sha256": "A" * 64}],
        "outputs": [
            {
                "path": "board-pack-2019-10.pdf",
                "kind": "board",
                "ref": "",
                "title": "Board pack",
                "pages": 30,
                "sha256": "c" * 64,
                "bytes": 123,
            }
        ],
        "summary": [{"ref": "1", "title": "Assessments", "rag": "Red", "reason": "why"}],
        "warnings": [],
    }
    (tmp_path / "manifest.json").write_text(json.dumps(old), encoding="utf-8")
    manifest = read_manifest(tmp_path, period="2019-10")
    assert manifest.asks == () and manifest.kpis == ()
    assert manifest.find("board") == pack(
        "board-pack-2019-10.pdf", "board", "", "Board pack", 30, "c" * 64
    ).model_copy(update={"bytes": 123})
    assert manifest.inputs[0].sha256 == "a" * 64  # hashes compare lower-case
    assert manifest.summary[0].rag == "red"


def test_keys_a_newer_reportgen_adds_are_ignored(tmp_path: Path) -> None:
    data = json.loads(sample().to_json())
    data["something_new"] = True
    data["outputs"][0]["future_key"] = [1, 2]
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert read_manifest(tmp_path).to_json() == sample().to_json()


@pytest.mark.parametrize(
    "bad",
    ["/etc/passwd", "../board.pdf", "a/../../b.pdf", "a\\b.pdf", "", "./a.pdf", "a//b.pdf", "a/"],
)
def test_paths_must_stay_in_the_period_folder(tmp_path: Path, bad: str) -> None:
    rule = "expected a relative POSIX path inside the period folder"
    with pytest.raises(ValidationError, match=rule):
        pack(bad, "board", None, "x", 1, "c" * 64)
    data = json.loads(sample().to_json())
    data["outputs"][3]["path"] = bad
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContractError) as err:
        read_manifest(tmp_path)
    assert str(err.value) == (
        f"{tmp_path / 'manifest.json'}: outputs[3].path: {rule} "
        f"(no '..', '.', '//', '\\' or leading '/'), got {bad!r}\n"
        "The manifest is written by `reportgen build`; rebuild rather than edit it."
    )


def test_reader_names_every_defect_with_its_place(tmp_path: Path) -> None:
    data = json.loads(sample().to_json())
    data["outputs"][0]["kind"] = "poster"
    data["outputs"][1]["sha256"] = "abc"
    data["outputs"][2]["path"] = data["outputs"][1]["path"]
    del data["summary"]
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContractError) as err:
        read_manifest(tmp_path)
    where = tmp_path / "manifest.json"
    assert str(err.value).splitlines() == [
        f"{where}: outputs[0].kind: unknown kind 'poster'; expected one of summary, "
        "recommendation, board, workstream (got 'poster')",
        f"{where}: outputs[1].sha256: String should match pattern '^[0-9a-f]{{64}}$' (got 'abc')",
        f"{where}: summary: missing",
        "The manifest is written by `reportgen build`; rebuild rather than edit it.",
    ]


def test_a_file_listed_twice_is_refused(tmp_path: Path) -> None:
    data = json.loads(sample().to_json())
    data["outputs"][2]["path"] = data["outputs"][1]["path"]
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContractError, match=r"outputs: 'rec/rec-2\.pdf' is listed twice"):
        read_manifest(tmp_path)


def test_missing_unreadable_and_misplaced_manifests(tmp_path: Path) -> None:
    folder = tmp_path / "2019-10"
    folder.mkdir()
    with pytest.raises(ContractError) as err:
        read_manifest(folder)
    assert str(err.value) == (
        f"{folder / 'manifest.json'}: no manifest for this period; "
        "run `reportgen build --period 2019-10` first"
    )
    (folder / "manifest.json").write_text('{"period": "2019-10",\n  oops}', encoding="utf-8")
    with pytest.raises(ContractError, match=r"manifest\.json:2: not valid JSON \(Expecting"):
        read_manifest(folder)
    (folder / "manifest.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ContractError, match="expected a JSON object at the top level"):
        read_manifest(folder)
    write_manifest(folder, sample(period="2019-09"))
    with pytest.raises(ContractError, match="period: says '2019-09' but the manifest is in the "):
        read_manifest(folder, period="2019-10")


def test_rewrite_replaces_atomically(tmp_path: Path) -> None:
    write_manifest(tmp_path, sample())
    write_manifest(tmp_path, sample(built="2019-11-04"))
    assert read_manifest(tmp_path).built == "2019-11-04"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
