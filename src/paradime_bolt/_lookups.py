"""What "not found" means for each operation of the facades: one `NotFoundError`, whether the
API answered `ok: false` or a GraphQL error naming the missing thing. The transport refuses
null and `ok: false` payloads itself (`_response`); `lookup` says what such an `ok: false`
means for the operation at hand."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from ._exceptions import (
    AlreadyRunningError,
    GraphQLErrorDetail,
    GraphQLResponseError,
    NotFoundError,
    OperationFailedError,
)

__all__ = ["Kind", "lookup"]

Kind = Literal["schedule", "run", "command", "resource"]

# How the API says a thing does not exist in a GraphQL error: the exception name opens the
# message (`ScheduleNotFoundException: ...`), and `extensions.code` may say NOT_FOUND.
_NOT_FOUND_NAME = re.compile(r"\b(Schedule|Run|Command|Resource)?NotFoundException\b")
_NOT_FOUND_CODE = "NOT_FOUND"


@contextmanager
def lookup(
    kind: Kind, asked: Mapping[str, Any], *, not_ok_is_missing: bool = True
) -> Iterator[None]:
    """Raises what says the `kind` of thing `asked` for does not exist as `NotFoundError`:
    a GraphQL "not found" error (whose exception name, `RunNotFoundException`, wins over `kind`)
    and, when `not_ok_is_missing`, the payload's `ok: false`. Any other `ok: false` stays an
    `OperationFailedError`, now naming `asked`. The operation is the one the error names."""
    try:
        yield
    except NotFoundError:
        raise
    except OperationFailedError as exc:
        operation = exc.operation or ""
        if not_ok_is_missing:
            raise NotFoundError(operation, asked, kind=kind) from None
        raise OperationFailedError(operation, asked) from None
    except GraphQLResponseError as exc:
        found = None if isinstance(exc, AlreadyRunningError) else _missing_kind(exc.errors)
        if found is None:
            raise
        raise NotFoundError(
            exc.operation or "", asked, kind=found or kind, errors=exc.errors, data=exc.data
        ) from None


def _missing_kind(errors: Sequence[GraphQLErrorDetail]) -> str | None:
    """What a not-found error names ("" when it does not say), or None for other errors."""
    for error in errors:
        match = _NOT_FOUND_NAME.search(error.message)
        if match:
            return (match.group(1) or "").lower()
        if error.extensions.get("code") == _NOT_FOUND_CODE:
            return ""
    return None
