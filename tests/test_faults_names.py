"""Display names can never add an address, and names that cannot be sent are refused early."""

from __future__ import annotations

import email
import email.utils
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller
from click.testing import CliRunner
from test_distribute_helpers import PERIOD, Handler, mail_block, make_build, write_yaml

from reportgen.cli import main
from reportgen.distribute import send_period
from reportgen.distribute.config import load_distribution
from reportgen.periods import Period

INJECTING = (
    "A very long display name for somebody who goes on and on and on "
    "<attacker@evil.example>, and then some more words"
)
OUTLOOK = "Smith, Jane - Head of Quality Assurance and Safeguarding Partnerships (interim)"
PLAIN = "Board Chair"

YAML = """\
schema_version: 1
mail: {mail}
retry: {{attempts: 1, base_delay_seconds: 0, max_delay_seconds: 0}}
recipients:
  - name: {injecting}
    email: one@example.org
    packs: {{summary: true}}
  - name: {outlook}
    email: jane.smith@example.org
    packs: {{summary: true}}
  - name: {plain}
    email: chair@example.org
    packs: {{board: true}}
"""


def write(project: Path, port: int, sender_name: str = "Children First, PIP (West Sussex)") -> Path:
    return write_yaml(
        project,
        YAML.format(
            mail=mail_block(port, sender_name=sender_name),
            injecting=f'"{INJECTING}"',
            outlook=f'"{OUTLOOK}"',
            plain=PLAIN,
        ),
    )


def addresses(header: str) -> list[tuple[str, str]]:
    return email.utils.getaddresses([header])


def test_names_with_commas_and_angle_brackets_reach_one_person_each(
    tmp_path: Path, handler: Handler, server: Controller
) -> None:
    make_build(tmp_path)
    write(tmp_path, server.port)
    report = send_period(tmp_path, Period.parse(PERIOD))
    assert report.ok, report.lines()
    got = {m.rcpt_tos[0]: m for m in handler.messages}
    assert sorted(got) == ["chair@example.org", "jane.smith@example.org", "one@example.org"]
    for rcpt, name in (
        ("one@example.org", INJECTING),
        ("jane.smith@example.org", OUTLOOK),
        ("chair@example.org", PLAIN),
    ):
        message = email.message_from_bytes(got[rcpt].content, policy=default_policy)
        # Every reader of the header (a strict parser and the lenient
        # getaddresses that many filters use) sees one address: the person's.
        to = message["To"]
        assert [(a.display_name, a.addr_spec) for a in to.addresses] == [(name, rcpt)]
        assert addresses(str(to)) == [(name, rcpt)]
        assert got[rcpt].rcpt_tos == [rcpt]
        sender = message["From"]
        assert [(a.display_name, a.addr_spec) for a in sender.addresses] == [
            ("Children First, PIP (West Sussex)", "pip-reports@example.org")
        ]


def test_validate_reports_names_it_had_to_encode(tmp_path: Path) -> None:
    path = write(tmp_path, 2525)
    _dist, problems = load_distribution(path, "inputs/distribution.yaml")
    text = [str(p) for p in problems]
    assert not any(p.is_error for p in problems), text
    assert (
        "inputs/distribution.yaml:5: recipient 1: warning: name: contains '<', '@', '>', ',' "
        "so it is sent in quotes, which keeps it one name"
    ) in text
    assert any(
        t.startswith("inputs/distribution.yaml:8: recipient 2: warning: name:") for t in text
    )
    assert any("mail.sender_name: warning: contains ',', '(', ')'" in t for t in text)
    assert not any("recipient 3" in t or PLAIN in t for t in text)


def test_line_breaks_in_names_are_errors_with_their_line(tmp_path: Path) -> None:
    make_build(tmp_path)
    path = write(tmp_path, 2525, sender_name="PIP\r\nBcc: all@example.org")
    text = path.read_text().replace(f'"{OUTLOOK}"', '"Jane Smith\\nBcc: everyone@example.org"')
    path.write_text(text)
    result = CliRunner().invoke(main, ["send", "--period", PERIOD, "-p", str(tmp_path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "inputs/distribution.yaml:2: mail.sender_name: a name must be one line: "
        "it contains a line break or control character" in result.output
    )
    assert (
        "inputs/distribution.yaml:8: recipient 2: name: a name must be one line: "
        "it contains a line break or control character" in result.output
    )
