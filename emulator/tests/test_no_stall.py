"""One client cannot stall the others: a request's blocking work runs in a worker thread.

Shown by state, not time: a request is held inside its resolver (on a threading.Event) while
/healthz and another GraphQL request are answered; then it is let go and answers too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

import anyio.from_thread
import httpx

from .support import HEADERS

# Generous: only reached when the event loop is stalled, i.e. when the test fails.
GIVE_UP = 30.0
STATUS = {"query": "query($id: Int!) { boltRunStatus(runId: $id) { ok state } }"}


def test_a_held_request_stalls_neither_health_nor_other_requests(
    make_app: Callable[..., Any],
) -> None:
    app = make_app()
    service = app.state.emulator.service
    entered, release = threading.Event(), threading.Event()
    held_in: list[threading.Thread] = []
    original = service.run_status

    def held_run_status(run_id: int) -> Any:
        if run_id == 1:
            held_in.append(threading.current_thread())
            entered.set()
            release.wait(GIVE_UP)
        return original(run_id)

    service.run_status = held_run_status
    with anyio.from_thread.start_blocking_portal() as portal:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://emulator.test"
        )

        def send(method: str, url: str, **kwargs: Any) -> Future[httpx.Response]:
            return portal.start_task_soon(partial(http.request, method, url, **kwargs))

        try:
            held = send(
                "POST", "/graphql", json={**STATUS, "variables": {"id": 1}}, headers=HEADERS
            )
            assert entered.wait(GIVE_UP), "the held request never reached its resolver"
            health = send("GET", "/healthz")
            other = send(
                "POST", "/graphql", json={**STATUS, "variables": {"id": 2}}, headers=HEADERS
            )
            assert health.result(GIVE_UP).json() == {"status": "ok"}
            assert other.result(GIVE_UP).json() == {
                "data": {"boltRunStatus": {"ok": False, "state": None}}
            }
            assert not held.done(), "the held request answered before it was let go"
            loop_thread = portal.call(threading.current_thread)
            assert held_in and held_in[0] is not loop_thread
        finally:
            release.set()
        assert held.result(GIVE_UP).json() == {
            "data": {"boltRunStatus": {"ok": False, "state": None}}
        }
        portal.call(http.aclose)
