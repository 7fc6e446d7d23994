"""The PDF fetcher refuses everything outside its allow-list, with real renders.

A real HTTP server listens on loopback during these tests; it must receive
no request at all.
"""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pikepdf
import pytest

from reportgen.periods import Period
from reportgen.render.charts import ChartSpec, draw_chart
from reportgen.render.fetcher import GuardedFetcher
from reportgen.render.fonts import font_face_css, font_files
from reportgen.render.pdf import render_pdf
from reportgen.render.policy import FetchPolicy


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = b"body { background: red; }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    _Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def _image_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return sum(
            1
            for obj in doc.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        )


@pytest.fixture
def build(tmp_path: Path) -> tuple[Path, FetchPolicy]:
    charts = tmp_path / "charts"
    charts.mkdir()
    spec = ChartSpec("x", (Period(2019, 1), Period(2019, 2)), (1.0, 2.0))
    (charts / "ok.png").write_bytes(draw_chart(spec))
    return charts, FetchPolicy.of(files=font_files())


def test_allowed_chart_is_served(build: tuple[Path, FetchPolicy]) -> None:
    charts, policy = build
    html = '<html lang="en-GB"><body><img src="ok.png" alt="chart"></body></html>'
    result = render_pdf(html, base_url=charts, policy=policy)
    assert result.refusals == ()
    assert _image_count(result.pdf) == 1


def test_hostile_references_are_refused_and_never_fetched(
    build: tuple[Path, FetchPolicy], server: tuple[str, list[str]], tmp_path: Path
) -> None:
    charts, policy = build
    base, requests = server
    outside = tmp_path / "secret.png"
    outside.write_bytes((charts / "ok.png").read_bytes())
    (charts / "link.png").symlink_to(outside)
    urls = {
        "file:///etc/passwd",
        f"{base}/pixel.png",
        f"{base}/sheet.css",
        f"{base}/imported.css",
        f"{base}/bg.png",
        "file:///etc/hostname",
        outside.as_uri(),
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://127.0.0.1/x.png",
    }
    html = f"""<!DOCTYPE html><html lang="en-GB"><head>
<link rel="stylesheet" href="{base}/sheet.css">
<link rel="stylesheet" href="file:///etc/passwd">
<style>
@import url("{base}/imported.css");
body {{ background: url("{base}/bg.png"); }}
p {{ background-image: url("file:///etc/hostname"); }}
</style></head><body>
<p>Text</p>
<img src="file:///etc/passwd" alt="a">
<img src="{base}/pixel.png" alt="b">
<img src="{outside.as_uri()}" alt="c">
<img src="link.png" alt="symlink out of the chart folder">
<img src="../secret.png" alt="climb out">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="d">
<img src="ftp://127.0.0.1/x.png" alt="e">
</body></html>"""
    result = render_pdf(html, base_url=charts, policy=policy)
    refused = {r.url for r in result.refusals}
    assert urls <= refused, urls - refused
    # The symlink and ../ forms resolve to the outside file: refused by path.
    reasons = {r.reason for r in result.refusals}
    assert "network resources are never fetched" in reasons
    assert "file is outside the template, style, chart and font folders" in reasons
    assert "data: URLs are not used in packs" in reasons
    assert requests == []
    assert _image_count(result.pdf) == 0
    assert result.pages == 1


def test_note_style_attack_through_a_template_variable(
    build: tuple[Path, FetchPolicy], server: tuple[str, list[str]]
) -> None:
    """Even HTML that skipped the sanitiser cannot make the renderer fetch."""
    charts, policy = build
    base, requests = server
    html = (
        '<html lang="en-GB"><body>'
        f'<div style="background-image: url({base}/style-attr.png)">x</div>'
        f'<object data="{base}/object.png"></object>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="{base}/svg.png" width="10" height="10"/></svg>'
        f'<link rel="attachment" href="{base}/attach.txt">'
        "</body></html>"
    )
    result = render_pdf(html, base_url=charts, policy=policy)
    assert requests == []
    assert f"{base}/style-attr.png" in {r.url for r in result.refusals}


def test_fonts_only_from_the_allow_list(tmp_path: Path) -> None:
    """The bundled fonts load; a font elsewhere on disk does not."""
    stray = tmp_path / "stray.ttf"
    stray.write_bytes(font_files()[0].read_bytes())
    html = (
        f"<html lang='en-GB'><head><style>{font_face_css()}"
        f"@font-face {{ font-family: Stray; src: url('{stray.as_uri()}'); }}"
        "body { font-family: 'Reportgen Sans'; } .s { font-family: Stray; }"
        "</style></head><body><p>Hello</p><p class='s'>Stray</p></body></html>"
    )
    result = render_pdf(html, base_url=tmp_path, policy=FetchPolicy.of(files=font_files()))
    # tmp_path is the build folder here, so move the stray font out of it.
    assert result.refusals == ()
    other = tmp_path / "build"
    other.mkdir()
    result = render_pdf(html, base_url=other, policy=FetchPolicy.of(files=font_files()))
    assert [r.url for r in result.refusals] == [stray.as_uri()]


def test_policy_allows_only_inside_its_folders(tmp_path: Path) -> None:
    inside = tmp_path / "a" / "x.png"
    inside.parent.mkdir()
    inside.write_bytes(b"x")
    sibling = tmp_path / "ab" / "x.png"
    sibling.parent.mkdir()
    sibling.write_bytes(b"x")
    policy = FetchPolicy.of(dirs=[tmp_path / "a"])
    assert policy.allows(inside.resolve())
    assert not policy.allows(sibling.resolve())  # prefix is not containment
    fetcher = GuardedFetcher(policy)
    assert fetcher.fetch(inside.as_uri()).read() == b"x"
    with pytest.raises(PermissionError):
        fetcher.fetch(sibling.as_uri())
    with pytest.raises(PermissionError):
        fetcher.fetch("file://otherhost" + str(inside))
    assert [r.reason for r in fetcher.refusals] == [
        "file is outside the template, style, chart and font folders",
        "file URLs on other hosts are not allowed",
    ]
    assert fetcher.served == (inside.resolve(),)
