"""The errors the emulator reports in a GraphQL response's ``errors``, like the live API does.

Each message starts with the exception name the live API uses (``AlreadyRunningException: ...``),
so clients that match on it work, and carries ``extensions.code`` for clients that branch on codes.
"""

from __future__ import annotations

from typing import Any, ClassVar


class BoltApiError(Exception):
    """An expected API error: reported to the client, logged without a traceback."""

    exception_name: ClassVar[str] = "BoltApiException"
    code: ClassVar[str] = "BAD_REQUEST"

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.exception_name}: {detail}")
        # graphql-core copies an original error's ``extensions`` into the GraphQL error.
        self.extensions: dict[str, Any] = {"code": self.code}


class AlreadyRunningError(BoltApiError):
    """A new run of a schedule was asked for while one is STARTING or RUNNING."""

    exception_name = "AlreadyRunningException"
    code = "ALREADY_RUNNING"


class ScheduleNotFoundError(BoltApiError):
    """A mutation named a schedule that does not exist."""

    exception_name = "ScheduleNotFoundException"
    code = "NOT_FOUND"


class RunNotFoundError(BoltApiError):
    """A retry named a run that does not exist."""

    exception_name = "RunNotFoundException"
    code = "NOT_FOUND"


class NothingToRetryError(BoltApiError):
    """A retry found no failed command (or no failed run) to start again from."""

    exception_name = "NothingToRetryException"
    code = "NOTHING_TO_RETRY"


class InvalidArgumentsError(BoltApiError):
    """Arguments that are valid GraphQL but make no sense together (both scheduleName and slug)."""

    exception_name = "InvalidArgumentsException"
    code = "BAD_USER_INPUT"


class YamlScheduleError(BoltApiError):
    """A delete named a schedule defined in YAML, which only its file can remove."""

    exception_name = "YamlScheduleException"
    code = "BAD_REQUEST"
