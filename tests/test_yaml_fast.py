"""The libyaml fast path reads every document exactly as the Python loader does.

Plan and distribution files are parsed on every build; libyaml's scanner
makes that ten times faster, but the values, the line/column positions
behind every message and the messages for broken files must not change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.load import yamlsource
from reportgen.load.yamlsource import _FAST_LOADERS, parse_yaml

INPUTS = Path(__file__).resolve().parent.parent / "inputs"

pytestmark = pytest.mark.skipif(not _FAST_LOADERS, reason="PyYAML without libyaml")


def _slow(monkeypatch: pytest.MonkeyPatch, text: str, name: str) -> yamlsource.YamlSource | None:
    with monkeypatch.context() as m:
        m.setattr(yamlsource, "_FAST_LOADERS", [])
        source, problems = parse_yaml(text, name)
    assert problems == []
    return source


@pytest.mark.parametrize(
    "path",
    [*sorted(INPUTS.glob("*.yaml")), *sorted((INPUTS / "notes").rglob("*.md"))[:3]],
    ids=lambda p: p.name,
)
def test_example_files_give_the_same_values_and_positions(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":  # a note's front matter
        text = text.split("---\n")[1]
    fast, problems = parse_yaml(text, path.name)
    assert problems == [] and fast is not None
    slow = _slow(monkeypatch, text, path.name)
    assert slow is not None
    assert fast.data == slow.data
    assert fast.positions == slow.positions
    assert len(fast.positions) > 3


def test_the_fast_loader_is_the_one_used(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    real = yamlsource._compose_and_construct

    def spy(loader: type, text: str) -> object:
        used.append(loader.__name__)
        return real(loader, text)

    monkeypatch.setattr(yamlsource, "_compose_and_construct", spy)
    parse_yaml("a: 1\nb: [2, 3]\n", "x.yaml")
    assert used == ["_FastUniqueKeyLoader"]
    used.clear()
    # A broken document is read again by the Python loader, for its message.
    _, problems = parse_yaml("a: 1\na: 2\n", "x.yaml")
    assert used == ["_FastUniqueKeyLoader", "_UniqueKeyLoader"]
    assert [(p.line, p.column) for p in problems] == [(2, 1)]
    assert "duplicate key 'a' (first on line 1)" in problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\nb: 3\n",
        "a:\n  - 1\n - 2\n",
        "a: 'unclosed\n",
        "a: &x [*x]\n",
        "a: !!python/object:os.system x\n",
        "\t- tab\n",
    ],
)
def test_broken_documents_get_the_python_loaders_message(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, fast = parse_yaml(text, "x.yaml")
    with monkeypatch.context() as m:
        m.setattr(yamlsource, "_FAST_LOADERS", [])
        _, slow = parse_yaml(text, "x.yaml")
    assert fast == slow and len(fast) == 1
