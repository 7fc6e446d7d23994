"""Time `reportgen collect` and `reportgen ingest` on the worked example.

    python bench/collect_timing.py [--period 2020-03] [--repeats 3]

Copies inputs/ to a scratch folder without the period's updates and notes
(the state before leads reply), then, each repeat, times a fresh
``python -m reportgen collect`` process, fills every workbook as a lead
would (openpyxl), and times a fresh ``python -m reportgen ingest`` of all of
them. Wall time and the child's CPU time are both reported: on a shared
machine the wall time says more about the neighbours than about reportgen.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]


def timed(*args: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reportgen", *args], check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def fill(folder: Path, out: Path) -> list[str]:
    files = []
    out.mkdir(exist_ok=True)
    for path in sorted(folder.glob("*.xlsx")):
        book = load_workbook(path)
        sheet = book["Updates"]
        for r in range(5, sheet.max_row + 1):
            if sheet[f"A{r}"].value:
                sheet[f"K{r}"], sheet[f"M{r}"] = "on track", 70
                sheet[f"O{r}"] = "Progress as planned this month."
        book.save(out / path.name)
        files.append(str(out / path.name))
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", default="2020-03")
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for n in range(1, options.repeats + 1):
            root = Path(scratch) / f"run{n}"
            shutil.copytree(REPO / "inputs", root / "inputs")
            (root / "inputs" / "updates" / f"{options.period}.csv").unlink(missing_ok=True)
            shutil.rmtree(root / "inputs" / "notes" / options.period, ignore_errors=True)
            project = ["--project", str(root)]
            wall, cpu = timed("collect", "--period", options.period, *project)
            folder = root / "outputs" / options.period / "collect"
            books = fill(folder, root / "returned")
            iwall, icpu = timed("ingest", *project, *books)
            print(
                f"run {n}: collect {len(books)} workbooks {wall:.2f} s ({cpu:.2f} s CPU); "
                f"ingest {iwall:.2f} s ({icpu:.2f} s CPU)"
            )


if __name__ == "__main__":
    main()
