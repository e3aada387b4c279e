"""The root command: help, version, exit codes, configuration, central error mapping, output
modes, and lazy loading."""

from __future__ import annotations

import importlib.util
import json
import logging
import signal
import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

import paradime_bolt
from paradime_bolt import _logging
from paradime_bolt.cli import _state
from paradime_bolt.cli._app import REGISTRY, cli
from paradime_bolt.cli._errors import EXIT_CODES, classify
from paradime_bolt.cli._lazy import LazyGroup
from tests.support import payloads as p
from tests.support.cli import Invoke, run_cli
from tests.support.fake_api import ENDPOINT, GraphQLScript

COMMANDS = [
    ["schedules"],
    ["schedules", "list"],
    ["schedules", "show"],
    ["run"],
    ["runs"],
    ["runs", "status"],
    ["runs", "cancel"],
    ["runs", "logs"],
    ["runs", "retry"],
    ["artifacts"],
    ["artifacts", "list"],
    ["artifacts", "download"],
    ["whoami"],
    ["emulator"],
]


def test_help_lists_commands_and_exit_codes() -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for name in ("schedules", "run", "runs", "artifacts", "emulator"):
        assert f"\n  {name} " in result.stdout
    listed = result.stdout.split("Commands:")[1].split("Examples:")[0]
    has_schema = importlib.util.find_spec("paradime_bolt.cli.schema_cmd") is not None
    assert ("\n  schema " in listed) is has_schema
    for code, text in EXIT_CODES:
        assert f"  {int(code):<3}  {text}" in result.stdout
    assert "PARADIME_API_SECRET" in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout
    assert "paradime-bolt " + command[0] in result.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"paradime-bolt {paradime_bolt.__version__}\n"


def test_no_command_shows_the_help() -> None:
    result = run_cli()
    assert result.exit_code in (0, 2)
    assert "Usage: " in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["nope"],
        ["schedules", "list", "--nope"],
        ["run"],
        ["runs", "status", "-1"],
        ["--max-retries", "x"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Usage:" in result.stderr or "Error:" in result.stderr


def test_an_id_the_schema_cannot_carry_is_exit_2(invoke: Invoke, httpx_mock: HTTPXMock) -> None:
    result = invoke("runs", "status", str(2**31), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["type"] == "InvalidArgumentError"
    assert "run_id must fit GraphQL's 32-bit Int" in result.stderr
    assert httpx_mock.get_requests() == []


def test_missing_configuration_is_exit_4() -> None:
    result = run_cli("schedules", "list")
    assert result.exit_code == 4
    assert "error: PARADIME_API_ENDPOINT is not set" in result.stderr
    assert "PARADIME_API_KEY" in result.stderr
    assert "Traceback" not in result.output


def test_a_bad_endpoint_option_is_exit_4(invoke: Invoke) -> None:
    result = invoke("--endpoint", "ftp://example", "schedules", "list")
    assert result.exit_code == 4
    assert "the endpoint must be an http(s) URL" in result.stderr


def test_a_malformed_endpoint_option_is_exit_4(invoke: Invoke) -> None:
    result = invoke("--endpoint", "http://[::1/graphql", "schedules", "list")
    assert result.exit_code == 4
    assert "the endpoint must be an http(s) URL" in result.stderr
    assert "Invalid IPv6 URL" in result.stderr
    assert "unexpected" not in result.stderr


def test_a_closed_client_is_a_configuration_error_without_the_environment_hint() -> None:
    failure = classify(paradime_bolt.ClientClosedError("this client is closed"))
    assert failure.exit_code == 4
    assert failure.lines == ("this client is closed",)


def test_endpoint_option_overrides_the_environment(invoke: Invoke, httpx_mock: HTTPXMock) -> None:
    other = "https://api.other.paradime.io/api/v1/x/graphql"
    httpx_mock.add_response(url=other, json=p.schedules())
    result = invoke("--endpoint", other, "schedules", "list", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"schedules": []}


def test_refused_credentials_are_exit_4(invoke: Invoke, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=ENDPOINT, status_code=401, json={"errors": [{"message": "no"}]})
    result = invoke("schedules", "list", "--json")
    assert result.exit_code == 4
    assert json.loads(result.stdout)["error"]["exit_code"] == 4
    assert "the API refused the API key and secret (HTTP 401)" in result.stderr


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ({"status_code": 500, "text": "boom"}, "500"),
        ({"status_code": 200, "text": "<html>"}, "not JSON"),
        ({"json": p.graphql_error("something broke")}, "something broke"),
    ],
    ids=["http-500", "not-json", "graphql-error"],
)
def test_api_errors_are_exit_5(
    invoke: Invoke, httpx_mock: HTTPXMock, response: dict[str, Any], message: str
) -> None:
    httpx_mock.add_response(url=ENDPOINT, **response)
    result = invoke("--max-retries", "0", "runs", "status", "1")
    assert result.exit_code == 5
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "operation", "answer", "hint"),
    [
        (
            ["run", "nope"],
            "TriggerBoltRun",
            p.graphql_error("ScheduleNotFoundException: no schedule 'nope'", "NOT_FOUND"),
            "hint: is the schedule name (or slug) right? `paradime-bolt schedules list --all`",
        ),
        (
            ["schedules", "show", "nope"],
            "BoltScheduleName",
            p.not_ok("boltScheduleName"),
            "hint: is the schedule name (or slug) right?",
        ),
        (
            ["runs", "status", "4"],
            "BoltRunStatus",
            p.not_ok("boltRunStatus"),
            "hint: is the run id right? `paradime-bolt schedules show <schedule>`",
        ),
        (
            ["runs", "retry", "4"],
            "RetryBoltRun",
            p.graphql_error("RunNotFoundException: no run with id 4", "NOT_FOUND"),
            "hint: is the run id right?",
        ),
    ],
    ids=["trigger", "schedule", "run-status", "retry"],
)
def test_not_found_is_exit_5_with_a_hint(
    args: list[str],
    operation: str,
    answer: dict[str, Any],
    hint: str,
    invoke: Invoke,
    script: GraphQLScript,
) -> None:
    script.on(operation, answer)
    result = invoke(*args, "--json")
    assert result.exit_code == 5, result.output
    assert json.loads(result.stdout)["error"]["type"] == "NotFoundError"
    assert hint in result.stderr
    assert script.calls[-1][0] == operation


def test_a_refused_cancel_hints_the_run_may_have_finished(
    invoke: Invoke, script: GraphQLScript
) -> None:
    script.on("CancelBoltRun", p.not_ok("cancelBoltRun"))
    result = invoke("runs", "cancel", "4")
    assert result.exit_code == 5
    assert "hint: the run may have finished already, or the run id is wrong" in result.stderr


def test_transport_errors_are_exit_5(invoke: Invoke, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ConnectError("connection refused"), url=ENDPOINT)
    result = invoke("--max-retries", "0", "schedules", "list")
    assert result.exit_code == 5
    assert "could not reach" in result.stderr
    assert "connection refused" in result.stderr


def test_retries_follow_the_option(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunStatus", httpx.Response(503), p.status("SUCCESS"))
    result = invoke("--max-retries", "1", "runs", "status", "1")
    assert result.exit_code == 0, result.output
    assert script.count("BoltRunStatus") == 2


def test_an_interrupt_is_exit_130(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: Any, **__: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(paradime_bolt.BoltClient, "bolt_run_status", interrupted)
    result = invoke("runs", "status", "1")
    assert result.exit_code == 130
    assert "error: interrupted" in result.stderr


def test_sigterm_is_exit_143_with_the_error_document(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def terminated(*_: Any, **__: Any) -> Any:
        signal.raise_signal(signal.SIGTERM)  # handled at once: raises where we are

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(paradime_bolt.BoltClient, "bolt_run_status", terminated)
    result = invoke("runs", "status", "1", "--json")
    assert result.exit_code == 143
    assert json.loads(result.stdout)["error"]["type"] == "Terminated"
    assert "error: terminated (SIGTERM)" in result.stderr
    assert signal.getsignal(signal.SIGTERM) is before


def test_an_unexpected_error_is_reported_without_a_traceback(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(paradime_bolt.BoltClient, "bolt_run_status", broken)
    result = invoke("runs", "status", "1")
    assert result.exit_code == 5
    assert "error: unexpected error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.output
    verbose = invoke("--verbose", "runs", "status", "1")
    assert "Traceback" in verbose.stderr


def test_verbose_logs_requests_to_stderr(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunStatus", p.status("SUCCESS"))
    result = invoke("-v", "runs", "status", "1", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["state"] == "SUCCESS"
    assert "DEBUG paradime_bolt.http: POST BoltRunStatus attempt 1: 200 in " in result.stderr
    assert f"DEBUG paradime_bolt.cli: endpoint {ENDPOINT} (PARADIME_API_ENDPOINT)" in result.stderr
    quiet = invoke("runs", "status", "1")
    assert "DEBUG" not in quiet.stderr


def test_verbose_with_the_log_env_var_prints_each_line_once(
    invoke: Invoke, script: GraphQLScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    script.on("BoltRunStatus", p.status("SUCCESS"))
    monkeypatch.setenv("PARADIME_BOLT_LOG", "debug")
    package = logging.getLogger("paradime_bolt")
    level = package.level
    try:
        result = invoke("-v", "runs", "status", "1", "--json")
    finally:
        if _logging._handler is not None:  # only if the env var attached one after all
            package.removeHandler(_logging._handler)
            _logging._handler = None
        package.setLevel(level)
    assert result.exit_code == 0
    assert result.stderr.count("POST BoltRunStatus attempt 1: 200 in ") == 1


# -- output modes --------------------------------------------------------------------------------


def test_plain_output_has_no_escape_codes(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(11))
    script.on("BoltRunProgress", p.progress("ERROR", *p.FAILING_COMMANDS))
    script.on("BoltRunStatus", p.status("ERROR", *p.FAILING_COMMANDS))
    script.on("BoltCommandLogs", p.log_page("\x1b[31mred\x1b[0m"))
    result = invoke("run", "x", "--wait", "--logs", "--poll-interval", "0.001")
    assert result.exit_code == 1
    assert "red" in result.stdout
    for text in (result.stdout, result.stderr):
        assert "\x1b" not in text
        assert not any(ord(c) < 32 and c not in "\n\t" for c in text)


def test_terminal_output_uses_rich(
    invoke: Invoke, script: GraphQLScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_state, "is_interactive", lambda: True)
    script.on("ListBoltSchedules", p.schedules(p.schedule("daily run")))
    script.on("TriggerBoltRun", p.triggered(11))
    script.on(
        "BoltRunProgress",
        p.progress("RUNNING", p.command(3, "dbt test", None)),
        p.progress("ERROR", *p.FAILING_COMMANDS),
    )
    script.on("BoltRunStatus", p.status("ERROR", *p.FAILING_COMMANDS))
    script.on("BoltCommandLogs", p.log_page("a log line"))
    listed = invoke("schedules", "list")
    assert listed.exit_code == 0
    assert "─" in listed.stdout  # a rich table rule
    assert "daily run" in listed.stdout
    ran = invoke("run", "x", "--wait", "--logs", "--poll-interval", "0.001")
    assert ran.exit_code == 1
    assert "a log line" in ran.output
    assert "run 11: ERROR" in ran.stdout
    assert "failing command: dbt test (return code 1)" in ran.stderr


# -- lazy loading --------------------------------------------------------------------------------

HEAVY = ("httpx", "pydantic", "rich", "paradime_bolt._client", "paradime_bolt._async_client")


def modules_loaded_by(args: list[str]) -> list[str]:
    """Runs `paradime-bolt ARGS` in a fresh interpreter; returns every module it imported."""
    code = textwrap.dedent(
        f"""
        import json, sys
        before = set(sys.modules)
        from paradime_bolt.cli import main
        try:
            main({args!r})
        except SystemExit as exc:
            assert exc.code == 0, exc.code
        print("LOADED:" + json.dumps(sorted(set(sys.modules) - before)))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(completed.stdout.rsplit("LOADED:", 1)[1])
    return loaded


@pytest.mark.subprocess
def test_help_imports_only_click_and_the_cli() -> None:
    loaded = modules_loaded_by(["--help"])
    ours = {"paradime_bolt", "paradime_bolt._version"}
    assert "httpx" not in loaded  # `httpx._main` is the stand-in that keeps httpx's CLI unloaded
    foreign = [
        name
        for name in loaded
        if (
            name != "httpx._main"
            and name.split(".")[0] not in {*sys.stdlib_module_names, "click", "paradime_bolt"}
        )
        or (
            name.startswith("paradime_bolt")
            and name not in ours
            and not name.startswith("paradime_bolt.cli")
        )
    ]
    assert foreign == []
    assert not [name for name in loaded if name.endswith("_cmd")]


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["schedules", "--help"]])
@pytest.mark.subprocess
def test_help_and_version_import_no_client_httpx_pydantic_or_rich(args: list[str]) -> None:
    loaded = modules_loaded_by(args)
    assert [name for name in loaded if name in HEAVY or name.startswith("paradime_bolt._gen")] == []


@pytest.mark.subprocess
def test_a_subcommand_help_loads_only_that_subcommand() -> None:
    loaded = modules_loaded_by(["run", "--help"])
    assert [name for name in loaded if name.endswith("_cmd")] == ["paradime_bolt.cli.run_cmd"]
    assert [name for name in loaded if name in HEAVY] == []


# -- the registry --------------------------------------------------------------------------------


def test_the_registry_names_real_commands() -> None:
    for entry in REGISTRY:
        assert entry.load().name == entry.name


def test_the_schema_command_is_registered() -> None:
    [schema] = [entry for entry in REGISTRY if entry.name == "schema"]
    assert (schema.module, schema.attribute) == ("paradime_bolt.cli.schema_cmd", "schema")
    assert isinstance(cli, LazyGroup)
