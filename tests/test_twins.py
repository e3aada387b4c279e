"""The sync and async clients are twins: the same methods, arguments and types."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from paradime_bolt import AsyncBoltClient, BoltClient

ROOT = Path(__file__).resolve().parent.parent

ASYNC_ONLY_NAMES = {"aclose", "__aenter__", "__aexit__"}
SYNC_ONLY_NAMES = {"close", "__enter__", "__exit__"}


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if callable(member) and (not name.startswith("_") or name.startswith("__a"))
    }


def test_same_method_names() -> None:
    sync = set(public_methods(BoltClient)) - SYNC_ONLY_NAMES
    asynchronous = set(public_methods(AsyncBoltClient)) - ASYNC_ONLY_NAMES
    assert sync == asynchronous
    for name in (
        "list_bolt_schedules",
        "bolt_schedule_name",
        "trigger_bolt_run",
        "cancel_bolt_run",
        "bolt_run_status",
        "bolt_command",
        "bolt_resource_url",
        "wait_for_run",
        "iter_schedules",
        "download_resource",
        "find_artifact",
        "iter_command_logs",
    ):
        assert name in sync


def test_same_parameters_and_annotations() -> None:
    sync = public_methods(BoltClient)
    for name, signature in public_methods(AsyncBoltClient).items():
        if name in ASYNC_ONLY_NAMES:
            continue
        twin = sync[name]
        assert list(signature.parameters) == list(twin.parameters), name
        for param, value in signature.parameters.items():
            other = twin.parameters[param]
            assert (value.kind, value.default) == (other.kind, other.default), (name, param)
            expected = (
                str(value.annotation)
                .replace("httpx.AsyncClient", "httpx.Client")
                .replace("AsyncProgressCallback", "ProgressCallback")  # it may be async
            )
            assert str(other.annotation) == expected, (name, param)


def test_no_method_hides_arguments_in_kwargs() -> None:
    for cls in (BoltClient, AsyncBoltClient):
        for name, signature in public_methods(cls).items():
            kinds = {p.kind for p in signature.parameters.values()}
            assert inspect.Parameter.VAR_KEYWORD not in kinds, f"{cls.__name__}.{name}"


@pytest.mark.subprocess
def test_every_sync_twin_is_fresh_from_its_async_source() -> None:
    """The client's and the Prefect integration's (`scripts/unasync.py` writes both)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
