"""collect --send and chase --send against a real SMTP server on loopback."""

from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from collect_helpers import (
    PERIOD,
    commentary,
    example_before_returns,
    label_row,
    put,
    run,
    update_rows,
    workbooks,
)
from openpyxl import load_workbook
from test_distribute_helpers import Handler

from reportgen.collect.fields import UPDATES_SHEET

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


def test_chase_lists_what_is_missing_and_reminds_each_lead_once_a_day(
    project: Path, handler: Handler
) -> None:
    hos = project / "outputs" / PERIOD / "collect" / "updates-2020-03-head-of-safeguarding.xlsx"
    back = project / "returned" / hos.name
    book = load_workbook(hos)
    sheet = book[UPDATES_SHEET]
    for r in update_rows(sheet):
        put(sheet, r, status="on track", comment="Fine")
    for ref in ("1", "2", "3"):
        page = commentary(book, ref)
        page[f"B{label_row(page, 'Summary')}"] = f"Summary {ref}"
    back.parent.mkdir()
    book.save(back)
    assert run("ingest", "--project", str(project), str(back))[0] == 0

    code, out, _ = run("chase", "--period", PERIOD, "--project", str(project))
    assert code == 2
    lines = out.splitlines()
    assert lines[0].split() == [
        "Lead", "Returned", "Actions", "with", "no", "update", "Red/amber", "recs,", "no",
        "commentary",
    ]  # fmt: skip
    row = {line.split("  ")[0]: line for line in lines[2:-1]}
    assert "not yet" not in row["Head of Safeguarding"]
    partnerships = row["Partnerships Manager"].split()[2:]
    assert partnerships == ["not", "yet", "3.5,", "3.6,", "12.2", "9,", "10"]
    assert lines[-1] == (
        "2020-03: 6 of 7 leads have not returned a workbook; 22 action(s) with no update; "
        "9 red/amber recommendation(s) with no commentary (4, 5, 6, 7, 8, 9, 10, 11, 12)"
    )

    code, out, err = run("chase", "--period", PERIOD, "--send", "--project", str(project))
    assert code == 2, out + err
    reminded = sorted(r.rcpt_tos[0] for r in handler.messages)
    assert "head.safeguarding@example.org" not in reminded
    assert len(reminded) == 6
    msg = next(r for r in handler.messages if r.rcpt_tos == ["partnerships@example.org"]).message
    assert msg["Subject"] == (
        "Reminder: Children First Practice Improvement Plan updates for March 2020"
    )
    body = msg.get_body(("plain",))
    assert body is not None
    assert (
        "still waiting for an update on action(s) 3.5, 3.6, 12.2 and commentary for "
        "recommendation(s) 9, 10" in " ".join(body.get_content().split())
    )

    code, out, _ = run("chase", "--period", PERIOD, "--send", "--project", str(project))
    assert len(handler.messages) == 6
    assert f"{PERIOD}: 6 skipped" in out


def test_a_lead_without_an_address_is_listed_not_sent(project: Path, handler: Handler) -> None:
    path = project / "inputs" / "distribution.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["leads"] = [x for x in data["leads"] if x["name"] != "Ann Marie Dodds"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert run("collect", "--period", PERIOD, "--project", str(project))[0] == 0
    code, out, _ = run("collect", "--period", PERIOD, "--send", "--project", str(project))
    assert code == 3
    assert (
        "  NOT SENT to Ann Marie Dodds <no address>: refused: no email address for "
        "'Ann Marie Dodds'; add them under 'leads:' in inputs/distribution.yaml (name, email)"
    ) in out
    assert len(handler.messages) == len(workbooks(project)) - 1
