"""`artifacts list` and `artifacts download`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpx import HTTPXMock

from tests.support import payloads as p
from tests.support.cli import Invoke
from tests.support.fake_api import GraphQLScript

URL = "https://files.example/run/9/run_results.json?signature=abc"
RUN = p.progress(
    "ERROR",
    p.command(1, "git clone ...", 0),
    p.command(3, "dbt run", 0),
    p.command(4, "dbt test", 1),
)


def test_list(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", RUN)
    script.on(
        "BoltCommand",
        p.command_details(9),
        p.command_details(9, (30, "target/manifest.json"), (31, "target/run_results.json")),
        p.command_details(9, (41, "target/run_results.json")),
    )
    result = invoke("artifacts", "list", "9")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == [
        *("PATH", "COMMAND", "RETURN", "CODE", "COMMAND", "ID", "RESOURCE", "ID", "DEFAULT")
    ]
    assert rows[1:] == [
        ["target/manifest.json", "dbt", "run", "0", "3", "30", "yes"],
        ["target/run_results.json", "dbt", "run", "0", "3", "31"],
        ["target/run_results.json", "dbt", "test", "1", "4", "41", "yes"],
    ]


def test_list_json(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", RUN)
    script.on("BoltCommand", p.command_details(9, (41, "target/run_results.json")))
    result = invoke("artifacts", "list", "9", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["run_id"] == 9
    assert document["artifacts"][0] == {
        "path": "target/run_results.json",
        "resource_id": 41,
        "command_id": 1,
        "command": "git clone ...",
        "return_code": 0,
        "default": False,
    }
    listed = [(a["command_id"], a["default"]) for a in document["artifacts"]]
    assert listed == [(1, False), (3, False), (4, True)], (
        "the failed dbt test's file is the default"
    )


def test_list_of_a_run_without_artifacts(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", RUN)
    script.on("BoltCommand", p.command_details(9))
    result = invoke("artifacts", "list", "9")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "run 9 has no artifacts" in result.stderr


@pytest.fixture
def artifact(script: GraphQLScript, httpx_mock: HTTPXMock) -> bytes:
    content = b'{"results": [{"status": "pass"}]}'
    script.on("BoltRunProgress", RUN)
    script.on("BoltCommand", p.command_details(9, (41, "target/run_results.json")))
    script.on("BoltResourceUrl", p.resource_url(URL))
    httpx_mock.add_response(url=URL, content=content)
    return content


def test_download_to_the_current_directory(
    invoke: Invoke, artifact: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("artifacts", "download", "9", "target/run_results.json")
    assert result.exit_code == 0, result.output
    assert result.stdout == "run_results.json\n"
    assert (tmp_path / "run_results.json").read_bytes() == artifact
    assert "downloaded target/run_results.json of run 9" in result.stderr


def test_download_into_a_directory_as_json(invoke: Invoke, artifact: bytes, tmp_path: Path) -> None:
    result = invoke(
        "artifacts", "download", "9", "target/run_results.json", "-o", str(tmp_path), "--json"
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["dest"] == str(tmp_path / "run_results.json")
    assert document["bytes"] == len(artifact)
    assert (document["resource_id"], document["command"]) == (41, "dbt test")
    assert (tmp_path / "run_results.json").read_bytes() == artifact


def test_download_to_stdout(invoke: Invoke, artifact: bytes) -> None:
    result = invoke("artifacts", "download", "9", "target/run_results.json", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == artifact
    assert "to stdout" in result.stderr


def test_download_to_stdout_cannot_be_json(invoke: Invoke) -> None:
    result = invoke("artifacts", "download", "9", "x", "-o", "-", "--json")
    assert result.exit_code == 2


def test_a_missing_artifact_is_exit_5(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", RUN)
    script.on("BoltCommand", p.command_details(9))
    result = invoke("artifacts", "download", "9", "target/nope.json", "--json")
    assert result.exit_code == 5
    document = json.loads(result.stdout)
    assert document["error"]["type"] == "ArtifactNotFoundError"
    assert "run 9 has no artifact at 'target/nope.json'" in result.stderr


def test_download_from_a_chosen_command(
    invoke: Invoke, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltRunProgress", RUN)
    script.on("BoltCommand", p.command_details(9, (41, "target/run_results.json")))
    script.on("BoltResourceUrl", p.resource_url(URL))
    httpx_mock.add_response(url=URL, content=b"{}")
    dest = tmp_path / "r.json"
    result = invoke(
        "artifacts",
        "download",
        "9",
        "target/run_results.json",
        "--command-id",
        "4",
        "-o",
        str(dest),
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["command_id"], document["command"], document["return_code"]) == (
        4,
        "dbt test",
        1,
    )
    assert [v for name, v in script.calls if name == "BoltCommand"] == [{"commandId": 4}]
    assert dest.read_bytes() == b"{}"


def test_download_from_a_command_without_it(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", RUN)
    script.on("BoltCommand", p.command_details(9))
    missing = invoke("artifacts", "download", "9", "target/x.json", "--command-id", "4")
    assert missing.exit_code == 5
    assert "command 4 of run 9 has no artifact at 'target/x.json'" in missing.stderr
    unknown = invoke("artifacts", "download", "9", "target/x.json", "--command-id", "99")
    assert unknown.exit_code == 5
    assert "run 9 has no command 99" in unknown.stderr


def test_an_artifact_the_storage_refuses_is_exit_5_with_its_message_not_a_credentials_error(
    invoke: Invoke, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltRunProgress", RUN)
    script.on("BoltCommand", p.command_details(9, (41, "target/run_results.json")))
    script.on("BoltResourceUrl", p.resource_url(URL))
    denied = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
        b"<Message>Access Denied</Message><RequestId>R1</RequestId></Error>"
    )
    httpx_mock.add_response(url=URL, status_code=403, content=denied)
    result = invoke(
        "artifacts", "download", "9", "target/run_results.json", "-o", str(tmp_path / "r.json")
    )
    assert result.exit_code == 5, result.output
    assert "HTTP 403 (AccessDenied: Access Denied)" in result.stderr
    assert "credentials are not involved" in result.stderr
    assert "refused the credentials" not in result.stderr
    assert "PARADIME_API_KEY" not in result.stderr
    assert "signature=abc" not in result.stderr, "a pre-signed URL is a secret of its own"
    assert list(tmp_path.iterdir()) == []


def test_a_destination_that_cannot_be_written_is_exit_5_without_a_traceback(
    invoke: Invoke, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltRunProgress", RUN)
    script.on("BoltCommand", p.command_details(9, (41, "target/run_results.json")))
    script.on("BoltResourceUrl", p.resource_url(URL))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    dest = blocker / "sub" / "r.json"
    result = invoke("artifacts", "download", "9", "target/run_results.json", "-o", str(dest))
    assert result.exit_code == 5, result.output
    assert f"cannot write the download to {dest}" in result.stderr
    assert "Traceback" not in result.output
    document = json.loads(
        invoke(
            "artifacts", "download", "9", "target/run_results.json", "-o", str(dest), "--json"
        ).stdout
    )
    assert document["error"]["type"] == "DestinationError"
    assert httpx_mock.get_requests(url=URL) == [], "nothing is downloaded to nowhere"
