"""Where templates and stylesheets come from, and the Jinja2 environment.

Two sources, in order:

1. the project's own ``templates/`` and ``styles/`` folders, so an
   organisation can restyle a pack or replace one template without forking
   the tool (a file there replaces the built-in file of the same name);
2. the built-in ones. After a normal ``pip install`` they live inside the
   package as ``reportgen.templates`` and ``reportgen.styles`` (see
   ``[tool.setuptools.package-dir]`` in ``pyproject.toml``); when running
   from a source checkout they are the ``templates/`` and ``styles/`` folders
   at the top of the repository.

Finding the built-ins through the package, not the current directory, is what
lets the installed tool run from any folder.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

import jinja2
from markupsafe import Markup

from reportgen.errors import ReportgenError
from reportgen.present.jinja import install as install_presentation
from reportgen.render.fonts import MONO_FAMILY, SANS_FAMILY, font_face_css, font_files
from reportgen.render.policy import FetchPolicy

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


class ResourceNotFound(ReportgenError):
    """A stylesheet or template named by a pack is in neither source."""


def _builtin_dir(package: str, folder: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location)
            if candidate.is_dir():
                return candidate.resolve()
    fallback = _SOURCE_ROOT / folder
    if fallback.is_dir():
        return fallback
    raise ResourceNotFound(
        f"built-in {folder}/ not found (looked for package {package} and {fallback}); "
        "reinstall reportgen"
    )


@cache
def builtin_templates_dir() -> Path:
    return _builtin_dir("reportgen.templates", "templates")


@cache
def builtin_styles_dir() -> Path:
    return _builtin_dir("reportgen.styles", "styles")


def _safe_relative(name: str) -> PurePosixPath:
    """Resource names are relative paths that cannot climb out of their folder."""
    rel = PurePosixPath(name)
    if not name or rel.is_absolute() or ".." in rel.parts or "\\" in name:
        raise ResourceNotFound(f"bad resource name {name!r}: use a plain relative file name")
    return rel


@dataclass(frozen=True)
class Resources:
    """Template and style folders for one project, override folders first."""

    template_dirs: tuple[Path, ...]
    style_dirs: tuple[Path, ...]
    compiled_dir: Path | None = None
    """Where compiled templates are kept between runs (None: compiled in every process)."""

    @classmethod
    def for_project(cls, project_root: Path | None, compiled_dir: Path | None = None) -> Resources:
        """Resources for a project folder (or built-ins only when ``None``).

        Override folders that do not exist are simply skipped. A build passes
        ``compiled_dir`` (under outputs/.cache): compiling the pack templates
        is about a third of a second, a tenth of a rebuild after one note.
        """
        templates: list[Path] = []
        styles: list[Path] = []
        if project_root is not None:
            root = project_root.resolve()
            if (root / "templates").is_dir():
                templates.append(root / "templates")
            if (root / "styles").is_dir():
                styles.append(root / "styles")
        templates.append(builtin_templates_dir())
        styles.append(builtin_styles_dir())
        return cls(tuple(templates), tuple(styles), compiled_dir)

    def overridden(self, names: Iterable[str]) -> set[str]:
        """Those of the template ``names`` that a project folder replaces.

        A project file with the built-in one's very bytes replaces nothing: a
        checkout of reportgen is itself a project whose ``templates/`` folder
        holds copies of the installed templates.
        """
        builtin = builtin_templates_dir()
        replaced = set()
        for name in names:
            rel = _safe_relative(name)
            for folder in self.template_dirs:
                mine = folder / rel
                if folder == builtin or not mine.is_file():
                    continue
                original = builtin / rel
                if not original.is_file() or mine.read_bytes() != original.read_bytes():
                    replaced.add(name)
        return replaced

    def stylesheet(self, name: str) -> Path:
        """The stylesheet file that wins for ``name`` (project first)."""
        rel = _safe_relative(name)
        for folder in self.style_dirs:
            candidate = folder / rel
            if candidate.is_file():
                return candidate
        searched = ", ".join(str(d) for d in self.style_dirs)
        raise ResourceNotFound(f"stylesheet {name!r} not found in {searched}")

    def stylesheet_url(self, name: str) -> str:
        return self.stylesheet(name).resolve().as_uri()

    @property
    def readable_dirs(self) -> tuple[Path, ...]:
        """Folders the PDF fetcher may read from (images and CSS next to templates)."""
        return self.template_dirs + self.style_dirs

    def fetch_policy(self, *extra_dirs: Path) -> FetchPolicy:
        """What a PDF render of these templates may read: the template and
        style folders, the bundled fonts, and ``extra_dirs`` (the build's
        chart folder)."""
        return FetchPolicy.of(dirs=(*self.readable_dirs, *extra_dirs), files=font_files())

    def environment(self) -> jinja2.Environment:
        return _environment(self)


@cache
def _environment(resources: Resources) -> jinja2.Environment:
    # One environment per resource set and process: Jinja2 caches compiled
    # templates on it, which matters when a build renders dozens of packs.
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in resources.template_dirs])
    compiled = None
    if resources.compiled_dir is not None:
        # Jinja2's own cache: keyed by each template's file name, checked
        # against a checksum of its source, so an edited template recompiles.
        resources.compiled_dir.mkdir(parents=True, exist_ok=True)
        compiled = jinja2.FileSystemBytecodeCache(str(resources.compiled_dir))
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["stylesheet_url"] = resources.stylesheet_url
    env.globals["font_face_css"] = Markup(font_face_css())
    env.globals["font_family_sans"] = SANS_FAMILY
    env.globals["font_family_mono"] = MONO_FAMILY
    install_presentation(env)
    return env


def render_template(resources: Resources, name: str, context: dict[str, object]) -> str:
    """Render one template by name with the override rule applied."""
    _safe_relative(name)
    try:
        template = resources.environment().get_template(name)
    except jinja2.TemplateNotFound as exc:
        searched = ", ".join(str(d) for d in resources.template_dirs)
        raise ResourceNotFound(f"template {name!r} not found in {searched}") from exc
    return template.render(context)
