"""Starting dbt commands as child processes: from the fork server, or as plain subprocesses.

``ForkServer`` keeps ``forkserver`` running (dbt imported once) and forks each command from it;
where that cannot work (no ``fork`` or no descriptor passing, as on Windows)
``SubprocessLauncher`` starts the ``dbt`` script of this interpreter for each command. Either way
a command is a ``DbtProcess``: its pid, the read ends of its stdout and stderr, a signal to its
process group, and its exit status.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol

from .forkserver import receive_message, send_message

_READY_TIMEOUT = 300.0


class LauncherError(RuntimeError):
    """dbt cannot be started (the fork server failed to import it, or it went away)."""


class DbtProcess(Protocol):
    """One running dbt command."""

    pid: int
    stdout: IO[bytes]
    stderr: IO[bytes]

    def send_signal(self, signum: int) -> None:
        """Signal the command's process group (the command and whatever it started)."""

    def wait(self, timeout: float | None = None) -> int | None:
        """The exit status (negative: killed by that signal), or None if still running."""


class Launcher(Protocol):
    """Starts dbt commands."""

    def launch(
        self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str | None]
    ) -> DbtProcess:
        """Start ``dbt ARGV...`` in ``cwd`` with ``env`` applied over the emulator's."""

    def close(self) -> None:
        """Stop the launcher, killing any command still running."""


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except OSError:
        with contextlib.suppress(OSError):
            os.kill(pid, signum)


class _Forked:
    """A command forked by the fork server; its pid and status arrive over the server's socket."""

    def __init__(self, stdout: IO[bytes], stderr: IO[bytes]) -> None:
        self.pid = 0
        self.stdout = stdout
        self.stderr = stderr
        self.started = threading.Event()
        self.done = threading.Event()
        self.status: int | None = None

    def send_signal(self, signum: int) -> None:
        if self.pid and not self.done.is_set():
            _signal_group(self.pid, signum)

    def wait(self, timeout: float | None = None) -> int | None:
        self.done.wait(timeout)
        return self.status


class ForkServer:
    """The emulator's end of ``forkserver``: started on creation, ready once dbt is imported."""

    def __init__(self, python: str = sys.executable) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {
            **os.environ,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            # Forks end with os._exit, so multiprocessing's tracker would warn at every stop.
            "PYTHONWARNINGS": "ignore:resource_tracker:UserWarning",
        }
        self._process = subprocess.Popen(  # noqa: S603 - our own module
            [python, "-m", "paradime_bolt_emulator.realdbt.forkserver", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        self._sock = ours
        self._send_lock = threading.Lock()
        self._lock = threading.Lock()
        self._next_id = 0
        self._running: dict[int, _Forked] = {}
        self._closed = False
        ours.settimeout(_READY_TIMEOUT)
        try:
            first = receive_message(ours)
        except OSError as error:
            self.close()
            raise LauncherError(f"the dbt fork server did not start: {error}") from error
        if first is None or not first[0].get("ready"):
            detail = "" if first is None else str(first[0].get("error", ""))
            self.close()
            raise LauncherError(f"dbt cannot be imported: {detail.strip()}")
        ours.settimeout(None)
        self._reader = threading.Thread(target=self._read, name="bolt-dbt-forks", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                received = receive_message(self._sock)
            except OSError:
                received = None
            if received is None:
                break
            message, _ = received
            with self._lock:
                process = self._running.get(int(message["id"]))
                if process is None:
                    continue
                if "pid" in message:
                    process.pid = int(message["pid"])
                    process.started.set()
                elif "exit" in message:
                    process.status = int(message["exit"])
                    del self._running[int(message["id"])]
                    process.done.set()
        # The server is gone: nothing more will be reported; release every waiter.
        with self._lock:
            self._closed = True
            for process in self._running.values():
                if process.status is None:
                    process.status = -int(signal.SIGKILL)
                process.started.set()
                process.done.set()
            self._running.clear()

    def launch(
        self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str | None]
    ) -> DbtProcess:
        """Fork ``dbt ARGV...`` from the server; LauncherError if the server is gone."""
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        process = _Forked(open(out_read, "rb", 0), open(err_read, "rb", 0))  # noqa: SIM115
        with self._lock:
            closed = self._closed
            if not closed:
                self._next_id += 1
                request_id = self._next_id
                self._running[request_id] = process
        try:
            if closed:
                os.close(out_write)
                os.close(err_write)
                raise LauncherError("the dbt fork server has stopped")
            request = {"id": request_id, "argv": list(argv), "cwd": str(cwd), "env": dict(env)}
            try:
                with self._send_lock:
                    send_message(self._sock, request, [out_write, err_write])
            except OSError as error:
                raise LauncherError(f"the dbt fork server has stopped: {error}") from error
            finally:
                os.close(out_write)
                os.close(err_write)
            process.started.wait()
            if not process.pid:
                raise LauncherError("the dbt fork server stopped before starting the command")
        except BaseException:
            process.stdout.close()
            process.stderr.close()
            raise
        return process

    def close(self) -> None:
        """Close the socket (the server then kills its forks and exits) and wait for it."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class _Spawned:
    """A command started as a subprocess of the emulator."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        assert popen.stdout is not None
        assert popen.stderr is not None
        self._popen = popen
        self.pid = popen.pid
        self.stdout: IO[bytes] = popen.stdout
        self.stderr: IO[bytes] = popen.stderr

    def send_signal(self, signum: int) -> None:
        if self._popen.poll() is None:
            _signal_group(self.pid, signum)

    def wait(self, timeout: float | None = None) -> int | None:
        try:
            return self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None


class SubprocessLauncher:
    """Starts this interpreter's ``dbt`` script for each command (where forking is not possible)."""

    def __init__(self, python: str = sys.executable) -> None:
        beside = Path(python).parent / ("dbt.exe" if os.name == "nt" else "dbt")
        found = str(beside) if beside.exists() else shutil.which("dbt")
        if found is None:
            raise LauncherError("no dbt executable beside this Python or on PATH")
        self._dbt = found

    def launch(
        self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str | None]
    ) -> DbtProcess:
        merged = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        for key, value in env.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        popen = subprocess.Popen(  # noqa: S603 - dbt with the user's own command line
            [self._dbt, *argv],
            cwd=cwd,
            env=merged,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=os.name != "nt",
        )
        return _Spawned(popen)

    def close(self) -> None:
        """Nothing to stop: each command is waited for by its runner."""


def default_launcher() -> Launcher:
    """The fork server where the system allows it, else plain subprocesses."""
    if hasattr(os, "fork") and hasattr(socket, "send_fds") and sys.platform != "win32":
        return ForkServer()
    return SubprocessLauncher()
