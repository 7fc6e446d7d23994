"""The build: load -> assess -> render, then write everything or nothing.

Like a static-site generator's build command, this gathers and validates
everything first (inputs, assessment, every pack's HTML), renders all PDFs
into a new set beside the current one, and only when every one has succeeded
and the manifest is written shows the new set as ``outputs/<period>/`` in
one atomic step (:mod:`reportgen.generations`). A failure or a kill at any
point leaves the previous outputs exactly as they were.

Work is never done twice: charts are cached by a hash of what they show
(across builds), each chart is drawn once per build however many packs
embed it, each distinct part of a pack (a recommendation's section, shared
by its report and the board pack) is laid out once and kept across builds
(:mod:`reportgen.render.layout`), and a pack made of the same parts as the
PDF already on disk is not written again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reportgen import __version__, generations
from reportgen.assess.engine import assess
from reportgen.assess.results import Assessment
from reportgen.atomic import atomic_write_text
from reportgen.contract import MANIFEST_NAME, Manifest, PackFile, read_manifest, write_manifest
from reportgen.contract.manifest import REGISTRY, AskRow, InputFile, KpiRow, SummaryRow
from reportgen.errors import ReportgenError
from reportgen.load.project import AS_OF
from reportgen.load.records import Project
from reportgen.periods import Period
from reportgen.present.briefing import briefing
from reportgen.present.numbers import upper_first
from reportgen.present.reasons import recommendation_reason
from reportgen.present.sentences import (
    chart_caption,
    kpi_summary,
    source_line,
    target_text,
    value_text,
)
from reportgen.progress import Progress
from reportgen.registry import BUILTIN_REGISTRY, Registry, registry_for
from reportgen.render.charts import ChartCache
from reportgen.render.context import ChartRef, Cover
from reportgen.render.fonts import font_files
from reportgen.render.kpichart import chart_spec
from reportgen.render.layout import (
    Composed,
    Layout,
    LayoutError,
    PartStore,
    prune,
    write_packs,
)
from reportgen.render.markdown import note_to_html
from reportgen.render.packs import PackSpec, context_for, plan_packs
from reportgen.render.parts import pack_parts
from reportgen.render.pdf import worker_pool
from reportgen.render.policy import FetchPolicy
from reportgen.render.resources import Resources, render_template

Loader = Callable[[], tuple[Project, Period]]
"""Loads the project and settles the month (:func:`reportgen.pipeline.load_for_period`)."""

CACHE_DIR = ".cache"
PARTS_DIR = "parts"


class BuildError(ReportgenError):
    """A pack could not be rendered; previous outputs are untouched."""


@dataclass(frozen=True)
class BuildOptions:
    period: Period | None = None
    as_of: date | None = None
    packs: tuple[str, ...] = ("all",)
    only: tuple[str, ...] = ()
    jobs: int | None = None
    out_dir: Path | None = None
    cover: Cover = field(default_factory=Cover)


@dataclass
class BuildReport:
    """What a build did, for the one-line summary and for tests."""

    period: Period
    out_dir: Path
    outputs: list[PackFile] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    parts_laid_out: int = 0
    parts_reused: int = 0
    charts_drawn: int = 0
    charts_reused: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outputs)

    def summary_line(self) -> str:
        packs = len(self.outputs)
        return (
            f"built {packs} pack{'s' if packs != 1 else ''} ({self.pages} pages; "
            f"{self.rendered} laid out, {self.reused} unchanged) for {self.period} in "
            f"{self.out_dir}; charts: {self.charts_drawn} drawn, {self.charts_reused} from cache; "
            f"parts: {self.parts_laid_out} laid out, {self.parts_reused} from cache; "
            f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}; "
            f"{self.seconds:.1f} s"
        )


def build_date() -> date:
    """The date printed as 'built' and stored as PDF dates.

    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) fixes it, so
    two builds of the same inputs are byte-identical on any day; otherwise
    it is today, which is what a board member expects to read.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except ValueError as exc:
            raise ReportgenError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds"
            ) from exc
    return date.today()


def draw_charts(
    assessment: Assessment,
    cache: ChartCache,
    progress: Progress | None = None,
    pool: Executor | None = None,
) -> dict[str, ChartRef]:
    """Each KPI's chart, drawn at most once per build (in ``pool`` if given), never if cached."""
    plan_kpis = assessment.plan.kpis()
    todo = [
        (k, spec)
        for k in assessment.kpis
        if (spec := chart_spec(k, plan_kpis[k.id][1])) is not None
    ]

    def report(done: int, total: int) -> None:
        if progress:
            progress("charts", done, total)

    try:
        paths = cache.get_many([spec for _, spec in todo], pool, report)
    except BrokenProcessPool as exc:
        raise BuildError(
            "a chart worker process stopped unexpectedly (often: out of memory); "
            "try again with fewer workers (--jobs 1)"
        ) from exc
    return {
        k.id: ChartRef(
            src=path.name,
            # What the chart's notes say (a recalculation's reason, provisional
            # limits, cautions) is drawn as text; a screen reader needs it too.
            alt=" ".join((kpi_summary(k), *spec.notes)),
            caption=chart_caption(k),
            source=source_line(plan_kpis[k.id][1]),
        )
        for (k, spec), path in zip(todo, paths, strict=True)
    }


def _notes(assessment: Assessment) -> tuple[dict[str, Markup], list[str]]:
    html: dict[str, Markup] = {}
    warnings: list[str] = []
    for r in assessment.recommendations:
        if r.note is None:
            continue
        safe = note_to_html(r.note.body)
        html[r.ref] = safe.html
        where = r.note.source.path or f"note for recommendation {r.ref}"
        warnings.extend(f"{where}: {msg}" for msg in (*safe.removed, *safe.warnings))
    return html, warnings


def _render(resources: Resources, name: str, variables: dict[str, Any]) -> str:
    """Render a pack template; a broken template is a located error, not a traceback.

    Templates are meant to be edited by councils (project overrides), so a
    mistake in one is an input error like any other: name the file and line.
    """
    import jinja2

    try:
        return render_template(resources, name, variables)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name or name}:{exc.lineno}"
        raise BuildError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        where = name
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith((".html", ".j2", ".txt")):
                where = f"{filename}:{tb.tb_lineno}"
            tb = tb.tb_next
        raise BuildError(f"{where}: template error: {exc}") from None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


LAYOUT_SUFFIXES = frozenset(
    {".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ttf", ".otf", ".woff", ".woff2"}
)
"""Files in the template and style folders that a stylesheet or template can pull
into a PDF. Everything else there (``__init__.py``, the ``__pycache__`` a
reinstall rewrites, READMEs) cannot change a page, so it must not count."""


def layout_inputs_digest(resources: Resources, fonts: Sequence[Path] | None = None) -> str:
    """What a PDF depends on beyond its HTML: stylesheets, images, fonts, the layout engine.

    A pack is only reused when this and its HTML are unchanged, so editing a
    stylesheet, replacing a font or upgrading WeasyPrint or reportgen lays
    every pack out again, while a reinstall of the same versions (which
    rewrites bytecode caches and modification times) lays out nothing.
    Templates are covered by the HTML they produce.
    """
    # The installed version, read without importing WeasyPrint (seconds that a
    # build with nothing to lay out would otherwise pay).
    engine = importlib.metadata.version("weasyprint")
    h = hashlib.sha256(f"weasyprint {engine} reportgen {__version__}".encode())
    for folder in (*resources.style_dirs, *resources.template_dirs):
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in LAYOUT_SUFFIXES and path.is_file():
                h.update(f"{path.relative_to(folder).as_posix()}\0".encode())
                h.update(_sha256(path.read_bytes()).encode())
    for font in font_files() if fonts is None else fonts:
        h.update(f"{font.name}\0".encode())
        h.update(_sha256(font.read_bytes()).encode())
    return h.hexdigest()


def _load_pack_index(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def build(
    root: Path,
    options: BuildOptions,
    load: Loader,
    progress: Progress | None = None,
    *,
    outputs_root: Path,
) -> BuildReport:
    """Build the packs ``options`` ask for from what ``load`` returns, into ``outputs_root``.

    Call it through :func:`reportgen.pipeline.build`, which settles the
    month, loads the project and holds the project lock (so this is the only
    build filling or clearing sets under outputs/.builds); this function
    does none of those itself.
    """
    # One pool of --jobs workers (default: all cores) draws the charts and
    # lays out the PDFs. When something is sure or likely to be laid out (no
    # earlier build, or a project file newer than it), the workers warm up for
    # layout while ``load`` runs; otherwise only once the first pack to lay
    # out is known (see warm_up), so a build with nothing to do stays light.
    warm = _likely_to_lay_out(root, outputs_root / CACHE_DIR)
    with worker_pool(options.jobs, eager=True, warm=warm) as pool:
        return _build(root, options, load, progress, pool, outputs_root)


def _likely_to_lay_out(root: Path, cache: Path) -> bool:
    """Whether this build will probably lay something out, judged before loading.

    True with no earlier build, or when a file of the project (inputs,
    templates, styles) changed after the last build recorded its packs. Only
    a guess that decides when the workers warm up: a wrong True costs a
    worker's warm-up (about half a second of CPU), a wrong False only the
    overlap with loading.
    """
    try:
        last = max(p.stat().st_mtime for p in cache.glob("packs-*.json"))
    except (ValueError, OSError):
        return True
    for folder in ("inputs", "templates", "styles"):
        for path in (root / folder).rglob("*"):
            try:
                if path.stat().st_mtime > last:
                    return True
            except OSError:
                continue
    return False


def _build(
    root: Path,
    options: BuildOptions,
    load: Loader,
    progress: Progress | None,
    pool: Executor | None,
    outputs_root: Path,
) -> BuildReport:
    started = time.perf_counter()
    root = root.resolve()
    registry = registry_for(root)
    project, period = load()
    assessment = assess(project, period, options.as_of)
    specs = plan_packs(assessment, options.packs, options.only, registry)
    out_dir = outputs_root / str(period)
    report = BuildReport(period=period, out_dir=out_dir)

    cache = ChartCache(outputs_root / CACHE_DIR / "charts")
    cache.directory.mkdir(parents=True, exist_ok=True)
    charts = draw_charts(assessment, cache, progress, pool)
    report.charts_drawn, report.charts_reused = cache.draws, cache.hits
    notes, note_warnings = _notes(assessment)
    report.warnings.extend(f"{p.path} {p.message}" for p in project.warnings if p.path == AS_OF)
    report.warnings.extend(note_warnings)

    built = build_date()
    resources = Resources.for_project(root, outputs_root / CACHE_DIR / "templates")
    policy = FetchPolicy.of(dirs=[*resources.readable_dirs, cache.directory], files=font_files())
    cover = cover_for(root, project, options, registry)

    def render(name: str, variables: dict[str, Any]) -> str:
        return _render(resources, name, variables)

    index_path = outputs_root / CACHE_DIR / f"packs-{period}.json"
    index = _load_pack_index(index_path)
    created = datetime(built.year, built.month, built.day, tzinfo=UTC)
    store = PartStore(
        outputs_root / CACHE_DIR / PARTS_DIR, layout_inputs_digest(resources), created
    )

    def laid_out(done: int, total: int) -> None:
        if progress:
            progress("sections", done, total)

    layout = Layout(store, cache.directory, policy, pool, options.jobs, laid_out)
    sections: dict[str, str] = {}
    overridden = resources.overridden(kind.template for kind in registry)
    packs = []
    for spec in specs:
        pack = pack_parts(
            spec,
            context_for(spec, assessment, charts, notes, built, report.warnings, cover),
            render,
            sections,
            whole=spec.pack_kind.template in overridden,
        )
        if index:  # a rebuild: lay out what changed while the other packs render
            layout.start(pack)
        packs.append(pack)

    generations.remove_unused(outputs_root)
    shown = generations.current(out_dir)

    def written_so_far(n: int) -> None:
        if progress:
            progress("packs", report.reused + n, len(specs))

    # The new set is filled beside the old one and shown only when complete
    # (see reportgen.generations); on any failure it is thrown away.
    folder = generations.start(outputs_root, str(period), keep={MANIFEST_NAME})
    try:
        try:
            composed = layout.plan(packs)
        except LayoutError as exc:
            raise BuildError(str(exc)) from None
        report.warnings.extend(layout.warnings)
        report.parts_laid_out, report.parts_reused = store.laid_out, store.reused
        todo: list[tuple[PackSpec, Composed]] = []
        for pack, item in zip(packs, composed, strict=True):
            spec = pack.spec
            final = out_dir / spec.path
            seen = index.get(spec.path)
            if seen and seen.get("html") == item.key and final.is_file():
                data = final.read_bytes()
                if _sha256(data) == seen.get("pdf"):
                    pages = int(seen.get("pages", "0"))
                    report.outputs.append(_output(spec, registry, pages, seen["pdf"], len(data)))
                    report.reused += 1
                    continue
            todo.append((spec, item))
        try:
            targets = [(item, folder / spec.path) for spec, item in todo]
            # Layout workers keep the memory their largest document needed
            # (Python seldom gives its heap back), and joining the largest
            # pack needs about as much again: fresh workers write the packs,
            # so the build's peak is the larger of the two, not their sum.
            if pool is not None:
                pool.shutdown()
            with worker_pool(options.jobs) as writers:
                written = write_packs(targets, writers, written_so_far)
        except LayoutError as exc:
            raise BuildError(str(exc)) from None
        for (spec, item), w in zip(todo, written, strict=True):
            index[spec.path] = {"html": item.key, "pdf": w.sha256, "pages": str(w.pages)}
            report.outputs.append(_output(spec, registry, w.pages, w.sha256, w.size))
            report.warnings.extend(f"{spec.path}: {warning}" for warning in w.warnings)
        report.rendered = len(todo)
        _write_manifest(folder, shown, project, assessment, options, built, report, cover, registry)
        atomic_write_text(index_path, json.dumps(index, indent=1, sort_keys=True) + "\n")
        _keep_parts(
            outputs_root, period, store, whole_set="all" in options.packs and not options.only
        )
        # Every pack rendered: now, and only now, show the new set.
        generations.switch(outputs_root, str(period), folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    report.seconds = time.perf_counter() - started
    return report


def _keep_parts(outputs_root: Path, period: Period, store: PartStore, *, whole_set: bool) -> None:
    """Record the parts this period's packs use and delete those no period uses.

    A build of some packs only keeps what the period's other packs used last time.
    """
    lists = outputs_root / CACHE_DIR
    mine = lists / f"parts-{period}.json"
    used = set(store.used)
    if not whole_set:
        used |= set(_load_part_list(mine))
    atomic_write_text(mine, json.dumps(sorted(used), indent=0) + "\n")
    keep = {p.name: _load_part_list(p) for p in lists.glob("parts-*.json")}
    prune(store, keep)


def _load_part_list(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(k) for k in data] if isinstance(data, list) else []


def _output(spec: PackSpec, registry: Registry, pages: int, sha256: str, size: int) -> PackFile:
    record = {
        "path": spec.path,
        "kind": spec.kind,
        "ref": spec.ref,
        "title": spec.title,
        "pages": pages,
        "sha256": sha256,
        "bytes": size,
    }
    # The project's registry decides which kinds the manifest may list.
    return PackFile.model_validate(record, context={REGISTRY: registry})


def cover_for(
    root: Path, project: Project, options: BuildOptions, registry: Registry = BUILTIN_REGISTRY
) -> Cover:
    """The cover's facts: the options given, else the board's name from distribution.yaml.

    A board pack is usually for the first group that receives it, so its name
    is the meeting's unless ``--meeting`` says otherwise. A distribution file
    that does not load is ignored here: ``reportgen validate`` and ``send``
    report it, and a build must not fail because of mail settings.
    """
    cover = options.cover
    path = root / "inputs" / "distribution.yaml"
    if (cover.meeting is not None and cover.owner is not None) or not path.is_file():
        return cover
    from reportgen.distribute.config import load_distribution

    loaded, _ = load_distribution(path, plan=project.plan, registry=registry)
    if loaded is None:
        return cover
    board = next((g for g in loaded.config.groups if g.packs.wanted(registry["board"])), None)
    return replace(
        cover,
        meeting=cover.meeting or (board.name if board else None),
        owner=cover.owner or loaded.config.mail.sender_name,
    )


def manifest_asks(assessment: Assessment) -> tuple[AskRow, ...]:
    """What the leads ask of the board, as the email lists it (from the manifest)."""
    b = briefing(assessment)
    rows = [AskRow(ref=a.ref, kind=a.kind, text=a.text) for a in b.asks]
    for x in b.risks:
        mitigation = f" Mitigation: {x.risk.mitigation}" if x.risk.mitigation else ""
        text = f"{upper_first(x.risk.rating)}: {x.risk.risk}{mitigation}"
        rows.append(AskRow(ref=x.ref, kind="risk", text=text))
    return tuple(rows)


def _write_manifest(
    out_dir: Path,
    previous_dir: Path | None,
    project: Project,
    assessment: Assessment,
    options: BuildOptions,
    built: date,
    report: BuildReport,
    cover: Cover,
    registry: Registry,
) -> None:
    """Record this build, keeping earlier outputs of the period that still exist unchanged.

    ``out_dir`` is the new set (holding the previous set's files as links);
    ``previous_dir`` the set it replaces, whose manifest lists them.
    """
    outputs = {o.path: o for o in report.outputs}
    previous = previous_dir or out_dir
    if (previous / MANIFEST_NAME).is_file():
        try:
            old = read_manifest(previous, period=str(assessment.period), registry=registry)
        except ReportgenError:
            old = None
        for o in old.outputs if old else ():
            path = out_dir / o.path
            if o.path not in outputs and path.is_file() and _sha256(path.read_bytes()) == o.sha256:
                outputs[o.path] = o
    option_data: dict[str, Any] = {
        "packs": list(options.packs),
        "only": list(options.only),
        "as_of": assessment.as_of.isoformat(),
        "period": str(assessment.period),
    }
    if cover != Cover():
        option_data["cover"] = {
            "meeting": cover.meeting,
            "meeting_date": cover.meeting_date.isoformat() if cover.meeting_date else None,
            "version": cover.version,
            "status": cover.status,
            "owner": cover.owner,
        }
    manifest = Manifest(
        tool="reportgen",
        version=__version__,
        period=str(assessment.period),
        as_of=assessment.as_of.isoformat(),
        built=f"{built.isoformat()}T00:00:00Z",
        options=option_data,
        inputs=tuple(InputFile(path=i.path, sha256=i.sha256) for i in project.inputs),
        outputs=tuple(outputs.values()),
        summary=tuple(
            SummaryRow(ref=r.ref, title=r.title, rag=r.status, reason=recommendation_reason(r))
            for r in assessment.recommendations
        ),
        asks=manifest_asks(assessment),
        kpis=tuple(
            KpiRow(
                id=k.id,
                recommendation=k.recommendation,
                title=k.title,
                value=value_text(k),
                target=target_text(k),
                rag=k.status,
            )
            for k in assessment.kpis
            if k.quantitative
        ),
        warnings=tuple(report.warnings),
    )
    write_manifest(out_dir, manifest, registry)
