"""SIGTERM handled like Ctrl-C: CI systems stop a job with SIGTERM, and the command should
report what it was doing (the run it waited for) instead of dying with nothing on stdout."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

__all__ = ["Terminated", "terminate_as_interrupt"]


class Terminated(KeyboardInterrupt):
    """Raised where the program is when SIGTERM arrives, as Ctrl-C raises KeyboardInterrupt."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    # Once only: a second SIGTERM (the job really must stop) ends the process at once.
    signal.signal(signum, signal.SIG_DFL)
    raise Terminated


def terminate_as_interrupt() -> Callable[[], None]:
    """Turns SIGTERM into `Terminated` until the returned undo is called. A no-op off the main
    thread (Python sets signal handlers there only) and when SIGTERM is ignored."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    if previous == signal.SIG_IGN:  # whoever started us chose to ignore it: so do we
        signal.signal(signal.SIGTERM, previous)
        return lambda: None

    def undo() -> None:
        signal.signal(signal.SIGTERM, previous)

    return undo
