"""Generate docs/outputs-contract.md (manifest and ledger, with JSON Schema) from the models.

``python -m reportgen.contract.schema_doc > docs/outputs-contract.md``
rewrites it; a test fails when the committed page and the models differ,
so the published contract is the one the code reads and writes.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from reportgen.contract import ledger, manifest
from reportgen.contract.ledger import LEDGER_NAME, Entry
from reportgen.contract.manifest import MANIFEST_NAME, Manifest
from reportgen.contract.paths import RULE
from reportgen.load.schema_doc import model_tables

MODELS: tuple[type[BaseModel], ...] = (
    manifest.Manifest,
    manifest.InputFile,
    manifest.PackFile,
    manifest.SummaryRow,
    manifest.AskRow,
    manifest.KpiRow,
    ledger.Entry,
    ledger.PackRecord,
)
"""Every model of the contract, in the order the page describes them."""


def _schema(title: str, model: type[BaseModel]) -> list[str]:
    schema = model.model_json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    return [f"### {title}", "", "```json", text, "```", ""]


def render() -> str:
    lines = [
        "# Outputs contract (`outputs/<period>/`)",
        "",
        "Generated from `reportgen/contract/` by `python -m reportgen.contract.schema_doc`; "
        "do not edit by hand (a test fails when this page and the code differ).",
        "",
        f"`reportgen build` writes `{MANIFEST_NAME}` beside the PDFs it lists; `reportgen send` "
        "reads nothing else about a build, and appends one line per message to "
        f"`{LEDGER_NAME}` so that each pack goes to each person once (`reportgen collect "
        "--send` keeps its own ledger in the same format under `collect/`). Both files are "
        "read and written by one module, so the two stages cannot disagree.",
        "",
        "- The manifest is JSON with sorted keys and a fixed order of outputs (summary, "
        "recommendations in number order, board, workstreams), so two builds of the same "
        "inputs write the same bytes.",
        "- The ledger is JSON Lines: one object per message, fsynced as the server accepts it. "
        "A torn last line (a crash mid-write) is ignored and cut off before the next append; "
        "a damaged line anywhere else stops sending until it is fixed.",
        f"- Every `path` of an output is {RULE}. A file that a symbolic link leads out of the "
        "period folder is refused when it is read for sending.",
        "- Readers ignore keys they do not know, so a newer reportgen can add keys without "
        "breaking an older sender; keys that older versions did not write have defaults.",
        "- Any defect is reported with the file, the line (ledger) and the field, e.g. "
        "`outputs/2020-03/manifest.json: outputs[3].path: ...`; "
        "rebuild rather than edit a manifest.",
        "",
        *model_tables(MODELS),
        "## JSON Schema",
        "",
        "Generated from the same models (pydantic), for other tools that read the outputs.",
        "",
        *_schema(f"{MANIFEST_NAME}", Manifest),
        *_schema(f"A line of {LEDGER_NAME}", Entry),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
