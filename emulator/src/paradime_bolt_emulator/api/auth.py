"""The credential check in front of the GraphQL endpoint, and the workspace a request is for.

Three kinds of credential are accepted, as on the live API:

- the legacy pair, ``X-API-KEY`` and ``X-API-SECRET``: the default workspace;
- a workspace token, ``Authorization: Bearer prdm_wsp_...``: the default workspace;
- an account API key, ``Authorization: Bearer prdm_cmp_...``: the workspace that the
  ``X-Paradime-Workspace`` header names, one of those served.

Answers, each a JSON body of GraphQL-style ``errors`` with an ``extensions.code``: a missing or
wrong credential is 401 ``UNAUTHENTICATED``; an account key without the workspace header is 400
``BAD_REQUEST``; a workspace the credential cannot use (unknown to the account key, or another
workspace than the one the pair or token belongs to) is 403 ``FORBIDDEN``. Access to a workspace
that does not exist and to one that exists but is not the credential's is refused the same way,
so the answer never tells which workspaces exist. No answer echoes a header's value.

Every comparison is in constant time over bytes; when an ``Authorization`` header is present it
alone decides.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from paradime_bolt_emulator.config import DEFAULT_WORKSPACE

UNAUTHORIZED_MESSAGE = (
    "Unauthorized: missing or invalid credentials (X-API-KEY and X-API-SECRET, "
    "or Authorization: Bearer <token>)"
)
UNAUTHORIZED_BODY = {
    "errors": [{"message": UNAUTHORIZED_MESSAGE, "extensions": {"code": "UNAUTHENTICATED"}}]
}
WORKSPACE_HEADER = "X-Paradime-Workspace"
MISSING_WORKSPACE_MESSAGE = (
    f"Bad request: an account API key must name its workspace in the {WORKSPACE_HEADER} header"
)
FORBIDDEN_MESSAGE = (
    f"Forbidden: these credentials have no access to the workspace named in {WORKSPACE_HEADER}"
)
# Where the guard leaves the workspace for the GraphQL context (``request.state``).
WORKSPACE_STATE = "bolt_workspace"
# ... and every workspace the credential reaches (listAllScheduleNames).
REACHABLE_STATE = "bolt_reachable_workspaces"


def _body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def _matches(given: str | None, expected: str | None) -> bool:
    # Bytes, because compare_digest refuses non-ASCII str and headers may carry anything.
    if expected is None:
        return False
    return hmac.compare_digest((given or "").encode(), expected.encode())


class ApiKeyGuard:
    """Wraps an ASGI app; answers unauthorised requests itself and tells the app, through
    ``scope["state"]``, which workspace an authorised one is for."""

    def __init__(
        self,
        app: ASGIApp,
        api_key: str,
        api_secret: str,
        *,
        workspace_token: str | None = None,
        account_key: str | None = None,
        workspaces: Sequence[str] = (DEFAULT_WORKSPACE,),
    ) -> None:
        self._app = app
        self._api_key = api_key
        self._api_secret = api_secret
        self._workspace_token = workspace_token
        self._account_key = account_key
        self._workspaces = tuple(workspaces)

    def authorized(self, headers: Headers) -> bool:
        """Whether the request may go on (see ``workspace_for``)."""
        return isinstance(self.workspace_for(headers), str)

    def workspace_for(self, headers: Headers) -> str | JSONResponse:
        """The workspace the request is for, or the response that refuses it."""
        default = self._workspaces[0]
        named = headers.get(WORKSPACE_HEADER) or None
        authorization = headers.get("authorization")
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            bearer = token.strip() if scheme.lower() == "bearer" else None
            # Both are compared, always, so timing tells neither.
            is_workspace_token = _matches(bearer, self._workspace_token)
            is_account_key = _matches(bearer, self._account_key)
            if is_account_key:
                if named is None:
                    return JSONResponse(
                        _body(MISSING_WORKSPACE_MESSAGE, "BAD_REQUEST"), status_code=400
                    )
                return named if named in self._workspaces else _forbidden()
            if not is_workspace_token:
                return JSONResponse(UNAUTHORIZED_BODY, status_code=401)
        else:
            key_ok = _matches(headers.get("x-api-key"), self._api_key)
            secret_ok = _matches(headers.get("x-api-secret"), self._api_secret)
            if not (key_ok and secret_ok):
                return JSONResponse(UNAUTHORIZED_BODY, status_code=401)
        # The key pair and a workspace token belong to the default workspace alone.
        return default if named in (None, default) else _forbidden()

    def reachable(self, headers: Headers) -> tuple[str, ...]:
        """The workspaces an authorised request's credential reaches: all of them for the
        account key, the default one for the key pair and the workspace token."""
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and _matches(token.strip(), self._account_key):
            return self._workspaces
        return self._workspaces[:1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reject unauthorised HTTP requests and any websocket; pass the rest through."""
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] == "http":
            decided = self.workspace_for(Headers(scope=scope))
            if not isinstance(decided, str):
                await decided(scope, receive, send)
                return
            state = scope.setdefault("state", {})
            state[WORKSPACE_STATE] = decided
            state[REACHABLE_STATE] = self.reachable(Headers(scope=scope))
        await self._app(scope, receive, send)


def _forbidden() -> JSONResponse:
    return JSONResponse(_body(FORBIDDEN_MESSAGE, "FORBIDDEN"), status_code=403)
