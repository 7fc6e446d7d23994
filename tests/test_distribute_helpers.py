"""Shared pieces for the distribution tests: a real project on disk and a real SMTP server.

Not a test module itself (it defines no tests); the distribution test files
import from it. The SMTP server is aiosmtpd on loopback with a handler that
can be told to fail, so retries and rejections go over a real socket.
"""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import io
import json
import socket
import ssl
import textwrap
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pypdf import PdfWriter

from reportgen.contract import Manifest, PackFile, write_manifest
from reportgen.contract.manifest import InputFile, SummaryRow

PERIOD = "2019-10"
WORKSTREAMS = [
    "workforce-and-development",
    "practice-and-standards",
    "leadership-and-governance",
    "partnerships",
    "service-design",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_pdf(title: str, pages: int = 1, padding: int = 0) -> bytes:
    """A real (tiny) PDF; the title makes each one's bytes, and hash, distinct."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    if padding:
        # Incompressible filler so a pack can be made big on purpose.
        writer.add_metadata(
            {"/Filler": hashlib.sha256(title.encode()).hexdigest() * (padding // 64)}
        )
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


SUMMARY = [
    {"ref": str(i), "title": f"Recommendation {i} title", "rag": rag, "reason": f"reason {i}"}
    for i, rag in zip(
        range(1, 13),
        [
            "red",
            "amber",
            "green",
            "amber",
            "red",
            "green",
            "green",
            "amber",
            "grey",
            "no-data",
            "green",
            "amber",
        ],
        strict=True,
    )
]
SUMMARY[1]["title"] = "Neglect <script>alert(1)</script> & drift"


def make_build(project: Path, *, board_padding: int = 0) -> dict[str, bytes]:
    """Write outputs/<period>/ with real PDFs and a manifest; return path -> bytes."""
    folder = project / "outputs" / PERIOD
    files: dict[str, tuple[str, str | None, str, bytes]] = {}
    files["board-pack-2019-10.pdf"] = (
        "board",
        None,
        "Board pack",
        make_pdf("Board pack", 3, board_padding),
    )
    files["rag-summary-2019-10.pdf"] = ("summary", None, "RAG summary", make_pdf("RAG summary"))
    for i in range(1, 13):
        files[f"recommendations/rec-{i:02d}.pdf"] = (
            "recommendation",
            str(i),
            f"Recommendation {i}",
            make_pdf(f"Recommendation {i}"),
        )
    for ws in WORKSTREAMS:
        files[f"workstreams/{ws}-2019-10.pdf"] = (
            "workstream",
            ws,
            f"Workstream {ws}",
            make_pdf(f"Workstream {ws}"),
        )
    outputs: list[PackFile] = []
    contents: dict[str, bytes] = {}
    for rel, (kind, ref, title, data) in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        contents[rel] = data
        outputs.append(
            PackFile(
                path=rel,
                kind=kind,
                ref=ref,
                title=title,
                pages=1,
                sha256=sha256(data),
                bytes=len(data),
            )
        )
    manifest = Manifest(
        tool="reportgen",
        version="0.1.0",
        period=PERIOD,
        as_of="2019-11-05",
        built="2019-11-05T00:00:00Z",
        options={"x": 1},
        inputs=(InputFile(path="inputs/plan.yaml", sha256="0" * 64),),
        outputs=tuple(outputs),
        summary=tuple(SummaryRow.model_validate(row) for row in SUMMARY),
    )
    write_manifest(folder, manifest)
    return contents


def mail_block(port: int, **extra: Any) -> str:
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "allow_insecure_local_relay": True,
        "sender": "pip-reports@example.org",
        "sender_name": "Children First Improvement Programme",
        "reply_to": "pip-office@example.org",
        "programme": "Children First PIP",
        "timeout_seconds": 5,
    }
    settings.update(extra)
    settings = {k: v for k, v in settings.items() if v is not None}
    return json.dumps(settings)  # JSON is YAML; one line keeps the rest's line numbers stable


DISTRIBUTION = """\
schema_version: 1
mail: {mail}
retry: {{attempts: {attempts}, base_delay_seconds: 0.001, max_delay_seconds: 0.01}}
groups:
  - id: improvement-board
    name: Improvement Board
    packs: {{board: true, summary: true}}
  - id: tfg-partnerships
    name: Partnerships task-and-finish group
    packs: {{workstreams: [partnerships]}}
  - id: tfg-service-design
    name: Service design task-and-finish group
    packs: {{workstreams: [service-design]}}
recipients:
  - name: Board Chair
    email: chair@example.org
    role: Chair
    groups: [improvement-board]
  - name: Programme Lead
    email: Lead@example.org
    groups: [improvement-board, tfg-partnerships]
    packs: {{recommendations: [2]}}
  - name: Partnerships Manager
    email: partner@example.org
    groups: [tfg-partnerships]
  - name: Service Designer
    email: design@example.org
    groups: [tfg-service-design]
    packs: {{recommendations: [1, 12], workstreams: [service-design]}}
"""

# What each recipient must receive, worked out by hand from DISTRIBUTION.
EXPECTED = {
    "chair@example.org": {"board-pack-2019-10.pdf", "rag-summary-2019-10.pdf"},
    "lead@example.org": {
        "board-pack-2019-10.pdf",
        "rag-summary-2019-10.pdf",
        "rec-02.pdf",
        "partnerships-2019-10.pdf",
    },
    "partner@example.org": {"partnerships-2019-10.pdf"},
    "design@example.org": {"rec-01.pdf", "rec-12.pdf", "service-design-2019-10.pdf"},
}


def write_distribution(project: Path, port: int, attempts: int = 4, **mail: Any) -> Path:
    path = project / "inputs" / "distribution.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        DISTRIBUTION.format(mail=mail_block(port, **mail), attempts=attempts), encoding="utf-8"
    )
    return path


def write_yaml(project: Path, text: str) -> Path:
    path = project / "inputs" / "distribution.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        msg = email.message_from_bytes(self.content, policy=default_policy)
        assert isinstance(msg, EmailMessage)
        return msg

    def attachments(self) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for part in self.message.iter_attachments():
            name = part.get_filename()
            assert name is not None
            assert part.get_content_type() == "application/pdf"
            assert name not in out, f"attachment {name} twice"
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            out[name] = payload
        return out


@dataclass
class Handler:
    """Stores what it accepts; can fail the first N DATA commands or reject someone."""

    messages: list[Received] = field(default_factory=list)
    fail_data: int = 0
    fail_reply: str = "451 4.3.0 Temporary failure, try again"
    drop_data: int = 0
    reject: dict[str, str] = field(default_factory=dict)
    data_commands: int = 0
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.reject:
            return self.reject[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_commands += 1
        if self.drop_data > 0:
            self.drop_data -= 1
            server.transport.close()
            return "421 4.3.2 going away"
        if self.fail_data > 0:
            self.fail_data -= 1
            return self.fail_reply
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return f"250 2.0.0 Ok: queued as Q{len(self.messages)}"

    def by_recipient(self) -> dict[str, list[Received]]:
        out: dict[str, list[Received]] = {}
        for m in self.messages:
            for r in m.rcpt_tos:
                out.setdefault(r.lower(), []).append(m)
        return out


class Authenticator:
    def __init__(self, handler: Handler, accept: bool = True) -> None:
        self.handler = handler
        self.accept = accept

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.handler.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=self.accept, handled=False)


def start_server(handler: Handler, port: int, **kwargs: Any) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


def tls_files(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost, made fresh for the test."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx
