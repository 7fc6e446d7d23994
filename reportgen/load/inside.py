"""Inputs are read only from inside the project folder, and only from ordinary files.

A note or month folder that is a symbolic link to somewhere else would
print that file into a board pack without anyone having put it in the
project, so a link leading out of the project is refused, naming the link
and where it goes (copy the file in instead). A broken link is reported as
a problem with the others, so one dead link does not hide everything else
wrong with the inputs. A named pipe is refused too: reading one would wait
for ever.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.errors import Problem


def path_problem(path: Path, display: str, root: Path) -> Problem | None:
    """Why ``path`` must not be read; None when it and every folder above it are in ``root``.

    ``path`` itself or any folder between it and ``root`` may be the link;
    resolving the whole path catches either.
    """
    if not path.exists():
        if not path.is_symlink():
            return None  # a missing file is for its reader to report, in its own words
        return Problem.whole_file(
            display,
            f"broken link: it points to {path.readlink()}, which does not exist (or "
            "links back to itself); replace the link with the file or remove it",
        )
    try:
        target = path.resolve(strict=True)
        boundary = root.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        return Problem.whole_file(
            display, f"cannot follow this path ({exc}); replace it with the file itself"
        )
    if target != boundary and boundary not in target.parents:
        return Problem.whole_file(
            display,
            f"this is a link to {target}, outside the project folder; inputs are read "
            "only from inside the project, so copy the file into the project instead "
            "of linking to it",
        )
    if not (target.is_file() or target.is_dir()):
        # Reading a named pipe waits for a writer that may never come.
        return Problem.whole_file(
            display,
            "not an ordinary file or folder (a named pipe, socket or device); "
            "replace it with the file itself",
        )
    return None
