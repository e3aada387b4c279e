"""Writes the synchronous twins, src/paradime_bolt/_client.py and _logs.py, from the asynchronous
ones.

The two twins must keep the same methods, arguments and types, so only one is written by hand
(`_async_client.py`, `_async_logs.py`) and the other is derived from it, as httpcore does.
`--check` fails when a twin is stale; tests/test_twins.py runs it.

    python scripts/unasync.py          # rewrite _client.py
    python scripts/unasync.py --check  # exit 1 if _client.py differs
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from _written import ruff_formatted, write_or_check

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "paradime_bolt"

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

# Each asynchronous source, the synchronous twin written from it, and the twin's docstring.
TWINS = [
    (PACKAGE / "_async_client.py", PACKAGE / "_client.py", CLIENT_HEADER),
    (PACKAGE / "_async_logs.py", PACKAGE / "_logs.py", LOGS_HEADER),
    (PACKAGE / "_async_transport.py", PACKAGE / "_sync_transport.py", TRANSPORT_HEADER),
]

# Whole phrases first, then identifiers, then keywords.
REPLACEMENTS: list[tuple[str, str]] = [
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
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
]


def unasync(source: str, header: str, target: Path) -> str:
    body = source.split('"""\n', 1)[1] if source.startswith('"""') else source
    text = header + body
    for pattern, replacement in REPLACEMENTS:
        if pattern.startswith("\\b") or "\\b" in pattern:
            text = re.sub(pattern, replacement, text)
        else:
            text = text.replace(pattern, replacement)
    return ruff_formatted(text, target, "I,F401")


def main(argv: list[str]) -> int:
    written = {
        target: unasync(source.read_text(encoding="utf-8"), header, target)
        for source, target, header in TWINS
    }
    return write_or_check(written, argv, "scripts/unasync.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
