"""The benchmark's synthetic plan generator, at a small scale (no timing here).

The benchmark itself is never run by the tests; this only checks that the
project it builds for the scaling run is a valid project that is exactly N
copies of its source, so a benchmark result is never about a broken input.
"""

from __future__ import annotations

import importlib.util
import struct
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from reportgen.build import BuildReport
from reportgen.contract import PackFile
from reportgen.load.project import load_project, read_project
from reportgen.newproject import create_project
from reportgen.periods import Period, period_range
from reportgen.render.charts import DPI, FIG_SIZE_IN, ChartSpec, draw_chart

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench(name: str) -> ModuleType:
    # bench/ is not part of the installed package: load it from the checkout.
    spec = importlib.util.spec_from_file_location(f"bench.{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _synthetic() -> ModuleType:
    return _bench("synthetic")


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


def test_run_reads_the_build_summary_line(tmp_path: Path) -> None:
    # The benchmark reads its counts from the line every build ends with.
    run = _bench("run")
    report = BuildReport(period=Period(2020, 3), out_dir=tmp_path)
    report.outputs = [
        PackFile(
            path="a.pdf", kind="board", ref=None, title="Board", pages=40, sha256="0" * 64, bytes=1
        ),
        PackFile(
            path="b.pdf", kind="summary", ref=None, title="RAG", pages=2, sha256="0" * 64, bytes=1
        ),
    ]
    report.rendered, report.reused = 1, 1
    report.charts_drawn, report.charts_reused = 3, 42
    report.seconds = 12.34
    parsed = run._parse_summary(report.summary_line())
    assert parsed == {
        "packs": 2,
        "pages": 42,
        "laid_out": 1,
        "unchanged": 1,
        "drawn": 3,
        "cached": 42,
        "seconds": 12.3,
    }


def test_naive_chart_is_a_png_of_the_chart_size(tmp_path: Path) -> None:
    naive = _bench("naive")
    periods = tuple(period_range(Period(2019, 4), Period(2019, 9)))
    spec = ChartSpec("KPI 1: Timely", periods, (50, 52, None, 55, 58, 60), unit="percent")
    naive.draw_naive(spec, tmp_path / "c.png")
    data = (tmp_path / "c.png").read_bytes()
    assert data.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", data[16:24])
    # tight_layout changes the margins, never the figure size the drawing chose.
    real = draw_chart(spec)
    assert (width, height) == struct.unpack(">II", real[16:24])
    assert width == round(FIG_SIZE_IN[0] * DPI)


def _run_record(seconds: float, pss: float = 100.0) -> dict[str, object]:
    return {
        "seconds": seconds,
        "peak_pss_mb": pss,
        "peak_rss_sum_mb": pss * 1.5,
        "hwm_sum_mb": pss * 2,
        "max_process_rss_mb": pss,
        "build": {"packs": 19, "pages": 200, "laid_out": 19},
    }


def test_summary_gives_medians_ratios_and_issue_14_goals() -> None:
    run = _bench("run")
    raw = {
        "full_pdfs_identical": True,
        "runs": {
            "full": [_run_record(10.0), _run_record(8.0), _run_record(9.0)],
            "naive": [_run_record(80.0), _run_record(64.0), _run_record(90.0)],
            "note": [_run_record(1.0), _run_record(1.5), _run_record(2.0)],
            "big": [_run_record(99.0, pss=1100.0)],
        },
    }
    summary = run.summarise(raw)
    assert summary["scenarios"]["full"]["seconds"] == {"median": 9.0, "min": 8.0, "max": 10.0}
    ratios = summary["ratios"]
    assert ratios["speedup_vs_naive"] == 80.0 / 9.0
    assert ratios["speedup_vs_naive_paired_median"] == 8.0  # 8.0, 8.0, 10.0
    assert ratios["note_share_of_full"] == 1.5 / 9.0
    assert ratios["big_over_full"] == 11.0
    goals = summary["goals"]
    assert {k: g["target"] for k, g in goals.items()} == {
        "full_seconds": 9.0,
        "speedup_vs_naive": 8.0,
        "note_share_of_full": 0.15,
        "big_over_full": 11.0,
        "big_peak_mb": 1024.0,
    }
    met = {k: g["met"] for k, g in goals.items()}
    assert met == {
        "full_seconds": True,
        "speedup_vs_naive": True,
        "note_share_of_full": False,
        "big_over_full": True,
        "big_peak_mb": False,
    }
    shown = run.table({"summary": summary})
    assert "ratios of medians: naive/full 8.9x (paired per run 8.0x), note/full 17%" in shown
    assert "goal big_peak_mb" in shown and "NOT met" in shown
    assert "every PDF byte-identical across the full runs: yes" in shown
