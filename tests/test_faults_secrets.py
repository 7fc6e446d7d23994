"""A password the server echoes back is masked in everything printed and logged."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from test_distribute_helpers import (
    PERIOD,
    Handler,
    free_port,
    make_build,
    server_tls_context,
    start_server,
    tls_files,
    write_distribution,
)

from reportgen import redact
from reportgen.contract import LEDGER_NAME
from reportgen.periods import Period
from reportgen.scheduled import run_log

PASSWORD = "Hunter-2-Plum-9931-secret"
USER = "pip-reports-login"


class EchoingAuthenticator:
    """A badly behaved server: its 535 reply quotes the password it was given."""

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        said = auth_data.password.decode()
        return AuthResult(
            success=False, handled=False, message=f"535 5.7.8 password {said} is wrong"
        )


@pytest.fixture(autouse=True)
def no_secrets_left() -> Iterator[None]:
    yield
    redact.forget_all()


def test_password_echoed_in_a_535_reply_is_masked_on_screen(tmp_path: Path) -> None:
    folder = tmp_path / "certs"
    folder.mkdir()
    cert, key = tls_files(folder)
    controller = start_server(
        Handler(),
        free_port(),
        tls_context=server_tls_context(cert, key),
        require_starttls=True,
        auth_required=True,
        authenticator=EchoingAuthenticator(),
    )
    try:
        make_build(tmp_path)
        write_distribution(
            tmp_path,
            controller.port,
            security="starttls",
            allow_insecure_local_relay=None,
            ca_file=str(cert),
            username_env="RG_USER",
            password_env="RG_PASSWORD",
        )
        env = {"RG_USER": USER, "RG_PASSWORD": PASSWORD, "PATH": "/usr/bin:/bin"}
        result = subprocess.run(
            [sys.executable, "-m", "reportgen", "send", "--period", PERIOD, "-p", str(tmp_path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        controller.stop()
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "rejected the login from $RG_USER / $RG_PASSWORD (535 5.7.8 password ********" in out
    assert PASSWORD not in out
    ledger = tmp_path / "outputs" / PERIOD / LEDGER_NAME
    assert not ledger.exists() or PASSWORD not in ledger.read_text()


def test_a_registered_secret_is_masked_in_the_run_log_whatever_logger(tmp_path: Path) -> None:
    redact.register(PASSWORD, username=USER)
    with run_log(tmp_path / "outputs", Period(2019, 10), datetime.now()) as path:
        logging.getLogger("reportgen.distribute").error("server said %s", PASSWORD)
        logging.getLogger("reportgen").warning(f"f-string with {PASSWORD} inside")
        try:
            raise RuntimeError(f"an exception quoting {PASSWORD}")
        except RuntimeError:
            logging.getLogger("reportgen.build").exception("it failed")
    text = path.read_text()
    assert "server said ********" in text
    assert "f-string with ******** inside" in text
    assert "an exception quoting ********" in text
    assert PASSWORD not in text


def test_other_loggers_and_auth_encodings_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    import base64

    redact.register(PASSWORD, username=USER)
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("AUTH PLAIN %s", plain)
    assert caplog.records[-1].getMessage() == "AUTH PLAIN ********"
    assert redact.redact(f"x {PASSWORD} y") == "x ******** y"
