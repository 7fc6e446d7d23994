"""Pack reuse across reinstalls: the layout digest covers exactly what changes a PDF."""

from __future__ import annotations

import os
import py_compile
import shutil
from pathlib import Path

import pytest
from build_project import write_project
from click.testing import CliRunner

from reportgen.build import layout_inputs_digest
from reportgen.cli import main
from reportgen.render.fonts import font_files
from reportgen.render.resources import Resources, builtin_styles_dir, builtin_templates_dir


def _installed_like(tmp_path: Path) -> Resources:
    """Copies of the built-in folders as an install lays them out, bytecode cache included."""
    styles = tmp_path / "styles"
    templates = tmp_path / "templates"
    shutil.copytree(builtin_styles_dir(), styles)
    shutil.copytree(builtin_templates_dir(), templates)
    for folder in (styles, templates):
        py_compile.compile(str(folder / "__init__.py"), doraise=True)
    return Resources((templates,), (styles,))


def _reinstall(resources: Resources) -> None:
    """What pip does to unchanged files: new modification times, new .pyc headers."""
    for folder in (*resources.style_dirs, *resources.template_dirs):
        for path in folder.rglob("*"):
            if path.is_file():
                stat = path.stat()
                os.utime(path, (stat.st_atime + 3600, stat.st_mtime + 3600))
        py_compile.compile(str(folder / "__init__.py"), doraise=True)
        (folder / "README.md").write_text("reinstalled\n", encoding="utf-8")


def test_a_reinstall_leaves_the_digest_unchanged(tmp_path: Path) -> None:
    resources = _installed_like(tmp_path)
    before = layout_inputs_digest(resources)
    _reinstall(resources)
    assert layout_inputs_digest(resources) == before


def test_a_stylesheet_an_image_or_a_font_changes_the_digest(tmp_path: Path) -> None:
    resources = _installed_like(tmp_path)
    fonts = [tmp_path / "fonts" / f.name for f in font_files()]
    (tmp_path / "fonts").mkdir()
    for src, dst in zip(font_files(), fonts, strict=True):
        shutil.copyfile(src, dst)
    before = layout_inputs_digest(resources, fonts)

    css = resources.style_dirs[0] / "base.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { color: red; }\n", encoding="utf-8")
    after_css = layout_inputs_digest(resources, fonts)
    assert after_css != before

    (resources.template_dirs[0] / "logo.png").write_bytes(b"\x89PNG not really")
    after_image = layout_inputs_digest(resources, fonts)
    assert after_image != after_css

    fonts[0].write_bytes(fonts[0].read_bytes() + b"\0")
    assert layout_inputs_digest(resources, fonts) != after_image


@pytest.mark.slow
def test_rebuild_after_a_reinstall_lays_out_nothing_and_after_a_css_change_everything(
    tmp_path: Path,
) -> None:
    # The project's own styles/ folder stands in for the installed package's:
    # both are hashed the same way.
    root = write_project(tmp_path / "p")
    styles = root / "styles"
    shutil.copytree(builtin_styles_dir(), styles)
    py_compile.compile(str(styles / "__init__.py"), doraise=True)
    args = ["build", "-p", str(root), "--period", "2019-10", "-q", "--pack", "summary"]
    args += ["--pack", "recommendation"]
    runner = CliRunner()
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "3 laid out, 0 unchanged" in first.output

    _reinstall(Resources((), (styles,)))
    again = runner.invoke(main, args)
    assert "0 laid out, 3 unchanged" in again.output, again.output

    css = styles / "packs.css"
    css.write_text(css.read_text(encoding="utf-8") + "\np { letter-spacing: 0; }\n")
    changed = runner.invoke(main, args)
    assert "3 laid out, 0 unchanged" in changed.output, changed.output
