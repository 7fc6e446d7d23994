"""The pack registry: one declaration per kind drives the CLI, the manifest and distribution.yaml.

The end-to-end test (a project's own kind, built and sent) is in
tests/test_registry_project_kind.py; these check each consumer reads the
registry and that a bad ``packs.yaml`` is reported like any other input.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from build_project import write_project
from click.testing import CliRunner
from pydantic import ValidationError

from reportgen.cli import main
from reportgen.contract import ContractError, Manifest, PackFile, read_manifest, write_manifest
from reportgen.contract.manifest import REGISTRY
from reportgen.distribute.config import packs_model
from reportgen.errors import InputError
from reportgen.registry import (
    BUILTIN,
    BUILTIN_REGISTRY,
    PACKS_FILE,
    load_registry,
    registry_for,
)

TOY = """\
kinds:
  - name: scrutiny
    description: For the scrutiny panel.
    template: scrutiny.html
    path: scrutiny/{slug}-{period}.pdf
    selects: recommendation
    title: "Recommendation {ref} for scrutiny"
"""


def test_the_build_command_offers_exactly_the_registry_s_kinds() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    shown = re.search(r"--pack \[([a-z|]+)\]", result.output)
    assert shown is not None, result.output
    assert tuple(shown.group(1).split("|")) == BUILTIN_REGISTRY.choices


def test_a_wrong_pack_kind_gets_click_s_own_message(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--pack", "bord"])
    assert result.exit_code == 2
    assert (
        "Invalid value for '--pack': 'bord' is not one of 'summary', 'recommendation', "
        "'board', 'workstream', 'all'." in result.output
    )


def test_a_project_kind_is_a_choice_for_that_project_only(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    (root / PACKS_FILE).write_text(TOY, encoding="utf-8")
    assert registry_for(root).choices == (*BUILTIN_REGISTRY.choices[:-1], "scrutiny", "all")
    assert "scrutiny" not in BUILTIN_REGISTRY
    elsewhere = CliRunner().invoke(
        main, ["build", "-p", str(write_project(tmp_path / "q")), "--pack", "scrutiny"]
    )
    assert elsewhere.exit_code == 2
    assert "'scrutiny' is not one of" in elsewhere.output


def test_distribution_yaml_accepts_one_key_per_kind() -> None:
    keys = set(packs_model(BUILTIN_REGISTRY).model_fields)
    assert keys == {k.key for k in BUILTIN}
    assert keys == {"board", "summary", "recommendations", "workstreams"}


def test_the_manifest_knows_the_kinds_of_the_project_s_registry(tmp_path: Path) -> None:
    record = {
        "path": "scrutiny/x.pdf",
        "kind": "scrutiny",
        "ref": "1",
        "title": "X",
        "pages": 1,
        "sha256": "0" * 64,
        "bytes": 10,
    }
    with pytest.raises(ValidationError, match="unknown kind 'scrutiny'; expected one of summary"):
        PackFile.model_validate(record)
    (tmp_path / PACKS_FILE).write_text(TOY, encoding="utf-8")
    registry = registry_for(tmp_path)
    pack = PackFile.model_validate(record, context={REGISTRY: registry})
    manifest = Manifest(
        tool="reportgen",
        version="0",
        period="2019-10",
        as_of="2019-10-31",
        built="2019-11-01",
        options={},
        inputs=(),
        outputs=(pack,),
        summary=(),
    )
    write_manifest(tmp_path, manifest, registry)
    assert read_manifest(tmp_path, registry=registry).outputs == (pack,)
    with pytest.raises(ContractError, match=r"outputs\[0\]\.kind: unknown kind 'scrutiny'"):
        read_manifest(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            TOY.replace("{slug}-", ""),
            "packs.yaml:5: kinds[0].path: must contain {ref} or {slug}: one PDF per item",
        ),
        (
            TOY.replace("name: scrutiny", "name: board"),
            "packs.yaml:2: kinds[0].name: 'board' is already used by built-in; choose another",
        ),
        (
            TOY + "    distribution_key: workstreams\n",
            "packs.yaml:8: kinds[0].distribution_key: 'workstreams' is already used by "
            "built-in kind 'workstream'; choose another",
        ),
        (
            TOY.replace("for scrutiny", "for {panel}"),
            "packs.yaml:7: kinds[0].title: {panel} is not a placeholder for a kind that "
            "selects 'recommendation'; use name, period, period_label, ref, slug",
        ),
        (
            TOY.replace("selects: recommendation", "selects: team"),
            "packs.yaml:6: kinds[0].selects: Input should be 'plan', 'recommendation' or "
            "'workstream'",
        ),
        (
            TOY + "    colour: blue\n",
            "packs.yaml:8: kinds[0].colour: unknown key; check the spelling against "
            "'reportgen docs packs'",
        ),
        (
            TOY.replace("    template: scrutiny.html\n", ""),
            "packs.yaml:2: kinds[0].template:",
        ),
        (
            TOY.replace(".pdf", ".html"),
            "packs.yaml:5: kinds[0].path: must end in .pdf",
        ),
        (
            TOY.replace("scrutiny/", "../"),
            "packs.yaml:5: kinds[0].path: must be a relative path inside outputs/<period>/",
        ),
    ],
    ids=[
        "no-ref",
        "builtin-name",
        "key-clash",
        "placeholder",
        "selection",
        "unknown-key",
        "missing",
        "not-pdf",
        "climbs",
    ],
)
def test_a_bad_packs_yaml_is_reported_at_its_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / PACKS_FILE).write_text(text, encoding="utf-8")
    registry, problems = load_registry(tmp_path)
    assert registry == BUILTIN_REGISTRY
    shown = [str(p) for p in problems]
    assert any(s.startswith(message) for s in shown), shown
    with pytest.raises(InputError):
        registry_for(tmp_path)


def test_validate_and_build_report_a_bad_packs_yaml(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    bad = TOY.replace("name: scrutiny", "name: Scrutiny")
    (root / PACKS_FILE).write_text(bad, encoding="utf-8")
    message = "packs.yaml:2: kinds[0].name: use lower-case letters, digits and '-'"
    checked = CliRunner().invoke(main, ["validate", "-p", str(root)])
    assert checked.exit_code == 1
    assert message in checked.output
    built = CliRunner().invoke(main, ["build", "-p", str(root), "--pack", "summary"])
    assert built.exit_code == 1
    assert message in built.output
    assert "no pack was written" in built.output
    assert not (root / "outputs").exists() or not any((root / "outputs").glob("*/manifest.json"))
