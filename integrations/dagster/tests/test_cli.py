"""`dagster-paradime-bolt fetch-manifest` against the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_paradime_bolt import build_bolt_assets
from dagster_paradime_bolt.cli import main

from .conftest import FAST, BoltEmulator


@pytest.fixture
def env(emulator: BoltEmulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in emulator.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PARADIME_WORKSPACE_UID", raising=False)
    return emulator.env


def test_fetch_manifest_saves_the_latest_successful_runs_manifest(
    emulator: BoltEmulator,
    env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = emulator.client.trigger_and_wait("fetched", raise_on_failure=True, **FAST).run_id
    failed = emulator.client.trigger_and_wait(
        "fetched", commands=["dbt run --full-refresh"], **FAST
    )
    assert failed.run_state.name == "ERROR"
    out = tmp_path / "dbt" / "manifest.json"
    assert main(["fetch-manifest", "--schedule-name", "fetched", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"wrote {out}: the manifest of Bolt run {good} (8 assets, 13 checks)"
    )
    document = json.loads(out.read_text())
    assert "model.demo_sales_project.fct_orders" in document["nodes"]
    assets = build_bolt_assets(schedule_name="fetched", manifest=out)
    assert len(assets.keys) == 8


def test_fetch_manifest_without_a_successful_run_exits_1(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "manifest.json"
    code = main(["fetch-manifest", "--schedule-name", "never run", "--out", str(out)])
    assert code == 1
    assert capsys.readouterr().err == ("error: schedule 'never run' has no successful run yet\n")
    assert not out.exists()


def test_fetch_manifest_of_an_unknown_schedule_exits_1(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["fetch-manifest", "--schedule-name", "no such", "--out", str(tmp_path / "m")])
    assert code == 1
    assert "no such" in capsys.readouterr().err


def test_fetch_manifest_without_credentials_exits_4(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("PARADIME_API_ENDPOINT", "PARADIME_API_SECRET", "PARADIME_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["fetch-manifest", "--schedule-name", "x", "--out", str(tmp_path / "m")]) == 4
    assert "PARADIME_API_ENDPOINT is not set" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command(
    emulator: BoltEmulator, env: dict[str, str], tmp_path: Path
) -> None:
    run_id = emulator.client.trigger_and_wait("fetched", raise_on_failure=True, **FAST).run_id
    out = tmp_path / "manifest.json"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster_paradime_bolt",
            "fetch-manifest",
            "--run-id",
            str(run_id),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"Bolt run {run_id} " in completed.stdout
    assert emulator.api_secret not in completed.stdout + completed.stderr
    assert json.loads(out.read_text())["metadata"]["project_name"] == "demo_sales_project"
