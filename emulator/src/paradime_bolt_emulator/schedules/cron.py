"""A small five-field cron evaluator, so ``nextRunAt`` follows a schedule's cron in its timezone.

Fields are minute, hour, day of month, month and day of week. Each accepts ``*``, numbers, names
(``jan``..``dec``, ``sun``..``sat``), ranges ``a-b``, steps ``*/n``, ``a-b/n`` and ``a/n``, and
comma-separated lists of these; day of week 7 is Sunday like 0. When both day fields are restricted
a day matching either one fires, as in Vixie cron. The ``@hourly``-style macros are accepted too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# Eight years always contain every (month, day, weekday) combination a valid expression can ask for.
_SEARCH_DAYS = 366 * 8


@dataclass(frozen=True)
class _Field:
    """The allowed values of one cron field, and whether the field was restricted at all."""

    values: tuple[int, ...]
    restricted: bool


def _parse_value(text: str, low: int, high: int, names: tuple[str, ...], offset: int) -> int:
    """One number or name of a field, checked against the field's range."""
    lowered = text.lower()
    if lowered in names:
        return names.index(lowered) + offset
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"{text!r} is not a number")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{value} is outside {low}-{high}")
    return value


def _parse_field(
    text: str, low: int, high: int, names: tuple[str, ...] = (), offset: int = 0
) -> _Field:
    """Expand one field into the sorted values it allows."""
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not (step_text.isascii() and step_text.isdigit()) or int(step_text) == 0:
                raise ValueError(f"bad step in {part!r}")
            step = int(step_text)
        if span == "*":
            start, stop = low, high
        elif "-" in span:
            first, _, last = span.partition("-")
            start = _parse_value(first, low, high, names, offset)
            stop = _parse_value(last, low, high, names, offset)
            if start > stop:
                raise ValueError(f"range {span!r} runs backwards")
        else:
            start = _parse_value(span, low, high, names, offset)
            stop = high if step_text else start
        values.update(range(start, stop + 1, step))
    return _Field(tuple(sorted(values)), restricted=not text.startswith("*"))


@dataclass(frozen=True)
class CronExpression:
    """A parsed cron expression that can compute its next firing time."""

    minutes: _Field
    hours: _Field
    days: _Field
    months: _Field
    weekdays: _Field

    @classmethod
    def parse(cls, text: str) -> CronExpression:
        """Parse five fields or a macro; raise ValueError with the reason when invalid."""
        expanded = _MACROS.get(text.strip().lower(), text)
        fields = expanded.split()
        if len(fields) != 5:
            raise ValueError(f"expected 5 fields, got {len(fields)} in {text!r}")
        try:
            weekdays = _parse_field(fields[4], 0, 7, _WEEKDAYS)
            return cls(
                minutes=_parse_field(fields[0], 0, 59),
                hours=_parse_field(fields[1], 0, 23),
                days=_parse_field(fields[2], 1, 31),
                months=_parse_field(fields[3], 1, 12, _MONTHS, offset=1),
                weekdays=_Field(
                    tuple(sorted({day % 7 for day in weekdays.values})), weekdays.restricted
                ),
            )
        except ValueError as error:
            raise ValueError(f"{error} in {text!r}") from error

    def matches_day(self, day: date) -> bool:
        """Whether the expression fires on this calendar day."""
        if day.month not in self.months.values:
            return False
        by_date = day.day in self.days.values
        by_weekday = day.isoweekday() % 7 in self.weekdays.values
        if self.days.restricted and self.weekdays.restricted:
            return by_date or by_weekday
        return by_date and by_weekday

    def next_after(self, moment: datetime, zone: tzinfo) -> datetime | None:
        """The first firing strictly after an aware moment, in UTC; None if it can never fire."""
        local = moment.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        first = local + timedelta(minutes=1)
        day = first.date()
        for _ in range(_SEARCH_DAYS):
            if self.matches_day(day):
                for hour in self.hours.values:
                    for minute in self.minutes.values:
                        wall = datetime.combine(day, time(hour, minute))
                        if wall < first:
                            continue
                        fired = wall.replace(tzinfo=zone).astimezone(timezone.utc)
                        if fired > moment:
                            return fired
            day += timedelta(days=1)
        return None
