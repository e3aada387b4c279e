"""The emulator in a process of its own, as `paradime-bolt-emulator` runs it.

For demos, examples and benchmarks that want the server out of their own interpreter:

    with EmulatorProcess("--schedules", "paradime_schedules.yml") as emulator:
        BoltClient(endpoint=emulator.endpoint, api_key=..., api_secret=...)

It reads the endpoint from the line the emulator prints alone on start, and stops it with
SIGTERM (the emulator exits 0 on it), killing it only if it does not stop in time.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Sequence
from types import TracebackType

__all__ = ["EmulatorProcess"]

_ENDPOINT_LINE = re.compile(r"(https?://\S+/graphql)\s*")


class EmulatorProcess:
    """`python -m paradime_bolt_emulator --port 0 ARGS...`, started on enter, stopped on exit."""

    def __init__(self, *args: str, python: str = sys.executable, stop_timeout: float = 15.0):
        self.argv: Sequence[str] = [python, "-m", "paradime_bolt_emulator", "--port", "0", *args]
        self.stop_timeout = stop_timeout
        self.endpoint = ""
        self.exit_code: int | None = None
        self._process: subprocess.Popen[str] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the emulator process has not been started")
        return self._process.pid

    def start(self) -> EmulatorProcess:
        """Starts the process and waits for the endpoint line; raises if it exits first."""
        self._process = subprocess.Popen(  # noqa: S603 - our own module, the caller's arguments
            self.argv, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        for line in self._process.stdout:
            match = _ENDPOINT_LINE.fullmatch(line)
            if match:
                self.endpoint = match.group(1)
                return self
        code = self.stop()
        raise RuntimeError(f"the emulator exited (code {code}) before printing its endpoint")

    def stop(self) -> int:
        """Stops the process (SIGTERM, then SIGKILL after `stop_timeout`); its exit code."""
        process = self._process
        if process is None:
            raise RuntimeError("the emulator process has not been started")
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        self.exit_code = process.returncode
        return process.returncode

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
