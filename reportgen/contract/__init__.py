"""The outputs contract: what ``outputs/<period>/`` holds, read and written in one place.

The render stage writes ``manifest.json``; the distribute stage reads it
and appends to ``deliveries.jsonl``. Both go through these pydantic models,
with one error type (:class:`ContractError`) and one path rule
(:mod:`reportgen.contract.paths`), so the two stages cannot drift apart.
The rows inside a manifest (summary, asks, KPIs, inputs) are in
:mod:`reportgen.contract.manifest`.
Nothing here imports render or distribute. The JSON Schema published in
docs/outputs-contract.md is generated from these models
(``python -m reportgen.contract.schema_doc``).
"""

from reportgen.contract.errors import ContractError
from reportgen.contract.ledger import LEDGER_NAME, Entry, Ledger, PackRecord
from reportgen.contract.manifest import (
    MANIFEST_NAME,
    Manifest,
    PackFile,
    read_manifest,
    write_manifest,
)
from reportgen.contract.paths import resolve_inside

__all__ = [
    "LEDGER_NAME",
    "MANIFEST_NAME",
    "ContractError",
    "Entry",
    "Ledger",
    "Manifest",
    "PackFile",
    "PackRecord",
    "read_manifest",
    "resolve_inside",
    "write_manifest",
]
