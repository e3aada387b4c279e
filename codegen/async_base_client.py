"""Base class of the generated asynchronous client.

Hand-written, copied verbatim into the generated package by ariadne-codegen. Like its synchronous
twin it does no I/O: each operation is awaited on a transport that the facade supplies, and the
answer is parsed by the transport (CPU work only, so `parse_result` is not awaited).
"""

from typing import Any, Protocol

from .base_client import ResultT, to_json_variables


class AsyncTransport(Protocol):
    """Sends one GraphQL operation, and turns its answer into a result model."""

    async def execute(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        **options: Any,
    ) -> Any: ...

    def parse(self, model: type[ResultT], reply: Any) -> ResultT: ...


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
    ) -> Any:
        return await self.transport.execute(
            query, operation_name, to_json_variables(variables), **kwargs
        )

    def parse_result(self, model: type[ResultT], reply: Any) -> ResultT:
        return self.transport.parse(model, reply)
