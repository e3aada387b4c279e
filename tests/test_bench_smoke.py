"""The benchmarks run once with tiny sizes, so they cannot rot. No figure is judged here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
        "per-call overhead",
        "detection delay",
        "fan-out",
        "parse boltCommand",
        "parse boltRunStatus",
        "polls for a",
        "from paradime_bolt import BoltClient",
        "paradime-bolt --help",
        "DAG parse",
    ):
        assert benchmark in table, benchmark
    assert "smoke run" in table
