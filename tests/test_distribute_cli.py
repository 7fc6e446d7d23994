"""`reportgen send` end to end: exit codes, messages, TLS and credentials."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from test_distribute_helpers import (
    EXPECTED,
    PERIOD,
    Authenticator,
    Handler,
    free_port,
    make_build,
    server_tls_context,
    start_server,
    tls_files,
    write_distribution,
)

from reportgen.cli import main
from reportgen.contract import LEDGER_NAME

PASSWORD = "Zebra-Quux-7731-do-not-leak"
USER = "pip-reports-login"
ENV = {"RG_TEST_SMTP_USER": USER, "RG_TEST_SMTP_PASSWORD": PASSWORD}
AUTH = {"username_env": "RG_TEST_SMTP_USER", "password_env": "RG_TEST_SMTP_PASSWORD"}


def run(project: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["send", "--period", PERIOD, "--project", str(project), *args], env=env
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def plain_server(server: Controller) -> Controller:
    return server


@pytest.fixture
def certs(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "certs"
    folder.mkdir()
    return tls_files(folder)


@pytest.fixture
def starttls_server(handler: Handler, certs: tuple[Path, Path]) -> Iterator[Controller]:
    controller = start_server(
        handler,
        free_port(),
        tls_context=server_tls_context(*certs),
        require_starttls=True,
        auth_require_tls=True,
        auth_required=True,
        authenticator=Authenticator(handler),
    )
    yield controller
    controller.stop()


def tls_settings(port: int, cert: Path, security: str = "starttls") -> dict[str, Any]:
    return {
        "security": security,
        "allow_insecure_local_relay": None,
        "ca_file": str(cert),
        **AUTH,
    }


def test_send_then_rerun_exit_zero(
    tmp_path: Path, handler: Handler, plain_server: Controller
) -> None:
    make_build(tmp_path)
    write_distribution(tmp_path, plain_server.port)
    code, out = run(tmp_path)
    assert code == 0, out
    assert "2019-10: 4 delivered" in out
    assert "sent to partner@example.org: partnerships-2019-10.pdf" in out
    code, out = run(tmp_path)
    assert code == 0 and "2019-10: 4 skipped" in out
    assert len(handler.messages) == 4


def test_permanent_failure_exits_3_and_says_who_did_not_get_what(
    tmp_path: Path, handler: Handler, plain_server: Controller
) -> None:
    make_build(tmp_path)
    write_distribution(tmp_path, plain_server.port)
    handler.reject["design@example.org"] = "550 5.7.1 Recipient not permitted"
    code, out = run(tmp_path)
    assert code == 3
    assert "2019-10: 3 delivered, 1 rejected" in out
    assert (
        "NOT SENT to Service Designer <design@example.org>: rec-01.pdf, rec-12.pdf, "
        "service-design-2019-10.pdf: rejected: 550 5.7.1 Recipient not permitted"
    ) in out


def test_dry_run_and_to(tmp_path: Path, handler: Handler, plain_server: Controller) -> None:
    make_build(tmp_path)
    write_distribution(tmp_path, plain_server.port)
    code, out = run(tmp_path, "--dry-run", "--to", "improvement-board")
    assert code == 0, out
    assert "dry run: 2019-10: 2 written" in out
    outbox = tmp_path / "outputs" / PERIOD / "outbox"
    assert f"messages written to {outbox}" in out
    assert sorted(p.name for p in outbox.glob("*.eml")) == [
        "01-chair@example.org.eml",
        "02-lead@example.org.eml",
    ]
    assert handler.data_commands == 0
    assert not (tmp_path / "outputs" / PERIOD / LEDGER_NAME).exists()


def test_errors_exit_1_without_traceback(tmp_path: Path, plain_server: Controller) -> None:
    write_distribution(tmp_path, plain_server.port)
    code, out = run(tmp_path)
    assert code == 1
    assert "no manifest for this period; run `reportgen build --period 2019-10` first" in out
    assert "Traceback" not in out

    make_build(tmp_path)
    code, out = run(tmp_path, "--to", "nobody-group")
    assert code == 1 and "--to nobody-group: not a group id or a recipient's email" in out

    (tmp_path / "inputs" / "distribution.yaml").write_text("mail: {host: x}\nrecipients: 3\n")
    code, out = run(tmp_path)
    assert code == 1
    assert "inputs/distribution.yaml:1: mail.sender: required field is missing" in out
    assert "reportgen: 2 errors in the inputs; nothing was sent" in out

    code, out = run(tmp_path, "--period", "2019-13")
    assert code == 2


def test_starttls_with_auth_delivers_and_never_shows_the_password(
    tmp_path: Path,
    handler: Handler,
    starttls_server: Controller,
    certs: tuple[Path, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_build(tmp_path)
    write_distribution(
        tmp_path, starttls_server.port, **tls_settings(starttls_server.port, certs[0])
    )
    caplog.set_level(logging.DEBUG, logger="reportgen")
    code, out = run(tmp_path, env=ENV)
    assert code == 0, out
    # The login really happened, over TLS, with the credentials from the environment.
    assert handler.logins and set(handler.logins) == {(USER.encode(), PASSWORD.encode())}
    assert set(handler.by_recipient()) == set(EXPECTED)
    # ... and the password appears nowhere we write.
    encoded = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    ledger = (tmp_path / "outputs" / PERIOD / LEDGER_NAME).read_text()
    for text in (out, caplog.text, ledger, *(r.getMessage() for r in caplog.records)):
        assert PASSWORD not in text and encoded not in text
    assert "RG_TEST_SMTP_PASSWORD" in caplog.text  # logs say where it came from, not what


def test_wrong_password_is_a_clear_error_naming_the_variables(
    tmp_path: Path,
    handler: Handler,
    certs: tuple[Path, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    controller = start_server(
        handler,
        free_port(),
        tls_context=server_tls_context(*certs),
        require_starttls=True,
        auth_required=True,
        authenticator=Authenticator(handler, accept=False),
    )
    try:
        make_build(tmp_path)
        write_distribution(tmp_path, controller.port, **tls_settings(controller.port, certs[0]))
        caplog.set_level(logging.DEBUG, logger="reportgen")
        code, out = run(tmp_path, env=ENV)
    finally:
        controller.stop()
    assert code == 1
    assert "rejected the login from $RG_TEST_SMTP_USER / $RG_TEST_SMTP_PASSWORD (535" in out
    assert "0 message(s) delivered" in out
    assert PASSWORD not in out and PASSWORD not in caplog.text
    assert handler.messages == []


def test_missing_credential_variables(
    tmp_path: Path, starttls_server: Controller, certs: tuple[Path, Path]
) -> None:
    make_build(tmp_path)
    write_distribution(
        tmp_path, starttls_server.port, **tls_settings(starttls_server.port, certs[0])
    )
    code, out = run(tmp_path, env={"RG_TEST_SMTP_USER": USER, "RG_TEST_SMTP_PASSWORD": ""})
    assert code == 1
    assert "environment variable(s) RG_TEST_SMTP_PASSWORD not set" in out


def test_server_without_starttls_is_refused_before_auth(
    tmp_path: Path, handler: Handler, certs: tuple[Path, Path]
) -> None:
    """A server (or a man in the middle) not offering STARTTLS gets no password and no packs."""
    controller = start_server(
        handler, free_port(), auth_require_tls=False, authenticator=Authenticator(handler)
    )
    try:
        make_build(tmp_path)
        write_distribution(tmp_path, controller.port, **tls_settings(controller.port, certs[0]))
        code, out = run(tmp_path, env=ENV)
    finally:
        controller.stop()
    assert code == 1
    assert "does not offer STARTTLS; refusing to send packs (and any password) unencrypted" in out
    assert handler.logins == [] and handler.messages == []


def test_untrusted_certificate_is_fatal(
    tmp_path: Path, handler: Handler, starttls_server: Controller
) -> None:
    make_build(tmp_path)
    settings = tls_settings(starttls_server.port, Path("unused"))
    settings["ca_file"] = None  # trust only the system store, which does not know our cert
    write_distribution(tmp_path, starttls_server.port, **settings)
    code, out = run(tmp_path, env=ENV)
    assert code == 1
    assert "certificate was not trusted" in out
    assert handler.logins == [] and handler.messages == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls(tmp_path: Path, handler: Handler, certs: tuple[Path, Path]) -> None:
    controller = start_server(
        handler,
        free_port(),
        ssl_context=server_tls_context(*certs),
        authenticator=Authenticator(handler),
        auth_required=True,
        # aiosmtpd cannot tell an implicit-TLS socket is encrypted; it is.
        auth_require_tls=False,
    )
    try:
        make_build(tmp_path)
        settings = tls_settings(controller.port, certs[0], security="tls")
        settings["ca_file"] = "certs/cert.pem"  # relative: to the project, not the cwd
        write_distribution(tmp_path, controller.port, **settings)
        code, out = run(tmp_path, "--to", "partner@example.org", env=ENV)
    finally:
        controller.stop()
    assert code == 0, out
    assert handler.logins == [(USER.encode(), PASSWORD.encode())]
    assert set(handler.by_recipient()) == {"partner@example.org"}


def test_a_credential_never_prints_via_repr_or_str() -> None:
    from reportgen.distribute.smtp import Credentials, Secret

    creds = Credentials(USER, Secret(PASSWORD), "$U / $P")
    assert PASSWORD not in repr(creds) and PASSWORD not in str(creds.password)
