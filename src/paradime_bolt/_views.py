"""Typed views of the strings the Bolt API sends: run states and timestamps.

Hand-written. The generated models inherit the mixins below through `@mixin(from:
"paradime_bolt._views", ...)` directives in `queries/`, so this module must never import the
generated package. The raw strings stay on the models (`state`, `start_dttm`); the mixins add
`run_state`, `start_datetime`, ...
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import TYPE_CHECKING


class RunState(str, Enum):
    """A Bolt run state. `UNKNOWN` stands for any state this client does not know yet."""

    STARTING = "STARTING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"
    FAILED = "FAILED"
    CANCELED = "CANCELED"
    SKIPPED = "SKIPPED"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, raw: object) -> RunState:
        """The state named by `raw` (any case); `UNKNOWN` for anything else, never an error."""
        if not isinstance(raw, str):
            return cls.UNKNOWN
        name = raw.strip().upper()
        if name == "CANCELLED":
            name = "CANCELED"
        try:
            return cls(name)
        except ValueError:
            return cls.UNKNOWN

    @property
    def is_terminal(self) -> bool:
        """True once the run has ended; STARTING, RUNNING and unknown states are not terminal."""
        return self in _TERMINAL

    @property
    def is_failure(self) -> bool:
        """True for a run that ended without succeeding: ERROR, FAILED or CANCELED."""
        return self in _FAILURES


_TERMINAL = frozenset(
    {RunState.SUCCESS, RunState.ERROR, RunState.FAILED, RunState.CANCELED, RunState.SKIPPED}
)
_FAILURES = frozenset({RunState.ERROR, RunState.FAILED, RunState.CANCELED})

_BOLT_FORMAT = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"\s*(Z|z|UTC|[+-]\d{2}:?\d{2})?$"
)


def parse_bolt_datetime(raw: object) -> datetime | None:
    """A timezone-aware datetime from a Bolt timestamp, or None when it cannot be read.

    Bolt writes `2024-08-27 22:59:01.476387`, in UTC without a suffix. ISO-8601 forms with `T`,
    `Z` or an offset are read too. Anything else gives None rather than an error.
    """
    if not isinstance(raw, str):
        return None
    match = _BOLT_FORMAT.match(raw.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = timezone.utc
    if zone and zone not in ("Z", "z", "UTC"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset_minutes = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        try:
            tz = timezone(timedelta(minutes=offset_minutes))
        except ValueError:
            return None
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tz
        )
    except ValueError:
        return None


class RunStateMixin:
    """Adds `run_state` (a `RunState`) next to the raw `state` string."""

    if TYPE_CHECKING:
        state: str | None

    @property
    def run_state(self) -> RunState:
        return RunState.parse(self.state)


class StartEndMixin:
    """Adds `start_datetime` and `end_datetime` next to the raw `start_dttm` and `end_dttm`."""

    if TYPE_CHECKING:
        start_dttm: str | None
        end_dttm: str | None

    @property
    def start_datetime(self) -> datetime | None:
        return parse_bolt_datetime(self.start_dttm)

    @property
    def end_datetime(self) -> datetime | None:
        return parse_bolt_datetime(self.end_dttm)


class ScheduleMixin:
    """Adds typed views of a schedule's last and next run."""

    if TYPE_CHECKING:
        last_run_at: str | None
        next_run_at: str | None
        last_run_state: str | None

    @property
    def last_run_datetime(self) -> datetime | None:
        return parse_bolt_datetime(self.last_run_at)

    @property
    def next_run_datetime(self) -> datetime | None:
        return parse_bolt_datetime(self.next_run_at)

    @property
    def last_run_state_parsed(self) -> RunState | None:
        """`last_run_state` as a `RunState`, or None when the schedule has never run."""
        return None if self.last_run_state is None else RunState.parse(self.last_run_state)

    @property
    def last_run_run_state(self) -> RunState | None:
        """The former name of `last_run_state_parsed`, kept for code that uses it."""
        return self.last_run_state_parsed
