"""The one path rule: a listed file is inside the period's folder, as text and on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportgen.contract import ContractError, resolve_inside
from reportgen.contract.paths import RELATIVE_PATH, check_relative

GOOD = ["a.pdf", "recommendations/rec-01.pdf", ".hidden.pdf", "..x.pdf", "a b/c:d.pdf"]
BAD = ["", "/a.pdf", "../a.pdf", "a/../b.pdf", "a/..", "..", ".", "./a.pdf", "a/./b.pdf"]
BAD += ["a//b.pdf", "a/", "a\\b.pdf", "a/\x01b.pdf", "a\nb.pdf"]


@pytest.mark.parametrize("path", GOOD)
def test_relative_paths_inside_the_folder_pass(path: str) -> None:
    assert check_relative(path) == path


@pytest.mark.parametrize("path", BAD)
def test_anything_that_could_leave_or_alias_is_refused(path: str) -> None:
    with pytest.raises(ValueError, match="expected a relative POSIX path inside the period"):
        check_relative(path)
    # The published pattern (docs/outputs-contract.md) says the same as the check.
    assert RELATIVE_PATH.match(path) is None


def test_a_link_inside_the_set_is_followed(tmp_path: Path) -> None:
    # outputs/<period> is itself a link to the current set under outputs/.builds/.
    real = tmp_path / ".builds" / "2019-10-1"
    (real / "recommendations").mkdir(parents=True)
    (real / "recommendations" / "rec-01.pdf").write_bytes(b"%PDF")
    (real / "same.pdf").symlink_to(real / "recommendations" / "rec-01.pdf")
    shown = tmp_path / "2019-10"
    shown.symlink_to(real.relative_to(tmp_path))
    assert resolve_inside(shown, "same.pdf") == shown / "same.pdf"
    assert resolve_inside(shown, "recommendations/rec-01.pdf").read_bytes() == b"%PDF"


def test_a_link_leading_out_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "2019-10"
    (folder / "recommendations").mkdir(parents=True)
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF secret")
    (folder / "board.pdf").symlink_to(os.path.relpath(secret, folder))
    (folder / "recommendations" / "up").symlink_to("../..")
    for listed in ("board.pdf", "recommendations/up/secret.pdf"):
        with pytest.raises(ContractError) as err:
            resolve_inside(folder, listed)
        assert str(err.value).startswith(
            f"{folder / listed}: a symbolic link leads outside {folder}; only files inside "
        )


def test_a_bad_path_is_refused_before_the_disk_is_asked(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match=r"got '\.\./x\.pdf'"):
        resolve_inside(tmp_path, "../x.pdf")
