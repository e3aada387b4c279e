"""The package's public names: every one resolves, and importing the package stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import paradime_bolt


@pytest.mark.parametrize("name", paradime_bolt.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(paradime_bolt, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = paradime_bolt.Nope  # type: ignore[attr-defined]


@pytest.mark.subprocess
def test_importing_the_package_or_the_cli_loads_no_http_stack() -> None:
    code = (
        "import sys, paradime_bolt, paradime_bolt.cli, paradime_bolt.webhooks;"
        "heavy = ('httpx', 'paradime_bolt._generated', 'rich');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
