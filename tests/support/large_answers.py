"""A `boltCommand` answer with many resources, and a client that gets it without a server."""

from __future__ import annotations

import json

import httpx

from paradime_bolt import BoltClient
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT


def large_command_answer(resources: int) -> bytes:
    """The JSON bytes of one dbt command that touched `resources` resources."""
    items = [{"id": n, "path": f"target/compiled/models/m_{n:05d}.sql"} for n in range(resources)]
    payload = {"ok": True, "command": "dbt run", "returnCode": 0, "resources": items}
    return json.dumps({"data": {"boltCommand": payload}}).encode()


def client_answering(body: bytes) -> BoltClient:
    """A client whose every request is answered with `body`."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    return BoltClient(
        endpoint=ENDPOINT,
        api_key=API_KEY,
        api_secret=API_SECRET,
        http_client=httpx.Client(transport=transport),
        max_retries=0,
    )
