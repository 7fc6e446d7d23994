"""The benchmark's synthetic plan generator, at a small scale (no timing here).

The benchmark itself is never run by the tests; this only checks that the
project it builds for the scaling run is a valid project that is exactly N
copies of its source, so a benchmark result is never about a broken input.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from reportgen.load.project import load_project, read_project
from reportgen.newproject import create_project

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _synthetic() -> ModuleType:
    # bench/ is not part of the installed package: load it from the checkout.
    spec = importlib.util.spec_from_file_location("bench_synthetic", BENCH / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_synthetic_project_is_valid_and_n_copies(tmp_path: Path) -> None:
    synthetic = _synthetic()
    source = tmp_path / "source"
    create_project(source)
    src = read_project(source)

    out = tmp_path / "big"
    stats = synthetic.write_synthetic_project(source, out, factor=3)

    project, problems = load_project(out)
    assert project is not None
    errors = [str(p) for p in problems if p.is_error]
    assert errors == []
    plan = project.plan
    n_recs = len(src.plan.recommendations)
    assert [r.ref for r in plan.recommendations] == [str(i) for i in range(1, 3 * n_recs + 1)]
    assert len(plan.workstreams) == 3 * len(src.plan.workstreams)
    src_kpis = [k for r in src.plan.recommendations for k in r.kpis]
    kpis = [k for r in plan.recommendations for k in r.kpis]
    assert len(kpis) == 3 * len(src_kpis)
    assert len({k.id for k in kpis}) == len(kpis)
    # Same data density as the source: every copy of every KPI has the same values.
    per_kpi = Counter(p.kpi for p in project.points)
    src_per_kpi = Counter(p.kpi for p in src.points)
    for kpi_id, n in src_per_kpi.items():
        assert per_kpi[kpi_id] == n
        assert per_kpi[f"{int(kpi_id) + 2000}"] == n  # scaffold ids are plain numbers
    assert len(project.updates) == 3 * len(src.updates)
    assert len(project.notes) == 3 * len(src.notes)
    # Actions of the third copy sit in the third copy's workstreams.
    ws_ids = {w.id for w in plan.workstreams}
    for action in plan.recommendations[-1].actions:
        assert action.workstream in ws_ids
        assert action.workstream.endswith("-g3")
    assert stats.recommendations == 3 * n_recs
    assert stats.kpis == len(kpis)
    assert stats.notes == len(project.notes)


def test_synthetic_refuses_to_overwrite(tmp_path: Path) -> None:
    synthetic = _synthetic()
    source = tmp_path / "source"
    create_project(source)
    synthetic.write_synthetic_project(source, tmp_path / "big", factor=1)
    with pytest.raises(FileExistsError):
        synthetic.write_synthetic_project(source, tmp_path / "big", factor=2)
