"""One memory measurement in a fresh process: how far one parse raises the resident set.

    python -m bench.rss_probe {command,status} {ours,json,pydantic} PAYLOAD_FILE  ->  JSON

Everything is imported, and the parse warmed on a tiny payload of the same shape, before the
payload file is read; then the resident high-water mark is reset to the current resident size
(`/proc/self/clear_refs`), the payload is parsed once, and the rise of the high-water mark is
the answer. tracemalloc cannot see pydantic-core's own buffers; this sees every byte resident.

The high-water mark is the kernel's VmHWM, not `getrusage().ru_maxrss`: a child started by
`subprocess` (vfork, then exec) inherits the parent's high-water mark in ru_maxrss, so a child
of a large benchmark process would report the parent's size. Without a writable clear_refs
(not Linux) it falls back to ru_maxrss before and after, which may under-count.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pydantic

from bench.benchmarks import _command_payload, _status_payload
from paradime_bolt import BoltClient


class Resource(pydantic.BaseModel):
    id: int
    path: str


# Field names as the API spells them: a plain model, no aliases, the cheapest pydantic way.
class Command(pydantic.BaseModel):
    id: int | None = None
    ok: bool | None = None
    command: str | None = None
    startDttm: str | None = None
    endDttm: str | None = None
    stdout: str | None = None
    stderr: str | None = None
    returnCode: int | None = None
    scheduleRunId: int | None = None
    resources: list[Resource] | None = None


class RunStatus(pydantic.BaseModel):
    ok: bool | None = None
    state: str | None = None
    commands: list[Command] | None = None


class CommandData(pydantic.BaseModel):
    boltCommand: Command


class StatusData(pydantic.BaseModel):
    boltRunStatus: RunStatus


class CommandAnswer(pydantic.BaseModel):
    data: CommandData


class StatusAnswer(pydantic.BaseModel):
    data: StatusData


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_high_water() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _high_water_kib(exact: bool) -> int:
    if exact:
        found = _status_kib("VmHWM")
        if found is not None:
            return found
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _parser(kind: str, side: str) -> Callable[[bytes], object]:
    if side == "json":
        return json.loads
    if side == "pydantic":
        model: type[pydantic.BaseModel] = CommandAnswer if kind == "command" else StatusAnswer
        return model.model_validate_json
    answer = [b""]

    def canned(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer[0])

    bolt = BoltClient(
        endpoint="http://bench.invalid/graphql",
        api_key="k",
        api_secret="s",
        http_client=httpx.Client(transport=httpx.MockTransport(canned)),
    )

    def ours(payload: bytes) -> object:
        answer[0] = payload
        return bolt.bolt_command(1) if kind == "command" else bolt.bolt_run_status(1)

    return ours


def main(argv: list[str]) -> int:
    kind, side, path = argv
    parse = _parser(kind, side)
    tiny = _command_payload(10) if kind == "command" else _status_payload(2_000)
    for _ in range(3):
        parse(tiny)
    payload = Path(path).read_bytes()
    del tiny
    gc.collect()
    exact = _reset_high_water()
    before = _high_water_kib(exact)
    result = parse(payload)
    after = _high_water_kib(exact)
    del result
    print(
        json.dumps(
            {"rise_bytes": (after - before) * 1024, "payload_bytes": len(payload), "exact": exact}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
