"""The GraphQL strings a webhook carries: valid against our schema, and never executed by us."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate
from pytest_httpx import HTTPXMock

from paradime_bolt.webhooks import parse_event
from tests.support.webhooks import api_query, docs_example, resource_query

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema.graphql"
PACKAGE = ROOT / "src" / "paradime_bolt" / "webhooks"

# Exactly as the docs facts quote them (the ids are the example's first command and resource).
DOCUMENTED_API_QUERY = (
    "query BoltCommand {\n    boltCommand(commandId: 193439) {\n"
    "        command startDttm endDttm stdout stderr returnCode scheduleRunId"
    " resources { id path }\n"
    "    }}"
)
DOCUMENTED_RESOURCE_QUERY = (
    "query BoltResourceUrl {\n    boltResourceUrl(resourceId: 1205731) {\n        ok url\n    }}"
)


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SCHEMA.read_text(encoding="utf-8"))


def _problems(schema: GraphQLSchema, source: str) -> list[str]:
    return [error.message for error in validate(schema, parse(source))]


def test_the_fixture_builds_the_documented_strings() -> None:
    assert api_query(193439) == DOCUMENTED_API_QUERY
    assert resource_query(1205731) == DOCUMENTED_RESOURCE_QUERY


@pytest.mark.parametrize("source", [DOCUMENTED_API_QUERY, DOCUMENTED_RESOURCE_QUERY])
def test_the_documented_query_strings_validate_against_schema_graphql(
    schema: GraphQLSchema, source: str
) -> None:
    assert _problems(schema, source) == []


def test_every_query_string_of_the_parsed_example_validates(schema: GraphQLSchema) -> None:
    event = parse_event(docs_example())
    sources = [c.api_query for c in event.commands] + [
        r.resource_query for c in event.commands for r in c.json_resources
    ]
    assert len(sources) == 8
    for source in sources:
        assert _problems(schema, source) == [], source


def test_the_documented_queries_select_what_the_docs_say(schema: GraphQLSchema) -> None:
    command_op = parse(DOCUMENTED_API_QUERY).definitions[0]
    resource_op = parse(DOCUMENTED_RESOURCE_QUERY).definitions[0]
    assert isinstance(command_op, OperationDefinitionNode)
    assert isinstance(resource_op, OperationDefinitionNode)
    assert command_op.name is not None
    assert command_op.name.value == "BoltCommand"
    assert resource_op.name is not None
    assert resource_op.name.value == "BoltResourceUrl"
    # `api_query` does not select `ok`; `resource_query` does.
    assert not re.search(r"\bok\b", DOCUMENTED_API_QUERY)
    assert re.search(r"\bok url\b", DOCUMENTED_RESOURCE_QUERY)


def test_drift_would_show(schema: GraphQLSchema) -> None:
    """A field the schema does not have is reported, so a changed payload query cannot hide."""
    drifted = DOCUMENTED_API_QUERY.replace("scheduleRunId", "scheduleRunUuid")
    assert _problems(schema, drifted) == [
        "Cannot query field 'scheduleRunUuid' on type 'BoltCommandDetails'."
        " Did you mean 'scheduleRunId'?"
    ]


def test_the_webhooks_package_cannot_send_anything() -> None:
    """No HTTP client and no API client is imported: payload queries are data, never sent."""
    for source in PACKAGE.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        for forbidden in ("httpx", "_client", "_transport", "_generated", "urllib", "socket"):
            assert not re.search(rf"^\s*(from|import)\s+\S*{forbidden}", text, re.M), (
                source.name,
                forbidden,
            )


def test_parsing_makes_no_request(httpx_mock: HTTPXMock) -> None:
    event = parse_event(docs_example())
    assert event.commands[0].api_query.startswith("query BoltCommand")
    assert httpx_mock.get_requests() == []
