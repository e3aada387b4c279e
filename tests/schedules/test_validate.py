"""`validate_path`: each rule with a failing file and its exact line; every error of a file;
`.bolt/` layouts with several files, cross-file references and duplicates; the YAML traps."""

from __future__ import annotations

from pathlib import Path

import pytest

from paradime_bolt.schedules import RemoteFacts, find_schedule_files, validate_path

from .corpus import GOOD, INVALID, VALID, one


def _write(tmp_path: Path, text: str, name: str = "paradime_schedules.yml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_valid_file_has_no_error(tmp_path: Path, name: str) -> None:
    report = validate_path(_write(tmp_path, VALID[name]))
    assert report.ok, [str(f) for f in report.errors]


@pytest.mark.parametrize("name", sorted(INVALID))
def test_each_rule_reports_its_line(tmp_path: Path, name: str) -> None:
    text, expected = INVALID[name]
    path = _write(tmp_path, text)
    found = [(f.line, f.column, f.message) for f in validate_path(path).errors]
    assert len(found) == len(expected), found
    for line, column, words in expected:
        assert any(
            (line, column) == (f_line, f_column) and words in message
            for f_line, f_column, message in found
        ), (line, column, words, found)


def test_the_format_names_file_line_column_and_schedule(tmp_path: Path) -> None:
    path = _write(tmp_path, one("timezone: Mars/Base"))
    [error] = validate_path(path).errors
    assert str(error) == f"{path}:6:5: schedule s: timezone 'Mars/Base' is not a timezone"


def test_every_error_of_a_file_is_reported(tmp_path: Path) -> None:
    text = (
        "schedules:\n"
        "  - name: a\n"
        "    schedule: OFF\n"  # 3: the trap
        "    environment: production\n"
        "    commands: [dbt run]\n"
        "    timezone: Nowhere\n"  # 6
        "  - name: b\n"
        "    schedule: '0 2 * * *'\n"
        "    commands: []\n"  # 9, and no environment (7)
        "    slack_on: [always]\n"  # 10
        "  - name: a\n"  # 11: a duplicate
        "    schedule: 'OFF'\n"
        "    environment: production\n"
        "    commands: [dbt run]\n"
        "    concurrency: queue\n"  # 15
    )
    path = _write(tmp_path, text)
    lines = [f.line for f in validate_path(path).errors]
    assert lines == [3, 6, 7, 9, 10, 11, 15]


def test_bolt_folder_files_merge_with_cross_file_references_and_duplicates(
    tmp_path: Path,
) -> None:
    _write(tmp_path, GOOD, ".bolt/core/nightly.yml")
    _write(
        tmp_path,
        "schedules:\n  - name: ci\n    schedule: 'OFF'\n    environment: production\n"
        "    commands: [dbt build]\n"
        "    turbo_ci: {enabled: true, deferred_schedule_name: nightly}\n"
        "    run_after: {schedule: nightly}\n",
        ".bolt/ci.yaml",
    )
    _write(tmp_path, "", ".bolt/empty.yml")
    _write(tmp_path, "not: yaml: here\n", ".bolt/notes.txt")
    _write(tmp_path, GOOD.replace("nightly", "flat"))
    files = find_schedule_files(tmp_path)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        ".bolt/ci.yaml",
        ".bolt/core/nightly.yml",
        ".bolt/empty.yml",
        "paradime_schedules.yml",
    ]
    assert validate_path(tmp_path).ok

    _write(tmp_path, GOOD, ".bolt/copy.yml")
    [duplicate] = validate_path(tmp_path).errors
    assert duplicate.file.endswith("nightly.yml") or duplicate.file.endswith("copy.yml")
    assert "'nightly' is already used at" in duplicate.message
    assert (duplicate.line, duplicate.column) == (2, 5)


def test_nothing_to_check(tmp_path: Path) -> None:
    [error] = validate_path(tmp_path).errors
    assert "no schedules found" in error.message
    with pytest.raises(FileNotFoundError):
        validate_path(tmp_path / "missing")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.replace('"0 2 * * *"', "off"), 3, "quote it: schedule: 'OFF'"),
        (GOOD.replace('"0 2 * * *"', "no"), 3, "quote it: schedule: 'OFF'"),
        (one("git_branch: off"), 6, "YAML reads the unquoted 'off' as False"),
        (one("run_after:\n  schedule: nightly\n  on: [failed]"), 8, "bare key `on`"),
        (one("description: a\ndescription: b"), 7, "written twice in one mapping (also on line 6)"),
    ],
)
def test_yaml_traps_are_named_with_their_fix(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    findings = validate_path(_write(tmp_path, text)).findings
    assert any(f.line == line and words in f.message for f in findings), [str(f) for f in findings]


def test_traps_paradime_accepts_are_warnings(tmp_path: Path) -> None:
    report = validate_path(_write(tmp_path, one("run_after:\n  schedule: s\n  on: [failed]")))
    assert report.ok and [w.severity for w in report.warnings] == ["warning"]


def test_remote_facts_check_references_and_environments(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        one(
            "turbo_ci: {enabled: true, deferred_schedule_name: deployed}\n"
            "run_after: {schedule: upstream, workspace: other}\n"
            "deferred_schedule: {enabled: true, defer_environment_slug: staging}"
        ).replace("environment: production", "environment: prod"),
    )
    offline = validate_path(path)
    assert [f.line for f in offline.errors] == [6]  # deployed is unknown offline
    facts = RemoteFacts(
        existing_names=frozenset({"deployed"}),
        trigger_refs=frozenset({("other", "elsewhere")}),
        environments=frozenset({"production"}),
    )
    errors = validate_path(path, remote=facts).errors
    assert [(f.line, f.message.split(" ")[0]) for f in errors] == [
        (3, "environment"),
        (7, "'upstream'"),
        (8, "environment"),
    ]
    good = RemoteFacts(
        existing_names=frozenset({"deployed"}),
        trigger_refs=frozenset({("other", "upstream")}),
        environments=frozenset({"prod", "staging"}),
    )
    assert validate_path(path, remote=good).ok
