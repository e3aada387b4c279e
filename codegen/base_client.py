"""Base class of the generated synchronous client.

Hand-written, copied verbatim into the generated package by ariadne-codegen. It does no I/O of its
own: each operation goes to a transport that the facade supplies (HTTP, auth, retries and error
mapping live there), so the generated code stays a pure description of the operations. Generated
methods end with `parse_result` (see codegen/plugins.py), which lets the transport validate the
answer's JSON bytes straight into the result model.
"""

from typing import Any, Protocol, TypeVar

from pydantic import BaseModel as PydanticBaseModel

from .base_model import UNSET

ResultT = TypeVar("ResultT", bound=PydanticBaseModel)


class Transport(Protocol):
    """Sends one GraphQL operation, and turns its answer into a result model."""

    def execute(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        **options: Any,
    ) -> Any: ...

    def parse(self, model: type[ResultT], reply: Any) -> ResultT: ...


class BaseClient:
    """Turns a generated method call into calls of the transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        return self.transport.execute(query, operation_name, to_json_variables(variables), **kwargs)

    def parse_result(self, model: type[ResultT], reply: Any) -> ResultT:
        return self.transport.parse(model, reply)


def to_json_variables(variables: dict[str, Any] | None) -> dict[str, Any]:
    """Drops unset arguments and turns input models into plain JSON values."""
    return {key: _to_json(value) for key, value in (variables or {}).items() if value is not UNSET}


def _to_json(value: Any) -> Any:
    if isinstance(value, PydanticBaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return value
