"""A small fake dbt project, so an emulated dbt command's logs and artifacts agree.

Nodes are listed in ``dbt build`` order (each model followed by its tests). The outcome of a
command is a pure function of its text and return code: a failing command fails fixed, realistic
nodes (for ``dbt test``: ``not_null_stg_orders_order_id`` and a relationships test), and nodes
downstream of a failure are skipped, the way dbt does.

A ``--select`` (``-s``, ``--models``, ``-m``) of node names or ``fqn:`` paths runs only those
nodes, plus the tests on them unless ``--indirect-selection empty``. Other selection methods
(``tag:``, ``state:``, graph operators, folders) are not emulated: such a command selects every
node of its resource types, as it did before selections were understood.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

PROJECT = "demo_sales_project"
DBT_VERSION = "1.8.7"
ADAPTER = "snowflake"
ADAPTER_VERSION = "1.8.4"
DATABASE = "ANALYTICS"
SCHEMA = "DBT_PROD"
RAW_DATABASE = "RAW"
RAW_SCHEMA = "JAFFLE"
MACRO_COUNT = 478

# Every run executes these before the schedule's commands, as in the docs' examples.
GIT_CLONE = "git clone ..."
DBT_DEPS = "dbt deps"
INFRA_COMMANDS = (GIT_CLONE, DBT_DEPS)

# Subcommands that write no artifacts at all, like the SDK's filter of "relevant" dbt commands.
NO_ARTIFACT_SUBCOMMANDS = frozenset({"deps", "clean", "debug", "init", "--version", "-v", "--help"})


@dataclass(frozen=True)
class Node:
    """One resource of the project: a source, seed, model, snapshot or test."""

    unique_id: str
    name: str
    resource_type: str
    original_file_path: str
    parents: tuple[str, ...]
    materialized: str
    raw_code: str
    columns: tuple[str, ...] = ()

    @property
    def relation_name(self) -> str | None:
        """The warehouse relation the node builds, or None for tests."""
        if self.resource_type == "source":
            return f'"{RAW_DATABASE}"."{RAW_SCHEMA}"."{self.name.upper()}"'
        if self.resource_type == "test":
            return None
        return f'"{DATABASE}"."{SCHEMA}"."{self.name.upper()}"'

    @property
    def fqn(self) -> list[str]:
        """dbt's fully qualified name: project, folders, name."""
        folders = self.original_file_path.split("/")[1:-1]
        return [PROJECT, *folders, self.name]

    @property
    def compiled_code(self) -> str:
        """The raw code with refs and sources replaced by warehouse relations."""
        return _compile(self.raw_code)

    @property
    def has_sql(self) -> bool:
        """Whether dbt compiles the node to a SQL file (models, snapshots, tests)."""
        return self.resource_type in {"model", "snapshot", "test"}

    def target_path(self, folder: str) -> str:
        """The node's file under target/compiled or target/run, as the docs' resources show."""
        if self.original_file_path.endswith(".yml"):
            return f"target/{folder}/{PROJECT}/{self.original_file_path}/{self.name}.sql"
        return f"target/{folder}/{PROJECT}/{self.original_file_path}"


def _compile(raw_code: str) -> str:
    """Replace ref() and source() calls with the relations they point to."""
    by_name = {node.name: node for node in NODES}
    code = re.sub(
        r"\{\{ ref\('([a-z_]+)'\) \}\}",
        lambda match: by_name[match.group(1)].relation_name or match.group(1),
        raw_code,
    )
    return re.sub(
        r"\{\{ source\('raw', '([a-z_]+)'\) \}\}",
        lambda match: by_name[match.group(1)].relation_name or match.group(1),
        code,
    )


def _source(table: str, *columns: str) -> Node:
    return Node(
        f"source.{PROJECT}.raw.{table}",
        table,
        "source",
        "models/staging/sources.yml",
        (),
        "",
        "",
        columns,
    )


def _model(
    name: str,
    folder: str,
    materialized: str,
    upstream: tuple[str, ...],
    *columns: str,
    key: str,
    unique: bool = True,
) -> tuple[Node, ...]:
    """A model selecting columns from its upstream refs (or ``raw.<table>`` sources), then the
    generic tests its folder's schema.yml declares on its ``key`` column: ``unique`` (unless
    ``unique=False``) and ``not_null``, in that order, as ``dbt build`` runs them."""
    # dbt model source text, never executed: S608 does not apply.
    ctes = ",\n\n".join(
        f"{ref} as (\n    select * from {{{{ ref('{ref}') }}}}\n)"  # noqa: S608
        if not ref.startswith("raw.")
        else f"source as (\n    select * from {{{{ source('raw', '{ref[4:]}') }}}}\n)"  # noqa: S608
        for ref in upstream
    )
    first = "source" if upstream[0].startswith("raw.") else upstream[0]
    select = ",\n        ".join(columns)
    raw = (
        f"with\n\n{ctes},\n\nfinal as (\n    select\n        {select}\n    from {first}\n)\n\n"
        "select * from final\n"
    )
    parents = tuple(
        f"source.{PROJECT}.raw.{ref[4:]}" if ref.startswith("raw.") else _ref_id(ref)
        for ref in upstream
    )
    model = Node(
        _model_id(name),
        name,
        "model",
        f"models/{folder}/{name}.sql",
        parents,
        materialized,
        raw,
        columns,
    )
    key_tests = (_unique(name, key, folder),) if unique else ()
    return (model, *key_tests, _not_null(name, key, folder))


def _model_id(name: str) -> str:
    return f"model.{PROJECT}.{name}"


def _ref_id(name: str) -> str:
    """The unique id a ref() points to: the one seed, or a model."""
    return f"seed.{PROJECT}.{name}" if name == "country_codes" else _model_id(name)


def _test(name: str, model: str, yml_folder: str, sql: str, *also: str) -> Node:
    """A generic test declared in a schema.yml, on a model (and any other models it uses)."""
    return Node(
        f"test.{PROJECT}.{name}",
        name,
        "test",
        f"models/{yml_folder}/schema.yml",
        (_model_id(model), *(_model_id(other) for other in also)),
        "test",
        sql,
    )


def _not_null(model: str, column: str, folder: str) -> Node:
    sql = f"select {column}\nfrom {{{{ ref('{model}') }}}}\nwhere {column} is null\n"
    return _test(f"not_null_{model}_{column}", model, folder, sql)


def _unique(model: str, column: str, folder: str) -> Node:
    sql = (
        f"select\n    {column} as unique_field,\n    count(*) as n_records\n\n"
        f"from {{{{ ref('{model}') }}}}\nwhere {column} is not null\n"
        f"group by {column}\nhaving count(*) > 1\n"
    )
    return _test(f"unique_{model}_{column}", model, folder, sql)


_STATUSES = ("placed", "shipped", "completed", "return_pending", "returned")

NODES: tuple[Node, ...] = (
    _source("customers", "id", "first_name", "last_name"),
    _source("orders", "id", "user_id", "order_date", "status"),
    _source("payments", "id", "order_id", "payment_method", "amount"),
    Node(
        f"seed.{PROJECT}.country_codes",
        "country_codes",
        "seed",
        "seeds/country_codes.csv",
        (),
        "seed",
        "",
        ("country_code", "country_name"),
    ),
    *_model(
        "stg_customers",
        "staging",
        "view",
        ("raw.customers",),
        "id as customer_id",
        "first_name",
        "last_name",
        key="customer_id",
    ),
    *_model(
        "stg_orders",
        "staging",
        "view",
        ("raw.orders",),
        "id as order_id",
        "user_id as customer_id",
        "order_date",
        "status",
        key="order_id",
    ),
    _test(
        "accepted_values_stg_orders_status__" + "__".join(_STATUSES),
        "stg_orders",
        "staging",
        "with all_values as (\n    select status as value_field, count(*) as n_records\n"  # noqa: S608
        "    from {{ ref('stg_orders') }}\n    group by status\n)\n\n"
        "select *\nfrom all_values\nwhere value_field not in (\n    "
        + ", ".join(f"'{status}'" for status in _STATUSES)
        + "\n)\n",
    ),
    *_model(
        "stg_payments",
        "staging",
        "view",
        ("raw.payments",),
        "id as payment_id",
        "order_id",
        "payment_method",
        "amount / 100 as amount",
        key="payment_id",
    ),
    *_model(
        "order_payments",
        "marts/core/intermediate",
        "table",
        ("stg_payments",),
        "order_id",
        "sum(amount) as total_amount",
        key="order_id",
        unique=False,
    ),
    *_model(
        "dim_customers",
        "marts/core",
        "table",
        ("stg_customers", "stg_orders", "country_codes"),
        "customer_id",
        "first_name",
        "last_name",
        "min(order_date) as first_order",
        key="customer_id",
    ),
    *_model(
        "fct_orders",
        "marts/core",
        "table",
        ("stg_orders", "order_payments"),
        "order_id",
        "customer_id",
        "order_date",
        "total_amount as amount",
        key="order_id",
        unique=False,
    ),
    _test(
        "relationships_fct_orders_customer_id__customer_id__ref_dim_customers_",
        "fct_orders",
        "marts/core",
        "with child as (\n    select customer_id as from_field\n"
        "    from {{ ref('fct_orders') }}\n    where customer_id is not null\n),\n\n"
        "parent as (\n    select customer_id as to_field\n"
        "    from {{ ref('dim_customers') }}\n)\n\n"
        "select from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\n"
        "where parent.to_field is null\n",
        "dim_customers",
    ),
    Node(
        f"test.{PROJECT}.assert_total_payment_amount_is_positive",
        "assert_total_payment_amount_is_positive",
        "test",
        "tests/assert_total_payment_amount_is_positive.sql",
        (_model_id("fct_orders"),),
        "test",
        "select order_id, sum(amount) as total_amount\nfrom {{ ref('fct_orders') }}\n"
        "group by 1\nhaving total_amount < 0\n",
    ),
    Node(
        f"snapshot.{PROJECT}.orders_snapshot",
        "orders_snapshot",
        "snapshot",
        "snapshots/orders_snapshot.sql",
        (f"source.{PROJECT}.raw.orders",),
        "snapshot",
        "{% snapshot orders_snapshot %}\n"
        "{{ config(unique_key='id', strategy='timestamp', updated_at='order_date') }}\n"
        "select * from {{ source('raw', 'orders') }}\n{% endsnapshot %}\n",
    ),
)
NODES_BY_ID = {node.unique_id: node for node in NODES}

_SELECTION = {
    "run": ("model",),
    "retry": ("model",),
    "test": ("test",),
    "build": ("seed", "model", "test", "snapshot"),
    "seed": ("seed",),
    "snapshot": ("snapshot",),
    "compile": ("model", "test"),
    "source freshness": ("source",),
}

# Which nodes fail when a command of this kind exits non-zero: (status, failures, message).
_Failures = dict[str, tuple[str, int | None, str]]
# ``dbt retry`` runs the models again, and the one that failed fails the same way.
_RUN_FAILURES: _Failures = {
    _model_id("fct_orders"): (
        "error",
        None,
        "100038 (22018): Numeric value 'n/a' is not recognized",
    )
}
# ``dbt test`` fails the relationships test too; in ``dbt build`` the failing not_null test
# skips fct_orders, so the relationships test on it never runs.
_BUILD_FAILURES: _Failures = {
    f"test.{PROJECT}.not_null_stg_orders_order_id": (
        "fail",
        2,
        "Got 2 results, configured to fail if != 0",
    ),
}
_FAILURES: dict[str, _Failures] = {
    "run": _RUN_FAILURES,
    "retry": _RUN_FAILURES,
    "test": {
        **_BUILD_FAILURES,
        f"test.{PROJECT}.relationships_fct_orders_customer_id__customer_id__ref_dim_customers_": (
            "fail",
            1,
            "Got 1 result, configured to fail if != 0",
        ),
    },
    "build": _BUILD_FAILURES,
    "seed": {
        f"seed.{PROJECT}.country_codes": (
            "error",
            None,
            '100071 (22000): Failed to cast variant value "N/A" to FIXED',
        )
    },
    "snapshot": {
        f"snapshot.{PROJECT}.orders_snapshot": (
            "error",
            None,
            "002003 (42S02): Object 'RAW.JAFFLE.ORDERS' does not exist or not authorized.",
        )
    },
    "compile": {
        _model_id("fct_orders"): ("error", None, "'order_payments' is undefined in ref()"),
    },
    "source freshness": {
        f"source.{PROJECT}.raw.orders": (
            "error",
            None,
            "Source raw.orders is stale: last loaded 26 hours ago (error_after: 24 hours)",
        )
    },
}


@dataclass(frozen=True)
class NodeResult:
    """How one node fared in a command: dbt's status, failure count, message and timing."""

    node: Node
    status: str
    failures: int | None
    message: str | None
    execution_time: float


@dataclass(frozen=True)
class DbtRun:
    """An emulated dbt invocation: its subcommand and the result of every selected node."""

    command: str
    subcommand: str
    failed: bool
    results: tuple[NodeResult, ...]

    @property
    def elapsed_time(self) -> float:
        """The seconds dbt reports for the whole invocation (its nodes plus parsing)."""
        return round(sum(result.execution_time for result in self.results) + 1.3, 2)

    @property
    def writes_artifacts(self) -> bool:
        """Whether dbt writes target/ artifacts for this subcommand."""
        return self.subcommand not in NO_ARTIFACT_SUBCOMMANDS

    @property
    def writes_run_results(self) -> bool:
        """Whether dbt writes target/run_results.json (freshness writes sources.json instead)."""
        return self.writes_artifacts and self.subcommand not in {
            "source freshness",
            "parse",
            "ls",
            "list",
        }

    @property
    def executes_sql(self) -> bool:
        """Whether nodes ran in the warehouse, so target/run files exist."""
        return self.subcommand in {"run", "retry", "test", "build", "snapshot"}


def _tokens(command: str) -> list[str]:
    """The command's words as a shell splits them (on whitespace when its quotes are unbalanced)."""
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def subcommand_of(command: str) -> str | None:
    """``run``, ``source freshness``, ``docs generate``...; None when the command is not dbt."""
    tokens = _tokens(command)
    if not tokens or tokens[0] != "dbt":
        return None
    rest = tokens[1:]
    if not rest:
        return ""
    if rest[0] in {"source", "docs"} and len(rest) > 1 and not rest[1].startswith("-"):
        return f"{rest[0]} {rest[1]}"
    return rest[0]


_SELECT_FLAGS = frozenset({"--select", "-s", "--models", "-m"})


def selectors(command: str) -> list[str]:
    """The values of the command's ``--select`` options, each value after the flag until the
    next option (``--select a b`` is two selectors, as dbt reads it)."""
    values: list[str] = []
    taking = False
    for token in _tokens(command):
        if token in _SELECT_FLAGS or token.startswith("--select="):
            taking = "=" not in token
            if not taking:
                values += token.split("=", 1)[1].split()
        elif token.startswith("-"):
            taking = False
        elif taking:
            values += token.split()
    return values


def _indirect_selection(command: str) -> str:
    tokens = _tokens(command)
    for index, token in enumerate(tokens):
        if token.startswith("--indirect-selection="):
            return token.split("=", 1)[1]
        if token == "--indirect-selection" and index + 1 < len(tokens):
            return tokens[index + 1]
    return "eager"


def _matches(node: Node, selector: str) -> bool:
    """A node name, or ``fqn:`` and the node's whole dotted fqn."""
    if selector.startswith("fqn:"):
        return selector[4:] == ".".join(node.fqn)
    return selector == node.name


def _chosen(command: str) -> set[str] | None:
    """The unique ids a ``--select`` names (with their tests, unless indirect selection is
    empty); None when there is no selection or one the emulator cannot resolve."""
    wanted = selectors(command)
    if not wanted:
        return None
    chosen: set[str] = set()
    for selector in wanted:
        found = {node.unique_id for node in NODES if _matches(node, selector)}
        if not found:
            return None
        chosen |= found
    if _indirect_selection(command) != "empty":
        chosen |= {
            node.unique_id
            for node in NODES
            if node.resource_type == "test" and any(parent in chosen for parent in node.parents)
        }
    return chosen


def _execution_time(index: int) -> float:
    """A plausible, deterministic per-node duration in seconds."""
    return round(0.18 + (index * 0.37) % 0.9, 2)


def _success(node: Node) -> tuple[str, str | None]:
    """The status and adapter message of a node that worked."""
    return {
        "test": ("pass", None),
        "source": ("pass", None),
        "seed": ("success", "INSERT 249"),
        "snapshot": ("success", "SUCCESS 3"),
    }.get(node.resource_type, ("success", "SUCCESS 1"))


def execute(command: str, return_code: int) -> DbtRun | None:
    """What a dbt command did, given the return code it ends with; None for non-dbt commands."""
    subcommand = subcommand_of(command)
    if subcommand is None:
        return None
    failed = return_code != 0
    kinds = _SELECTION.get(subcommand, ())
    chosen = _chosen(command)
    failures = _FAILURES.get(subcommand, {}) if failed else {}
    dead: set[str] = set()  # errored or skipped: their tests and children are skipped
    gated: set[str] = set()  # models with a failing test: their children (not tests) are skipped
    results: list[NodeResult] = []
    for node in NODES:
        if node.resource_type not in kinds or (chosen is not None and node.unique_id not in chosen):
            continue
        is_test = node.resource_type == "test"
        blocked = any(parent in dead for parent in node.parents) or (
            not is_test and any(parent in gated for parent in node.parents)
        )
        if blocked:
            status, count, message = "skipped", None, None
        elif node.unique_id in failures:
            status, count, message = failures[node.unique_id]
        else:
            status, message = _success(node)
            count = 0 if is_test else None
        if status in {"error", "skipped"}:
            dead.add(node.unique_id)
        if is_test and status in {"fail", "error"}:
            gated.update(node.parents)
        timing = 0.0 if status == "skipped" else _execution_time(len(results))
        results.append(NodeResult(node, status, count, message, timing))
    return DbtRun(command, subcommand, failed, tuple(results))
