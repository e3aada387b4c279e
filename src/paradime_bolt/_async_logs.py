"""`AsyncRunLogs`: the logs of a run's commands, each read on from where the last read stopped.

This file is the source of both twins: `scripts/unasync.py` writes `_logs.py` (`RunLogs`) from
it. Edit this one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from ._waiting import LogChunk, wait_backoff

if TYPE_CHECKING:
    from ._async_client import AsyncBoltClient
    from .models import LogLine, RunProgress, RunProgressCommand

__all__ = ["AsyncRunLogs"]


class AsyncRunLogs:
    """The logs of a run's commands as they are written, for `AsyncBoltClient`.

        logs = AsyncRunLogs(bolt)
        async for chunk in logs.follow(run_id):        # until the run has ended
            for line in chunk.lines:
                print(chunk.number, line.stream, line.line)

    `read(commands)` reads, without waiting, what those commands (the `progress.commands` of a
    `wait_for_run` poll, say) wrote since the last read. `lines` keeps every line read, by
    command id; `progress` is the last poll of `follow` or `poll`. Requests go as `client`
    sends them (`client.with_options(...)` for others) and waits by its clock.
    """

    def __init__(self, client: AsyncBoltClient) -> None:
        self.client = client
        self.lines: dict[int, list[LogLine]] = {}
        self.progress: RunProgress | None = None
        self._cursors: dict[int, str | None] = {}
        self._finished: set[int] = set()

    async def read(self, commands: Sequence[RunProgressCommand]) -> AsyncIterator[LogChunk]:
        """A chunk per page of new log lines of `commands` (numbered in the order they ran);
        a command read to its end is not asked again."""
        for number, command in enumerate(sorted(commands, key=lambda c: c.id), start=1):
            if command.id in self._finished:
                continue
            first = command.id not in self._cursors
            if first:
                self._cursors[command.id] = None
                self.lines[command.id] = []
            async for page in self.client._log_pages(command.id, self._cursors[command.id]):
                self._cursors[command.id] = page.cursor
                self.lines[command.id].extend(page.lines)
                if page.finished:
                    self._finished.add(command.id)
                yield LogChunk(number, command, list(page.lines), first)
                first = False

    async def poll(self, run_id: int) -> AsyncIterator[LogChunk]:
        """Polls the run once (`progress`) and reads what its commands wrote since."""
        self.progress = progress = await self.client.bolt_run_progress(run_id)
        async for chunk in self.read(progress.commands or []):
            yield chunk

    async def follow(
        self, run_id: int, *, poll_interval: float = 1.0, max_poll_interval: float = 10.0
    ) -> AsyncIterator[LogChunk]:
        """Polls the run and reads its commands' logs until the run has ended; the polls back
        off from `poll_interval` to `max_poll_interval` seconds, as `wait_for_run`'s do."""
        for interval in wait_backoff(None, poll_interval, max_poll_interval).intervals():
            async for chunk in self.poll(run_id):
                yield chunk
            if self.progress is not None and self.progress.run_state.is_terminal:
                return
            await self.client.clock.asleep(interval)
