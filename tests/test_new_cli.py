"""``reportgen new``: a scaffolded project that validates clean."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reportgen.cli import main

FILES = [
    "README.md",
    "inputs/distribution.yaml",
    "inputs/kpis/kpis.csv",
    "inputs/notes/2025-06/rec-01.md",
    "inputs/notes/2025-06/rec-02.md",
    "inputs/plan.yaml",
    "inputs/updates/2025-06.csv",
]


def test_new_then_validate_strict_is_clean(tmp_path: Path) -> None:
    target = tmp_path / "council"
    result = CliRunner().invoke(main, ["new", str(target)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert written == FILES
    assert f"wrote {target / 'inputs' / 'plan.yaml'}" in result.output.splitlines()

    check = CliRunner().invoke(main, ["validate", "--project", str(target), "--strict"])
    assert check.exit_code == 0, check.output
    lines = check.output.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "inputs valid for 2025-06: 2 recommendations, 4 actions, 4 KPIs (3 quantitative), "
        "9 data points, 4 action updates, 2 notes; 0 errors, 0 warnings"
    )


def test_every_plan_field_is_commented(tmp_path: Path) -> None:
    CliRunner().invoke(main, ["new", str(tmp_path / "p")])
    plan = (tmp_path / "p" / "inputs" / "plan.yaml").read_text(encoding="utf-8")
    keys = [
        "schema_version", "title", "organisation", "start", "end", "workstreams",
        "recommendations", "actions", "due", "leads", "workstream", "kpis", "measure", "unit",
        "direction", "target", "interim_targets", "baseline", "tolerance",
    ]  # fmt: skip
    for key in keys:
        line = next(ln for ln in plan.splitlines() if ln.strip().startswith(f"{key}:"))
        assert "#" in line, f"{key} has no comment: {line}"


def test_refuses_a_non_empty_folder_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(target)])
    assert result.exit_code == 1
    assert f"{target} is not empty; choose a new folder, or pass --force" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["keep.txt"]

    forced = CliRunner().invoke(main, ["new", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (target / "inputs" / "plan.yaml").is_file()
    assert (target / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_an_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "README.md").is_file()


def test_new_takes_project_like_every_other_command(tmp_path: Path) -> None:
    target = tmp_path / "council"
    result = CliRunner().invoke(main, ["new", "--project", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "inputs" / "plan.yaml").is_file()
    assert f"'reportgen validate --project {target}'" in result.output


def test_new_without_a_folder_or_with_two_says_what_to_give(tmp_path: Path) -> None:
    none = CliRunner().invoke(main, ["new"])
    assert none.exit_code == 2
    assert "name the new project folder: 'reportgen new DIR' or" in none.output
    two = CliRunner().invoke(main, ["new", str(tmp_path / "a"), "-p", str(tmp_path / "b")])
    assert two.exit_code == 2
    assert "two folders given" in two.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
