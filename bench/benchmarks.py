"""The benchmarks: each returns rows of figures measured side by side in one run.

Sizes come from a `Sizes` object, so the smoke test runs every benchmark once with tiny ones.
"""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from bench._support import (
    ROOT,
    Emulator,
    Stats,
    check_command,
    interleaved,
    interleaved_commands,
    time_command,
)
from paradime_bolt import AsyncBoltClient, BoltClient, SimulatedClock, parse_bolt_datetime
from paradime_bolt._transport import _Pool


@dataclass(frozen=True)
class Sizes:
    overhead_rounds: int = 300
    overhead_batch: int = 5
    payload_rounds: int = 15
    memory_rounds: int = 3
    resources: int = 10_000
    log_bytes: int = 5_000_000
    fanout_calls: int = 200
    fanout_concurrency: int = 20
    fanout_rounds: int = 5
    fanout_pairs: int = 10
    startup_runs: int = 10
    wait_runs: int = 3
    wait_run_seconds: tuple[float, ...] = (3.0, 6.0, 9.0)
    simulated_run_seconds: float = 60.0
    many_waits: int = 1000
    many_waits_interval: float = 5.0
    many_waits_window: float = 20.0
    many_waits_rounds: int = 3


SMOKE = Sizes(
    overhead_rounds=3,
    overhead_batch=1,
    payload_rounds=1,
    memory_rounds=1,
    resources=100,
    log_bytes=10_000,
    fanout_calls=4,
    fanout_concurrency=2,
    fanout_rounds=1,
    fanout_pairs=1,
    startup_runs=1,
    wait_runs=1,
    wait_run_seconds=(0.3,),
    simulated_run_seconds=5.0,
    many_waits=5,
    many_waits_interval=0.2,
    many_waits_window=0.5,
    many_waits_rounds=1,
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


@dataclass(frozen=True)
class Captured:
    """What our client put on the wire for one `bolt_run_status`, and what came back."""

    run_id: int
    body: bytes
    headers: dict[str, str]
    answer: bytes

    @property
    def payload(self) -> Any:
        """The request's JSON document (query text, variables, operation name)."""
        return json.loads(self.body)


def capture_run_status(em: Emulator) -> Captured:
    """One `bolt_run_status` of a finished run, its request and answer recorded, so each
    raw baseline sends the same bytes and headers (minus those httpx computes itself)."""
    run_id = _finished_run(em)
    sent: list[httpx.Request] = []
    with httpx.Client(event_hooks={"request": [sent.append]}) as http:
        bolt = _client(em, http_client=http, max_retries=0)
        bolt.bolt_run_status(run_id)
        request = sent[0]
        answer = http.post(em.endpoint, content=request.content, headers=request.headers)
    skip = ("content-length", "host")
    headers = {k: v for k, v in request.headers.items() if k.lower() not in skip}
    return Captured(run_id, request.content, headers, answer.content)


def _per_call_row(
    label: str, typed: Callable[[], object], raw: Callable[[], object], sizes: Sizes, note: str
) -> Row:
    for _ in range(20):
        raw()
        typed()
    a, b, ratios = interleaved(typed, raw, sizes.overhead_rounds, sizes.overhead_batch)
    ratio = Stats.of(ratios)
    return Row(
        f"per-call overhead, {label}: bolt_run_status vs raw httpx post(json=) + json.loads",
        Stats.of([x * 1e3 for x in a]),
        Stats.of([x * 1e3 for x in b]),
        ratio,
        "ms",
        "<= 1.0x",
        ratio.median <= 1.0,
        note,
    )


def per_call_overhead(em: Emulator, sizes: Sizes) -> list[Row]:
    """The steady-state typed call against a plain `httpx.Client.post(url, json=payload)` and
    `json.loads` of the same operation (same query text and variables), on one warm client:
    first on a mock transport answering canned bytes (client CPU alone), then on loopback."""
    captured = capture_run_status(em)
    payload = captured.payload
    run_id = captured.run_id
    baseline = (
        "baseline: httpx.Client(headers=our headers).post(endpoint string, json=the same "
        "query and variables), json.loads(response.content)"
    )
    rows = []
    mock = httpx.MockTransport(_canned(captured.answer))
    with httpx.Client(transport=mock, headers=captured.headers) as raw_http:
        # The client's own pool, as `BoltClient()` makes it, over the mock transport.
        bolt = _client(em, max_retries=0)
        bolt._transport.pool = _Pool(transport=mock, timeout=bolt.config.timeout)

        def raw_mock() -> object:
            return json.loads(raw_http.post(em.endpoint, json=payload).content)

        rows.append(
            _per_call_row(
                "mock transport",
                lambda: bolt.bolt_run_status(run_id),
                raw_mock,
                sizes,
                f"{baseline}; both on one httpx.MockTransport answering the emulator's "
                f"canned answer ({len(captured.answer):,} bytes), no network; ours: the "
                "client's own pool over that transport",
            )
        )
    with httpx.Client(headers=captured.headers) as raw_http:
        bolt = _client(em, max_retries=0)  # its own pool, as users build it

        def raw_loopback() -> object:
            return json.loads(raw_http.post(em.endpoint, json=payload).content)

        rows.append(
            _per_call_row(
                "loopback",
                lambda: bolt.bolt_run_status(run_id),
                raw_loopback,
                sizes,
                f"{baseline}; both against the emulator, one keep-alive connection each; ours: "
                "BoltClient() with its own pool",
            )
        )
    return rows


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


def _rss_rise(kind: str, side: str, payload_file: Path) -> int:
    """Bytes one parse raised the resident high-water mark by, in a fresh process
    (bench/rss_probe.py)."""
    result = subprocess.run(  # noqa: S603 - our own probe, our own interpreter
        [sys.executable, "-m", "bench.rss_probe", kind, side, str(payload_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return int(json.loads(result.stdout)["rise_bytes"])


def _memory_row(label: str, kind: str, payload: bytes, sizes: Sizes) -> Row:
    """Ours, json.loads and a plain pydantic model, each in its own fresh process, in turn."""
    rises: dict[str, list[int]] = {"ours": [], "json": [], "pydantic": []}
    with tempfile.TemporaryDirectory() as scratch:
        payload_file = Path(scratch) / "payload.json"
        payload_file.write_bytes(payload)
        for _ in range(sizes.memory_rounds):
            for side, found in rises.items():
                found.append(_rss_rise(kind, side, payload_file))
    size = len(payload)
    ratio = Stats.of([r / size for r in rises["ours"]])
    floor_json = Stats.of(rises["json"]).median / size
    floor_pydantic = Stats.of(rises["pydantic"]).median / size
    return Row(
        f"parse {label}: resident high-water rise vs payload ({size / 1e6:.2f} MB)",
        Stats.of([r / 1e6 for r in rises["ours"]]),
        Stats.of([r / 1e6 for r in rises["json"]]),
        ratio,
        "MB",
        "<= 3x payload, or within 5% of a plain pydantic model's",
        ratio.median <= 3 or ratio.median <= floor_pydantic * 1.05,
        "ratio: our rise / payload size; one parse per fresh process, everything imported and "
        "warmed first (bench/rss_probe.py, VmHWM); baseline column: json.loads alone, "
        f"{floor_json:.1f}x payload; a plain pydantic model of the same fields "
        f"(model_validate_json): {floor_pydantic:.1f}x payload",
    )


def _canned(payload: bytes) -> Callable[[httpx.Request], httpx.Response]:
    """A fake server that answers every request with `payload`."""

    def answer(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=payload)

    return answer


def large_payloads(sizes: Sizes) -> list[Row]:
    """The full client call on a canned answer (no network): time against json.loads alone,
    memory as the resident high-water rise in fresh processes against json.loads and pydantic."""
    rows = []
    cases: list[tuple[str, str, bytes, Callable[[BoltClient], object]]] = [
        (
            f"boltCommand with {sizes.resources:,} resources",
            "command",
            _command_payload(sizes.resources),
            lambda c: c.bolt_command(1),
        ),
        (
            f"boltRunStatus with {sizes.log_bytes / 1e6:g} MB of logs",
            "status",
            _status_payload(sizes.log_bytes),
            lambda c: c.bolt_run_status(1),
        ),
    ]
    for label, kind, payload, call in cases:
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
        rows.append(_memory_row(label, kind, payload, sizes))
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


async def _raw_fan_out(em: Emulator, captured: Captured, calls: int, concurrency: int) -> float:
    """The same fan-out by hand: `httpx.AsyncClient.post(json=...)` and json.loads."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    payload = captured.payload
    async with httpx.AsyncClient(limits=limits, headers=captured.headers) as http:
        gate = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with gate:
                response = await http.post(em.endpoint, json=payload)
                json.loads(response.content)

        await asyncio.gather(*(one() for _ in range(concurrency)))  # warm the pool
        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(calls)))
        return time.perf_counter() - start


def fan_out(em: Emulator, sizes: Sizes, sdk_python: Path | None, latency_ms: float) -> list[Row]:
    """N status calls, C in flight, on an emulator answering after `latency_ms`: against the
    ideal N / C x latency, a raw httpx.AsyncClient fan-out, sequential sync calls and the SDK's."""
    captured = capture_run_status(em)
    run_id = captured.run_id
    n, c = sizes.fanout_calls, sizes.fanout_concurrency
    ideal = n / c * latency_ms / 1e3
    ours, raw = [], []
    for _ in range(sizes.fanout_pairs):
        ours.append(asyncio.run(_fan_out(em, run_id, n, c)))
        raw.append(asyncio.run(_raw_fan_out(em, captured, n, c)))
    vs_raw = Stats.of([a / b for a, b in zip(ours, raw, strict=True)])
    vs_ideal = Stats.of([a / ideal for a in ours])
    fan, seq, sdk = [], [], []
    for _ in range(sizes.fanout_rounds):
        fan.append(asyncio.run(_fan_out(em, run_id, n, c)))
        seq.append(_sequential(em, run_id, n))
        if sdk_python is not None:
            sdk_time = _sdk_sequential(em, run_id, n, sdk_python)
            if sdk_time is not None:
                sdk.append(sdk_time)
    speedup = Stats.of([s / f for s, f in zip(seq, fan, strict=True)])
    latency = f"{latency_ms:g} ms emulated latency"
    rows = [
        Row(
            f"fan-out: {n} bolt_run_status, async {c} in flight, {latency}, vs the ideal "
            f"{n} / {c} x latency",
            Stats.of(ours),
            Stats.of([ideal]),
            vs_ideal,
            "s",
            "<= 1.5x",
            vs_ideal.median <= 1.5,
            "baseline: the wire's floor, no client or server CPU at all",
        ),
        Row(
            f"fan-out: {n} bolt_run_status, async {c} in flight, {latency}, vs raw "
            "httpx.AsyncClient",
            Stats.of(ours),
            Stats.of(raw),
            vs_raw,
            "s",
            "<= 1.1x",
            vs_raw.median <= 1.1,
            f"baseline: httpx.AsyncClient(same limits, our headers).post(json=the same query and "
            f"variables) + json.loads, {c} in flight by a semaphore; A and B in turn, "
            f"{sizes.fanout_pairs} pairs",
        ),
        Row(
            f"fan-out: {n} bolt_run_status, async {c} in flight vs sequential sync",
            Stats.of(fan),
            Stats.of(seq),
            speedup,
            "s",
            ">= 5x faster",
            speedup.median >= 5,
            "ratio column: sequential / async",
        ),
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


SDK_ENV = {"PARADIME_DISABLE_VERSION_CHECK": "1", "PARADIME_DISABLE_TELEMETRY": "1"}
_BUILD_ARGS = "endpoint='http://127.0.0.1:8765/graphql', api_key='k', api_secret='s'"
BUILD_OURS = f"from paradime_bolt import BoltClient; BoltClient({_BUILD_ARGS})"
BUILD_SDK = (
    "from paradime import Paradime; "
    "Paradime(api_endpoint='http://127.0.0.1:8765/graphql', api_key='k', api_secret='s')"
)
FLOOR = "import httpx, pydantic"
# What any client whose results are pydantic models pays beyond FLOOR: `import pydantic` is lazy,
# and defining one model (with a Field) loads pydantic's model and field machinery.
FLOOR_WITH_A_MODEL = (
    "import httpx, pydantic\n"
    "class Run(pydantic.BaseModel):\n    run_id: int = pydantic.Field(alias='runId')"
)


def _model_floor(python: str, runs: int) -> str:
    """FLOOR plus one pydantic model, as a ratio to FLOOR (for the import rows' notes)."""
    _, _, ratios = interleaved_commands(
        [python, "-c", FLOOR_WITH_A_MODEL], [python, "-c", FLOOR], runs
    )
    return f"FLOOR plus defining one pydantic model: {Stats.of(ratios).median:.2f}x FLOOR"


def _process_row(
    label: str,
    a: list[str],
    b: list[str] | None,
    runs: int,
    target: float,
    note: str,
    env_a: dict[str, str] | None = None,
    env_b: dict[str, str] | None = None,
) -> Row:
    """Whole processes A and B in turn; the ratio pair by pair. B None: A alone, no ratio."""
    if b is None:
        ours = time_command(a, runs, env_a)
        theirs: list[float] | None = None
        ratio = None
    else:
        ours, theirs, ratios = interleaved_commands(a, b, runs, env_a, env_b)
        ratio = Stats.of(ratios)
    return Row(
        label,
        Stats.of([x * 1e3 for x in ours]),
        Stats.of([x * 1e3 for x in theirs]) if theirs else None,
        ratio,
        "ms",
        f"<= {target:g}x",
        None if ratio is None else ratio.median <= target,
        note,
    )


def startup(sizes: Sizes, core_python: Path, sdk_python: Path | None, cli: Path) -> list[Row]:
    """Whole-process wall time: import and build the client, `--help`; against the floor of
    httpx and pydantic (or click), and against the SDK's."""
    runs = sizes.startup_runs
    dev = sys.executable
    bare = Stats.of(time_command([dev, "-c", "pass"], runs)).median * 1e3
    sdk = str(sdk_python) if sdk_python else None
    sdk_cli = str(Path(sdk).parent / "paradime") if sdk else None
    dev_note = "our dev environment (the cli extra: click, rich, pygments installed)"
    return [
        _process_row(
            "import paradime_bolt vs import paradime",
            [str(core_python), "-c", "import paradime_bolt"],
            [sdk, "-c", "import paradime"] if sdk else None,
            runs,
            0.5,
            "ours is lazy: names load on first use",
            env_b=SDK_ENV,
        ),
        _process_row(
            "import and build, whole process: from paradime_bolt import BoltClient; "
            f"BoltClient(...) vs python -c '{FLOOR}'",
            [dev, "-c", BUILD_OURS],
            [dev, "-c", FLOOR],
            runs,
            1.2,
            f"{dev_note}, same interpreter both sides; {_model_floor(dev, runs)}; "
            f"bare interpreter: {bare:.0f} ms",
        ),
        _process_row(
            "import and build, whole process, paradime-bolt alone (no extras): BoltClient(...) "
            f"vs python -c '{FLOOR}'",
            [str(core_python), "-c", BUILD_OURS],
            [str(core_python), "-c", FLOOR],
            runs,
            1.2,
            "the .bench/core environment: paradime-bolt and its own dependencies, no extras; "
            f"{_model_floor(str(core_python), runs)}",
        ),
        _process_row(
            "import and build, whole process: BoltClient(...) vs paradime-io Paradime(...)",
            [dev, "-c", BUILD_OURS],
            [sdk, "-c", BUILD_SDK] if sdk else None,
            runs,
            0.5,
            f"ours: {dev_note}; the SDK in its own environment, its PyPI version check and "
            "telemetry off (PARADIME_DISABLE_VERSION_CHECK, PARADIME_DISABLE_TELEMETRY)",
            env_b=SDK_ENV,
        ),
        _process_row(
            "paradime-bolt --help vs python -c 'import click'",
            [str(cli), "--help"],
            [dev, "-c", "import click"],
            runs,
            1.5,
            "same interpreter; click is the floor of any click command line",
        ),
        _process_row(
            "paradime-bolt --help vs paradime --help",
            [str(cli), "--help"],
            [sdk_cli, "--help"] if sdk_cli else None,
            runs,
            0.5,
            f"bare interpreter: {bare:.0f} ms",
            env_b=SDK_ENV,
        ),
    ]


# -- 4b. one-call processes: a CLI step and a first call --------------------------------------


def _emulator_env(em: Emulator) -> dict[str, str]:
    return {
        "PARADIME_API_ENDPOINT": em.endpoint,
        "PARADIME_API_KEY": em.api_key,
        "PARADIME_API_SECRET": em.api_secret,
    }


def one_call_processes(
    em: Emulator, sizes: Sizes, sdk_python: Path | None, cli: Path, home: Path
) -> list[Row]:
    """Whole processes that make one API call to the emulator: a CLI command, and the first
    `bolt_run_status` of a script, against a raw httpx + pydantic script sending the same
    bytes, and the SDK's CLI. `home` is an empty HOME for the SDK (it reads
    ~/.paradime/credentials)."""
    runs = sizes.startup_runs
    dev = sys.executable
    captured = capture_run_status(em)
    run_id = captured.run_id
    env = _emulator_env(em)
    raw_script = str(ROOT / "bench" / "raw_call.py")
    raw = [dev, raw_script, em.endpoint, captured.body.decode(), json.dumps(captured.headers)]
    ours_status = [str(cli), "runs", "status", str(run_id), "--json"]
    first_call = (
        "from paradime_bolt import BoltClient; "
        f"BoltClient(endpoint={em.endpoint!r}, api_key={em.api_key!r}, "
        f"api_secret={em.api_secret!r}).bolt_run_status({run_id})"
    )
    ours_first = [dev, "-c", first_call]
    for argv, argv_env in ((ours_status, env), (raw, None), ([*raw, "--validate"], None)):
        check_command(argv, argv_env)
    check_command(ours_first)
    raw_note = (
        "baseline: bench/raw_call.py, httpx.post of the same body bytes and headers our client "
        "sends"
    )
    rows = [
        _process_row(
            "CLI, one API call, whole process: paradime-bolt runs status ID --json vs raw httpx "
            "+ pydantic script",
            ours_status,
            raw,
            runs,
            1.3,
            f"{raw_note}, json.loads of the answer; same interpreter; credentials from "
            "PARADIME_API_*",
            env_a=env,
        ),
        _process_row(
            "first bolt_run_status in a fresh process (import, build, call, parse) vs raw httpx "
            "+ pydantic script",
            ours_first,
            [*raw, "--validate"],
            runs,
            1.2,
            f"{raw_note}, the answer validated by a small pydantic model (--validate)",
        ),
    ]
    if sdk_python is None:
        return rows
    sdk_env = {**env, **SDK_ENV, "HOME": str(home)}
    # The SDK's CLI has no run-status command; `bolt run SLUG` is its nearest one-call command.
    ours_trigger = [str(cli), "run", "bench cli", "--json"]
    sdk_trigger = [str(sdk_python.parent / "paradime"), "bolt", "run", "bench-cli", "--json"]
    check_command(ours_trigger, env)
    sdk_out = check_command(sdk_trigger, sdk_env)
    if '"run_id"' not in sdk_out:
        raise RuntimeError(f"the SDK's CLI did not trigger a run: {sdk_out[-500:]}")
    rows.append(
        _process_row(
            "CLI, one API call, whole process: paradime-bolt run SCHEDULE --json vs paradime "
            "bolt run SLUG --json",
            ours_trigger,
            sdk_trigger,
            runs,
            0.4,
            "the SDK's CLI has no run-status command (bolt: run, retry, schedule suspend, "
            "artifact, verify, migrate), so both sides trigger the same schedule, one "
            "triggerBoltRun each; the SDK's version check and telemetry off, an empty HOME",
            env_a=env,
            env_b=sdk_env,
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
