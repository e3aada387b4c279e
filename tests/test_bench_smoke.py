"""The benchmarks run once with tiny sizes, so they cannot rot. No figure is judged here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


def test_every_benchmark_runs_once_with_tiny_sizes(tmp_path: Path) -> None:
    output = tmp_path / "BENCHMARKS.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = output.read_text()
    for benchmark in (
        "per-call overhead, mock transport: bolt_run_status vs raw httpx post(json=)",
        "per-call overhead, loopback: bolt_run_status vs raw httpx post(json=)",
        "detection delay",
        "vs the ideal 4 / 2 x latency",
        "vs raw httpx.AsyncClient",
        "async 2 in flight vs sequential sync",
        "parse boltCommand with 100 resources: time vs json.loads",
        "parse boltCommand with 100 resources: resident high-water rise vs payload",
        "parse boltRunStatus with 0.01 MB of logs: resident high-water rise vs payload",
        "polls for a",
        "import paradime_bolt vs import paradime",
        "from paradime_bolt import BoltClient; BoltClient(...) vs python -c 'import httpx",
        "paradime-bolt alone (no extras)",
        "paradime-bolt --help vs python -c 'import click'",
        "paradime-bolt --help vs paradime --help",
        "paradime-bolt runs status ID --json vs raw httpx + pydantic script",
        "first bolt_run_status in a fresh process (import, build, call, parse)",
        "DAG parse",
        "BoltRunStatus round trip, emulator vs trivial ariadne server",
        "concurrent clients, emulator vs trivial ariadne server",
        "emulator p99 vs p50",
        "many waits: resident memory per waiting trigger",
        "many waits: CPU per poll",
        "dbt build of the example project: trigger -> SUCCESS through the emulator",
        "lineage: OpenLineage events of a 20-model dbt build",
    ):
        assert benchmark in table, benchmark
    assert "smoke run" in table
