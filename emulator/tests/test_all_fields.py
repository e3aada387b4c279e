"""Every field of every root Query and Mutation field resolves, with data where the design has data.

The selections are built from the served schema (introspected over HTTP), so a field added to
schema.graphql is queried here automatically; the arguments come from seeded state with a finished
successful run, a failed run, a retry and a command with resources.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    ast_from_value,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    print_ast,
)

from .support import Api, FakeClock, command_ids

# Fields that are null in every answer by design: the emulator has no notification templates.
ALWAYS_NULL = {"BoltNotification.templateSlug", "BoltNotification.templateName"}


def selection(field_type: GraphQLOutputType) -> str:
    """A selection of every field below a type, recursively."""
    named = get_named_type(field_type)
    if not isinstance(named, GraphQLObjectType):
        return ""
    parts = []
    for name, field in named.fields.items():
        assert not field.args, f"{named.name}.{name} has arguments; extend this test"
        parts.append(f"{name} {selection(field.type)}".strip())
    return "{ " + " ".join(parts) + " }"


def operation(kind: str, name: str, field: GraphQLField, arguments: dict[str, Any]) -> str:
    """A document calling one root field with literal arguments and a full selection."""
    assert set(arguments) <= set(field.args), f"{name} has no argument among {set(arguments)}"
    literals = []
    for arg_name, value in arguments.items():
        node = ast_from_value(value, field.args[arg_name].type)
        assert node is not None
        literals.append(f"{arg_name}: {print_ast(node)}")
    call = f"{name}({', '.join(literals)})" if literals else name
    return f"{kind} {{ {call} {selection(field.type)} }}"


def record_values(
    value: Any, field_type: GraphQLOutputType, path: str, seen: dict[str, bool], oks: list[str]
) -> None:
    """Note, per Type.field, whether any answer had a non-null value; collect false ``ok``s."""
    if isinstance(field_type, GraphQLNonNull):
        assert value is not None, f"{path} is null but non-null in the schema"
        field_type = field_type.of_type
    if value is None:
        return
    if isinstance(field_type, GraphQLList):
        for index, item in enumerate(value):
            record_values(item, field_type.of_type, f"{path}[{index}]", seen, oks)
        return
    if isinstance(field_type, GraphQLObjectType):
        for name, field in field_type.fields.items():
            key = f"{field_type.name}.{name}"
            seen[key] = seen.get(key, False) or value[name] is not None
            if name == "ok" and value[name] is not True:
                oks.append(f"{path}.ok")
            record_values(value[name], field.type, f"{path}.{name}", seen, oks)


def served_schema(api: Api) -> GraphQLSchema:
    """The schema the emulator serves, through introspection."""
    return build_client_schema(api.data(get_introspection_query()))


def seed(api: Api, clock: FakeClock) -> dict[str, Any]:
    """A finished successful run, a failed run with a retry (and a PR), and known ids."""
    success = api.trigger("daily run")
    clock.advance(60)
    failed = api.trigger("broken tests", prNumber=42, reason="seed")
    clock.advance(60)
    retry = api.data(
        "mutation($id: Int!) { retryBoltRun(scheduleRunId: $id) { runId } }", id=failed
    )["retryBoltRun"]["runId"]
    clock.advance(60)
    dbt_run = command_ids(api.status(success))["dbt run"]
    resources = api.command(dbt_run)["resources"]
    return {
        "success": success,
        "failed": failed,
        "retry": retry,
        "dbt_run": dbt_run,
        "failing_test": command_ids(api.status(failed))["dbt test"],
        "resource": resources[0]["id"],
    }


QUERY_ARGUMENTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "listBoltSchedules": lambda ids: {"offset": 0, "limit": 100, "showInactive": True},
    "boltScheduleName": lambda ids: {"scheduleName": "daily run"},
    "listBoltRuns": lambda ids: {"slug": "broken-tests", "offset": 0, "limit": 10},
    "boltRunStatus": lambda ids: {"runId": ids["failed"]},
    "boltCommand": lambda ids: {"commandId": ids["dbt_run"]},
    "boltCommandLogs": lambda ids: {"commandId": ids["failing_test"], "cursor": None},
    "boltResourceUrl": lambda ids: {"resourceId": ids["resource"]},
    "listAllScheduleNames": lambda ids: {},
    "environments": lambda ids: {"environmentType": "SCHEDULER"},
}
# In order: later mutations use what earlier ones returned (in ``ids``).
MUTATION_ARGUMENTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "triggerBoltRun": lambda ids: {
        "scheduleName": "flaky snapshot",
        "commands": ["dbt snapshot"],
        "branch": "feature/all-fields",
        "prNumber": 7,
        "reason": "all fields",
        "continueOnError": False,
    },
    "cancelBoltRun": lambda ids: {"scheduleRunId": ids["triggerBoltRun"]},
    "retryBoltRun": lambda ids: {"scheduleRunId": ids["failed"]},
    "retryAllBoltRun": lambda ids: {"scheduleRunId": ids["success"]},
    "retryBoltRunFromFailure": lambda ids: {"slug": "broken-tests"},
    "suspendBoltSchedule": lambda ids: {"scheduleName": "old nightly", "suspend": False},
    "createBoltSchedule": lambda ids: {
        "schedule": {
            "name": "all fields",
            "schedule": "OFF",
            "environment": "production",
            "commands": ["dbt run"],
        }
    },
    "deleteBoltSchedule": lambda ids: {"slug": ids["createBoltSchedule"]},
    "createScheduleSlugs": lambda ids: {"displayNames": ["All Fields"]},
}


def test_every_field_of_every_root_field_resolves(api: Api, clock: FakeClock) -> None:
    schema = served_schema(api)
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    assert set(QUERY_ARGUMENTS) == set(schema.query_type.fields), "a Query field is not covered"
    assert set(MUTATION_ARGUMENTS) == set(schema.mutation_type.fields), "a Mutation is not covered"
    ids = seed(api, clock)
    seen: dict[str, bool] = {}
    not_ok: list[str] = []

    for name, arguments in QUERY_ARGUMENTS.items():
        field = schema.query_type.fields[name]
        data = api.data(operation("query", name, field, arguments(ids)))
        record_values(data[name], field.type, name, seen, not_ok)

    for name, arguments in MUTATION_ARGUMENTS.items():
        field = schema.mutation_type.fields[name]
        data = api.data(operation("mutation", name, field, arguments(ids)))
        record_values(data[name], field.type, name, seen, not_ok)
        if "runId" in data[name]:
            ids[name] = data[name]["runId"]
        if "slug" in data[name]:
            ids[name] = data[name]["slug"]
        if name != "triggerBoltRun":  # the trigger's run must still be going for the cancel
            clock.advance(60)

    assert not_ok == []
    object_fields = {
        f"{type_name}.{field_name}"
        for type_name, named in schema.type_map.items()
        if isinstance(named, GraphQLObjectType) and not type_name.startswith("__")
        for field_name in named.fields
        if type_name not in {"Query", "Mutation"}
    }
    assert object_fields <= set(seen), f"never selected: {object_fields - set(seen)}"
    never_set = {key for key, had_value in seen.items() if not had_value}
    assert never_set == ALWAYS_NULL
