"""Runs inside the paradime-io SDK's own environment (.bench/sdk), never in ours.

verdicts FILE...            -> {"FILE": null or Paradime's error text, ...}
drive ENDPOINT KEY SECRET   -> what the SDK saw creating, listing, triggering, deleting
"""

import json
import sys
import time


def verdicts(paths):
    from pathlib import Path

    from paradime.core.bolt.schedule import is_valid_schedule_at_path

    return {path: is_valid_schedule_at_path(Path(path)) for path in paths}


def drive(endpoint, key, secret):
    from paradime import Paradime
    from paradime.client.api_exception import ParadimeAPIException

    sdk = Paradime(api_endpoint=endpoint, api_key=key, api_secret=secret)
    bolt = sdk.bolt
    seen = {"environments": [e.slug for e in bolt.list_environments()]}
    seen["minted"] = bolt.create_schedule_slugs(["SDK Made", "SDK Made"])
    slug = bolt.create_schedule(
        name="SDK Made",
        schedule="OFF",
        environment="production",
        commands=["dbt run"],
        timezone="UTC",
        turbo_ci={"enabled": True, "successfulRunOnly": True, "deferredScheduleSlug": "daily-run"},
    )
    seen["slug"] = slug
    listed = bolt.list_schedules(offset=0, limit=100, show_inactive=True)
    seen["listed"] = [[s.name, s.source] for s in listed.schedules if s.slug == slug]
    seen["all_names"] = [list(pair) for pair in bolt.list_all_schedule_names()]
    run_id = bolt.trigger_run(slug=slug)
    deadline = time.monotonic() + 300
    state = None
    while time.monotonic() < deadline:
        state = bolt.get_run_status(run_id)
        if state is not None and state.value in ("SUCCESS", "ERROR", "FAILED", "CANCELED"):
            break
        time.sleep(0.2)
    seen["run_state"] = None if state is None else state.value
    bolt.suspend_schedule(slug=slug, suspend=True)
    bolt.delete_schedule(slug)
    after = bolt.list_schedules(offset=0, limit=100, show_inactive=True)
    seen["after_delete"] = [s.slug for s in after.schedules if s.slug == slug]
    try:
        bolt.delete_schedule("daily-run")
        seen["yaml_delete"] = "accepted"
    except ParadimeAPIException as error:
        seen["yaml_delete"] = f"{type(error).__name__}: {error}"
    return seen


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    result = verdicts(arguments) if command == "verdicts" else drive(*arguments)
    print(json.dumps(result))
