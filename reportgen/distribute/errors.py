"""Errors distribution raises; the CLI turns them into messages and exit codes."""

from __future__ import annotations

from reportgen.errors import ReportgenError
from reportgen.lock import LockHeldError

__all__ = ["DistributionError", "IntegrityError", "LockHeldError", "SmtpFatalError"]


class DistributionError(ReportgenError):
    """Sending cannot go ahead (or cannot continue) as configured."""


class IntegrityError(DistributionError):
    """A built file no longer matches the manifest; it must not be sent."""


class SmtpFatalError(DistributionError):
    """A failure no retry can fix: TLS, authentication, a server refusing us."""
