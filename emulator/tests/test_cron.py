"""The cron evaluator behind nextRunAt: fields, day rules, timezones, and a brute-force check."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paradime_bolt_emulator.schedules.cron import CronExpression

UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("*/15 * * * *", "2024-08-27 10:07:30", "2024-08-27 10:15:00"),
        ("*/15 * * * *", "2024-08-27 10:15:00", "2024-08-27 10:30:00"),
        ("0 2 * * *", "2024-08-27 22:58:57", "2024-08-28 02:00:00"),
        ("30 7 * * 1-5", "2024-08-30 08:00:00", "2024-09-02 07:30:00"),  # Friday -> Monday
        ("0 0 13 * 5", "2024-09-01 00:00:00", "2024-09-06 00:00:00"),  # 13th or Friday
        ("0 0 29 2 *", "2024-03-01 00:00:00", "2028-02-29 00:00:00"),
        ("0 9 * jan,jul mon", "2024-08-27 00:00:00", "2025-01-06 09:00:00"),
        ("5 4 * * sun", "2024-08-27 00:00:00", "2024-09-01 04:05:00"),
        ("0 0 * * 7", "2024-08-27 00:00:00", "2024-09-01 00:00:00"),
        ("10-20/5 1 * * *", "2024-08-27 01:12:00", "2024-08-27 01:15:00"),
        ("50/5 * * * *", "2024-08-27 01:56:00", "2024-08-27 02:50:00"),
        ("@hourly", "2024-08-27 01:00:00", "2024-08-27 02:00:00"),
        ("@weekly", "2024-08-27 01:00:00", "2024-09-01 00:00:00"),
    ],
)
def test_next_firing_in_utc(expression: str, after: str, expected: str) -> None:
    assert CronExpression.parse(expression).next_after(at(after), UTC) == at(expected)


def test_the_timezone_decides_the_wall_clock_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    fired = CronExpression.parse("30 7 * * *").next_after(at("2024-08-27 22:58:57"), berlin)
    assert fired == at("2024-08-28 05:30:00")  # 07:30 CEST
    winter = CronExpression.parse("30 7 * * *").next_after(at("2024-12-27 22:58:57"), berlin)
    assert winter == at("2024-12-28 06:30:00")  # 07:30 CET


def test_a_time_skipped_by_daylight_saving_still_fires_after_the_moment() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    moment = at("2024-03-31 00:00:00")  # 02:30 does not exist in Berlin that night
    fired = CronExpression.parse("30 2 * * *").next_after(moment, berlin)
    assert fired is not None
    assert fired > moment
    assert fired < moment + timedelta(days=1, hours=3)


def test_an_impossible_date_never_fires() -> None:
    assert CronExpression.parse("0 0 30 2 *").next_after(at("2024-01-01 00:00:00"), UTC) is None


@pytest.mark.parametrize(
    "expression",
    ["61 * * * *", "* * * *", "* * * * * *", "*/0 * * * *", "5-1 * * * *", "a * * * *", "@reboot"],
)
def test_invalid_expressions_are_rejected(expression: str) -> None:
    with pytest.raises(ValueError, match="in "):
        CronExpression.parse(expression)


def _field(low: int, high: int) -> st.SearchStrategy[str]:
    number = st.integers(low, high)
    return st.one_of(
        st.just("*"),
        number.map(str),
        st.integers(1, 9).map(lambda step: f"*/{step}"),
        st.tuples(number, number).map(lambda pair: f"{min(pair)}-{max(pair)}"),
        st.lists(number, min_size=1, max_size=3).map(lambda items: ",".join(map(str, items))),
    )


EXPRESSIONS = st.tuples(
    _field(0, 59), _field(0, 23), _field(1, 31), _field(1, 12), _field(0, 6)
).map(" ".join)


def _matches(expression: CronExpression, moment: datetime) -> bool:
    return (
        moment.minute in expression.minutes.values
        and moment.hour in expression.hours.values
        and expression.matches_day(moment.date())
    )


@settings(max_examples=40, deadline=None)
@given(
    text=EXPRESSIONS,
    start=st.datetimes(datetime(2024, 1, 1), datetime(2026, 12, 31)).map(
        lambda moment: moment.replace(tzinfo=UTC)
    ),
)
def test_next_firing_agrees_with_a_minute_by_minute_search(text: str, start: datetime) -> None:
    expression = CronExpression.parse(text)
    fired = expression.next_after(start, UTC)
    minute = start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for _ in range(2 * 24 * 60):
        if _matches(expression, minute):
            assert fired == minute
            return
        minute += timedelta(minutes=1)
    assert fired is None or fired >= minute
