"""The API-key check in front of the GraphQL endpoint: both headers must match, in constant time."""

from __future__ import annotations

import hmac

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

UNAUTHORIZED_MESSAGE = "Unauthorized: missing or invalid X-API-KEY / X-API-SECRET"
UNAUTHORIZED_BODY = {
    "errors": [{"message": UNAUTHORIZED_MESSAGE, "extensions": {"code": "UNAUTHENTICATED"}}]
}


def _matches(given: str | None, expected: str) -> bool:
    # Bytes, because compare_digest refuses non-ASCII str and headers may carry anything.
    return hmac.compare_digest((given or "").encode(), expected.encode())


class ApiKeyGuard:
    """Wraps an ASGI app; requests without the right X-API-KEY and X-API-SECRET get a 401."""

    def __init__(self, app: ASGIApp, api_key: str, api_secret: str) -> None:
        self._app = app
        self._api_key = api_key
        self._api_secret = api_secret

    def authorized(self, headers: Headers) -> bool:
        """Whether both headers match; both are always compared, so timing reveals neither."""
        key_ok = _matches(headers.get("x-api-key"), self._api_key)
        secret_ok = _matches(headers.get("x-api-secret"), self._api_secret)
        return key_ok and secret_ok

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reject unauthorised HTTP requests and any websocket; pass the rest through."""
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] == "http" and not self.authorized(Headers(scope=scope)):
            await JSONResponse(UNAUTHORIZED_BODY, status_code=401)(scope, receive, send)
            return
        await self._app(scope, receive, send)
