"""collect --send and chase --send against a real SMTP server on loopback."""

from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from collect_helpers import PERIOD, example_before_returns, run, workbooks
from test_distribute_helpers import Handler

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_attachments(msg: EmailMessage) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for part in msg.iter_attachments():
        assert part.get_content_type() == XLSX
        data = part.get_content()
        assert isinstance(data, bytes)
        out[str(part.get_filename())] = data
    return out


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = example_before_returns(tmp_path_factory.mktemp("example"))
    code, _out, err = run("collect", "--period", PERIOD, "--project", str(root))
    assert code == 0, err
    return root


@pytest.fixture
def project(collected: Path, tmp_path: Path, server: Controller) -> Path:
    root = tmp_path / "project"
    shutil.copytree(collected, root)
    path = root / "inputs" / "distribution.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["mail"].update(
        host="127.0.0.1",
        port=server.port,
        security="none",
        allow_insecure_local_relay=True,
        username_env=None,
        password_env=None,
    )
    data["retry"] = {"attempts": 1, "base_delay_seconds": 0}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


def test_each_lead_gets_their_workbook_exactly_once(project: Path, handler: Handler) -> None:
    code, out, err = run("collect", "--period", PERIOD, "--send", "--project", str(project))
    assert code == 0, out + err
    books = {p.name: p.read_bytes() for p in workbooks(project)}
    assert len(handler.messages) == len(books)
    got = {}
    for received in handler.messages:
        msg = received.message
        assert msg["Subject"] == (
            "Children First Practice Improvement Plan: your updates for March 2020"
        )
        got.update(xlsx_attachments(received.message))
        body = msg.get_body(("plain",))
        assert body is not None and "Please find attached your" in body.get_content()
    assert got == books
    hos = next(r for r in handler.messages if r.rcpt_tos == ["head.safeguarding@example.org"])
    assert list(xlsx_attachments(hos.message)) == ["updates-2020-03-head-of-safeguarding.xlsx"]

    code, out, _ = run("collect", "--period", PERIOD, "--send", "--project", str(project))
    assert code == 0
    assert len(handler.messages) == len(books)
    assert f"{PERIOD}: {len(books)} skipped" in out


def test_dry_run_writes_eml_files_and_sends_nothing(project: Path, handler: Handler) -> None:
    code, out, err = run(
        "collect", "--period", PERIOD, "--send", "--dry-run", "--project", str(project)
    )
    assert code == 0, out + err
    emls = sorted((project / "outputs" / PERIOD / "collect" / "outbox").glob("*.eml"))
    assert len(emls) == len(workbooks(project))
    assert handler.messages == []
    assert "dry run: 2020-03:" in out
