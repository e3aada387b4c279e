"""docs/cli.md agrees with the command line: exit codes, commands, options; and docs/ci.md's
GitHub Actions workflow runs on the pull request's branch."""

from __future__ import annotations

import re

import pytest

from paradime_bolt.cli._errors import EXIT_CODES
from tests.support.ci_docs import doc, workflow
from tests.support.cli import run_cli


def test_every_exit_code_is_documented() -> None:
    rows = re.findall(r"^\| (\d+) \| ", doc(), re.MULTILINE)
    assert [int(code) for code, _ in EXIT_CODES] == [int(row) for row in rows]


@pytest.mark.parametrize(
    "command",
    sorted(
        set(
            re.findall(
                r"^\| `((?:schedules|runs|artifacts) \w+|run|whoami|emulator)\b",
                doc(),
                re.MULTILINE,
            )
        )
    ),
)
def test_documented_commands_exist(command: str) -> None:
    assert run_cli(*command.split(), "--help").exit_code == 0


def test_documented_run_options_exist() -> None:
    section = doc().split("### `run`")[1].split("###")[0]
    options = set(re.findall(r"`(--[a-z-]+)", section))
    assert {"--wait", "--timeout", "--cancel-on-timeout", "--logs", "--branch"} <= options
    help_text = run_cli("run", "--help").stdout
    for option in options:
        assert option in help_text


def test_the_workflow_runs_on_the_pr_branch_and_uploads_run_results() -> None:
    job = workflow()["jobs"]["dbt"]
    # The recommended account API key: the secret and its workspace.
    for name in ("PARADIME_API_ENDPOINT", "PARADIME_API_SECRET", "PARADIME_WORKSPACE_UID"):
        assert job["env"][name] == f"${{{{ secrets.{name} }}}}"
    run_step, download, upload = job["steps"][2:]
    assert run_step["env"]["HEAD_REF"] == "${{ github.head_ref }}"
    assert '--branch "$HEAD_REF"' in run_step["run"]
    assert "--wait" in run_step["run"]
    assert "${{" not in run_step["run"], "user input goes through env:, not into the script"
    assert "artifacts download" in download["run"]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert "run_results.json" in upload["with"]["path"]
