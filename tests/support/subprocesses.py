"""`paradime-bolt` as a real process: the command, a clean environment, a stream reader."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import IO

SCRIPT = Path(sys.executable).with_name("paradime-bolt")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "paradime_bolt.cli"]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ROOT = Path(__file__).resolve().parents[2]
# Only a guard against a hung process, never a margin a passing test depends on.
HANG_GUARD = 120.0


def base_env(**extra: str) -> dict[str, str]:
    """The test process's environment without credentials or CI, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PARADIME_API_", "PARADIME_BOLT_")) and k not in ("CI", "COLUMNS")
    }
    env.update(extra)
    return env


class LineReader:
    """Reads a stream's lines in a thread, so a test can wait for one without blocking."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, pattern: str) -> re.Match[str]:
        """The first line (from here on) that matches `pattern`; fails at the end of the stream."""
        while True:
            line = self._queue.get(timeout=HANG_GUARD)
            if line is None:
                raise AssertionError(f"no line matched {pattern!r}: {''.join(self.lines)}")
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def rest(self) -> str:
        """Everything the stream carried, once it has ended."""
        while (line := self._queue.get(timeout=HANG_GUARD)) is not None:
            self.lines.append(line)
        self._thread.join(HANG_GUARD)
        return "".join(self.lines)


def _default_sigint() -> None:
    # A shell without job control starts background jobs with SIGINT ignored, and Python then
    # keeps ignoring it: give the command the disposition a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """`paradime-bolt ARGS` with its stdout and stderr piped."""
    return subprocess.Popen(
        [*COMMAND, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_default_sigint,
    )


def run_python(code: str, *, expect_exit: int | None = 0) -> dict[str, object]:
    """Runs `code` in a fresh interpreter from the repository root (so it can import `tests`);
    it prints one JSON document last, returned here. `expect_exit=None` takes any exit code."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert expect_exit is None or result.returncode == expect_exit, result.stderr
    document: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return document
