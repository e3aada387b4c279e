"""Timestamps in the Bolt API's wire format, so emulated values look like the docs' examples."""

from __future__ import annotations

from datetime import datetime, timezone

DTTM_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def utc_datetime(ts: float) -> datetime:
    """An aware UTC datetime for an epoch timestamp."""
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def format_dttm(ts: float) -> str:
    """``2024-08-27 22:59:01.476387``: UTC, microseconds, no suffix, as the API returns."""
    return utc_datetime(ts).strftime(DTTM_FORMAT)


def format_optional_dttm(ts: float | None) -> str | None:
    """format_dttm, passing None through for times that have not happened."""
    return None if ts is None else format_dttm(ts)


def format_iso_z(ts: float) -> str:
    """``2024-08-27T22:59:01.476387Z``: the form dbt writes into its artifacts."""
    return utc_datetime(ts).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_iso_seconds(ts: float) -> str:
    """``2024-08-27T22:59:01Z``: the form S3 writes into its error bodies."""
    return utc_datetime(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_clock(ts: float) -> str:
    """``22:59:01``: the prefix dbt puts on each console log line."""
    return utc_datetime(ts).strftime("%H:%M:%S")
