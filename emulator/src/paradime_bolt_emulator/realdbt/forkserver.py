"""The dbt fork server: a child of the emulator that imports dbt once, then forks each command.

Importing dbt takes seconds, more than many commands take to run, so every dbt command starts
from this warm process instead of a cold interpreter: the server forks, and the fork runs dbt's
own command line (``dbt.cli.main.cli``, as the ``dbt`` script does) with the command's argv,
working directory and environment, its stdout and stderr on the pipes the emulator passed, in a
session of its own (so a signal to its process group reaches whatever it started). It stays a
real process of its own: a crash or a hang cannot take the emulator down, and SIGINT or SIGKILL
stop it. The server is single-threaded, so forking it is safe.

Protocol over the socket (``launcher.ForkServer`` is the other end), one JSON object per
message, each preceded by its length: the server says ``{"ready": true}`` once dbt is imported;
a request ``{"id", "argv", "cwd", "env"}`` comes with two file descriptors (stdout, stderr) and
is answered ``{"id", "pid"}`` once forked and ``{"id", "exit"}`` when the fork has exited. When
the emulator goes away (the socket closes) the server kills its forks and exits.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import signal
import socket
import struct
import sys
import traceback
from collections.abc import Sequence
from typing import Any

_HEADER = struct.Struct("!I")
MAX_FDS = 2


def send_message(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    """Send one length-prefixed JSON message, with file descriptors when given."""
    body = json.dumps(message).encode()
    data = _HEADER.pack(len(body)) + body
    if fds:
        sent = socket.send_fds(sock, [data], fds)
        data = data[sent:]
    if data:
        sock.sendall(data)


def _recv_exact(sock: socket.socket, size: int, fds: list[int]) -> bytes | None:
    chunks = b""
    while len(chunks) < size:
        data, received, _flags, _address = socket.recv_fds(sock, size - len(chunks), MAX_FDS)
        fds.extend(received)
        if not data:
            return None
        chunks += data
    return chunks


def receive_message(sock: socket.socket) -> tuple[dict[str, Any], list[int]] | None:
    """One message and the file descriptors that came with it; None once the peer closed."""
    fds: list[int] = []
    header = _recv_exact(sock, _HEADER.size, fds)
    if header is None:
        return None
    body = _recv_exact(sock, _HEADER.unpack(header)[0], fds)
    if body is None:
        return None
    message: dict[str, Any] = json.loads(body)
    return message, fds


def _child(request: dict[str, Any], out_fd: int, err_fd: int) -> None:
    """In the fork: become the dbt command and exit with its status (never returns)."""
    code = 1
    try:
        os.setsid()
        for number, fd in ((1, out_fd), (2, err_fd)):
            os.dup2(fd, number)
            os.close(fd)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)
        for name in ("stdout", "stderr"):
            stream = io.TextIOWrapper(
                io.FileIO(1 if name == "stdout" else 2, "w", closefd=False),
                encoding="utf-8",
                errors="replace",
                line_buffering=True,
            )
            setattr(sys, name, stream)
            setattr(sys, f"__{name}__", stream)
        os.chdir(request["cwd"])
        for key, value in request["env"].items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        sys.argv = ["dbt", *request["argv"]]
        from dbt.cli.main import cli

        try:
            cli()
            code = 0
        except SystemExit as exit_:
            if exit_.code is None or isinstance(exit_.code, int):
                code = exit_.code or 0
            else:
                print(exit_.code, file=sys.stderr)
                code = 1
        except KeyboardInterrupt:
            print("Interrupted (SIGINT).", file=sys.stderr)
            code = 130
    except BaseException:  # noqa: BLE001 - the fork reports every failure as its exit status
        with contextlib.suppress(BaseException):
            traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(sock: socket.socket) -> None:
    """Answer requests until the socket closes, then kill the forks still running."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: dict[int, int] = {}  # pid -> request id
    try:
        send_message(sock, {"ready": True})
        while True:
            readable, _, _ = select.select([sock.fileno(), wake_read], [], [])
            if wake_read in readable:
                os.read(wake_read, 512)
            while children:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
                request_id = children.pop(pid, None)
                if request_id is not None:
                    send_message(
                        sock, {"id": request_id, "exit": os.waitstatus_to_exitcode(status)}
                    )
            if sock.fileno() in readable:
                received = receive_message(sock)
                if received is None:
                    return
                request, fds = received
                pid = os.fork()
                if pid == 0:
                    sock.close()
                    _child(request, fds[0], fds[1])
                for fd in fds:
                    os.close(fd)
                children[pid] = request["id"]
                send_message(sock, {"id": request["id"], "pid": pid})
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


def main() -> None:
    """Entry point: ``python -m paradime_bolt_emulator.realdbt.forkserver FD``."""
    # Ctrl+C in the emulator's terminal reaches this process group too: the emulator decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=int(sys.argv[1]))
    try:
        import dbt.cli.main
    except BaseException:  # noqa: BLE001 - reported to the emulator, which names the problem
        send_message(sock, {"ready": False, "error": traceback.format_exc(limit=3)})
        return
    with contextlib.suppress(ImportError):
        import dbt.adapters.duckdb  # noqa: F401 - the adapter the emulator's profile uses
    serve(sock)


if __name__ == "__main__":
    main()
