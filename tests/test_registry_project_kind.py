"""A project adds its own kind of pack with one registry entry and one template.

Nothing in reportgen changes: the project folder gains ``packs.yaml`` (the
entry) and ``templates/scrutiny.html``; then ``build --pack scrutiny`` makes
real PDFs, the manifest lists them, and ``send`` mails them to whoever
``distribution.yaml`` asks for them under the kind's own key, over a real
SMTP server on loopback.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from build_project import write_project
from click.testing import CliRunner
from pypdf import PdfReader
from test_distribute_helpers import Handler, mail_block

from reportgen.cli import main

pytestmark = pytest.mark.slow

PACKS_YAML = """\
kinds:
  - name: scrutiny
    description: One recommendation for the scrutiny panel, without the lead's note.
    template: scrutiny.html
    path: scrutiny/{slug}-{period}.pdf
    selects: recommendation
    title: "Recommendation {ref} for the scrutiny panel"
    label: "Scrutiny: recommendation {ref}"
    contains: [sections]
    distribution_key: scrutiny
"""

TEMPLATE = """\
{% extends "pack.html" %}
{% block content %}
<h1>{{ pack.title }}</h1>
<p>{{ pack.subtitle }}</p>
{% for s in pack.sections %}
<h2>{{ s.result.ref }}. {{ s.result.title }}</h2>
<p>Scrutiny status: {{ s.result.status }}; open actions: {{ s.open_actions | length }}.</p>
{% endfor %}
{% endblock %}
"""

DISTRIBUTION = """\
schema_version: 1
mail: {mail}
groups:
  - id: scrutiny-panel
    name: Scrutiny panel
    packs: {{scrutiny: all}}
recipients:
  - name: Panel Chair
    email: panel@example.org
    groups: [scrutiny-panel]
    packs: {{board: true}}
  - name: Neglect Lead
    email: neglect@example.org
    packs: {{scrutiny: ["2"]}}
"""


def project_with_toy_kind(root: Path, port: int) -> Path:
    write_project(root)
    (root / "packs.yaml").write_text(PACKS_YAML, encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "scrutiny.html").write_text(TEMPLATE, encoding="utf-8")
    (root / "inputs" / "distribution.yaml").write_text(
        DISTRIBUTION.format(mail=mail_block(port)), encoding="utf-8"
    )
    return root


def pdf_text(data: bytes) -> str:
    """The PDF's words, one space apart (layout breaks lines where it likes)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_a_project_kind_is_built_listed_and_sent(
    tmp_path: Path, handler: Handler, server: Controller
) -> None:
    root = project_with_toy_kind(tmp_path / "p", server.port)
    checked = CliRunner().invoke(main, ["validate", "-p", str(root), "--period", "2019-10"])
    assert checked.exit_code == 0, checked.output

    built = CliRunner().invoke(
        main,
        ["build", "-p", str(root), "--period", "2019-10", "--pack", "scrutiny", "--pack", "board"],
    )
    assert built.exit_code == 0, built.output
    assert "built 3 packs" in built.output
    out = root / "outputs" / "2019-10"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = [(o["kind"], o["ref"], o["path"], o["title"]) for o in manifest["outputs"]]
    # Registry order: built-in kinds first, then the project's.
    assert [kind for kind, *_ in listed] == ["board", "scrutiny", "scrutiny"]
    scrutiny = {ref: (path, title) for kind, ref, path, title in listed if kind == "scrutiny"}
    assert set(scrutiny) == {"1", "2"}
    path_2, title_2 = scrutiny["2"]
    assert path_2.startswith("scrutiny/rec-02-") and path_2.endswith("-2019-10.pdf")
    assert title_2 == "Scrutiny: recommendation 2"

    text = pdf_text((out / path_2).read_bytes())
    assert "Recommendation 2 for the scrutiny panel" in text
    assert "Recommendation 2 · October 2019" in text
    # One section: recommendation 2's alone.
    assert text.count("Scrutiny status:") == 1
    assert "2. Neglect Scrutiny status: red; open actions: 1." in text

    sent = CliRunner().invoke(main, ["send", "-p", str(root), "--period", "2019-10"])
    assert sent.exit_code == 0, sent.output
    got = {rcpt: list(msgs[0].attachments()) for rcpt, msgs in handler.by_recipient().items()}
    names = {ref: Path(path).name for ref, (path, _) in scrutiny.items()}
    # Board pack first (mail_order 0), then the project's kind (default 100), by ref.
    assert got == {
        "panel@example.org": ["board-pack-2019-10.pdf", names["1"], names["2"]],
        "neglect@example.org": [names["2"]],
    }
    attached = handler.by_recipient()["neglect@example.org"][0].attachments()[names["2"]]
    assert attached == (out / path_2).read_bytes()


def test_distribution_yaml_refuses_a_key_no_kind_has(tmp_path: Path, server: Controller) -> None:
    root = project_with_toy_kind(tmp_path / "p", server.port)
    (root / "packs.yaml").unlink()
    checked = CliRunner().invoke(main, ["validate", "-p", str(root), "--period", "2019-10"])
    assert checked.exit_code == 1
    assert (
        "inputs/distribution.yaml:6: group scrutiny-panel: packs.scrutiny: unknown key; check the "
        "spelling against 'reportgen docs distribution'" in checked.output
    )
