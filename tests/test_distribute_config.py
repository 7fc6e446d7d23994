"""distribution.yaml: every problem reported with file:line:field, all at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_distribute_helpers import PERIOD, WORKSTREAMS, make_build, write_yaml

from reportgen.contract import read_manifest
from reportgen.distribute import load_distribution, send_period
from reportgen.distribute.config import Retry, is_loopback
from reportgen.distribute.packs import entitlements
from reportgen.errors import InputError
from reportgen.load.plan import parse_plan
from reportgen.load.yamlsource import parse_yaml
from reportgen.periods import Period

REPO = Path(__file__).resolve().parents[1]
SHOWN = "inputs/distribution.yaml"


def problems(path: Path, **kw: object) -> list[str]:
    loaded, found = load_distribution(path, SHOWN, **kw)  # type: ignore[arg-type]
    assert loaded is None, "expected the file to be refused"
    return [str(p) for p in found]


def test_schema_errors_name_file_line_and_field(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        """\
        schema_version: 1
        mail:
          host: smtp.example.org
          sender: not-an-address
          securty: tls
        groups:
          - id: Improvement Board
            name: Improvement Board
            packs: {board: yes, sumary: true}
        recipients:
          - name: Chair
            email: chair@example.org
            groups: [improvement-board, no-such-group]
          - name: Chair again
            email: CHAIR@example.org
            packs: {recommendations: [2, two]}
          - email: nameless@example.org
        """,
    )
    found = problems(path)
    expected = [
        "inputs/distribution.yaml:4: mail.sender: not an email address: 'not-an-address' "
        "(expected e.g. name@example.org)",
        "inputs/distribution.yaml:5: mail.securty: unknown key; check the spelling against "
        "'reportgen docs distribution'",
        "inputs/distribution.yaml:7: group Improvement Board: id: String should match pattern "
        "'^[a-z0-9]+(-[a-z0-9]+)*$' (got 'Improvement Board')",
        "inputs/distribution.yaml:9: group Improvement Board: packs.sumary: unknown key; "
        "check the spelling "
        "against 'reportgen docs distribution'",
        "inputs/distribution.yaml:13: recipient Chair, groups item 2: unknown group "
        "'no-such-group'; "
        "use one of: Improvement Board",
        "inputs/distribution.yaml:13: recipient Chair, groups item 1: unknown group "
        "'improvement-board'; use one of: Improvement Board",
        "inputs/distribution.yaml:15: recipient Chair again: email: duplicate recipient "
        "'chair@example.org' (first listed on line 11); list each person once with all "
        "their groups",
        "inputs/distribution.yaml:16: recipient Chair again, packs.recommendations item 2: "
        "String should "
        "match pattern '^\\d+$' (got 'two')",
        "inputs/distribution.yaml:17: recipient 3: name is missing; add it",
    ]
    for line in expected:
        assert line in found, f"missing: {line}\nfound:\n" + "\n".join(found)


def test_not_a_mapping_bad_yaml_missing_file_and_nobody(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "- just\n- a list\n")
    assert problems(path) == [
        "inputs/distribution.yaml:1: distribution.yaml must be a YAML mapping"
    ]
    path = write_yaml(tmp_path, "mail: {host: x\n")
    assert problems(path) == [
        "inputs/distribution.yaml:1: invalid YAML: the '{' on this line is not closed with "
        "'}', or a value inside { ... } contains a comma or colon; close it or quote the value"
    ]
    assert problems(tmp_path / "nope.yaml") == ["inputs/distribution.yaml: file not found"]
    path = write_yaml(tmp_path, "mail: {host: x, sender: a@example.org}\nrecipients: []\n")
    assert problems(path) == [
        "inputs/distribution.yaml:2: recipients: List should have at least 1 item after "
        "validation, not 0"
    ]


BASE = """\
schema_version: 1
mail:
  host: {host}
  security: {security}
  sender: pip@example.org
{extra}
recipients:
  - name: Chair
    email: chair@example.org
    packs: {{board: true}}
"""


def mail_problems(tmp_path: Path, host: str, security: str, extra: str = "") -> list[str]:
    path = tmp_path / "inputs" / "distribution.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BASE.format(host=host, security=security, extra=extra), encoding="utf-8")
    _loaded, found = load_distribution(path, SHOWN)
    return [str(p) for p in found if p.is_error]


def test_security_none_needs_flag_and_loopback(tmp_path: Path) -> None:
    assert mail_problems(tmp_path, "127.0.0.1", "none") == [
        "inputs/distribution.yaml:4: mail.security: 'none' sends packs unencrypted; it is only "
        "allowed to a relay on this machine, with 'allow_insecure_local_relay: true' and a "
        "loopback host"
    ]
    flag = "  allow_insecure_local_relay: true"
    assert mail_problems(tmp_path, "smtp.example.org", "none", flag) == [
        "inputs/distribution.yaml:3: mail.host: security 'none' is only allowed to a loopback "
        "host (localhost, 127.0.0.1, ::1), not 'smtp.example.org'; use starttls or tls"
    ]
    assert mail_problems(tmp_path, "localhost", "none", flag) == []
    assert mail_problems(tmp_path, "'::1'", "none", flag) == []
    assert mail_problems(tmp_path, "smtp.example.org", "starttls") == []


def test_auth_over_unencrypted_connection_refused(tmp_path: Path) -> None:
    extra = (
        "  allow_insecure_local_relay: true\n"
        "  username_env: SMTP_USER\n"
        "  password_env: SMTP_PASSWORD"
    )
    found = mail_problems(tmp_path, "127.0.0.1", "none", extra)
    assert found == [
        "inputs/distribution.yaml:7: mail.username_env: AUTH over an unencrypted connection is "
        "refused (the password would travel in clear); use security starttls or tls, or drop "
        "the credentials for a local relay"
    ]


def test_credentials_never_in_the_file(tmp_path: Path) -> None:
    extra = "  password: hunter2\n  username_env: SMTP_USER\n  password_env: 'hunter2 value'"
    found = mail_problems(tmp_path, "smtp.example.org", "tls", extra)
    joined = "\n".join(found)
    assert (
        "inputs/distribution.yaml:6: mail.password: credentials are never read from files; "
        "put the name of the environment variable that holds it in password_env"
    ) in found
    assert (
        "inputs/distribution.yaml:8: mail.password_env: 'hunter2 value' is not an environment"
        in joined
    )
    assert "hunter2" not in joined.replace("'hunter2 value'", "")


def test_username_and_password_env_go_together(tmp_path: Path) -> None:
    found = mail_problems(tmp_path, "smtp.example.org", "tls", "  username_env: SMTP_USER")
    assert found == [
        "inputs/distribution.yaml:2: mail.password_env: give both username_env and "
        "password_env, or neither"
    ]


def test_subject_template_syntax_checked(tmp_path: Path) -> None:
    found = mail_problems(tmp_path, "smtp.example.org", "tls", '  subject: "{{ period_label "')
    assert len(found) == 1 and found[0].startswith(
        "inputs/distribution.yaml:6: mail.subject: template error:"
    )


def test_refs_checked_against_a_plan_when_given(tmp_path: Path) -> None:
    plan_text = "\n".join(
        [
            "title: Plan",
            "organisation: Council",
            "start: 2019-07",
            "end: 2020-07",
            "workstreams:",
            *[f"  - {{id: {w}, name: {w}}}" for w in WORKSTREAMS],
            "recommendations:",
            *[f"  - {{ref: '{i}', title: R{i}}}" for i in range(1, 13)],
        ]
    )
    source, errs = parse_yaml(plan_text, "inputs/plan.yaml")
    assert source is not None and not errs
    plan, errs = parse_plan(source)
    assert plan is not None, errs
    path = write_yaml(
        tmp_path,
        """\
        mail: {host: smtp.example.org, sender: pip@example.org}
        groups:
          - id: tfg
            name: TFG
            packs: {workstreams: [partnerships, partnership]}
        recipients:
          - name: A
            email: a@example.org
            groups: [tfg]
            packs: {recommendations: [12, 13]}
        """,
    )
    found = problems(path, plan=plan)
    assert found == [
        "inputs/distribution.yaml:5: group tfg, packs.workstreams item 2: the plan has no "
        "workstream "
        "'partnership'; use one of: " + ", ".join(WORKSTREAMS),
        "inputs/distribution.yaml:10: recipient A, packs.recommendations item 2: the plan has "
        "no "
        "recommendation 13; use one of: " + ", ".join(str(i) for i in range(1, 13)),
    ]


def test_refs_checked_against_the_manifest_at_send_time(tmp_path: Path) -> None:
    make_build(tmp_path)
    write_yaml(
        tmp_path,
        """\
        mail: {host: smtp.example.org, sender: pip@example.org}
        groups:
          - id: tfg
            name: TFG
            packs: {workstreams: [partnership]}
        recipients:
          - name: A
            email: a@example.org
            groups: [tfg]
            packs: {recommendations: [13], board: true}
        """,
    )
    with pytest.raises(InputError) as err:
        send_period(tmp_path, Period.parse(PERIOD), dry_run=True)
    assert [str(p) for p in err.value.problems] == [
        "inputs/distribution.yaml:5: group tfg, packs.workstreams item 1: the 2019-10 build "
        "has no "
        "workstream pack 'partnership'; it has: " + ", ".join(sorted(WORKSTREAMS)),
        "inputs/distribution.yaml:10: recipient A, packs.recommendations item 1: the 2019-10 "
        "build "
        "has no recommendation pack '13'; it has: " + ", ".join(str(i) for i in range(1, 13)),
    ]


def test_shipped_example_is_valid_and_routes_every_pack(tmp_path: Path) -> None:
    """The example file in inputs/ against a full build: who gets what."""
    make_build(tmp_path)
    (tmp_path / "inputs").mkdir(exist_ok=True)
    shutil.copy(REPO / "inputs" / "distribution.yaml", tmp_path / "inputs" / "distribution.yaml")
    loaded, found = load_distribution(tmp_path / "inputs" / "distribution.yaml", SHOWN)
    assert loaded is not None and found == [], found
    config = loaded.config
    assert {g.id for g in config.groups} == {
        "improvement-board",
        "programme-board",
        *(f"tfg-{w}" for w in WORKSTREAMS),
    }
    assert config.mail.security == "starttls" and config.mail.password_env
    assert all(r.email.endswith("@example.org") for r in config.recipients)
    manifest = read_manifest(tmp_path / "outputs" / PERIOD)
    got = {e.recipient.email: {p.filename for p in e.packs} for e in entitlements(loaded, manifest)}
    recs = {f"rec-{i:02d}.pdf" for i in range(1, 13)}
    board = {"board-pack-2019-10.pdf", "rag-summary-2019-10.pdf"}
    assert got["board.chair@example.org"] == board
    # The board pack holds every section; more would pass the 10 MB limit.
    assert got["dcs@example.org"] == board
    assert got["programme.lead@example.org"] == board
    assert got["partnerships@example.org"] == {
        "partnerships-2019-10.pdf",
        "rec-09.pdf",
        "rec-10.pdf",
    }
    assert got["independent.member@example.org"] == board
    # Every recommendation's report still reaches the people who lead it.
    assert recs <= set().union(*got.values()) - {"board-pack-2019-10.pdf"}
    # Every workstream pack reaches at least one person outside the programme lead.
    others = set().union(*(v for k, v in got.items() if k != "programme.lead@example.org"))
    assert {f"{w}-2019-10.pdf" for w in WORKSTREAMS} <= others
    # A dry run of the example writes one message per person and needs no credentials.
    report = send_period(tmp_path, Period.parse(PERIOD), dry_run=True, environ={})
    assert report.ok and len(report.by_status("written")) == len(config.recipients)


def test_retry_delays_are_exponential_and_capped() -> None:
    retry = Retry(attempts=6, base_delay_seconds=2, max_delay_seconds=10)
    assert [retry.delay(n) for n in range(1, 6)] == [2, 4, 8, 10, 10]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.5.5.5", True),
        ("::1", True),
        ("[::1]", True),
        ("smtp.example.org", False),
        ("10.0.0.1", False),
        ("localhost.example.org", False),
    ],
)
def test_loopback_hosts(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected
