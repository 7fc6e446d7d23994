"""Two sets started in the same second by one process get different folders."""

from __future__ import annotations

from pathlib import Path

from reportgen import generations


def test_sets_started_in_the_same_second_do_not_collide(tmp_path: Path) -> None:
    first = generations.start(tmp_path, "2020-03", keep=set())
    second = generations.start(tmp_path, "2020-03", keep=set())
    third = generations.start(tmp_path, "2020-03", keep=set())
    assert len({first, second, third}) == 3
    assert all(p.is_dir() and p.parent.name == generations.BUILDS for p in (first, second, third))
