"""Writes the synchronous client, src/paradime_bolt/_client.py, from the asynchronous one.

The two twins must keep the same methods, arguments and types, so only one is written by hand
(`_async_client.py`) and the other is derived from it, as httpcore does. `--check` fails when
`_client.py` is stale; tests/test_twins.py runs it.

    python scripts/unasync.py          # rewrite _client.py
    python scripts/unasync.py --check  # exit 1 if _client.py differs
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "paradime_bolt"
SOURCE = PACKAGE / "_async_client.py"
TARGET = PACKAGE / "_client.py"

HEADER = '''"""`BoltClient`: the synchronous facade over the generated client.

Written by scripts/unasync.py from `_async_client.py`; do not edit. The two twins have the same
methods, arguments and types.

Each API method has an explicit signature, calls the generated operation of the same name and
returns the operation's payload itself. The workflow methods (waiting, paging, logs, artifacts)
are built from those. Every failure is a `BoltError`.
"""
'''

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
    (r"\bAsyncTransport\b", "SyncTransport"),
    (r"\bAsyncProgressCallback\b", "ProgressCallback"),
    (r"\bcheck_async_on_progress\b", "check_on_progress"),
    (r"\breport_async_progress\b", "report_progress"),
    (
        "on the async client an async function works too (what it returns is awaited)",
        "an async function needs `AsyncBoltClient`",
    ),
    (r"\bhttpx\.AsyncClient\b", "httpx.Client"),
    (r"\bAsyncIterator\b", "Iterator"),
    (".asleep(", ".sleep("),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\baclose\b", "close"),
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
]


def unasync(source: str) -> str:
    body = source.split('"""\n', 1)[1] if source.startswith('"""') else source
    text = HEADER + body
    for pattern, replacement in REPLACEMENTS:
        if pattern.startswith("\\b") or "\\b" in pattern:
            text = re.sub(pattern, replacement, text)
        else:
            text = text.replace(pattern, replacement)
    return _format(text)


def _format(text: str) -> str:
    ruff = [sys.executable, "-m", "ruff"]
    fixed = subprocess.run(  # noqa: S603 - a fixed command line
        [
            *ruff,
            "check",
            "--fix",
            "--select",
            "I,F401",
            "--quiet",
            "--stdin-filename",
            str(TARGET),
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return subprocess.run(  # noqa: S603 - a fixed command line
        [*ruff, "format", "--quiet", "--stdin-filename", str(TARGET), "-"],
        input=fixed,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def main(argv: list[str]) -> int:
    expected = unasync(SOURCE.read_text(encoding="utf-8"))
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != expected:
            print(f"{TARGET} is stale: run python scripts/unasync.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(expected, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
