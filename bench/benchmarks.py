"""The benchmarks: each returns rows of figures measured side by side in one run.

Sizes come from a `Sizes` object, so the smoke test runs every benchmark once with tiny ones.
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from bench._support import ROOT, Emulator, Stats, interleaved, time_command
from paradime_bolt import AsyncBoltClient, BoltClient, SimulatedClock, parse_bolt_datetime


@dataclass(frozen=True)
class Sizes:
    overhead_rounds: int = 300
    overhead_batch: int = 5
    payload_rounds: int = 15
    resources: int = 10_000
    log_bytes: int = 5_000_000
    fanout_calls: int = 200
    fanout_concurrency: int = 20
    fanout_rounds: int = 5
    startup_runs: int = 10
    wait_runs: int = 3
    wait_run_seconds: tuple[float, ...] = (3.0, 6.0, 9.0)
    simulated_run_seconds: float = 60.0


SMOKE = Sizes(
    overhead_rounds=3,
    overhead_batch=1,
    payload_rounds=1,
    resources=100,
    log_bytes=10_000,
    fanout_calls=4,
    fanout_concurrency=2,
    fanout_rounds=1,
    startup_runs=1,
    wait_runs=1,
    wait_run_seconds=(0.3,),
    simulated_run_seconds=5.0,
)


@dataclass
class Row:
    """One line of the results table."""

    name: str
    ours: Stats
    baseline: Stats | None
    ratio: Stats | None
    unit: str
    target: str
    met: bool | None
    note: str = ""


def _client(em: Emulator, **kwargs: Any) -> BoltClient:
    return BoltClient(endpoint=em.endpoint, api_key=em.api_key, api_secret=em.api_secret, **kwargs)


def _finished_run(em: Emulator, schedule: str = "daily run") -> int:
    with _client(em) as bolt:
        run = bolt.trigger_and_wait(schedule, timeout=120, poll_interval=0.05)
        return run.run_id


# -- 1. per-call overhead --------------------------------------------------------------------


def per_call_overhead(em: Emulator, sizes: Sizes) -> list[Row]:
    """`bolt_run_status` against a raw POST of the same request plus json.loads, on one warm
    connection."""
    run_id = _finished_run(em)
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    bolt = _client(em, http_client=http, max_retries=0)
    bolt.bolt_run_status(run_id)
    http.event_hooks = {"request": [], "response": []}
    request = sent[0]
    body = request.content
    headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length",)}

    def raw() -> object:
        response = http.post(em.endpoint, content=body, headers=headers)
        return json.loads(response.content)

    def typed() -> object:
        return bolt.bolt_run_status(run_id)

    for _ in range(20):
        raw()
        typed()
    a, b, ratios = interleaved(typed, raw, sizes.overhead_rounds, sizes.overhead_batch)
    http.close()
    ratio = Stats.of(ratios)
    return [
        Row(
            "per-call overhead: bolt_run_status vs raw httpx POST + json.loads",
            Stats.of([x * 1e3 for x in a]),
            Stats.of([x * 1e3 for x in b]),
            ratio,
            "ms",
            "<= 1.15x",
            ratio.median <= 1.15,
        )
    ]


# -- 2. large payloads -------------------------------------------------------------------------


def _command_payload(resources: int) -> bytes:
    items = [
        {"id": 306000 + n, "path": f"target/compiled/demo_sales_project/models/m_{n:05d}.sql"}
        for n in range(resources)
    ]
    return json.dumps(
        {
            "data": {
                "boltCommand": {
                    "ok": True,
                    "command": "dbt run",
                    "startDttm": "2024-08-27 22:59:01.476387",
                    "endDttm": "2024-08-27 22:59:11.323692",
                    "stdout": "",
                    "stderr": "",
                    "returnCode": 0,
                    "scheduleRunId": 15509,
                    "resources": items,
                }
            }
        }
    ).encode()


def _status_payload(log_bytes: int) -> bytes:
    line = (
        "22:59:01  1 of 500 OK created sql table model analytics.orders ....... [SELECT in 0.42s]\n"
    )
    log = line * (log_bytes // len(line) + 1)
    commands = [
        {
            "id": 59239 + n,
            "command": text,
            "startDttm": "2024-08-27 22:58:57.738046",
            "endDttm": "2024-08-27 22:58:59.135456",
            "stdout": log if text == "dbt run" else "",
            "stderr": "",
            "returnCode": 0,
        }
        for n, text in enumerate(["git clone ...", "dbt deps", "dbt run"])
    ]
    body = {"data": {"boltRunStatus": {"ok": True, "state": "SUCCESS", "commands": commands}}}
    return json.dumps(body).encode()


def _peak_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return peak


def _canned(payload: bytes) -> Callable[[httpx.Request], httpx.Response]:
    """A fake server that answers every request with `payload`."""

    def answer(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=payload)

    return answer


def large_payloads(sizes: Sizes) -> list[Row]:
    """The full client call on a canned answer (no network), against json.loads alone."""
    rows = []
    cases: list[tuple[str, bytes, Callable[[BoltClient], object]]] = [
        (
            f"boltCommand with {sizes.resources:,} resources",
            _command_payload(sizes.resources),
            lambda c: c.bolt_command(1),
        ),
        (
            f"boltRunStatus with {sizes.log_bytes / 1e6:g} MB of logs",
            _status_payload(sizes.log_bytes),
            lambda c: c.bolt_run_status(1),
        ),
    ]
    for label, payload, call in cases:
        transport = httpx.MockTransport(_canned(payload))
        bolt = BoltClient(
            endpoint="http://bench.invalid/graphql",
            api_key="k",
            api_secret="s",
            http_client=httpx.Client(transport=transport),
        )
        call(bolt)  # builds the models once, as any first call does

        def typed(b: BoltClient = bolt, c: Callable[[BoltClient], object] = call) -> object:
            return c(b)

        def floor(p: bytes = payload) -> object:
            return json.loads(p)

        a, b, ratios = interleaved(typed, floor, sizes.payload_rounds)
        time_ratio = Stats.of(ratios)
        rows.append(
            Row(
                f"parse {label}: time vs json.loads",
                Stats.of([x * 1e3 for x in a]),
                Stats.of([x * 1e3 for x in b]),
                time_ratio,
                "ms",
                "<= 3x",
                time_ratio.median <= 3,
            )
        )
        peaks = [_peak_bytes(typed) for _ in range(3)]
        floors = [_peak_bytes(floor) for _ in range(3)]
        peak = Stats.of([p / 1e6 for p in peaks])
        ratio = Stats.of([p / len(payload) for p in peaks])
        floor_ratio = Stats.of(floors).median / len(payload)
        rows.append(
            Row(
                f"parse {label}: peak memory vs payload ({len(payload) / 1e6:.2f} MB)",
                peak,
                Stats.of([f / 1e6 for f in floors]),
                ratio,
                "MB",
                "<= 3x payload",
                ratio.median <= 3,
                f"baseline: json.loads alone, {floor_ratio:.1f}x payload",
            )
        )
    return rows


# -- 3. fan-out --------------------------------------------------------------------------------


async def _fan_out(em: Emulator, run_id: int, calls: int, concurrency: int) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with (
        httpx.AsyncClient(limits=limits) as http,
        AsyncBoltClient(
            endpoint=em.endpoint, api_key=em.api_key, api_secret=em.api_secret, http_client=http
        ) as bolt,
    ):
        gate = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with gate:
                await bolt.bolt_run_status(run_id)

        await asyncio.gather(*(one() for _ in range(concurrency)))  # warm the pool
        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(calls)))
        return time.perf_counter() - start


def _sequential(em: Emulator, run_id: int, calls: int) -> float:
    with _client(em) as bolt:
        bolt.bolt_run_status(run_id)
        start = time.perf_counter()
        for _ in range(calls):
            bolt.bolt_run_status(run_id)
        return time.perf_counter() - start


def _sdk_sequential(em: Emulator, run_id: int, calls: int, sdk_python: Path) -> float | None:
    import subprocess

    result = subprocess.run(  # noqa: S603 - our own script in the SDK's environment
        [
            str(sdk_python),
            str(ROOT / "bench" / "sdk_calls.py"),
            em.endpoint,
            em.api_key,
            em.api_secret,
            str(run_id),
            str(calls),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={
            "PARADIME_DISABLE_VERSION_CHECK": "1",
            "PARADIME_DISABLE_TELEMETRY": "1",
            "PATH": "/usr/bin:/bin",
        },
    )
    if result.returncode != 0:
        print(f"SDK run failed: {result.stderr[-500:]}", file=sys.stderr)
        return None
    return float(json.loads(result.stdout)["seconds"])


def fan_out(em: Emulator, sizes: Sizes, sdk_python: Path | None) -> list[Row]:
    """N status calls: async with C in flight, against sequential sync calls and the SDK's."""
    run_id = _finished_run(em)
    n, c = sizes.fanout_calls, sizes.fanout_concurrency
    fan, seq, sdk = [], [], []
    for _ in range(sizes.fanout_rounds):
        fan.append(asyncio.run(_fan_out(em, run_id, n, c)))
        seq.append(_sequential(em, run_id, n))
        if sdk_python is not None:
            sdk_time = _sdk_sequential(em, run_id, n, sdk_python)
            if sdk_time is not None:
                sdk.append(sdk_time)
    speedup = Stats.of([s / f for s, f in zip(seq, fan, strict=True)])
    rows = [
        Row(
            f"fan-out: {n} bolt_run_status, async {c} in flight vs sequential sync",
            Stats.of(fan),
            Stats.of(seq),
            speedup,
            "s",
            ">= 5x faster",
            speedup.median >= 5,
            "ratio column: sequential / async",
        )
    ]
    if sdk:
        vs_sdk = Stats.of([s / f for s, f in zip(sdk, fan, strict=False)])
        rows.append(
            Row(
                f"fan-out: {n} calls, async {c} in flight vs paradime-io sequential",
                Stats.of(fan),
                Stats.of(sdk),
                vs_sdk,
                "s",
                ">= 5x faster",
                vs_sdk.median >= 5,
                "ratio column: SDK / async",
            )
        )
    return rows


# -- 4. import and start-up ------------------------------------------------------------------------


def startup(sizes: Sizes, core_python: Path, sdk_python: Path | None, cli: Path) -> list[Row]:
    """Whole-process wall time: `import` and `--help`, ours against the SDK's."""
    runs = sizes.startup_runs
    rows = []
    bare = Stats.of(time_command([str(core_python), "-c", "pass"], runs))
    package_import = time_command([str(core_python), "-c", "import paradime_bolt"], runs)
    # `import paradime_bolt` is lazy (PEP 562); importing the client is what a caller pays.
    client_import = time_command(
        [str(core_python), "-c", "from paradime_bolt import BoltClient"], runs
    )
    ours_help = time_command([str(cli), "--help"], runs)
    sdk_env = {"PARADIME_DISABLE_VERSION_CHECK": "1", "PARADIME_DISABLE_TELEMETRY": "1"}
    sdk = str(sdk_python) if sdk_python else None
    pairs = [
        (
            "import paradime_bolt vs import paradime",
            package_import,
            [sdk, "-c", "import paradime"] if sdk else None,
            "ours is lazy: names load on first use",
        ),
        (
            "import: from paradime_bolt import BoltClient vs from paradime import Paradime",
            client_import,
            [sdk, "-c", "from paradime import Paradime"] if sdk else None,
            "floor: pydantic and httpx, which importing any client built on them costs",
        ),
        (
            "paradime-bolt --help vs paradime --help",
            ours_help,
            [str(Path(sdk).parent / "paradime"), "--help"] if sdk else None,
            "",
        ),
    ]
    for label, ours, theirs_cmd, note in pairs:
        theirs = time_command(theirs_cmd, runs, sdk_env) if theirs_cmd else None
        ratio = Stats.of([a / b for a, b in zip(ours, theirs, strict=True)]) if theirs else None
        rows.append(
            Row(
                label,
                Stats.of([x * 1e3 for x in ours]),
                Stats.of([x * 1e3 for x in theirs]) if theirs else None,
                ratio,
                "ms",
                "<= 0.5x",
                None if ratio is None else ratio.median <= 0.5,
                "; ".join(x for x in (note, f"bare interpreter: {bare.median * 1e3:.0f} ms") if x),
            )
        )
    return rows


# -- 5. waiting ------------------------------------------------------------------------------


def _last_end(status: Any) -> datetime | None:
    ends = [parse_bolt_datetime(c.end_dttm) for c in status.commands or []]
    known = [e for e in ends if e is not None]
    return max(known) if known else None


def detection_delay(em: Emulator, sizes: Sizes) -> list[Row]:
    """Real runs on the emulator: from the run's last command ending to wait_for_run returning."""
    delays = []
    lengths_seen = []
    cap = 10.0
    with _client(em) as bolt:
        for seconds in sizes.wait_run_seconds:
            for _ in range(sizes.wait_runs):
                run = bolt.trigger_bolt_run("bench wait", commands=[f"dbt run --sleep {seconds:g}"])
                status = bolt.wait_for_run(run.run_id, timeout=120, max_poll_interval=cap)
                returned = datetime.now(timezone.utc)
                ended = _last_end(status)
                commands = status.commands or []
                last = commands[-1] if commands else None
                if ended is not None and last is not None and last.start_datetime is not None:
                    delays.append((returned - ended).total_seconds())
                    lengths_seen.append((ended - last.start_datetime).total_seconds())
    delay = Stats.of(delays)
    lengths = ", ".join(f"{s:g}" for s in sizes.wait_run_seconds)
    return [
        Row(
            f"wait: detection delay, runs of {lengths} s",
            delay,
            None,
            None,
            "s",
            f"<= poll cap ({cap:g} s)",
            delay.high <= cap,
            "the emulator's run lengths, measured: "
            + ", ".join(f"{x:.1f}" for x in sorted(set(round(v, 1) for v in lengths_seen)))
            + " s",
        )
    ]


def polls_for(run_seconds: float) -> tuple[int, int]:
    """Polls wait_for_run makes for a run of `run_seconds`, on a simulated clock, against a
    fixed 2-second interval. The client runs unchanged; only its clock (`clock=`) and the
    server are fake."""
    clock = SimulatedClock()
    polls = [0]

    def answer(request: httpx.Request) -> httpx.Response:
        name = json.loads(request.content)["operationName"]
        if name == "BoltRunProgress":
            polls[0] += 1
        state = "SUCCESS" if clock.now() >= run_seconds else "RUNNING"
        return httpx.Response(
            200, json={"data": {"boltRunStatus": {"ok": True, "state": state, "commands": []}}}
        )

    with BoltClient(
        endpoint="http://bench.invalid/graphql",
        api_key="k",
        api_secret="s",
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
        clock=clock,
    ) as bolt:
        bolt.wait_for_run(1, timeout=None)
    fixed = math.floor(run_seconds / 2.0) + 1
    return polls[0], fixed


def poll_count(sizes: Sizes) -> list[Row]:
    ours, fixed = polls_for(sizes.simulated_run_seconds)
    return [
        Row(
            f"wait: polls for a {sizes.simulated_run_seconds:g}-second run vs a fixed 2 s interval",
            Stats.of([ours]),
            Stats.of([fixed]),
            Stats.of([ours / fixed]),
            "polls",
            "fewer",
            ours < fixed,
        )
    ]
