"""One email per recipient, carrying exactly their packs.

The Message-ID is derived from the period, the recipient and the packs'
hashes, so the same packs sent again carry the same ID: mail clients and
servers can recognise a resend, and the ledger can be matched to the
server's logs. Subject and bodies are Jinja2 templates (a project may
override them under ``templates/email/``); the RAG table in the body comes
from the manifest, so the email says what the packs say.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from reportgen.distribute.config import MailSettings
from reportgen.distribute.errors import DistributionError
from reportgen.distribute.manifest import Manifest, PackFile
from reportgen.distribute.packs import Entitlement
from reportgen.periods import Period
from reportgen.present import labels
from reportgen.present.jinja import install as install_presentation


@dataclass(frozen=True)
class BuiltMessage:
    """A message ready to send, with what the ledger needs to record it."""

    entitlement: Entitlement
    packs: tuple[PackFile, ...]
    message: EmailMessage
    wire: bytes
    message_id: str

    @property
    def size(self) -> int:
        return len(self.wire)


def builtin_templates() -> Path:
    """The templates shipped with reportgen (installed or in a checkout)."""
    try:
        from importlib.resources import files

        root = Path(str(files("reportgen.templates")))
        if root.is_dir():
            return root
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "templates"


def _autoescape(name: str | None) -> bool:
    return name is not None and ".htm" in name


def template_env(project_dir: Path | None) -> SandboxedEnvironment:
    """Project templates first, then the built-in ones; sandboxed and strict."""
    paths: list[Path] = []
    if project_dir is not None and (project_dir / "templates").is_dir():
        paths.append(project_dir / "templates")
    paths.append(builtin_templates())
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in paths]),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_presentation(env)
    env.filters["filesize"] = human_size
    return env


def human_size(n: int | None) -> str:
    if n is None:
        return ""
    if n < 1_000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1_000:.0f} kB"
    return f"{n / 1_000_000:.1f} MB"


def message_id(period: str, recipient: str, packs: tuple[PackFile, ...], sender: str) -> str:
    """Same period, person and pack contents -> same ID, whenever it is sent."""
    h = hashlib.sha256()
    h.update(f"reportgen\0{period}\0{recipient.lower()}\0".encode())
    for digest in sorted(p.sha256 for p in packs):
        h.update(digest.encode("ascii") + b"\0")
    domain = sender.rpartition("@")[2] or "reportgen.invalid"
    return f"<reportgen.{period}.{h.hexdigest()[:32]}@{domain}>"


def context(
    mail: MailSettings,
    manifest: Manifest,
    entitlement: Entitlement,
    packs: tuple[PackFile, ...],
    resend: bool,
) -> dict[str, Any]:
    person = entitlement.recipient
    try:
        period_label = Period.parse(manifest.period).long_label
    except ValueError:
        period_label = manifest.period
    counts: dict[str, int] = {}
    for row in manifest.summary:
        counts[row.rag] = counts.get(row.rag, 0) + 1
    return {
        "programme": mail.programme,
        "period": manifest.period,
        "period_label": period_label,
        "as_of": manifest.as_of or "",
        "recipient": {"name": person.name, "email": person.email, "role": person.role},
        "packs": [
            {
                "title": p.title,
                "filename": p.filename,
                "kind": p.kind,
                "ref": p.ref,
                "pages": p.pages,
                "bytes": p.bytes,
            }
            for p in packs
        ],
        "summary": [
            {
                "ref": r.ref,
                "title": r.title,
                "rag": r.rag,
                "rag_label": labels.rag(r.rag),
                "reason": r.reason,
            }
            for r in manifest.summary
        ],
        "rag_counts": counts,
        "sender_name": mail.sender_name,
        "sender": mail.sender,
        "reply_to": mail.reply_to or mail.sender,
        "resend": resend,
    }


def _one_line(text: str) -> str:
    # Headers must not carry newlines (header injection); collapse all whitespace.
    return re.sub(r"\s+", " ", text).strip()


def build_message(
    *,
    mail: MailSettings,
    manifest: Manifest,
    entitlement: Entitlement,
    packs: tuple[PackFile, ...],
    contents: Mapping[str, bytes],
    env: SandboxedEnvironment,
    now: datetime,
    resend: bool = False,
) -> BuiltMessage:
    """Render and assemble one recipient's message with ``packs`` attached."""
    person = entitlement.recipient
    ctx = context(mail, manifest, entitlement, packs, resend)
    try:
        subject = _one_line(env.from_string(mail.subject).render(ctx))
        text = env.get_template(mail.body_text).render(ctx)
        html = env.get_template(mail.body_html).render(ctx)
    except jinja2.TemplateNotFound as exc:
        raise DistributionError(
            f"email template {exc.name!r} not found in the project's templates/ "
            "or reportgen's built-in templates; check mail.body_text / mail.body_html"
        ) from None
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or getattr(exc, "name", None) or "mail.subject"
        line = getattr(exc, "lineno", None)
        at = f"{where}:{line}" if line else str(where)
        raise DistributionError(f"{at}: email template error: {exc}") from None

    names = [p.filename for p in packs]
    if len(set(names)) != len(names):
        raise DistributionError(
            f"{person.email}: two attachments would share a file name ({', '.join(names)}); "
            "the build must give each pack a distinct file name"
        )

    msg = EmailMessage()
    local, _, domain = mail.sender.rpartition("@")
    msg["From"] = Address(display_name=mail.sender_name, username=local, domain=domain)
    rlocal, _, rdomain = person.email.rpartition("@")
    msg["To"] = Address(display_name=person.name, username=rlocal, domain=rdomain)
    if mail.reply_to:
        plocal, _, pdomain = mail.reply_to.rpartition("@")
        msg["Reply-To"] = Address(username=plocal, domain=pdomain)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    mid = message_id(manifest.period, person.email, packs, mail.sender)
    msg["Message-ID"] = mid
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Reportgen-Period"] = manifest.period
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    for pack in packs:
        msg.add_attachment(
            contents[pack.path], maintype="application", subtype="pdf", filename=pack.filename
        )
    wire = msg.as_bytes(policy=SMTP)
    return BuiltMessage(entitlement, packs, msg, wire, mid)


def size_problem(built: BuiltMessage, limit: int) -> str | None:
    """Why a message is too big to send, naming the person and sizes, or None."""
    if built.size <= limit:
        return None
    person = built.entitlement.recipient
    parts = ", ".join(f"{p.filename} {human_size(p.bytes)}" for p in built.packs)
    return (
        f"message to {person.name} <{person.email}> would be {human_size(built.size)} "
        f"({built.size} bytes) with attachments encoded, over mail.max_message_bytes "
        f"{human_size(limit)} ({limit} bytes); attachments: {parts}. Raise the limit if the "
        "server allows it, or send this person fewer packs"
    )
