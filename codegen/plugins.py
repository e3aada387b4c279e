"""ariadne-codegen plugins: what the generated package needs beyond ariadne-codegen 0.19's output.

- `ParseResultPlugin`: a generated method hands the raw answer to `parse_result`, so the
  transport validates the answer's JSON bytes straight into the result model (pydantic's JSON
  mode, no intermediate dicts). BENCHMARKS.md has what that costs and saves: on a 5 MB log
  payload 0.58x the time of `json.loads` alone; on a command with 10,000 resources 3.4x.
- `LazyResultImportsPlugin`: each method imports its result model itself, so a model is
  defined on its operation's first call, not when the client is imported.
- `RequiredPayloadPlugin`: an operation's result has its one top-level field required, not
  Optional. With ariadne-codegen's `ShorterResultsPlugin` each generated method then returns
  the payload itself, typed without `None`: the transport refuses a null payload (naming the
  operation and the field, both read from the result model) before a method returns.
- `StripClientDirectivesPlugin`: no `@mixin` reaches the server. ariadne-codegen 0.19 strips the
  directive from fields but not from fragment definitions, which it appends to the operation.
- `TypedLazyInitPlugin`: annotates the two functions of the lazy `__init__` that
  `lazy_imports = true` writes (PEP 562 `__getattr__` and `__dir__`), which ariadne-codegen
  0.19 leaves untyped, so the package passes `mypy --strict`.
- `FragmentAliasPlugin`: in `fragments.py`, a field that only spreads another fragment is that
  fragment (`ScheduleTurboCi = DeferredSchedule`), as ariadne-codegen already does in operation
  modules, so models and reprs carry the fragment's readable name.
"""

from __future__ import annotations

import ast

from ariadne_codegen.plugins.base import Plugin
from ariadne_codegen.utils import str_to_pascal_case
from graphql import (
    DirectiveNode,
    ExecutableDefinitionNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from graphql.language.visitor import REMOVE

CLIENT_DIRECTIVES = frozenset({"mixin"})


class ParseResultPlugin(Plugin):
    """Rewrites `data = self.get_data(response); return X.model_validate(data)`."""

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        body = method_def.body
        if len(body) < 2 or not _is_call_of(body[-2], "get_data", ast.Assign):
            raise ValueError(_unexpected(method_def))
        if not _is_call_of(body[-1], "model_validate", ast.Return):
            raise ValueError(_unexpected(method_def))
        result_class = body[-1].value.func.value  # type: ignore[union-attr]
        body[-2:] = [ast.Return(value=_self_call("parse_result", result_class, "response"))]
        return method_def


class RequiredPayloadPlugin(Plugin):
    """Makes `op: Optional["X"] = Field(alias="op", default=None)` `op: "X" = Field(alias="op")`
    in each operation's own result class (nested models are left as the schema says)."""

    def generate_result_class(
        self,
        class_def: ast.ClassDef,
        operation_definition: ExecutableDefinitionNode,
        selection_set: SelectionSetNode,
    ) -> ast.ClassDef:
        if not (
            isinstance(operation_definition, OperationDefinitionNode)
            and operation_definition.name is not None
            and class_def.name == str_to_pascal_case(operation_definition.name.value)
        ):
            return class_def
        for field in class_def.body:
            if not isinstance(field, ast.AnnAssign):
                continue
            annotation = field.annotation
            if isinstance(annotation, ast.Subscript) and _is_name(annotation.value, "Optional"):
                field.annotation = annotation.slice
            if isinstance(field.value, ast.Call):
                field.value.keywords = [k for k in field.value.keywords if k.arg != "default"]
                if not field.value.keywords:
                    field.value = None
        return class_def


class TypedLazyInitPlugin(Plugin):
    """`def __getattr__(name):` and `def __dir__():`, typed."""

    SIGNATURES = (
        ("def __getattr__(name):", "def __getattr__(name: str) -> object:"),
        ("def __dir__():", "def __dir__() -> list[str]:"),
    )

    def generate_init_code(self, generated_code: str) -> str:
        for untyped, typed in self.SIGNATURES:
            if generated_code.count(untyped) != 1:
                raise ValueError(f"the generated __init__ has no single `{untyped}` to annotate")
            generated_code = generated_code.replace(untyped, typed)
        return generated_code


class LazyResultImportsPlugin(Plugin):
    """Moves each result model's import into the method that parses it. Listed after
    `ShorterResultsPlugin`, whose own client-module hook reads those imports."""

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        """A model is defined on its operation's first call, not when the client is imported."""
        sources = {
            alias.name: node
            for node in module.body
            if isinstance(node, ast.ImportFrom) and node.level == 1
            for alias in node.names
        }
        moved: set[str] = set()
        for client in (n for n in module.body if isinstance(n, ast.ClassDef)):
            for method in client.body:
                if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                name = _parsed_class(method)
                if name is None or name not in sources:
                    continue
                source = sources[name]
                method.body.insert(
                    0, ast.ImportFrom(module=source.module, names=[ast.alias(name)], level=1)
                )
                moved.add(name)
        for node in set(sources.values()):
            node.names = [alias for alias in node.names if alias.name not in moved]
        emptied = [n for n in module.body if isinstance(n, ast.ImportFrom) and not n.names]
        module.body = [n for n in module.body if n not in emptied]
        return module


class StripClientDirectivesPlugin(Plugin):
    """Removes `@mixin` from every operation string, fragment definitions included."""

    def generate_operation_str(
        self, operation_str: str, operation_definition: ExecutableDefinitionNode
    ) -> str:
        document = parse(operation_str, no_location=True)
        return print_ast(visit(document, _RemoveClientDirectives()))


class FragmentAliasPlugin(Plugin):
    """Turns `class X(Fragment): pass` in the fragments module into `X = Fragment`."""

    def generate_fragments_module(
        self,
        module: ast.Module,
        fragments_definitions: dict[str, FragmentDefinitionNode],
    ) -> ast.Module:
        classes = {s.name for s in module.body if isinstance(s, ast.ClassDef)}
        kept: list[ast.stmt] = []
        aliases: list[ast.stmt] = []
        for statement in module.body:
            base = _only_spread_of(statement, classes)
            if base is None:
                kept.append(statement)
                continue
            assert isinstance(statement, ast.ClassDef)
            aliases.append(
                ast.Assign(
                    targets=[ast.Name(id=statement.name, ctx=ast.Store())],
                    value=ast.Name(id=base, ctx=ast.Load()),
                    lineno=0,
                )
            )
        # After every class, so that each alias names a class already defined.
        module.body = kept + aliases
        return module


class _RemoveClientDirectives(Visitor):
    def enter_directive(self, node: DirectiveNode, *_args: object) -> object:
        return REMOVE if node.name.value in CLIENT_DIRECTIVES else None


def _only_spread_of(statement: ast.stmt, classes: set[str]) -> str | None:
    """The fragment class `statement` merely renames (`class X(Fragment): pass`), or None."""
    if not (
        isinstance(statement, ast.ClassDef)
        and len(statement.bases) == 1
        and isinstance(statement.bases[0], ast.Name)
        and statement.bases[0].id in classes
        and len(statement.body) == 1
        and isinstance(statement.body[0], ast.Pass)
    ):
        return None
    return statement.bases[0].id


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _parsed_class(method_def: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """`X` of the method's `self.parse_result(X, response)`, wherever it is."""
    for node in ast.walk(method_def):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "parse_result"
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            return node.args[0].id
    return None


def _self_call(method: str, *arguments: ast.expr | str) -> ast.Call:
    return ast.Call(
        func=ast.Attribute(value=ast.Name(id="self", ctx=ast.Load()), attr=method, ctx=ast.Load()),
        args=[ast.Name(id=a, ctx=ast.Load()) if isinstance(a, str) else a for a in arguments],
        keywords=[],
    )


def _is_call_of(statement: ast.stmt, method: str, kind: type[ast.stmt]) -> bool:
    value = getattr(statement, "value", None)
    return (
        isinstance(statement, kind)
        and isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == method
    )


def _unexpected(method_def: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    return (
        f"ParseResultPlugin: unexpected shape of the generated method {method_def.name}; "
        "check it against this ariadne-codegen version"
    )
