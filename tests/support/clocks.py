"""The clock the client tests move by hand for an emulator they start themselves: the
emulator's own `ManualClock`, under the name these tests use."""

from __future__ import annotations

from paradime_bolt_emulator.clock import ManualClock as FakeClock

__all__ = ["FakeClock"]
