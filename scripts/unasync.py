"""Writes the synchronous twins from the asynchronous sources: the client's `_client.py`,
`_logs.py` and `_sync_transport.py`, and the Prefect integration's `_sync_tasks.py` and
`_sync_flow.py`.

Each pair must keep the same functions, arguments and types, so only one is written by hand
(`_async_client.py`, `_async_tasks.py`, ...) and the other is derived from it, as httpcore does.
`--check` fails when a twin is stale; tests/test_twins.py runs it.

    python scripts/unasync.py          # rewrite every sync twin
    python scripts/unasync.py --check  # exit 1 if a sync twin differs
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from _written import ruff_formatted, write_or_check

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "paradime_bolt"
PREFECT = ROOT / "integrations" / "prefect" / "src" / "prefect_paradime_bolt"

CLIENT_HEADER = '''"""`BoltClient`: the synchronous facade over the generated client.

Written by scripts/unasync.py from `_async_client.py`; do not edit. The two twins have the same
methods, arguments and types.

Each API method has an explicit signature, calls the generated operation of the same name and
returns the operation's payload itself. The workflow methods (waiting, paging, logs, artifacts)
are built from those. Every failure is a `BoltError`.
"""
'''

LOGS_HEADER = '''"""`RunLogs`: the logs of a run's commands, each read on from where the last read
stopped.

Written by scripts/unasync.py from `_async_logs.py`; do not edit.
"""
'''

TRANSPORT_HEADER = '''"""`SyncTransport`: sends operations over an `httpx.Client`, with retries.

Written by scripts/unasync.py from `_async_transport.py`; do not edit. What the two transports
share is in `_transport.py`.
"""
'''

PREFECT_TASKS_HEADER = '''"""The sync twins of the Prefect tasks (trigger, wait, retry, fetch).

Written by scripts/unasync.py from `_async_tasks.py`; do not edit. `_tasks.py` pairs each with
its async twin under one name.
"""
'''

PREFECT_FLOW_HEADER = '''"""The sync twin of the Prefect flow (trigger, wait, retry, publish).

Written by scripts/unasync.py from `_async_flow.py`; do not edit. `_flows.py` pairs it with the
async flow under one name.
"""
'''

# The client's twins: whole phrases first, then identifiers.
CLIENT_REPLACEMENTS: list[tuple[str, str]] = [
    ("An asynchronous Bolt API client.", "A synchronous Bolt API client."),
    (
        "async with AsyncBoltClient() as bolt:\n            run = await bolt.",
        "with BoltClient() as bolt:\n            run = bolt.",
    ),
    (
        "._generated.async_client import AsyncBoltGraphQLClient",
        "._generated.client import BoltGraphQLClient",
    ),
    (r"\bAsyncBoltGraphQLClient\b", "BoltGraphQLClient"),
    (r"\bAsyncBoltClient\b", "BoltClient"),
    (r"\bAsyncRunLogs\b", "RunLogs"),
    ("._async_client import", "._client import"),
    ("._async_transport import AsyncTransport", "._sync_transport import SyncTransport"),
    (r"\b_AsyncPool\b", "_Pool"),
    (r"\b_async_gate\b", "_gate"),
    (r"\bAbstractAsyncContextManager\b", "AbstractContextManager"),
    ("Awaitable[T]", "T"),
    (".aread()", ".read()"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\bAsyncTransport\b", "SyncTransport"),
    (r"\bAsyncProgressCallback\b", "ProgressCallback"),
    (r"\bcheck_async_on_progress\b", "check_on_progress"),
    (r"\breport_async_progress\b", "report_progress"),
    (r"\bshielded_from_cancellation\b", "unshielded"),
    (
        "on the async client an async function works too (what it returns is awaited)",
        "an async function needs `AsyncBoltClient`",
    ),
    (r"\bhttpx\.AsyncClient\b", "httpx.Client"),
    (r"\bAsyncIterator\b", "Iterator"),
    (".asleep(", ".sleep("),
    ("contextlib.asynccontextmanager", "contextlib.contextmanager"),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\baclose\b", "close"),
]

# The Prefect integration's twins: the async client and each task's async twin become the sync
# ones, and the async flow (a `BoltFlow`) a plain Prefect flow.
PREFECT_REPLACEMENTS: list[tuple[str, str]] = [
    ("from ._dispatch import bolt_flow", "from prefect import flow"),
    ("@bolt_flow(", "@flow("),
    (r"\bAsyncBoltClient\b", "BoltClient"),
    (r"\bget_async_client\b", "get_client"),
    (r"\bacreate_markdown_artifact\b", "create_markdown_artifact"),
    (".aio(", ".sync("),
]

# Last, for every twin: the keywords.
KEYWORDS: list[tuple[str, str]] = [
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
]


@dataclass(frozen=True)
class Twin:
    """An asynchronous source, the synchronous twin written from it, the twin's docstring, and
    what turns the source's asynchronous names into the twin's (before `KEYWORDS`)."""

    source: Path
    target: Path
    header: str
    replacements: list[tuple[str, str]]


TWINS = [
    Twin(PACKAGE / "_async_client.py", PACKAGE / "_client.py", CLIENT_HEADER, CLIENT_REPLACEMENTS),
    Twin(PACKAGE / "_async_logs.py", PACKAGE / "_logs.py", LOGS_HEADER, CLIENT_REPLACEMENTS),
    Twin(
        PACKAGE / "_async_transport.py",
        PACKAGE / "_sync_transport.py",
        TRANSPORT_HEADER,
        CLIENT_REPLACEMENTS,
    ),
    Twin(
        PREFECT / "_async_tasks.py",
        PREFECT / "_sync_tasks.py",
        PREFECT_TASKS_HEADER,
        PREFECT_REPLACEMENTS,
    ),
    Twin(
        PREFECT / "_async_flow.py",
        PREFECT / "_sync_flow.py",
        PREFECT_FLOW_HEADER,
        PREFECT_REPLACEMENTS,
    ),
]


def unasync(twin: Twin) -> str:
    source = twin.source.read_text(encoding="utf-8")
    body = source.split('"""\n', 1)[1] if source.startswith('"""') else source
    text = twin.header + body
    for pattern, replacement in [*twin.replacements, *KEYWORDS]:
        if "\\b" in pattern:
            text = re.sub(pattern, replacement, text)
        else:
            text = text.replace(pattern, replacement)
    return ruff_formatted(text, twin.target, "I,F401")


def main(argv: list[str]) -> int:
    written = {twin.target: unasync(twin) for twin in TWINS}
    return write_or_check(written, argv, "scripts/unasync.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
