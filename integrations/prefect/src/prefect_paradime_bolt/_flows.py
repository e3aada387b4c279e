"""The flow: trigger a Bolt run, wait for it, retry it from its failure, publish what it did.

`trigger_bolt_run_and_wait_for_completion` is the async flow (what a deployment runs, written by
hand in `_async_flow.py`) and runs its sync twin (written from it by scripts/unasync.py into
`_sync_flow.py`) when called from sync code."""

from __future__ import annotations

from ._async_flow import trigger_bolt_run_and_wait_for_completion
from ._flow_support import DbtNodeFailedError
from ._sync_flow import (
    trigger_bolt_run_and_wait_for_completion as _trigger_bolt_run_and_wait_for_completion,
)

__all__ = ["DbtNodeFailedError", "trigger_bolt_run_and_wait_for_completion"]

# The pairing. A deployment made from the async flow names this file as its entrypoint (see
# `bolt_flow`), so the flow it loads has its sync twin. Both twins keep their names here, so the
# entrypoints of deployments made before the twins moved (`_flows.py:<name>`) still load them.
trigger_bolt_run_and_wait_for_completion.sync = _trigger_bolt_run_and_wait_for_completion
