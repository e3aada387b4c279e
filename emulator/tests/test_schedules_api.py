"""Schedules through the API: listing, filters, paging, computed fields, lookup and suspension."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from .support import Api, FakeClock

LIST = (
    "query($offset: Int!, $limit: Int!, $showInactive: Boolean!, $filter: BoltScheduleFilter) {"
    " listBoltSchedules(offset: $offset, limit: $limit, showInactive: $showInactive,"
    " filter: $filter) { totalCount schedules { id uuid name slug schedule owner lastRunAt"
    " lastRunState nextRunAt source suspended commands gitBranch slackOn slackNotify emailOn"
    " emailNotify turboCi { enabled deferredScheduleName deferredScheduleSlug"
    " deferEnvironmentSlug successfulRunOnly } deferredSchedule { enabled deferredScheduleName"
    " successfulRunOnly } notifications { emailNotifications { channel events }"
    " slackNotifications { channel events } msTeamsNotifications { channel } } } } }"
)
DETAILS = (
    "query($name: String, $slug: String) { boltScheduleName(scheduleName: $name, slug: $slug) {"
    " ok latestRunId commands owner schedule uuid source suspended } }"
)
SUSPEND = (
    "mutation($slug: String, $suspend: Boolean!) {"
    " suspendBoltSchedule(slug: $slug, suspend: $suspend) { ok } }"
)
ACTIVE = ["daily run", "broken tests", "flaky snapshot", "chatty export", "pr checks"]


def listing(
    api: Api,
    *,
    offset: int = 0,
    limit: int = 10,
    show_inactive: bool = False,
    suspended: bool | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = api.data(
        LIST,
        offset=offset,
        limit=limit,
        showInactive=show_inactive,
        filter=None if suspended is None else {"suspended": suspended},
    )["listBoltSchedules"]
    return result


def names(result: dict[str, Any]) -> list[str]:
    return [schedule["name"] for schedule in result["schedules"]]


def by_name(api: Api, name: str) -> dict[str, Any]:
    [schedule] = [s for s in listing(api, show_inactive=True)["schedules"] if s["name"] == name]
    return schedule


def test_suspended_schedules_are_listed_only_when_inactive_ones_are_asked_for(api: Api) -> None:
    active = listing(api)
    assert names(active) == ACTIVE
    assert active["totalCount"] == 5
    everything = listing(api, show_inactive=True)
    assert names(everything) == [*ACTIVE, "old nightly"]
    assert everything["totalCount"] == 6


def test_the_suspended_filter_narrows_the_list(api: Api) -> None:
    assert names(listing(api, show_inactive=True, suspended=True)) == ["old nightly"]
    assert names(listing(api, show_inactive=True, suspended=False)) == ACTIVE
    assert listing(api, suspended=True) == {"totalCount": 0, "schedules": []}


def test_the_list_is_paged_and_counts_every_match(api: Api) -> None:
    page = listing(api, offset=1, limit=2)
    assert names(page) == ACTIVE[1:3]
    assert page["totalCount"] == 5
    assert listing(api, offset=10) == {"totalCount": 5, "schedules": []}
    error = api.error(LIST, offset=0, limit=0, showInactive=False)
    assert "limit must be 1 or more" in error["message"]


def test_schedule_fields_come_from_the_yaml(api: Api) -> None:
    daily = by_name(api, "daily run")
    assert isinstance(daily["id"], int)
    assert uuid.UUID(daily["uuid"]).version == 5
    assert daily["slug"] == "daily-run"
    assert daily["schedule"] == "0 2 * * *"
    assert daily["owner"] == "data@acme.io"
    assert daily["source"] == "yaml"
    assert daily["suspended"] is False
    assert daily["commands"] == ["dbt run", "dbt test"]
    assert daily["gitBranch"] == "main"
    assert (daily["slackOn"], daily["slackNotify"]) == (["failed"], ["#data-alerts"])
    assert (daily["emailOn"], daily["emailNotify"]) == (["failed", "passed"], ["data@acme.io"])
    assert daily["notifications"] == {
        "emailNotifications": [{"channel": "data@acme.io", "events": ["failed", "passed"]}],
        "slackNotifications": [{"channel": "#data-alerts", "events": ["failed"]}],
        "msTeamsNotifications": [],
    }
    assert daily["turboCi"] is None
    assert daily["deferredSchedule"] is None

    checks = by_name(api, "pr checks")
    assert checks["schedule"] == "OFF"
    assert checks["nextRunAt"] is None
    assert checks["source"] == "ui"
    assert checks["slackOn"] == []
    assert checks["turboCi"] == {
        "enabled": True,
        "deferredScheduleName": "daily run",
        "deferredScheduleSlug": "daily-run",
        "deferEnvironmentSlug": "production",
        "successfulRunOnly": False,
    }
    assert checks["deferredSchedule"] == {
        "enabled": True,
        "deferredScheduleName": "daily run",
        "successfulRunOnly": True,
    }
    ids = [schedule["id"] for schedule in listing(api, show_inactive=True)["schedules"]]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_next_run_is_the_next_cron_time_in_the_schedule_timezone(api: Api) -> None:
    # The clock reads Tuesday 2024-08-27 22:58:57 UTC, which is already Wednesday in Berlin.
    assert by_name(api, "daily run")["nextRunAt"] == "2024-08-28 02:00:00.000000"
    assert by_name(api, "flaky snapshot")["nextRunAt"] == "2024-08-28 05:30:00.000000"
    assert by_name(api, "old nightly")["nextRunAt"] is None  # suspended: it will not run


def test_last_run_fields_follow_the_latest_run(api: Api, clock: FakeClock) -> None:
    assert by_name(api, "daily run")["lastRunAt"] is None
    assert by_name(api, "daily run")["lastRunState"] is None
    api.trigger("daily run")
    assert by_name(api, "daily run")["lastRunState"] == "STARTING"
    clock.advance(60)
    daily = by_name(api, "daily run")
    assert daily["lastRunAt"] == "2024-08-27 22:58:57.000000"
    assert daily["lastRunState"] == "SUCCESS"


def test_schedule_details_by_name_and_by_slug_agree(api: Api, clock: FakeClock) -> None:
    run_id = api.trigger("broken tests")
    clock.advance(60)
    by_schedule_name = api.data(DETAILS, name="broken tests")["boltScheduleName"]
    assert by_schedule_name == api.data(DETAILS, slug="broken-tests")["boltScheduleName"]
    assert by_schedule_name == {
        "ok": True,
        "latestRunId": run_id,
        "commands": ["dbt seed", "dbt test", "dbt docs generate"],
        "owner": "data@acme.io",
        "schedule": "OFF",
        "uuid": by_name(api, "broken tests")["uuid"],
        "source": "yaml",
        "suspended": False,
    }


def test_a_name_is_not_a_slug(api: Api) -> None:
    assert api.data(DETAILS, name="daily-run")["boltScheduleName"]["ok"] is False
    assert api.data(DETAILS, slug="daily run")["boltScheduleName"]["ok"] is False


@pytest.mark.parametrize(
    "variables", [{}, {"name": "daily run", "slug": "daily-run"}], ids=["neither", "both"]
)
def test_details_need_exactly_one_of_name_and_slug(api: Api, variables: dict[str, str]) -> None:
    error = api.error(DETAILS, **variables)
    assert error["message"] == "InvalidArgumentsException: pass exactly one of scheduleName or slug"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_suspend_and_resume(api: Api) -> None:
    assert api.data(SUSPEND, slug="daily-run", suspend=True) == {
        "suspendBoltSchedule": {"ok": True}
    }
    assert "daily run" not in names(listing(api))
    daily = by_name(api, "daily run")
    assert daily["suspended"] is True
    assert daily["nextRunAt"] is None
    assert api.data(DETAILS, name="daily run")["boltScheduleName"]["suspended"] is True

    assert api.data(SUSPEND, slug="daily-run", suspend=False)["suspendBoltSchedule"]["ok"] is True
    assert names(listing(api)) == ACTIVE
    assert api.data(SUSPEND, slug="old-nightly", suspend=False)["suspendBoltSchedule"]["ok"]
    assert names(listing(api)) == [*ACTIVE, "old nightly"]


def test_a_suspended_schedule_can_still_be_triggered(api: Api) -> None:
    assert api.trigger("old nightly") > 0
