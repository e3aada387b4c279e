"""Downloads from pre-signed URLs: bodies held in memory or compressed, the storage's errors
(expired URLs fetched afresh), and destinations that cannot be written. Both twins."""

from __future__ import annotations

import asyncio
import gzip
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock, IteratorStream

from paradime_bolt import (
    AuthenticationError,
    DestinationError,
    HTTPStatusError,
    StorageError,
    TransportError,
)
from tests.support.fake_api import ENDPOINT, GraphQLScript
from tests.support.payloads import resource_url
from tests.support.twins import Twin

URL = "https://files.example/run/42/run_results.json?X-Amz-Signature=first"
FRESH_URL = "https://files.example/run/42/run_results.json?X-Amz-Signature=fresh"
BODY = b'{"results": [{"status": "fail"}]}'


def s3_error(code: str, message: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        "<RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>"
    ).encode()


EXPIRED = s3_error("AccessDenied", "Request has expired")
FORBIDDEN = s3_error("AccessDenied", "Access Denied")


# -- bodies the HTTP library already holds in memory (httpx.MockTransport, respx) -----------------


@pytest.fixture
def in_memory(twin: Twin) -> Iterator[Callable[[httpx.Response], Twin]]:
    """A twin whose own httpx client answers from memory, as httpx.MockTransport and respx do:
    the API's BoltResourceUrl with URL, and the download with the response given."""
    clients: list[Any] = []

    def make(download: httpx.Response) -> Twin:
        def handler(request: httpx.Request) -> httpx.Response:
            if str(request.url) == ENDPOINT:
                return httpx.Response(200, json=resource_url(URL))
            assert str(request.url) == URL
            return download

        transport = httpx.MockTransport(handler)
        client: Any = (
            httpx.Client(transport=transport)
            if twin.kind == "sync"
            else httpx.AsyncClient(transport=transport)
        )
        clients.append(client)
        return twin.with_options(http_client=client)

    yield make
    for client in clients:
        if isinstance(client, httpx.AsyncClient):
            asyncio.run(client.aclose())
        else:
            client.close()


def test_a_body_held_in_memory_is_downloaded(
    in_memory: Callable[[httpx.Response], Twin], tmp_path: Path
) -> None:
    client = in_memory(httpx.Response(200, content=BODY))
    written = client.call("download_resource", 1, tmp_path / "r.json")
    assert written.read_bytes() == BODY


def test_a_compressed_body_held_in_memory_is_downloaded_decompressed(
    in_memory: Callable[[httpx.Response], Twin], tmp_path: Path
) -> None:
    compressed = gzip.compress(BODY)
    answer = httpx.Response(200, content=compressed, headers={"Content-Encoding": "gzip"})
    assert answer.headers["content-length"] == str(len(compressed))
    written = in_memory(answer).call("download_resource", 1, tmp_path / "r.json")
    assert written.read_bytes() == BODY


def test_a_short_body_held_in_memory_is_still_a_truncated_download(
    in_memory: Callable[[httpx.Response], Twin], tmp_path: Path
) -> None:
    client = in_memory(httpx.Response(200, content=b"short", headers={"Content-Length": "100"}))
    with pytest.raises(TransportError, match="received 5 of 100 bytes"):
        client.call("download_resource", 1, tmp_path / "r.json")
    assert list(tmp_path.iterdir()) == []


def test_a_json_artifact_held_in_memory_is_parsed(twin: Twin) -> None:
    progress = {
        "boltRunStatus": {
            "ok": True,
            "state": "ERROR",
            "commands": [{"id": 4, "command": "dbt test", "returnCode": 1}],
        }
    }
    command = {
        "boltCommand": {"ok": True, "resources": [{"id": 41, "path": "target/run_results.json"}]}
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) != ENDPOINT:
            return httpx.Response(200, content=BODY)
        name = httpx.Response(200, content=request.content).json()["operationName"]
        data = {"BoltRunProgress": progress, "BoltCommand": command}.get(name) or resource_url(URL)[
            "data"
        ]
        return httpx.Response(200, json={"data": data})

    transport = httpx.MockTransport(handler)
    client: Any = (
        httpx.Client(transport=transport)
        if twin.kind == "sync"
        else httpx.AsyncClient(transport=transport)
    )
    results = twin.with_options(http_client=client).call(
        "download_json_artifact", 9, "target/run_results.json"
    )
    assert results == {"results": [{"status": "fail"}]}


# -- streamed bodies, compressed or not ------------------------------------------------------------


def test_a_compressed_streamed_body_is_checked_by_its_size_on_the_wire(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL))
    compressed = gzip.compress(BODY)
    httpx_mock.add_response(
        url=URL,
        stream=IteratorStream([compressed[:10], compressed[10:]]),
        headers={"Content-Encoding": "gzip", "Content-Length": str(len(compressed))},
    )
    written = twin.call("download_resource", 1, tmp_path / "r.json")
    assert written.read_bytes() == BODY


def test_a_short_compressed_streamed_body_is_a_truncated_download(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL))
    compressed = gzip.compress(BODY)
    httpx_mock.add_response(
        url=URL,
        stream=IteratorStream([compressed]),
        headers={"Content-Encoding": "gzip", "Content-Length": str(len(compressed) + 10)},
    )
    with pytest.raises(TransportError, match=rf"received {len(compressed)} of"):
        twin.call("download_resource", 1, tmp_path / "r.json")
    assert list(tmp_path.iterdir()) == []


# -- the storage's errors ------------------------------------------------------------------------


def test_a_forbidden_url_is_a_storage_error_with_the_storages_message(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL))
    httpx_mock.add_response(
        url=URL, status_code=403, content=FORBIDDEN, headers={"Content-Type": "application/xml"}
    )
    with pytest.raises(StorageError) as info:
        twin.call("download_resource", 1, tmp_path / "r.json")
    error = info.value
    assert (error.status_code, error.code, error.storage_message, error.expired) == (
        403,
        "AccessDenied",
        "Access Denied",
        False,
    )
    assert str(error) == (
        "download of resource 1: the storage behind the download URL answered HTTP 403 "
        "(AccessDenied: Access Denied)"
    )
    assert isinstance(error, HTTPStatusError)
    assert not isinstance(error, AuthenticationError), "no credentials were sent"
    assert "Signature" not in str(error), "the pre-signed URL is not shown"
    assert script.count("BoltResourceUrl") == 1, "only an expired URL is asked for afresh"
    assert list(tmp_path.iterdir()) == []


def test_an_expired_url_is_fetched_afresh_once_and_retried(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL), resource_url(FRESH_URL))
    httpx_mock.add_response(url=URL, status_code=403, content=EXPIRED)
    httpx_mock.add_response(url=FRESH_URL, content=BODY)
    written = twin.call("download_resource", 7, tmp_path / "r.json")
    assert written.read_bytes() == BODY
    assert [v for n, v in script.calls if n == "BoltResourceUrl"] == [{"resourceId": 7}] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_url_that_expires_again_gives_up_with_a_storage_error(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL), resource_url(FRESH_URL))
    httpx_mock.add_response(url=URL, status_code=403, content=EXPIRED)
    httpx_mock.add_response(url=FRESH_URL, status_code=403, content=EXPIRED)
    with pytest.raises(
        StorageError, match=r"HTTP 403 \(AccessDenied: Request has expired\)"
    ) as info:
        twin.with_options(max_retries=3).call("download_resource", 7, tmp_path / "r.json")
    assert info.value.expired is True
    assert script.count("BoltResourceUrl") == 2
    assert len(httpx_mock.get_requests(url=FRESH_URL)) == 1, "a 403 is not retried as is"
    assert list(tmp_path.iterdir()) == []


def test_a_json_artifact_behind_an_expired_url_is_fetched_afresh(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock
) -> None:
    script.on(
        "BoltRunProgress",
        {
            "data": {
                "boltRunStatus": {
                    "ok": True,
                    "state": "ERROR",
                    "commands": [{"id": 4, "command": "dbt test", "returnCode": 1}],
                }
            }
        },
    )
    script.on(
        "BoltCommand",
        {"data": {"boltCommand": {"ok": True, "resources": [{"id": 41, "path": "target/x.json"}]}}},
    )
    script.on("BoltResourceUrl", resource_url(URL), resource_url(FRESH_URL))
    httpx_mock.add_response(url=URL, status_code=403, content=EXPIRED)
    httpx_mock.add_response(url=FRESH_URL, content=BODY)
    assert twin.call("download_json_artifact", 9, "target/x.json") == {
        "results": [{"status": "fail"}]
    }
    assert [v for n, v in script.calls if n == "BoltResourceUrl"] == [{"resourceId": 41}] * 2


@pytest.mark.parametrize(
    ("body", "code", "message", "expired"),
    [
        (s3_error("ExpiredToken", "The provided token has expired."), "ExpiredToken", None, True),
        (
            s3_error("SignatureDoesNotMatch", "The request signature &amp; ..."),
            None,
            "& ...",
            False,
        ),
        (b'{"error": "this download URL has expired"}', None, None, True),
        (b"Forbidden", None, "Forbidden", False),
        (b"", None, None, False),
    ],
    ids=["gcs-expired", "entities", "json", "text", "empty"],
)
def test_what_the_storage_said_is_read_from_xml_json_or_text(
    body: bytes,
    code: str | None,
    message: str | None,
    expired: bool,
    twin: Twin,
    script: GraphQLScript,
    httpx_mock: HTTPXMock,
    tmp_path: Path,
) -> None:
    script.on("BoltResourceUrl", resource_url(URL))
    httpx_mock.add_response(url=URL, status_code=403, content=body, is_reusable=True)
    with pytest.raises(StorageError) as info:
        twin.call("download_resource", 1, tmp_path / "r.json")
    error = info.value
    assert error.expired is expired
    if code is not None:
        assert error.code == code
    if message is not None:
        assert error.storage_message is not None and error.storage_message.endswith(message)
    assert str(error).startswith("download of resource 1: the storage behind the download URL")


def test_storage_and_destination_errors_pickle_with_their_fields() -> None:
    storage = StorageError(
        "m",
        status_code=403,
        code="AccessDenied",
        storage_message="Request has expired",
        expired=True,
        body="<Error/>",
        headers={"x-amz-request-id": "R"},
        operation="download of resource 1",
    )
    copy = pickle.loads(pickle.dumps(storage))
    assert (copy.status_code, copy.code, copy.storage_message, copy.expired) == (
        403,
        "AccessDenied",
        "Request has expired",
        True,
    )
    assert (str(copy), copy.body, copy.headers, copy.operation) == (
        "m",
        "<Error/>",
        {"x-amz-request-id": "R"},
        "download of resource 1",
    )
    destination = pickle.loads(pickle.dumps(DestinationError("/proc/x", "No such file", 2)))
    assert (destination.path, destination.reason, destination.errno) == (
        "/proc/x",
        "No such file",
        2,
    )
    assert str(destination) == "cannot write the download to /proc/x: No such file"


# -- destinations that cannot be written -----------------------------------------------------------


def unwritable(tmp_path: Path) -> dict[str, Path]:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    return {
        "proc": Path("/proc/x"),
        "proc-missing-parent": Path("/proc/no-such-dir/x"),
        "parent-is-a-file": blocker / "sub" / "x",
    }


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("case", ["proc", "proc-missing-parent", "parent-is-a-file"])
def test_a_destination_that_cannot_be_written_is_a_destination_error(
    case: str, twin: Twin, script: GraphQLScript, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL))
    dest = unwritable(tmp_path)[case]
    with pytest.raises(DestinationError, match=f"cannot write the download to {dest}: ") as info:
        twin.call("download_resource", 1, dest)
    assert isinstance(info.value.__cause__, OSError)
    assert info.value.errno == info.value.__cause__.errno
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only folders"
)
def test_a_read_only_folder_is_a_destination_error(
    twin: Twin, script: GraphQLScript, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL))
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DestinationError, match="Permission denied"):
            twin.call("download_resource", 1, folder / "r.json")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_destination_that_fails_after_the_download_leaves_nothing_behind(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    """Into a folder where a directory has the file's name: the rename into place fails once
    the bytes are in, which is a DestinationError, and no temporary file is left."""
    script.on("BoltResourceUrl", resource_url(URL))
    httpx_mock.add_response(url=URL, content=BODY)
    (tmp_path / "run_results.json").mkdir()
    (tmp_path / "run_results.json" / "inside").write_text("kept")
    with pytest.raises(DestinationError, match=f"to {tmp_path / 'run_results.json'}: "):
        twin.call("download_resource", 1, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["run_results.json"]
    assert (tmp_path / "run_results.json" / "inside").read_text() == "kept"


def test_a_download_that_breaks_names_the_storage_not_the_api_nor_the_signed_url(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL))
    httpx_mock.add_exception(httpx.ReadError("connection reset"), url=URL)
    with pytest.raises(TransportError) as info:
        twin.call("download_resource", 1, tmp_path / "r.json")
    assert str(info.value) == (
        "download of resource 1: could not reach https://files.example: connection reset"
    )


def test_a_storage_asking_to_slow_down_is_retried_after_the_delay_it_gives(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", resource_url(URL))
    slow_down = s3_error("SlowDown", "Please reduce your request rate.")
    httpx_mock.add_response(
        url=URL, status_code=429, content=slow_down, headers={"Retry-After": "7"}
    )
    httpx_mock.add_response(url=URL, content=BODY)
    client = twin.with_options(max_retries=1)
    assert client.call("download_resource", 1, tmp_path / "r.json").read_bytes() == BODY
    assert client.sleeps == [7.0]
