"""The embedded emulator's speed as a server, against a trivial ariadne server (the baseline).

Users' test suites run against the emulator, so its round trip is their test time. The baseline
(`bench/trivial_server.py`) serves the same schema with ariadne's defaults and a constant
resolver answering what the emulator answers, on the same uvicorn stack, in its own process.
Both get the same bytes: the `BoltRunStatus` request the client sends, with its headers.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench._support import ROOT, Emulator, Stats, interleaved
from bench.benchmarks import Row, _client, _finished_run


@dataclass(frozen=True)
class SpeedSizes:
    rounds: int = 200
    batch: int = 5
    clients: int = 20
    requests_per_client: int = 50
    load_rounds: int = 7


SPEED_SMOKE = SpeedSizes(rounds=2, batch=1, clients=2, requests_per_client=2, load_rounds=1)


@dataclass(frozen=True)
class Request:
    """The exact request the client sends for `bolt_run_status`."""

    body: bytes
    headers: dict[str, str]


@contextmanager
def trivial_server(payload: dict[str, object]) -> Iterator[str]:
    """The baseline server in its own process; yields its endpoint."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "payload.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        process = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(ROOT / "bench" / "trivial_server.py"), str(path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            endpoint = process.stdout.readline().strip()
            if not endpoint.startswith("http://"):
                raise RuntimeError("the trivial server did not start")
            yield endpoint
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _status_request(em: Emulator, run_id: int) -> tuple[Request, dict[str, object]]:
    """The client's request for a run's status, and the `boltRunStatus` the emulator answers."""
    sent: list[httpx.Request] = []
    with (
        httpx.Client(event_hooks={"request": [sent.append]}) as http,
        _client(em, http_client=http, max_retries=0) as bolt,
    ):
        bolt.bolt_run_status(run_id)
    request = sent[0]
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    answer = httpx.post(em.endpoint, content=request.content, headers=headers).json()
    return Request(request.content, headers), answer["data"]["boltRunStatus"]


def _check(response: httpx.Response) -> None:
    if response.status_code != 200 or b'"errors"' in response.content:
        raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:300]}")


def _wire(endpoint: str, request: Request) -> tuple[str, int, bytes]:
    """Host, port and the raw HTTP/1.1 bytes of the request, built once."""
    url = httpx.URL(endpoint)
    headers = {**request.headers, "host": f"{url.host}:{url.port}"}
    headers["content-length"] = str(len(request.body))
    head = f"POST {url.raw_path.decode()} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    return str(url.host), int(url.port or 80), head.encode() + b"\r\n" + request.body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> None:
    """One request on a kept-alive connection; its response read whole."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    if status != b"200" or b'"errors"' in body:
        raise RuntimeError(f"unexpected answer {status!r}: {body[:300]!r}")


async def _load(
    endpoint: str, request: Request, clients: int, each: int
) -> tuple[float, list[float]]:
    """`clients` kept-alive connections, each sending `each` requests back to back: requests
    per second and every request's latency (seconds). The load is raw asyncio streams with the
    request's bytes built once, so the load generator costs far less than either server."""
    host, port, raw = _wire(endpoint, request)
    latencies: list[float] = []
    connections = [await asyncio.open_connection(host, port) for _ in range(clients)]
    try:
        for reader, writer in connections:  # warm every connection
            await _exchange(reader, writer, raw)

        async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            for _ in range(each):
                start = time.perf_counter()
                await _exchange(reader, writer, raw)
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(client(reader, writer) for reader, writer in connections))
        elapsed = time.perf_counter() - start
    finally:
        for _, writer in connections:
            writer.close()
    return clients * each / elapsed, latencies


def _quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def server_speed(em: Emulator, smoke: bool) -> list[Row]:
    """Round trip and throughput of `BoltRunStatus`: the emulator against the trivial server."""
    sizes = SPEED_SMOKE if smoke else SpeedSizes()
    run_id = _finished_run(em)
    request, payload = _status_request(em, run_id)
    with trivial_server(payload) as baseline_endpoint:
        ours_http = httpx.Client()
        theirs_http = httpx.Client()

        def ours() -> object:
            response = ours_http.post(em.endpoint, content=request.body, headers=request.headers)
            _check(response)
            return response

        def theirs() -> object:
            response = theirs_http.post(
                baseline_endpoint, content=request.body, headers=request.headers
            )
            _check(response)
            return response

        for _ in range(20 if not smoke else 1):
            ours()
            theirs()
        a, b, ratios = interleaved(ours, theirs, sizes.rounds, sizes.batch)
        ours_http.close()
        theirs_http.close()

        rates_ours: list[float] = []
        rates_theirs: list[float] = []
        lat_ours: list[list[float]] = []
        lat_theirs: list[list[float]] = []
        for _ in range(sizes.load_rounds):
            rate, latencies = asyncio.run(
                _load(em.endpoint, request, sizes.clients, sizes.requests_per_client)
            )
            rates_ours.append(rate)
            lat_ours.append(latencies)
            rate, latencies = asyncio.run(
                _load(baseline_endpoint, request, sizes.clients, sizes.requests_per_client)
            )
            rates_theirs.append(rate)
            lat_theirs.append(latencies)

    round_trip = Stats.of(ratios)
    speedup = Stats.of([x / y for x, y in zip(rates_ours, rates_theirs, strict=True)])
    p50 = [_quantile(s, 0.5) * 1e3 for s in lat_ours]
    p99 = [_quantile(s, 0.99) * 1e3 for s in lat_ours]
    tails = Stats.of([x / y for x, y in zip(p99, p50, strict=True)])
    their_p50 = statistics.median(_quantile(s, 0.5) * 1e3 for s in lat_theirs)
    their_p99 = statistics.median(_quantile(s, 0.99) * 1e3 for s in lat_theirs)
    c = sizes.clients
    return [
        Row(
            "server: BoltRunStatus round trip, emulator vs trivial ariadne server",
            Stats.of([x * 1e3 for x in a]),
            Stats.of([x * 1e3 for x in b]),
            round_trip,
            "ms",
            "<= 1.0x",
            round_trip.median <= 1.0,
            "baseline: ariadne defaults, same schema, constant resolver, same uvicorn stack",
        ),
        Row(
            f"server: throughput, {c} concurrent clients, emulator vs trivial ariadne server",
            Stats.of(rates_ours),
            Stats.of(rates_theirs),
            speedup,
            "req/s",
            ">= 1.2x",
            speedup.median >= 1.2,
            f"{c} x {sizes.requests_per_client} BoltRunStatus per round",
        ),
        Row(
            f"server: latency with {c} concurrent clients, emulator p99 vs p50",
            Stats.of(p99),
            Stats.of(p50),
            tails,
            "ms",
            "< 10x",
            tails.median < 10,
            f"trivial server: p50 {their_p50:.1f} ms, p99 {their_p99:.1f} ms; load from raw "
            "sockets (an httpx.AsyncClient load generator, CPU-bound at ~200 req/s, made the "
            "0.3-0.9 s p99 tail itself)",
        ),
    ]
