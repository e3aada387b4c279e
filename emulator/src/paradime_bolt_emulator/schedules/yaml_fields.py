"""Typed access to one YAML mapping, so each validation error names the file, entry and key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn


class ScheduleFileError(ValueError):
    """A schedules file the emulator cannot serve; the message names the file, entry and key."""


class YamlFields:
    """Reads the keys of one mapping, rejecting unknown keys and values of the wrong type."""

    def __init__(self, value: object, origin: str, where: str, allowed: frozenset[str]) -> None:
        self.origin = origin
        self.where = where
        if not isinstance(value, Mapping):
            self.fail(f"must be a mapping, got {_kind(value)}")
        self._mapping: Mapping[object, object] = value
        unknown = sorted(repr(key) for key in value if key not in allowed)
        if unknown:
            self.fail(f"unknown key {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")

    def fail(self, problem: str, key: str | None = None) -> NoReturn:
        """Raise a ScheduleFileError located at this mapping, or at one of its keys."""
        place = self.where if key is None else f"{self.where}.{key}"
        raise ScheduleFileError(f"{self.origin}: {place}: {problem}")

    def has(self, key: str) -> bool:
        """Whether the key is present with a non-null value."""
        return self._mapping.get(key) is not None

    def raw(self, key: str) -> object:
        """The value as YAML parsed it, or None when absent."""
        return self._mapping.get(key)

    def required_str(self, key: str) -> str:
        """A non-empty string that must be present."""
        value = self._mapping.get(key)
        if value is None:
            self.fail("is required", key)
        return self._non_empty_str(key, value)

    def optional_str(self, key: str) -> str | None:
        """A non-empty string, or None when absent."""
        value = self._mapping.get(key)
        return None if value is None else self._non_empty_str(key, value)

    def str_or(self, key: str, default: str) -> str:
        """A non-empty string, or the default when absent."""
        value = self.optional_str(key)
        return default if value is None else value

    def text_or_empty(self, key: str) -> str:
        """A string that may be empty (a description), or the empty string when absent."""
        value = self._mapping.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(f"must be a string, got {_kind(value)}", key)
        return value

    def str_list(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        """A list of non-empty strings; empty when absent unless required."""
        value = self._mapping.get(key)
        if value is None:
            if required:
                self.fail("is required", key)
            return ()
        if not isinstance(value, list):
            self.fail(f"must be a list of strings, got {_kind(value)}", key)
        items = tuple(
            self._non_empty_str(f"{key}[{index}]", item) for index, item in enumerate(value)
        )
        if required and not items:
            self.fail("must not be empty", key)
        return items

    def boolean(self, key: str, default: bool) -> bool:
        """A true/false value, or the default when absent."""
        value = self._mapping.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(f"must be true or false, got {_kind(value)}", key)
        return value

    def seconds(self, key: str) -> float | None:
        """A non-negative number of seconds, or None when absent."""
        value = self._mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            self.fail(f"must be a non-negative number of seconds, got {value!r}", key)
        return float(value)

    def integer(self, key: str) -> int | None:
        """An integer, or None when absent."""
        value = self._mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"must be an integer, got {value!r}", key)
        return value

    def _non_empty_str(self, key: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(f"must be a non-empty string, got {value!r}", key)
        return value


def _kind(value: object) -> str:
    """A short name of a YAML value's type for error messages."""
    if value is None:
        return "null"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
