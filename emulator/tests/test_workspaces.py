"""Workspaces and the three kinds of credential: a legacy key pair and a workspace token reach the
default workspace, an account key every workspace named by X-Paradime-Workspace; nothing of one
workspace is visible from another."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paradime_bolt_emulator import EmulatorConfig, EmulatorServer
from paradime_bolt_emulator.api.auth import FORBIDDEN_MESSAGE, MISSING_WORKSPACE_MESSAGE
from paradime_bolt_emulator.storage.store import SCHEMA_VERSION

from .support import HEADERS, Api, FakeClock, InProcessClient, command_ids, write_schedules

TOKEN = "prdm_wsp_emulator-test-token-0123"
ACCOUNT_KEY = "prdm_cmp_emulator-test-key-4567"
COUNT = "{ listBoltSchedules(showInactive: true, limit: 50) { totalCount } }"


def bearer(token: str, workspace: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if workspace is not None:
        headers["X-Paradime-Workspace"] = workspace
    return headers


@pytest.fixture
def http(make_app: Callable[..., Any], tmp_path: Path) -> Iterator[InProcessClient]:
    """An emulator serving ws-a (default, the test schedules) and ws-b (one schedule of its own
    beside ``daily run``), accepting all three kinds of credential."""
    other = write_schedules(
        tmp_path / "b.yml",
        {
            "schedules": [
                {"name": "daily run", "commands": ["dbt run"]},
                {"name": "only in b", "commands": ["dbt build"]},
            ]
        },
    )
    app = make_app(
        workspace_token=TOKEN,
        account_key=ACCOUNT_KEY,
        workspaces=("ws-a", "ws-b"),
        workspace_schedules=(("ws-b", other),),
    )
    client = InProcessClient(app)
    yield client
    client.close()


def post(http: InProcessClient, headers: dict[str, str], query: str = COUNT) -> httpx.Response:
    return http.post("/graphql", json={"query": query}, headers=headers)


@pytest.mark.parametrize(
    ("headers", "total"),
    [
        (HEADERS, 6),
        ({**HEADERS, "X-Paradime-Workspace": "ws-a"}, 6),
        (bearer(TOKEN), 6),
        (bearer(TOKEN, "ws-a"), 6),
        (bearer(ACCOUNT_KEY, "ws-a"), 6),
        (bearer(ACCOUNT_KEY, "ws-b"), 2),
        ({"authorization": f"bearer {ACCOUNT_KEY}", "x-paradime-workspace": "ws-b"}, 2),
    ],
    ids=[
        "pair",
        "pair-own-workspace",
        "token",
        "token-own-workspace",
        "account-key-a",
        "account-key-b",
        "lowercase",
    ],
)
def test_each_credential_reaches_its_workspaces(
    http: InProcessClient, headers: dict[str, str], total: int
) -> None:
    response = post(http, headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"listBoltSchedules": {"totalCount": total}}}


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        (bearer(ACCOUNT_KEY), 400, "BAD_REQUEST"),
        (bearer(ACCOUNT_KEY, ""), 400, "BAD_REQUEST"),
        (bearer(ACCOUNT_KEY, "ws-unknown"), 403, "FORBIDDEN"),
        (bearer(TOKEN, "ws-b"), 403, "FORBIDDEN"),
        (bearer(TOKEN, "ws-unknown"), 403, "FORBIDDEN"),
        ({**HEADERS, "X-Paradime-Workspace": "ws-b"}, 403, "FORBIDDEN"),
        (bearer("prdm_wsp_not-the-token"), 401, "UNAUTHENTICATED"),
        (bearer("prdm_cmp_not-the-key", "ws-a"), 401, "UNAUTHENTICATED"),
        (bearer("bolt-emulator-secret"), 401, "UNAUTHENTICATED"),
        ({"Authorization": f"Basic {TOKEN}"}, 401, "UNAUTHENTICATED"),
        ({**HEADERS, "Authorization": "Bearer wrong"}, 401, "UNAUTHENTICATED"),
        ({"Authorization": f"Bearer {TOKEN}\u00e9"}, 401, "UNAUTHENTICATED"),
    ],
    ids=[
        "account-key-no-workspace",
        "account-key-empty-workspace",
        "account-key-unknown-workspace",
        "token-other-workspace",
        "token-unknown-workspace",
        "pair-other-workspace",
        "wrong-token",
        "wrong-account-key",
        "secret-as-bearer",
        "basic-scheme",
        "authorization-decides",
        "non-ascii",
    ],
)
def test_refusals_are_json_errors_that_echo_nothing(
    http: InProcessClient, headers: dict[str, str], status: int, code: str
) -> None:
    encoded = {name: value.encode() for name, value in headers.items()}
    response = http.post("/graphql", json={"query": COUNT}, headers=encoded)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": code}
    for value in (TOKEN, ACCOUNT_KEY, "ws-unknown", "not-the"):
        assert value not in response.text
    if status == 400:
        assert error["message"] == MISSING_WORKSPACE_MESSAGE
    if status == 403:
        assert error["message"] == FORBIDDEN_MESSAGE


def test_tokens_are_refused_when_not_configured(make_app: Callable[..., Any]) -> None:
    client = InProcessClient(make_app())
    try:
        assert post(client, bearer(TOKEN)).status_code == 401
        assert post(client, bearer(ACCOUNT_KEY, "bolt-emulator-workspace")).status_code == 401
        assert post(client, HEADERS).status_code == 200
    finally:
        client.close()


def test_runs_of_one_workspace_are_never_visible_from_another(
    http: InProcessClient, clock: FakeClock
) -> None:
    a = Api(http, "/graphql", bearer(ACCOUNT_KEY, "ws-a"))
    b = Api(http, "/graphql", bearer(ACCOUNT_KEY, "ws-b"))
    token = Api(http, "/graphql", bearer(TOKEN))
    failed = a.trigger("broken tests")
    clock.advance(60)
    commands = command_ids(a.status(failed))
    command_id = commands["dbt seed"]
    resource_id = a.command(command_id)["resources"][0]["id"]
    running = a.trigger("daily run")
    clock.advance(2)

    # The workspace token sees the default workspace: the same runs as the account key there.
    assert token.status(failed)["state"] == "ERROR"
    assert token.command(command_id)["ok"] is True

    # From ws-b, every id of ws-a is unknown, as a missing one is.
    assert b.status(failed) == b.status(1) == {"ok": False, "state": None, "commands": None}
    assert b.command(command_id) == b.command(1)
    assert b.command(command_id)["ok"] is False
    assert b.resource_url(resource_id) == {"ok": False, "url": None}
    logs = b.data(
        "query($id: Int!) { boltCommandLogs(commandId: $id) { ok lines { line } } }",
        id=command_id,
    )["boltCommandLogs"]
    assert logs == {"ok": False, "lines": []}
    cancel = "mutation($id: Int!) { cancelBoltRun(scheduleRunId: $id) { ok } }"
    assert b.data(cancel, id=running)["cancelBoltRun"]["ok"] is False
    retry = "mutation($id: Int!) { retryBoltRun(scheduleRunId: $id) { runId } }"
    assert "RunNotFoundException" in b.error(retry, id=failed)["message"]
    assert (
        "ScheduleNotFoundException"
        in b.error('mutation { retryBoltRunFromFailure(scheduleName: "broken tests") { runId } }')[
            "message"
        ]
    )

    # ws-b's own "daily run" is another schedule: no runs, and free to start now.
    runs = (
        'query { listBoltRuns(scheduleName: "daily run", offset: 0, limit: 10) { ok runs { id } } }'
    )
    assert b.data(runs)["listBoltRuns"] == {"ok": True, "runs": []}
    details = b.data('{ boltScheduleName(scheduleName: "daily run") { latestRunId } }')
    assert details["boltScheduleName"]["latestRunId"] is None
    own = b.trigger("daily run")
    assert own not in (failed, running), "ids are unique across workspaces"
    assert [run["id"] for run in a.data(runs)["listBoltRuns"]["runs"]] == [running]
    assert a.data(cancel, id=running)["cancelBoltRun"]["ok"] is True
    assert a.data(cancel, id=own)["cancelBoltRun"]["ok"] is False
    assert b.status(own)["state"] in ("STARTING", "RUNNING")

    # Schedules and suspensions are per workspace too.
    assert "only in b" in [s["name"] for s in schedules(b)]
    assert "only in b" not in [s["name"] for s in schedules(a)]
    b.data('mutation { suspendBoltSchedule(scheduleName: "daily run", suspend: true) { ok } }')
    assert {s["name"]: s["suspended"] for s in schedules(b)}["daily run"] is True
    assert {s["name"]: s["suspended"] for s in schedules(a)}["daily run"] is False


def schedules(api: Api) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.data(
        "{ listBoltSchedules(showInactive: true, limit: 50) { schedules { name suspended } } }"
    )["listBoltSchedules"]["schedules"]
    return found


def test_a_signed_download_url_needs_no_workspace(http: InProcessClient, clock: FakeClock) -> None:
    a = Api(http, "/graphql", bearer(ACCOUNT_KEY, "ws-a"))
    run = a.trigger("broken tests")
    clock.advance(60)
    resource_id = a.command(command_ids(a.status(run))["dbt seed"])["resources"][0]["id"]
    url = a.resource_url(resource_id)["url"]
    assert http.get(url).status_code == 200


# -- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"workspace_token": "wsp-without-prefix"}, "workspace_token must be prdm_wsp_"),
        ({"workspace_token": "prdm_wsp_"}, "workspace_token must be prdm_wsp_"),
        ({"workspace_token": ACCOUNT_KEY}, "workspace_token must be prdm_wsp_"),
        ({"account_key": TOKEN}, "account_key must be prdm_cmp_"),
        ({"account_key": f"{ACCOUNT_KEY}\u00a0"}, "account_key must be printable ASCII"),
        ({"api_secret": TOKEN}, "configure it as workspace_token"),
        ({"api_secret": ACCOUNT_KEY}, "configure it as account_key"),
        ({"workspaces": ("ws-a", "ws-a")}, "once"),
        ({"workspaces": ("ws a",)}, "printable ASCII"),
        ({"workspaces": ("",)}, "printable ASCII"),
        ({"workspace_schedules": (("ws-z", Path("z.yml")),)}, "not served"),
    ],
)
def test_bad_credentials_and_workspaces_are_refused(overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match) as info:
        EmulatorConfig(**overrides)
    for secret in (TOKEN, ACCOUNT_KEY):
        assert secret not in str(info.value)


def test_the_config_repr_hides_the_tokens() -> None:
    config = EmulatorConfig(workspace_token=TOKEN, account_key=ACCOUNT_KEY, workspaces=["w1"])
    assert TOKEN not in repr(config) and ACCOUNT_KEY not in repr(config)
    assert config.workspaces == ("w1",) and config.default_workspace == "w1"
    assert EmulatorConfig().workspace_uids == ("bolt-emulator-workspace",)


def test_the_server_takes_workspaces_with_their_own_schedules(
    tmp_path: Path, schedules_file: Path
) -> None:
    other = write_schedules(
        tmp_path / "b.yml", {"schedules": [{"name": "only in b", "commands": ["dbt run"]}]}
    )
    server = EmulatorServer(
        schedules=schedules_file,
        account_key=ACCOUNT_KEY,
        workspaces={"ws-a": None, "ws-b": other},
    )
    assert server.workspaces == ("ws-a", "ws-b")
    assert server.account_key == ACCOUNT_KEY and server.workspace_token is None
    with server, httpx.Client() as client:
        totals = [
            client.post(
                server.endpoint, json={"query": COUNT}, headers=bearer(ACCOUNT_KEY, uid)
            ).json()["data"]["listBoltSchedules"]["totalCount"]
            for uid in server.workspaces
        ]
    assert totals == [6, 1]
    with pytest.raises(TypeError):
        EmulatorServer(workspaces="ws-a")


# -- a database from before workspaces ------------------------------------------------------------


def _downgrade_to_layout_1(db: Path) -> None:
    """Rewrites a database to the layout before workspaces (no workspace columns)."""
    connection = sqlite3.connect(db, isolation_level=None)
    connection.executescript(
        """
        BEGIN;
        CREATE TABLE old_schedules (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            definition TEXT NOT NULL,
            suspended_override INTEGER
        );
        INSERT INTO old_schedules SELECT id, name, definition, suspended_override FROM schedules;
        DROP TABLE schedules;
        ALTER TABLE old_schedules RENAME TO schedules;
        DROP INDEX runs_by_workspace_schedule;
        ALTER TABLE runs DROP COLUMN workspace;
        CREATE INDEX runs_by_schedule ON runs (schedule_name, id);
        UPDATE meta SET value = '1' WHERE key = 'schema_version';
        COMMIT;
        """
    )
    connection.close()


def test_a_database_of_layout_1_becomes_the_default_workspace(
    tmp_path: Path, schedules_file: Path, clock: FakeClock
) -> None:
    db = tmp_path / "bolt.db"
    with (
        EmulatorServer(db=db, schedules=schedules_file, clock=clock) as server,
        httpx.Client() as c,
    ):
        api = Api(c, server.endpoint)
        run = api.trigger("broken tests")
        clock.advance(60)
        api.data('mutation { suspendBoltSchedule(slug: "daily-run", suspend: true) { ok } }')
        before = api.status(run)
        ids = {s["name"]: s["id"] for s in api.data(
            "{ listBoltSchedules(showInactive: true, limit: 50) { schedules { id name } } }"
        )["listBoltSchedules"]["schedules"]}  # fmt: skip
    _downgrade_to_layout_1(db)

    extra = write_schedules(
        tmp_path / "more.yml",
        {"schedules": [{"name": "brand new", "commands": ["dbt run"]}]},
    )
    with (
        EmulatorServer(
            db=db,
            schedules=schedules_file,
            clock=clock,
            account_key=ACCOUNT_KEY,
            workspaces={"ws-old": None, "ws-new": extra},
        ) as server,
        httpx.Client() as c,
    ):
        old = Api(c, server.endpoint, bearer(ACCOUNT_KEY, "ws-old"))
        new = Api(c, server.endpoint, bearer(ACCOUNT_KEY, "ws-new"))
        assert old.status(run) == before
        assert new.status(run)["ok"] is False
        listed = old.data(
            "{ listBoltSchedules(showInactive: true, limit: 50) {"
            " schedules { id name suspended } } }"
        )["listBoltSchedules"]["schedules"]
        assert {s["name"]: s["id"] for s in listed} == ids
        assert {s["name"]: s["suspended"] for s in listed}["daily run"] is True
        (brand_new,) = new.data(
            "{ listBoltSchedules(showInactive: true, limit: 50) { schedules { id name } } }"
        )["listBoltSchedules"]["schedules"]
        assert brand_new["id"] > max(ids.values()), "ids go on after the migrated ones"
        assert new.trigger("brand new") > run
    connection = sqlite3.connect(db)
    (version,) = connection.execute(
        "SELECT value FROM meta WHERE key = 'schema_version'"
    ).fetchone()
    connection.close()
    assert version == SCHEMA_VERSION == "2"
