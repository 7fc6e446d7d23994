"""The one error for an outputs set that does not match its contract."""

from __future__ import annotations

from pydantic import ValidationError

from reportgen.errors import ReportgenError


class ContractError(ReportgenError):
    """A manifest or delivery ledger is missing, unreadable, or not what reportgen writes.

    Render and distribute raise the same class, so a caller (the CLI, a
    scheduler, a test) handles "the outputs are not fit to use" once,
    whichever stage found it.
    """


def explain(exc: ValidationError, where: str, fix: str) -> str:
    """Pydantic's errors as ``where: field.path: message`` lines, then ``fix``."""
    lines: list[str] = []
    for err in exc.errors():
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "missing"
        elif "input" in err and "got " not in msg and not isinstance(err["input"], dict | list):
            msg += f" (got {err['input']!r})"
        lines.append(f"{where}: {loc}: {msg}" if loc else f"{where}: {msg}")
    return "\n".join([*lines, fix])
