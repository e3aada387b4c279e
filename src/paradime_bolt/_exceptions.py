"""The one exception tree of paradime-bolt: everything the client raises is a `BoltError`.

    BoltError
    ├── ConfigurationError          missing or invalid endpoint, key or secret
    │   └── ClientClosedError       the client (or the httpx client it was given) is closed
    ├── InvalidArgumentError        a method argument is invalid; caught before any request
    ├── RunTimeoutError             waiting for a run outlasted its timeout
    ├── RunFailedError              a run ended ERROR, FAILED or CANCELED (raise_on_failure=True)
    ├── ArtifactNotFoundError       no command of the run produced that artifact
    ├── DestinationError            a download's destination cannot be written
    └── APIError                    anything that went wrong talking to the API
        ├── TransportError          the request failed on the wire (connect, read, write)
        │   └── RequestTimeoutError the request took longer than its timeout
        ├── HTTPStatusError         a non-2xx answer; carries `status_code`
        │   ├── AuthenticationError 401 and 403
        │   ├── RateLimitError      429
        │   ├── ServerError         5xx
        │   └── StorageError        the storage behind a download URL refused it (expired, ...)
        ├── GraphQLResponseError    the answer carried `errors`; keeps them all and partial data
        │   └── AlreadyRunningError the schedule already has a run in progress
        ├── InvalidResponseError    not JSON, no `data`, or a payload that does not fit the schema
        ├── APIUnreachableError     a wait gave up: the API kept failing for `outage_tolerance`
        └── OperationFailedError    the payload said `ok: false`; names the operation and the ask
            └── NotFoundError       no such schedule, run, command or resource (`kind` says which)

Messages never contain the API secret: they are built from the operation, the arguments the
caller passed (which never include credentials) and what the server said.

Every error pickles with its fields, so one raised in a worker process reaches the parent intact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .models import RunProgressCommand, RunStatus

__all__ = [
    "APIError",
    "APIUnreachableError",
    "AlreadyRunningError",
    "ArtifactNotFoundError",
    "AuthenticationError",
    "BoltError",
    "ClientClosedError",
    "ConfigurationError",
    "DestinationError",
    "GraphQLErrorDetail",
    "GraphQLResponseError",
    "HTTPStatusError",
    "InvalidArgumentError",
    "InvalidResponseError",
    "NotFoundError",
    "OperationFailedError",
    "RateLimitError",
    "RequestTimeoutError",
    "RunFailedError",
    "RunTimeoutError",
    "ServerError",
    "StorageError",
    "TransportError",
]

_BODY_EXCERPT = 500
TAIL_LINES = 30
CommandT = TypeVar("CommandT", bound="RunProgressCommand")


class BoltError(Exception):
    """Root of every error raised by paradime-bolt."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own reduce calls `cls(*args)`, which our keyword fields break. Rebuild
        # without `__init__` instead: args as they were, then the fields (and notes) as state.
        return (_rebuild, (type(self), self.args), self.__dict__)


def _rebuild(cls: type[BoltError], args: tuple[Any, ...]) -> BoltError:
    """Unpickles any `BoltError`: an instance with its args, its fields set as pickle's state."""
    return cls.__new__(cls, *args)


class ConfigurationError(BoltError):
    """The client cannot be configured: a setting is missing or invalid."""


class ClientClosedError(ConfigurationError, RuntimeError):
    """The client was used after `close()`, or the httpx client it was given is closed.

    Also a `RuntimeError`, which is what httpx raised for this before."""


class InvalidArgumentError(BoltError, ValueError):
    """An argument passed to a method is invalid; nothing was sent."""


class APIError(BoltError):
    """A call to the Bolt API failed. `operation` names the GraphQL operation, when known."""

    def __init__(self, message: str, *, operation: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation


class TransportError(APIError):
    """The request failed on the wire: the connection could not be made, or broke."""


class RequestTimeoutError(TransportError):
    """The request did not complete within its timeout."""


class HTTPStatusError(APIError):
    """The server answered with a non-2xx status. `body` is an excerpt of what it sent."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: str = "",
        headers: Mapping[str, str] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message, operation=operation)
        self.status_code = status_code
        self.body = body[:_BODY_EXCERPT]
        self.headers = dict(headers or {})


class AuthenticationError(HTTPStatusError):
    """The server refused the credentials (401) or their capabilities (403)."""


class RateLimitError(HTTPStatusError):
    """The server asked us to slow down (429)."""


class ServerError(HTTPStatusError):
    """The server failed (5xx)."""


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a GraphQL response's `errors` list."""

    message: str
    path: tuple[str | int, ...] = ()
    locations: tuple[tuple[int, int], ...] = ()
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: object) -> GraphQLErrorDetail:
        """Reads one error object leniently: a malformed entry still yields a message."""
        if not isinstance(raw, Mapping):
            return cls(message=str(raw))
        message = raw.get("message")
        path = raw.get("path")
        locations = raw.get("locations")
        extensions = raw.get("extensions")
        return cls(
            message=message if isinstance(message, str) else str(message),
            path=tuple(p for p in path if isinstance(p, str | int))
            if isinstance(path, list)
            else (),
            locations=tuple(
                (int(loc["line"]), int(loc["column"]))
                for loc in locations
                if isinstance(loc, Mapping)
                and isinstance(loc.get("line"), int)
                and isinstance(loc.get("column"), int)
            )
            if isinstance(locations, list)
            else (),
            extensions=dict(extensions) if isinstance(extensions, Mapping) else {},
        )

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path)
        return f"{self.message} (at {where})" if where else self.message


class GraphQLResponseError(APIError):
    """The server answered with GraphQL `errors`. Every error is kept, and so is partial `data`."""

    def __init__(
        self,
        errors: Sequence[GraphQLErrorDetail],
        *,
        data: Mapping[str, Any] | None = None,
        operation: str | None = None,
    ) -> None:
        self.errors = list(errors)
        self.data = dict(data) if data is not None else None
        summary = "; ".join(str(e) for e in self.errors) or "unspecified GraphQL error"
        prefix = f"{operation}: " if operation else ""
        super().__init__(f"{prefix}{summary}", operation=operation)

    @property
    def messages(self) -> list[str]:
        """The message of every error, in order."""
        return [e.message for e in self.errors]


class AlreadyRunningError(GraphQLResponseError):
    """The schedule already has a run in progress (the server's `AlreadyRunningException`)."""


class InvalidResponseError(APIError):
    """The answer could not be read: not JSON, no `data`, or a payload that breaks the schema."""

    def __init__(self, message: str, *, operation: str | None = None, body: str = "") -> None:
        super().__init__(message, operation=operation)
        self.body = body[:_BODY_EXCERPT]


class APIUnreachableError(APIError):
    """Waiting for a run gave up: every request failed transiently (no connection, timeouts,
    429, 5xx) for `unreachable_for` seconds, the wait's `outage_tolerance`. The run may go on.
    `last_error` is the message of the last failure, which is also the `__cause__`."""

    def __init__(
        self,
        run_id: int,
        unreachable_for: float,
        *,
        last_error: str,
        operation: str | None = None,
    ) -> None:
        self.run_id = run_id
        self.unreachable_for = unreachable_for
        self.last_error = last_error
        super().__init__(
            f"gave up waiting for run {run_id}: the Bolt API was unreachable for "
            f"{unreachable_for:.0f}s (outage_tolerance); the run may still be going. "
            f"Last error: {last_error}",
            operation=operation,
        )


class OperationFailedError(APIError):
    """The payload said `ok: false`: the server did not do, or find, what was asked."""

    def __init__(self, operation: str, arguments: Mapping[str, Any]) -> None:
        self.arguments = dict(arguments)
        asked = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        super().__init__(
            f"{operation} returned ok: false for {asked or 'the request'}",
            operation=operation,
        )


class NotFoundError(OperationFailedError):
    """The schedule, run, command or resource asked for does not exist; `kind` says which.

    One error for every operation, whether the server answered `ok: false` (the lookups) or a
    GraphQL error such as `ScheduleNotFoundException` (the mutations that start runs); in the
    latter case `errors` and `data` keep what it said, as on `GraphQLResponseError`.
    """

    def __init__(
        self,
        operation: str,
        arguments: Mapping[str, Any],
        *,
        kind: str,
        errors: Sequence[GraphQLErrorDetail] = (),
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.arguments = dict(arguments)
        self.kind = kind
        self.errors = list(errors)
        self.data = dict(data) if data is not None else None
        asked = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        said = "; ".join(e.message for e in self.errors) or "the API answered ok: false"
        APIError.__init__(
            self,
            f"{operation}: no {kind} with {asked or 'those arguments'} ({said})",
            operation=operation,
        )


class RunTimeoutError(BoltError):
    """A run did not end within the time given to wait for it.

    `state` is the last state seen; `canceled` is True when the run was cancelled on timeout.
    """

    def __init__(
        self, run_id: int, timeout: float, *, state: str | None, canceled: bool = False
    ) -> None:
        self.run_id = run_id
        self.timeout = timeout
        self.state = state
        self.canceled = canceled
        then = "; it was cancelled" if canceled else ""
        super().__init__(
            f"run {run_id} did not finish within {timeout:g}s (last state {state or 'unknown'})"
            f"{then}"
        )


class RunFailedError(BoltError):
    """A run ended ERROR, FAILED or CANCELED. Carries the failing command and its output's tail."""

    def __init__(
        self,
        run_id: int,
        *,
        state: str | None,
        command: str | None = None,
        command_id: int | None = None,
        return_code: int | None = None,
        stdout_tail: str = "",
        stderr_tail: str = "",
        status: Any = None,
    ) -> None:
        self.run_id = run_id
        self.state = state
        self.command = command
        self.command_id = command_id
        self.return_code = return_code
        self.stdout_tail = stdout_tail
        self.stderr_tail = stderr_tail
        self.status = status
        message = f"run {run_id} ended {state or 'in an unknown state'}"
        if command is not None:
            message += f": `{command}` exited with return code {return_code}"
        output = stderr_tail or stdout_tail
        if output:
            message += "\n" + output
        super().__init__(message)

    @property
    def output_tail(self) -> str:
        """The end of the failing command's stderr, or of its stdout when stderr is empty."""
        return self.stderr_tail or self.stdout_tail

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON-safe fields (an orchestrator's event, a queue message);
        `from_dict` makes it again. The run's full `status` is not carried."""
        return {
            "run_id": self.run_id,
            "state": self.state,
            "command": self.command,
            "command_id": self.command_id,
            "return_code": self.return_code,
            "stdout_tail": self.stdout_tail,
            "stderr_tail": self.stderr_tail,
        }

    @classmethod
    def from_dict(cls, fields: Mapping[str, Any]) -> RunFailedError:
        """The error `to_dict` described (unknown keys are ignored, missing ones are empty)."""
        return cls(
            int(fields["run_id"]),
            state=fields.get("state"),
            command=fields.get("command"),
            command_id=fields.get("command_id"),
            return_code=fields.get("return_code"),
            stdout_tail=fields.get("stdout_tail") or "",
            stderr_tail=fields.get("stderr_tail") or "",
        )

    @classmethod
    def from_status(cls, run_id: int, status: RunStatus) -> RunFailedError:
        """The error for a run whose `RunStatus` says it failed (as `wait_for_run` raises with
        `raise_on_failure`): its failing command and the last lines of that command's output."""
        commands = status.commands or []
        culprit = _failing_command(commands)
        return cls(
            run_id,
            state=status.state,
            command=culprit.command if culprit else None,
            command_id=culprit.id if culprit else None,
            return_code=culprit.return_code if culprit else None,
            stdout_tail=_tail(culprit.stdout) if culprit else "",
            stderr_tail=_tail(culprit.stderr) if culprit else "",
            status=status,
        )


def _failing_command(commands: Sequence[CommandT]) -> CommandT | None:
    """The command that failed the run: the latest with a positive return code, else the latest
    with any non-zero one (Bolt marks commands that never ran properly with negative codes)."""
    failed = [c for c in commands if c.return_code not in (0, None)]
    if not failed:
        return None
    positive = [c for c in failed if (c.return_code or 0) > 0]
    return max(positive or failed, key=lambda c: c.id)


def _tail(text: str | None, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of a log."""
    if not text:
        return ""
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


class ArtifactNotFoundError(BoltError):
    """No command of the run (or of the webhook event, when `run_id` is None) produced a
    resource at that path."""

    def __init__(self, run_id: int | None, path: str) -> None:
        self.run_id = run_id
        self.path = path
        where = f"run {run_id}" if run_id is not None else "the webhook event"
        super().__init__(f"{where} has no artifact at {path!r}")


class StorageError(HTTPStatusError):
    """The storage behind a pre-signed download URL answered a non-2xx status. No credentials
    were sent: the URL is its own authorisation, and it may have expired.

    `code` and `storage_message` are what the storage said (S3's `<Code>` and `<Message>`);
    `expired` is True when it said the URL had expired.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        storage_message: str | None = None,
        expired: bool = False,
        body: str = "",
        headers: Mapping[str, str] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, body=body, headers=headers, operation=operation
        )
        self.code = code
        self.storage_message = storage_message
        self.expired = expired


class DestinationError(BoltError):
    """A download's destination cannot be written (`path`); `reason` and `errno` are the
    system's. The OSError is the `__cause__`."""

    def __init__(self, path: str, reason: str, errno: int | None = None) -> None:
        super().__init__(path, reason, errno)
        self.path = path
        self.reason = reason
        self.errno = errno

    def __str__(self) -> str:
        return f"cannot write the download to {self.path}: {self.reason}"
