"""Run one command and measure its wall time and the memory of its whole process tree.

A build is a main process plus a pool of workers, so the memory that matters
is the sum over all of them at the same moment, not the largest one. Four
numbers are kept, each measured differently:

* ``peak_pss_mb``: the largest sum of PSS (proportional set size, from
  ``/proc/PID/smaps_rollup``) over the tree, sampled every 0.5 s. PSS splits
  pages shared between processes (forked workers share much of their parent)
  among them, so the sum counts each page once: the honest "memory the build
  used". Reading smaps_rollup takes the process's memory-map lock, and doing
  it every 50 ms slowed the build being measured by 10-15 %, hence the
  slower rate; a peak shorter than 0.5 s can be missed.
* ``peak_rss_sum_mb``: the largest sum of RSS over the tree, sampled every
  50 ms (cheap). RSS counts shared pages in every process: an upper bound.
* ``hwm_sum_mb``: the sum of each process's own peak RSS (``VmHWM``): an
  upper bound that cannot miss a peak, since the peaks may not coincide.
* ``max_process_rss_mb``: the largest single process, exact, from
  ``getrusage(RUSAGE_CHILDREN)`` of a fresh wrapper process that waits for
  the command (the kernel's high-water mark; it cannot miss a peak).

The wrapper is this file run as a script:
``python bench/measure.py -- CMD ...`` prints one JSON line with the child's
exit code and ``ru_maxrss``; :func:`measure` starts it and samples its tree.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

INTERVAL = 0.05
PSS_EVERY = 10  # samples: PSS every 0.5 s
_WRAPPER = Path(__file__).resolve()


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_pss_mb: float
    peak_rss_sum_mb: float
    hwm_sum_mb: float
    max_process_rss_mb: float
    max_processes: int
    stdout: str
    stderr: str


class CommandFailed(RuntimeError):
    """The measured command exited with an error."""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(c) for c in (task / "children").read_text("ascii").split())
        except OSError:
            continue
    return found


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def _kb(path: str, *keys: str) -> list[int]:
    """The values (kB) of ``keys`` in a /proc file of ``Key:  123 kB`` lines; 0 if gone."""
    found = dict.fromkeys(keys, 0)
    try:
        with Path(path).open(encoding="ascii") as handle:
            for line in handle:
                key = line.split(":", 1)[0]
                if key in found:
                    found[key] = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return [found[k] for k in keys]


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.peak_pss_kb = 0
        self.peak_rss_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.max_processes = 0

    def run(self) -> None:
        tick = 0
        while not self.stop.is_set():
            pids = _tree(self.pid)
            if tick % PSS_EVERY == 0:
                pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss")[0] for p in pids)
                self.peak_pss_kb = max(self.peak_pss_kb, pss)
            rss = 0
            for p in pids:
                now, hwm = _kb(f"/proc/{p}/status", "VmRSS", "VmHWM")
                rss += now
                self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), hwm)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.max_processes = max(self.max_processes, len(pids))
            tick += 1
            self.stop.wait(INTERVAL)


def measure(
    cmd: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Measurement:
    """Run ``cmd`` to completion; raise :class:`CommandFailed` if it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(_WRAPPER), "--", *cmd],
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = _Sampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    lines = out.rstrip("\n").rsplit("\n", 1)
    try:
        report = json.loads(lines[-1])
    except (ValueError, IndexError) as exc:
        raise CommandFailed(f"{' '.join(cmd)}: no report from the wrapper\n{err}") from exc
    if proc.returncode or report["returncode"]:
        raise CommandFailed(f"{' '.join(cmd)} exited with {report['returncode']}\n{err[-3000:]}")
    return Measurement(
        seconds=seconds,
        peak_pss_mb=sampler.peak_pss_kb / 1024,
        peak_rss_sum_mb=sampler.peak_rss_kb / 1024,
        hwm_sum_mb=sum(sampler.hwm_kb.values()) / 1024,
        max_process_rss_mb=report["maxrss_kb"] / 1024,
        max_processes=sampler.max_processes,
        stdout=lines[0] if len(lines) > 1 else "",
        stderr=err,
    )


def _wrap(cmd: list[str]) -> int:
    done = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, text=True)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stdout.write(done.stdout)
    if done.stdout and not done.stdout.endswith("\n"):
        sys.stdout.write("\n")
    print(json.dumps({"returncode": done.returncode, "maxrss_kb": usage.ru_maxrss}))
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "--":
        print("usage: python bench/measure.py -- CMD [ARGS...]", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(_wrap(sys.argv[2:]))
