"""Readable names for the generated payload models the client returns.

The generated classes are named after their operation and field path
(`BoltRunStatusBoltRunStatusCommands`); these aliases are the names to use in your own code.
They are the same classes, so `isinstance` and type checking work with either name.
"""

from ._generated.bolt_command import BoltCommandBoltCommand as CommandDetails
from ._generated.bolt_command import BoltCommandBoltCommandResources as Resource
from ._generated.bolt_command_logs import BoltCommandLogsBoltCommandLogs as LogPage
from ._generated.bolt_command_logs import BoltCommandLogsBoltCommandLogsLines as LogLine
from ._generated.bolt_resource_url import BoltResourceUrlBoltResourceUrl as ResourceUrl
from ._generated.bolt_run_progress import BoltRunProgressBoltRunStatus as RunProgress
from ._generated.bolt_run_progress import (
    BoltRunProgressBoltRunStatusCommands as RunProgressCommand,
)
from ._generated.bolt_run_status import BoltRunStatusBoltRunStatus as RunStatus
from ._generated.bolt_run_status import BoltRunStatusBoltRunStatusCommands as RunCommand
from ._generated.bolt_schedule_name import BoltScheduleNameBoltScheduleName as ScheduleDetails
from ._generated.bolt_types import RunState, parse_bolt_datetime
from ._generated.cancel_bolt_run import CancelBoltRunCancelBoltRun as CancelResult
from ._generated.input_types import BoltCommandInput as CommandInput
from ._generated.input_types import BoltScheduleFilter as ScheduleFilter
from ._generated.list_bolt_runs import ListBoltRunsListBoltRuns as RunPage
from ._generated.list_bolt_runs import ListBoltRunsListBoltRunsRuns as Run
from ._generated.list_bolt_runs import ListBoltRunsListBoltRunsRunsGitInfo as GitInfo
from ._generated.list_bolt_schedules import ListBoltSchedulesListBoltSchedules as SchedulePage
from ._generated.list_bolt_schedules import ListBoltSchedulesListBoltSchedulesSchedules as Schedule
from ._generated.list_bolt_schedules import (
    ListBoltSchedulesListBoltSchedulesSchedulesDeferredSchedule as DeferredSchedule,
)
from ._generated.list_bolt_schedules import (
    ListBoltSchedulesListBoltSchedulesSchedulesNotifications as Notifications,
)
from ._generated.list_bolt_schedules import (
    ListBoltSchedulesListBoltSchedulesSchedulesTurboCi as TurboCi,
)
from ._generated.suspend_bolt_schedule import (
    SuspendBoltScheduleSuspendBoltSchedule as SuspendResult,
)
from ._generated.trigger_bolt_run import TriggerBoltRunTriggerBoltRun as TriggeredRun

__all__ = [
    "CancelResult",
    "CommandDetails",
    "CommandInput",
    "DeferredSchedule",
    "GitInfo",
    "LogLine",
    "LogPage",
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
