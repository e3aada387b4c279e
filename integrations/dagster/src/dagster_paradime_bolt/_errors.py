"""Errors of the Dagster integration: each is a `paradime_bolt.BoltError`, named for its cause."""

from __future__ import annotations

from paradime_bolt import BoltError

__all__ = ["ArtifactFormatError", "ManifestError", "SensorCursorError"]


class ManifestError(BoltError, ValueError):
    """The dbt manifest cannot be read or does not describe a dbt project (names the problem)."""


class ArtifactFormatError(BoltError):
    """A run's `run_results.json` is not what dbt writes (names the run and the command)."""


class SensorCursorError(BoltError, ValueError):
    """The sensor's cursor is not one it wrote (reset the cursor in the Dagster UI)."""
