"""The package's loggers and `PARADIME_BOLT_LOG`, which turns on a stderr handler.

`paradime_bolt` is the package's logger (retries are logged there at INFO); its child
`paradime_bolt.http` logs one DEBUG line per API attempt: operation, attempt number, HTTP status
(or the httpx error class) and duration. No record carries a header, a variable or a secret.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from ._exceptions import ConfigurationError

__all__ = ["ENV_VAR", "http_logger", "logger", "setup_from_env"]

ENV_VAR = "PARADIME_BOLT_LOG"
logger = logging.getLogger("paradime_bolt")
http_logger = logging.getLogger("paradime_bolt.http")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_handler: logging.Handler | None = None


def setup_from_env(environ: Mapping[str, str] | None = None) -> None:
    """With `PARADIME_BOLT_LOG=debug` or `info`, attaches one stderr handler at that level to
    the `paradime_bolt` logger (once per process, like openai-python's `OPENAI_LOG`), unless it
    has a handler already; unset or empty does nothing; any other value is a
    `ConfigurationError`."""
    global _handler
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        raise ConfigurationError(f"{ENV_VAR} must be 'debug' or 'info', not {value!r}")
    if _handler is None and logger.handlers:
        # Someone handles these records already (the command line's -v, the application): a
        # second handler would print every line twice. Only lower the level, never raise it.
        if logger.level == logging.NOTSET or logger.level > level:
            logger.setLevel(level)
        return
    if _handler is None:
        _handler = logging.StreamHandler(sys.stderr)
        _handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(_handler)
    _handler.setLevel(level)
    logger.setLevel(level)
