"""Query limits (length, tokens, depth, aliases, fields, repeated fields): a GraphQL error naming
the limit, answered with HTTP 400 and no data, as every validation error; the client's own
operations and the introspection query stay well within them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from graphql import get_introspection_query, parse

from paradime_bolt_emulator.api.limits import (
    LIMIT_CODE,
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FIELDS,
    MAX_QUERY_CHARS,
    MAX_QUERY_COMMENTS,
    MAX_QUERY_TOKENS,
    MAX_REPEATED_FIELDS,
    document_limit_errors,
    document_shape,
)

from .support import HEADERS, InProcessClient

QUERIES = Path(__file__).resolve().parents[2] / "queries"
STATUS = "boltRunStatus(runId: 1) { ok }"


def refusal(client: InProcessClient, query: str) -> dict[str, Any]:
    """The single error of a query refused by a limit."""
    response = client.post("/graphql", json={"query": query}, headers=HEADERS)
    assert response.status_code == 400, response.text
    body = response.json()
    assert "data" not in body, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == LIMIT_CODE
    assert error["message"].startswith("Query limit exceeded: ")
    return dict(error)


def served(client: InProcessClient, query: str) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query}, headers=HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{n}: {STATUS}" for n in range(count)) + " }"


def test_aliases_up_to_the_limit_are_served(client: InProcessClient) -> None:
    assert len(served(client, aliased(MAX_ALIASES))["data"]) == MAX_ALIASES


def test_one_alias_more_is_refused(client: InProcessClient) -> None:
    error = refusal(client, aliased(MAX_ALIASES + 1))
    assert error["message"] == (
        f"Query limit exceeded: the number of aliases is {MAX_ALIASES + 1}, "
        f"more than the limit of {MAX_ALIASES}"
    )
    assert error["extensions"] == {"code": LIMIT_CODE, "limit": "aliases", "maximum": MAX_ALIASES}


def test_ten_thousand_aliases_are_refused_before_parsing(client: InProcessClient) -> None:
    assert refusal(client, aliased(10_000))["extensions"]["limit"] == "queryLength"


def tokens(count: int) -> str:
    """A query of exactly ``count`` tokens: 15 of its own and a list of ints."""
    return "query($a: [Int] = [" + " 1" * (count - 15) + "]) { __typename }"


def test_too_many_tokens_are_refused(client: InProcessClient) -> None:
    at_limit = client.post("/graphql", json={"query": tokens(MAX_QUERY_TOKENS)}, headers=HEADERS)
    assert at_limit.json()["errors"][0]["message"] == "Variable '$a' is never used."
    error = refusal(client, tokens(MAX_QUERY_TOKENS + 1))
    assert error["extensions"] == {
        "code": LIMIT_CODE,
        "limit": "tokens",
        "maximum": MAX_QUERY_TOKENS,
    }
    assert f"more than the limit of {MAX_QUERY_TOKENS:,}" in error["message"]


def test_too_many_comments_are_refused(client: InProcessClient) -> None:
    error = refusal(client, "{ __typename }" + "\n#" * (MAX_QUERY_COMMENTS + 1))
    assert error["extensions"]["limit"] == "comments"


def of_type(levels: int) -> str:
    return "ofType { " * levels + "name" + " }" * levels


def test_depth_beyond_the_limit_is_refused(client: InProcessClient) -> None:
    # __type (1) > ofType x N > name (1): N + 2 levels.
    served(client, '{ __type(name: "Query") { ' + of_type(MAX_DEPTH - 2) + " } }")
    error = refusal(client, '{ __type(name: "Query") { ' + of_type(MAX_DEPTH - 1) + " } }")
    assert error["extensions"] == {"code": LIMIT_CODE, "limit": "depth", "maximum": MAX_DEPTH}
    assert f"depth is {MAX_DEPTH + 1}, more than the limit of {MAX_DEPTH}" in error["message"]


def test_depth_through_fragments_counts(client: InProcessClient) -> None:
    half = MAX_DEPTH // 2
    query = (
        '{ __type(name: "Query") { ...A } } '
        f"fragment A on __Type {{ {'ofType { ' * half}...B{' }' * half} }} "
        f"fragment B on __Type {{ {of_type(half)} }}"
    )
    assert refusal(client, query)["extensions"]["limit"] == "depth"


TYPE_FIELDS = (
    "kind name description fields { name description isDeprecated deprecationReason"
    " type { kind name ofType { kind name } } args { name description defaultValue } }"
    " inputFields { name description defaultValue } interfaces { kind name }"
    " enumValues { name description isDeprecated deprecationReason } possibleTypes { kind name }"
)


def test_fields_are_counted_with_fragments_expanded(client: InProcessClient) -> None:
    one = 1 + document_shape(parse(f"{{ __schema {{ {TYPE_FIELDS} }} }}")).fields - 1
    copies = MAX_FIELDS // one + 1
    assert copies <= MAX_ALIASES
    spreads = " ".join(f'a{n}: __type(name: "Query") {{ ...T }}' for n in range(copies))
    query = f"{{ {spreads} }} fragment T on __Type {{ {TYPE_FIELDS} }}"
    error = refusal(client, query)
    assert error["extensions"] == {"code": LIMIT_CODE, "limit": "fields", "maximum": MAX_FIELDS}
    assert f"is {copies * one:,}, more than the limit of {MAX_FIELDS:,}" in error["message"]
    fewer = " ".join(f'a{n}: __type(name: "Query") {{ ...T }}' for n in range(copies - 1))
    served(client, f"{{ {fewer} }} fragment T on __Type {{ {TYPE_FIELDS} }}")


def test_repeated_fields_are_refused(client: InProcessClient) -> None:
    served(client, "{ " + " ".join([STATUS] * (MAX_REPEATED_FIELDS + 1)) + " }")
    error = refusal(client, "{ " + " ".join([STATUS] * (MAX_REPEATED_FIELDS + 2)) + " }")
    assert error["extensions"]["limit"] == "repeatedFields"


def test_repeated_fields_through_fragments_are_counted(client: InProcessClient) -> None:
    count = MAX_REPEATED_FIELDS + 2
    spreads = " ".join(f"...F{n}" for n in range(count))
    fragments = " ".join(f"fragment F{n} on Query {{ {STATUS} }}" for n in range(count))
    assert refusal(client, f"{{ {spreads} }} {fragments}")["extensions"]["limit"] == (
        "repeatedFields"
    )


def test_a_long_query_is_refused_before_parsing(client: InProcessClient) -> None:
    query = "{ __typename }" + " " * MAX_QUERY_CHARS
    error = refusal(client, query)
    assert error["extensions"]["limit"] == "queryLength"
    assert (
        f"{len(query):,} characters, more than the limit of {MAX_QUERY_CHARS:,}"
        in (error["message"])
    )


def test_a_query_nested_past_the_parser_is_refused(client: InProcessClient) -> None:
    error = refusal(client, "{ a " * 3_000 + "}" * 3_000)
    assert error["extensions"]["limit"] == "nesting"


def test_a_long_chain_of_fragments_is_measured_without_recursion() -> None:
    chain = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(3_000))
    document = parse(f"{{ ...F0 }} {chain} fragment F3000 on Query {{ __typename }}")
    assert document_shape(document).fields == 1


def test_cyclic_fragments_are_left_to_validation(client: InProcessClient) -> None:
    response = client.post(
        "/graphql",
        json={"query": "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"},
        headers=HEADERS,
    )
    assert response.status_code == 400
    assert "Cannot spread fragment 'A' within itself" in response.text


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.graphql")), ids=lambda path: path.stem)
def test_the_clients_operations_are_within_every_limit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert document_limit_errors(parse(text, max_tokens=MAX_QUERY_TOKENS)) == []


def test_the_full_introspection_query_is_served(client: InProcessClient) -> None:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    assert "__schema" in served(client, query)["data"]
