"""Running `paradime-bolt` in process, and checking its output never carries the secret."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from click.testing import CliRunner, Result

from paradime_bolt.cli._app import cli

from .fake_api import API_SECRET

Invoke = Callable[..., Result]


def run_cli(*args: str, env: dict[str, Any] | None = None, input: str | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)


def assert_no_secret(result: Result) -> None:
    for text in (result.stdout, result.stderr):
        assert API_SECRET not in text
