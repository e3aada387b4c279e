"""Readable names for the generated payload models the client returns.

The shared selections of `queries/fragments/` are generated under these names already
(`RunCommand`, `Schedule`, `TriggeredRun`, ...); the rest are named after their operation and
field path (`BoltCommandBoltCommand`), and these aliases are the names to use in your own code.
They are the same classes, so `isinstance` and type checking work with either name.
"""

from ._generated.bolt_command import BoltCommandBoltCommand as CommandDetails
from ._generated.bolt_command import BoltCommandBoltCommandResources as Resource
from ._generated.bolt_command_logs import BoltCommandLogsBoltCommandLogs as LogPage
from ._generated.bolt_command_logs import BoltCommandLogsBoltCommandLogsLines as LogLine
from ._generated.bolt_resource_url import BoltResourceUrlBoltResourceUrl as ResourceUrl
from ._generated.bolt_run_progress import BoltRunProgressBoltRunStatus as RunProgress
from ._generated.bolt_run_status import BoltRunStatusBoltRunStatus as RunStatus
from ._generated.bolt_schedule_name import BoltScheduleNameBoltScheduleName as ScheduleDetails
from ._generated.cancel_bolt_run import CancelBoltRunCancelBoltRun as CancelResult
from ._generated.fragments import (
    DeferredSchedule,
    Notification,
    RunCommand,
    RunProgressCommand,
    Schedule,
    TriggeredRun,
)
from ._generated.fragments import ScheduleNotifications as Notifications
from ._generated.input_types import BoltCommandInput as CommandInput
from ._generated.input_types import BoltScheduleFilter as ScheduleFilter
from ._generated.list_bolt_runs import ListBoltRunsListBoltRuns as RunPage
from ._generated.list_bolt_runs import ListBoltRunsListBoltRunsRuns as Run
from ._generated.list_bolt_runs import ListBoltRunsListBoltRunsRunsGitInfo as GitInfo
from ._generated.list_bolt_schedules import ListBoltSchedulesListBoltSchedules as SchedulePage
from ._generated.suspend_bolt_schedule import (
    SuspendBoltScheduleSuspendBoltSchedule as SuspendResult,
)
from ._views import RunState, parse_bolt_datetime

TurboCi = DeferredSchedule
"""A schedule's Turbo CI settings: the same fields as its deferred-schedule settings."""

__all__ = [
    "CancelResult",
    "CommandDetails",
    "CommandInput",
    "DeferredSchedule",
    "GitInfo",
    "LogLine",
    "LogPage",
    "Notification",
    "Notifications",
    "Resource",
    "ResourceUrl",
    "Run",
    "RunCommand",
    "RunPage",
    "RunProgress",
    "RunProgressCommand",
    "RunState",
    "RunStatus",
    "Schedule",
    "ScheduleDetails",
    "ScheduleFilter",
    "SchedulePage",
    "SuspendResult",
    "TriggeredRun",
    "TurboCi",
    "parse_bolt_datetime",
]
