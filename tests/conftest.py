"""Fixtures shared by the mail tests: a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from test_distribute_helpers import Handler, free_port, start_server


@pytest.fixture
def handler() -> Handler:
    """Records what the server accepts; tests tell it when to fail."""
    return Handler()


@pytest.fixture
def server(handler: Handler) -> Iterator[Controller]:
    """A plain (no TLS) aiosmtpd server on a free loopback port."""
    controller = start_server(handler, free_port())
    yield controller
    controller.stop()
