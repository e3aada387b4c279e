"""Serves the flow (its async form and its sync twin) as two deployments, as users serve flows:
`python serve_flows.py` with PREFECT_API_URL set. The tests run it as a process of its own."""

from __future__ import annotations

from prefect import serve

from prefect_paradime_bolt import trigger_bolt_run_and_wait_for_completion

ASYNC_DEPLOYMENT = "bolt-async"
SYNC_DEPLOYMENT = "bolt-sync"

if __name__ == "__main__":
    serve(
        trigger_bolt_run_and_wait_for_completion.to_deployment(name=ASYNC_DEPLOYMENT),
        trigger_bolt_run_and_wait_for_completion.sync.to_deployment(name=SYNC_DEPLOYMENT),
    )
