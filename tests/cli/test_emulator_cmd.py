"""`paradime-bolt emulator ...`: every argument goes to the emulator's own command line."""

from __future__ import annotations

import types
from typing import Any

import pytest

from paradime_bolt.cli import emulator_cmd
from tests.support.cli import run_cli


class FakeEmulatorCli:
    def __init__(self, result: Any = 0, *, exit_with: int | None = None) -> None:
        self.argv: list[str] | None = None
        self.result = result
        self.exit_with = exit_with

    def module(self) -> types.SimpleNamespace:
        return types.SimpleNamespace(main=self.main)

    def main(self, argv: list[str]) -> Any:
        self.argv = argv
        if self.exit_with is not None:
            raise SystemExit(self.exit_with)
        return self.result


def test_every_argument_is_delegated(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeEmulatorCli(0)
    monkeypatch.setattr(emulator_cmd, "_import_emulator_cli", fake.module)
    args = ["--port", "0", "--schedules", "s.yml", "--db", "x.db", "--log-level", "debug", "-v"]
    result = run_cli("emulator", *args)
    assert result.exit_code == 0, result.output
    assert fake.argv == args


@pytest.mark.parametrize(
    ("fake", "code"),
    [(FakeEmulatorCli(3), 3), (FakeEmulatorCli(exit_with=2), 2), (FakeEmulatorCli(None), 0)],
)
def test_the_emulators_exit_code_is_kept(
    monkeypatch: pytest.MonkeyPatch, fake: FakeEmulatorCli, code: int
) -> None:
    monkeypatch.setattr(emulator_cmd, "_import_emulator_cli", fake.module)
    assert run_cli("emulator").exit_code == code


def test_help_shows_the_emulators_options() -> None:
    result = run_cli("emulator", "--help")
    assert result.exit_code == 0
    assert "Usage: paradime-bolt emulator" in result.stdout
    assert "Example" in result.stdout
    assert "usage: paradime-bolt emulator [-h]" in result.stdout
    assert "--schedules FILE" in result.stdout


def test_the_real_emulator_rejects_a_bad_option_with_exit_2() -> None:
    result = run_cli("emulator", "--port", "not-a-port")
    assert result.exit_code == 2
    assert "--port" in result.stderr


def missing(name: str) -> Any:
    def fail() -> Any:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    return fail


def test_a_missing_extra_is_exit_4_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(emulator_cmd, "_import_emulator_cli", missing("uvicorn"))
    result = run_cli("emulator", "--port", "0")
    assert result.exit_code == 4
    assert "the emulator needs the `emulator` extra (the module 'uvicorn' is missing)" in (
        result.stderr
    )
    assert "pip install 'paradime-bolt[emulator]'" in result.stderr
    assert "Traceback" not in result.output


def test_help_without_the_extra_still_helps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emulator_cmd, "_import_emulator_cli", missing("ariadne"))
    result = run_cli("emulator", "-h")
    assert result.exit_code == 0
    assert "Usage: paradime-bolt emulator" in result.stdout
    assert "pip install 'paradime-bolt[emulator]'" in result.stdout


def test_an_installation_without_the_emulator_is_exit_4_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(emulator_cmd, "_import_emulator_cli", missing("paradime_bolt_emulator"))
    result = run_cli("emulator")
    assert result.exit_code == 4
    assert "the emulator is not installed (paradime_bolt_emulator is missing)" in result.stderr
    assert "pip install 'paradime-bolt[emulator]'" in result.stderr
    assert "Traceback" not in result.output


def test_the_module_is_imported_for_real_when_nothing_is_faked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "paradime_bolt_emulator.cli", None)
    result = run_cli("emulator")
    assert result.exit_code == 4
    assert "paradime_bolt_emulator.cli is missing" in result.stderr
