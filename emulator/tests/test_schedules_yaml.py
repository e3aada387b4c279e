"""The schedules file: the built-in set, scripting, and errors naming the file, entry and key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from paradime_bolt_emulator.dbt.project import INFRA_COMMANDS
from paradime_bolt_emulator.runs.planner import COMMAND_GAP
from paradime_bolt_emulator.schedules.spec import (
    OFF,
    CommandScript,
    ScheduleFileError,
    ScheduleSpec,
    load_builtin_schedules,
    load_schedules_file,
    slugify,
)


def load(tmp_path: Path, text: str) -> list[ScheduleSpec]:
    path = tmp_path / "paradime_schedules.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_schedules_file(path)


def run_seconds(spec: ScheduleSpec) -> float:
    """How long a run of the schedule takes when nothing fails."""
    script = spec.emulator
    durations = [
        (script.commands.get(text) or CommandScript()).duration or script.default_duration
        for text in (*INFRA_COMMANDS, *spec.commands)
    ]
    return script.start_delay + sum(durations) + COMMAND_GAP * (len(durations) - 1)


def test_the_builtin_set_covers_the_documented_cases() -> None:
    specs = {spec.name: spec for spec in load_builtin_schedules()}
    daily = specs["daily run"]
    assert daily.slug == "daily-run"
    assert daily.cron is not None
    assert daily.commands == ("dbt run", "dbt test")
    assert run_seconds(daily) <= 1.0
    assert any(spec.suspended for spec in specs.values())
    assert any(spec.source == "ui" for spec in specs.values())
    assert any(
        spec.schedule == OFF and spec.turbo_ci is not None and spec.turbo_ci.enabled
        for spec in specs.values()
    )
    assert any(spec.deferred_schedule is not None for spec in specs.values())
    broken = specs["broken tests"]
    assert broken.emulator.commands["dbt test"].return_code == 1
    assert broken.commands[-1] == "dbt docs generate"
    assert all(run_seconds(spec) < 2 for spec in specs.values())


def test_a_full_entry_is_read(tmp_path: Path) -> None:
    [spec] = load(
        tmp_path,
        """
        schedules:
          - name: Nightly  Build!
            description: all models
            owner_email: data@acme.io
            git_branch: release
            environment: production
            schedule: OFF
            timezone: Europe/London
            commands: [dbt build]
            slack_on: [failed]
            slack_notify: ["#alerts"]
            email_on: [passed]
            email_notify: [a@acme.io]
            deferred_schedule: {deferred_schedule_name: daily run}
            suspended: true
            source: ui
            emulator:
              start_delay: 0
              default_duration: 1.5
              commands:
                dbt build: {duration: 3, return_code: 2, stderr: boom, fail_attempts: 2}
        """,
    )
    assert spec.slug == "nightly-build"
    assert spec.schedule == OFF  # the unquoted OFF is YAML's false
    assert spec.git_branch == "release"
    assert spec.deferred_schedule is not None
    assert spec.deferred_schedule.enabled is True
    assert spec.deferred_schedule.successful_run_only is False
    assert spec.suspended is True
    assert spec.source == "ui"
    assert spec.emulator.start_delay == 0
    assert spec.emulator.default_duration == 1.5
    assert spec.emulator.commands["dbt build"] == CommandScript(3, 2, None, "boom", 2)


def test_defaults_for_a_minimal_entry(tmp_path: Path) -> None:
    [spec] = load(tmp_path, "schedules:\n  - {name: minimal, commands: [dbt run]}\n")
    assert (spec.schedule, spec.timezone, spec.git_branch, spec.source) == (
        OFF,
        "UTC",
        "main",
        "yaml",
    )
    assert (spec.suspended, spec.turbo_ci, spec.owner_email) == (False, None, None)
    assert spec.slack_on == ()


@pytest.mark.parametrize(
    ("name", "slug"),
    [("daily run", "daily-run"), ("Hourly_Refresh 2", "hourly-refresh-2"), ("  a--b  ", "a-b")],
)
def test_slugs(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schedules: [", "not valid YAML"),
        ("- name: x", "top level: must be a mapping, got a list"),
        ("jobs: []", "top level: unknown key 'jobs'"),
        ("schedules: {}", "top level.schedules: must be a list of schedules"),
        ("schedules: [{commands: [dbt run]}]", "schedules[0].name: is required"),
        ("schedules: [{name: x}]", "schedules[0] ('x').commands: is required"),
        ("schedules: [{name: x, commands: []}]", "schedules[0] ('x').commands: must not be empty"),
        (
            "schedules: [{name: x, commands: [dbt run], comands: []}]",
            "schedules[0] ('x'): unknown key 'comands'",
        ),
        (
            "schedules: [{name: x, commands: [dbt run], schedule: '61 * * * *'}]",
            "schedules[0] ('x').schedule: invalid cron expression",
        ),
        (
            "schedules: [{name: x, commands: [dbt run], timezone: Mars/Base}]",
            "schedules[0] ('x').timezone: unknown IANA timezone 'Mars/Base'",
        ),
        (
            "schedules: [{name: x, slug: Not A Slug, commands: [dbt run]}]",
            "schedules[0] ('x').slug: must be lowercase letters, digits and single dashes",
        ),
        (
            "schedules: [{name: x, commands: [dbt run], source: api}]",
            "schedules[0] ('x').source: must be one of ui, yaml",
        ),
        (
            "schedules: [{name: x, commands: [dbt run], suspended: maybe}]",
            "schedules[0] ('x').suspended: must be true or false",
        ),
        (
            "schedules: [{name: x, commands: [dbt run], turbo_ci: {enabled: true, name: y}}]",
            "schedules[0] ('x').turbo_ci: unknown key 'name'",
        ),
        (
            "schedules: [{name: x, commands: [dbt run], emulator: {start_delay: -1}}]",
            "schedules[0] ('x').emulator.start_delay: must be a non-negative number",
        ),
        (
            "schedules: [{name: x, commands: [dbt run],"
            " emulator: {commands: {dbt run: {return_code: one}}}}]",
            "schedules[0] ('x').emulator.commands['dbt run'].return_code: must be an integer",
        ),
        (
            "schedules: [{name: x, commands: [dbt run],"
            " emulator: {commands: {dbt run: {fail_attempts: 1}}}}]",
            "fail_attempts: needs a non-zero return_code",
        ),
        (
            "schedules: [{name: a b, commands: [dbt run]}, {name: a-b, commands: [dbt run]}]",
            "schedules[1] ('a-b'): name or slug 'a-b' is already used by 'a b'",
        ),
    ],
)
def test_a_bad_file_fails_naming_the_file_and_the_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ScheduleFileError) as raised:
        load(tmp_path, text)
    assert str(raised.value).startswith(str(tmp_path / "paradime_schedules.yml") + ": ")
    assert message in str(raised.value)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ScheduleFileError, match=r"nope\.yml: cannot read"):
        load_schedules_file(tmp_path / "nope.yml")
