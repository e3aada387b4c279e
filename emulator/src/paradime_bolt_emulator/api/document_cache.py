"""Parsed and validated GraphQL documents, kept by query text, so a client repeating the same
operation (every client does) is parsed, measured against the limits and validated once.

``DocumentCache.parse`` and ``DocumentCache.validate`` are ariadne's ``query_parser`` and
``query_validator`` hooks, so ariadne still runs everything else (error formatting, logging, the
operation checks). The cache is a bounded LRU, by entries and by the total length of the query
texts it keys on. Syntax errors and validation errors (limits included) are kept too: a client
repeating a bad query costs no more than a good one. The operation name is not part of the key:
neither parsing nor validation depends on it, and the limits hold for every operation of a
document.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    TypeInfo,
    parse,
    validate,
)
from graphql.validation import ASTValidationRule

from .limits import (
    MAX_QUERY_CHARS,
    MAX_QUERY_COMMENTS,
    MAX_QUERY_TOKENS,
    document_limit_errors,
    limit_error,
)

DEFAULT_MAX_ENTRIES = 256
DEFAULT_MAX_CHARS = 2_000_000


@dataclass
class CachedDocument:
    """One query text: its document or syntax error, then its validation errors once known."""

    query: str
    document: DocumentNode | None
    syntax_error: GraphQLError | None
    validation_errors: list[GraphQLError] | None = field(default=None)


# graphql-core's own parser limits, as it words them, and the limit each one is.
_PARSER_LIMITS = (
    ("Syntax Error: Document contains more than", "tokens. Parsing aborted.", "tokens"),
    ("Syntax Error: Document contains more than", "comments. Parsing aborted.", "comments"),
    ("Syntax Error: Document is nested too deeply.", "", "nesting"),
)


def _parser_limit_error(error: GraphQLSyntaxError) -> GraphQLError:
    """A parser's refusal worded as a limit error, or the syntax error itself."""
    for start, end, limit in _PARSER_LIMITS:
        if error.message.startswith(start) and error.message.endswith(end):
            if limit == "tokens":
                return limit_error(limit, "the number of tokens", None, MAX_QUERY_TOKENS)
            if limit == "comments":
                return limit_error(limit, "the number of comments", None, MAX_QUERY_COMMENTS)
            return limit_error(limit, "the query is nested too deeply to parse", None, None)
    return error


def parse_query(query: str) -> CachedDocument:
    """Parse a query within the parser's limits; the error, if any, is kept instead of raised."""
    try:
        document = parse(
            query,
            max_lexical_tokens=MAX_QUERY_TOKENS,
            max_comments=MAX_QUERY_COMMENTS,
            max_source_length=MAX_QUERY_CHARS,
        )
    except GraphQLSyntaxError as error:
        return CachedDocument(query, None, _parser_limit_error(error))
    except RecursionError:
        nested = limit_error("nesting", "the query is nested too deeply to parse", None, None)
        return CachedDocument(query, None, nested)
    return CachedDocument(query, document, None)


class DocumentCache:
    """A thread-safe, bounded LRU of ``CachedDocument`` by query text."""

    def __init__(
        self, max_entries: int = DEFAULT_MAX_ENTRIES, max_chars: int = DEFAULT_MAX_CHARS
    ) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._entries: OrderedDict[str, CachedDocument] = OrderedDict()
        # The entry a document came from, by identity: validate() receives only the document.
        self._by_document: dict[int, CachedDocument] = {}
        self._chars = 0
        self._lock = threading.Lock()
        self.parses = 0
        self.validations = 0

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, query: str) -> CachedDocument:
        """The entry for a query text, parsed now when not cached."""
        with self._lock:
            entry = self._entries.get(query)
            if entry is not None:
                self._entries.move_to_end(query)
                return entry
        entry = parse_query(query)
        with self._lock:
            self.parses += 1
            if len(query) <= self.max_chars and query not in self._entries:
                self._entries[query] = entry
                self._chars += len(query)
                if entry.document is not None:
                    self._by_document[id(entry.document)] = entry
                self._evict()
        return entry

    def _evict(self) -> None:
        while len(self._entries) > self.max_entries or self._chars > self.max_chars:
            query, entry = self._entries.popitem(last=False)
            self._chars -= len(query)
            if entry.document is not None:
                self._by_document.pop(id(entry.document), None)

    # ariadne's hooks

    def parse(self, _context: Any, data: dict[str, Any]) -> DocumentNode:
        """ariadne's ``query_parser``: the cached document, or the cached syntax error."""
        query = data["query"]
        if len(query) > MAX_QUERY_CHARS:
            raise limit_error(
                "queryLength", "the query length", len(query), MAX_QUERY_CHARS, " characters"
            )
        entry = self.lookup(query)
        if entry.syntax_error is not None:
            # A fresh traceback each time, so a cached error does not grow one per request.
            raise entry.syntax_error.with_traceback(None)
        assert entry.document is not None
        return entry.document

    def validate(
        self,
        schema: GraphQLSchema,
        document_ast: DocumentNode,
        rules: Collection[type[ASTValidationRule]] | None = None,
        max_errors: int | None = None,
        type_info: TypeInfo | None = None,
    ) -> list[GraphQLError]:
        """ariadne's ``query_validator``: the limits first (cheap, and they spare validation
        the documents it is slow on), then graphql-core's rules; cached with the document.

        ariadne passes the same rules for every request of one server, so they are not a key.
        """
        with self._lock:
            entry = self._by_document.get(id(document_ast))
            if entry is not None and entry.document is not document_ast:
                entry = None
            if entry is not None and entry.validation_errors is not None:
                return entry.validation_errors
        errors = document_limit_errors(document_ast)
        if not errors:
            kwargs: dict[str, Any] = {}
            if type_info is not None:
                kwargs["type_info"] = type_info
            errors = validate(schema, document_ast, rules, max_errors, **kwargs)
        with self._lock:
            self.validations += 1
            if entry is not None:
                entry.validation_errors = errors
        return errors
