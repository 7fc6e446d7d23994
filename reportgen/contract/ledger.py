"""The delivery ledger: what was sent to whom, so each pack goes once.

``outputs/<period>/deliveries.jsonl`` holds one JSON line per message
attempt outcome. A line is written (and fsynced) right after the server
accepts a message, so a crash loses at most the record of the message in
flight. One line per message, not per pack, keeps a message's packs
together: a torn write loses the whole line, never half a message.

A torn last line (a crash mid-write) is ignored on read and cut off before
the next append. A damaged line anywhere else stops sending: guessing what
was delivered could send a board pack twice, or not at all.

``reportgen send`` and ``reportgen collect --send`` keep their ledgers in
this one format (collect's under ``outputs/<period>/collect/``). Reading
ignores keys it does not know and defaults the ones older ledgers lack.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reportgen.atomic import fsync_dir
from reportgen.contract.errors import ContractError, explain

LEDGER_NAME = "deliveries.jsonl"

log = logging.getLogger("reportgen.ledger")

Status = Literal["delivered", "rejected", "failed", "refused"]


class _Line(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", coerce_numbers_to_str=True)


class PackRecord(_Line):
    """What one message carried: a pack's path and hash (``collect``: a workbook's key)."""

    path: str = Field(
        description="The pack's path in the manifest (for `collect`, what the message was, "
        "e.g. `workbook lead.xlsx`); not opened, only compared."
    )
    sha256: str = Field(description="SHA-256 of what was sent.")


class Entry(_Line):
    """One message's outcome: delivered, or why not (one JSON object a line)."""

    time: str = Field(default="", description="When, ISO 8601 with the offset.")
    period: str = Field(default="", description="The month, `YYYY-MM`.")
    recipient: str = Field(description="The address the message went to.")
    name: str = Field(default="", description="The recipient's name.")
    status: Status = Field(description="What the server did with the message.")
    message_id: str = Field(default="", description="The message's Message-ID header.")
    response: str = Field(default="", description="The server's last reply, or why not sent.")
    attempts: int = Field(default=0, description="Attempts made.")
    packs: tuple[PackRecord, ...] = Field(description="What the message carried.")

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


_FIX = (
    "Refusing to send because what was already sent is unknown. Check the line against "
    "the mail server's log, fix or remove it, and run again"
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
            where = f"{self.path}:{number}"
            try:
                entries.append(Entry.model_validate_json(line))
            except ValidationError as exc:
                if exc.errors()[0]["type"] == "json_invalid":
                    raise ContractError(
                        f"{where}: damaged delivery record (not valid JSON)\n{_FIX}"
                    ) from None
                raise ContractError(
                    explain(exc, f"{where}: damaged delivery record", _FIX)
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

    def _unusable(self, exc: OSError) -> ContractError:
        return ContractError(
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
