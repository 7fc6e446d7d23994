"""The example data generator: deterministic, labelled, and valid against its plan."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from minimal_project import PLAN, write

from reportgen.pipeline import check_project

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "generate_example_data.py"
REAL_PLAN = REPO / "inputs" / "plan.yaml"


def generate(plan: Path, out: Path) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--plan", str(plan)],
        check=True,
        capture_output=True,
    )
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.skipif(not REAL_PLAN.is_file(), reason="example plan not transcribed yet")
def test_generator_is_byte_identical_on_rerun_and_labels_every_file(tmp_path: Path) -> None:
    first = generate(REAL_PLAN, tmp_path / "a")
    second = generate(REAL_PLAN, tmp_path / "b")
    assert first == second
    assert {
        "README.md",
        "kpis/performance-2019-20.csv",
        "kpis/workforce-2019-20.csv",
        "kpis/audit-dashboard-2019-20.xlsx",
        "updates/2019-08.csv",
        "updates/2020-03.csv",
        "notes/2020-03/rec-12.md",
    } <= set(first)
    for name, data in first.items():
        if name.endswith(".xlsx"):
            assert b"ILLUSTRATIVE" in _xlsx_text(tmp_path / "a" / name)
        else:
            assert b"illustrative" in data.lower(), name


def _xlsx_text(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as book:
        return b"".join(book.read(n) for n in book.namelist())


@pytest.mark.skipif(not REAL_PLAN.is_file(), reason="example plan not transcribed yet")
def test_generated_data_validates_against_the_real_plan(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    generate(REAL_PLAN, inputs)
    write(tmp_path, "inputs/plan.yaml", REAL_PLAN.read_text(encoding="utf-8"))
    project, problems, period = check_project(tmp_path)
    assert project is not None
    assert [str(p) for p in problems if p.is_error] == []
    assert str(period) == "2020-03"
    vacancy = {str(p.period): p.value for p in project.points if p.kpi == "54"}
    assert (vacancy["2019-08"], vacancy["2019-09"]) == (5.19, 2.0)
    # The deliberate gaps show as warnings: KPI 39 (last two months) and 65 (stale).
    assert {p.field for p in problems} == {"KPI 39", "KPI 65"}
    assert any(n.rag_override == "green" and n.override_reason for n in project.notes)


def test_generator_copes_with_another_plan(tmp_path: Path) -> None:
    """A plan without the example's workforce or audit KPIs still gets valid data."""
    plan = write(tmp_path, "inputs/plan.yaml", PLAN)
    files = generate(plan, tmp_path / "inputs")
    assert "kpis/workforce-2019-20.csv" not in files
    project, problems, _ = check_project(tmp_path)
    assert project is not None
    assert [str(p) for p in problems if p.is_error] == []
    assert {p.kpi for p in project.points} == {"1", "2"}
