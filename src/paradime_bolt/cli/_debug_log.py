"""`-v`: the library's DEBUG log on stderr, secrets masked. Imported only when `-v` is given, so
`--help` and quiet commands do not load `logging` for it."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from ._output import Redactor

__all__ = ["enable_debug_logging"]

LIBRARY_LOGGER = "paradime_bolt"


class _RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and traceback before any handler formats it."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self._redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def enable_debug_logging(redact: Redactor) -> Callable[[], None]:
    """Logs the `paradime_bolt` logger at DEBUG to stderr, secrets masked; returns the undo."""
    logger = logging.getLogger(LIBRARY_LOGGER)
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RedactingFilter(redact))
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)

    return undo
