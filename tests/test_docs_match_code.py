"""Documentation that describes code must list exactly what the code has."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from assess_factory import P, note, project, series

from reportgen.assess.engine import assess
from reportgen.present.assessment_json import to_data
from reportgen.render.context import PackContext, Section

DOCS = Path(__file__).resolve().parents[1] / "docs"


def documented_keys(page: str) -> dict[str, set[str]]:
    """``## Heading`` -> the backticked keys in the first column of its table."""
    sections: dict[str, set[str]] = {}
    current = None
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = set()
        elif current and (m := re.match(r"^\| `([a-z_]+)` \|", line)):
            sections[current].add(m.group(1))
    return sections


def test_assessment_json_doc_lists_every_key() -> None:
    pts = series("42", "2019-04", [58, 60, 61, 63, 65, 68, 71]) + series(
        "27", "2019-04", [12, 12, 13, 14, 15, 15, 16]
    )
    data = to_data(assess(project(pts, notes=[note("1", "2019-10", "amber", "why")]), P("2019-10")))
    rec = data["recommendations"][0]
    kpi = rec["kpis"][0]
    actual = {
        "Top level": set(data),
        "Recommendation": set(rec),
        "KPI": set(kpi),
        "Printed": set(kpi["printed"]),
        "Target": set(kpi["target"]),
        "Comparison": set(kpi["previous"]),
        "SPC": set(kpi["spc"]),
        "SPC point": set(kpi["spc"]["points"][0]),
        "SPC segment": set(kpi["spc"]["segments"][0]),
        "Action": set(rec["actions"][0]),
        "Change": set(rec["changes"][0]),
        "Driver": set(rec["drivers"][0]),
        "Override": set(rec["override"]),
        "Workstream": set(data["workstreams"][0]),
    }
    assert documented_keys("assessment-json.md") == actual


def test_template_context_doc_lists_every_field() -> None:
    docs = documented_keys("template-context.md")
    assert docs["pack"] == {f.name for f in dataclasses.fields(PackContext)}
    assert docs["Section"] == {f.name for f in dataclasses.fields(Section)}


def test_plan_schema_reference_is_generated_from_the_schema() -> None:
    from reportgen.load.schema_doc import render

    committed = (DOCS / "plan-schema.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m reportgen.load.schema_doc > docs/plan-schema.md"
    for field in ("interim_targets", "workstream_reason", "title_fragment", "amber_points"):
        assert f"| `{field}` |" in committed


def test_outputs_contract_page_is_generated_from_the_models() -> None:
    import json

    from reportgen.contract import Entry, Manifest
    from reportgen.contract.schema_doc import render

    committed = (DOCS / "outputs-contract.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "run: python -m reportgen.contract.schema_doc > docs/outputs-contract.md"
    )
    # The JSON Schema blocks are the models' own, and list every key they read.
    blocks = re.findall(r"```json\n(.*?)\n```", committed, flags=re.S)
    schemas = [json.loads(b) for b in blocks]
    assert [s["title"] for s in schemas] == ["Manifest", "Entry"]
    assert set(schemas[0]["properties"]) == set(Manifest.model_fields)
    assert set(schemas[1]["properties"]) == set(Entry.model_fields)
    assert schemas[0]["$defs"]["PackFile"]["properties"]["path"]["pattern"].startswith("^(?:")


def test_pack_kinds_page_is_generated_from_the_registry() -> None:
    from reportgen.registry import BUILTIN
    from reportgen.registry_doc import render

    committed = (DOCS / "pack-kinds.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m reportgen.registry_doc > docs/pack-kinds.md"
    for kind in BUILTIN:
        assert f"| `{kind.name}` | {kind.selects} | `{kind.template}` |" in committed


def test_distribution_page_lists_each_kind_s_key_under_packs() -> None:
    from reportgen.registry import BUILTIN

    text = (DOCS / "distribution.md").read_text(encoding="utf-8")
    table = text.split("`packs` may contain", 1)[1].split("\n\n", 2)[1]
    keys = {m.group(1) for m in re.finditer(r"^\| `([a-z_]+)` \|", table, re.MULTILINE)}
    assert keys == {k.key for k in BUILTIN}
