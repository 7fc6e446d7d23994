"""assess decides in numbers and enums; present says it in words; no import cycles.

An assessment that carried its own sentences would make the JSON, the packs
and the email three places to keep in step. These tests hold the line: the
assess package imports nothing from the presentation layer (or any I/O), no
module needs a type-checking-only import to dodge a cycle, and the words
present makes from the numbers say the same figure the tables print.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from reportgen.assess.engine import assess
from reportgen.periods import Period, period_range
from reportgen.pipeline import load_for_period
from reportgen.present.sentences import target_label, target_text

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"
EXAMPLE = PACKAGE.parent

ASSESS_MAY_IMPORT = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "itertools",
    "math",
    "typing",
    "reportgen.assess",
    "reportgen.errors",
    "reportgen.load.plan",
    "reportgen.load.records",
    "reportgen.periods",
}
"""What a pure assessment needs: the standard library's data types, the loaded
inputs' types and its own modules. No files, no clock, no words."""


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
    return found


def _allowed(module: str) -> bool:
    return any(module == ok or module.startswith(ok + ".") for ok in ASSESS_MAY_IMPORT)


def test_assess_imports_only_data_types_and_its_own_modules() -> None:
    wrong = [
        f"reportgen/assess/{path.name}:{line}: imports {module}"
        for path in sorted((PACKAGE / "assess").glob("*.py"))
        for line, module in _imports(path)
        if not _allowed(module)
    ]
    assert wrong == [], "assess must stay pure (numbers and enums, no I/O):\n" + "\n".join(wrong)


def test_importing_assess_loads_no_presentation_or_io_module() -> None:
    probe = (
        "import sys, reportgen.assess.engine, reportgen.assess.results\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith("
        "('reportgen.present', 'reportgen.render', 'reportgen.build', 'reportgen.load.project')))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _module_level_imports(body: list[ast.stmt], type_only: bool = False) -> list[tuple[str, bool]]:
    """(module, under TYPE_CHECKING) for imports run when the module is imported."""
    found: list[tuple[str, bool]] = []
    for node in body:
        if isinstance(node, ast.Import):
            found += [(alias.name, type_only) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, type_only))
            found += [(f"{node.module}.{alias.name}", type_only) for alias in node.names]
        elif isinstance(node, ast.If | ast.Try):
            inner = type_only or _is_type_checking(node)
            for block in (node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                found += _module_level_imports(block, inner)
    return found


def test_no_type_checking_import_hides_an_import_cycle() -> None:
    # A type-only import is acceptable to keep a light module light (the pipeline
    # does not load the renderer for ``assess``); it must never be how a cycle is
    # dodged. Shared types live low enough (assess/results.py) that none is needed.
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    runtime: dict[str, set[str]] = {}
    type_only: list[tuple[str, str]] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        runtime[name] = set()
        for target, hidden in _module_level_imports(tree.body):
            if target not in modules:
                continue
            if hidden:
                type_only.append((name, target))
            else:
                runtime[name].add(target)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            here = todo.pop()
            if here == goal:
                return True
            if here not in seen:
                seen.add(here)
                todo += runtime.get(here, ())
        return False

    cycles = [
        f"{name} -> {target} -> … -> {name}" for name, target in type_only if reaches(target, name)
    ]
    assert cycles == [], "a TYPE_CHECKING import hides a cycle:\n" + "\n".join(cycles)
    # It would catch the cycle this module was written to remove.
    assert reaches("reportgen.present.reasons", "reportgen.assess.results")


def test_every_target_in_words_quotes_the_figure_the_tables_print() -> None:
    # The label once formatted the unrounded trajectory: KPI 55 in Aug 2019
    # read "trajectory 20.8%" beside a target column of "20.9%".
    loaded, last = load_for_period(EXAMPLE, Period.parse("2020-03"), None)
    checked = 0
    for month in period_range(loaded.plan.start, last):
        for k in assess(loaded, month).kpis:
            if k.target.value is None:
                continue
            words = target_label(k)
            figure = target_text(k)
            head = words.split(" (")[0]
            assert head.endswith(figure), f"KPI {k.id} in {month.label}: {words!r} vs {figure!r}"
            checked += 1
    assert checked > 400


def test_the_board_order_of_action_states_names_every_state_once() -> None:
    from typing import get_args

    from reportgen.assess.drivers import ACTION_ORDER
    from reportgen.assess.results import ActionState

    assert sorted(ACTION_ORDER) == sorted(get_args(ActionState))
