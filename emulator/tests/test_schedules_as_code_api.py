"""createBoltSchedule, deleteBoltSchedule, listAllScheduleNames, environments and
createScheduleSlugs as Paradime's SDK sends them (inline enum, SDK variable types)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from paradime_bolt_emulator.cli import build_parser, config_from_args
from paradime_bolt_emulator.config import EmulatorConfig
from paradime_bolt_emulator.schedules.spec import ScheduleFileError

from .support import Api, InProcessClient

CREATE = (
    "mutation CreateBoltSchedule($schedule: BoltScheduleInput!) {"
    " createBoltSchedule(schedule: $schedule) { slug } }"
)
DELETE = "mutation DeleteBoltSchedule($slug: String!) { deleteBoltSchedule(slug: $slug) { ok } }"
ENVIRONMENTS = (
    "query listBoltEnvironments { environments(environmentType: SCHEDULER) {"
    " ok environments { slug displayName isDefault } } }"
)
NAMES = (
    "query listAllScheduleNames { listAllScheduleNames { ok schedules { name workspaceName } } }"
)
SLUGS = (
    "mutation createScheduleSlugs($displayNames: [String!]!) {"
    " createScheduleSlugs(displayNames: $displayNames) { ok slugs } }"
)
DETAILS = "query($slug: String) { boltScheduleName(slug: $slug) { ok source schedule } }"


def schedule(**extra: Any) -> dict[str, Any]:
    return {
        "name": "api made",
        "schedule": "OFF",
        "environment": "production",
        "commands": ["dbt run"],
        **extra,
    }


def test_create_then_delete(api: Api) -> None:
    slug = api.data(CREATE, schedule=schedule())["createBoltSchedule"]["slug"]
    assert slug.startswith("api-made-") and len(slug) == len("api-made-") + 6
    assert api.data(DETAILS, slug=slug)["boltScheduleName"] == {
        "ok": True,
        "source": "ui",
        "schedule": "OFF",
    }
    assert api.data(DELETE, slug=slug)["deleteBoltSchedule"] == {"ok": True}
    assert api.data(DETAILS, slug=slug)["boltScheduleName"]["ok"] is False
    assert api.data(DELETE, slug=slug)["deleteBoltSchedule"] == {"ok": False}


def test_a_yaml_schedule_is_not_deleted(api: Api) -> None:
    error = api.error(DELETE, slug="daily-run")
    assert error["message"].startswith("YamlScheduleException: ")
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert api.data(DETAILS, slug="daily-run")["boltScheduleName"]["ok"] is True


def test_environments_default_and_configured(make_app: Any) -> None:
    default = Api(InProcessClient(make_app()), "/graphql")
    assert default.data(ENVIRONMENTS)["environments"] == {
        "ok": True,
        "environments": [{"slug": "production", "displayName": "Production", "isDefault": True}],
    }
    own = Api(InProcessClient(make_app(environments=("production", "ci-checks"))), "/graphql")
    listed = own.data(ENVIRONMENTS)["environments"]["environments"]
    assert [(e["slug"], e["isDefault"]) for e in listed] == [
        ("production", True),
        ("ci-checks", False),
    ]
    created = own.data(CREATE, schedule=schedule(environment="ci-checks"))
    assert created["createBoltSchedule"]["slug"]


def test_a_file_naming_an_unknown_environment_is_refused(make_app: Any) -> None:
    with pytest.raises(ScheduleFileError, match="environment 'production' is not one of"):
        make_app(environments=("staging",))


def test_environment_options() -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["--workspace", "a", "--workspace", "b", "--environment", "prod", "--environment", "b=x"]
    )
    config = config_from_args(args, {})
    assert config.environments_of("a") == ("prod",)
    assert config.environments_of("b") == ("x",)
    with pytest.raises(ValueError, match="lowercase"):
        EmulatorConfig(environments=("Not A Slug",))
    with pytest.raises(ValueError, match="which is not served"):
        EmulatorConfig(workspace_environments=(("nowhere", "prod"),))


def test_names_and_slugs(api: Api) -> None:
    names = api.data(NAMES)["listAllScheduleNames"]
    assert names["ok"] is True
    assert {"name": "daily run", "workspaceName": "bolt-emulator-workspace"} in names["schedules"]
    slugs = api.data(SLUGS, displayNames=["Daily Run", "daily run"])["createScheduleSlugs"]
    assert slugs["ok"] is True and len(set(slugs["slugs"])) == 2


def test_api_schedules_survive_a_restart(make_app: Any, tmp_path: Path) -> None:
    db = tmp_path / "bolt.db"
    first = Api(InProcessClient(make_app(db=db)), "/graphql")
    slug = first.data(CREATE, schedule=schedule())["createBoltSchedule"]["slug"]
    gone = first.data(CREATE, schedule=schedule(name="short lived"))["createBoltSchedule"]["slug"]
    first.data(DELETE, slug=gone)
    second = Api(InProcessClient(make_app(db=db)), "/graphql")
    assert second.data(DETAILS, slug=slug)["boltScheduleName"]["source"] == "ui"
    assert second.data(DETAILS, slug=gone)["boltScheduleName"]["ok"] is False
