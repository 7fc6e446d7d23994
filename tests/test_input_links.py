"""Inputs are read only from inside the project (issue 12, item 7).

Real symbolic links on disk: a note or month folder linked to a file
outside the project was printed into the pack without a word, and one
broken link stopped validate at that line, hiding every other problem.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from minimal_project import make_project, note, write

from reportgen.cli import main


def validate(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", "-p", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.splitlines()


def outside(target: Path, display: str) -> str:
    return (
        f"{display}: this is a link to {target.resolve()}, outside the project folder; inputs "
        "are read only from inside the project, so copy the file into the project instead "
        "of linking to it"
    )


def broken(display: str, target: str) -> str:
    return (
        f"{display}: broken link: it points to {target}, which does not exist (or links back "
        "to itself); replace the link with the file or remove it"
    )


def test_a_note_linked_from_outside_the_project_is_refused_and_never_printed(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path / "project")
    secret = write(tmp_path / "elsewhere", "rec-01.md", note(1).replace("Progress", "SECRET"))
    link = root / "inputs/notes/2019-10/rec-01.md"
    link.unlink()
    link.symlink_to(secret)
    code, lines = validate(root)
    assert code == 1
    assert outside(secret, "inputs/notes/2019-10/rec-01.md") in lines
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--period", "2019-10", "-q"])
    assert result.exit_code != 0
    assert outside(secret, "inputs/notes/2019-10/rec-01.md") in result.output
    assert not (root / "outputs/2019-10").exists()


def test_a_month_folder_linked_from_outside_is_refused_once(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere" / "2019-09"
    write(elsewhere, "rec-01.md", note(1, "2019-09"))
    (root / "inputs/notes/2019-09").symlink_to(elsewhere, target_is_directory=True)
    code, lines = validate(root)
    assert code == 1
    assert [ln for ln in lines if "2019-09" in ln and "link" in ln] == [
        outside(elsewhere, "inputs/notes/2019-09")
    ]


def test_plan_or_inputs_folder_linked_from_outside_are_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    plan = root / "inputs/plan.yaml"
    moved = tmp_path / "plan.yaml"
    plan.rename(moved)
    plan.symlink_to(moved)
    code, lines = validate(root)
    assert code == 1
    assert lines[0] == outside(moved, "inputs/plan.yaml")
    assert len(lines) == 2  # the problem and the summary: nothing read from the linked plan

    other = make_project(tmp_path / "other")
    (other / "inputs").rename(tmp_path / "inputs-elsewhere")
    (other / "inputs").symlink_to(tmp_path / "inputs-elsewhere", target_is_directory=True)
    code, lines = validate(other)
    assert code == 1
    assert lines[0] == outside(tmp_path / "inputs-elsewhere", "inputs")


def test_broken_links_are_reported_with_every_other_problem(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "inputs/kpis/gone.csv").symlink_to("/nonexistent/kpis.csv")
    (root / "inputs/updates/2019-09.csv").symlink_to("missing.csv")
    (root / "inputs/notes/2019-10/rec-03.md").symlink_to("/nonexistent/rec-03.md")
    (root / "inputs/notes/2019-11").symlink_to("/nonexistent/2019-11")
    loop = root / "inputs/notes/2019-10/rec-04.md"
    loop.symlink_to(loop)
    write(root, "inputs/updates/2019-10.csv", "ref,status\n1.1,done\n")
    code, lines = validate(root)
    assert code == 1
    for expected in (
        broken("inputs/kpis/gone.csv", "/nonexistent/kpis.csv"),
        broken("inputs/updates/2019-09.csv", "missing.csv"),
        broken("inputs/notes/2019-10/rec-03.md", "/nonexistent/rec-03.md"),
        broken("inputs/notes/2019-11", "/nonexistent/2019-11"),
        broken("inputs/notes/2019-10/rec-04.md", str(loop)),
    ):
        assert expected in lines
    # ... and the problem that is not about links at all is still there.
    assert any(
        ln.startswith("inputs/updates/2019-10.csv:2: status: unknown status") for ln in lines
    )


def test_links_that_stay_inside_the_project_are_read(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    shared = write(root, "shared/rec-02.md", note(2))
    link = root / "inputs/notes/2019-10/rec-02.md"
    link.unlink()
    link.symlink_to(Path("../../../shared/rec-02.md"))
    assert link.resolve() == shared.resolve()
    code, lines = validate(root)
    assert code == 0, lines


def test_a_named_pipe_among_the_inputs_is_refused_not_waited_on(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "inputs/kpis/data.csv").unlink()
    os.mkfifo(root / "inputs/kpis/data.csv")  # reading it would wait for a writer
    (root / "inputs/notes/2019-10/rec-02.md").unlink()
    os.mkfifo(root / "inputs/notes/2019-10/rec-02.md")
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "validate", "-p", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    why = (
        "not an ordinary file or folder (a named pipe, socket or device); "
        "replace it with the file itself"
    )
    lines = result.stdout.splitlines()
    assert f"inputs/kpis/data.csv: {why}" in lines
    assert f"inputs/notes/2019-10/rec-02.md: {why}" in lines
