"""The per-request GraphQL context: the service, one clock reading, and this server's base URL."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLResolveInfo

from .service import BoltService


@dataclass(frozen=True)
class RequestContext:
    """Read once per request, so every field of one response describes the same moment."""

    service: BoltService
    now: float
    base_url: str
    # The services of every workspace the request's credential reaches (its own included).
    reachable: tuple[BoltService, ...] = field(default=())


def context_of(info: GraphQLResolveInfo) -> RequestContext:
    """The RequestContext a resolver runs in."""
    context = info.context
    assert isinstance(context, RequestContext), "the emulator's GraphQL app sets this context"
    return context
