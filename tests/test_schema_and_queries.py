"""schema.graphql parses, every operation in queries/ validates against it (failures as
file:line), and so does every operation the docs and the public clients send."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, parse

from paradime_bolt.schema_tools import document_problems, load_schema, with_client_directives
from tests.support.fake_api import docs_examples
from tests.support.queries import QUERIES_DIR, SCHEMA_PATH, with_fragments

SCHEMA = load_schema(SCHEMA_PATH)
FILES_SCHEMA = with_client_directives(SCHEMA)


def problems(schema: GraphQLSchema, source: str, name: str) -> list[str]:
    return [str(problem) for problem in document_problems(schema, source, name)]


def query_files() -> list[Path]:
    return sorted(QUERIES_DIR.glob("*.graphql"))


EXPECTED_OPERATIONS = {
    "ListBoltSchedules",
    "BoltScheduleName",
    "TriggerBoltRun",
    "CancelBoltRun",
    "BoltRunStatus",
    "BoltCommand",
    "BoltResourceUrl",
}

# Operation strings sent by the public Paradime clients (paradime-io SDK 5.x-6.9, the Airflow
# provider, the Dagster integration) to the seven documented fields, as listed in
# bolt-api-surface.md. Each must validate, or our schema has drifted from the live API.
PUBLIC_CLIENT_OPERATIONS = [
    """mutation triggerBoltRun($slug: String, $commands: [String!], $branch: String,
         $prNumber: Int, $reason: String, $commandConfigs: [BoltCommandInput!],
         $continueOnError: Boolean) {
       triggerBoltRun(slug: $slug, commands: $commands, branch: $branch, prNumber: $prNumber,
         reason: $reason, commandConfigs: $commandConfigs, continueOnError: $continueOnError) {
         runId } }""",
    """mutation triggerBoltRun($scheduleName: String!, $commands: [String!], $branch: String,
         $prNumber: Int) {
       triggerBoltRun(scheduleName: $scheduleName, commands: $commands, branch: $branch,
         prNumber: $prNumber) { runId } }""",
    """query listBoltSchedules($offset: Int!, $limit: Int!, $showInactive: Boolean!,
         $filter: BoltScheduleFilter) {
       listBoltSchedules(offset: $offset, limit: $limit, showInactive: $showInactive,
         filter: $filter) {
         schedules { name slug schedule owner lastRunAt lastRunState nextRunAt id uuid source
           suspended
           turboCi { enabled deferredScheduleName deferredScheduleSlug deferEnvironmentSlug
             successfulRunOnly }
           deferredSchedule { enabled deferredScheduleName deferredScheduleSlug
             deferEnvironmentSlug successfulRunOnly }
           commands gitBranch slackOn slackNotify emailOn emailNotify
           notifications {
             emailNotifications { channel events templateSlug templateName }
             slackNotifications { channel events templateSlug templateName }
             msTeamsNotifications { channel events templateSlug templateName } } }
         totalCount } }""",
    """query boltScheduleName($slug: String) {
       boltScheduleName(slug: $slug) {
         ok latestRunId commands owner schedule uuid source suspended } }""",
    """query boltScheduleName($scheduleName: String!) {
       boltScheduleName(scheduleName: $scheduleName) {
         ok latestRunId commands owner schedule uuid source } }""",
    "query boltRunStatus($runId: Int!) { boltRunStatus(runId: $runId) { state } }",
    """query boltRunStatus($runId: Int!) { boltRunStatus(runId: $runId) {
         commands { id command startDttm endDttm stdout stderr returnCode } } }""",
    """query boltCommand($commandId: Int!) {
       boltCommand(commandId: $commandId) { resources { id path } } }""",
    "query boltResourceUrl($resourceId: Int!) { boltResourceUrl(resourceId: $resourceId) { url } }",
    "mutation CancelBoltRun($runId: Int!) { cancelBoltRun(scheduleRunId: $runId) { ok } }",
    "query Status($runId: Int!) { boltRunStatus(runId: $runId) { state } }",
    """mutation trigger($scheduleName: String!) {
       triggerBoltRun(scheduleName: $scheduleName) { runId } }""",
    # The ready-made follow-up queries that Bolt webhooks carry (docs: webhooks, getting started).
    """query BoltCommand {
        boltCommand(commandId: 193439) {
            command startDttm endDttm stdout stderr returnCode scheduleRunId resources { id path }
        }}""",
    """query BoltResourceUrl {
        boltResourceUrl(resourceId: 1205731) {
            ok url
        }}""",
]


def test_schema_parses_and_has_a_provenance_header() -> None:
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    assert text.startswith("# Paradime Bolt API")
    assert "Provenance:" in text.split("type Query", 1)[0]
    assert SCHEMA.query_type is not None
    assert SCHEMA.mutation_type is not None


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.name)
def test_each_query_file_validates(path: Path) -> None:
    name = str(path.relative_to(QUERIES_DIR.parent))
    found = problems(FILES_SCHEMA, with_fragments(path.read_text(encoding="utf-8")), name)
    assert not found, "\n".join(found)


def test_one_named_operation_per_file_with_the_documented_names() -> None:
    names = []
    for path in query_files():
        document = parse(path.read_text(encoding="utf-8"))
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        assert len(operations) == 1, f"{path.name} must hold exactly one operation"
        assert operations[0].name is not None, f"{path.name}: the operation has no name"
        names.append(operations[0].name.value)
    assert len(names) == len(set(names)), f"duplicate operation names: {sorted(names)}"
    assert set(names) >= EXPECTED_OPERATIONS


def test_validation_failures_point_at_file_line_and_column(tmp_path: Path) -> None:
    source = "query Broken($runId: Int!) {\n  boltRunStatus(runId: $runId) {\n    nope\n  }\n}\n"
    found = problems(SCHEMA, source, "queries/broken.graphql")
    assert found == [
        "queries/broken.graphql:3:5: Cannot query field 'nope' on type 'BoltRunStatus'."
    ]
    syntax = problems(SCHEMA, "query {", "queries/syntax.graphql")
    assert syntax and syntax[0].startswith("queries/syntax.graphql:1:8: Syntax Error")


@pytest.mark.parametrize(
    "example",
    docs_examples(),
    ids=lambda e: f"{e['operation']}-{sorted(e['curl_body']['variables'])}",
)
def test_every_documented_request_validates(example: dict[str, object]) -> None:
    curl = example["curl_body"]
    assert isinstance(curl, dict)
    assert not problems(SCHEMA, curl["query"], "docs curl body")
    assert not problems(SCHEMA, str(example["python_query"]), "docs python example")


@pytest.mark.parametrize("source", PUBLIC_CLIENT_OPERATIONS, ids=lambda s: s.split("(")[0].strip())
def test_every_public_client_operation_validates(source: str) -> None:
    assert not problems(SCHEMA, source, "public client operation")


def test_run_states_are_strings_not_enums() -> None:
    status_type = SCHEMA.get_type("BoltRunStatus")
    assert status_type is not None
    assert str(status_type.fields["state"].type) == "String"  # type: ignore[attr-defined]
    schedule = SCHEMA.get_type("BoltSchedule")
    assert str(schedule.fields["lastRunState"].type) == "String"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("type_name", "field"),
    [
        ("BoltSchedule", "lastRunAt"),
        ("BoltSchedule", "lastRunState"),
        ("BoltSchedule", "nextRunAt"),
        ("BoltSchedule", "turboCi"),
        ("BoltSchedule", "deferredSchedule"),
        ("BoltRunCommand", "returnCode"),
        ("BoltRunCommand", "endDttm"),
    ],
)
def test_fields_the_docs_show_as_null_are_nullable(type_name: str, field: str) -> None:
    graphql_type = SCHEMA.get_type(type_name)
    assert not str(graphql_type.fields[field].type).endswith("!")  # type: ignore[union-attr]
