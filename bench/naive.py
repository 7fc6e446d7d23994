"""The naive baseline: the same packs, built the straightforward way.

This is what a first version of the build would do, and the benchmark runs
it beside the real build so that the speed-up is a ratio measured on the
same machine in the same minutes, not a comparison with a number from
another day. It shares reportgen's loaders, assessment, templates and PDF
settings (PDF/UA-1, the same fetch policy), so the PDFs are the same kind of
document; it differs only in how the work is organised:

* every chart is drawn afresh for every pack that shows it, on a new pyplot
  figure laid out with ``tight_layout`` (no per-process figure reuse, no
  cache);
* every PDF is laid out by its own ``python -c`` process, one after the
  other, so WeasyPrint is imported and warmed up once per PDF;
* nothing is shared between packs and nothing is reused from earlier runs.

Usage: python bench/naive.py PROJECT OUT_DIR
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from reportgen.assess.engine import assess  # noqa: E402
from reportgen.build import build_date  # noqa: E402
from reportgen.load.project import read_project  # noqa: E402
from reportgen.pipeline import choose_period  # noqa: E402
from reportgen.present.sentences import kpi_summary, target_label  # noqa: E402
from reportgen.render import charts as chartmod  # noqa: E402
from reportgen.render.context import ChartRef  # noqa: E402
from reportgen.render.fonts import font_files  # noqa: E402
from reportgen.render.kpichart import chart_spec  # noqa: E402
from reportgen.render.markdown import note_to_html  # noqa: E402
from reportgen.render.packs import context_for, plan_packs  # noqa: E402
from reportgen.render.resources import Resources, render_template  # noqa: E402

# One PDF, in a process of its own: arguments arrive as one JSON string.
_LAYOUT = """
import json, sys
from datetime import datetime
from pathlib import Path
from reportgen.render.policy import FetchPolicy
from reportgen.render.pdf import write_pdf
job = json.loads(sys.argv[1])
policy = FetchPolicy.of(dirs=[Path(d) for d in job["dirs"]], files=[Path(f) for f in job["files"]])
html = Path(job["html"]).read_text(encoding="utf-8")
result = write_pdf(html, Path(job["pdf"]), base_url=Path(job["base"]), policy=policy,
                   created=datetime.fromisoformat(job["created"]))
print(result.pages)
"""


def draw_naive(spec: chartmod.ChartSpec, path: Path) -> None:
    """A chart the textbook way: new pyplot figure, tight_layout, save, close."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=chartmod.FIG_SIZE_IN, dpi=chartmod.DPI)
    try:
        chartmod._draw(fig, spec)  # the same drawing as the real build
        fig.tight_layout()
        fig.savefig(path, format="png", dpi=chartmod.DPI, facecolor="white")
    finally:
        plt.close(fig)


def naive_build(root: Path, out: Path) -> dict[str, Any]:
    """Build every pack for the latest period into ``out``; return counts."""
    started = time.perf_counter()
    project = read_project(root)
    period = choose_period(project, None, None)
    assessment = assess(project, period, None)
    plan_kpis = assessment.plan.kpis()
    specs = plan_packs(assessment, ("all",))
    notes = {r.ref: note_to_html(r.note.body).html for r in assessment.recommendations if r.note}
    built = build_date()
    created = datetime(built.year, built.month, built.day, tzinfo=UTC)
    resources = Resources.for_project(root)
    env = {"PYTHONPATH": str(ROOT)}
    charts_drawn = pages = 0
    for n, spec in enumerate(specs):
        work = out / "work" / f"pack-{n:03d}"
        work.mkdir(parents=True, exist_ok=True)
        # Which KPIs this pack shows: ask the same context the templates get.
        bare = context_for(spec, assessment, {}, notes, built)
        charts: dict[str, ChartRef] = {}
        for section in bare.sections:
            for k in section.kpis:
                cspec = chart_spec(k, plan_kpis[k.id][1])
                if cspec is None:
                    continue
                name = f"kpi-{k.id}.png"
                draw_naive(cspec, work / name)
                charts_drawn += 1
                charts[k.id] = ChartRef(
                    src=name,
                    alt=kpi_summary(k),
                    caption=f"KPI {k.id}: {k.title}. {target_label(k).capitalize()}.",
                )
        context = context_for(spec, assessment, charts, notes, built)
        html = render_template(resources, spec.pack_kind.template, {"pack": context})
        html_path = work / "pack.html"
        html_path.write_text(html, encoding="utf-8")
        job = {
            "html": str(html_path),
            "pdf": str(out / spec.path),
            "base": str(work),
            "dirs": [str(d) for d in (*resources.readable_dirs, work)],
            "files": [str(f) for f in font_files()],
            "created": created.isoformat(),
        }
        done = subprocess.run(
            [sys.executable, "-c", _LAYOUT, json.dumps(job)],
            check=True,
            capture_output=True,
            text=True,
            env={**_environ(), **env},
        )
        pages += int(done.stdout.strip().splitlines()[-1])
    return {
        "packs": len(specs),
        "pages": pages,
        "charts_drawn": charts_drawn,
        "seconds": time.perf_counter() - started,
    }


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    result = naive_build(args.project.resolve(), args.out.resolve())
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
