"""boltCommandLogs: pages of at most 200 lines, only what is written so far, finished at the end."""

from __future__ import annotations

from typing import Any

import pytest

from .support import LONG_STDERR_LINES, LONG_STDOUT_LINES, Api, FakeClock, command_ids

LOGS = (
    "query($id: Int!, $cursor: String) { boltCommandLogs(commandId: $id, cursor: $cursor) {"
    " ok lines { stream line } cursor finished } }"
)
EXPORT_START = 5.04  # after start_delay 1 and two 2 s infrastructure commands with their gaps
EXPORT_DURATION = 10


def logs(api: Api, command_id: int, cursor: str | None) -> dict[str, Any]:
    page: dict[str, Any] = api.data(LOGS, id=command_id, cursor=cursor)["boltCommandLogs"]
    return page


def export_command(api: Api, clock: FakeClock, after: float) -> int:
    """Trigger the chatty export and return its command id, ``after`` seconds into the run."""
    run_id = api.trigger("chatty export")
    clock.advance(after)
    return command_ids(api.status(run_id))["python export.py"]


def test_logs_come_in_pages_and_finish_once_all_are_read(api: Api, clock: FakeClock) -> None:
    command_id = export_command(api, clock, after=60)
    pages, cursor = [], None
    for _ in range(10):
        page = logs(api, command_id, cursor)
        pages.append(page)
        cursor = page["cursor"]
        if page["finished"]:
            break
    assert [len(page["lines"]) for page in pages] == [200, 200, 80]
    assert [page["finished"] for page in pages] == [False, False, True]
    lines = [line for page in pages for line in page["lines"]]
    assert lines == [
        *({"stream": "STDOUT", "line": f"exported batch {n}"} for n in range(LONG_STDOUT_LINES)),
        *({"stream": "STDERR", "line": f"warning {n}"} for n in range(LONG_STDERR_LINES)),
    ]
    assert logs(api, command_id, cursor) == {
        "ok": True,
        "lines": [],
        "cursor": cursor,
        "finished": True,
    }


def test_a_running_command_shows_only_the_lines_written_so_far(api: Api, clock: FakeClock) -> None:
    command_id = export_command(api, clock, after=EXPORT_START + 0.55 * EXPORT_DURATION)
    written_out = int(LONG_STDOUT_LINES * 0.55)
    written_err = int(LONG_STDERR_LINES * 0.55)

    first = logs(api, command_id, "0:0")
    assert len(first["lines"]) == 200
    assert first["finished"] is False
    second = logs(api, command_id, first["cursor"])
    assert [line["stream"] for line in second["lines"]] == ["STDOUT"] * (written_out - 200) + [
        "STDERR"
    ] * written_err
    assert second["finished"] is False
    idle = logs(api, command_id, second["cursor"])
    assert idle["lines"] == []
    assert idle["finished"] is False
    assert idle["cursor"] == second["cursor"]

    status_stdout = api.command(command_id)["stdout"]
    assert status_stdout.count("\n") == written_out

    clock.advance(EXPORT_DURATION)
    third = logs(api, command_id, second["cursor"])
    assert third["lines"][0] == {"stream": "STDOUT", "line": f"exported batch {written_out}"}
    assert third["finished"] is False
    last = logs(api, command_id, third["cursor"])
    assert last["finished"] is True
    remaining = LONG_STDOUT_LINES - written_out + LONG_STDERR_LINES - written_err
    assert len(third["lines"]) + len(last["lines"]) == remaining


def test_a_null_cursor_starts_at_the_beginning(api: Api, clock: FakeClock) -> None:
    command_id = export_command(api, clock, after=60)
    assert logs(api, command_id, None) == logs(api, command_id, "0:0")


def test_short_logs_fit_one_page(api: Api, clock: FakeClock) -> None:
    run_id = api.trigger("daily run")
    clock.advance(60)
    command = api.status(run_id)["commands"][2]
    page = logs(api, command["id"], None)
    assert page["finished"] is True
    assert [line["line"] for line in page["lines"]] == command["stdout"].splitlines()


@pytest.mark.parametrize("cursor", ["abc", "1", "-1:0", "1:x"])
def test_a_malformed_cursor_is_an_error(api: Api, clock: FakeClock, cursor: str) -> None:
    command_id = export_command(api, clock, after=60)
    error = api.error(LOGS, id=command_id, cursor=cursor)
    assert error["message"].startswith("InvalidArgumentsException: invalid cursor")
