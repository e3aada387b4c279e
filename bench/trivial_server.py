"""The baseline server of the server-speed benchmarks: ariadne with its defaults, schema.graphql,
and one constant resolver, on the emulator's uvicorn stack (uvicorn.Server in a thread).

    python bench/trivial_server.py PAYLOAD.json   ->  prints http://127.0.0.1:PORT/graphql

PAYLOAD.json is what ``boltRunStatus`` answers, every time. Stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import json
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import uvicorn
from ariadne import QueryType, make_executable_schema
from ariadne.asgi import GraphQL

SCHEMA = Path(__file__).resolve().parent.parent / "schema.graphql"


def build_app(payload: dict[str, Any]) -> GraphQL:
    """ariadne's defaults: every request parsed and validated, no cache, no limits."""
    query = QueryType()

    @query.field("boltRunStatus")
    def resolve_status(*_: Any, **__: Any) -> dict[str, Any]:
        return payload

    return GraphQL(make_executable_schema(SCHEMA.read_text(encoding="utf-8"), query))


def main() -> None:
    payload = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    # proto IPPROTO_TCP, as the emulator binds (getaddrinfo): asyncio sets TCP_NODELAY only on
    # such sockets; without it Nagle holds each response's body for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(payload),
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",  # ariadne's app speaks HTTP and websockets only
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread.start()
    while not server.started:
        if not thread.is_alive() or stop.wait(0.005):
            sys.exit("the trivial server failed to start")
    print(f"http://127.0.0.1:{sock.getsockname()[1]}/graphql", flush=True)
    while not stop.wait(0.2):
        pass
    server.should_exit = True
    thread.join(10)


if __name__ == "__main__":
    main()
