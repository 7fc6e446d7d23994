"""Benchmark the PDF build: python bench/run.py [--quick] [--jobs N] [--out FILE].

Times, as the median (with min and max) over several runs, each in a fresh
process exactly as a user runs ``reportgen build``:

* full     the whole monthly set for the example project, from nothing
           (no earlier outputs, no chart cache);
* note     the rebuild after one lead's note changes (a different edit each
           run, on top of a complete build);
* big      the whole set for a synthetic plan 10 times the size
           (bench/synthetic.py), from nothing;
* naive    the same packs as ``full`` built the straightforward way
           (bench/naive.py), in the same run, alternating with ``full`` so
           both see the same machine load; the speed-up is their ratio;

and the peak memory of each, summed over the build's whole process tree
(see bench/measure.py for how). It also checks that every ``full`` run
wrote byte-identical PDFs. It writes a JSON result (default
bench/results/latest.json) and prints a table of medians, the ratios and
the goals from issue 14. See docs/performance.md.

The example project is copied into a scratch folder first, so the
repository's own outputs/ are never touched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from bench.measure import Measurement, measure  # noqa: E402
from bench.synthetic import write_synthetic_project  # noqa: E402

SUMMARY = re.compile(
    r"built (?P<packs>\d+) packs? \((?P<pages>\d+) pages; (?P<laid_out>\d+) laid out, "
    r"(?P<unchanged>\d+) unchanged\).*charts: (?P<drawn>\d+) drawn, (?P<cached>\d+) from cache"
    r".*; (?P<seconds>[\d.]+) s"
)
EPOCH = "1585699200"  # 2020-04-01: fixed build date, so runs are comparable

GOALS = {
    "full_seconds": 9.0,
    "speedup_vs_naive": 8.0,
    "note_share_of_full": 0.15,
    "big_over_full": 11.0,
    "big_peak_mb": 1024.0,
}
"""Issue 14's goals. Memory is in MiB (1 GB read as 1 GiB), judged by the
peak PSS of the whole process tree (bench/measure.py)."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["SOURCE_DATE_EPOCH"] = EPOCH
    return env


def build_cmd(project: Path, jobs: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "reportgen", "build", "--project", str(project), "-q"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    return cmd


def _parse_summary(text: str) -> dict[str, Any]:
    match = SUMMARY.search(text)
    return (
        {k: float(v) if k == "seconds" else int(v) for k, v in match.groupdict().items()}
        if (match)
        else {}
    )


def _record(m: Measurement) -> dict[str, Any]:
    out = asdict(m)
    out.pop("stderr")
    out["build"] = _parse_summary(m.stdout)
    if not out["build"] and m.stdout.startswith("{"):
        out["build"] = json.loads(m.stdout)  # the naive build reports JSON
    return out


def _stats(runs: Sequence[dict[str, Any]], key: str) -> dict[str, float]:
    values = [float(r[key]) for r in runs]
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }


def _note_to_edit(project: Path) -> Path:
    months = sorted(p for p in (project / "inputs" / "notes").iterdir() if p.is_dir())
    notes = sorted(months[-1].glob("rec-*.md"))
    if not notes:
        raise SystemExit(f"bench: no notes in {months[-1]} to edit")
    return notes[0]


def _pdf_hashes(project: Path) -> dict[str, str]:
    """SHA-256 of every PDF the last build left in the project's current set."""
    outputs = project / "outputs"
    sets = [p for p in outputs.iterdir() if p.is_symlink() or (p.is_dir() and p.name[0] != ".")]
    return {
        f"{s.name}/{pdf.relative_to(s).as_posix()}": hashlib.sha256(pdf.read_bytes()).hexdigest()
        for s in sets
        for pdf in sorted(s.rglob("*.pdf"))
    }


def run(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    env = _env()
    scratch = Path(tempfile.mkdtemp(prefix="reportgen-bench-", dir=args.work))
    try:
        example = scratch / "example"
        shutil.copytree(args.source / "inputs", example / "inputs")
        big = scratch / "big"
        stats = None
        if not args.skip_big:
            stats = write_synthetic_project(example, big, factor=args.factor)
        results: dict[str, list[dict[str, Any]]] = {"full": [], "naive": [], "note": [], "big": []}

        def step(name: str, cmd: list[str], before: Callable[[], None] | None = None) -> None:
            if before:
                before()
            record = _record(measure(cmd, cwd=ROOT, env=env))
            results[name].append(record)
            log(
                f"  {name:5s} {record['seconds']:7.1f} s  {record['peak_pss_mb']:6.0f} MB "
                f"{record['build']}"
            )

        full_pdfs: list[dict[str, str]] = []
        for i in range(args.repeats):
            step(
                "full",
                build_cmd(example, args.jobs),
                lambda: shutil.rmtree(example / "outputs", ignore_errors=True),
            )
            full_pdfs.append(_pdf_hashes(example))
            if not args.skip_naive:
                naive_out = scratch / f"naive-{i}"
                step(
                    "naive",
                    [
                        sys.executable,
                        str(ROOT / "bench" / "naive.py"),
                        str(example),
                        str(naive_out),
                    ],
                )
                shutil.rmtree(naive_out, ignore_errors=True)
        # The last full build is in place: now change one note at a time.
        note = _note_to_edit(example)
        original = note.read_text(encoding="utf-8")
        for i in range(args.repeats):

            def edit(i: int = i) -> None:
                note.write_text(
                    original + f"\nBenchmark edit {i + 1}: one sentence changed.\n",
                    encoding="utf-8",
                )

            step("note", build_cmd(example, args.jobs), edit)
        for _ in range(args.big_repeats if not args.skip_big else 0):
            step(
                "big",
                build_cmd(big, args.jobs),
                lambda: shutil.rmtree(big / "outputs", ignore_errors=True),
            )
        return {
            "full_pdfs_identical": all(h == full_pdfs[0] for h in full_pdfs)
            if len(full_pdfs) > 1
            else None,
            "note_edited": note.relative_to(example).as_posix(),
            "synthetic": asdict(stats) if stats else None,
            "runs": results,
        }
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    runs = raw["runs"]
    summary: dict[str, Any] = {}
    for name, rs in runs.items():
        if not rs:
            continue
        summary[name] = {
            "runs": len(rs),
            "seconds": _stats(rs, "seconds"),
            "peak_pss_mb": _stats(rs, "peak_pss_mb"),
            "peak_rss_sum_mb": _stats(rs, "peak_rss_sum_mb"),
            "hwm_sum_mb": _stats(rs, "hwm_sum_mb"),
            "max_process_rss_mb": _stats(rs, "max_process_rss_mb"),
            "build": rs[-1]["build"],
        }
    ratios: dict[str, float] = {}
    full = summary.get("full", {}).get("seconds", {}).get("median")
    if full:
        if "naive" in summary:
            ratios["speedup_vs_naive"] = summary["naive"]["seconds"]["median"] / full
            # Paired per run (same minutes, same load): the less noisy estimate.
            pairs = [
                n["seconds"] / f["seconds"]
                for f, n in zip(runs["full"], runs["naive"], strict=False)
            ]
            ratios["speedup_vs_naive_paired_median"] = statistics.median(pairs)
        if "note" in summary:
            ratios["note_share_of_full"] = summary["note"]["seconds"]["median"] / full
        if "big" in summary:
            ratios["big_over_full"] = summary["big"]["seconds"]["median"] / full
    return {
        "scenarios": summary,
        "ratios": ratios,
        "goals": _goals(summary, ratios),
        "full_pdfs_identical": raw.get("full_pdfs_identical"),
    }


def _goals(summary: dict[str, Any], ratios: dict[str, float]) -> dict[str, Any]:
    got: dict[str, float | None] = {
        "full_seconds": summary.get("full", {}).get("seconds", {}).get("median"),
        "speedup_vs_naive": ratios.get("speedup_vs_naive"),
        "note_share_of_full": ratios.get("note_share_of_full"),
        "big_over_full": ratios.get("big_over_full"),
        "big_peak_mb": summary.get("big", {}).get("peak_pss_mb", {}).get("max"),
    }
    out: dict[str, Any] = {}
    for key, target in GOALS.items():
        value = got[key]
        higher_is_better = key == "speedup_vs_naive"
        met = None if value is None else (value >= target if higher_is_better else value <= target)
        out[key] = {"target": target, "value": value, "met": met}
    return out


def table(result: dict[str, Any]) -> str:
    s = result["summary"]["scenarios"]
    lines = [
        f"{'scenario':8s} {'runs':>4s} {'median s':>9s} {'min':>7s} {'max':>7s} "
        f"{'peak PSS MB':>12s} {'RSS sum MB':>11s} {'max proc MB':>12s}  packs/pages/laid out",
    ]
    for name in ("full", "note", "naive", "big"):
        if name not in s:
            continue
        r = s[name]
        b = r["build"]
        laid_out = b.get("laid_out", b.get("packs", "?"))
        what = f"{b.get('packs', '?')}/{b.get('pages', '?')}/{laid_out}"
        lines.append(
            f"{name:8s} {r['runs']:4d} {r['seconds']['median']:9.1f} {r['seconds']['min']:7.1f} "
            f"{r['seconds']['max']:7.1f} {r['peak_pss_mb']['max']:12.0f} "
            f"{r['peak_rss_sum_mb']['max']:11.0f} {r['max_process_rss_mb']['max']:12.0f}  {what}"
        )
    lines.append("(memory in MiB over the whole process tree; the goal is judged on peak PSS)")
    ratios = result["summary"]["ratios"]
    said_ratios = []
    if "speedup_vs_naive" in ratios:
        said_ratios.append(
            f"naive/full {ratios['speedup_vs_naive']:.1f}x "
            f"(paired per run {ratios['speedup_vs_naive_paired_median']:.1f}x)"
        )
    if "note_share_of_full" in ratios:
        said_ratios.append(f"note/full {ratios['note_share_of_full']:.0%}")
    if "big_over_full" in ratios:
        said_ratios.append(f"big/full {ratios['big_over_full']:.1f}x")
    lines.append("ratios of medians: " + (", ".join(said_ratios) or "none measured"))
    lines.append("")
    for key, g in result["summary"]["goals"].items():
        value = g["value"]
        shown = "n/a" if value is None else f"{value:.3g}"
        verdict = {True: "met", False: "NOT met", None: "not measured"}[g["met"]]
        lines.append(f"goal {key:20s} target {g['target']:<7g} got {shown:>7s}  {verdict}")
    identical = result["summary"].get("full_pdfs_identical")
    said = {True: "yes", False: "NO", None: "not checked (one run)"}[identical]
    lines.append(f"every PDF byte-identical across the full runs: {said}")
    return "\n".join(lines)


def _machine() -> dict[str, Any]:
    import matplotlib
    import weasyprint

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "matplotlib": matplotlib.__version__,
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run of each (a smoke run)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of full/note/naive")
    parser.add_argument(
        "--big-repeats", type=int, default=1, help="runs of the 10x plan (about 3 min each)"
    )
    parser.add_argument("--factor", type=int, default=10, help="size of the synthetic plan")
    parser.add_argument("--jobs", type=int, default=None, help="passed to reportgen build")
    parser.add_argument("--source", type=Path, default=ROOT, help="project to benchmark")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder parent")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.big_repeats = 1, 1
    args.source = args.source.resolve()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.time()
    load_before = os.getloadavg()
    log(f"bench: {args.repeats} run(s) of full/naive/note, {args.big_repeats} of big")
    raw = run(args, log)
    result = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        "wall_seconds": time.time() - started,
        "machine": _machine(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "options": {
            "repeats": args.repeats,
            "big_repeats": args.big_repeats,
            "factor": args.factor,
            "jobs": args.jobs,
        },
        **raw,
    }
    result["summary"] = summarise(raw)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nwrote {args.out} ({result['wall_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
