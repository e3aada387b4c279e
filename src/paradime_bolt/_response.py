"""Reading an HTTP answer as a GraphQL response: status, JSON envelope, `errors`, `data`.

A successful answer is validated straight from its JSON bytes into the operation's result model
(pydantic's JSON mode: one pass, no intermediate dicts). Anything else, or anything that does not
fit, takes the careful path that names exactly what is wrong.

The result model of an operation has one field, its payload (codegen/plugins.py makes it
required): a null payload is an `InvalidResponseError` and one that says `ok: false` an
`OperationFailedError`, both naming the operation and the field as the model does.
"""

from __future__ import annotations

import gc
import json
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

import httpx
import pydantic

from ._exceptions import (
    AlreadyRunningError,
    AuthenticationError,
    GraphQLErrorDetail,
    GraphQLResponseError,
    HTTPStatusError,
    InvalidResponseError,
    OperationFailedError,
    RateLimitError,
    ServerError,
)

__all__ = ["Reply", "parse_reply", "read_graphql_response", "status_error"]

ALREADY_RUNNING_MARKER = "AlreadyRunningException"
# From this size an answer is validated with the cyclic GC paused (see `_validate_json`).
PAUSE_GC_FROM_BYTES = 256 * 1024
ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


@dataclass(frozen=True)
class Reply:
    """A 2xx answer to one operation, not yet read: its body and what it claims to be."""

    content: bytes
    content_type: str
    operation: str | None


@cache
def _envelope(model: type[pydantic.BaseModel]) -> type[pydantic.BaseModel]:
    """`{"data": <model> | null, "errors": [...] | null}`, for validating a whole answer."""
    return pydantic.create_model(
        f"{model.__name__}Envelope",
        data=(cast(Any, model | None), None),
        errors=(list[Any] | None, None),
    )


def parse_reply(model: type[ModelT], reply: Reply, *, secret: str) -> ModelT:
    """The operation's result model, or the `APIError` that says why there is none."""
    try:
        envelope = _validate_json(_envelope(model), reply.content)
    except (pydantic.ValidationError, ValueError, RecursionError):
        envelope = None
    data = getattr(envelope, "data", None)
    if envelope is not None and not getattr(envelope, "errors", None) and data is not None:
        return _check_ok(cast(ModelT, data), reply.operation)
    raw = read_graphql_response(reply, secret=secret)
    for name, field in model.model_fields.items():
        if raw.get(field.alias or name) is None:
            raise InvalidResponseError(
                f"{_label(reply.operation)}`{field.alias or name}` is null in the response",
                operation=reply.operation,
            )
    try:
        return _check_ok(model.model_validate(raw), reply.operation)
    except pydantic.ValidationError as exc:
        raise InvalidResponseError(
            f"{_label(reply.operation)}the response does not fit the schema: {describe(exc)}",
            operation=reply.operation,
        ) from None


def _validate_json(envelope: type[ModelT], content: bytes) -> ModelT:
    """`envelope` validated from `content`; a large answer with the cyclic GC paused.

    Ten thousand resources make some 30,000 tracked objects, and the GC would scan them dozens
    of times (a quarter of the time). Pausing changes no result, only when cyclic garbage is
    collected, and it undoes no one's choice: it happens only when the GC is on and this is the
    only thread (nothing else can switch it meanwhile), and the GC is back on after, whatever
    happens. docs/performance.md has the figures."""
    if len(content) < PAUSE_GC_FROM_BYTES or not gc.isenabled() or threading.active_count() > 1:
        return envelope.model_validate_json(content)
    gc.disable()
    try:
        return envelope.model_validate_json(content)
    finally:
        gc.enable()


def _check_ok(result: ModelT, operation: str | None) -> ModelT:
    """`result`, unless its payload says `ok: false`."""
    for name in type(result).model_fields:
        if getattr(getattr(result, name), "ok", True) is False:
            raise OperationFailedError(operation or type(result).__name__, {})
    return result


def describe(exc: pydantic.ValidationError, limit: int = 5) -> str:
    """Where and why validation failed, without echoing the (possibly huge) input values."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False)[:limit]:
        where = ".".join(str(p) for p in error["loc"]) or "<root>"
        parts.append(f"{where}: {error['msg']}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def read_graphql_response(reply: Reply, *, secret: str) -> dict[str, Any]:
    """Returns the `data` object of a successful answer, or raises the matching `APIError`."""
    operation = reply.operation
    try:
        body = json.loads(reply.content)
    except RecursionError:
        raise InvalidResponseError(
            f"{_label(operation)}the response JSON is nested too deeply to read",
            operation=operation,
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidResponseError(
            f"{_label(operation)}the response is not JSON "
            f"(content-type {reply.content_type or 'unknown'!r})",
            operation=operation,
            body=_scrub(_decode(reply.content), secret),
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
    response: httpx.Response, *, operation: str | None, secret: str, credential: str = ""
) -> HTTPStatusError:
    """The typed error for a non-2xx answer, with an excerpt of the body and the headers.

    `credential` describes what was sent (its kind and workspace, never its value); a 401 or
    403 names it."""
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
    detail = _error_summary(response, secret)
    message = f"{_label(operation)}HTTP {code} {reason}" + (f": {detail}" if detail else "")
    if cls is AuthenticationError and credential:
        message += f" (the API refused {credential})"
    return cls(
        message,
        status_code=code,
        body=_scrub(_text(response), secret),
        headers=dict(response.headers),
        operation=operation,
    )


def _error_summary(response: httpx.Response, secret: str) -> str:
    """The GraphQL error messages of an error body, else a short excerpt of its text."""
    text = _text(response)
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return _scrub(" ".join(text.split())[:200], secret)
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        messages = [GraphQLErrorDetail.from_json(e).message for e in body["errors"]]
        return _scrub("; ".join(messages)[:500], secret)
    return _scrub(" ".join(text.split())[:200], secret)


def _text(response: httpx.Response) -> str:
    try:
        return _decode(response.content)
    except httpx.ResponseNotRead:
        return ""


def _decode(content: bytes) -> str:
    return content[:4096].decode("utf-8", errors="replace")


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "**********") if secret else text


def _label(operation: str | None) -> str:
    return f"{operation}: " if operation else ""
