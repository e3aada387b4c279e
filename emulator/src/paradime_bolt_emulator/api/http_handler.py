"""The GraphQL endpoint's HTTP handling: bounded bodies, JSON errors, work off the event loop.

ariadne's own handler answers some hostile requests with HTTP 500 (a JSON body nested 1,000
deep, any multipart POST) and runs everything on the event loop, so one slow request stalls
every client. This one:

- answers ``413`` when the body is larger than ``limits.MAX_BODY_BYTES``: at once when
  ``Content-Length`` says so (nothing is read), else as soon as the streamed body passes it;
- answers ``415`` to a POST that is not ``application/json`` (multipart included), and ``400``
  to a body that is not JSON or nests deeper than ``limits.MAX_JSON_DEPTH``;
- decodes the body, advances runs (the context), parses, validates, executes and renders the
  response in a worker thread, so the event loop only moves bytes.

Every refusal is a JSON body of GraphQL-style ``errors`` with an ``extensions.code``, as the
credential check's are. GraphQL requests go through ariadne's ``graphql_sync`` with the server's
own options, so their answers are ariadne's.
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
from ariadne import graphql_sync
from ariadne.asgi.handlers import GraphQLHTTPHandler
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .limits import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_JSON_DEPTH, json_depth_exceeds

JSON_TYPE = "application/json"


def error_response(status: int, message: str, code: str) -> JSONResponse:
    """A refusal as a GraphQL-style error body."""
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def too_large() -> JSONResponse:
    """413: the body is over the limit."""
    return error_response(
        413,
        f"Request body too large: the limit is {MAX_BODY_BYTES:,} bytes",
        "PAYLOAD_TOO_LARGE",
    )


class HeaderLimit:
    """ASGI wrapper: a request whose header fields are over ``MAX_HEADER_BYTES`` in all gets
    431 and a JSON error, before any route sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse the request, or pass it on."""
        if scope["type"] == "http":
            size = sum(len(name) + len(value) for name, value in scope["headers"])
            if size > MAX_HEADER_BYTES:
                refusal = error_response(
                    431,
                    f"Request header fields too large: the limit is {MAX_HEADER_BYTES:,} bytes "
                    "in all",
                    "REQUEST_HEADER_FIELDS_TOO_LARGE",
                )
                await refusal(scope, receive, send)
                return
        await self._app(scope, receive, send)


class BadRequest(Exception):
    """The request's GraphQL parameters cannot be read; the message says why."""


def decode_json(text: str | bytes, what: str) -> Any:
    """Decoded JSON, or BadRequest naming ``what`` was not JSON or nested too deeply."""
    try:
        value = json.loads(text)
    except RecursionError:
        value = None
        nested = True
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        raise BadRequest(f"{what} is not valid JSON") from None
    else:
        nested = json_depth_exceeds(value)
    if nested:
        raise BadRequest(f"{what} nests arrays and objects more than {MAX_JSON_DEPTH} levels deep")
    return value


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes | None:
    """The whole body, or None as soon as it is known to be larger than ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class BoltHTTPHandler(GraphQLHTTPHandler):
    """ariadne's HTTP handler with the limits above, executing in a worker thread.

    It takes no extensions or middleware (the emulator uses none).
    """

    async def graphql_http_server(self, request: Request) -> Response:
        """Read the request on the event loop; everything else in a worker thread."""
        body: bytes | None = None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != JSON_TYPE:
                return error_response(
                    415,
                    f"Unsupported content type {content_type or '(none)'!r}: POST the GraphQL "
                    f"request as JSON, with Content-Type: {JSON_TYPE}",
                    "UNSUPPORTED_MEDIA_TYPE",
                )
            try:
                body = await read_body(request)
            except ClientDisconnect:
                return Response(status_code=400)  # nobody is left to read it
            if body is None:
                return too_large()
        answer: Response = await anyio.to_thread.run_sync(self.answer, request, body)
        return answer

    def data_of(self, request: Request, body: bytes | None) -> Any:
        """The GraphQL parameters: the JSON body, or a GET's query string."""
        if body is not None:
            return decode_json(body, "The request body")
        params = request.query_params
        variables = params.get("variables", "").strip()
        return {
            "query": params.get("query", "").strip(),
            "operationName": params.get("operationName", "").strip() or None,
            "variables": decode_json(variables, "The variables parameter") if variables else None,
        }

    def answer(self, request: Request, body: bytes | None) -> Response:
        """Decode, build the context (which advances runs), execute and render: blocking work,
        run in a worker thread."""
        try:
            data = self.data_of(request, body)
        except BadRequest as error:
            return error_response(400, str(error), "BAD_REQUEST")
        context = self.context_value
        if callable(context):
            context = context(request, data)
        elif context is None:
            context = {"request": request}
        assert self.schema is not None, "the GraphQL app configures its handler"
        success, result = graphql_sync(
            self.schema,
            data,
            context_value=context,
            root_value=self.root_value,
            query_parser=self.query_parser,
            query_validator=self.query_validator,
            validation_rules=self.validation_rules,
            require_query=request.method == "GET",
            debug=self.debug,
            introspection=self.introspection,
            logger=self.logger,
            error_formatter=self.error_formatter,
            execution_context_class=self.execution_context_class,
        )
        status = 200 if success or result.get("data") is not None else 400
        return JSONResponse(result, status_code=status)
