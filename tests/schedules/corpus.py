"""Schedule files with the exact findings the validator must report: (line, column, text).

`VALID` files have no error; each of `INVALID` has the errors listed, nothing else. The same
files go through Paradime's own validator (test_paradime_agreement.py): both must agree on
which are valid.
"""

from __future__ import annotations

GOOD = """\
schedules:
  - name: nightly
    schedule: "0 2 * * *"
    environment: production
    commands:
      - dbt build
"""


def one(body: str) -> str:
    """A file with one schedule `s` (lines 2-5), then `body` from line 6 at its indentation."""
    head = "schedules:\n  - name: s\n    environment: production\n    schedule: '0 2 * * *'\n"
    head += "    commands: [dbt run]\n"
    return head + "".join(f"    {line}\n" for line in body.splitlines())


VALID: dict[str, str] = {
    "minimal": GOOD,
    "off quoted": GOOD.replace('"0 2 * * *"', "'OFF'"),
    "off lowercase quoted": GOOD.replace('"0 2 * * *"', '"off"'),
    "six field cron": GOOD.replace('"0 2 * * *"', '"0 0 * * * 0"'),
    "macro cron": GOOD.replace('"0 2 * * *"', '"@daily"'),
    "ends in 7": GOOD.replace('"0 2 * * *"', '"not a cron 7"'),
    "timezone": one("timezone: Europe/London"),
    "object commands": one("").replace(
        "commands: [dbt run]",
        "commands:\n      - dbt deps\n      - {command: dbt build, continue_on_error: true}",
    ),
    "command settings": one("command_settings: [{continue_on_error: true}]"),
    "yes is a boolean": one("suspended: 'yes'\ncontinue_on_error: 1"),
    "events": one("slack_on: [failed, '']\nslack_notify: '#alerts'\nemail_on: [passed, sla]"),
    "notifications": one(
        "notifications:\n  emails:\n    - {address: a@b.io, events: [FAILED]}\n"
        "  slack_channels:\n    - {channel: '#x', events: [sla]}"
    ),
    "deferred to a schedule": GOOD
    + "  - name: ci\n    schedule: 'OFF'\n    environment: production\n    commands: [dbt build]\n"
    "    turbo_ci: {enabled: true, deferred_schedule_name: nightly, successful_runs_only: false}\n",
    "deferred to an environment": one(
        "deferred_schedule: {enabled: true, defer_environment_slug: production}"
    ),
    "disabled deferral to an unknown schedule": one(
        "turbo_ci: {enabled: false, deferred_schedule_name: elsewhere}"
    ),
    "run_after bare on": one("run_after:\n  schedule: nightly\n  on: [failed]"),
    "run_after quoted on": one("run_after:\n  schedule: nightly\n  'on': [passed, sla]"),
    "schedule_trigger": one(
        "schedule_trigger:\n  enabled: true\n  schedule_name: up\n  workspace_name: ''\n"
        "  trigger_on: [passed]"
    ),
    "queue on merge": one("trigger_on_merge: true\nconcurrency: queue"),
    "v3 slug": "version: 3\n"
    + GOOD.replace("name: nightly", "name: Nightly Build\n    slug: nightly-build"),
    "duplicate key": one("git_branch: main\ngit_branch: dev"),
    "numbers as text": one("git_branch: 2024\nowner_email: 1"),
    "integrations": one(
        "integrations:\n  pagerduty:\n    - {service_id: P1, whatever: 1}\n  new_relic: []"
    ),
    "sla minutes": one("sla_minutes: 30"),
    "hightouch": one("hightouch: {enabled: true, sync_on: [passed], slugs: [a]}"),
    "empty second file entry": GOOD + "\n# nothing else\n",
}

INVALID: dict[str, tuple[str, list[tuple[int, int, str]]]] = {
    "unquoted OFF": (
        GOOD.replace('"0 2 * * *"', "OFF"),
        [
            (
                3,
                5,
                "unquoted 'OFF' as False, which Paradime rejects as the cron 'False'; quote it: "
                "schedule: 'OFF'",
            )
        ],
    ),
    "bad cron": (one("").replace("'0 2 * * *'", "'61 * * * *'"), [(4, 5, "is not a cron")]),
    "missing keys": (
        "schedules:\n  - name: s\n    commands: [dbt run]\n",
        [(2, 5, "'schedule' is required"), (2, 5, "'environment' is required")],
    ),
    "unknown key": (one("comands: [dbt test]"), [(6, 5, "unknown key 'comands'")]),
    "timezone": (one("timezone: Europe/Londn"), [(6, 5, "'Europe/Londn' is not a timezone")]),
    "no commands": (one("").replace("[dbt run]", "[]"), [(5, 5, "needs at least one")]),
    "command object with extra key": (
        one("").replace("[dbt run]", "[{command: dbt run, retries: 2}]"),
        [(5, 35, "commands[0]: unknown key 'retries'")],
    ),
    "object commands and command_settings": (
        one("command_settings: [{continue_on_error: true}]").replace(
            "[dbt run]", "[{command: dbt run}]"
        ),
        [(6, 5, "not both")],
    ),
    "command_settings length": (
        one("command_settings: [{continue_on_error: true}, {}]"),
        [(6, 5, "command_settings has 2 entries for 1 commands")],
    ),
    "continue_on_error not a boolean": (
        one("continue_on_error: maybe"),
        [(6, 24, "continue_on_error must be true or false")],
    ),
    "slack_on event": (one("slack_on: [failure]"), [(6, 16, "'failure' is not an event")]),
    "notification without channel": (
        one("notifications:\n  emails:\n    - {events: [failed]}"),
        [(8, 11, "give a channel or an address")],
    ),
    "notification event": (
        one("notifications:\n  slack_channels:\n    - {channel: '#x', events: [done]}"),
        [(8, 36, "'done' is not an event")],
    ),
    "deferral to nothing": (
        one("turbo_ci: {enabled: true}"),
        [(6, 15, "name the schedule to defer to")],
    ),
    "deferral to both": (
        one(
            "deferred_schedule:\n  enabled: true\n  deferred_schedule_name: s\n"
            "  defer_environment_slug: production"
        ),
        [(9, 7, "not both")],
    ),
    "deferral to an unknown schedule": (
        one("turbo_ci: {enabled: true, deferred_schedule_name: elsewhere}"),
        [(6, 31, "'elsewhere' is not a schedule in these files")],
    ),
    "run_after and schedule_trigger": (
        one(
            "run_after: {schedule: a}\nschedule_trigger:\n  enabled: true\n  schedule_name: a\n"
            "  workspace_name: ''\n  trigger_on: [passed]"
        ),
        [(6, 5, "use run_after or schedule_trigger, not both")],
    ),
    "run_after bare and quoted on": (
        one("run_after:\n  schedule: a\n  on: [failed]\n  'on': [passed]"),
        [(8, 7, 'a bare `on` and a quoted "on"')],
    ),
    "run_after event": (
        one("run_after: {schedule: a, 'on': [finished]}"),
        [(6, 37, "'finished' is not an event")],
    ),
    "run_after empty on": (one("run_after: {schedule: a, 'on': []}"), [(6, 30, "needs at least")]),
    "schedule_trigger without a schedule": (
        one("schedule_trigger: {enabled: true, workspace_name: '', trigger_on: [passed]}"),
        [(6, 23, "schedule_name or schedule_slug is required")],
    ),
    "queue without merge": (
        one("concurrency: queue"),
        [(6, 5, "concurrency: queue applies only to on-merge schedules")],
    ),
    "concurrency value": (one("concurrency: serial"), [(6, 18, "must be parallel or queue")]),
    "display name newline": (
        one('display_name: "two\\nlines"'),
        [(6, 5, "display_name must be one line")],
    ),
    "long slug label": (
        "version: 3\n" + GOOD.replace("name: nightly", f"name: {'x' * 129}\n    slug: n"),
        [(3, 5, "name has 129 characters")],
    ),
    "duplicate names": (GOOD + GOOD.split("\n", 1)[1], [(7, 5, "'nightly' is already used")]),
    "tab": (GOOD.replace("    commands:", "\tcommands:"), [(5, 1, "a tab character")]),
    "not yaml": ("schedules: [\n", [(2, 1, "not valid YAML")]),
    "top level key": ("jobs: []\n" + GOOD, [(1, 1, "unknown key 'jobs'")]),
    "no schedules": ("schedules: []\n", [(1, 1, "no schedules found")]),
    "schedule not a mapping": (
        "schedules:\n  - just text\n",
        [(2, 5, "the schedule must be a mapping")],
    ),
    "sla minutes": (one("sla_minutes: half an hour"), [(6, 18, "must be a whole number")]),
    "name null": (
        "schedules:\n  - name:\n    schedule: 'OFF'\n    environment: production\n"
        "    commands: [dbt run]\n",
        [(2, 10, "name must not be empty (null)")],
    ),
    "slack_on null": (one("slack_on:"), [(6, 14, "slack_on must be a list, not null")]),
    "hightouch missing keys": (
        one("hightouch: {enabled: true}"),
        [(6, 16, "'sync_on' is required"), (6, 16, "'slugs' is required")],
    ),
}
