"""The definitions the ring's `dagster` processes load (copied beside a manifest.json): as in the
README, credentials only from the environment; RING_SCHEDULE names the schedule of the test."""

import os

from dagster import Definitions

from dagster_paradime_bolt import BoltResource, build_bolt_assets, build_bolt_job

SCHEDULE = os.environ["RING_SCHEDULE"]

assets = build_bolt_assets(
    schedule_name=SCHEDULE, manifest="manifest.json", poll_interval=0.2, max_poll_interval=1.0
)
timeout_job = build_bolt_job(
    SCHEDULE, name="ring_timeout_job", run_timeout=3, poll_interval=0.2, max_poll_interval=1.0
)

defs = Definitions(assets=[assets], jobs=[timeout_job], resources={"bolt": BoltResource()})
