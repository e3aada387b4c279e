"""Paging of a command's log lines for ``boltCommandLogs``: stdout lines, then stderr lines.

The cursor is ``"<stdout lines read>:<stderr lines read>"`` (so the SDK's first cursor ``"0:0"``
works, as does null); clients should treat it as opaque. While a command runs only the lines
written so far are visible, and ``finished`` turns true once it has ended and all were returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from paradime_bolt_emulator.errors import InvalidArgumentsError

PAGE_SIZE = 200
STDOUT = "STDOUT"
STDERR = "STDERR"


@dataclass(frozen=True)
class LogPage:
    """One page: (stream, line) pairs, the cursor to continue from, and whether that is all."""

    lines: tuple[tuple[str, str], ...]
    cursor: str
    finished: bool


def parse_cursor(cursor: str | None) -> tuple[int, int]:
    """The two positions in a cursor; null or empty means the start."""
    if not cursor:
        return 0, 0
    out, separator, err = cursor.partition(":")
    if not separator or not all(part.isascii() and part.isdigit() for part in (out, err)):
        raise InvalidArgumentsError(f"invalid cursor {cursor!r}; pass null or a returned cursor")
    return int(out), int(err)


def read_page(
    stdout: Sequence[str],
    stderr: Sequence[str],
    cursor: str | None,
    *,
    ended: bool,
    page_size: int = PAGE_SIZE,
) -> LogPage:
    """The next page of the visible stdout and stderr lines after the cursor."""
    out_pos, err_pos = parse_cursor(cursor)
    out_pos, err_pos = min(out_pos, len(stdout)), min(err_pos, len(stderr))
    page = [(STDOUT, line) for line in stdout[out_pos : out_pos + page_size]]
    out_pos += len(page)
    room = page_size - len(page)
    if room and out_pos == len(stdout):
        taken = [(STDERR, line) for line in stderr[err_pos : err_pos + room]]
        err_pos += len(taken)
        page += taken
    finished = ended and out_pos == len(stdout) and err_pos == len(stderr)
    return LogPage(tuple(page), f"{out_pos}:{err_pos}", finished)
