"""``reportgen docs``: the reference pages, from the installed package.

After ``pip install`` there is no ``docs/`` folder next to the user, so every
message, ``--help`` text and scaffold comment that sends someone to a page
names a topic of this command instead. The pages are the repository's
``docs/*.md``, installed as package data ``reportgen.docs`` (see
``pyproject.toml``); a source checkout reads them from ``docs/`` directly.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import ReportgenError

_SOURCE_DOCS = Path(__file__).resolve().parents[1] / "docs"


@dataclass(frozen=True)
class Topic:
    name: str
    file: str
    summary: str


TOPICS: tuple[Topic, ...] = (
    Topic("plan", "plan-schema.md", "inputs/plan.yaml: every field, its type and default"),
    Topic("kpis", "inputs-kpis.md", "KPI data files (CSV, Excel): layouts, values, percentages"),
    Topic("updates", "inputs-updates-notes.md", "action updates, leads' notes, validate"),
    Topic("distribution", "distribution.md", "inputs/distribution.yaml, send, exit codes"),
    Topic("assessment-json", "assessment-json.md", "reportgen assess --format json"),
    Topic("export", "export.md", "reportgen export: the analysts' workbook and CSV files"),
    Topic("templates", "template-context.md", "what pack templates receive, for restyling"),
    Topic("packs", "pack-kinds.md", "the kinds of pack, and adding a project's own (packs.yaml)"),
    Topic("collect", "collection-cycle.md", "leads' workbooks: collect, send, ingest, chase"),
    Topic("faults", "faults.md", "what a crash, a kill or a slow mail server leaves; re-runs"),
    Topic(
        "outputs", "outputs-contract.md", "outputs/<period>: manifest.json, the ledger, JSON Schema"
    ),
)
ALIASES = {
    "notes": "updates",
    "schema": "plan",
    "json": "assessment-json",
    "email": "distribution",
    "ingest": "collect",
    "chase": "collect",
}


def hint(topic: str) -> str:
    """How a message points at a page: ``'reportgen docs plan'``."""
    if topic not in {t.name for t in TOPICS}:
        raise ValueError(f"no docs topic {topic!r}")
    return f"'reportgen docs {topic}'"


def topic_named(name: str) -> Topic:
    wanted = ALIASES.get(name.strip().lower(), name.strip().lower())
    for topic in TOPICS:
        if topic.name == wanted:
            return topic
    names = ", ".join(t.name for t in TOPICS)
    raise ReportgenError(f"no docs topic {name!r}; the topics are: {names}")


def _docs_dir() -> Path:
    spec = importlib.util.find_spec("reportgen.docs")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if (Path(location) / TOPICS[0].file).is_file():
                return Path(location)
    if (_SOURCE_DOCS / TOPICS[0].file).is_file():
        return _SOURCE_DOCS
    raise ReportgenError("the reference pages are missing from this installation; reinstall")


def page(name: str) -> str:
    """The text of one topic's page."""
    topic = topic_named(name)
    path = _docs_dir() / topic.file
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportgenError(f"{path}: cannot read this page ({exc.strerror}); reinstall") from exc


def index() -> str:
    """The list of topics, for ``reportgen docs`` with no topic."""
    width = max(len(t.name) for t in TOPICS)
    lines = ["Reference pages (reportgen docs TOPIC):", ""]
    lines += [f"  {t.name.ljust(width)}  {t.summary}" for t in TOPICS]
    return "\n".join(lines) + "\n"
