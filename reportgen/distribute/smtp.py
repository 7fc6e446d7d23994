"""Talking to the mail server, with failures sorted into what to do next.

Every failure is one of three kinds, because the send loop needs to know:
transient (4xx replies, refused or dropped connections: wait and retry),
permanent (5xx for this message: record it, move on to the next person), or
fatal (TLS or authentication trouble: nothing will get through, so stop).
Credentials are only sent over an encrypted connection; this is checked here
at the moment of login, not just in the settings, so no path can skip it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass

from reportgen.distribute.config import MailSettings, is_loopback
from reportgen.distribute.deadline import Deadline, WatchedSMTP, WatchedSMTP_SSL
from reportgen.distribute.errors import DistributionError, SmtpFatalError
from reportgen.redact import redact, register

log = logging.getLogger("reportgen.distribute")


class Secret:
    """A credential that prints as asterisks, so it cannot leak via repr or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__


@dataclass(frozen=True)
class Credentials:
    username: str
    password: Secret
    source: str  # "$USER_ENV / $PASSWORD_ENV", for messages


def credentials_from_env(mail: MailSettings, environ: Mapping[str, str]) -> Credentials | None:
    """Read the login from the environment variables the settings name."""
    if not mail.username_env or not mail.password_env:
        return None
    missing = [n for n in (mail.username_env, mail.password_env) if not environ.get(n)]
    if missing:
        raise DistributionError(
            f"environment variable(s) {', '.join(missing)} not set; they hold the SMTP login "
            "named by mail.username_env / mail.password_env in inputs/distribution.yaml"
        )
    # From here on the password is masked in everything printed or logged.
    register(environ[mail.password_env], username=environ[mail.username_env])
    return Credentials(
        username=environ[mail.username_env],
        password=Secret(environ[mail.password_env]),
        source=f"${mail.username_env} / ${mail.password_env}",
    )


class SendFailure(Exception):
    """A message was not accepted."""

    def __init__(self, response: str, *, connection: bool = False) -> None:
        super().__init__(response)
        self.response = response
        self.connection = connection


class TransientFailure(SendFailure):
    """Worth retrying later: 4xx, or the connection failed or dropped."""


class PermanentFailure(SendFailure):
    """5xx for this message: retrying will not help."""


def _response(code: int, text: bytes | str) -> str:
    # Server replies are shown and logged; a server may echo a credential.
    body = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return redact(f"{code} {' '.join(body.split())}".strip())


def _by_code(code: int, text: bytes | str) -> SendFailure:
    response = _response(code, text)
    if 400 <= code < 500:
        return TransientFailure(response)
    return PermanentFailure(response)


class Mailer:
    """One SMTP session, opened when first needed and reopened after a failure."""

    def __init__(
        self,
        mail: MailSettings,
        credentials: Credentials | None,
        local_hostname: str | None = None,
    ) -> None:
        self.mail = mail
        self.credentials = credentials
        self.local_hostname = local_hostname
        self._smtp: smtplib.SMTP | None = None
        self._stage = "connect"  # how far the current message got, for messages

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def preflight(self) -> None:
        """Raise now for what would stop every delivery (an unreadable ca_file)."""
        if self.mail.security != "none":
            self._context()

    def _context(self) -> ssl.SSLContext:
        try:
            return ssl.create_default_context(cafile=self.mail.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise SmtpFatalError(
                f"mail.ca_file {self.mail.ca_file!r}: cannot load ({exc})"
            ) from None

    def _connect(self, deadline: Deadline) -> smtplib.SMTP:
        mail = self.mail
        host, port, timeout = mail.host, mail.effective_port, mail.timeout_seconds
        where = f"{host}:{port}"
        log.debug("connecting to %s (security %s)", where, mail.security)
        smtp: smtplib.SMTP
        if mail.security == "tls":
            smtp = WatchedSMTP_SSL(
                host,
                port,
                timeout=timeout,
                context=self._context(),
                local_hostname=self.local_hostname,
                deadline=deadline,
            )
        else:
            if mail.security == "none" and not (
                mail.allow_insecure_local_relay and is_loopback(host)
            ):
                raise SmtpFatalError(
                    f"refusing an unencrypted connection to {where}: security 'none' is only "
                    "for a loopback relay with allow_insecure_local_relay: true"
                )
            smtp = WatchedSMTP(
                host,
                port,
                timeout=timeout,
                local_hostname=self.local_hostname,
                deadline=deadline,
            )
        try:
            smtp.ehlo()
            if mail.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SmtpFatalError(
                        f"{where} does not offer STARTTLS; refusing to send packs (and any "
                        "password) unencrypted. Use security: tls if the server expects TLS "
                        "from the start"
                    )
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if self.credentials is not None:
                self._login(smtp, where)
        except BaseException:
            _close_quietly(smtp)
            raise
        return smtp

    def _login(self, smtp: smtplib.SMTP, where: str) -> None:
        creds = self.credentials
        assert creds is not None
        if not isinstance(smtp.sock, ssl.SSLSocket):
            raise SmtpFatalError(
                f"refusing to log in to {where} over an unencrypted connection; "
                "use security: starttls or tls"
            )
        try:
            smtp.login(creds.username, creds.password.reveal())
        except smtplib.SMTPAuthenticationError as exc:
            raise SmtpFatalError(
                f"{where} rejected the login from {creds.source} "
                f"({_response(exc.smtp_code, exc.smtp_error)}); check those variables"
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise SmtpFatalError(
                f"{where} does not offer AUTH; remove username_env/password_env or "
                "check the host and port"
            ) from None
        log.debug("logged in to %s with %s", where, creds.source)

    def send(self, sender: str, recipient: str, wire: bytes) -> str:
        """Deliver one message to one recipient; return the server's final reply.

        The whole conversation for it (connecting if need be, through the
        reply to the message) must end within ``mail.deadline_seconds``.
        """
        with Deadline(self.mail.deadline_seconds) as deadline:
            deadline.watch(self._smtp)
            try:
                return self._send(sender, recipient, wire, deadline)
            except (SendFailure, SmtpFatalError):
                if not deadline.expired:
                    raise
                # Whatever the cut connection looked like (a half reply, an
                # end of file), the reason is the deadline.
                self.close()
                raise TransientFailure(self._too_slow(), connection=True) from None

    def _send(self, sender: str, recipient: str, wire: bytes, deadline: Deadline) -> str:
        self._stage = "connect"
        try:
            if self._smtp is None:
                self._smtp = self._connect(deadline)
            smtp = self._smtp
            self._stage = "envelope"
            options = [f"SIZE={len(wire)}"] if smtp.has_extn("size") else []
            code, text = smtp.mail(sender, options)
            if code != 250:
                self._reset()
                raise _by_code(code, text)
            code, text = smtp.rcpt(recipient)
            if code not in (250, 251):
                self._reset()
                raise _by_code(code, text)
            # data() raises only if DATA itself is refused; the reply to the
            # message body (the one that matters) comes back as a value.
            self._stage = "data"
            code, text = smtp.data(wire)
            if code != 250:
                raise smtplib.SMTPDataError(code, text)
            return _response(code, text)
        except SendFailure as failure:
            if isinstance(failure, TransientFailure):
                self.close()
            raise
        except smtplib.SMTPResponseException as exc:
            # data() and connect raise these; 421 means the server is closing.
            converted = _by_code(exc.smtp_code, exc.smtp_error)
            if isinstance(converted, TransientFailure):
                self.close()
            else:
                self._reset()
            raise converted from None
        except SmtpFatalError:
            self.close()
            raise
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise SmtpFatalError(
                f"{self.mail.host}:{self.mail.effective_port}: the server's certificate was not "
                f"trusted ({exc.verify_message}); fix the host name, or set mail.ca_file to the "
                "CA that signed it"
            ) from None
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientFailure(
                f"connection to {self.mail.host}:{self.mail.effective_port} failed: "
                f"{type(exc).__name__}: {redact(str(exc))}",
                connection=True,
            ) from None

    def _too_slow(self) -> str:
        where = f"{self.mail.host}:{self.mail.effective_port}"
        said = (
            f"{where}: the server did not finish within mail.deadline_seconds "
            f"({self.mail.deadline_seconds:g} s); connection closed"
        )
        if self._stage == "data":
            # The one window in which a message can arrive twice: it was
            # sent in full, and only the server's answer is missing.
            said += (
                " after the whole message was sent, so it may have been accepted; "
                "a retry may deliver it twice"
            )
        return said

    def _reset(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self._smtp is not None:
            # Saying goodbye gets a deadline too: a slow server must not hold us here.
            with Deadline(self.mail.timeout_seconds) as deadline:
                deadline.watch(self._smtp)
                _close_quietly(self._smtp)
            self._smtp = None


def _close_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()
