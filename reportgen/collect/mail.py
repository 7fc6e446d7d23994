"""Email leads their workbooks and reminders, through distribution's mail settings.

Each message is recorded in ``outputs/<period>/collect/deliveries.jsonl``
(the distribution ledger, in its own file) the moment the server accepts
it. A workbook goes to a lead once per period and a reminder at most once
a day, whatever the contents: a rewritten workbook or a longer list of
missing actions is not a reason to email someone twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Literal

from reportgen.atomic import atomic_write_bytes
from reportgen.collect.make import DISTRIBUTION, Handout, collect_dir
from reportgen.contract.ledger import Entry, Ledger, PackRecord
from reportgen.distribute.config import MailSettings, read_distribution
from reportgen.distribute.message import address_header
from reportgen.distribute.send import deliver
from reportgen.distribute.smtp import Mailer, credentials_from_env
from reportgen.periods import Period
from reportgen.pipeline import exclusive
from reportgen.registry import registry_for

LEDGER = "deliveries.jsonl"
OUTBOX = "outbox"
WIRE = SMTP.clone(max_line_length=998)
"""Long subjects stay on one line: some clients show a folded one with a leading space."""
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class Letter:
    """One message to one lead; ``key`` is what the ledger remembers it by."""

    lead: str
    email: str | None
    key: str
    subject: str
    text: str
    attachment: tuple[str, bytes] | None = None


@dataclass(frozen=True)
class Sent:
    lead: str
    email: str
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("delivered", "skipped", "written")


@dataclass
class MailReport:
    period: Period
    dry_run: bool
    outcomes: list[Sent] = field(default_factory=list)
    outbox: Path | None = None

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def lines(self) -> list[str]:
        counts: dict[str, int] = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        head = "dry run: " if self.dry_run else ""
        summary = ", ".join(f"{n} {s}" for s, n in counts.items()) or "nobody to email"
        out = [f"{head}{self.period}: {summary}"]
        for o in self.outcomes:
            if o.status == "skipped":
                out.append(f"  skipped {o.lead} <{o.email}>: {o.detail}")
            elif not o.ok:
                out.append(f"  NOT SENT to {o.lead} <{o.email}>: {o.status}: {o.detail}")
        if self.outbox is not None:
            out.append(f"messages written to {self.outbox}")
        return out


def _message(mail: MailSettings, letter: Letter, period: Period, now: datetime) -> EmailMessage:
    assert letter.email is not None
    msg = EmailMessage()
    msg.set_raw("From", address_header("From", mail.sender_name, mail.sender))
    msg.set_raw("To", address_header("To", letter.lead, letter.email))
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    domain = mail.sender.rpartition("@")[2]
    msg["Subject"] = " ".join(letter.subject.split())
    msg["Date"] = format_datetime(now)
    digest = hashlib.sha256(f"{period}\0{letter.email.lower()}\0{letter.key}".encode())
    msg["Message-ID"] = f"<reportgen.collect.{period}.{digest.hexdigest()[:32]}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Reportgen-Period"] = str(period)
    msg.set_content(letter.text)
    if letter.attachment is not None:
        name, data = letter.attachment
        msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)
    return msg


def send_letters(
    project_dir: Path,
    period: Period,
    letters: Sequence[Letter],
    *,
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: datetime | None = None,
    progress: Callable[[str], None] = lambda _line: None,
) -> MailReport:
    """Send each letter not already in the ledger (``dry_run``: write .eml files)."""
    folder = collect_dir(project_dir, period)
    when = (now or datetime.now(UTC)).replace(microsecond=0)
    report = MailReport(period, dry_run)
    with exclusive(project_dir):
        dist = read_distribution(
            project_dir / DISTRIBUTION, DISTRIBUTION, registry=registry_for(project_dir)
        )
        config = dist.config
        ledger = Ledger(folder / LEDGER)
        done = {
            (e.recipient.lower(), p.path)
            for e in ledger.entries()
            if e.status == "delivered"
            for p in e.packs
        }
        pending: list[tuple[Letter, EmailMessage]] = []
        for letter in letters:
            if letter.email is None:
                report.outcomes.append(
                    Sent(
                        letter.lead,
                        "no address",
                        "refused",
                        f"no email address for {letter.lead!r}; add them under 'leads:' in "
                        f"{DISTRIBUTION} (name, email)",
                    )
                )
            elif (letter.email.lower(), letter.key) in done:
                report.outcomes.append(
                    Sent(letter.lead, letter.email, "skipped", f"already sent ({letter.key})")
                )
            else:
                pending.append((letter, _message(config.mail, letter, period, when)))
        if dry_run:
            report.outbox = _outbox(folder / OUTBOX, pending)
            report.outcomes += [Sent(x.lead, str(x.email), "written") for x, _ in pending]
            return report
        if not pending:
            return report
        creds = credentials_from_env(config.mail, os.environ if environ is None else environ)
        ledger.check_writable()
        with Mailer(config.mail, creds) as mailer:
            mailer.preflight()
            unreachable = ""
            for letter, msg in pending:
                email = str(letter.email)
                if unreachable:
                    report.outcomes.append(Sent(letter.lead, email, "failed", unreachable))
                    continue
                wire = msg.as_bytes(policy=WIRE)
                status, detail, attempts, connection = deliver(
                    mailer, config, email, wire, sleep, progress
                )
                ledger.append(_entry(period, letter, msg, wire, status, detail, attempts, when))
                report.outcomes.append(Sent(letter.lead, email, status, detail))
                progress(f"{status}: {letter.lead} <{email}>")
                if status == "failed" and connection:
                    unreachable = f"not attempted: the mail server was unreachable ({detail})"
    return report


def _entry(
    period: Period,
    letter: Letter,
    msg: EmailMessage,
    wire: bytes,
    status: Literal["delivered", "rejected", "failed"],
    detail: str,
    attempts: int,
    when: datetime,
) -> Entry:
    return Entry(
        time=when.isoformat(),
        period=str(period),
        recipient=str(letter.email),
        name=letter.lead,
        status=status,
        message_id=str(msg["Message-ID"]),
        response=detail,
        attempts=attempts,
        packs=(PackRecord(path=letter.key, sha256=hashlib.sha256(wire).hexdigest()),),
    )


def _outbox(folder: Path, pending: Sequence[tuple[Letter, EmailMessage]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    for i, (letter, msg) in enumerate(pending, start=1):
        safe = re.sub(r"[^a-z0-9@._-]", "_", str(letter.email).lower())
        atomic_write_bytes(folder / f"{i:02d}-{safe}.eml", msg.as_bytes(policy=WIRE))
    return folder


def send_workbooks(
    project_dir: Path,
    period: Period,
    handouts: Sequence[Handout],
    **options: Any,
) -> MailReport:
    """Email each lead the workbook ``collect`` wrote for them (once per period)."""
    folder = collect_dir(project_dir, period)
    dist = read_distribution(
        project_dir / DISTRIBUTION, DISTRIBUTION, registry=registry_for(project_dir)
    )
    mail = dist.config.mail
    back = mail.reply_to or mail.sender
    letters: list[Letter] = []
    for h in handouts:
        data = (folder / h.file).read_bytes()
        asks = []
        if h.actions:
            asks.append(f"an update on {len(h.actions)} action(s) on the Updates sheet")
        if h.recommendations:
            recs = ", ".join(h.recommendations)
            asks.append(f"commentary for recommendation(s) {recs}")
        text = (
            f"Dear {h.lead},\n\n"
            f"Please find attached your {mail.programme} workbook for {period.long_label}. "
            f"It asks for {' and '.join(asks)}. Last month's position is filled in; please "
            "complete the shaded cells (the Instructions sheet explains each one), save it "
            f"as .xlsx and reply to {back} with it attached.\n\n"
            "Thank you.\n"
            f"{mail.sender_name or mail.programme}\n"
        )
        letters.append(
            Letter(
                lead=h.lead,
                email=h.email,
                key=f"workbook {h.file}",
                subject=f"{mail.programme}: your updates for {period.long_label}",
                text=text,
                attachment=(h.file, data),
            )
        )
    return send_letters(project_dir, period, letters, **options)
