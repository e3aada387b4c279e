"""Many waits in one triggerer: N `BoltRunTrigger`s on one event loop, in a fresh process, against
a raw `httpx.AsyncClient` polling loop doing the same requests.

    python -m bench.many_waits {triggers,raw} ENDPOINT RUN_ID WAITS INTERVAL WINDOW  ->  JSON

Each side imports what it needs and makes one poll first (so module loading and the first
connection are not counted), notes its resident size, starts WAITS waits that poll run RUN_ID
(a run that outlasts the measurement) every INTERVAL seconds, their starts spread over one
INTERVAL as a triggerer's are (not all polling at the same instant), waits until every one has
polled and one more INTERVAL has passed, then measures over WINDOW seconds: the CPU time of the
process per poll made, and the resident size per wait (the rise over the first note, divided by
WAITS). The triggers count their polls by the client's `bolt_run_progress` (a wrapper that only
counts).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bench._support import API_KEY, API_SECRET, Emulator, Stats

if TYPE_CHECKING:
    from bench.benchmarks import Row, Sizes

STARTUP_BOUND = 600.0

PROGRESS_QUERY = (
    "query BoltRunProgress($runId: Int!) { boltRunStatus(runId: $runId) "
    "{ ok state commands { id command returnCode startDttm endDttm } } }"
)


def resident_bytes() -> int:
    """The process's resident set now (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


async def _measure(
    start_waits: Callable[[], list[asyncio.Task[Any]]],
    polls: Callable[[], int],
    first_poll: Callable[[], Awaitable[object]],
    waits: int,
    interval: float,
    window: float,
) -> dict[str, float]:
    await first_poll()
    before = resident_bytes()
    tasks = start_waits()
    # Starting is not waiting: each trigger first reads its connection. The window opens once
    # every wait has polled (bounded), and one more interval has passed.
    started = time.monotonic()
    while polls() < waits and time.monotonic() - started < STARTUP_BOUND:
        await asyncio.sleep(0.1)
    startup = time.monotonic() - started
    await asyncio.sleep(interval)
    polls_at, cpu_at = polls(), time.process_time()
    await asyncio.sleep(window)
    made, cpu = polls() - polls_at, time.process_time() - cpu_at
    resident = resident_bytes()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "startup_s": startup,
        "polls": made,
        "cpu_per_poll_ms": cpu / max(made, 1) * 1e3,
        "kib_per_wait": (resident - before) / waits / 1024,
    }


async def triggers(endpoint: str, run_id: int, waits: int, interval: float, window: float) -> Any:
    """Our side: `BoltRunTrigger.run()` as the triggerer runs it, WAITS at once."""
    os.environ["AIRFLOW_CONN_PARADIME_BOLT_DEFAULT"] = json.dumps(
        {
            "conn_type": "paradime_bolt",
            "host": endpoint,
            "login": API_KEY,
            "password": API_SECRET,
        }
    )
    from paradime_bolt import AsyncBoltClient
    from paradime_bolt_airflow import BoltRunTrigger

    count = 0
    original = AsyncBoltClient.bolt_run_progress

    async def counted(self: AsyncBoltClient, *args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        return await original(self, *args, **kwargs)

    AsyncBoltClient.bolt_run_progress = counted  # type: ignore[method-assign]

    def trigger() -> BoltRunTrigger:
        return BoltRunTrigger(run_id, poll_interval=interval, end_time=time.time() + 3600)

    async def drain(t: BoltRunTrigger) -> None:
        async for _event in t.run():
            return

    async def first_poll() -> None:
        # One trigger that polls once: imports, the connection lookup and the first connection.
        task = asyncio.ensure_future(drain(trigger()))
        while count == 0:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def one(index: int) -> None:
        await asyncio.sleep(index * interval / waits)
        await drain(trigger())

    def start() -> list[asyncio.Task[Any]]:
        return [asyncio.ensure_future(one(i)) for i in range(waits)]

    return await _measure(start, lambda: count, first_poll, waits, interval, window)


async def raw(endpoint: str, run_id: int, waits: int, interval: float, window: float) -> Any:
    """The baseline: one shared httpx.AsyncClient, WAITS loops of post, json.loads, sleep."""
    import httpx

    count = 0
    headers = {"X-API-KEY": API_KEY, "X-API-SECRET": API_SECRET}
    body = {"query": PROGRESS_QUERY, "variables": {"runId": run_id}}
    client = httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=100))

    async def poll() -> str:
        nonlocal count
        count += 1
        answer = await client.post(endpoint, json=body, headers=headers)
        state: str = json.loads(answer.content)["data"]["boltRunStatus"]["state"]
        return state

    async def loop(index: int) -> None:
        await asyncio.sleep(index * interval / waits)
        while await poll() not in ("SUCCESS", "ERROR", "FAILED", "CANCELED", "SKIPPED"):
            await asyncio.sleep(interval)

    def start() -> list[asyncio.Task[Any]]:
        return [asyncio.ensure_future(loop(i)) for i in range(waits)]

    try:
        return await _measure(start, lambda: count, poll, waits, interval, window)
    finally:
        await client.aclose()


def _side(side: str, em: Emulator, run_id: int, sizes: Sizes) -> dict[str, float]:
    argv = [
        sys.executable,
        "-m",
        "bench.many_waits",
        side,
        em.endpoint,
        str(run_id),
        str(sizes.many_waits),
        f"{sizes.many_waits_interval:g}",
        f"{sizes.many_waits_window:g}",
    ]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"many_waits {side} exited {result.returncode}: {result.stderr[-2000:]}")
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def many_waits(em: Emulator, sizes: Sizes) -> list[Row]:
    """The rows: resident memory per waiting trigger and CPU per poll, triggers vs the raw loop,
    each side in a fresh process, in turn, ratios pair by pair."""
    from bench.benchmarks import Row
    from paradime_bolt import BoltClient

    with BoltClient(endpoint=em.endpoint, api_key=em.api_key, api_secret=em.api_secret) as bolt:
        run_id = bolt.trigger_bolt_run("bench long").run_id
    ours: list[dict[str, float]] = []
    raw_loop: list[dict[str, float]] = []
    for _ in range(sizes.many_waits_rounds):
        ours.append(_side("triggers", em, run_id, sizes))
        raw_loop.append(_side("raw", em, run_id, sizes))
    with BoltClient(endpoint=em.endpoint, api_key=em.api_key, api_secret=em.api_secret) as bolt:
        bolt.cancel_bolt_run(run_id)
    n = sizes.many_waits
    setting = f"{n} BoltRunTriggers on one event loop polling every {sizes.many_waits_interval:g} s"
    startup = Stats.of([r["startup_s"] for r in ours]).median
    baseline = (
        "baseline: one shared httpx.AsyncClient, the same query, json.loads, asyncio.sleep; "
        f"each side a fresh process, in turn, {sizes.many_waits_rounds} pairs, measured once "
        f"every wait has polled (the {n} triggers took {startup:.1f} s to start); "
        f"polls measured per side: {Stats.of([r['polls'] for r in ours]).median:.0f} vs "
        f"{Stats.of([r['polls'] for r in raw_loop]).median:.0f} in "
        f"{sizes.many_waits_window:g} s"
    )
    rows = []
    for key, label, unit, limit in (
        ("kib_per_wait", "resident memory per waiting trigger", "KiB", 1.5),
        ("cpu_per_poll_ms", "CPU per poll", "ms", 1.2),
    ):
        a = [r[key] for r in ours]
        b = [r[key] for r in raw_loop]
        ratio = Stats.of([x / y if y > 0 else float("inf") for x, y in zip(a, b, strict=True)])
        rows.append(
            Row(
                f"many waits: {label}, {setting}, vs a raw httpx polling loop",
                Stats.of(a),
                Stats.of(b),
                ratio,
                unit,
                f"<= {limit:g}x",
                ratio.median <= limit,
                baseline,
            )
        )
    return rows


def main(argv: list[str]) -> int:
    side, endpoint, run_id, waits, interval, window = argv
    home = tempfile.mkdtemp(prefix="bench-airflow-")
    os.environ.setdefault("AIRFLOW_HOME", home)  # importing Airflow must not create ~/airflow
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    chosen = {"triggers": triggers, "raw": raw}[side]
    result = asyncio.run(chosen(endpoint, int(run_id), int(waits), float(interval), float(window)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
