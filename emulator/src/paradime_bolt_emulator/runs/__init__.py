"""Runs: planned at trigger time (``planner``), placed on the clock (``timeline``), materialised
into the database (``engine``), reported as events (``events``), their logs paged (``logs``)."""
