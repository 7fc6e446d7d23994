"""One email per recipient, carrying exactly their packs.

The Message-ID is derived from the period, the recipient and the packs'
hashes, so the same packs sent again carry the same ID: mail clients and
servers can recognise a resend, and the ledger can be matched to the
server's logs. Subject and bodies are Jinja2 templates (a project may
override them under ``templates/email/``); the RAG table in the body comes
from the manifest, so the email says what the packs say.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import SMTP
from email.policy import default as default_policy
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from reportgen.contract.manifest import Manifest, PackFile
from reportgen.distribute.config import MailSettings
from reportgen.distribute.errors import DistributionError
from reportgen.distribute.packs import Entitlement
from reportgen.periods import Period
from reportgen.present import labels
from reportgen.present.jinja import install as install_presentation
from reportgen.present.labels import ASKS


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
        "kpis": [
            {
                "id": k.id,
                "recommendation": k.recommendation,
                "title": k.title,
                "value": k.value,
                "target": k.target,
                "rag": k.rag,
                "rag_label": labels.rag(k.rag),
            }
            for k in manifest.kpis
        ],
        "rag_counts": counts,
        "asks": [
            {"ref": a.ref, "kind": a.kind, "label": ASKS.get(a.kind, a.kind), "text": a.text}
            for a in manifest.asks
        ],
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
    msg.set_raw("From", address_header("From", mail.sender_name, mail.sender))
    msg.set_raw("To", address_header("To", person.name, person.email))
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
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
    _check_addresses(
        wire, {"From": (mail.sender_name, mail.sender), "To": (person.name, person.email)}
    )
    return BuiltMessage(entitlement, packs, msg, wire, mid)


# A word a display name may hold bare: RFC 5322 atext (no specials, no spaces).
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
_LINE = 78


def address_header(field: str, name: str, email: str) -> str:
    """``Name <email>`` for a From/To header, folded here so the name stays one name.

    The email library, folding a long name, drops the quotes around it, so a
    comma or ``<...>`` inside turns into a second address (CPython
    gh-100884 and relatives). So the header is built and folded here and
    stored as is: plain words stay bare, a stretch of ASCII words with
    specials goes in one quoted string, and each stretch of non-ASCII words
    becomes one RFC 2047 encoded word (which holds no commas or brackets).
    :func:`_check_addresses` proves the result reads back as one address.
    """
    words = name.split()
    if not words:
        return email
    pieces: list[str] = []
    for ascii_run, group in itertools.groupby(words, key=str.isascii):
        text = " ".join(group)
        if not ascii_run:
            pieces.append(f"=?utf-8?b?{base64.b64encode(text.encode()).decode('ascii')}?=")
        elif all(_ATOM.fullmatch(w) for w in text.split()):
            pieces.append(text)
        else:
            pieces.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return _fold(f"{field}: ", [*" ".join(pieces).split(" "), f"<{email}>"])


def _fold(prefix: str, words: list[str]) -> str:
    # Every space in the value is a legal place to fold, even inside the
    # quoted string (folding white space is allowed there and unfolds back).
    lines = [words[0]]
    for word in words[1:]:
        width = len(lines[-1]) + len(prefix if len(lines) == 1 else " ")
        if width + 1 + len(word) > _LINE:
            lines.append(word)
        else:
            lines[-1] += f" {word}"
    return "\n ".join(lines)


def _check_addresses(wire: bytes, expected: Mapping[str, tuple[str, str]]) -> None:
    """Refuse a message whose From or To would not read back as exactly one person."""
    headers = BytesHeaderParser(policy=default_policy).parsebytes(wire)
    for field, (name, email) in expected.items():
        raw = str(headers.get(field, ""))
        want = [(" ".join(name.split()), email.lower())]
        strict = [(a.display_name, a.addr_spec.lower()) for a in headers[field].addresses]
        lenient = [(n, a.lower()) for n, a in getaddresses([raw])]
        if strict != want or lenient != want:
            raise DistributionError(
                f"the {field} header for {name!r} <{email}> would not read back as that one "
                f"address (it reads as {lenient}); simplify the name in "
                "inputs/distribution.yaml"
            )


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
