"""Real PDFs from the real templates, read back with pikepdf and pypdf."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest
from pdf_tags import struct_nodes

from reportgen.periods import Period, period_range
from reportgen.render.charts import ChartSpec, draw_chart
from reportgen.render.fonts import font_files
from reportgen.render.markdown import note_to_html
from reportgen.render.pdf import PdfJob, RenderError, render_many, render_pdf, write_pdf
from reportgen.render.policy import FetchPolicy
from reportgen.render.resources import Resources, render_template

REPO = Path(__file__).resolve().parents[1]

# The renderer is tested with its own small set of macros (cover, contents
# with layout page numbers, figure), kept beside this file.
MACROS = Path(__file__).with_name("pdf_test_macros.html")

PACK_TEMPLATE = """\
{% extends "base.html" %}
{% import "_macros.html" as m %}
{% block head %}<style>
nav.toc { break-after: page; }
nav.toc ol { list-style: none; padding: 0; margin: 0; }
nav.toc a::after { content: leader(dotted) " " target-counter(attr(href url), page); }
</style>{% endblock %}
{% block cover %}
{{ m.cover(pack.title, "Progress to the board", pack.plan.title, "Test Council", pack.marking,
           [("Period", pack.period.long_label)]) }}
{% endblock %}
{% block contents %}{{ m.toc(entries) }}{% endblock %}
{% block content %}
<section id="rec-1" class="new-page">
<h2>Recommendation 1</h2>
<p>Status {{ m.rag_badge("red") }} and {{ m.rag_badge("no-data") }}.</p>
{{ m.figure(chart, alt, "Caption for the chart", 1) }}
<div class="note">{{ note }}</div>
</section>
<section id="rec-2" class="new-page">
<h2>Recommendation 2</h2>
{% for i in range(extra_rows) %}<p>Paragraph {{ i }} of filler text for pagination.</p>{% endfor %}
</section>
{% if summary %}<section class="page-summary"><h2>Landscape summary</h2></section>{% endif %}
{% endblock %}
"""


def make_project(root: Path) -> tuple[Resources, Path]:
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "test_pack.html").write_text(PACK_TEMPLATE, encoding="utf-8")
    (root / "templates" / "_macros.html").write_text(
        MACROS.read_text(encoding="utf-8"), encoding="utf-8"
    )
    charts = root / "charts"
    charts.mkdir()
    periods = tuple(period_range(Period(2019, 4), Period(2019, 10)))
    spec = ChartSpec("Timely assessments", periods, (60, 62, None, 65, 70, 71, 74), unit="percent")
    (charts / "c1.png").write_bytes(draw_chart(spec))
    return Resources.for_project(root), charts


def pack_html(resources: Resources, **overrides: Any) -> str:
    pack = {
        "title": "Board pack October 2019",
        "kind": "board",
        "plan": {"title": "Children First Practice Improvement Plan"},
        "period": Period(2019, 10),
        "marking": "OFFICIAL-SENSITIVE",
        "as_of": date(2019, 10, 31),
        "built": date(2019, 11, 3),
    }
    context: dict[str, Any] = {
        "pack": pack,
        "entries": [
            {"anchor": "rec-1", "title": "Recommendation 1", "rag": "red"},
            {"anchor": "rec-2", "title": "Recommendation 2"},
        ],
        "chart": "c1.png",
        "alt": "Line chart of timely assessments rising from 60% to 74%.",
        "note": note_to_html("## Progress\n\nWe **recruited** staff.").html,
        "extra_rows": 3,
        "summary": False,
    }
    context.update(overrides)
    return render_template(resources, "test_pack.html", context)


def policy_for(resources: Resources, charts: Path) -> FetchPolicy:
    return FetchPolicy.of(dirs=[*resources.readable_dirs, charts], files=font_files())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, int, Any]:
    root = tmp_path_factory.mktemp("project")
    resources, charts = make_project(root)
    html = pack_html(resources)
    result = render_pdf(html, base_url=charts, policy=policy_for(resources, charts))
    return result.pdf, result.pages, result


def _text_by_page(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_page_count_matches_the_file(built: tuple[bytes, int, Any]) -> None:
    pdf, pages, result = built
    assert pages == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert pages == 4  # cover, contents, two recommendation pages
    assert result.refusals == ()


def test_running_header_footer_and_marking_on_every_page(built: tuple[bytes, int, Any]) -> None:
    pdf, pages, _ = built
    texts = _text_by_page(pdf)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"marking top and bottom on page {number}"
        assert "Built 3 November 2019" in text
    # The cover drops the running title; every later page has it.
    for text in texts[1:]:
        assert "Children First Practice Improvement Plan" in text
        assert "October 2019" in text


def test_contents_page_numbers_come_from_layout(built: tuple[bytes, int, Any]) -> None:
    pdf, _, _ = built
    contents = _text_by_page(pdf)[1]
    assert "Contents" in contents
    # rec-1 starts on page 3 and rec-2 on page 4 (after cover and contents).
    flat = " ".join(contents.split())
    assert "Recommendation 1" in flat and " 3 " in f" {flat} "
    assert " 4" in flat


def test_lang_title_and_display_title(built: tuple[bytes, int, Any]) -> None:
    pdf, _, _ = built
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert str(doc.Root.Lang) == "en-GB"
        assert str(doc.docinfo["/Title"]) == "Board pack October 2019"
        assert bool(doc.Root.ViewerPreferences.DisplayDocTitle) is True
        assert bool(doc.Root.MarkInfo.Marked) is True
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20191031")
        meta = dict(doc.open_metadata())
        assert meta["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"  # PDF/UA-1
        assert meta["{http://purl.org/dc/elements/1.1/}title"] == "Board pack October 2019"


def test_structure_tree_has_figure_with_alt(built: tuple[bytes, int, Any]) -> None:
    pdf, _, _ = built
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert "/StructTreeRoot" in doc.Root
        nodes = struct_nodes(doc)
        kinds = {str(n.S) for n in nodes if "/S" in n}
        assert {"/H1", "/H2", "/P", "/Figure"} <= kinds
        figures = [n for n in nodes if "/S" in n and str(n.S) == "/Figure"]
        assert [str(f.Alt) for f in figures] == [
            "Line chart of timely assessments rising from 60% to 74%."
        ]


def test_every_font_is_embedded(built: tuple[bytes, int, Any]) -> None:
    pdf, _, _ = built
    seen = 0
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
                continue
            if obj.get("/Subtype") == "/Type0":
                continue  # checked through its descendant font
            seen += 1
            assert obj.get("/Subtype") != "/Type3", "bitmap font means a glyph was missing"
            descriptor = obj.FontDescriptor
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, str(
                obj.get("/BaseFont")
            )
            assert "Reportgen" in str(obj.BaseFont)
    assert seen >= 2  # regular and bold at least


def test_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    resources, charts = make_project(tmp_path)
    html = pack_html(resources)
    policy = policy_for(resources, charts)
    first = render_pdf(html, base_url=charts, policy=policy)
    second = render_pdf(html, base_url=charts, policy=policy)
    assert first.pdf == second.pdf


def test_identical_bytes_wherever_the_stylesheets_are_installed(tmp_path: Path) -> None:
    """The HTML names stylesheets by their installed path; the PDF must not depend on it."""
    pdfs = []
    for folder in (tmp_path / "site-packages-a", tmp_path / "elsewhere" / "b"):
        folder.mkdir(parents=True)
        (folder / "base.css").write_bytes((REPO / "styles" / "base.css").read_bytes())
        html = (
            "<html lang='en-GB'><head><title>T</title>"
            f"<link rel='stylesheet' href='{(folder / 'base.css').as_uri()}'></head>"
            "<body><h1>Heading</h1><p>Text.</p></body></html>"
        )
        policy = FetchPolicy.of(dirs=[folder], files=font_files())
        pdfs.append(render_pdf(html, base_url=folder, policy=policy).pdf)
    assert pdfs[0] == pdfs[1]
    with pikepdf.open(io.BytesIO(pdfs[0])) as pdf:
        first, second = pdf.trailer.ID
        assert bytes(first) == bytes(second)  # derived from the content


def test_identical_bytes_in_a_fresh_process(tmp_path: Path, built: tuple[bytes, int, Any]) -> None:
    """Nothing process-specific (hash seed, clock, ids) leaks into the file."""
    script = tmp_path / "again.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import test_render_pdf as t\n"
        "root = Path(sys.argv[2])\n"
        "res, charts = t.make_project(root)\n"
        "r = t.render_pdf(t.pack_html(res), base_url=charts, policy=t.policy_for(res, charts))\n"
        "Path(sys.argv[3]).write_bytes(r.pdf)\n",
        encoding="utf-8",
    )
    out = tmp_path / "again.pdf"
    # The child imports the same reportgen as this process (a checkout or an
    # installed copy), so the built-in stylesheet URLs in the HTML are the same.
    import reportgen

    package_parent = str(Path(reportgen.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": package_parent, "PYTHONHASHSEED": "4242"}
    subprocess.run(
        [sys.executable, str(script), str(REPO / "tests"), str(tmp_path / "p"), str(out)],
        check=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    # The module fixture rendered the same project layout in another folder:
    # paths must not leak into the PDF either.
    assert out.read_bytes() == built[0]


def test_created_overrides_template_dates(tmp_path: Path) -> None:
    resources, charts = make_project(tmp_path)
    result = render_pdf(
        pack_html(resources),
        base_url=charts,
        policy=policy_for(resources, charts),
        created=datetime(2020, 1, 31, 12, 0, 0),
    )
    with pikepdf.open(io.BytesIO(result.pdf)) as doc:
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20200131120000")
        assert str(doc.docinfo["/ModDate"]).startswith("D:20200131120000")


def test_named_summary_page_is_landscape(tmp_path: Path) -> None:
    resources, charts = make_project(tmp_path)
    result = render_pdf(
        pack_html(resources, summary=True), base_url=charts, policy=policy_for(resources, charts)
    )
    reader = pypdf.PdfReader(io.BytesIO(result.pdf))
    boxes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    assert boxes[0][0] < boxes[0][1]  # portrait cover
    assert boxes[-1][0] > boxes[-1][1]  # landscape summary
    assert "Landscape summary" in reader.pages[-1].extract_text()


def test_atomic_write_keeps_old_file_when_render_fails(tmp_path: Path) -> None:
    resources, charts = make_project(tmp_path)
    policy = policy_for(resources, charts)
    target = tmp_path / "out" / "board.pdf"
    good = write_pdf(pack_html(resources), target, base_url=charts, policy=policy)
    before = target.read_bytes()
    assert before == good.pdf
    # Nesting this deep makes WeasyPrint's layout recurse past Python's limit.
    broken = "<html lang='en-GB'><body>" + "<span>" * 3000 + "x</body></html>"
    with pytest.raises(RenderError, match="PDF layout failed"):
        write_pdf(broken, target, base_url=charts, policy=policy)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["board.pdf"]  # no temp left


def test_render_many_in_a_pool_matches_single_process(tmp_path: Path) -> None:
    resources, charts = make_project(tmp_path)
    policy = policy_for(resources, charts)
    out = tmp_path / "out"
    htmls = [pack_html(resources, extra_rows=n) for n in (1, 40, 120)]
    broken = "<html lang='en-GB'><body>" + "<span>" * 3000 + "x</body></html>"
    jobs = [PdfJob(h, out / f"pack-{i}.pdf", charts, policy) for i, h in enumerate(htmls)] + [
        PdfJob(broken, out / "broken.pdf", charts, policy)
    ]
    pooled = render_many(jobs, workers=2)
    assert [r.path for r in pooled] == [j.path for j in jobs]
    assert [r.ok for r in pooled] == [True, True, True, False]
    assert "PDF layout failed" in (pooled[3].error or "")
    assert not (out / "broken.pdf").exists()
    single = [render_pdf(h, base_url=charts, policy=policy) for h in htmls]
    for result, expected in zip(pooled[:3], single, strict=True):
        assert result.sha256 == expected.sha256
        assert result.pages == expected.pages
        assert result.path.read_bytes() == expected.pdf
    assert pooled[2].pages > pooled[0].pages
    # In one process the documents share an image cache; bytes must not change.
    in_process = render_many(jobs[:3], workers=1)
    assert [r.sha256 for r in in_process] == [r.sha256 for r in pooled[:3]]


def test_chart_alt_text_reaches_the_pdf(tmp_path: Path) -> None:
    resources, charts = make_project(tmp_path)
    periods = tuple(period_range(Period(2019, 4), Period(2019, 10)))
    spec = ChartSpec("Timely assessments", periods, (60, 62, None, 65, 70, 71, 74), unit="percent")
    alt = f"Line chart of {spec.title}: latest value 74% in Oct 2019."
    result = render_pdf(
        pack_html(resources, alt=alt), base_url=charts, policy=policy_for(resources, charts)
    )
    with pikepdf.open(io.BytesIO(result.pdf)) as doc:
        nodes = struct_nodes(doc)
        alts = [str(n.Alt) for n in nodes if "/Alt" in n]
    assert alts == [alt]


def test_no_font_copies_left_in_tmp_after_exit(tmp_path: Path) -> None:
    """WeasyPrint copies fonts to a temp folder per configuration; none may outlive a run."""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import test_render_pdf as t\n"
        "from reportgen.render.pdf import PdfJob, render_many\n"
        "root = Path(sys.argv[2])\n"
        "res, charts = t.make_project(root)\n"
        "policy = t.policy_for(res, charts)\n"
        "html = t.pack_html(res)\n"
        "t.render_pdf(html, base_url=charts, policy=policy)\n"
        "jobs = [PdfJob(html, root / f'{i}.pdf', charts, policy) for i in range(3)]\n"
        "assert all(r.ok for r in render_many(jobs, workers=2))\n"
        "assert all(r.ok for r in render_many(jobs, workers=1))\n"
        "print(len(list(Path(sys.argv[3]).glob('weasyprint-*'))))\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(private_tmp)}
    out = subprocess.run(
        [sys.executable, str(script), str(REPO / "tests"), str(tmp_path / "p"), str(private_tmp)],
        check=True,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert int(out.stdout.strip()) >= 1  # the main process's fonts, still in use
    assert sorted(p.name for p in private_tmp.iterdir() if p.name.startswith("weasyprint-")) == []
