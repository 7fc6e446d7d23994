"""pyproject.toml matches the code: what is imported is declared, what is declared is used."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement

import reportgen

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(reportgen.__file__).resolve().parent
NOT_DECLARED = {"pydantic-core": "its version is pinned exactly by pydantic, which is declared"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict[str, object]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _declared(group: str | None = None) -> dict[str, Requirement]:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    lines = project["dependencies"] if group is None else project["optional-dependencies"][group]
    reqs = [Requirement(line) for line in lines]
    return {_normal(r.name): r for r in reqs if _normal(r.name) != "reportgen"}


def _imported_distributions(folder: Path) -> dict[str, set[str]]:
    """``{distribution: {files importing it}}`` for third-party imports under ``folder``."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "reportgen":
                    continue
                for dist in owners.get(top, [top]):
                    found.setdefault(_normal(dist), set()).add(path.name)
    return found


def test_every_third_party_import_in_reportgen_is_declared() -> None:
    undeclared = {
        dist: sorted(files)
        for dist, files in _imported_distributions(PACKAGE).items()
        if dist not in _declared() and dist not in NOT_DECLARED
    }
    assert undeclared == {}


def test_every_declared_dependency_is_imported() -> None:
    used = _imported_distributions(PACKAGE)
    assert sorted(set(_declared()) - set(used)) == []


def test_test_imports_are_declared_for_tests() -> None:
    available = {**_declared(), **_declared("test")}
    local = {_normal(p.stem) for p in (REPO / "tests").glob("*.py")} | {"bench"}
    missing = {
        dist: sorted(files)
        for dist, files in _imported_distributions(REPO / "tests").items()
        if dist not in available and dist not in NOT_DECLARED and dist not in local
        and dist != "pytest"
    }  # fmt: skip
    assert missing == {}


def test_weasyprint_is_bounded_below_by_what_the_code_needs_and_above_by_the_next_major() -> None:
    spec = _declared()["weasyprint"].specifier
    assert "68.0" not in spec  # URLFetcher is 68.0; the CVE-2025-68616 fix is 68.1
    assert "68.1" in spec
    assert any(s.operator == "<" for s in spec)


def test_constraints_pin_every_run_time_dependency_within_its_declared_range() -> None:
    pins: dict[str, str] = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[_normal(name)] = version
    for name, req in _declared().items():
        assert name in pins, f"constraints.txt does not pin {name}"
        assert pins[name] in req.specifier, f"{name}=={pins[name]} is outside {req.specifier}"


def test_every_python_package_is_installed() -> None:
    # A subpackage missing from [tool.setuptools] packages works in a checkout
    # and is absent after a plain pip install (ModuleNotFoundError at run time).
    tool = _pyproject()["tool"]
    assert isinstance(tool, dict)
    listed = set(tool["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "reportgen").rglob("__init__.py")
        if "__pycache__" not in init.parts and "scaffold" not in init.parts
    }
    assert sorted(found - listed) == []
