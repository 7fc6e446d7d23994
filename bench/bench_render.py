"""Benchmark the render stage: ms per chart, PDF pages per second, pool vs one process.

Run from the repository root:

    PYTHONPATH=. python bench/bench_render.py [--packs 14] [--charts 40]

It builds a synthetic workload shaped like a real month (one long board
pack, a dozen recommendation packs with charts and notes) in a temporary
folder, using the real templates, fetcher and WeasyPrint. Results go to
stdout and bench/results/render.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from reportgen.periods import Period, period_range
from reportgen.render.charts import ChartCache, ChartSpec, draw_chart
from reportgen.render.fonts import font_files
from reportgen.render.markdown import note_to_html
from reportgen.render.pdf import PdfJob, render_many
from reportgen.render.policy import FetchPolicy
from reportgen.render.resources import Resources, render_template

TEMPLATE = """\
{% extends "base.html" %}
{% import "_macros.html" as m %}
{% block cover %}{{ m.cover(pack.title, "Benchmark", pack.plan.title, "Council", pack.marking,
   [("Period", pack.period.long_label)]) }}{% endblock %}
{% block contents %}{{ m.toc(entries) }}{% endblock %}
{% block content %}
{% for s in sections %}
<section id="{{ s.anchor }}" class="new-page">
<h2>{{ s.title }}</h2>
<p>Status {{ m.rag_badge(s.rag) }} {{ m.spc_variation("common_cause") }}</p>
<table><thead><tr><th>Action</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead><tbody>
{% for a in range(8) %}<tr><td>Action {{ a }}: deliver the agreed improvement to practice and
 record evidence of impact</td><td>Head of service</td><td>Mar 2020</td>
<td>{{ m.rag_badge(["red", "amber", "green"][a % 3]) }}</td></tr>{% endfor %}
</tbody></table>
{% for c in s.charts %}{{ m.figure(c.src, c.alt, c.caption, loop.index) }}{% endfor %}
<div class="note">{{ s.note }}</div>
</section>
{% endfor %}
{% endblock %}
"""

NOTE = (
    "## Progress this month\n\nWe have **recruited** four social workers and the "
    "[audit](https://example.org/audit) shows improvement.\n\n"
    "- Caseloads are down to 18\n- 12 audits completed\n\n"
    "| Team | Cases |\n|---|--:|\n| North | 120 |\n| South | 98 |\n"
)


def chart_specs(count: int) -> list[ChartSpec]:
    periods = tuple(period_range(Period(2018, 10), Period(2019, 10)))
    specs = []
    for i in range(count):
        values = tuple(50.0 + ((i * 7 + j * 3) % 40) for j in range(len(periods)))
        specs.append(
            ChartSpec(
                f"KPI {i}",
                periods,
                values,
                unit="percent",
                target=80.0,
                target_by=Period(2020, 3),
                mean=tuple(65.0 for _ in periods),
                lower=tuple(45.0 for _ in periods),
                upper=tuple(85.0 for _ in periods),
                special=tuple("improvement" if v > 84 else None for v in values),
            )
        )
    return specs


def bench_charts(specs: list[ChartSpec], folder: Path) -> dict[str, Any]:
    start = time.perf_counter()
    draw_chart(specs[0])  # first draw pays for imports and font loading
    first_ms = (time.perf_counter() - start) * 1000
    times = []
    for spec in specs[1:]:
        t = time.perf_counter()
        draw_chart(spec)
        times.append((time.perf_counter() - t) * 1000)
    cache = ChartCache(folder)
    t = time.perf_counter()
    for spec in specs:
        cache.get(spec)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    for spec in specs:
        cache.get(spec)
    warm = time.perf_counter() - t
    return {
        "first_chart_ms": round(first_ms, 1),
        "ms_per_chart_median": round(statistics.median(times), 1),
        "ms_per_chart_mean": round(statistics.mean(times), 1),
        "cache_cold_ms_per_chart": round(cold * 1000 / len(specs), 1),
        "cache_hit_ms_per_chart": round(warm * 1000 / len(specs), 3),
        "cache_draws": cache.draws,
        "cache_hits": cache.hits,
    }


def make_jobs(root: Path, packs: int, charts: list[Path], specs: list[ChartSpec]) -> list[PdfJob]:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "bench.html").write_text(TEMPLATE, encoding="utf-8")
    resources = Resources.for_project(root)
    chart_dir = charts[0].parent
    policy = FetchPolicy.of(dirs=[*resources.readable_dirs, chart_dir], files=font_files())
    note = note_to_html(NOTE).html
    jobs = []
    for p in range(packs):
        n_sections = 12 if p == 0 else 1  # one board pack, then one pack per recommendation
        sections = []
        for s in range(n_sections):
            k = (p * 3 + s * 3) % len(charts)
            picked = [charts[(k + j) % len(charts)] for j in range(3)]
            sections.append(
                {
                    "anchor": f"s{s}",
                    "title": f"Recommendation {s + 1}",
                    "rag": ["red", "amber", "green"][s % 3],
                    "charts": [
                        {
                            "src": c.name,
                            "alt": f"Trend chart: {specs[(k + j) % len(specs)].title}",
                            "caption": "KPI trend",
                        }
                        for j, c in enumerate(picked)
                    ],
                    "note": note,
                }
            )
        pack = {
            "title": f"Pack {p}",
            "kind": "board" if p == 0 else "recommendation",
            "plan": {"title": "Children First Practice Improvement Plan"},
            "period": Period(2019, 10),
            "marking": "OFFICIAL-SENSITIVE",
            "as_of": date(2019, 10, 31),
            "built": date(2019, 11, 3),
        }
        entries = [{"anchor": s["anchor"], "title": s["title"]} for s in sections]
        html = render_template(
            resources, "bench.html", {"pack": pack, "entries": entries, "sections": sections}
        )
        jobs.append(PdfJob(html, root / "out" / f"pack-{p}.pdf", chart_dir, policy))
    return jobs


def bench_pdfs(jobs: list[PdfJob], workers: int) -> dict[str, Any]:
    start = time.perf_counter()
    results = render_many(jobs, workers=workers)
    elapsed = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"render failed: {failed[0].error}")
    pages = sum(r.pages for r in results)
    return {
        "workers": workers,
        "documents": len(jobs),
        "pages": pages,
        "seconds": round(elapsed, 2),
        "pages_per_second": round(pages / elapsed, 1),
        "per_document_seconds": [round(r.seconds, 2) for r in results],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packs", type=int, default=14)
    parser.add_argument("--charts", type=int, default=40)
    args = parser.parse_args()
    report: dict[str, Any] = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        specs = chart_specs(args.charts)
        report["charts"] = bench_charts(specs, root / "charts")
        paths = [ChartCache(root / "charts").path_for(s) for s in specs]
        jobs = make_jobs(root, args.packs, paths, specs)
        # Warm this process once (imports, fonts) so "1 worker" is a fair long-lived process.
        render_many(jobs[1:2], workers=1)
        report["pdf_single_process"] = bench_pdfs(jobs, 1)
        for workers in sorted({2, os.cpu_count() or 1}):
            if workers > 1:
                report[f"pdf_pool_{workers}"] = bench_pdfs(jobs, workers)
    text = json.dumps(report, indent=2)
    print(text)
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "render.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
