"""Small shared types: the NOT_GIVEN sentinel and the accepted timeout forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    import httpx

__all__ = ["NOT_GIVEN", "NotGiven", "Timeout"]

Timeout: TypeAlias = "float | httpx.Timeout | None"
"""Seconds, an `httpx.Timeout` for finer control, or None for no timeout at all."""


class NotGiven:
    """Marks an argument the caller left out, as distinct from one they set to None."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
