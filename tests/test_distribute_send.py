"""Sending over a real SMTP server (aiosmtpd on loopback): who gets what, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from test_distribute_helpers import (
    EXPECTED,
    PERIOD,
    Handler,
    free_port,
    make_build,
    sha256,
    start_server,
    write_distribution,
)

from reportgen.contract import LEDGER_NAME, ContractError
from reportgen.distribute import IntegrityError, Ledger, send_period
from reportgen.periods import Period

P = Period.parse(PERIOD)


@pytest.fixture
def project(tmp_path: Path, server: Controller) -> Path:
    make_build(tmp_path)
    write_distribution(tmp_path, server.port)
    return tmp_path


def received(handler: Handler) -> dict[str, set[str]]:
    return {
        who: {name for m in msgs for name in m.attachments()}
        for who, msgs in handler.by_recipient().items()
    }


def test_every_recipient_gets_exactly_their_packs_byte_identical(
    project: Path, handler: Handler
) -> None:
    report = send_period(project, P)

    assert report.ok
    assert [o.status for o in report.outcomes] == ["delivered"] * 4
    by_person = handler.by_recipient()
    assert {k: len(v) for k, v in by_person.items()} == dict.fromkeys(EXPECTED, 1)
    assert received(handler) == EXPECTED
    folder = project / "outputs" / PERIOD
    manifest = json.loads((folder / "manifest.json").read_text())
    digests = {Path(o["path"]).name: o["sha256"] for o in manifest["outputs"]}
    for msgs in by_person.values():
        for name, data in msgs[0].attachments().items():
            assert sha256(data) == digests[name]
    # Envelope and headers name the right people.
    msg = by_person["lead@example.org"][0].message
    assert msg["To"] == "Programme Lead <Lead@example.org>"
    assert msg["From"] == "Children First Improvement Programme <pip-reports@example.org>"
    assert msg["Reply-To"] == "pip-office@example.org"
    assert msg["Subject"] == "Children First PIP: October 2019 reports (4 attached)"
    assert by_person["lead@example.org"][0].mail_from == "pip-reports@example.org"


def test_body_has_rag_table_escaped_and_text_alternative(project: Path, handler: Handler) -> None:
    send_period(project, P)
    msg = handler.by_recipient()["chair@example.org"][0].message
    html = msg.get_body(("html",))
    text = msg.get_body(("plain",))
    assert html is not None and text is not None
    html_body, text_body = html.get_content(), text.get_content()
    assert "Dear Board Chair" in text_body and "Dear Board Chair" in html_body
    # All 12 summary rows, with their labels; untrusted titles are escaped in HTML.
    for i in range(1, 13):
        assert f"reason {i}" in html_body and f"reason {i}" in text_body
    assert "<script>" not in html_body
    assert "Neglect &lt;script&gt;alert(1)&lt;/script&gt; &amp; drift" in html_body
    assert "Neglect <script>alert(1)</script> & drift" in text_body
    assert html_body.count("<tr>") == 13  # header + 12 rows
    assert ">Amber<" in html_body and ">No target<" in html_body and ">No data<" in html_body
    assert "board-pack-2019-10.pdf" in text_body


def test_rerun_sends_nothing_new_and_ledger_records_each_pack(
    project: Path, handler: Handler
) -> None:
    first = send_period(project, P)
    assert first.ok and len(handler.messages) == 4
    ledger = Ledger(project / "outputs" / PERIOD / LEDGER_NAME)
    entries = ledger.entries()
    assert len(entries) == 4
    assert {e.recipient.lower() for e in entries} == set(EXPECTED)
    assert all(e.status == "delivered" and e.response.startswith("250 ") for e in entries)
    assert all(e.message_id.startswith("<reportgen.2019-10.") for e in entries)
    lead = next(e for e in entries if e.recipient.lower() == "lead@example.org")
    assert {Path(p.path).name for p in lead.packs} == EXPECTED["lead@example.org"]

    second = send_period(project, P)
    assert second.ok
    assert len(handler.messages) == 4
    assert [o.status for o in second.outcomes] == ["skipped"] * 4
    assert len(ledger.entries()) == 4


def test_resend_repeats_with_the_same_message_id(project: Path, handler: Handler) -> None:
    send_period(project, P)
    again = send_period(project, P, resend=True, to=["partner@example.org"])
    assert again.ok
    partner = handler.by_recipient()["partner@example.org"]
    assert len(partner) == 2
    assert partner[0].message["Message-ID"] == partner[1].message["Message-ID"]
    assert "This is a resend" in partner[1].message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    ids = {m.message["Message-ID"] for m in handler.messages}
    assert len(ids) == 4  # one per person, and distinct between people


def test_new_pack_content_is_sent_but_unchanged_packs_are_not(
    project: Path, handler: Handler
) -> None:
    send_period(project, P)
    # Rebuild the partnerships pack with different content (a corrected build).
    folder = project / "outputs" / PERIOD
    manifest = json.loads((folder / "manifest.json").read_text())
    new = b"%PDF-1.4\n% corrected partnerships pack\n%%EOF\n"
    for item in manifest["outputs"]:
        if item["ref"] == "partnerships":
            (folder / item["path"]).write_bytes(new)
            item["sha256"] = sha256(new)
    (folder / "manifest.json").write_text(json.dumps(manifest))

    report = send_period(project, P)
    assert report.ok
    later = handler.messages[4:]
    assert sorted(r for m in later for r in m.rcpt_tos) == [
        "Lead@example.org",
        "partner@example.org",
    ]
    for m in later:
        assert m.attachments() == {"partnerships-2019-10.pdf": new}
    # New content, new Message-ID: it is a different message, not a resend.
    first_ids = {m.message["Message-ID"] for m in handler.messages[:4]}
    assert not {m.message["Message-ID"] for m in later} & first_ids


def test_to_selects_groups_and_people(project: Path, handler: Handler) -> None:
    report = send_period(project, P, to=["tfg-service-design", "CHAIR@example.org"])
    assert report.ok
    assert received(handler) == {
        "chair@example.org": EXPECTED["chair@example.org"],
        "design@example.org": EXPECTED["design@example.org"],
    }


@pytest.mark.parametrize(
    "reply", ["451 4.3.0 Try again later", "421 4.7.0 Too busy, closing connection"]
)
def test_temporary_failures_are_retried_and_each_message_arrives_once(
    project: Path, handler: Handler, reply: str
) -> None:
    handler.fail_data = 3
    handler.fail_reply = reply
    delays: list[float] = []
    report = send_period(project, P, sleep=delays.append)
    assert report.ok, report.lines()
    assert handler.data_commands == 4 + 3
    assert {k: len(v) for k, v in handler.by_recipient().items()} == dict.fromkeys(EXPECTED, 1)
    assert received(handler) == EXPECTED
    # Exponential backoff from the configured base (capped by max_delay).
    assert delays == [0.001, 0.002, 0.004]
    first = next(o for o in report.outcomes if o.email == "chair@example.org")
    assert first.attempts == 4


def test_dropped_connection_is_retried(project: Path, handler: Handler) -> None:
    handler.drop_data = 2
    report = send_period(project, P, sleep=lambda _s: None)
    assert report.ok, report.lines()
    assert received(handler) == EXPECTED
    assert len(handler.messages) == 4


def test_connection_refused_then_server_comes_up(tmp_path: Path) -> None:
    port = free_port()
    make_build(tmp_path)
    write_distribution(tmp_path, port)
    handler = Handler()
    started: list[Controller] = []

    def sleep(_seconds: float) -> None:
        # The first attempt found nothing listening; bring the server up.
        if not started:
            started.append(start_server(handler, port))

    try:
        report = send_period(tmp_path, P, sleep=sleep)
    finally:
        for c in started:
            c.stop()
    assert started, "the first attempt should have failed to connect"
    assert report.ok
    assert received(handler) == EXPECTED


def test_unreachable_server_fails_everyone_without_hammering(tmp_path: Path) -> None:
    make_build(tmp_path)
    write_distribution(tmp_path, free_port(), attempts=3)
    sleeps: list[float] = []
    report = send_period(tmp_path, P, sleep=sleeps.append)
    assert not report.ok
    assert [o.status for o in report.outcomes] == ["failed"] * 4
    assert len(sleeps) == 2  # one recipient's retries, then the rest are not attempted
    assert "not attempted" in report.outcomes[1].detail
    entries = Ledger(tmp_path / "outputs" / PERIOD / LEDGER_NAME).entries()
    assert [e.status for e in entries] == ["failed"]


def test_permanent_rejection_is_reported_and_others_still_delivered(
    project: Path, handler: Handler
) -> None:
    handler.reject["partner@example.org"] = "550 5.1.1 Mailbox unavailable"
    report = send_period(project, P, sleep=lambda _s: None)
    assert not report.ok
    statuses = {o.email.lower(): o.status for o in report.outcomes}
    assert statuses == {
        "chair@example.org": "delivered",
        "lead@example.org": "delivered",
        "partner@example.org": "rejected",
        "design@example.org": "delivered",
    }
    rejected = next(o for o in report.outcomes if o.status == "rejected")
    assert rejected.attempts == 1  # a 5xx is not retried
    assert rejected.detail == "550 5.1.1 Mailbox unavailable"
    assert set(received(handler)) == set(EXPECTED) - {"partner@example.org"}
    summary = "\n".join(report.lines())
    assert "NOT SENT to Partnerships Manager <partner@example.org>" in summary
    assert "partnerships-2019-10.pdf" in summary and "550 5.1.1" in summary

    # Once the mailbox is fixed, a re-run sends only what is missing.
    del handler.reject["partner@example.org"]
    again = send_period(project, P)
    assert again.ok
    assert [o.status for o in again.outcomes] == ["skipped", "skipped", "delivered", "skipped"]
    assert {k: len(v) for k, v in handler.by_recipient().items()} == dict.fromkeys(EXPECTED, 1)


def test_dry_run_sends_nothing_and_writes_eml(project: Path, handler: Handler) -> None:
    report = send_period(project, P, dry_run=True)
    assert report.ok
    assert handler.messages == [] and handler.data_commands == 0
    outbox = project / "outputs" / PERIOD / "outbox"
    files = sorted(p.name for p in outbox.glob("*.eml"))
    assert files == [
        "01-chair@example.org.eml",
        "02-lead@example.org.eml",
        "03-partner@example.org.eml",
        "04-design@example.org.eml",
    ]
    assert not (project / "outputs" / PERIOD / LEDGER_NAME).exists()
    import email
    from email.policy import default

    msg = email.message_from_bytes((outbox / files[3]).read_bytes(), policy=default)
    names = {part.get_filename() for part in msg.iter_attachments()}
    assert names == EXPECTED["design@example.org"]
    # A later real send still sends everything (a dry run delivers nothing).
    real = send_period(project, P)
    assert [o.status for o in real.outcomes] == ["delivered"] * 4
    # And a dry run after that has nothing to write.
    after = send_period(project, P, dry_run=True)
    assert [o.status for o in after.outcomes] == ["skipped"] * 4
    assert list(outbox.glob("*.eml")) == []


def test_tampered_attachment_refused_before_anything_is_sent(
    project: Path, handler: Handler
) -> None:
    pdf = project / "outputs" / PERIOD / "recommendations" / "rec-12.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% edited after the build\n")
    with pytest.raises(IntegrityError) as err:
        send_period(project, P)
    assert "rec-12.pdf" in str(err.value) and "does not match the manifest" in str(err.value)
    assert handler.messages == []


def test_missing_attachment_refused(project: Path, handler: Handler) -> None:
    (project / "outputs" / PERIOD / "rag-summary-2019-10.pdf").unlink()
    with pytest.raises(IntegrityError, match=r"rag-summary-2019-10\.pdf: missing"):
        send_period(project, P)
    assert handler.messages == []


def test_attachment_linked_from_outside_the_build_refused(
    project: Path, handler: Handler, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Same bytes, so the hash matches: only the path rule stops it leaving.
    pdf = project / "outputs" / PERIOD / "board-pack-2019-10.pdf"
    outside = tmp_path_factory.mktemp("elsewhere") / "board.pdf"
    outside.write_bytes(pdf.read_bytes())
    pdf.unlink()
    pdf.symlink_to(outside)
    with pytest.raises(IntegrityError) as err:
        send_period(project, P)
    assert f"{pdf}: a symbolic link leads outside {pdf.parent}" in str(err.value)
    assert handler.messages == []


def test_missing_manifest_says_to_build_first(tmp_path: Path) -> None:
    write_distribution(tmp_path, free_port())
    with pytest.raises(ContractError, match=r"run `reportgen build --period 2019-10` first"):
        send_period(tmp_path, P)


def test_oversize_message_refused_with_recipient_and_size(
    tmp_path: Path, handler: Handler, server: Controller
) -> None:
    make_build(tmp_path, board_padding=60_000)
    write_distribution(tmp_path, server.port, max_message_bytes=50_000)
    report = send_period(tmp_path, P)
    assert not report.ok
    statuses = {o.email.lower(): o.status for o in report.outcomes}
    assert statuses == {
        "chair@example.org": "refused",
        "lead@example.org": "refused",
        "partner@example.org": "delivered",
        "design@example.org": "delivered",
    }
    chair = next(o for o in report.outcomes if o.email == "chair@example.org")
    assert "Board Chair <chair@example.org>" in chair.detail
    assert "over mail.max_message_bytes 50 kB (50000 bytes)" in chair.detail
    assert "board-pack-2019-10.pdf" in chair.detail
    assert set(received(handler)) == {"partner@example.org", "design@example.org"}
    assert handler.data_commands == 2  # refused ones never reached the server
