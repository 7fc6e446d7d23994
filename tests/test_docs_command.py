"""``reportgen docs``: the reference pages travel with the installed package."""

from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import CliRunner

from reportgen.cli import main
from reportgen.reference import TOPICS

REPO = Path(__file__).resolve().parents[1]


def test_docs_lists_every_topic() -> None:
    result = CliRunner().invoke(main, ["docs"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Reference pages (reportgen docs TOPIC):")
    for topic in TOPICS:
        assert f"  {topic.name}" in result.output


def test_each_topic_prints_its_page_as_installed() -> None:
    for topic in TOPICS:
        result = CliRunner().invoke(main, ["docs", topic.name])
        assert result.exit_code == 0, result.output
        committed = (REPO / "docs" / topic.file).read_text(encoding="utf-8")
        assert result.output.rstrip("\n") == committed.rstrip("\n"), topic.name
    plan = CliRunner().invoke(main, ["docs", "plan"]).output
    assert plan.startswith("# Plan file reference (`inputs/plan.yaml`)")


def test_an_unknown_topic_lists_the_real_ones() -> None:
    result = CliRunner().invoke(main, ["docs", "kpi-data"])
    assert result.exit_code == 1
    assert "no docs topic 'kpi-data'; the topics are: plan, kpis, updates," in result.output


def test_every_page_is_installed_with_the_package() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    tool = pyproject["tool"]["setuptools"]
    assert tool["package-dir"]["reportgen.docs"] == "docs"
    assert sorted(tool["package-data"]["reportgen.docs"]) == sorted(t.file for t in TOPICS)


def test_help_texts_and_the_scaffold_point_to_the_docs_command_not_to_files() -> None:
    helps = [CliRunner().invoke(main, [c, "--help"]).output for c in ("assess", "send", "new")]
    joined = " ".join(" ".join(h.split()) for h in helps)
    assert "'reportgen docs assessment-json'" in joined
    assert "'reportgen docs distribution'" in joined
    assert "'reportgen docs' prints the reference" in joined
    assert "docs/" not in joined
    scaffold = REPO / "reportgen" / "scaffold"
    for path in scaffold.rglob("*"):
        if path.is_file():
            assert "docs/" not in path.read_text(encoding="utf-8"), path


def test_an_unknown_plan_key_names_the_docs_topic(tmp_path: Path) -> None:
    CliRunner().invoke(main, ["new", str(tmp_path / "p")])
    plan = tmp_path / "p" / "inputs" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("title:", "titel:", 1))
    result = CliRunner().invoke(main, ["validate", "-p", str(tmp_path / "p")])
    assert "unknown key; check the spelling against 'reportgen docs plan'" in result.output


def test_every_locking_command_documents_exit_status_4() -> None:
    for command in ("build", "send", "run"):
        text = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
        assert "4 another" in text and "build, send or run holds the project lock" in text
