"""The build's shared worker pool: charts drawn in workers, packs reported as laid out.

No timing here (the benchmark in bench/ measures speed); these check that
the parallel paths give the same results as the serial ones and that a long
build reports progress while it works.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from build_project import write_project
from pypdf import PdfReader

from reportgen.assess.engine import assess
from reportgen.build import BuildError, draw_charts
from reportgen.periods import Period, period_range
from reportgen.pipeline import load_for_period, run_build
from reportgen.render.charts import ChartCache, ChartSpec, draw_chart
from reportgen.render.fonts import font_files
from reportgen.render.pdf import PdfJob, RenderError, render_many, worker_pool
from reportgen.render.policy import FetchPolicy

PERIODS = tuple(period_range(Period(2019, 4), Period(2019, 9)))


def spec(title: str, last: float) -> ChartSpec:
    return ChartSpec(title, PERIODS, (50, 52, 55, 54, 58, last), unit="percent", target=70)


def test_get_many_draws_each_missing_chart_once_in_the_pool(tmp_path: Path) -> None:
    (tmp_path / "charts").mkdir()
    a, b, c = spec("A", 60), spec("B", 61), spec("C", 62)
    ChartCache(tmp_path / "charts").get(a)  # drawn by an earlier build
    cache = ChartCache(tmp_path / "charts")
    seen: list[tuple[int, int]] = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        paths = cache.get_many([a, b, c, b], pool, lambda d, t: seen.append((d, t)))
    assert cache.draws == 2  # b and c; a was cached, the second b is the first's file
    assert cache.hits == 2
    assert paths[1] == paths[3]
    assert len(set(paths)) == 3
    # Drawn in a worker, byte-identical to drawing in this process.
    assert paths[1].read_bytes() == draw_chart(b)
    assert paths[2].read_bytes() == draw_chart(c)
    assert seen[-1] == (4, 4)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_get_many_without_a_pool_draws_in_process(tmp_path: Path) -> None:
    cache = ChartCache(tmp_path / "charts")
    cache.directory.mkdir()
    paths = cache.get_many([spec("A", 60), spec("B", 61)])
    assert (cache.draws, cache.hits) == (2, 0)
    assert all(p.is_file() for p in paths)
    again = ChartCache(cache.directory)
    assert again.get_many([spec("A", 60), spec("B", 61)]) == paths
    assert (again.draws, again.hits) == (0, 2)


def _jobs(tmp_path: Path, n: int) -> list[PdfJob]:
    policy = FetchPolicy.of(files=font_files())
    return [
        PdfJob(
            f"<html lang='en-GB'><title>Doc {i}</title><body>"
            + "".join(f"<p>Paragraph {j} of document {i}.</p>" for j in range(20 * (i + 1)))
            + "</body></html>",
            tmp_path / f"doc-{i}.pdf",
            tmp_path,
            policy,
        )
        for i in range(n)
    ]


@pytest.mark.slow
def test_render_many_in_a_shared_pool_reports_each_document(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 3)
    done: list[int] = []
    with worker_pool(2) as pool:
        assert pool is not None
        results = render_many(jobs, pool=pool, done=done.append)
        # The pool is still usable: the build draws charts and lays out in one pool.
        again = render_many(jobs[:1], pool=pool)
    assert done == [1, 2, 3]
    assert [r.path for r in results] == [j.path for j in jobs]
    assert all(r.ok for r in results)
    assert [len(PdfReader(r.path).pages) for r in results] == [r.pages for r in results]
    assert again[0].sha256 == results[0].sha256
    serial_done: list[int] = []
    serial = render_many(jobs, workers=1, done=serial_done.append)
    assert serial_done == [1, 2, 3]
    assert [r.sha256 for r in serial] == [r.sha256 for r in results]


def test_one_worker_means_no_pool() -> None:
    with worker_pool(1) as pool:
        assert pool is None


def test_eager_pool_starts_its_workers_before_any_job() -> None:
    before = set(multiprocessing.active_children())
    with worker_pool(2, eager=True) as pool:
        assert pool is not None
        started = set(multiprocessing.active_children()) - before
        assert len(started) == 2
    with worker_pool(2) as lazy:
        assert lazy is not None
        assert set(multiprocessing.active_children()) - before == set()


@pytest.mark.slow
def test_build_reports_progress_and_a_summary_line(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    events: list[tuple[str, int, int]] = []
    report = run_build(
        root, period=Period.parse("2019-10"), jobs=2, progress=lambda *e: events.append(e)
    )
    charts = [e for e in events if e[0] == "charts"]
    packs = [e for e in events if e[0] == "packs"]
    assert charts and charts[-1][1] == charts[-1][2] == report.charts_drawn
    assert [e[1] for e in packs] == list(range(1, len(report.outputs) + 1))
    assert all(e[2] == len(report.outputs) for e in packs)
    line = report.summary_line()
    assert f"built {len(report.outputs)} packs ({report.pages} pages" in line
    assert f"charts: {report.charts_drawn} drawn, 0 from cache" in line
    assert line.endswith(" s")

    # Nothing changed: no chart drawn, no pack laid out, and progress still ends full.
    events.clear()
    again = run_build(
        root, period=Period.parse("2019-10"), jobs=2, progress=lambda *e: events.append(e)
    )
    assert (again.charts_drawn, again.charts_reused) == (0, report.charts_drawn)
    assert (again.rendered, again.reused) == (0, len(report.outputs))
    assert "0 laid out" in again.summary_line()
    assert [e for e in events if e[0] == "charts"][-1][1:] == (
        report.charts_drawn,
        report.charts_drawn,
    )


def test_a_killed_worker_is_a_render_error_not_a_traceback(tmp_path: Path) -> None:
    with worker_pool(2) as pool:
        assert pool is not None
        victim = pool.submit(os.getpid).result()  # a worker's pid
        os.kill(victim, signal.SIGKILL)
        with pytest.raises(RenderError, match="worker process stopped"):
            render_many(_jobs(tmp_path, 2), pool=pool)


def test_a_killed_chart_worker_is_a_build_error(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    project, period = load_for_period(root, Period.parse("2019-10"), None)
    assessment = assess(project, period, None)
    cache = ChartCache(tmp_path / "charts")
    cache.directory.mkdir()
    with worker_pool(2) as pool:
        assert pool is not None
        os.kill(pool.submit(os.getpid).result(), signal.SIGKILL)
        with pytest.raises(BuildError, match="chart worker process stopped"):
            draw_charts(assessment, cache, pool=pool)
