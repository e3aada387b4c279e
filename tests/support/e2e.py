"""What the end-to-end tests share with their fixtures (tests/e2e/conftest.py)."""

UNTIL_CANCELLED = "until cancelled"
"""A schedule of the shared emulator whose run is still going whenever a test looks."""
