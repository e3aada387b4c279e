"""Reading an HTTP answer as a GraphQL response: status, JSON envelope, `errors`, `data`."""

from __future__ import annotations

import json
from typing import Any

import httpx

from ._exceptions import (
    AlreadyRunningError,
    AuthenticationError,
    GraphQLErrorDetail,
    GraphQLResponseError,
    HTTPStatusError,
    InvalidResponseError,
    RateLimitError,
    ServerError,
)

__all__ = ["read_graphql_response", "status_error"]

ALREADY_RUNNING_MARKER = "AlreadyRunningException"


def read_graphql_response(
    response: httpx.Response, *, operation: str | None, redact: str
) -> dict[str, Any]:
    """Returns the `data` object of a successful answer, or raises the matching `APIError`."""
    if not response.is_success:
        raise status_error(response, operation=operation, redact=redact)
    try:
        body = json.loads(response.content)
    except RecursionError:
        raise InvalidResponseError(
            f"{_label(operation)}the response JSON is nested too deeply to read",
            operation=operation,
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidResponseError(
            f"{_label(operation)}the response is not JSON "
            f"(content-type {response.headers.get('content-type', 'unknown')!r})",
            operation=operation,
            body=_scrub(_text(response), redact),
        ) from None
    if not isinstance(body, dict):
        raise InvalidResponseError(
            f"{_label(operation)}the response is JSON {type(body).__name__}, not an object",
            operation=operation,
        )
    data = body.get("data")
    errors = body.get("errors")
    if errors:
        details = (
            [GraphQLErrorDetail.from_json(e) for e in errors]
            if isinstance(errors, list)
            else [GraphQLErrorDetail.from_json(errors)]
        )
        partial = data if isinstance(data, dict) else None
        cls = (
            AlreadyRunningError
            if any(ALREADY_RUNNING_MARKER in d.message for d in details)
            else GraphQLResponseError
        )
        raise cls(details, data=partial, operation=operation)
    if data is None:
        raise InvalidResponseError(
            f"{_label(operation)}the response has no `data` and no `errors`",
            operation=operation,
        )
    if not isinstance(data, dict):
        raise InvalidResponseError(
            f"{_label(operation)}`data` is JSON {type(data).__name__}, not an object",
            operation=operation,
        )
    return data


def status_error(
    response: httpx.Response, *, operation: str | None, redact: str
) -> HTTPStatusError:
    """The typed error for a non-2xx answer, with an excerpt of the body and the headers."""
    code = response.status_code
    cls: type[HTTPStatusError]
    if code in (401, 403):
        cls = AuthenticationError
    elif code == 429:
        cls = RateLimitError
    elif code >= 500:
        cls = ServerError
    else:
        cls = HTTPStatusError
    reason = response.reason_phrase or "error"
    detail = _error_summary(response, redact)
    message = f"{_label(operation)}HTTP {code} {reason}" + (f": {detail}" if detail else "")
    return cls(
        message,
        status_code=code,
        body=_scrub(_text(response), redact),
        headers=dict(response.headers),
        operation=operation,
    )


def _error_summary(response: httpx.Response, redact: str) -> str:
    """The GraphQL error messages of an error body, else a short excerpt of its text."""
    text = _text(response)
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return _scrub(" ".join(text.split())[:200], redact)
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        messages = [GraphQLErrorDetail.from_json(e).message for e in body["errors"]]
        return _scrub("; ".join(messages)[:500], redact)
    return _scrub(" ".join(text.split())[:200], redact)


def _text(response: httpx.Response) -> str:
    try:
        return response.content[:4096].decode("utf-8", errors="replace")
    except httpx.ResponseNotRead:
        return ""


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "**********") if secret else text


def _label(operation: str | None) -> str:
    return f"{operation}: " if operation else ""
