"""Distribution: email each recipient exactly their packs, once.

Reads only what the render stage wrote (``outputs/<period>/manifest.json``
and the PDFs it lists) plus ``inputs/distribution.yaml``. See
docs/distribution.md for the settings, the ledger and the exit codes.
"""

from reportgen.contract import ContractError, Entry, Ledger, Manifest, PackFile, read_manifest
from reportgen.distribute.config import (
    Distribution,
    DistributionFile,
    load_distribution,
    read_distribution,
)
from reportgen.distribute.errors import (
    DistributionError,
    IntegrityError,
    LockHeldError,
    SmtpFatalError,
)
from reportgen.distribute.send import Outcome, SendReport, send_period

__all__ = [
    "ContractError",
    "Distribution",
    "DistributionError",
    "DistributionFile",
    "Entry",
    "IntegrityError",
    "Ledger",
    "LockHeldError",
    "Manifest",
    "Outcome",
    "PackFile",
    "SendReport",
    "SmtpFatalError",
    "load_distribution",
    "read_distribution",
    "read_manifest",
    "send_period",
]
