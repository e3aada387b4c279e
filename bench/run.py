"""Runs every benchmark in one process run and writes BENCHMARKS.md. `make bench` calls it.

    python -m bench.run [--smoke] [--output BENCHMARKS.md] [--sdk-python PATH] [--core-python PATH]
                        [--only STEP ...]

The emulator runs in its own process on loopback. The paradime-io SDK, when `--sdk-python` points
at an interpreter that has it, runs in that separate environment: it is never our dependency.
Nothing here fails on a number: targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from bench import benchmarks, dag_parse, dbt_build, lineage, many_waits, server_speed
from bench._support import ROOT, Emulator, Stats, emulator

SCHEDULES = ROOT / "bench" / "schedules.yml"


def _fmt(stats: Stats | None, unit: str) -> str:
    if stats is None:
        return "n/a"
    digits = 3 if unit in ("ms", "s") and stats.median < 10 else 1
    if unit == "polls":
        digits = 0
    return f"{stats.median:.{digits}f} ({stats.low:.{digits}f}-{stats.high:.{digits}f})"


def _ratio(stats: Stats | None) -> str:
    if stats is None:
        return "n/a"
    return f"{stats.median:.2f}x ({stats.low:.2f}-{stats.high:.2f})"


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "missed", None: "n/a"}[met]


def _versions(sdk_python: Path | None) -> list[str]:
    names = [
        "paradime-bolt",
        "httpx",
        "pydantic",
        "pydantic-core",
        "ariadne",
        "uvicorn",
        "apache-airflow",
        "airflow-provider-paradime-bolt",
    ]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    if sdk_python is not None:
        found.append("paradime-io (separate environment, see bench/requirements-sdk.txt)")
    return found


def render(rows: list[benchmarks.Row], sdk_python: Path | None, smoke: bool) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`); do not edit by hand. Every ratio is",
        "measured side by side in the same run (A and B interleaved, ratio taken pair by pair).",
        "Figures are medians with the min-max spread in brackets. The emulator runs in its own",
        "process on loopback. Whole-process rows run with compiled bytecode in every environment",
        "(the Makefile compiles the side environments, bench.run our own sources).",
        "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
        + (" (smoke run: tiny sizes, figures meaningless)" if smoke else ""),
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- Packages: {', '.join(_versions(sdk_python))}",
        "",
        "| benchmark | ours | baseline | ratio | target | result | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {_fmt(row.ours, row.unit)} {row.unit} | "
            f"{_fmt(row.baseline, row.unit)} | {_ratio(row.ratio)} | {row.target} | "
            f"{_verdict(row.met)} | {row.note} |"
        )
    return "\n".join(lines) + "\n"


def compile_first_party() -> None:
    """Writes bytecode for our own sources, as an installed wheel has: editable installs leave
    them uncompiled (`uv sync --compile-bytecode` compiles site-packages only), and with
    PYTHONDONTWRITEBYTECODE set every whole-process run would compile them afresh, while the
    dependencies it is measured against load compiled."""
    trees = [ROOT / "src", ROOT / "emulator" / "src", ROOT / "bench"]
    trees += sorted((ROOT / "integrations").glob("*/src"))
    for tree in trees:
        if tree.is_dir() and not compileall.compile_dir(tree, quiet=1, workers=0):
            print(f"warning: some files under {tree} did not compile", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a check, not figures")
    parser.add_argument("--output", type=Path, help="write the Markdown table here")
    parser.add_argument("--sdk-python", type=Path, help="a Python that has paradime-io")
    parser.add_argument(
        "--core-python",
        type=Path,
        default=Path(sys.executable),
        help="a Python with paradime-bolt alone (no extras), for import timing",
    )
    parser.add_argument(
        "--paradime-airflow-python",
        type=Path,
        help="a Python that has Paradime's Airflow provider (airflow-provider-paradime-dbt)",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=50.0,
        help="emulated API latency for the fan-out benchmark (the live API is remote)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="STEP",
        help="run only this step (repeatable): per-call, waiting, fan-out, server, payloads, "
        "polls, startup, one-call, dag-parse, many-waits, dbt-build, lineage",
    )
    args = parser.parse_args(argv)
    sizes = benchmarks.SMOKE if args.smoke else benchmarks.Sizes()
    sdk_python = args.sdk_python if args.sdk_python and args.sdk_python.exists() else None
    cli = Path(sys.executable).parent / "paradime-bolt"

    if not args.smoke:
        compile_first_party()
    paradime_airflow = args.paradime_airflow_python
    if paradime_airflow is not None and not paradime_airflow.exists():
        paradime_airflow = None
    latency = ("--latency-ms", f"{args.latency_ms:g}")

    def on_emulator(
        step: Callable[[Emulator], list[benchmarks.Row]], *extra: str
    ) -> Callable[[], list[benchmarks.Row]]:
        def run() -> list[benchmarks.Row]:
            with emulator(*extra, schedules=SCHEDULES) as em:
                return step(em)

        return run

    def one_call() -> list[benchmarks.Row]:
        with tempfile.TemporaryDirectory() as home, emulator(schedules=SCHEDULES) as em:
            return benchmarks.one_call_processes(em, sizes, sdk_python, cli, Path(home))

    steps: dict[str, Callable[[], list[benchmarks.Row]]] = {
        "per-call": on_emulator(lambda em: benchmarks.per_call_overhead(em, sizes)),
        "waiting": on_emulator(lambda em: benchmarks.detection_delay(em, sizes)),
        "fan-out": on_emulator(
            lambda em: benchmarks.fan_out(em, sizes, sdk_python, args.latency_ms), *latency
        ),
        "server": on_emulator(lambda em: server_speed.server_speed(em, args.smoke)),
        "payloads": lambda: benchmarks.large_payloads(sizes),
        "polls": lambda: benchmarks.poll_count(sizes),
        "startup": lambda: benchmarks.startup(sizes, args.core_python, sdk_python, cli),
        "one-call": one_call,
        "dag-parse": lambda: dag_parse.dag_parse_cost(sizes, paradime_airflow),
        "many-waits": on_emulator(lambda em: many_waits.many_waits(em, sizes)),
        "dbt-build": lambda: dbt_build.dbt_build_overhead(args.smoke),
        "lineage": lambda: lineage.lineage_build_cost(args.smoke),
    }
    unknown = sorted(set(args.only or ()) - set(steps))
    if unknown:
        parser.error(f"unknown --only step(s): {', '.join(unknown)}; known: {', '.join(steps)}")
    rows: list[benchmarks.Row] = []
    for label, step in steps.items():
        if args.only and label not in args.only:
            continue
        print(f"running: {label}", file=sys.stderr)
        rows.extend(step())

    table = render(rows, sdk_python, args.smoke)
    print(table)
    if args.output is not None:
        args.output.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
