"""Issue 25's five operations on both twins against the emulator: create, list, trigger,
suspend and delete an API schedule; environments; every workspace's schedule names; slugs."""

from __future__ import annotations

import re

import pytest

from paradime_bolt import (
    BoltClient,
    GraphQLResponseError,
    InvalidArgumentError,
    NotFoundError,
    OperationFailedError,
    RunState,
)
from paradime_bolt.models import (
    DeferredScheduleInput,
    EnvironmentType,
    NotificationChannelInput,
    NotificationsInput,
    ScheduleInput,
)
from paradime_bolt_emulator.pytest_plugin import BoltEmulator
from tests.support.twins import Twin

pytestmark = pytest.mark.e2e

FAST = {"poll_interval": 0.05, "max_poll_interval": 0.2, "timeout": 120}
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{6}")


def _schedule(name: str, **extra: object) -> ScheduleInput:
    return ScheduleInput.model_validate(
        {
            "name": name,
            "schedule": "0 3 * * *",
            "environment": "production",
            "commands": ["dbt run"],
            **extra,
        }
    )


def _names(live: Twin) -> set[str]:
    page = live.call("list_bolt_schedules", offset=0, limit=100, show_inactive=True)
    return {s.name for s in page.schedules}


def test_an_api_schedule_is_created_listed_triggered_suspended_and_deleted(
    fresh_live: Twin,
) -> None:
    created = fresh_live.call(
        "create_bolt_schedule",
        _schedule(
            "Nightly Finance Build!",
            timezone="Europe/London",
            notifications=NotificationsInput(
                slack_notifications=[NotificationChannelInput(channel="#fin", events=["FAILED"])]
            ),
            deferred_schedule=DeferredScheduleInput(
                enabled=True, successful_run_only=True, deferred_schedule_slug="daily-run"
            ),
        ),
    )
    assert SLUG.fullmatch(created.slug) and created.slug.startswith("nightly-finance-build-")

    page = fresh_live.call("list_bolt_schedules", offset=0, limit=100, show_inactive=True)
    [listed] = [s for s in page.schedules if s.slug == created.slug]
    assert (listed.name, listed.source, listed.schedule) == (
        "Nightly Finance Build!",
        "ui",
        "0 3 * * *",
    )
    assert listed.slack_notify == ["#fin"] and listed.slack_on == ["failed"]
    assert listed.deferred_schedule and listed.deferred_schedule.deferred_schedule_name

    details = fresh_live.call("bolt_schedule_name", slug=created.slug)
    assert details.source == "ui" and details.commands == ["dbt run"]

    run = fresh_live.call("trigger_bolt_run", slug=created.slug)
    assert fresh_live.call("wait_for_run", run.run_id, **FAST).run_state is RunState.SUCCESS

    fresh_live.call("suspend_bolt_schedule", slug=created.slug)
    assert fresh_live.call("bolt_schedule_name", slug=created.slug).suspended is True

    assert fresh_live.call("delete_bolt_schedule", created.slug).ok is True
    assert "Nightly Finance Build!" not in _names(fresh_live)
    with pytest.raises(NotFoundError) as info:
        fresh_live.call("bolt_schedule_name", slug=created.slug)
    assert info.value.kind == "schedule"
    with pytest.raises(NotFoundError):
        fresh_live.call("delete_bolt_schedule", created.slug)
    # its run is kept, and a new schedule of the same name starts with no runs
    again = fresh_live.call("create_bolt_schedule", _schedule("Nightly Finance Build!"))
    assert again.slug != created.slug
    assert fresh_live.call("list_bolt_runs", slug=again.slug).runs == []


def test_a_yaml_schedule_cannot_be_deleted(live: Twin) -> None:
    with pytest.raises(GraphQLResponseError, match="YamlScheduleException") as info:
        live.call("delete_bolt_schedule", "daily-run")
    assert not isinstance(info.value, OperationFailedError)
    assert "daily run" in _names(live)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"environment": "staging"}, "environment 'staging' is not one of"),
        ({"schedule": "61 * * * *"}, "invalid cron expression"),
        ({"timezone": "Mars/Base"}, "unknown IANA timezone"),
        ({"commands": []}, "commands must be a non-empty list"),
        (
            {"turbo_ci": {"enabled": True, "successfulRunOnly": True}},
            "turboCi: name a deferredScheduleSlug",
        ),
        (
            {
                "deferred_schedule": {
                    "enabled": True,
                    "successfulRunOnly": True,
                    "deferredScheduleSlug": "daily-run",
                    "deferEnvironmentSlug": "production",
                }
            },
            "not both",
        ),
        (
            {"turbo_ci": {"enabled": True, "successfulRunOnly": True, "deferredScheduleSlug": "x"}},
            "no schedule 'x' to defer to",
        ),
    ],
)
def test_an_invalid_schedule_is_refused_naming_the_problem(
    live: Twin, extra: dict[str, object], problem: str
) -> None:
    with pytest.raises(GraphQLResponseError, match="InvalidArgumentsException") as info:
        live.call("create_bolt_schedule", _schedule("refused", **extra))
    assert problem in str(info.value)


def test_a_second_schedule_of_the_same_name_is_refused(live: Twin) -> None:
    with pytest.raises(GraphQLResponseError, match="already exists"):
        live.call("create_bolt_schedule", _schedule("daily run"))


def test_environments_default_to_production(live: Twin) -> None:
    environments = live.call("list_bolt_environments").environments
    assert [(e.slug, e.is_default) for e in environments] == [("production", True)]
    assert live.call("list_bolt_environments", EnvironmentType.SCHEDULER).ok is True
    with pytest.raises(InvalidArgumentError, match="environment_type must be one of SCHEDULER"):
        live.call("list_bolt_environments", "DEVELOPMENT")


def test_minted_slugs_are_unique_and_in_paradime_s_format(live: Twin) -> None:
    names = ["Daily Run", "Daily Run", "a" * 40, "Ünïcode & Co."]
    slugs = live.call("create_schedule_slugs", names).slugs
    assert len(slugs) == len(set(slugs)) == 4
    assert all(SLUG.fullmatch(slug) for slug in slugs), slugs
    assert slugs[0].startswith("daily-run-") and slugs[2] == "a" * 24 + slugs[2][24:]
    assert slugs[3].startswith("n-code-co-")
    assert not set(slugs) & set(live.call("create_schedule_slugs", names).slugs)
    with pytest.raises(InvalidArgumentError):
        live.call("create_schedule_slugs", "Daily Run")
    with pytest.raises(InvalidArgumentError):
        live.call("create_schedule_slugs", [""])


@pytest.mark.bolt_emulator(
    workspaces=["analytics", "marketing"],
    account_key="prdm_cmp_schedules",
    environments={"analytics": ["production", "staging"], "marketing": ["production"]},
)
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_names_across_the_workspaces_the_credential_reaches(
    bolt_emulator: BoltEmulator, kind: str
) -> None:
    account = Twin(
        kind,
        simulated_time=False,
        endpoint=bolt_emulator.endpoint,
        api_secret=bolt_emulator.account_key,
        workspace_uid="marketing",
    )
    pairs = {(s.workspace_name, s.name) for s in account.call("list_all_schedule_names").schedules}
    assert {("analytics", "daily run"), ("marketing", "daily run")} <= pairs
    environments = account.call("list_bolt_environments").environments
    assert [e.slug for e in environments] == ["production"]
    in_analytics = account.call_on(
        lambda c: c.with_workspace("analytics"), "list_bolt_environments"
    )
    assert [(e.slug, e.is_default) for e in in_analytics.environments] == [
        ("production", True),
        ("staging", False),
    ]

    legacy = Twin(
        kind,
        simulated_time=False,
        endpoint=bolt_emulator.endpoint,
        api_key=bolt_emulator.api_key,
        api_secret=bolt_emulator.api_secret,
    )
    # the key pair reaches the default workspace alone
    workspaces = {s.workspace_name for s in legacy.call("list_all_schedule_names").schedules}
    assert workspaces == {"analytics"}


def test_create_takes_a_schedule_input(bolt_emulator: BoltEmulator) -> None:
    bolt: BoltClient = bolt_emulator.client
    with pytest.raises(InvalidArgumentError, match="ScheduleInput"):
        bolt.create_bolt_schedule({"name": "x"})  # type: ignore[arg-type]
