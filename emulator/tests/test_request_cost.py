"""Per-request work does not grow with the size of the active runs.

Every request advances runs first. It used to read and decode every active run's whole plan
(logs included) and every started command's logs; now a run is only looked at when something
is due to happen to it, and a plan is decoded once. Shown structurally: the SQL a request runs
(SQLite's trace callback) and the JSON the storage decodes, never by timing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest

from paradime_bolt_emulator.api.limits import MAX_COMMANDS_PER_RUN
from paradime_bolt_emulator.errors import AlreadyRunningError
from paradime_bolt_emulator.schedules.catalog import ScheduleRef
from paradime_bolt_emulator.storage import tables
from paradime_bolt_emulator.storage.records import PlannedCommand, RequestedCommand
from paradime_bolt_emulator.storage.repository import Repository
from paradime_bolt_emulator.storage.store import Store

from .support import Api, FakeClock, InProcessClient

UNRELATED = "{ boltRunStatus(runId: 1) { ok } }"
BULKY = re.compile(r"\b(plan|requested|stdout|stderr)\b")


@contextmanager
def traced(app: Any) -> Iterator[list[str]]:
    """Every SQL statement the app runs meanwhile."""
    statements: list[str] = []
    connection = app.state.emulator.store._connection  # the store's one connection
    connection.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        connection.set_trace_callback(None)


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of the JSON texts the storage decodes (plans and requested commands)."""
    sizes: list[int] = []

    def loads(text: str | bytes, **kwargs: Any) -> Any:
        sizes.append(len(text))
        return json.loads(text, **kwargs)

    monkeypatch.setattr(tables, "json", SimpleNamespace(loads=loads, dumps=json.dumps))
    return sizes


def start_run(api: Api, clock: FakeClock, commands: int) -> int:
    """A run of `commands` user commands (2 fake seconds each), its first command running."""
    run_id = api.trigger(commands=[f"dbt run --select m{n}" for n in range(commands)])
    clock.advance(1.5)
    assert api.status(run_id)["state"] == "RUNNING"
    return run_id


@pytest.mark.parametrize("query", [UNRELATED, "{ listBoltSchedules { totalCount } }"])
def test_a_request_reads_no_plan_and_no_logs_of_the_active_runs(
    make_app: Callable[..., Any], clock: FakeClock, decodes: list[int], query: str
) -> None:
    seen: dict[int, list[str]] = {}
    for commands in (1, MAX_COMMANDS_PER_RUN):
        app = make_app()
        client = InProcessClient(app)
        try:
            api = Api(client, "/graphql")
            start_run(api, clock, commands)
            api.data(query)  # warm
            decodes.clear()
            with traced(app) as statements:
                for _ in range(5):
                    api.data(query)
            seen[commands] = statements
        finally:
            client.close()
        assert decodes == []
        assert not [s for s in statements if BULKY.search(s)], statements
    # The same statements whether the active run has 1 command or 100.
    assert seen[1] == seen[MAX_COMMANDS_PER_RUN]


def test_polling_a_big_run_decodes_its_plan_once(
    api: Api, clock: FakeClock, decodes: list[int]
) -> None:
    run_id = start_run(api, clock, MAX_COMMANDS_PER_RUN)
    decodes.clear()
    for _ in range(10):
        assert api.status(run_id)["state"] == "RUNNING"
    clock.advance(2)  # the next command starts: the run is advanced, its plan is cached
    for _ in range(10):
        api.status(run_id)
    assert len(decodes) <= 2  # at most once: its requested commands and its plan


def test_runs_progress_exactly_on_time_though_requests_skip_them(
    api: Api, clock: FakeClock
) -> None:
    run_id = api.trigger(commands=["dbt run", "dbt test"])
    seen = []
    # start_delay 1, then git clone, dbt deps, dbt run, dbt test: 2 s each, 0.02 s gaps.
    for step in [0.5] * 22:
        clock.advance(step)
        seen.append(len(api.status(run_id)["commands"]))
    assert seen == sorted(seen)
    assert api.status(run_id)["state"] == "SUCCESS"
    assert seen[-1] == 4


def test_a_rolled_back_advance_does_not_hide_progress(api: Api, clock: FakeClock) -> None:
    """A trigger that advances runs and then fails rolls the advance back; what the rolled-back
    advance wrote down is written again by the next one, at once."""
    run_id = api.trigger("daily run")
    clock.advance(1.5)  # git clone starts
    assert len(api.status(run_id)["commands"]) == 1
    clock.advance(2)  # dbt deps starts; no request has advanced runs since
    service = api.client.app.state.emulator.service
    with pytest.raises(AlreadyRunningError):
        service.trigger(
            clock(),
            ScheduleRef(name="daily run"),
            commands=None,
            continue_on_error=False,
            branch=None,
            pr_number=None,
            reason=None,
        )
    assert [c["command"] for c in api.status(run_id)["commands"]] == ["git clone ...", "dbt deps"]


def test_a_rolled_back_runs_cached_plan_is_forgotten() -> None:
    """SQLite hands a rolled-back run's id out again; its plan must not be served for the next."""
    store = Store()
    try:

        def insert(repo: Repository, command: str) -> int:
            planned = PlannedCommand(0, command, 0, 0.0, 1.0, 0, "", "")
            return repo.insert_run(
                workspace="w",
                schedule_name="s",
                state="STARTING",
                trigger_ts=0.0,
                start_delay=0.0,
                branch="main",
                commit_hash="0" * 40,
                pr_number=None,
                reason=None,
                actor="api",
                actor_email=None,
                parent_run_id=None,
                requested=(RequestedCommand(command),),
                plan=(planned,),
            )

        with pytest.raises(RuntimeError), store.transaction() as repo:
            first = insert(repo, "dbt run")
            run = repo.get_run(first, workspace=None)
            assert run is not None and run.plan[0].command == "dbt run"
            raise RuntimeError("roll back")
        with store.transaction() as repo:
            second = insert(repo, "dbt test")
        assert second == first
        with store.transaction() as repo:
            run = repo.get_run(second, workspace=None)
            assert run is not None and run.plan[0].command == "dbt test"
    finally:
        store.close()


def test_a_request_with_nothing_due_does_not_advance_runs(
    make_app: Callable[..., Any], clock: FakeClock
) -> None:
    app = make_app()
    client = InProcessClient(app)
    try:
        api = Api(client, "/graphql")
        run_id = start_run(api, clock, 3)  # git clone runs until 1 + 2 s
        with traced(app) as idle:
            api.data(UNRELATED)
        assert not [s for s in idle if "state IN" in s], idle  # active runs were not read
        clock.advance(1.6)  # dbt deps has started
        with traced(app) as due:
            api.data(UNRELATED)
        assert [s for s in due if "state IN" in s]
        assert len(api.status(run_id)["commands"]) == 2
    finally:
        client.close()
