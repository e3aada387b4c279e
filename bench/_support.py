"""Shared by the benchmarks: an emulator in its own process, and robust statistics."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from paradime_bolt_emulator import EmulatorProcess

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "bench-key"
API_SECRET = "bench-secret"


@dataclass(frozen=True)
class Emulator:
    endpoint: str
    api_key: str = API_KEY
    api_secret: str = API_SECRET


@contextmanager
def emulator(*extra_args: str, schedules: Path | None = None) -> Iterator[Emulator]:
    """Runs the emulator in a separate process, so its work never shares our interpreter."""
    args = ["--log-level", "warning", "--api-key", API_KEY, "--api-secret", API_SECRET]
    if schedules is not None:
        args += ["--schedules", str(schedules)]
    with EmulatorProcess(*args, *extra_args) as process:
        yield Emulator(process.endpoint)


@dataclass(frozen=True)
class Stats:
    """Median and spread of repeated measurements."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        ordered = sorted(samples)
        return cls(statistics.median(ordered), ordered[0], ordered[-1], len(ordered))


def interleaved(
    a: Callable[[], object], b: Callable[[], object], rounds: int, batch: int = 1
) -> tuple[list[float], list[float], list[float]]:
    """Times A and B in turn (ABAB...), `batch` calls per sample; returns A, B and A/B per pair,
    so a drift in the machine's speed hits both sides alike."""
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            a()
        times_a.append((time.perf_counter() - start) / batch)
        start = time.perf_counter()
        for _ in range(batch):
            b()
        times_b.append((time.perf_counter() - start) / batch)
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return times_a, times_b, ratios


def time_command(argv: Sequence[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall-clock seconds of whole process runs of `argv` (after one warm-up run)."""
    full_env = {**os.environ, **(env or {})}
    subprocess.run(argv, capture_output=True, env=full_env, check=False)  # noqa: S603
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, env=full_env, check=False)  # noqa: S603
        samples.append(time.perf_counter() - start)
    return samples


def _run_once(argv: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, env=env, check=False)  # noqa: S603
    return time.perf_counter() - start


def interleaved_commands(
    a: Sequence[str],
    b: Sequence[str],
    runs: int,
    env_a: dict[str, str] | None = None,
    env_b: dict[str, str] | None = None,
) -> tuple[list[float], list[float], list[float]]:
    """Whole-process wall seconds of `a` and `b` run in turn (ABAB..., after one warm-up run
    of each); returns A, B and A/B per pair."""
    full_a = {**os.environ, **(env_a or {})}
    full_b = {**os.environ, **(env_b or {})}
    _run_once(a, full_a)
    _run_once(b, full_b)
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(runs):
        times_a.append(_run_once(a, full_a))
        times_b.append(_run_once(b, full_b))
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return times_a, times_b, ratios


def check_command(argv: Sequence[str], env: dict[str, str] | None = None) -> str:
    """Runs `argv` once and returns its stdout; raises, with its stderr, if it failed, so a
    benchmark never times a command that only prints an error."""
    result = subprocess.run(  # noqa: S603
        argv, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr[-800:]}")
    return result.stdout
