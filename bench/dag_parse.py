"""What a DAG file that imports the provider costs Airflow's DAG processor, which parses DAG
files every few seconds: whole processes, and the import alone once Airflow is loaded, ours
against Paradime's own provider (airflow-provider-paradime-dbt, in its own environment)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._support import Stats, time_command
from bench.benchmarks import Row, Sizes

OURS = "from paradime_bolt_airflow.operators import BoltRunOperator"
THEIRS = "from paradime_dbt_provider.operators.paradime import ParadimeBoltDbtScheduleRunOperator"

# Imports what any DAG file does (the DAG class and the operator base classes), then times
# `statement`: the provider's own share of parsing a DAG file.
_INCREMENT = """
import sys, time, warnings
warnings.simplefilter("ignore")
from airflow.sdk import DAG, BaseOperator, BaseOperatorLink, BaseSensorOperator
start = time.perf_counter()
exec(sys.argv[1])
print(time.perf_counter() - start)
"""


def _env(home: Path) -> dict[str, str]:
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PYTHONWARNINGS": "ignore",
    }


def _increments(python: str, statement: str, runs: int, env: dict[str, str]) -> list[float]:
    samples = []
    for _ in range(runs + 1):  # the first one warms the file cache
        result = subprocess.run(  # noqa: S603 - our own interpreters
            [python, "-c", _INCREMENT, statement],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            check=True,
        )
        samples.append(float(result.stdout.strip().splitlines()[-1]))
    return samples[1:]


def _interleaved_commands(
    a: list[str], b: list[str], runs: int, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    """Whole-process times of A and B in turn, so the machine's drift hits both alike."""
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(runs):
        times_a += time_command(a, 1, env)
        times_b += time_command(b, 1, env)
    return times_a, times_b


def dag_parse_cost(sizes: Sizes, paradime_airflow_python: Path | None) -> list[Row]:
    """Rows for BENCHMARKS.md; Paradime's provider's only when its environment exists, none
    when the provider is not installed here (an environment without the workspace members)."""
    if importlib.util.find_spec("paradime_bolt_airflow") is None:
        print("DAG parse: paradime_bolt_airflow is not installed; skipped", file=sys.stderr)
        return []
    runs = sizes.startup_runs
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-airflow-home-") as home:
        env = _env(Path(home))
        base, ours_whole = _interleaved_commands(
            [python, "-c", "import airflow.sdk"], [python, "-c", OURS], runs, env
        )
        ours = _increments(python, OURS, runs, env)
        theirs = None
        if paradime_airflow_python is not None:
            theirs = _increments(str(paradime_airflow_python), THEIRS, runs, env)
    whole_ratio = Stats.of([a / b for a, b in zip(ours_whole, base, strict=True)])
    rows = [
        Row(
            "DAG parse, whole process: import paradime_bolt_airflow.operators vs import "
            "airflow.sdk",
            Stats.of([x * 1e3 for x in ours_whole]),
            Stats.of([x * 1e3 for x in base]),
            whole_ratio,
            "ms",
            "<= 1.05x",
            whole_ratio.median <= 1.05,
            "Airflow's own import (httpx and pydantic included) is the floor",
        )
    ]
    ratio = Stats.of([a / b for a, b in zip(ours, theirs, strict=True)]) if theirs else None
    rows.append(
        Row(
            "DAG parse, the provider's operator import once Airflow is loaded: ours vs "
            "Paradime's provider",
            Stats.of([x * 1e3 for x in ours]),
            Stats.of([x * 1e3 for x in theirs]) if theirs else None,
            ratio,
            "ms",
            "<= 0.5x",
            None if ratio is None else ratio.median <= 0.5,
            "ours loads no client, httpx, pydantic or generated model until a task runs"
            + ("" if theirs else "; Paradime's provider not installed (make bench installs it)"),
        )
    )
    return rows
