"""`validate` checks distribution.yaml against the plan, with file and line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reportgen.cli import main


def test_new_project_with_its_distribution_file_validates_strictly(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["new", str(tmp_path / "p")]).exit_code == 0
    assert (tmp_path / "p" / "inputs" / "distribution.yaml").is_file()
    result = runner.invoke(main, ["validate", "--strict", "-p", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output


def test_unknown_recommendation_in_distribution_is_a_located_error(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["new", str(tmp_path / "p")])
    path = tmp_path / "p" / "inputs" / "distribution.yaml"
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if 'recommendations: ["1"]' in text)
    path.write_text(path.read_text().replace('recommendations: ["1"]', 'recommendations: ["9"]'))
    result = runner.invoke(main, ["validate", "-p", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert (
        f"inputs/distribution.yaml:{line}: recipient Practice Lead, packs.recommendations item 1: "
        "the plan has no recommendation '9'" in result.output
    )
