"""Templates and styles: project overrides, built-ins from anywhere, installed copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import jinja2
import pytest

from reportgen.atomic import atomic_write_bytes
from reportgen.periods import Period
from reportgen.render.resources import (
    ResourceNotFound,
    Resources,
    builtin_styles_dir,
    builtin_templates_dir,
    render_template,
)

REPO = Path(__file__).resolve().parents[1]
PACK = {
    "title": "T",
    "kind": "board",
    "plan": {"title": "Plan"},
    "period": Period(2019, 10),
    "marking": "OFFICIAL",
    "as_of": date(2019, 10, 31),
    "built": date(2019, 11, 3),
}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".html", ".css", ".j2")
    }


def test_builtins_are_the_repository_folders_or_an_installed_copy_of_them() -> None:
    # From a checkout they are the folders themselves; after a plain
    # ``pip install`` (as CI runs) they are installed copies, byte for byte.
    assert _files(builtin_templates_dir()) == _files(REPO / "templates")
    assert _files(builtin_styles_dir()) == _files(REPO / "styles")
    assert (builtin_templates_dir() / "base.html").is_file()
    assert (builtin_styles_dir() / "base.css").is_file()


def test_project_template_overrides_builtin(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_macros.html").write_text(
        "{% macro rag_badge(rag, label=none, large=false) %}[[{{ rag }}]]{% endmacro %}",
        encoding="utf-8",
    )
    (tmp_path / "templates" / "child.html").write_text(
        '{% extends "base.html" %}{% import "_macros.html" as m %}'
        "{% block content %}{{ m.rag_badge('red') }}{% endblock %}",
        encoding="utf-8",
    )
    resources = Resources.for_project(tmp_path)
    html = render_template(resources, "child.html", {"pack": PACK})
    assert "[[red]]" in html  # the project's macro won
    assert '<html lang="en-GB">' in html  # base.html still came from the built-ins
    builtin = Resources.for_project(None)
    with pytest.raises(ResourceNotFound, match=r"child\.html"):
        render_template(builtin, "child.html", {"pack": PACK})


def test_project_stylesheet_overrides_builtin(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "base.css").write_text("p { color: black; }", encoding="utf-8")
    resources = Resources.for_project(tmp_path)
    assert resources.stylesheet("base.css") == tmp_path.resolve() / "styles" / "base.css"
    assert Resources.for_project(None).stylesheet("base.css") == builtin_styles_dir() / "base.css"
    assert resources.stylesheet_url("base.css").startswith("file:///")
    assert tmp_path.resolve() / "styles" in resources.readable_dirs
    policy = resources.fetch_policy(tmp_path / "charts")
    assert policy.allows((tmp_path / "styles" / "base.css").resolve())
    assert policy.allows((builtin_styles_dir() / "base.css").resolve())
    assert policy.allows((tmp_path / "charts" / "x.png").resolve())
    assert not policy.allows((tmp_path / "notes" / "x.png").resolve())
    assert len(policy.files) == 6  # the bundled font faces


@pytest.mark.parametrize("name", ["../secret.css", "/etc/passwd", "a/../../b.css", ""])
def test_resource_names_cannot_escape(tmp_path: Path, name: str) -> None:
    resources = Resources.for_project(tmp_path)
    with pytest.raises(ResourceNotFound, match="bad resource name"):
        resources.stylesheet(name)
    with pytest.raises(ResourceNotFound, match="bad resource name"):
        render_template(resources, name, {})


def test_environment_is_strict_and_escapes(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.html").write_text("{{ value }} {{ missing }}", encoding="utf-8")
    resources = Resources.for_project(tmp_path)
    with pytest.raises(jinja2.UndefinedError):
        render_template(resources, "t.html", {"value": "x"})
    (tmp_path / "templates" / "u.html").write_text("{{ value }}", encoding="utf-8")
    assert render_template(resources, "u.html", {"value": "<b>"}) == "&lt;b&gt;"


def test_base_template_sets_language_title_dates_and_running_strings() -> None:
    html = render_template(
        Resources.for_project(None),
        "base.html",
        {"pack": {**PACK, "marking": 'OFFICIAL "x" <y>'}},
    )
    assert '<html lang="en-GB">' in html
    assert "<title>T</title>" in html
    assert '<meta name="dcterms.created" content="2019-10-31">' in html
    assert 'data-running-plan="Plan"' in html
    assert 'data-running-period="October 2019"' in html
    assert 'data-marking="OFFICIAL &#34;x&#34; &lt;y&gt;"' in html
    assert 'data-running-built="Built 3 November 2019"' in html
    assert "@font-face" in html and "DejaVuSans.ttf" in html


def test_builtins_work_from_an_unrelated_folder(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        from reportgen.render.resources import Resources, builtin_templates_dir
        r = Resources.for_project(None)
        print(builtin_templates_dir())
        print(r.stylesheet("base.css"))
        print(r.environment().get_template("partials/macros.html").module.rag("amber"))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()
    assert out[0] == str(REPO / "templates")
    assert out[1] == str(REPO / "styles" / "base.css")
    assert out[2] == '<span class="rag rag-amber">Amber</span>'


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "x.pdf"
    atomic_write_bytes(target, b"old")
    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]
    assert target.stat().st_mode & 0o777 == 0o644


@pytest.mark.slow
def test_installed_copy_renders_from_any_folder(tmp_path: Path) -> None:
    """A real, non-editable pip install finds its templates and styles inside the package."""
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(REPO / "pyproject.toml", source)
    for name in ("README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, source)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("reportgen", "templates", "styles", "docs"):
        shutil.copytree(REPO / folder, source / folder, ignore=ignore)
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
         str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    if install.returncode != 0 and "No matching distribution found for setuptools" in (
        install.stderr
    ):
        pytest.skip("pip could not fetch the build backend (offline)")
    assert install.returncode == 0, install.stderr
    assert (target / "reportgen" / "templates" / "base.html").is_file()
    assert (target / "reportgen" / "styles" / "base.css").is_file()
    assert (target / "reportgen" / "docs" / "plan-schema.md").is_file()
    work = tmp_path / "elsewhere"
    work.mkdir()
    script = textwrap.dedent(
        """
        import io, sys
        from datetime import date
        from pathlib import Path
        import pypdf
        import reportgen
        from reportgen.periods import Period
        from reportgen.render.policy import FetchPolicy
        from reportgen.render.fonts import font_files
        from reportgen.render.pdf import render_pdf
        from reportgen.render.resources import Resources, builtin_templates_dir, render_template
        r = Resources.for_project(Path.cwd())
        pack = {"title": "Installed", "kind": "board", "plan": {"title": "Plan"},
                "period": Period(2019, 10), "marking": "OFFICIAL",
                "as_of": date(2019, 10, 31), "built": date(2019, 11, 3)}
        html = render_template(r, "base.html", {"pack": pack})
        policy = FetchPolicy.of(dirs=r.readable_dirs, files=font_files())
        result = render_pdf(html, base_url=Path.cwd(), policy=policy)
        text = pypdf.PdfReader(io.BytesIO(result.pdf)).pages[0].extract_text()
        print(reportgen.__file__)
        print(builtin_templates_dir())
        print(r.stylesheet("base.css"))
        print(result.pages, len(result.refusals), "Page 1 of 1" in text, "OFFICIAL" in text)
        from reportgen.reference import _docs_dir, page
        print(_docs_dir(), page("plan").splitlines()[0])
        """
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == str(target / "reportgen" / "__init__.py")
    assert lines[1] == str(target / "reportgen" / "templates")
    assert lines[2] == str(target / "reportgen" / "styles" / "base.css")
    assert lines[3] == "1 0 True True"
    assert lines[4] == f"{target / 'reportgen' / 'docs'} # Plan file reference (`inputs/plan.yaml`)"


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(
    tmp_path: Path,
) -> None:
    from reportgen.render import resources as module

    project, compiled = tmp_path / "project", tmp_path / "compiled"
    (project / "templates").mkdir(parents=True)
    page = project / "templates" / "page.html"
    page.write_text("<p>{{ word }} one</p>", encoding="utf-8")

    def render() -> str:
        module._environment.cache_clear()  # as a new process would start
        return render_template(Resources.for_project(project, compiled), "page.html", {"word": "w"})

    assert render() == "<p>w one</p>"
    kept = sorted(compiled.glob("*.cache"))
    assert len(kept) == 1
    # A second process loads the compiled code instead of compiling again.
    stamp = kept[0].stat().st_mtime_ns
    assert render() == "<p>w one</p>"
    assert kept[0].stat().st_mtime_ns == stamp
    # An edited template is compiled again, never served from the old code.
    page.write_text("<p>{{ word }} two</p>", encoding="utf-8")
    assert render() == "<p>w two</p>"


def test_a_copy_of_a_builtin_template_replaces_nothing(tmp_path: Path) -> None:
    """A checkout of reportgen is a project whose templates/ are copies of the installed ones."""
    (tmp_path / "templates").mkdir()
    same = (builtin_templates_dir() / "board.html").read_bytes()
    (tmp_path / "templates" / "board.html").write_bytes(same)
    (tmp_path / "templates" / "recommendation.html").write_bytes(same + b"\n")
    resources = Resources.for_project(tmp_path)
    assert resources.overridden(["board.html", "recommendation.html", "summary.html"]) == {
        "recommendation.html"
    }
