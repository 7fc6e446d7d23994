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
from reportgen.load.project import load_for_period
from reportgen.periods import Period, period_range
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


def test_no_module_hides_an_import_behind_type_checking() -> None:
    # A TYPE_CHECKING import is how a cycle is hidden; the result types live in
    # assess/results.py so that nothing needs one.
    hidden = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "TYPE_CHECKING" in path.read_text(encoding="utf-8")
    ]
    assert hidden == []


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
