"""Shared by the benchmarks: an emulator in its own process, and robust statistics."""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
    args = [sys.executable, "-m", "paradime_bolt.emulator", "--port", "0", "--log-level", "warning"]
    args += ["--api-key", API_KEY, "--api-secret", API_SECRET, *extra_args]
    if schedules is not None:
        args += ["--schedules", str(schedules)]
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        endpoint = _read_endpoint(process)
        yield Emulator(endpoint)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read_endpoint(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.fullmatch(r"(https?://\S+/graphql)\s*", line)
        if match:
            return match.group(1)
    stderr = process.stderr.read() if process.stderr else ""
    raise RuntimeError(f"the emulator did not start: {stderr[-2000:]}")


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
