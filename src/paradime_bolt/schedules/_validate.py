"""Finding the schedule files of a project and checking all of them, across files too."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._nodes import YamlProblem, load_located
from ._rules import Finding, ScheduleFacts, _Checker, check_schedule

__all__ = ["RemoteFacts", "ValidationReport", "find_schedule_files", "validate_path"]

FLAT_FILES = ("paradime_schedules.yml", "paradime_schedules.yaml")
FOLDER = ".bolt"


@dataclass(frozen=True)
class RemoteFacts:
    """What the API knows: the workspace's deployed schedule names, every `(workspace,
    schedule)` pair the credential reaches, and the workspace's environment slugs."""

    existing_names: frozenset[str] = frozenset()
    trigger_refs: frozenset[tuple[str, str]] = frozenset()
    environments: frozenset[str] = frozenset()


@dataclass
class ValidationReport:
    """The files read and every finding, errors and warnings, in file and line order."""

    files: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No errors: what Paradime accepts."""
        return not self.errors


def find_schedule_files(path: str | os.PathLike[str]) -> list[Path]:
    """The schedule files of `path`: itself when a file; for a project folder, the `.bolt/`
    folder's `*.yml`/`*.yaml` (any depth, sorted), then `paradime_schedules.yml`/`.yaml`."""
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such file or folder")
    found: list[Path] = []
    folder = root / FOLDER
    if folder.is_dir():
        found.extend(
            sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
        )
    found.extend(root / name for name in FLAT_FILES if (root / name).is_file())
    return found


def validate_path(
    path: str | os.PathLike[str] = ".", *, remote: RemoteFacts | None = None
) -> ValidationReport:
    """Checks every schedule under `path` (a file, or a project folder with `.bolt/` or
    `paradime_schedules.yml`) and reports every problem, each at its line. With `remote`,
    references and environments are checked against the API's answers too.

    A missing path raises `FileNotFoundError`."""
    report = ValidationReport(files=find_schedule_files(path))
    schedules: list[ScheduleFacts] = []
    for file in report.files:
        schedules.extend(_check_file(file, report.findings.append))
    if not schedules and not any(f.message.startswith("not valid YAML") for f in report.errors):
        place = str(report.files[0]) if report.files else str(path)
        report.findings.append(
            Finding(place, 1, 1, "no schedules found (paradime_schedules.yml or .bolt/*.yml)")
        )
    _check_across(schedules, remote, report.findings.append)
    report.findings.sort(key=lambda f: (f.file, f.line, f.column, f.message))
    return report


Report = Callable[[Finding], None]


def _check_file(file: Path, report: Report) -> list[ScheduleFacts]:
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        report(Finding(name, 1, 1, f"cannot read: {error}"))
        return []
    try:
        document, duplicates = load_located(text)
    except YamlProblem as problem:
        report(Finding(name, problem.line, problem.column, problem.message))
        return []
    for duplicate in duplicates:
        report(
            Finding(
                name,
                duplicate.line,
                duplicate.column,
                f"key {duplicate.key!r} is written twice in one mapping (also on line "
                f"{duplicate.first_line}); YAML keeps only this last one",
                severity="warning",
            )
        )
    if document is None or not document.value:
        return []  # an empty file is skipped, as Paradime does
    check = _Checker(name, None, report)
    if not check.mapping(document, "the file", ("version", "schedules"), required=("schedules",)):
        return []
    check.integer(document, "version", "")
    entries = document.entries.get("schedules")
    if entries is None:
        return []
    if not entries.is_sequence:
        check.error(entries, f"schedules must be a list, not {type(entries.value).__name__}")
        return []
    return [check_schedule(entry, name, i, report) for i, entry in enumerate(entries.items)]


def _check_across(
    schedules: list[ScheduleFacts], remote: RemoteFacts | None, report: Report
) -> None:
    first: dict[str, ScheduleFacts] = {}
    for facts in schedules:
        if facts.name is None:
            continue
        if facts.name in first:
            earlier = first[facts.name]
            at = facts.located.where("slug" if "slug" in facts.located.entries else "name")
            report(
                Finding(
                    facts.file,
                    at.line,
                    at.column,
                    f"the name {facts.name!r} is already used at {earlier.file}:"
                    f"{earlier.located.line}; names must be unique across all schedule files",
                    facts.label,
                )
            )
        else:
            first[facts.name] = facts
    local = set(first)
    known = local | set(remote.existing_names if remote else ())
    for facts in schedules:
        for target, at, key in facts.deferred:
            if target not in known:
                deployed = " or deployed in the workspace" if remote else ""
                report(
                    Finding(
                        facts.file,
                        at.line,
                        at.column,
                        f"{key}: {target!r} is not a schedule in these files{deployed}",
                        facts.label,
                    )
                )
        if remote is None:
            continue
        if facts.trigger is not None and remote.trigger_refs:
            workspace, name, at = facts.trigger
            if (workspace, name) not in remote.trigger_refs and name not in local:
                report(
                    Finding(
                        facts.file,
                        at.line,
                        at.column,
                        f"{name!r} is not a schedule of workspace {workspace!r} "
                        "(listAllScheduleNames) nor of these files",
                        facts.label,
                    )
                )
        if remote.environments:
            choices = ", ".join(sorted(remote.environments))
            targets = [
                *([facts.environment] if facts.environment else []),
                *facts.defer_environments,
            ]
            for slug, at in targets:
                if slug not in remote.environments:
                    report(
                        Finding(
                            facts.file,
                            at.line,
                            at.column,
                            f"environment {slug!r} is not a Bolt environment of this workspace; "
                            f"use one of: {choices}",
                            facts.label,
                        )
                    )
