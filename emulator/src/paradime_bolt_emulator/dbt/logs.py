"""Realistic console output for emulated commands: git clone, dbt commands, and anything else.

dbt's console log goes to stdout with a ``HH:MM:SS`` prefix on every line, spread over the
command's duration; a failing command also writes its error summary to stderr. Git writes its
progress to stderr, which is why the docs' ``git clone ...`` example has an empty stdout.
"""

from __future__ import annotations

from collections import Counter

from paradime_bolt_emulator.timefmt import format_clock

from .project import (
    ADAPTER,
    ADAPTER_VERSION,
    DBT_VERSION,
    GIT_CLONE,
    MACRO_COUNT,
    NODES,
    SCHEMA,
    DbtRun,
    NodeResult,
    execute,
)

_WIDTH = 80


def render_logs(
    command: str, return_code: int, *, start_ts: float, duration: float, branch: str
) -> tuple[str, str]:
    """The (stdout, stderr) a command writes when it ends with this return code."""
    if command == GIT_CLONE:
        return "", _git_clone(branch, return_code)
    run = execute(command, return_code)
    if run is None:
        return _other_command(command, return_code, start_ts, duration)
    if run.subcommand == "deps":
        return _deps(return_code, start_ts, duration)
    messages = _dbt_messages(run)
    errors = _error_blocks(run)
    if run.failed and not errors:
        errors = [
            [
                "Encountered an error:",
                "Runtime Error",
                f"  dbt {run.subcommand} failed with exit code {return_code}",
            ]
        ]
    stderr = "".join(f"{line}\n" for block in errors for line in [*block, ""])
    return _stamp(messages, start_ts, duration), stderr


def _stamp(messages: list[str], start_ts: float, duration: float) -> str:
    """Prefix each line with the time it is written, spread evenly over the duration."""
    count = max(1, len(messages))
    return "".join(
        f"{format_clock(start_ts + duration * index / count)}  {message}\n"
        for index, message in enumerate(messages)
    )


def _git_clone(branch: str, return_code: int) -> str:
    if return_code != 0:
        return (
            f"Cloning into 'repo'...\nfatal: Remote branch {branch} not found in upstream origin\n"
        )
    return (
        "Cloning into 'repo'...\n"
        "remote: Enumerating objects: 1842, done.\n"
        "remote: Counting objects: 100% (1842/1842), done.\n"
        "remote: Compressing objects: 100% (904/904), done.\n"
        "Receiving objects: 100% (1842/1842), 1.21 MiB | 9.87 MiB/s, done.\n"
        "Resolving deltas: 100% (1063/1063), done.\n"
        f"Switched to branch '{branch}'\n"
    )


def _deps(return_code: int, start_ts: float, duration: float) -> tuple[str, str]:
    messages = [
        f"Running with dbt={DBT_VERSION}",
        "Updating lock file in file path: /workspace/repo/package-lock.yml",
        "Installing dbt-labs/dbt_utils",
        "Installed from version 1.3.0",
        "Up to date!",
    ]
    if return_code == 0:
        return _stamp(messages, start_ts, duration), ""
    error = "Encountered an error:\nGit package dbt-labs/dbt_utils could not be downloaded\n"
    return _stamp([*messages[:3], "Encountered an error:"], start_ts, duration), error


def _other_command(
    command: str, return_code: int, start_ts: float, duration: float
) -> tuple[str, str]:
    messages = [f"Executing: {command}"]
    if return_code == 0:
        return _stamp([*messages, "Finished successfully."], start_ts, duration), ""
    return _stamp(messages, start_ts, duration), (
        f"Command '{command}' failed with exit code {return_code}\n"
    )


def _found_line() -> str:
    counts = Counter(node.resource_type for node in NODES)
    return (
        f"Found {counts['model']} models, {counts['snapshot']} snapshot, {counts['seed']} seed, "
        f"{counts['test']} data tests, {counts['source']} sources, {MACRO_COUNT} macros"
    )


def _dots(left: str, right: str) -> str:
    return f"{left} {'.' * max(3, _WIDTH - len(left) - len(right) - 2)} {right}"


def _subject(result: NodeResult) -> str:
    node = result.node
    relation = f"{SCHEMA}.{node.name}"
    return {
        "model": f"sql {node.materialized} model {relation}",
        "seed": f"seed file {relation}",
        "snapshot": f"snapshot {relation}",
        "source": f"freshness of raw.{node.name}",
    }.get(node.resource_type, f"test {node.name}")


def _result_line(prefix: str, result: NodeResult) -> str:
    """The line dbt prints when a node finishes."""
    node, seconds = result.node, f"{result.execution_time:.2f}s"
    if result.status == "skipped":
        what = (
            f"test {node.name}"
            if node.resource_type == "test"
            else f"relation {SCHEMA}.{node.name}"
        )
        return _dots(f"{prefix} SKIP {what}", "[SKIP]")
    if node.resource_type == "test":
        word = {"pass": "PASS", "fail": f"FAIL {result.failures}"}.get(result.status, "ERROR")
        return _dots(f"{prefix} {word} {node.name}", f"[{word} in {seconds}]")
    if node.resource_type == "source":
        word = "PASS" if result.status == "pass" else "ERROR STALE"
        return _dots(f"{prefix} {word} freshness of raw.{node.name}", f"[{word} in {seconds}]")
    if result.status == "error":
        verb = {"seed": "loading", "snapshot": "snapshotting"}.get(node.resource_type, "creating")
        return _dots(f"{prefix} ERROR {verb} {_subject(result)}", f"[ERROR in {seconds}]")
    verb = {"seed": "loaded", "snapshot": "snapshotted"}.get(node.resource_type, "created")
    return _dots(f"{prefix} OK {verb} {_subject(result)}", f"[{result.message} in {seconds}]")


def _finished_line(run: DbtRun) -> str:
    kinds: Counter[str] = Counter()
    for result in run.results:
        node = result.node
        if node.resource_type == "model":
            kinds[f"{node.materialized} model"] += 1
        elif node.resource_type == "test":
            kinds["data test"] += 1
        else:
            kinds[node.resource_type] += 1
    parts = ", ".join(f"{count} {kind}{'s' if count > 1 else ''}" for kind, count in kinds.items())
    elapsed = run.elapsed_time
    return (
        f"Finished running {parts} in 0 hours 0 minutes and {elapsed:.2f} seconds ({elapsed:.2f}s)."
    )


def _dbt_messages(run: DbtRun) -> list[str]:
    """The console lines of a dbt command, without their time prefixes."""
    messages = [
        f"Running with dbt={DBT_VERSION}",
        f"Registered adapter: {ADAPTER}={ADAPTER_VERSION}",
        _found_line(),
        "",
        "Concurrency: 8 threads (target='prod')",
        "",
    ]
    if run.subcommand == "docs generate" and not run.failed:
        messages += ["Building catalog", "Catalog written to /workspace/repo/target/catalog.json"]
    executed = [] if run.subcommand == "compile" else list(run.results)
    total = len(executed)
    for index, result in enumerate(executed, start=1):
        prefix = f"{index} of {total}"
        if result.status != "skipped":
            messages.append(_dots(f"{prefix} START {_subject(result)}", "[RUN]"))
        messages.append(_result_line(prefix, result))
    if executed:
        messages += ["", _finished_line(run), ""]
        errors = _error_blocks(run)
        if errors:
            count = len(errors)
            messages.append(
                f"Completed with {count} error{'s' if count > 1 else ''}, "
                "0 partial successes, and 0 warnings:"
            )
            for block in errors:
                messages += ["", *block]
        else:
            messages.append("Completed successfully")
        messages += ["", _done_line(executed)]
    elif run.failed:
        messages += ["Encountered an error:", "Runtime Error"]
    return messages


def _done_line(results: list[NodeResult]) -> str:
    statuses = Counter(result.status for result in results)
    passed = statuses["success"] + statuses["pass"]
    errors = statuses["error"] + statuses["fail"]
    return (
        f"Done. PASS={passed} WARN=0 ERROR={errors} SKIP={statuses['skipped']} TOTAL={len(results)}"
    )


def _error_blocks(run: DbtRun) -> list[list[str]]:
    """The per-node error summaries dbt prints after a failing run, in result order."""
    blocks: list[list[str]] = []
    for result in run.results:
        node = result.node
        if result.status == "fail":
            blocks.append(
                [
                    f"Failure in test {node.name} ({node.original_file_path})",
                    f"  {result.message}",
                    "",
                    f"  compiled code at {node.target_path('compiled')}",
                ]
            )
        elif result.status == "error":
            kind = "Compilation Error" if run.subcommand == "compile" else "Database Error"
            where = f"{node.resource_type} {node.name} ({node.original_file_path})"
            block = [f"{kind} in {where}", f"  {result.message}"]
            if node.has_sql:
                block.append(f"  compiled code at {node.target_path('run')}")
            blocks.append(block)
    return blocks
