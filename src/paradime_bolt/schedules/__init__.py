"""Schedules as code: check `paradime_schedules.yml` / `.bolt/*.yml` before Paradime reads them,
export a workspace's schedules as such a file, and turn a file's schedule into `ScheduleInput`.

    from paradime_bolt.schedules import validate_path
    report = validate_path(".")          # every problem, each at its FILE:LINE:COLUMN
    for finding in report.findings:
        print(finding)

Needs PyYAML and croniter: `pip install 'paradime-bolt[schedules]'` (the `cli` extra has them).
"""

from __future__ import annotations

from ._convert import export_yaml, load_entry, remote_facts, schedule_input
from ._rules import EVENTS, Finding, supported_timezones
from ._validate import RemoteFacts, ValidationReport, find_schedule_files, validate_path

__all__ = [
    "EVENTS",
    "Finding",
    "RemoteFacts",
    "ValidationReport",
    "export_yaml",
    "find_schedule_files",
    "load_entry",
    "remote_facts",
    "schedule_input",
    "supported_timezones",
    "validate_path",
]
