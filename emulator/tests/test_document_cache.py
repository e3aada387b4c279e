"""Documents are parsed and validated once per query text (bounded LRU), and cached answers are
exactly the uncached ones: data, validation errors and syntax errors alike."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
from graphql import GraphQLError, parse
from graphql.language.parser import Parser
from graphql.validation import ValidationContext

from paradime_bolt_emulator.api.document_cache import DocumentCache
from paradime_bolt_emulator.api.schema import build_schema

from .support import HEADERS, InProcessClient

STATUS = "query Status($id: Int!) { boltRunStatus(runId: $id) { ok state } }"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often graphql-core parses a document and validates one, whoever asks."""
    counts = {"parse": 0, "validate": 0}
    real_parse = Parser.parse_document
    real_context = ValidationContext.__init__

    def parse_document(self: Parser) -> Any:
        counts["parse"] += 1
        return real_parse(self)

    def context(self: ValidationContext, *args: Any, **kwargs: Any) -> None:
        counts["validate"] += 1
        real_context(self, *args, **kwargs)

    monkeypatch.setattr(Parser, "parse_document", parse_document)
    monkeypatch.setattr(ValidationContext, "__init__", context)
    return counts


def post(client: InProcessClient, query: str, **extra: Any) -> tuple[int, Any]:
    response = client.post("/graphql", json={"query": query, **extra}, headers=HEADERS)
    return response.status_code, response.json()


def test_a_repeated_query_is_parsed_and_validated_once(
    client: InProcessClient, counted: dict[str, int]
) -> None:
    answers = [post(client, STATUS, variables={"id": n}) for n in (1, 2, 3)]
    assert answers == [(200, {"data": {"boltRunStatus": {"ok": False, "state": None}}})] * 3
    assert counted == {"parse": 1, "validate": 1}


def test_the_operation_name_shares_the_entry(
    client: InProcessClient, counted: dict[str, int]
) -> None:
    two = STATUS + " query Other { __typename }"
    assert post(client, two, operationName="Other") == (200, {"data": {"__typename": "Query"}})
    status = post(client, two, operationName="Status", variables={"id": 1})
    assert status == (200, {"data": {"boltRunStatus": {"ok": False, "state": None}}})
    assert counted == {"parse": 1, "validate": 1}


@pytest.mark.parametrize(
    "query",
    [
        "{ boltRunStatus(runId: 1) { nope } }",  # a validation error
        "{ boltRunStatus(runId: }",  # a syntax error
        "{ " + " ".join(f"a{n}: __typename" for n in range(31)) + " }",  # a limit
    ],
    ids=["invalid", "syntax", "limit"],
)
def test_errors_are_cached_and_answered_the_same_every_time(
    client: InProcessClient, counted: dict[str, int], query: str
) -> None:
    first = post(client, query)
    assert first[0] == 400 and first[1]["errors"]
    assert post(client, query) == first
    assert post(client, query) == first
    assert counted["parse"] == 1
    assert counted["validate"] <= 1


def test_cached_answers_match_graphql_cores(client: InProcessClient) -> None:
    """Errors are formatted as ariadne formats graphql-core's own: message and locations."""
    query = "{ boltRunStatus(runId: 1) { nope } }"
    expected = [error.formatted for error in graphql.validate(build_schema(), parse(query))]
    assert expected[0]["message"] == "Cannot query field 'nope' on type 'BoltRunStatus'."
    for _ in range(2):
        assert post(client, query) == (400, {"errors": expected})


def test_a_cached_syntax_error_does_not_grow_a_traceback(client: InProcessClient) -> None:
    cache: DocumentCache = client.app.state.documents
    for _ in range(5):
        with pytest.raises(GraphQLError) as info:
            cache.parse(None, {"query": "{ nope("})
    frames = 0
    traceback = info.value.__traceback__
    while traceback is not None:
        frames += 1
        traceback = traceback.tb_next
    assert frames <= 2


def test_the_cache_is_bounded_by_entries() -> None:
    cache = DocumentCache(max_entries=3)
    for n in range(10):
        cache.lookup(f"{{ a{n}: __typename }}")
    assert len(cache) == 3
    assert cache.parses == 10
    cache.lookup("{ a9: __typename }")  # still cached: the most recent
    assert cache.parses == 10
    cache.lookup("{ a0: __typename }")  # evicted long ago
    assert cache.parses == 11


def test_the_cache_is_bounded_by_the_length_of_its_queries() -> None:
    cache = DocumentCache(max_entries=100, max_chars=100)
    queries = [f"{{ a{n}: __typename }}" + " " * 30 for n in range(10)]
    for query in queries:
        cache.lookup(query)
    assert len(cache) == 100 // len(queries[0])
    assert len(cache) * len(queries[0]) <= 100
