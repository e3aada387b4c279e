"""Fixtures of the webhook tests; the documented example and its builders are in
`tests/support/webhooks.py`."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """The receiver schedules callbacks with asyncio."""
    return "asyncio"
