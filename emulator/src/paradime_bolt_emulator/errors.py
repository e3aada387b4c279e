"""The errors the emulator reports in a GraphQL response's ``errors``, like the live API does.

Each message starts with the exception name the live API uses (``AlreadyRunningException: ...``),
so clients that match on it work, and carries ``extensions.code`` for clients that branch on codes.
An error class is named after that exception (``AlreadyRunningError``) and states its code as a
class keyword: ``class AlreadyRunningError(BoltApiError, code="ALREADY_RUNNING")``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class BoltApiError(Exception):
    """An expected API error: reported to the client, logged without a traceback."""

    exception_name: ClassVar[str] = "BoltApiException"
    code: ClassVar[str] = "BAD_REQUEST"

    def __init_subclass__(cls, *, code: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.exception_name = cls.__name__.removesuffix("Error") + "Exception"
        cls.code = code

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.exception_name}: {detail}")
        # graphql-core copies an original error's ``extensions`` into the GraphQL error.
        self.extensions: dict[str, Any] = {"code": self.code}


class AlreadyRunningError(BoltApiError, code="ALREADY_RUNNING"):
    """A new run of a schedule was asked for while one is STARTING or RUNNING."""


class ScheduleNotFoundError(BoltApiError, code="NOT_FOUND"):
    """A mutation named a schedule that does not exist."""


class RunNotFoundError(BoltApiError, code="NOT_FOUND"):
    """A retry named a run that does not exist."""


class NothingToRetryError(BoltApiError, code="NOTHING_TO_RETRY"):
    """A retry found no failed command (or no failed run) to start again from."""


class InvalidArgumentsError(BoltApiError, code="BAD_USER_INPUT"):
    """Arguments that are valid GraphQL but make no sense together (both scheduleName and slug)."""


class YamlScheduleError(BoltApiError, code="BAD_REQUEST"):
    """A delete named a schedule defined in YAML, which only its file can remove."""
