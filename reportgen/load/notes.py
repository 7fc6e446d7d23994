"""Leads' narrative notes: ``inputs/notes/YYYY-MM/rec-NN.md``.

Notes come from many authors and are untrusted. This module only checks the
YAML front matter (who, when, which recommendation, an optional RAG
override, and what the lead asks of the board: see
:mod:`reportgen.load.asks`) and keeps the Markdown body exactly as written;
the render stage sanitises it. Front-matter problems are reported on the line of the ``.md``
file where they were written, because that is the file the author has open.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, get_args

from reportgen.errors import Problem, Severity, concerning
from reportgen.load.asks import ASK_KEYS, check_asks
from reportgen.load.inside import path_problem
from reportgen.load.limits import MAX_NOTE_CHARS
from reportgen.load.plan import Plan
from reportgen.load.records import Note, Rag, Source
from reportgen.load.yamlsource import YamlSource, parse_yaml
from reportgen.periods import Period

NOTE_NAME = re.compile(r"^rec-(\d{1,3})\.md$")
MONTH_FOLDER = re.compile(r"^\d{4}-\d{2}$")

REQUIRED_KEYS = ("recommendation", "period", "author", "date")
OPTIONAL_KEYS = ("rag", "rag_reason", "title", *ASK_KEYS)
ALLOWED_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
RAGS: tuple[str, ...] = get_args(Rag)

_FENCE = "---"
_HOW = "a note starts with a line '---', then 'key: value' lines, then another '---'"


def note_path_for(notes_dir: str, period: Period, ref: str) -> PurePosixPath:
    """Where the note for recommendation ``ref`` in ``period`` belongs."""
    return PurePosixPath(notes_dir, str(period), f"rec-{int(ref):02d}.md")


def closest(word: str, choices: list[str]) -> str:
    """`` (did you mean 'x'?)`` when a choice is close enough, else empty."""
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _rec_ref(value: Any) -> str | None:
    """Accept ``3``, ``"3"``, ``"03"``: authors write the number either way."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return str(int(value.strip()))
    return None


def parse_note(
    text: str,
    display: str,
    plan: Plan | None,
    folder_period: Period | None = None,
    file_ref: str | None = None,
) -> tuple[Note | None, list[Problem]]:
    """Check one note's text; ``folder_period``/``file_ref`` come from its path.

    With no plan (it could not be read) the front matter is still checked;
    only the recommendation's existence and the plan's date range are not.
    """
    problems: list[Problem] = []

    def err(line: int | None, field: str | None, message: str) -> None:
        problems.append(Problem(display, line, None, field, message))

    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > MAX_NOTE_CHARS:
        err(
            None,
            None,
            f"the note is longer than {MAX_NOTE_CHARS:,} characters, the limit for a note; "
            "shorten it or link to the full document",
        )
        return None, problems
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        err(1, None, f"missing front matter; {_HOW}")
        return None, problems
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        err(1, None, "front matter is not closed; add a line '---' after the last field")
        return None, problems

    # Pad with the lines before the front matter so every position the YAML
    # parser reports is already a line number in the .md file.
    source, yaml_problems = parse_yaml("\n" + "".join(lines[1:close]), display)
    if source is None:
        return None, yaml_problems
    if not isinstance(source.data, dict):
        err(2 if close > 1 else 1, None, f"front matter must be 'key: value' lines; {_HOW}")
        return None, problems

    data: dict[Any, Any] = source.data
    for key in data:
        if str(key) not in ALLOWED_KEYS:
            line, _ = source.where((key,))
            err(
                line,
                str(key),
                f"unknown key{closest(str(key), list(ALLOWED_KEYS))}; "
                f"allowed keys: {', '.join(ALLOWED_KEYS)}",
            )
    for key in REQUIRED_KEYS:
        if data.get(key) is None:
            err(1, key, f"required field is missing; add '{key}: ...' to the front matter")

    def bad(key: str, message: str) -> None:
        problems.append(source.problem((key,), message, field_name=key))

    ref = _check_recommendation(data, source, plan, file_ref, bad)
    period = _check_period(data, folder_period, plan, bad)
    author = _text(data, "author", bad)
    written = _check_date(data, bad)
    title = _text(data, "title", bad)
    rag, reason = _check_rag(data, source, bad, problems)
    asks = check_asks(data, source, problems)

    body = "".join(lines[close + 1 :])
    if not body.strip() and not problems:
        problems.append(
            Problem(
                display,
                close + 1,
                None,
                None,
                "note has no text after the front matter; "
                "write the narrative below the closing '---'",
                "warning",
            )
        )
    if any(p.is_error for p in problems):
        return None, problems
    assert ref is not None and period is not None and author is not None and written is not None
    note = Note(
        recommendation=ref,
        period=period,
        author=author,
        date=written,
        body=body,
        rag_override=rag,
        override_reason=reason,
        title=title,
        source=Source(display, 1),
        decisions=asks.decisions,
        risks=asks.risks,
        escalations=asks.escalations,
        recovery=asks.recovery,
    )
    return note, problems


def _text(data: dict[Any, Any], key: str, bad: Any) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        bad(key, f"must be text, got {value!r}")
        return None
    return value.strip()


def _check_recommendation(
    data: dict[Any, Any], source: YamlSource, plan: Plan | None, file_ref: str | None, bad: Any
) -> str | None:
    raw = data.get("recommendation")
    if raw is None:
        return None
    ref = _rec_ref(raw)
    if ref is None:
        bad("recommendation", f"must be a recommendation number such as 3, got {raw!r}")
        return None
    refs = [r.ref for r in plan.recommendations] if plan is not None else [ref]
    if ref not in refs:
        bad(
            "recommendation",
            f"unknown recommendation {ref!r}; the plan's recommendations are {', '.join(refs)}",
        )
        return None
    if file_ref is not None and file_ref != ref:
        bad(
            "recommendation",
            f"the file name says recommendation {file_ref} but this says {ref}; "
            f"rename the file to rec-{int(ref):02d}.md or correct the number",
        )
        return None
    return ref


def _check_period(
    data: dict[Any, Any], folder_period: Period | None, plan: Plan | None, bad: Any
) -> Period | None:
    raw = data.get("period")
    if raw is None:
        return None
    try:
        period = Period.parse(str(raw))
    except ValueError:
        bad("period", f"must be a month as YYYY-MM (e.g. 2019-11), got {raw!r}")
        return None
    if folder_period is not None and period != folder_period:
        bad(
            "period",
            f"{period} does not match the folder {folder_period}; "
            "move the note to the right month's folder or correct the period",
        )
        return None
    if plan is not None and not plan.start <= period <= plan.end:
        bad("period", f"{period} is outside the plan ({plan.start} to {plan.end})")
        return None
    return period


def _check_date(data: dict[Any, Any], bad: Any) -> date | None:
    raw = data.get("date")
    if raw is None:
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        bad("date", f"must be a date as YYYY-MM-DD (e.g. 2019-11-28), got {raw!r}")
        return None


def _check_rag(
    data: dict[Any, Any], source: YamlSource, bad: Any, problems: list[Problem]
) -> tuple[Rag | None, str | None]:
    raw = data.get("rag")
    reason = _text(data, "rag_reason", bad)
    if raw is None:
        if reason is not None:
            problems.append(
                source.problem(
                    ("rag_reason",),
                    "rag_reason is ignored without a rag override; add 'rag: red|amber|green' "
                    "or remove rag_reason",
                    severity="warning",
                    field_name="rag_reason",
                )
            )
        return None, None
    value = str(raw).strip().lower()
    if value not in RAGS:
        bad("rag", f"must be one of {', '.join(RAGS)}, got {raw!r}")
        return None, reason
    if reason is None and "rag_reason" not in data:
        bad("rag", "a RAG override needs a reason; add 'rag_reason: <why>' to the front matter")
    rag: Rag = value  # type: ignore[assignment]
    return rag, reason


def load_note_file(
    path: Path, display: str, plan: Plan | None, folder_period: Period | None = None
) -> tuple[Note | None, list[Problem]]:
    """Read and check one note file; never raises for bad input.

    Reads at most one character past the limit (after a byte-order mark), so
    a huge file costs no more than a note just too long.
    """
    try:
        with path.open(encoding="utf-8") as handle:
            text = handle.read(MAX_NOTE_CHARS + 2)
    except UnicodeDecodeError as exc:
        return None, [
            Problem.whole_file(display, f"not UTF-8 text ({exc.reason}); save the note as UTF-8")
        ]
    except OSError as exc:
        return None, [Problem.whole_file(display, f"cannot read: {exc.strerror}")]
    m = NOTE_NAME.match(path.name)
    file_ref = str(int(m.group(1))) if m else None
    return parse_note(text, display, plan, folder_period, file_ref)


def load_notes(
    notes_dir: Path, display_dir: str, plan: Plan | None, *, root: Path | None = None
) -> tuple[list[Note], list[Problem], list[Path]]:
    """Every note under ``notes_dir``, with problems and the files read.

    Names are checked strictly because a note saved as ``rec 3.md`` or in the
    wrong folder would otherwise be silently missing from the pack. Nothing
    is read through a link that leads out of ``root`` (the project; by
    default ``notes_dir`` itself).
    """
    boundary = root or notes_dir
    notes: list[Note] = []
    problems: list[Problem] = []
    read: list[Path] = []
    if not notes_dir.is_dir():
        return notes, problems, read
    seen: dict[tuple[str, Period], str] = {}
    for entry in sorted(notes_dir.iterdir()):
        shown = f"{display_dir}/{entry.name}"
        if entry.name.startswith("."):
            continue
        refused = path_problem(entry, shown, boundary)
        if refused:
            problems.append(refused)
            continue
        if entry.is_file():
            problems.append(
                Problem.whole_file(
                    shown,
                    f"not read: notes belong in a month folder, as {display_dir}/YYYY-MM/rec-NN.md",
                    _severity(entry),
                )
            )
            continue
        folder_period = _folder_period(entry.name)
        if folder_period is None:
            problems.append(
                Problem.whole_file(shown, "folder name must be a month as YYYY-MM (e.g. 2019-11)")
            )
            continue
        for path in sorted(entry.iterdir()):
            display = f"{shown}/{path.name}"
            if path.name.startswith("."):
                continue
            refused = path_problem(path, display, boundary)
            if refused:
                problems.append(refused)
                continue
            if path.is_dir():
                continue
            named = NOTE_NAME.match(path.name)
            if not named:
                problems.append(
                    Problem.whole_file(
                        display,
                        "not read: note file names are rec-NN.md (e.g. rec-03.md); rename it",
                        _severity(path),
                    )
                )
                continue
            read.append(path)
            note, found = load_note_file(path, display, plan, folder_period)
            if note is None:  # "no note this month" would only repeat these errors
                about = concerning(f"recommendation {int(named.group(1))}", folder_period)
                found = [replace(p, about=about) if p.is_error else p for p in found]
            problems.extend(found)
            if note is None:
                continue
            key = (note.recommendation, note.period)
            if key in seen:
                problems.append(
                    Problem(
                        display,
                        None,
                        None,
                        "recommendation",
                        f"a second note for recommendation {note.recommendation} "
                        f"in {note.period} (the first is {seen[key]}); "
                        "merge them into one file",
                    )
                )
                continue
            seen[key] = display
            notes.append(note)
    return notes, problems, read


def _severity(path: Path) -> Severity:
    """A stray Markdown file is probably a misnamed note; other files are just clutter."""
    return "error" if path.suffix.lower() == ".md" else "warning"


def _folder_period(name: str) -> Period | None:
    if not MONTH_FOLDER.match(name):
        return None
    try:
        return Period.parse(name)
    except ValueError:
        return None
