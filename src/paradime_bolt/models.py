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
from ._generated.create_bolt_schedule import (
    CreateBoltScheduleCreateBoltSchedule as CreatedSchedule,
)
from ._generated.create_schedule_slugs import (
    CreateScheduleSlugsCreateScheduleSlugs as ScheduleSlugs,
)
from ._generated.delete_bolt_schedule import DeleteBoltScheduleDeleteBoltSchedule as DeleteResult
from ._generated.enums import BoltEnvironmentType as EnvironmentType
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
from ._generated.input_types import BoltDatadogConfigInput as DatadogConfigInput
from ._generated.input_types import BoltDeferredScheduleConfigInput as DeferredScheduleInput
from ._generated.input_types import BoltEnvironmentVariableInput as EnvironmentVariableInput
from ._generated.input_types import BoltIncidentIoConfigInput as IncidentIoConfigInput
from ._generated.input_types import BoltIntegrationsInput as IntegrationsInput
from ._generated.input_types import BoltNewRelicConfigInput as NewRelicConfigInput
from ._generated.input_types import BoltNotificationChannelInput as NotificationChannelInput
from ._generated.input_types import BoltNotificationsInput as NotificationsInput
from ._generated.input_types import BoltPagerDutyConfigInput as PagerDutyConfigInput
from ._generated.input_types import BoltScheduleFilter as ScheduleFilter
from ._generated.input_types import BoltScheduleInput as ScheduleInput
from ._generated.input_types import BoltScheduleTriggerInput as ScheduleTriggerInput
from ._generated.input_types import BoltSelfHealingConfigInput as SelfHealingConfigInput
from ._generated.list_all_schedule_names import (
    ListAllScheduleNamesListAllScheduleNames as AllScheduleNames,
)
from ._generated.list_all_schedule_names import (
    ListAllScheduleNamesListAllScheduleNamesSchedules as WorkspaceScheduleName,
)
from ._generated.list_bolt_environments import (
    ListBoltEnvironmentsEnvironments as EnvironmentList,
)
from ._generated.list_bolt_environments import (
    ListBoltEnvironmentsEnvironmentsEnvironments as Environment,
)
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
    "AllScheduleNames",
    "CancelResult",
    "CommandDetails",
    "CommandInput",
    "CreatedSchedule",
    "DatadogConfigInput",
    "DeferredSchedule",
    "DeferredScheduleInput",
    "DeleteResult",
    "Environment",
    "EnvironmentList",
    "EnvironmentType",
    "EnvironmentVariableInput",
    "GitInfo",
    "IncidentIoConfigInput",
    "IntegrationsInput",
    "LogLine",
    "LogPage",
    "NewRelicConfigInput",
    "Notification",
    "NotificationChannelInput",
    "Notifications",
    "NotificationsInput",
    "PagerDutyConfigInput",
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
    "ScheduleInput",
    "SchedulePage",
    "ScheduleSlugs",
    "ScheduleTriggerInput",
    "SelfHealingConfigInput",
    "SuspendResult",
    "TriggeredRun",
    "TurboCi",
    "WorkspaceScheduleName",
    "parse_bolt_datetime",
]
