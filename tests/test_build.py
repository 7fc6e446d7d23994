"""The build read back from real PDFs: content, structure, safety, all-or-nothing."""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pikepdf
import pytest
from build_project import NOTE_2, big_kpi_csv, big_plan_yaml, write_project
from click.testing import CliRunner
from pdf_runs import runs
from pdf_tags import figure_alts
from pypdf import PdfReader

from reportgen.build import BuildError
from reportgen.cli import main
from reportgen.errors import InputError
from reportgen.periods import Period
from reportgen.pipeline import run_build

P = Period.parse
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(small_build: Path) -> Path:
    return small_build / "outputs" / "2019-10"


def text_of(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_every_pack_is_written_and_listed_in_the_manifest(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    paths = sorted(o["path"] for o in manifest["outputs"])
    assert paths == [
        "board-pack-2019-10.pdf",
        "rag-summary-2019-10.pdf",
        "recommendations/rec-01-supervision.pdf",
        "recommendations/rec-02-neglect.pdf",
        "workstreams/practice-2019-10.pdf",
        "workstreams/workforce-2019-10.pdf",
    ]
    import hashlib

    for o in manifest["outputs"]:
        data = (built / o["path"]).read_bytes()
        assert o["sha256"] == hashlib.sha256(data).hexdigest()
        assert o["pages"] == len(PdfReader(built / o["path"]).pages)
    assert {i["path"] for i in manifest["inputs"]} == {
        "inputs/plan.yaml",
        "inputs/kpis/kpis.csv",
        "inputs/updates/2019-10.csv",
        "inputs/notes/2019-10/rec-01.md",
        "inputs/notes/2019-10/rec-02.md",
    }
    assert manifest["period"] == "2019-10"
    assert [s["rag"] for s in manifest["summary"]] == ["red", "red"]


def test_summary_is_one_page(built: Path) -> None:
    pages = text_of(built / "rag-summary-2019-10.pdf")
    assert len(pages) == 1
    assert "Supervision" in pages[0]
    assert "Red: KPI 27 CP plans over 18 months 16% vs 10%" in " ".join(pages[0].split())


def test_every_page_has_running_header_marking_and_page_x_of_y(built: Path) -> None:
    pages = text_of(built / "board-pack-2019-10.pdf")
    n = len(pages)
    assert n >= 6
    for i, text in enumerate(pages, 1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {i}: marking top and bottom"
        assert f"Page {i} of {n}" in text
        assert "Built " in text
    for text in pages[1:]:
        assert "Test plan" in text and "October 2019" in text


def test_board_pack_has_cover_contents_sections_and_appendices(built: Path) -> None:
    text = " ".join(" ".join(text_of(built / "board-pack-2019-10.pdf")).split())
    for expected in (
        "Improvement Board pack",
        "Contents",
        "Recommendation 1",
        "Appendix A: Data quality",
        "Appendix C: Glossary and RAG rules",
        "Supervision recording has risen for the sixth month running.",
        "Red: KPI 27 CP plans over 18 months 16% vs 10%, 6 points above",
        "target 10%",
    ):
        assert expected in text


def test_pdf_ua_structure_alt_text_language_title_and_fonts(built: Path) -> None:
    with pikepdf.open(built / "recommendations/rec-01-supervision.pdf") as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en-GB"
        assert "/StructTreeRoot" in root
        assert str(pdf.docinfo["/Title"]).startswith("Recommendation 1")
        alts = figure_alts(pdf)
        assert len(alts) == 2  # KPI 42 and KPI 27 charts; KPI 44 is audit-judged
        assert any(
            a.startswith("KPI 42, Supervision in 6 weeks: ") and "from 58% in Apr 2019" in a
            for a in alts
        )
        for page in pdf.pages:
            # pikepdf types a dictionary's values as Object; these are dictionaries.
            fonts: Any = page.Resources.get("/Font", {})
            for _name, font in fonts.items():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                assert descriptor is not None
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_workstream_pack_holds_only_its_own_actions(built: Path) -> None:
    text = " ".join(text_of(built / "workstreams/workforce-2019-10.pdf"))
    assert "Train supervisors" in text
    assert "Audit supervision" not in text  # practice workstream, same recommendation
    assert "Neglect strategy" not in text  # practice workstream, other recommendation
    other = " ".join(text_of(built / "workstreams/practice-2019-10.pdf"))
    assert "Train supervisors" not in other
    assert "Audit supervision" in other and "Neglect strategy" in other


def test_same_inputs_give_byte_identical_pdfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1573000000")
    a = write_project(tmp_path / "a")
    b = write_project(tmp_path / "b")
    run_build(a, period=P("2019-10"), packs=["summary", "recommendation"], jobs=1)
    run_build(b, period=P("2019-10"), packs=["summary", "recommendation"], jobs=2)
    for rel in ("rag-summary-2019-10.pdf", "recommendations/rec-01-supervision.pdf"):
        assert (a / "outputs/2019-10" / rel).read_bytes() == (
            b / "outputs/2019-10" / rel
        ).read_bytes()


@pytest.mark.parametrize("n", [14, 20])
def test_summary_stays_one_page_for_twenty_recommendations(tmp_path: Path, n: int) -> None:
    """Up to 14 recommendations get two lines a row at 9 pt; more, one line at 8.5 pt."""
    root = tmp_path / "big"
    (root / "inputs" / "kpis").mkdir(parents=True)
    (root / "inputs" / "plan.yaml").write_text(big_plan_yaml(n))
    (root / "inputs" / "kpis" / "k.csv").write_text(big_kpi_csv(n))
    report = run_build(root, period=P("2019-10"), packs=["summary"])
    out = root / "outputs/2019-10/rag-summary-2019-10.pdf"
    assert report.outputs[0].pages == 1
    pages = text_of(out)
    assert len(pages) == 1
    assert f"Of {n} recommendations," in " ".join(pages[0].split())
    assert re.search(rf"^{n} The quality and timeliness", pages[0], re.MULTILINE), pages[0]
    sizes = [r.size for r in runs(PdfReader(out).pages[0])]
    assert min(sizes) >= 8.5, sorted(sizes)[:5]
    # The key is there, under the last row.
    assert "Key. RAG:" in " ".join(pages[0].split())


def test_a_failed_build_leaves_previous_outputs_untouched(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    run_build(root, period=P("2019-10"), packs=["summary"])
    out = root / "outputs/2019-10"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (root / "templates").mkdir()
    (root / "templates" / "summary.html").write_text("{{ pack.no_such_field }}")
    with pytest.raises(Exception, match="no_such_field"):
        run_build(root, period=P("2019-10"), packs=["summary"])
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(out.glob(".staging-*"))


def test_bad_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    (root / "inputs/kpis/kpis.csv").write_text("kpi,period,value\n42,2019-10,abc\n")
    with pytest.raises(InputError) as info:
        run_build(root, period=P("2019-10"))
    assert any(p.path == "inputs/kpis/kpis.csv" and p.line == 2 for p in info.value.problems)
    assert not (root / "outputs" / "2019-10").exists()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"secret")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_notes_cannot_pull_files_or_network_into_a_pack(tmp_path: Path, http_server: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    hostile = NOTE_2 + (
        f"\n![chart]({http_server}/leak.png)\n\n"
        f'<img src="file://{secret}"> <link rel="stylesheet" href="{http_server}/x.css">\n\n'
        f'<div style="background: url({http_server}/bg.png)">styled</div>\n\n'
        f"[a link]({http_server}/page) and <script>alert(1)</script>\n"
    )
    root = write_project(tmp_path / "p", notes={"rec-02.md": hostile})
    _Recorder.hits.clear()
    report = run_build(root, period=P("2019-10"), packs=["recommendation"], only=["2"])
    assert _Recorder.hits == []
    text = " ".join(text_of(root / "outputs/2019-10/recommendations/rec-02-neglect.pdf"))
    assert "TOP-SECRET-CONTENT" not in text
    assert "<script>" not in text  # the tag is removed; its words may remain as inert text
    assert "The neglect strategy is with partners" in text
    joined = " ".join(report.warnings)
    assert "inputs/notes/2019-10/rec-02.md" in joined
    assert "leak.png" in joined


def test_cli_build_prints_one_summary_line_and_reuses_unchanged_work(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    runner = CliRunner()
    first = runner.invoke(main, ["build", "-p", str(root), "--period", "2019-10", "-q"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("built 6 packs")
    assert "charts: 3 drawn, 0 from cache" in first.output
    second = runner.invoke(main, ["build", "-p", str(root), "--period", "2019-10", "-q"])
    assert second.exit_code == 0
    assert "0 laid out, 6 unchanged" in second.output
    assert "charts: 0 drawn, 3 from cache" in second.output


def test_cli_bad_input_exits_1_with_located_message_and_no_traceback(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    (root / "inputs/kpis/kpis.csv").write_text("kpi,period,value\n42,2019-10,abc\n")
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--period", "2019-10"])
    assert result.exit_code == 1
    assert "inputs/kpis/kpis.csv:2" in result.output
    assert "Traceback" not in result.output


def test_unknown_only_value_is_an_error(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    with pytest.raises(Exception, match="--only 99"):
        run_build(root, period=P("2019-10"), only=["99"])


def test_example_plan_summary_is_one_page_and_workstream_packs_are_isolated(
    example_build: Path,
) -> None:
    from reportgen.load.plan import read_plan

    root = example_build
    outputs = json.loads((root / "outputs/2020-03/manifest.json").read_text())["outputs"]
    summary = next(o for o in outputs if o["kind"] == "summary")
    assert summary["pages"] == 1
    text = text_of(root / "outputs/2020-03" / summary["path"])[0]
    for ref in range(1, 13):
        assert f"\n{ref} " in f"\n{text}" or f"{ref}\n" in text
    plan = read_plan(root / "inputs" / "plan.yaml")
    texts = {
        # Compare without white space: lines may break anywhere, even after a hyphen.
        o["ref"]: "".join("".join(text_of(root / "outputs/2020-03" / o["path"])).split())
        for o in outputs
        if o["kind"] == "workstream"
    }
    assert set(texts) == {w.id for w in plan.workstreams}
    for ws, text in texts.items():
        for rec in plan.recommendations:
            for action in rec.actions:
                snippet = "".join(action.text.split())[:50]
                if action.workstream == ws:
                    assert snippet in text, (ws, action.ref)
                elif len(snippet) >= 35:
                    assert snippet not in text, (ws, action.ref)


def test_a_pack_that_fails_to_lay_out_replaces_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    run_build(root, period=P("2019-10"), packs=["summary", "recommendation"], jobs=1)
    out = root / "outputs/2019-10"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # A real layout failure: nesting deep enough to exhaust WeasyPrint's recursion.
    (root / "templates").mkdir()
    (root / "templates" / "summary.html").write_text(
        '{% extends "pack.html" %}{% block content %}'
        + "<div>" * 3000
        + "deep"
        + "</div>" * 3000
        + "{% endblock %}"
    )
    # ...while the recommendation reports change and do lay out fine.
    note = root / "inputs/notes/2019-10/rec-01.md"
    note.write_text(note.read_text() + "\nA late addition to the note.\n")
    with pytest.raises(BuildError, match=r"rag-summary-2019-10\.pdf"):
        run_build(root, period=P("2019-10"), packs=["summary", "recommendation"], jobs=2)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # the new report for recommendation 1 was not moved in
    assert not list(out.glob(".staging-*"))


def test_workstream_packs_do_not_depend_on_leads_notes(tmp_path: Path) -> None:
    # A note covers the whole recommendation (other workstreams' actions too),
    # so workstream packs point to it and are not laid out again when it changes.
    root = write_project(tmp_path / "p")
    run_build(root, period=P("2019-10"), packs=["workstream", "recommendation"])
    text = " ".join(text_of(root / "outputs/2019-10/workstreams/workforce-2019-10.pdf"))
    assert "sixth month running" not in text
    assert (
        "The leads' commentary on recommendation 1 as a whole is in the board pack and in "
        "each recommendation's own report." in " ".join(text.split())
    )
    note = root / "inputs/notes/2019-10/rec-01.md"
    note.write_text(note.read_text() + "\nA late addition.\n")
    report = run_build(root, period=P("2019-10"), packs=["workstream", "recommendation"])
    assert (report.rendered, report.reused) == (1, 3)  # only recommendation 1's report


def test_a_broken_template_override_is_a_located_error_without_traceback(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "p")
    (root / "templates").mkdir()
    template = root / "templates" / "summary.html"
    template.write_text(
        '{% extends "pack.html" %}\n{% block content %}\n<p>{{ pack.no_such_field }}</p>\n'
        "{% endblock %}\n"
    )
    args = ["build", "-p", str(root), "--period", "2019-10", "--pack", "summary", "-q"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert f"{template.resolve()}:3: template error:" in result.output
    assert "no_such_field" in result.output
    assert "Traceback" not in result.output
    template.write_text('{% extends "pack.html" %}\n{% block content %}\n{{ pack.title </p>\n')
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert f"{template.resolve()}:3: template syntax error:" in result.output


def test_an_unwritable_outputs_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    (root / "outputs").write_text("not a folder")
    args = ["build", "-p", str(root), "--period", "2019-10", "--pack", "summary", "-q"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "outputs" in result.output and "Traceback" not in result.output
