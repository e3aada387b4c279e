"""`paradime-bolt schedules validate|export|create|delete` and `environments list`, in process,
against the emulator; the pre-commit hook's definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from paradime_bolt_emulator.pytest_plugin import BoltEmulator
from tests.support.cli import run_cli

from .corpus import GOOD, one

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def api_env(bolt_emulator: BoltEmulator, monkeypatch: pytest.MonkeyPatch) -> BoltEmulator:
    monkeypatch.delenv("CI", raising=False)
    for name in ("PARADIME_WORKSPACE_UID",):
        monkeypatch.delenv(name, raising=False)
    for name, value in bolt_emulator.env.items():
        monkeypatch.setenv(name, value)
    return bolt_emulator


def test_validate_prints_every_error_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "paradime_schedules.yml"
    path.write_text(one("timezone: Nowhere\nslack_on: [always]"), encoding="utf-8")
    result = run_cli("schedules", "validate", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:6:5: schedule s: timezone 'Nowhere' is not a timezone",
        f"{path}:7:16: schedule s: slack_on: 'always' is not an event; use one of failed, "
        "passed, sla",
    ]
    assert "2 error(s)" in result.stderr


def test_validate_json_and_strict(tmp_path: Path) -> None:
    path = tmp_path / "s.yml"
    path.write_text(one("git_branch: a\ngit_branch: b"), encoding="utf-8")
    result = run_cli("schedules", "validate", str(path), "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert (document["valid"], document["errors"], document["warnings"]) == (True, 0, 1)
    assert document["findings"][0]["line"] == 7
    assert document["findings"][0]["severity"] == "warning"
    assert run_cli("schedules", "validate", str(path), "--strict").exit_code == 1
    path.write_text(GOOD, encoding="utf-8")
    assert run_cli("schedules", "validate", str(path)).exit_code == 0


def test_validate_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli("schedules", "validate", str(tmp_path / "nope")).exit_code == 2


def test_remote_validation_asks_the_api(api_env: BoltEmulator, tmp_path: Path) -> None:
    path = tmp_path / "paradime_schedules.yml"
    path.write_text(
        one("turbo_ci: {enabled: true, deferred_schedule_name: daily run}").replace(
            "environment: production", "environment: staging"
        ),
        encoding="utf-8",
    )
    offline = run_cli("schedules", "validate", str(path))
    assert offline.exit_code == 1 and "'daily run' is not a schedule" in offline.stdout
    remote = run_cli("schedules", "validate", str(path), "--remote")
    assert remote.exit_code == 1
    assert remote.stdout.splitlines() == [
        f"{path}:3:5: schedule s: environment 'staging' is not a Bolt environment of this "
        "workspace; use one of: production"
    ]


def test_export_round_trips_through_validate(api_env: BoltEmulator, tmp_path: Path) -> None:
    out = tmp_path / "paradime_schedules.yml"
    assert run_cli("schedules", "export", "-o", str(out)).exit_code == 0
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))["schedules"]
    names = {entry["name"] for entry in exported}
    assert {"daily run", "legacy nightly", "pull request checks"} <= names
    checked = run_cli("schedules", "validate", str(out), "--json")
    assert checked.exit_code == 0, checked.stdout
    assert json.loads(checked.stdout)["errors"] == 0


def test_create_from_a_file_and_from_options_then_delete(
    api_env: BoltEmulator, tmp_path: Path
) -> None:
    path = tmp_path / "paradime_schedules.yml"
    path.write_text(
        GOOD + "    slack_on: [failed]\n    slack_notify: ['#data']\n"
        "    turbo_ci: {enabled: true, deferred_schedule_name: nightly}\n"
        "  - name: nightly-ci\n    schedule: 'OFF'\n    environment: production\n"
        "    commands: [{command: dbt build, continue_on_error: true}]\n"
        "    run_after: {schedule: nightly, 'on': [failed]}\n",
        encoding="utf-8",
    )
    created = run_cli("schedules", "create", "--file", str(path), "--name", "nightly-ci", "--json")
    assert created.exit_code == 0, created.output
    slug = json.loads(created.stdout)["slug"]
    assert slug.startswith("nightly-ci-")
    by_options = run_cli(
        "schedules", "create", "--name", "adhoc", "--schedule", "OFF", "--command", "dbt run"
    )
    assert by_options.exit_code == 0, by_options.output
    listed = json.loads(run_cli("schedules", "list", "--all", "--json").stdout)["schedules"]
    assert {"nightly-ci", "adhoc"} <= {s["name"] for s in listed}
    assert run_cli("schedules", "delete", slug).exit_code == 0
    assert run_cli("schedules", "delete", slug).exit_code == 5
    refused = run_cli("schedules", "delete", "daily-run")
    assert refused.exit_code == 5 and "YamlScheduleException" in refused.stderr


def test_create_refuses_a_file_with_errors(api_env: BoltEmulator, tmp_path: Path) -> None:
    path = tmp_path / "paradime_schedules.yml"
    path.write_text(GOOD.replace('"0 2 * * *"', "OFF"), encoding="utf-8")
    result = run_cli("schedules", "create", "--file", str(path), "--name", "nightly")
    assert result.exit_code == 2
    assert f"{path}:3:5" in result.stderr


def test_environments_list(api_env: BoltEmulator) -> None:
    result = run_cli("environments", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "environments": [{"slug": "production", "display_name": "Production", "is_default": True}]
    }


def test_the_pre_commit_hook() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "paradime-bolt-schedules"
    assert hook["entry"] == "paradime-bolt schedules validate"
    assert hook["pass_filenames"] is False
    import re

    pattern = re.compile(hook["files"])
    for name in ("paradime_schedules.yml", "dbt/paradime_schedules.yaml", ".bolt/a/b.yml"):
        assert pattern.search(name), name
    assert not pattern.search("models/schema.yml")
