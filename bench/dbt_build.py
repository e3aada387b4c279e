"""A real `dbt build` through the emulator (`--dbt-project`) against the same build run directly.

Each pair: the emulator's "daily build" schedule of `examples/dbt_project`, timed from the trigger
to SUCCESS seen by `wait_for_run` (it runs `git clone ...`, `dbt deps` and `dbt build`), and
`dbt build` in a fresh process on a copy of the same project with the same DuckDB profile. Both
sides are warm (one untimed build each first), so both parse partially; the pairs alternate.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench._support import API_KEY, API_SECRET, ROOT, Stats, emulator

if TYPE_CHECKING:
    from bench.benchmarks import Row

EXAMPLE = ROOT / "examples" / "dbt_project"
LIMIT = 1.15
POLL = 0.25
PROFILE = """\
bolt_example:
  target: direct
  outputs:
    direct:
      type: duckdb
      path: "{path}"
      threads: 4
"""


def _direct_build(project: Path, env: dict[str, str]) -> float:
    dbt = Path(sys.executable).parent / "dbt"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - dbt on our own example project
        [str(dbt), "build"], cwd=project, env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def dbt_build_overhead(smoke: bool) -> list[Row]:
    """The ratio, pair by pair, of a build through the emulator to a direct build."""
    from bench.benchmarks import Row
    from paradime_bolt import BoltClient

    rounds = 1 if smoke else 5
    with tempfile.TemporaryDirectory() as home:
        direct = Path(home) / "project"
        shutil.copytree(EXAMPLE, direct, ignore=shutil.ignore_patterns("target", "logs"))
        (Path(home) / "profiles.yml").write_text(
            PROFILE.format(path=Path(home) / "direct.duckdb"), encoding="utf-8"
        )
        env = {
            **os.environ,
            "DBT_PROFILES_DIR": home,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_USE_COLORS": "false",
        }
        with (
            emulator("--dbt-project", str(EXAMPLE)) as em,
            BoltClient(endpoint=em.endpoint, api_key=API_KEY, api_secret=API_SECRET) as client,
        ):

            def through_emulator() -> float:
                started = time.perf_counter()
                run_id = client.trigger_bolt_run("daily build").run_id
                status = client.wait_for_run(
                    run_id, timeout=600, poll_interval=POLL, max_poll_interval=POLL
                )
                if status.state != "SUCCESS":
                    raise RuntimeError(f"the emulator's build ended {status.state}")
                return time.perf_counter() - started

            through_emulator()
            _direct_build(direct, env)
            ours: list[float] = []
            theirs: list[float] = []
            for index in range(rounds):
                if index % 2:
                    theirs.append(_direct_build(direct, env))
                    ours.append(through_emulator())
                else:
                    ours.append(through_emulator())
                    theirs.append(_direct_build(direct, env))
    ratio = Stats.of([a / b for a, b in zip(ours, theirs, strict=True)])
    return [
        Row(
            "dbt build of the example project: trigger -> SUCCESS through the emulator "
            "(git clone, dbt deps, dbt build) vs `dbt build` in a fresh process",
            Stats.of(ours),
            Stats.of(theirs),
            ratio,
            "s",
            f"<= {LIMIT:g}x",
            ratio.median <= LIMIT,
            f"paired, {rounds} pairs; wait_for_run polls every {POLL:g} s",
        )
    ]
