"""The hand-written baseline of a one-call process: httpx and pydantic, one raw POST, decoded.

    python bench/raw_call.py URL BODY HEADERS_JSON [--validate]

BODY and HEADERS_JSON are the bytes and headers our client sent for the same call (captured by
the benchmark), so both sides put the same request on the wire. With --validate the answer is
also checked by a small pydantic model of the BoltRunStatus selection, as a script written
with httpx and pydantic would do; without it, it is json.loads alone.
"""

from __future__ import annotations

import json
import sys

import httpx
import pydantic


class Command(pydantic.BaseModel):
    id: int
    command: str | None = None
    startDttm: str | None = None
    endDttm: str | None = None
    returnCode: int | None = None
    stdout: str | None = None
    stderr: str | None = None


class RunStatus(pydantic.BaseModel):
    ok: bool | None = None
    state: str | None = None
    commands: list[Command] | None = None


class Data(pydantic.BaseModel):
    boltRunStatus: RunStatus


class Answer(pydantic.BaseModel):
    data: Data


def main(argv: list[str]) -> int:
    url, body, headers = argv[0], argv[1].encode(), json.loads(argv[2])
    response = httpx.post(url, content=body, headers=headers)
    response.raise_for_status()
    if "--validate" in argv[3:]:
        answer = Answer.model_validate_json(response.content)
        return 0 if answer.data.boltRunStatus.state else 1
    decoded = json.loads(response.content)
    return 0 if decoded["data"]["boltRunStatus"]["state"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
