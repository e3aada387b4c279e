"""Base class of the generated asynchronous client.

Hand-written, copied verbatim into the generated package by ariadne-codegen. Like its synchronous
twin it does no I/O: each operation is awaited on a transport that the facade supplies.
"""

from typing import Any, Protocol

from .base_client import to_json_variables


class AsyncTransport(Protocol):
    """Sends one GraphQL operation and returns the response's `data` object."""

    async def execute(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        **options: Any,
    ) -> dict[str, Any]: ...


class AsyncBaseClient:
    """Turns a generated method call into an awaited call of the transport."""

    def __init__(self, transport: AsyncTransport) -> None:
        self.transport = transport

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        return await self.transport.execute(
            query, operation_name, to_json_variables(variables), **kwargs
        )

    def get_data(self, response: dict[str, Any]) -> dict[str, Any]:
        return response
