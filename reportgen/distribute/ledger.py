"""The delivery ledger: what was sent to whom, so each pack goes once.

``outputs/<period>/deliveries.jsonl`` holds one JSON line per message
attempt outcome. A line is written (and fsynced) right after the server
accepts a message, so a crash loses at most the record of the message in
flight. One line per message, not per pack, keeps a message's packs
together: a torn write loses the whole line, never half a message.

A torn last line (a crash mid-write) is ignored on read and cut off before
the next append. A damaged line anywhere else stops sending: guessing what
was delivered could send a board pack twice, or not at all.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from reportgen.atomic import fsync_dir
from reportgen.distribute.errors import DistributionError

LEDGER_NAME = "deliveries.jsonl"

log = logging.getLogger("reportgen.distribute")

Status = Literal["delivered", "rejected", "failed", "refused"]


class LedgerError(DistributionError):
    """The ledger cannot be trusted to say what was sent."""


@dataclass(frozen=True)
class PackRecord:
    path: str
    sha256: str


@dataclass(frozen=True)
class Entry:
    """One message's outcome: delivered, or why not."""

    time: str
    period: str
    recipient: str
    name: str
    status: Status
    message_id: str
    response: str
    attempts: int
    packs: tuple[PackRecord, ...]

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "time": self.time,
            "period": self.period,
            "recipient": self.recipient,
            "name": self.name,
            "status": self.status,
            "message_id": self.message_id,
            "response": self.response,
            "attempts": self.attempts,
            "packs": [{"path": p.path, "sha256": p.sha256} for p in self.packs],
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, data: Any) -> Entry:
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        packs = data.get("packs")
        if not isinstance(packs, list):
            raise ValueError("'packs' must be a list")
        status = data.get("status")
        if status not in ("delivered", "rejected", "failed", "refused"):
            raise ValueError(f"unknown status {status!r}")
        return cls(
            time=str(data.get("time", "")),
            period=str(data.get("period", "")),
            recipient=str(data["recipient"]),
            name=str(data.get("name", "")),
            status=status,
            message_id=str(data.get("message_id", "")),
            response=str(data.get("response", "")),
            attempts=int(data.get("attempts", 0)),
            packs=tuple(PackRecord(str(p["path"]), str(p["sha256"])) for p in packs),
        )


class Ledger:
    """Append-only, crash-safe record of deliveries for one period."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._repaired = False

    def entries(self) -> list[Entry]:
        """Every complete record; a torn final line is skipped with a warning."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise self._unusable(exc) from None
        lines = raw.split(b"\n")
        torn = lines.pop()  # text after the last newline: b"" unless a write was torn
        entries: list[Entry] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entries.append(Entry.from_json(json.loads(line.decode("utf-8"))))
            except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
                raise LedgerError(
                    f"{self.path}:{number}: damaged delivery record ({exc}); "
                    "refusing to send because what was already sent is unknown. "
                    "Check the line against the mail server's log, fix or remove it, "
                    "and run again"
                ) from None
        if torn.strip():
            log.warning(
                "%s: ignoring an incomplete last record (a previous run stopped mid-write)",
                self.path,
            )
        return entries

    def delivered(self) -> set[tuple[str, str, str]]:
        """``(recipient email lower-cased, pack path, sha256)`` already delivered.

        The path is part of the key so two packs that happen to be
        byte-identical are still each delivered; the hash is part of it so a
        rebuilt pack with new content counts as new.
        """
        return {
            (e.recipient.lower(), p.path, p.sha256)
            for e in self.entries()
            if e.status == "delivered"
            for p in e.packs
        }

    def check_writable(self) -> None:
        """Fail now, before any message leaves, if a record could not be written later.

        Finding out after the first delivery would leave that person's
        message unrecorded, so every run would send it to them again.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._repair_tail()
            os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))
        except OSError as exc:
            raise self._unusable(exc) from None

    def _unusable(self, exc: OSError) -> LedgerError:
        return LedgerError(
            f"{self.path}: the delivery ledger cannot be written ({exc.strerror or exc}); "
            "nothing was sent. It records who has had which pack, so that nobody gets one "
            "twice: make it a writable file (or remove what is in its place) and run again"
        )

    def append(self, entry: Entry) -> None:
        """Write one record durably before the caller moves on."""
        self._repair_tail()
        new = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = (entry.to_json() + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            fsync_dir(self.path.parent)

    def _repair_tail(self) -> None:
        # Cut a torn last line off so the next record starts on its own line.
        if self._repaired:
            return
        self._repaired = True
        try:
            with self.path.open("rb+") as fh:
                size = fh.seek(0, os.SEEK_END)
                if size == 0:
                    return
                fh.seek(size - 1)
                if fh.read(1) == b"\n":
                    return
                fh.seek(0)
                content = fh.read()
                keep = content.rfind(b"\n") + 1
                fh.truncate(keep)
                fh.flush()
                os.fsync(fh.fileno())
                log.warning(
                    "%s: removed an incomplete last record (%d bytes) before appending",
                    self.path,
                    size - keep,
                )
        except FileNotFoundError:
            return


def summarise(entries: Iterable[Entry]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.status] = counts.get(e.status, 0) + 1
    return counts
