"""Send a period's packs: check, build every message, then deliver each once.

Order matters. Everything that can be checked without the network is
checked before the first message goes: the manifest, distribution.yaml
against the build, every attachment's SHA-256, every message's size and
headers, that the ledger can be written, the login variables and the CA
file. Then
each message is delivered with retries, and recorded in the ledger the
moment the server accepts it. One person's permanent failure does not stop
the others; the report lists who did not get what.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from reportgen.contract import (
    LEDGER_NAME,
    ContractError,
    Entry,
    Ledger,
    Manifest,
    PackFile,
    PackRecord,
    read_manifest,
    resolve_inside,
)
from reportgen.distribute.config import Distribution, DistributionFile, read_distribution
from reportgen.distribute.errors import IntegrityError, SmtpFatalError
from reportgen.distribute.message import BuiltMessage, build_message, size_problem, template_env
from reportgen.distribute.packs import Entitlement, entitlements, select_recipients
from reportgen.distribute.smtp import (
    Credentials,
    Mailer,
    PermanentFailure,
    TransientFailure,
    credentials_from_env,
)
from reportgen.load.plan import Plan
from reportgen.periods import Period
from reportgen.registry import registry_for

log = logging.getLogger("reportgen.distribute")

OUTBOX = "outbox"
EXIT_PARTIAL = 3
"""Exit status when some recipients did not get their packs (the rest did)."""
DISTRIBUTION_FILE = Path("inputs") / "distribution.yaml"

OutcomeStatus = Literal["delivered", "rejected", "failed", "refused", "skipped", "written"]


@dataclass(frozen=True)
class Outcome:
    """What happened for one recipient in this run."""

    name: str
    email: str
    status: OutcomeStatus
    packs: tuple[PackFile, ...]
    detail: str = ""
    message_id: str = ""
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.status in ("delivered", "skipped", "written")


@dataclass
class SendReport:
    period: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    outbox: Path | None = None
    ledger: Path | None = None

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def by_status(self, *statuses: OutcomeStatus) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]

    def lines(self) -> list[str]:
        """A short human summary: counts, then who did not get what."""
        counts: dict[str, int] = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        order = ("written", "delivered", "skipped", "refused", "rejected", "failed")
        parts = [f"{counts[s]} {s}" for s in order if s in counts]
        head = "dry run: " if self.dry_run else ""
        out = [f"{head}{self.period}: {', '.join(parts) or 'no recipients selected'}"]
        for o in self.outcomes:
            if not o.ok:
                files = ", ".join(p.filename for p in o.packs)
                out.append(f"  NOT SENT to {o.name} <{o.email}>: {files}: {o.status}: {o.detail}")
        return out


Sleep = Callable[[float], None]
Clock = Callable[[], datetime]
Progress = Callable[[str], None]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def send_period(
    project_dir: Path,
    period: Period,
    *,
    dry_run: bool = False,
    to: Sequence[str] = (),
    resend: bool = False,
    plan: Plan | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Sleep = time.sleep,
    clock: Clock = _now,
    progress: Progress | None = None,
) -> SendReport:
    """Send (or with ``dry_run`` write as .eml) every pack not yet delivered.

    Raises :class:`~reportgen.errors.InputError` for problems in
    distribution.yaml, :class:`DistributionError` (or a subclass) when the
    build or the server makes sending impossible, and returns a report whose
    ``ok`` is False when some recipients did not get their packs.

    The caller holds the project lock, so no other send can read the same
    ledger and no build can swap a PDF under the checksum check: use
    :func:`reportgen.pipeline.send` (the CLI and the scheduled run do).
    """
    period_dir = project_dir / "outputs" / str(period)
    registry = registry_for(project_dir)
    manifest = read_manifest(period_dir, period=str(period), registry=registry)
    dist = read_distribution(
        project_dir / DISTRIBUTION_FILE,
        display=str(DISTRIBUTION_FILE),
        plan=plan,
        registry=registry,
    )
    dist = _resolve_paths(dist, project_dir)
    for warning in dist.warnings:
        log.warning("%s", warning)
    chosen = select_recipients(dist, entitlements(dist, manifest), to)
    ledger = Ledger(period_dir / LEDGER_NAME)
    return _send(
        dist,
        manifest,
        chosen,
        ledger,
        period_dir=period_dir,
        project_dir=project_dir,
        dry_run=dry_run,
        resend=resend,
        environ=os.environ if environ is None else environ,
        sleep=sleep,
        clock=clock,
        progress=progress or (lambda _line: None),
    )


def _send(
    dist: DistributionFile,
    manifest: Manifest,
    chosen: list[Entitlement],
    ledger: Ledger,
    *,
    period_dir: Path,
    project_dir: Path,
    dry_run: bool,
    resend: bool,
    environ: Mapping[str, str],
    sleep: Sleep,
    clock: Clock,
    progress: Progress,
) -> SendReport:
    config = dist.config
    report = SendReport(manifest.period, dry_run, ledger=None if dry_run else ledger.path)
    done = ledger.delivered()
    pending: list[tuple[Entitlement, tuple[PackFile, ...]]] = []
    for ent in chosen:
        todo = tuple(p for p in ent.packs if resend or (ent.key, p.path, p.sha256) not in done)
        if not ent.packs:
            report.outcomes.append(_outcome(ent, "skipped", (), "receives no packs"))
        elif not todo:
            report.outcomes.append(
                _outcome(ent, "skipped", ent.packs, "already delivered (use --resend to repeat)")
            )
        else:
            pending.append((ent, todo))

    contents = verify_files(period_dir, manifest, {p for _, todo in pending for p in todo})
    if pending and not dry_run:
        ledger.check_writable()
    env = template_env(project_dir)
    messages: list[BuiltMessage] = []
    for ent, todo in pending:
        built = build_message(
            mail=config.mail,
            manifest=manifest,
            entitlement=ent,
            packs=todo,
            contents=contents,
            env=env,
            now=clock(),
            resend=resend,
        )
        too_big = size_problem(built, config.mail.max_message_bytes)
        if too_big:
            log.error("%s", too_big)
            progress(f"refused: {too_big}")
            report.outcomes.append(_outcome(ent, "refused", todo, too_big, built.message_id))
            if not dry_run:
                ledger.append(_entry(manifest, built, "refused", too_big, 0, clock()))
            continue
        messages.append(built)

    if dry_run:
        report.outbox = write_outbox(period_dir / OUTBOX, messages)
        for built in messages:
            report.outcomes.append(
                _outcome(built.entitlement, "written", built.packs, "", built.message_id)
            )
            progress(
                f"would send to {built.entitlement.recipient.email}: "
                f"{', '.join(p.filename for p in built.packs)}"
            )
        return _ordered(report, chosen)

    if messages:
        creds = credentials_from_env(config.mail, environ)
        _deliver_all(config, manifest, messages, creds, ledger, report, sleep, clock, progress)
    return _ordered(report, chosen)


def _deliver_all(
    config: Distribution,
    manifest: Manifest,
    messages: list[BuiltMessage],
    creds: Credentials | None,
    ledger: Ledger,
    report: SendReport,
    sleep: Sleep,
    clock: Clock,
    progress: Progress,
) -> None:
    with Mailer(config.mail, creds) as mailer:
        mailer.preflight()
        _loop(config, manifest, messages, mailer, ledger, report, sleep, clock, progress)


def _loop(
    config: Distribution,
    manifest: Manifest,
    messages: list[BuiltMessage],
    mailer: Mailer,
    ledger: Ledger,
    report: SendReport,
    sleep: Sleep,
    clock: Clock,
    progress: Progress,
) -> None:
    unreachable: str | None = None
    for index, built in enumerate(messages):
        ent = built.entitlement
        if unreachable is not None:
            # Retrying every remaining person against a dead server would
            # take attempts x backoff each; they are reported as not sent.
            detail = f"not attempted: {unreachable}"
            report.outcomes.append(_outcome(ent, "failed", built.packs, detail, built.message_id))
            continue
        try:
            status, detail, attempts, connection = _deliver_one(
                mailer, config, built, sleep, progress
            )
        except SmtpFatalError as exc:
            sent = len(report.by_status("delivered"))
            raise SmtpFatalError(
                f"{exc}\nStopped: {sent} message(s) delivered and recorded in "
                f"{ledger.path}; {len(messages) - index} not sent. Fix this and run "
                "again; delivered packs will not be sent twice."
            ) from None
        ledger.append(_entry(manifest, built, status, detail, attempts, clock()))
        report.outcomes.append(
            _outcome(ent, status, built.packs, detail, built.message_id, attempts)
        )
        files = ", ".join(p.filename for p in built.packs)
        if status == "delivered":
            log.info("delivered to %s (%s): %s", ent.recipient.email, files, detail)
            progress(f"sent to {ent.recipient.email}: {files}")
        else:
            log.error("not delivered to %s (%s): %s", ent.recipient.email, files, detail)
            progress(f"NOT sent to {ent.recipient.email}: {detail}")
            if status == "failed" and connection:
                unreachable = f"the mail server was unreachable ({detail})"


def _deliver_one(
    mailer: Mailer,
    config: Distribution,
    built: BuiltMessage,
    sleep: Sleep,
    progress: Progress,
) -> tuple[Literal["delivered", "rejected", "failed"], str, int, bool]:
    return deliver(mailer, config, built.entitlement.recipient.email, built.wire, sleep, progress)


def deliver(
    mailer: Mailer,
    config: Distribution,
    email: str,
    wire: bytes,
    sleep: Sleep,
    progress: Progress,
) -> tuple[Literal["delivered", "rejected", "failed"], str, int, bool]:
    """Try one message until accepted, permanently refused, or out of attempts.

    Returns the status, the server's last word, the attempts made and
    whether the last failure was the connection (the server is unreachable).
    """
    retry = config.retry
    last: TransientFailure | None = None
    for attempt in range(1, retry.attempts + 1):
        try:
            response = mailer.send(config.mail.sender, email, wire)
        except PermanentFailure as exc:
            return "rejected", exc.response, attempt, False
        except TransientFailure as exc:
            last = exc
            if attempt < retry.attempts:
                delay = retry.delay(attempt)
                log.warning(
                    "%s: attempt %d of %d failed (%s); retrying in %.1fs",
                    email,
                    attempt,
                    retry.attempts,
                    exc.response,
                    delay,
                )
                progress(f"retrying {email} in {delay:.1f}s: {exc.response}")
                sleep(delay)
            continue
        return "delivered", response, attempt, False
    assert last is not None
    detail = f"gave up after {retry.attempts} attempts: {last.response}"
    return "failed", detail, retry.attempts, last.connection


def verify_files(folder: Path, manifest: Manifest, packs: set[PackFile]) -> dict[str, bytes]:
    """Read each attachment (in ``folder``) and check it is what the build recorded."""
    contents: dict[str, bytes] = {}
    problems: list[str] = []
    for pack in sorted(packs, key=lambda p: p.path):
        try:
            path = resolve_inside(folder, pack.path)
        except ContractError as exc:
            problems.append(str(exc))
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            problems.append(f"{path}: missing (listed in the manifest)")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != pack.sha256:
            problems.append(
                f"{path}: SHA-256 {digest[:12]}… does not match the manifest's "
                f"{pack.sha256[:12]}…; the file changed after the build"
            )
            continue
        contents[pack.path] = data
    if problems:
        raise IntegrityError(
            "refusing to send: attachments do not match the build\n  "
            + "\n  ".join(problems)
            + f"\nRebuild with `reportgen build --period {manifest.period}` and send again."
        )
    return contents


def write_outbox(folder: Path, messages: list[BuiltMessage]) -> Path:
    """Write each message as an .eml file, replacing a previous dry run's files."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    for i, built in enumerate(messages, start=1):
        email = built.entitlement.recipient.email.lower()
        safe = re.sub(r"[^a-z0-9@._-]", "_", email)
        target = folder / f"{i:02d}-{safe}.eml"
        tmp = target.with_suffix(".eml.tmp")
        tmp.write_bytes(built.message.as_bytes())
        tmp.replace(target)
    return folder


def _resolve_paths(dist: DistributionFile, project_dir: Path) -> DistributionFile:
    # A relative ca_file means the project's file, wherever reportgen runs from.
    mail = dist.config.mail
    if mail.ca_file is None or Path(mail.ca_file).is_absolute():
        return dist
    fixed = mail.model_copy(update={"ca_file": str(project_dir / mail.ca_file)})
    config = dist.config.model_copy(update={"mail": fixed})
    return DistributionFile(config, dist.source, dist.warnings)


def _outcome(
    ent: Entitlement,
    status: OutcomeStatus,
    packs: tuple[PackFile, ...],
    detail: str,
    message_id: str = "",
    attempts: int = 0,
) -> Outcome:
    person = ent.recipient
    return Outcome(person.name, person.email, status, packs, detail, message_id, attempts)


def _entry(
    manifest: Manifest,
    built: BuiltMessage,
    status: Literal["delivered", "rejected", "failed", "refused"],
    response: str,
    attempts: int,
    when: datetime,
) -> Entry:
    person = built.entitlement.recipient
    return Entry(
        time=when.isoformat(),
        period=manifest.period,
        recipient=person.email,
        name=person.name,
        status=status,
        message_id=built.message_id,
        response=response,
        attempts=attempts,
        packs=tuple(PackRecord(path=p.path, sha256=p.sha256) for p in built.packs),
    )


def _ordered(report: SendReport, chosen: list[Entitlement]) -> SendReport:
    # Report in distribution.yaml order, whatever order things happened in.
    rank = {e.recipient.email: e.index for e in chosen}
    report.outcomes.sort(key=lambda o: rank.get(o.email, 0))
    return report
