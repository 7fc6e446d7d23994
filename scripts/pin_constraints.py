"""Print constraints.txt: every run-time dependency of reportgen, pinned as installed.

Run it in a virtual environment where reportgen's tests pass (after
``make test``) and commit the output, so scheduled deployments install exactly
what was tested: ``python scripts/pin_constraints.py > constraints.txt``.
Only run-time dependencies (and their extras) are followed; the test and
dev tools are not pinned.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import distribution
from pathlib import Path

from packaging.requirements import Requirement

HEADER = """\
# The versions reportgen is tested with, for scheduled deployments:
#   .venv/bin/pip install -c constraints.txt .
# pyproject.toml holds the ranges the code needs; this file pins the whole
# tree of run-time dependencies so a monthly run never picks up an untested
# release. Regenerate after an upgrade: python scripts/pin_constraints.py > constraints.txt"""


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(roots: list[str]) -> dict[str, str]:
    """``{normalised name: "Name==version"}`` for ``roots`` and everything they need."""
    found: dict[str, str] = {}
    done: set[tuple[str, frozenset[str]]] = set()
    todo = [(Requirement(r).name, frozenset(Requirement(r).extras)) for r in roots]
    while todo:
        name, extras = todo.pop()
        if (_normal(name), extras) in done:
            continue
        done.add((_normal(name), extras))
        dist = distribution(name)
        found[_normal(name)] = f"{dist.metadata['Name']}=={dist.version}"
        for line in dist.requires or []:
            req = Requirement(line)
            wanted = extras or {""}
            if req.marker and not any(req.marker.evaluate({"extra": e}) for e in wanted):
                continue
            todo.append((req.name, frozenset(req.extras)))
    return found


def main() -> None:
    pyproject = tomllib.loads(
        (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    )
    found = pins(pyproject["project"]["dependencies"])
    print(HEADER)
    for key in sorted(found):
        print(found[key])


if __name__ == "__main__":
    main()
