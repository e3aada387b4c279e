"""The base classes of the generated clients: each operation goes to a transport.

Hand-written. ariadne-codegen copies `codegen/base_client.py` and `codegen/async_base_client.py`
into the generated package; those only name these classes (and hand over the generated
package's UNSET), so the code itself lives, is linted and is type-checked here.

The generated clients do no I/O of their own: each method hands its operation to the transport
the facade supplies (HTTP, auth, retries and error mapping live there), then lets the transport
parse the answer into the result model (`parse_result`, see codegen/plugins.py), so the
generated code stays a pure description of the operations.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeAlias, TypeVar

from pydantic import BaseModel as PydanticBaseModel

if TYPE_CHECKING:
    from ._config import RequestOptions

__all__ = ["AsyncGraphQLBase", "AsyncTransport", "SyncGraphQLBase", "Transport"]

ResultT = TypeVar("ResultT", bound=PydanticBaseModel)
ReplyT_co = TypeVar("ReplyT_co", covariant=True)


class GraphQLTransport(Protocol[ReplyT_co]):
    """Sends one GraphQL operation (with a call's `options=`), and turns its answer into a
    result model. `execute` returns the answer (`Transport`) or an awaitable of it
    (`AsyncTransport`); parsing is CPU work only, so `parse` is never awaited."""

    def execute(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        *,
        options: RequestOptions = ...,
    ) -> ReplyT_co: ...

    def parse(self, model: type[ResultT], reply: Any) -> ResultT: ...


Transport: TypeAlias = GraphQLTransport[Any]
AsyncTransport: TypeAlias = GraphQLTransport[Awaitable[Any]]


class _GraphQLBase:
    unset: ClassVar[object]
    """The generated package's UNSET: an argument left out, never sent."""

    def parse_result(self, model: type[ResultT], reply: Any) -> ResultT:
        return self.transport.parse(model, reply)

    def variables(self, variables: dict[str, Any] | None) -> dict[str, Any]:
        """Drops unset arguments and turns input models into plain JSON values."""
        return {k: _to_json(v) for k, v in (variables or {}).items() if v is not self.unset}

    transport: Transport | AsyncTransport


class SyncGraphQLBase(_GraphQLBase):
    """Turns a generated method call into calls of the transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport: Transport = transport

    def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        return self.transport.execute(query, operation_name, self.variables(variables), **kwargs)


class AsyncGraphQLBase(_GraphQLBase):
    """Turns a generated method call into an awaited call of the transport."""

    def __init__(self, transport: AsyncTransport) -> None:
        self.transport: AsyncTransport = transport

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        return await self.transport.execute(
            query, operation_name, self.variables(variables), **kwargs
        )


def _to_json(value: Any) -> Any:
    if isinstance(value, PydanticBaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return value
