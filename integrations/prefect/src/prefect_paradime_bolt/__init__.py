"""prefect-paradime-bolt: run Paradime Bolt schedules from Prefect flows and wait for them.

from prefect import flow
from prefect_paradime_bolt import BoltCredentials, trigger_bolt_run_and_wait_for_completion

@flow
def nightly() -> None:
    trigger_bolt_run_and_wait_for_completion(
        BoltCredentials.load("paradime"), "daily run", retry_from_failure_attempts=1
    )

Every task and the flow work in sync and async flows under the same name (awaited in async
ones); `.sync` and `.aio` are the two twins. `prefect block register -m prefect_paradime_bolt`
registers the `BoltCredentials` block.
"""

from paradime_bolt import __version__

from ._credentials import BoltCredentials
from ._dispatch import BoltFlow, BoltTask
from ._flows import DbtNodeFailedError, trigger_bolt_run_and_wait_for_completion
from ._results import BoltRunSummary, CommandSummary, artifact_key, asset_key
from ._tasks import get_bolt_run_artifact, retry_bolt_run, trigger_bolt_run, wait_for_bolt_run

__all__ = [
    "BoltCredentials",
    "BoltFlow",
    "BoltRunSummary",
    "BoltTask",
    "CommandSummary",
    "DbtNodeFailedError",
    "__version__",
    "artifact_key",
    "asset_key",
    "get_bolt_run_artifact",
    "retry_bolt_run",
    "trigger_bolt_run",
    "trigger_bolt_run_and_wait_for_completion",
    "wait_for_bolt_run",
]
