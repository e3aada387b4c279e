"""What the operators, the sensor and the trigger share, importable at DAG-parse time.

Nothing here imports the client: `paradime_bolt` brings httpx, pydantic and the generated
models, which a DAG file being parsed (every few seconds) must not pay for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

DEFAULT_CONN_ID: Final = "paradime_bolt_default"
CONN_TYPE: Final = "paradime_bolt"

XCOM_RUN_ID: Final = "run_id"
XCOM_RUN_URL: Final = "run_url"

# The key in Airflow's task_state_store (3.3+) under which a task instance remembers the Bolt run
# it started: it survives the task's retries (XComs do not), so a retry finds its own run.
STATE_RUN_ID: Final = "paradime_bolt_run_id"

# The `status` of the one event a BoltRunTrigger yields.
SUCCESS: Final = "success"
FAILED: Final = "failed"
CANCELED: Final = "canceled"
SKIPPED: Final = "skipped"
TIMEOUT: Final = "timeout"
ERROR: Final = "error"
STATUSES: Final = (SUCCESS, FAILED, CANCELED, SKIPPED, TIMEOUT, ERROR)


def failure_lines(event: Mapping[str, Any]) -> list[str]:
    """The lines a task log shows for a failed run: the failing command, its return code and
    the tail of its output."""
    lines = [f"Bolt run {event.get('run_id')} ended {event.get('state') or 'in an unknown state'}"]
    command = event.get("command")
    if command is not None:
        lines.append(f"failing command: {command} (return code {event.get('return_code')})")
    tail = event.get("output_tail") or ""
    if tail:
        lines.append(f"its output ends with:\n{tail}")
    return lines


def run_id_argument(value: object) -> int:
    """A run id given to a sensor or an artifact operator (often a rendered template, so a
    string): a positive 32-bit int, or ValueError naming it."""
    text = value.strip() if isinstance(value, str) else value
    run_id: int | None = None
    if isinstance(text, str) and text.isdecimal():
        run_id = int(text)
    elif isinstance(text, int) and not isinstance(text, bool):
        run_id = text
    if run_id is None or not 0 < run_id < 2**31:
        raise ValueError(f"run_id must be a Bolt run id (a positive integer), not {value!r}")
    return run_id
